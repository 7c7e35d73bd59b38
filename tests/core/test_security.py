"""Authentication policy: lockout, password age, session limits, second factor (SECURITY.md 1-5)."""

import datetime as dt
import threading

import pyotp
import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError
from django.test import Client, override_settings
from django.utils import timezone

from fazhi.core import security
from fazhi.core.models import AuditEvent, TotpDevice
from fazhi.core.roles import Role
from tests.factories import PASSWORD, UserFactory, member

pytestmark = pytest.mark.django_db


def _login(c, username, password):
    return c.post("/login/", {"username": username, "password": password})


def test_lockout_after_five_failures_then_cooloff(world):
    c = Client()
    for _ in range(4):
        assert _login(c, "clerk_a", "wrong").status_code == 200
    assert _login(c, "clerk_a", "wrong").status_code == 429  # the fifth failure locks
    resp = _login(c, "clerk_a", PASSWORD)  # right password, but locked
    assert resp.status_code == 429 and "已锁定" in resp.content.decode()
    assert AuditEvent.objects.filter(event="lockout").exists()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        assert _login(Client(), "CLERK_A", PASSWORD).status_code == 302


def test_api_login_locks_too(world):
    c = Client()
    body = {"username": "clerk_a", "password": "bad"}
    for _ in range(4):
        assert (
            c.post("/api/v1/auth/token", body, content_type="application/json").status_code == 401
        )
    assert c.post("/api/v1/auth/token", body, content_type="application/json").status_code == 429
    good = {"username": "clerk_a", "password": PASSWORD}
    resp = c.post("/api/v1/auth/token", good, content_type="application/json")
    assert resp.status_code == 429 and resp.json()["error"]["code"] in (
        "too_many_requests",
        "locked_out",
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_failures_still_lock(world):
    def attempt():
        Client().post("/login/", {"username": "clerk_b", "password": "bad"})

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert _login(Client(), "clerk_b", PASSWORD).status_code == 429


def test_api_token_login_and_use(world):
    c = Client()
    resp = c.post(
        "/api/v1/auth/token",
        {"username": "clerk_a", "password": PASSWORD},
        content_type="application/json",
    )
    assert resp.status_code == 200
    key = resp.json()["token"]
    assert (
        Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").json()["username"]
        == "clerk_a"
    )


def test_expired_password_sends_web_api_and_cli_to_change_it(world, client_for):
    user = world.clerk_a
    user.password_changed_at = timezone.now() - dt.timedelta(days=91)
    user.save()
    c = client_for(user)
    resp = c.get("/")
    assert resp.status_code == 302 and resp["Location"] == "/account/password/"
    api = c.get("/api/v1/me")
    assert api.status_code == 403 and api.json()["error"]["code"] == "password_expired"
    token = Client().post(
        "/api/v1/auth/token",
        {"username": "clerk_a", "password": PASSWORD},
        content_type="application/json",
    )
    assert token.status_code == 403
    from fazhi.core.models import ApiToken

    _, key = ApiToken.issue(user, "old")
    bearer = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert bearer.status_code == 403 and bearer.json()["error"]["code"] == "password_expired"
    with pytest.raises(CommandError, match="密码已过期"):
        call_command("token", "create", "clerk_a")
    # Changing it lets the user through, and is audited.
    new = "Xin-Mima-2026"
    resp = c.post(
        "/account/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert resp.status_code == 302
    assert c.get("/").status_code == 200
    assert AuditEvent.objects.filter(event="password_changed", username="clerk_a").exists()


@override_settings(FAZHI_PASSWORD_MAX_AGE_DAYS=0)
def test_password_age_can_be_turned_off(world):
    world.clerk_a.password_changed_at = timezone.now() - dt.timedelta(days=400)
    assert not security.password_expired(world.clerk_a)


def test_password_policy(world):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for bad in ("short1A", "alllowercase", "password123", "clerk_a-Xy9"):
        with pytest.raises(ValidationError):
            validate_password(bad, user=world.clerk_a)
    validate_password("Lv-Cha2026", user=world.clerk_a)


def test_login_names_are_unique_whatever_the_case(world):
    with pytest.raises(IntegrityError):
        UserFactory(username="CLERK_A")


def test_idle_and_absolute_session_limits(world):
    c = Client()
    _login(c, "clerk_a", PASSWORD)
    assert c.get("/").status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
        resp = c.get("/")
        assert resp.status_code == 302 and resp["Location"].startswith("/login/")
    c = Client()
    _login(c, "clerk_a", PASSWORD)
    start = timezone.now()
    for hours in range(1, 12):  # active every 20 minutes would keep it alive…
        with time_machine.travel(start + dt.timedelta(hours=hours)):
            assert c.get("/").status_code in (200, 302)
    with time_machine.travel(start + dt.timedelta(hours=12, minutes=5)):  # …but not past 12 hours
        resp = c.get("/")
        assert resp.status_code == 302 and resp["Location"].startswith("/login/")


def test_logout_ends_the_server_side_session(world):
    c = Client()
    _login(c, "clerk_a", PASSWORD)
    key = c.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    c.post("/logout/")
    assert not Session.objects.filter(session_key=key).exists()


@override_settings(FAZHI_TOTP_REQUIRED=True)
def test_second_factor_required_for_county_roles(world):
    c = Client()
    assert _login(c, "supervisor", PASSWORD).status_code == 302
    resp = c.get("/")
    assert resp.status_code == 302 and resp["Location"].startswith("/account/otp/")
    assert c.get("/api/v1/me").json()["error"]["code"] == "otp_required"
    page = c.get("/account/otp/").content.decode()
    assert "<svg" in page
    device = TotpDevice.objects.get(user=world.supervisor)
    totp = pyotp.TOTP(device.secret)
    assert (
        c.post(
            "/account/otp/", {"code": "000000" if totp.now() != "000000" else "111111"}
        ).status_code
        == 200
    )
    code = totp.now()
    assert c.post("/account/otp/", {"code": code}).status_code == 302
    assert c.get("/").status_code == 200
    # The same code is refused a second time (a new login).
    c2 = Client()
    _login(c2, "supervisor", PASSWORD)
    assert "已使用过" in c2.post("/account/otp/", {"code": code}).content.decode()
    # Township staff are not asked.
    c3 = Client()
    _login(c3, "clerk_a", PASSWORD)
    assert c3.get("/").status_code == 200


@override_settings(FAZHI_TOTP_REQUIRED=True)
def test_second_factor_guessing_is_throttled(world):
    admin = member(world.county, Role.SYSTEM_ADMIN, username="sys")
    security.start_enrolment(admin)
    device = TotpDevice.objects.get(user=admin)
    device.confirmed = True
    device.save()
    for _ in range(security.OTP_MAX_FAILURES):
        with pytest.raises(security.OtpError):
            security.verify_code(
                admin, "123456" if pyotp.TOTP(device.secret).now() != "123456" else "654321"
            )
    with pytest.raises(security.OtpError) as exc:
        security.verify_code(admin, pyotp.TOTP(device.secret).now())
    assert exc.value.code == "otp_locked"


def test_api_token_login_needs_the_code(world, settings):
    settings.FAZHI_TOTP_REQUIRED = True
    device = security.start_enrolment(world.supervisor)
    device.confirmed = True
    device.save()
    body = {"username": "supervisor", "password": PASSWORD}
    assert (
        Client().post("/api/v1/auth/token", body, content_type="application/json").status_code
        == 403
    )
    body["otp"] = pyotp.TOTP(device.secret).now()
    assert (
        Client().post("/api/v1/auth/token", body, content_type="application/json").status_code
        == 200
    )


def test_no_default_accounts_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="演示模式"):
        call_command("demo")
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.count() == 0
