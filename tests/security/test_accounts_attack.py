"""Attacks on accounts, roles, tokens, lockout and the second factor (issue 21: H1, M2, the
lockout, and what the outside test did not reach: TOTP replay and guessing, an admin's
password reset and the tokens).

Each test names the attack it replays; SECURITY.md rows 2, 4, 6 and 18.
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pyotp
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from fazhi.core import accounts, retention, security
from fazhi.core.models import ApiToken, AuditEvent, Membership, TotpDevice
from fazhi.core.roles import Role
from tests.factories import PASSWORD, UserFactory, member

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2] / "fazhi"
NEW_PASSWORD = "Xin-Mima-2026"


@pytest.fixture
def admins(world):
    return {
        "sys": member(world.county, Role.SYSTEM_ADMIN, username="sys"),
        "sec": member(world.county, Role.SECURITY_ADMIN, username="sec"),
        "aud": member(world.county, Role.AUDIT_ADMIN, username="aud"),
    }


def _refusals(username: str, **detail):
    rows = AuditEvent.objects.filter(event="permission_refused", username=username)
    return [r for r in rows if all(r.detail.get(k) == v for k, v in detail.items())]


def _can_log_in(username: str, password: str) -> bool:
    resp = Client(REMOTE_ADDR="10.7.7.7").post(
        "/login/", {"username": username, "password": password}
    )
    return resp.status_code == 302


def _bearer(key: str, path: str = "/api/v1/me"):
    return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {key}")


# --- H1: only the security admin grants roles, on every path ----------------------------
# The allow-list of functions that may write a membership. A new writer fails
# test_every_membership_writer_is_known until it is checked and listed here.
MEMBERSHIP_WRITERS = {
    ("core/accounts.py", "_grant"),  # checked by _check_grant on every call, audited
    ("core/demo.py", "_make_users"),  # demo data only: `fazhi demo` refuses unless FAZHI_DEMO
    # demo data only, run from `fazhi demo` after _make_users: admin_df also keeps the
    # 社区矫正 roster (the restricted role), as a 司法所 head would
    ("corrections/demo.py", "gen"),
}
_WRITE_METHODS = {"create", "get_or_create", "update_or_create", "bulk_create", "add", "set"}


def _writes_membership(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Name) and func.id == "Membership":
        return True  # Membership(...) then .save()
    if any(isinstance(a, ast.Name) and a.id == "Membership" for a in call.args):
        return True  # bulk.insert(Membership, rows) and the like
    if isinstance(func, ast.Attribute) and func.attr in _WRITE_METHODS:
        text = ast.unparse(func.value)
        return "Membership" in text or "memberships" in text
    return False


def _membership_writers() -> set[tuple[str, str]]:
    found = set()
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        stack: list[tuple[ast.AST, str]] = [(tree, "<module>")]
        while stack:
            node, func_name = stack.pop()
            for child in ast.iter_child_nodes(node):
                name = func_name
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                    name = child.name
                if isinstance(child, ast.Call) and _writes_membership(child):
                    found.add((str(path.relative_to(ROOT)), name))
                stack.append((child, name))
    return found


def test_every_membership_writer_is_known():
    """A code scan: every call that can write a membership is in the allow-list."""
    assert _membership_writers() == MEMBERSHIP_WRITERS


def test_the_scan_would_see_a_new_writer(tmp_path):
    tree = ast.parse("def sneaky(u, t):\n    u.memberships.create(unit=t, role='viewer')\n")
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call))
    assert _writes_membership(call)
    tree = ast.parse("Membership.objects.get_or_create(user=u, unit=t, role=r)")
    assert _writes_membership(next(n for n in ast.walk(tree) if isinstance(n, ast.Call)))


def test_the_django_admin_exposes_no_account_model():
    """/django-admin/ offers no way round the rule: users, roles, tokens, TOTP devices and the
    audit log are not registered there."""
    from django.contrib import admin

    from fazhi.core.models import Unit

    registered = set(admin.site._registry)
    for model in (get_user_model(), Membership, ApiToken, TotpDevice, AuditEvent, Unit):
        assert model not in registered, model


@pytest.mark.parametrize("role", [Role.AUDIT_ADMIN, Role.SECURITY_ADMIN, Role.TOWNSHIP_ADMIN])
def test_system_admin_cannot_grant_through_user_creation_api(world, admins, api_for, role):
    """The outside test's H1: POST /api/v1/users/ with a role was 201."""
    resp = api_for(admins["sys"]).post(
        "/users/",
        {
            "username": "esc_user",
            "password": "Chu-Shi2026",
            "unit_id": world.county.pk,
            "role": role,
        },
    )
    assert resp.status_code == 403
    assert resp.json()["error"]["code"] == "forbidden"
    assert "安全管理员" in resp.json()["error"]["message"]
    assert not get_user_model().objects.filter(username__iexact="esc_user").exists()
    assert len(_refusals("sys", action="grant", role=role, user="esc_user")) == 1
    assert AuditEvent.objects.filter(event="permission_refused", username="sys").count() == 1
    # A role without a unit is refused the same way, not a 400.
    resp = api_for(admins["sys"]).post(
        "/users/", {"username": "esc_user", "password": "Chu-Shi2026", "role": role}
    )
    assert resp.status_code == 403


def test_system_admin_cannot_grant_through_the_user_page(world, admins, client_for):
    resp = client_for(admins["sys"]).post(
        "/system/users/",
        {
            "username": "esc_web",
            "password": "Chu-Shi2026",
            "unit": world.county.pk,
            "role": Role.AUDIT_ADMIN,
        },
    )
    assert resp.status_code == 403
    assert "只有安全管理员可以授予角色" in resp.content.decode()
    assert not get_user_model().objects.filter(username="esc_web").exists()
    assert len(_refusals("sys", action="grant", role=Role.AUDIT_ADMIN)) == 1
    # The form offers the system admin no role to pick.
    page = client_for(admins["sys"]).get("/system/users/").content.decode()
    assert 'name="role"' not in page and "角色由安全管理员授权" in page


def test_system_admin_cannot_grant_through_the_cli(world, admins):
    with pytest.raises(CommandError, match="只有安全管理员"):
        call_command(
            "user", "create", "esc_cli", "100000", "audit_admin",
            "--password", "Chu-Shi2026", "--user", "sys",
        )  # fmt: skip
    assert not get_user_model().objects.filter(username="esc_cli").exists()
    call_command("user", "create", "esc_cli", "--password", "Chu-Shi2026", "--user", "sys")
    with pytest.raises(CommandError, match="只有安全管理员"):
        call_command("user", "grant", "esc_cli", "100000", "audit_admin", "--user", "sys")
    refused = _refusals("sys", action="grant", role=Role.AUDIT_ADMIN)
    assert len(refused) == 2 and all(r.channel == "cli" for r in refused)
    assert not Membership.objects.filter(user__username="esc_cli").exists()


def test_the_cli_refusal_is_a_non_zero_exit_and_one_line(world, admins, capsys, monkeypatch):
    from django.core.management.base import CommandParser
    from django.db import connections

    from fazhi import cli

    monkeypatch.setattr(CommandParser, "error", CommandParser.error)  # main() patches it
    monkeypatch.setattr(connections, "close_all", lambda: None)  # keep the test's database
    argv = ["fazhi", "user", "create", "esc_main", "100000", "security_admin"]
    with pytest.raises(SystemExit) as exc:
        cli.main([*argv, "--password", "Chu-Shi2026", "--user", "sys"])
    assert exc.value.code != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "只有安全管理员" in err[0]
    assert not get_user_model().objects.filter(username="esc_main").exists()
    assert len(_refusals("sys", action="grant", user="esc_main")) == 1


def test_a_user_made_by_the_system_admin_has_no_role_until_the_security_admin_grants(
    world, admins, api_for
):
    made = api_for(admins["sys"]).post(
        "/users/", {"username": "newbie", "password": "Chu-Shi2026", "unit_id": world.county.pk}
    )
    assert made.status_code == 201
    newbie = get_user_model().objects.get(username="newbie")
    assert not newbie.memberships.exists()
    assert api_for(admins["sys"]).post(
        "/roles/", {"username": "newbie", "unit_id": world.township_a.pk, "role": "viewer"}
    ).status_code == 403  # fmt: skip
    sec = api_for(admins["sec"]).post(
        "/roles/", {"username": "newbie", "unit_id": world.township_a.pk, "role": "viewer"}
    )
    assert sec.status_code == 201
    assert list(newbie.memberships.values_list("role", flat=True)) == ["viewer"]


def test_security_admin_limits(world, admins, api_for, client_for):
    """No self-grant; the three admin duties are held by different people, who hold no
    business role (三员分立); a township's security admin grants only in its township."""
    sec = api_for(admins["sec"])

    def grant(username, unit, role):
        return sec.post("/roles/", {"username": username, "unit_id": unit.pk, "role": role})

    assert grant("sec", world.county, Role.COUNTY_SUPERVISOR).status_code == 403
    assert grant("sys", world.county, Role.AUDIT_ADMIN).status_code == 403  # a second duty
    assert grant("sys", world.county, Role.COUNTY_SUPERVISOR).status_code == 403  # the H1 end
    assert grant("clerk_a", world.township_a, Role.SECURITY_ADMIN).status_code == 403
    assert not Membership.objects.filter(user=admins["sys"], role=Role.COUNTY_SUPERVISOR).exists()
    assert len(_refusals("sec", reason="separation_of_duties")) == 3
    assert grant("clerk_a", world.township_a, Role.LEADER).status_code == 201  # ordinary work
    html = client_for(admins["sec"]).post(
        "/system/roles/", {"username": "sys", "unit": world.county.pk, "role": "leader"}
    )
    assert html.status_code == 403 and "不同的人担任" in html.content.decode()
    town_sec = member(world.township_a, Role.SECURITY_ADMIN, username="town_sec")
    resp = api_for(town_sec).post(
        "/roles/", {"username": "clerk_a", "unit_id": world.county.pk, "role": "leader"}
    )
    assert resp.status_code == 404  # the county is not the township's to grant in
    with pytest.raises(accounts.Refused):
        accounts.grant(town_sec, world.clerk_a, world.county, Role.LEADER)


# --- an admin's password reset: no takeover ---------------------------------------------
def test_system_admin_cannot_reset_another_duty_holders_password(world, admins, client_for):
    for target in ("sec", "aud"):
        with pytest.raises(accounts.Refused):
            accounts.reset_password(admins["sys"], admins[target], NEW_PASSWORD)
        assert _can_log_in(target, PASSWORD)
    resp = client_for(admins["sys"]).post(
        f"/system/users/{admins['sec'].pk}/action/",
        {"action": "reset_password", "password": NEW_PASSWORD},
        follow=True,
    )
    assert "服务器管理员" in resp.content.decode()
    assert len(_refusals("sys", action="reset_password")) == 3
    # The server operator can (the console holds every duty).
    call_command("user", "reset-password", "sec", "--password", NEW_PASSWORD)
    assert _can_log_in("sec", NEW_PASSWORD)


def test_reset_ends_sessions_and_tokens_and_forces_a_change(world, admins, client_for):
    victim = world.clerk_a
    _, key = ApiToken.issue(victim, "script")
    session = Client()
    assert session.post("/login/", {"username": "clerk_a", "password": PASSWORD}).status_code == 302
    assert session.get("/").status_code == 200 and _bearer(key).status_code == 200
    accounts.reset_password(admins["sys"], victim, NEW_PASSWORD)
    assert _bearer(key).status_code == 401
    assert session.get("/").status_code == 302  # the old session is gone: back to login
    token = ApiToken.objects.get(user=victim)
    assert token.revoked and token.revoked_reason == "password_reset" and token.revoked_at
    row = AuditEvent.objects.filter(event="token", detail__action="revoke_all").get()
    assert row.username == "sys" and row.detail["reason"] == "password_reset"
    # Whoever holds the reset password must change it before reaching anything.
    c = Client()
    assert c.post("/login/", {"username": "clerk_a", "password": NEW_PASSWORD}).status_code == 302
    assert c.get("/disputes/")["Location"] == "/account/password/"
    assert c.get("/api/v1/disputes/disputes").json()["error"]["code"] == "password_expired"
    made = Client().post(
        "/api/v1/auth/token",
        {"username": "clerk_a", "password": NEW_PASSWORD},
        content_type="application/json",
    )
    assert made.status_code == 403


# --- M2: tokens end with the password, the account, the role -----------------------------
def test_password_change_ends_tokens_and_other_sessions(world):
    """The outside test's M2: a Bearer token made before a password change still answered."""
    _, key = ApiToken.issue(world.clerk_a, "script")
    other = Client()
    other.post("/login/", {"username": "clerk_a", "password": PASSWORD})
    me = Client()
    me.post("/login/", {"username": "clerk_a", "password": PASSWORD})
    assert _bearer(key, "/api/v1/disputes/disputes").status_code == 200
    resp = me.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert resp.status_code == 302
    assert _bearer(key).status_code == 401
    assert _bearer(key, "/api/v1/disputes/disputes").status_code == 401
    assert other.get("/api/v1/me").status_code == 401  # other sessions end
    assert me.get("/api/v1/me").status_code == 200  # this one goes on
    # The token lists say why and when: web, API, CLI.
    page = me.get("/account/tokens/").content.decode()
    assert "已失效（修改密码）" in page
    listed = me.get("/api/v1/auth/tokens").json()["items"]
    assert listed[0]["revoked"] and listed[0]["revoked_reason"] == "password_changed"
    assert listed[0]["revoked_reason_name"] == "修改密码" and listed[0]["revoked_at"]
    row = AuditEvent.objects.get(event="token", detail__action="revoke_all")
    assert row.username == "clerk_a" and row.detail["prefixes"] == [listed[0]["prefix"]]


def test_password_set_any_other_way_ends_tokens_too(world, capsys):
    """``changepassword``, the shell, any code that sets a password: the model does it."""
    _, key = ApiToken.issue(world.clerk_a, "script")
    user = get_user_model().objects.get(pk=world.clerk_a.pk)
    user.set_password(NEW_PASSWORD)
    user.save()
    assert _bearer(key).status_code == 401
    call_command("token", "list", "clerk_a")
    assert "已失效（修改密码）" in capsys.readouterr().out


def test_disabling_ends_tokens_for_good(world, admins, api_for):
    _, key = ApiToken.issue(world.clerk_a, "script")
    sys_api = api_for(admins["sys"])
    assert sys_api.post(f"/users/{world.clerk_a.pk}/disable").status_code == 200
    assert sys_api.post(f"/users/{world.clerk_a.pk}/enable").status_code == 200
    assert _bearer(key).status_code == 401  # enabling again does not bring the token back
    assert ApiToken.objects.get(user=world.clerk_a).revoked_reason == "disabled"


def test_the_daily_inactive_job_ends_tokens(world):
    user = world.clerk_b
    _, key = ApiToken.issue(user, "script")
    get_user_model().objects.filter(pk=user.pk).update(
        last_login=timezone.now() - dt.timedelta(days=400)
    )
    assert retention.disable_inactive_accounts() >= 1
    assert ApiToken.objects.get(user=user).revoked_reason == "disabled"
    assert _bearer(key).status_code == 401


def test_a_role_removed_ends_tokens(world, admins, api_for):
    _, key = ApiToken.issue(world.admin_a, "script")
    m = Membership.objects.get(user=world.admin_a, role="township_admin")
    assert api_for(admins["sec"]).c.delete(f"/api/v1/roles/{m.pk}").status_code == 204
    assert _bearer(key).status_code == 401
    token = ApiToken.objects.get(user=world.admin_a)
    assert token.revoked_reason == "role_revoked"
    assert AuditEvent.objects.filter(event="token", detail__reason="role_revoked").exists()


def test_a_second_factor_role_granted_ends_tokens_made_without_it(world, admins, api_for):
    """A user with no role makes a token (no second factor asked), then is made an admin:
    the token must not carry the admin duty past the second factor."""
    user = UserFactory(username="later_admin")
    _, key = ApiToken.issue(user, "script")
    assert _bearer(key).status_code == 200
    granted = api_for(admins["sec"]).post(
        "/roles/", {"username": "later_admin", "unit_id": world.county.pk, "role": "audit_admin"}
    )
    assert granted.status_code == 201
    assert _bearer(key).status_code == 401
    assert ApiToken.objects.get(user=user).revoked_reason == "second_factor_role"


def test_token_life_is_ninety_days_and_configurable(world, settings):
    def days(token):
        return round((token.expires_at - token.created_at).total_seconds() / 86400)

    resp = Client().post(
        "/api/v1/auth/token",
        {"username": "clerk_a", "password": PASSWORD},
        content_type="application/json",
    )
    assert resp.status_code == 200
    assert days(ApiToken.objects.get(user=world.clerk_a)) == 90
    settings.FAZHI_TOKEN_DAYS = 30
    call_command("token", "create", "clerk_b")
    assert days(ApiToken.objects.get(user=world.clerk_b)) == 30
    settings.FAZHI_TOKEN_DAYS = 0
    assert ApiToken.issue(world.admin_a, "forever")[0].expires_at is None


# --- lockout: name + address, with a per-account ceiling ------------------------------
def _web_login(address: str, username: str, password: str) -> int:
    return (
        Client(REMOTE_ADDR=address)
        .post("/login/", {"username": username, "password": password})
        .status_code
    )


def _api_login(address: str, username: str, password: str) -> int:
    return (
        Client(REMOTE_ADDR=address)
        .post(
            "/api/v1/auth/token",
            {"username": username, "password": password},
            content_type="application/json",
        )
        .status_code
    )


@pytest.mark.parametrize("login,refused", [(_web_login, 200), (_api_login, 401)])
def test_failures_from_one_address_lock_that_address_only(world, login, refused):
    """Anyone could lock any account for 15 minutes by typing its name: no longer."""
    for _ in range(4):
        assert login("10.0.0.1", "clerk_a", "wrong") == refused
    assert login("10.0.0.1", "clerk_a", "wrong") == 429  # the fifth locks address A
    assert login("10.0.0.1", "clerk_a", PASSWORD) == 429
    ok = 302 if login is _web_login else 200
    assert login("10.0.0.2", "clerk_a", PASSWORD) == ok  # the real user elsewhere gets in
    assert AuditEvent.objects.filter(event="lockout", username="clerk_a").exists()


@pytest.mark.parametrize("login", [_web_login, _api_login])
def test_failures_spread_over_addresses_lock_the_account(world, settings, login):
    ceiling = settings.FAZHI_LOCKOUT_ACCOUNT_CEILING
    per_address = settings.FAZHI_LOCKOUT_FAILURES - 1  # never enough to lock one address
    addresses = [f"10.1.0.{i}" for i in range(ceiling // per_address + 1)]
    tries = [a for a in addresses for _ in range(per_address)][:ceiling]
    for address in tries:
        login(address, "clerk_a", "wrong")
    assert login("10.9.9.9", "clerk_a", PASSWORD) == 429  # locked from an unused address
    assert _web_login("10.9.9.8", "clerk_b", PASSWORD) == 302  # other accounts untouched


def test_unlock_clears_the_account_ceiling(world, admins, api_for, settings):
    for i in range(settings.FAZHI_LOCKOUT_ACCOUNT_CEILING):
        _web_login(f"10.2.{i}.1", "clerk_a", "wrong")
    assert _web_login("10.3.0.1", "clerk_a", PASSWORD) == 429
    assert api_for(admins["sys"]).post(f"/users/{world.clerk_a.pk}/unlock").status_code == 200
    assert _web_login("10.3.0.1", "clerk_a", PASSWORD) == 302


# --- the second factor: replay, guessing, no way round it -----------------------------
@pytest.fixture
def enrolled(world, settings):
    settings.FAZHI_TOTP_REQUIRED = True
    device = security.start_enrolment(world.supervisor)
    device.confirmed = True
    device.save()
    return pyotp.TOTP(device.secret)


def _wrong(totp) -> str:
    return "123456" if totp.now() != "123456" else "654321"


def test_a_totp_code_is_refused_a_second_time_on_web_and_api(world, enrolled):
    c = Client()
    c.post("/login/", {"username": "supervisor", "password": PASSWORD})
    code = enrolled.now()
    assert c.post("/account/otp/", {"code": code}).status_code == 302
    replay = Client().post(
        "/api/v1/auth/token",
        {"username": "supervisor", "password": PASSWORD, "otp": code},
        content_type="application/json",
    )
    assert replay.status_code == 403 and "已使用过" in replay.json()["error"]["message"]
    assert not ApiToken.objects.filter(user=world.supervisor).exists()


def test_totp_guessing_is_locked_on_the_page_and_the_api(world, enrolled):
    c = Client()
    c.post("/login/", {"username": "supervisor", "password": PASSWORD})
    for _ in range(security.OTP_MAX_FAILURES - 1):
        assert "不正确" in c.post("/account/otp/", {"code": _wrong(enrolled)}).content.decode()
    body = {"username": "supervisor", "password": PASSWORD, "otp": _wrong(enrolled)}
    assert Client().post("/api/v1/auth/token", body, content_type="application/json").status_code == 403  # fmt: skip
    # Five wrong codes, from either door: the right one is refused too.
    body["otp"] = enrolled.now()
    locked = Client().post("/api/v1/auth/token", body, content_type="application/json")
    assert locked.status_code == 403 and "错误次数过多" in locked.json()["error"]["message"]
    assert "错误次数过多" in c.post("/account/otp/", {"code": enrolled.now()}).content.decode()
    assert c.get("/disputes/").status_code == 302
    assert AuditEvent.objects.filter(event="lockout", detail__factor="totp").exists()


def test_a_totp_role_reaches_no_data_without_the_second_factor(world, enrolled):
    c = Client()
    assert c.post("/login/", {"username": "supervisor", "password": PASSWORD}).status_code == 302
    for path in ("/", "/disputes/", "/account/tokens/", "/system/audit/"):
        resp = c.get(path)
        assert resp.status_code == 302 and resp["Location"].startswith("/account/otp/"), path
    for path in ("/api/v1/me", "/api/v1/disputes/disputes", "/api/v1/auth/tokens"):
        assert c.get(path).json()["error"]["code"] == "otp_required", path
    made = c.post("/account/tokens/", {"action": "create", "name": "x"})
    assert made.status_code == 302 and not ApiToken.objects.filter(user=world.supervisor).exists()
    for otp in (None, "", _wrong(enrolled), "12345x"):
        body = {"username": "supervisor", "password": PASSWORD}
        if otp is not None:
            body["otp"] = otp
        resp = Client().post("/api/v1/auth/token", body, content_type="application/json")
        assert resp.status_code == 403, otp
    assert not ApiToken.objects.filter(user=world.supervisor).exists()


def test_a_totp_role_not_yet_enrolled_gets_no_token(world, settings):
    settings.FAZHI_TOTP_REQUIRED = True
    resp = Client().post(
        "/api/v1/auth/token",
        {"username": "supervisor", "password": PASSWORD, "otp": "000000"},
        content_type="application/json",
    )
    assert resp.status_code == 403 and "尚未绑定" in resp.json()["error"]["message"]
