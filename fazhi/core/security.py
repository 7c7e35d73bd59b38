"""Authentication policy (SECURITY.md rows 1-5): lockout hooks, password age, sessions, TOTP."""

from __future__ import annotations

import datetime as dt

import pyotp
from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from . import audit
from .models import TotpDevice
from .roles import SECOND_FACTOR_ROLES

SESSION_LOGIN_AT = "_fz_login_at"
SESSION_SEEN = "_fz_seen"
SESSION_OTP = "_fz_otp_ok"
SESSION_SSO = "_fz_sso"  # the provider that signed this session in (fazhi.core.sso)
OTP_MAX_FAILURES = 5
OTP_LOCK_MINUTES = 15


# --- django-axes hooks -------------------------------------------------------------------
def axes_username(request, credentials) -> str:
    name = (credentials or {}).get("username") or ""
    return name.strip().lower()


def axes_client_ip(request) -> str:
    from .context import client_ip

    return client_ip(request) if request is not None else ""


def lockout_response(request, original_response=None, credentials=None, *args, **kwargs):
    minutes = settings.FAZHI_LOCKOUT_MINUTES
    message = f"登录失败次数过多，账号已锁定 {minutes} 分钟，请稍后再试或联系管理员。"
    if request is not None and request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": "locked_out", "message": message}}, status=429)
    return render(request, "registration/locked_out.html", {"message": message}, status=429)


# --- password age -----------------------------------------------------------------------
def password_expired(user) -> bool:
    days = settings.FAZHI_PASSWORD_MAX_AGE_DAYS
    if not days or not getattr(user, "is_authenticated", False):
        return False
    changed = user.password_changed_at
    if changed is None:
        return True
    return timezone.now() - changed > dt.timedelta(days=days)


# --- second factor ----------------------------------------------------------------------
def otp_required(user) -> bool:
    """Must this user pass a second factor? Required roles when the policy is on; anyone enrolled."""
    if not getattr(user, "is_authenticated", False):
        return False
    device = TotpDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        return True
    if not settings.FAZHI_TOTP_REQUIRED:
        return False
    return user.is_superuser or user.memberships.filter(role__in=list(SECOND_FACTOR_ROLES)).exists()


def start_enrolment(user) -> TotpDevice:
    device, created = TotpDevice.objects.get_or_create(
        user=user, defaults={"secret": pyotp.random_base32()}
    )
    if not device.confirmed and not created:
        device.secret = pyotp.random_base32()
        device.save(update_fields=["secret"])
    return device


def provisioning_uri(device: TotpDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(
        name=device.user.username, issuer_name="fazhi"
    )


class OtpError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def verify_code(user, code: str, *, confirm: bool = False) -> None:
    """Accept a 6-digit code once (replay refused), throttled after repeated failures."""
    code = (code or "").strip().replace(" ", "")
    error: OtpError | None = None
    with transaction.atomic():  # the failure count must commit even when the code is refused
        device = TotpDevice.objects.select_for_update().filter(user=user).first()
        if device is None or (not device.confirmed and not confirm):
            raise OtpError("otp_not_enrolled", "尚未绑定动态口令")
        now = timezone.now()
        if device.locked_until and device.locked_until > now:
            raise OtpError("otp_locked", f"动态口令错误次数过多，请 {OTP_LOCK_MINUTES} 分钟后再试")
        totp = pyotp.TOTP(device.secret)
        step = None
        if code.isdecimal() and len(code) == 6:
            for offset in (-1, 0, 1):  # one step of clock drift either side
                candidate = int(now.timestamp()) // 30 + offset
                if totp.at(candidate * 30) == code:
                    step = candidate
                    break
        if step is None or step <= device.last_step:
            device.failures += 1
            reason = "动态口令已使用过" if step is not None else "动态口令不正确"
            if device.failures >= OTP_MAX_FAILURES:
                device.locked_until = now + dt.timedelta(minutes=OTP_LOCK_MINUTES)
                device.failures = 0
                audit.record(
                    audit.E.LOCKOUT, user=user, outcome="refused", detail={"factor": "totp"}
                )
            device.save(update_fields=["failures", "locked_until"])
            audit.record(
                audit.E.LOGIN_FAILED, user=user, outcome="failed", detail={"factor": "totp"}
            )
            error = OtpError("otp_invalid", reason)
        else:
            device.last_step = step
            device.failures = 0
            device.locked_until = None
            if confirm:
                device.confirmed = True
            device.save()
    if error is not None:
        raise error
    audit.record(audit.E.LOGIN_OK, user=user, detail={"factor": "totp", "enrolled": confirm})


# --- sessions ---------------------------------------------------------------------------
def start_session(request) -> None:
    now = int(timezone.now().timestamp())
    request.session[SESSION_LOGIN_AT] = now
    request.session[SESSION_SEEN] = now


def session_problem(request) -> str | None:
    """'absolute' or 'idle' when the session must end now, else None (and marks activity)."""
    now = int(timezone.now().timestamp())
    login_at = request.session.get(SESSION_LOGIN_AT)
    seen = request.session.get(SESSION_SEEN)
    if login_at is None:  # a session from before this policy: start it now
        start_session(request)
        return None
    if now - login_at > settings.SESSION_COOKIE_AGE:
        return "absolute"
    if seen is not None and now - seen > settings.FAZHI_SESSION_IDLE_SECONDS:
        return "idle"
    if seen is None or now - seen > 60:
        request.session[SESSION_SEEN] = now
    return None
