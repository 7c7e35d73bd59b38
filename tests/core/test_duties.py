"""Separation of duties (SECURITY.md row 6): system, security and audit admins."""

import pytest
from django.test import Client

from fazhi.core import audit
from fazhi.core.models import AuditEvent, Membership
from fazhi.core.roles import Role
from tests.factories import PASSWORD, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def admins(world):
    return {
        "sys": member(world.county, Role.SYSTEM_ADMIN, username="sys"),
        "sec": member(world.county, Role.SECURITY_ADMIN, username="sec"),
        "aud": member(world.county, Role.AUDIT_ADMIN, username="aud"),
    }


def test_role_matrix_of_the_system_pages(world, admins, client_for):
    pages = {"/system/users/": "sys", "/system/roles/": "sec", "/system/audit/": "aud"}
    everyone = {**admins, "clerk": world.clerk_a, "supervisor": world.supervisor}
    for url, owner in pages.items():
        for name, user in everyone.items():
            status = client_for(user).get(url).status_code
            assert status == (200 if name == owner else 403), (url, name, status)


def test_system_admin_creates_users_but_cannot_grant_roles(world, admins, client_for):
    c = client_for(admins["sys"])
    resp = c.post(
        "/system/users/", {"username": "newbie", "display_name": "新人", "password": "Chu-Shi2026"}
    )
    assert resp.status_code == 302
    from django.contrib.auth import get_user_model

    newbie = get_user_model().objects.get(username="newbie")
    assert newbie.password_changed_at is None  # must change at first login
    weak = c.post("/system/users/", {"username": "weak", "password": "abc"}).content.decode()
    assert "密码" in weak and not get_user_model().objects.filter(username="weak").exists()
    dup = c.post(
        "/system/users/", {"username": "NEWBIE", "password": "Chu-Shi2026"}
    ).content.decode()
    assert "已被使用" in dup
    # Granting is the security admin's duty.
    assert (
        client_for(admins["sys"])
        .post(
            "/system/roles/",
            {"username": "newbie", "unit": world.township_a.pk, "role": Role.TOWNSHIP_STAFF},
        )
        .status_code
        == 403
    )
    resp = client_for(admins["sec"]).post(
        "/system/roles/",
        {"username": "newbie", "unit": world.township_a.pk, "role": Role.TOWNSHIP_STAFF},
    )
    assert resp.status_code == 302
    assert Membership.objects.filter(user=newbie, role=Role.TOWNSHIP_STAFF).exists()
    assert AuditEvent.objects.filter(event="role", detail__action="grant").exists()


def test_security_admin_cannot_grant_itself(world, admins, client_for):
    html = (
        client_for(admins["sec"])
        .post(
            "/system/roles/",
            {"username": "sec", "unit": world.county.pk, "role": Role.AUDIT_ADMIN},
            follow=True,
        )
        .content.decode()
    )
    assert "不能给自己授权" in html


def test_auditor_reads_and_exports_but_changes_nothing(world, admins, client_for):
    audit.record(audit.E.EXPORT, detail={"x": 1}, user=world.clerk_a)
    c = client_for(admins["aud"])
    html = c.get("/system/audit/", {"username": "clerk_a"}).content.decode()
    assert "clerk_a" in html
    resp = c.get("/system/audit/", {"export": "xlsx"})
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(event="export", username="aud").exists()
    assert c.post("/system/users/", {"username": "x", "password": "Chu-Shi2026"}).status_code == 403
    assert c.get("/api/v1/audit/").status_code == 200
    assert client_for(admins["sys"]).get("/api/v1/audit/").status_code == 403
    bad = c.get("/system/audit/", {"date_from": "2026-13-40"})
    assert bad.status_code == 200 and "日期格式" in bad.content.decode()


def test_user_admin_api_and_unlock(world, admins, api_for):
    api = api_for(admins["sys"])
    resp = api.post(
        "/users/",
        {"username": "api_user", "password": "Chu-Shi2026", "unit_id": world.township_a.pk},
    )
    assert resp.status_code == 201
    uid = resp.json()["id"]
    for _ in range(5):
        Client().post("/login/", {"username": "clerk_a", "password": "bad"})
    assert (
        Client().post("/login/", {"username": "clerk_a", "password": PASSWORD}).status_code == 429
    )
    assert api.post(f"/users/{world.clerk_a.pk}/unlock").status_code == 200
    assert (
        Client().post("/login/", {"username": "clerk_a", "password": PASSWORD}).status_code == 302
    )
    assert api.post(f"/users/{uid}/disable").json()["is_active"] is False
    assert api.post(f"/users/{uid}/explode").status_code == 400
    sec = api_for(admins["sec"])
    grant = sec.post(
        "/roles/", {"username": "api_user", "unit_id": world.township_a.pk, "role": "viewer"}
    )
    assert grant.status_code == 201
    assert sec.c.delete(f"/api/v1/roles/{grant.json()['id']}").status_code == 204


def test_county_admins_do_not_reach_other_counties(world, admins, client_for):
    html = client_for(admins["sys"]).get("/system/users/").content.decode()
    assert "outsider" not in html and "clerk_a" in html


def test_user_command(world, capsys):
    from django.core.management import call_command

    call_command("user", "create", "cli_user", "--password", "Chu-Shi2026", "--name", "命令行用户")
    call_command("user", "grant", "cli_user", "100001", "viewer")
    call_command("user", "list")
    assert "cli_user\t100001" in capsys.readouterr().out
    call_command("user", "disable", "cli_user")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("user", "create", "bad", "--password", "short")
