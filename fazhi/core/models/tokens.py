"""API tokens: only a hash is stored; the token is shown once when made.

A token ends (``revoked``) when its owner or the operator revokes it, and by itself when its
user's password is changed or reset, the account is disabled, a role is removed, or a role
that needs the second factor is granted (a token made without it must not carry that role)
(SECURITY.md row 18): ``ApiToken.end_all``. Why and when it ended is kept and shown on every
token list.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


class TokenEndReason(models.TextChoices):
    REVOKED = "revoked", "手动吊销"
    PASSWORD_CHANGED = "password_changed", "修改密码"
    PASSWORD_RESET = "password_reset", "管理员重置密码"
    DISABLED = "disabled", "账号停用"
    ROLE_REVOKED = "role_revoked", "角色被撤销"
    SECOND_FACTOR_ROLE = "second_factor_role", "授予须动态口令的角色"


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("名称", max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)
    revoked_at = models.DateTimeField("失效时间", null=True, blank=True)
    revoked_reason = models.CharField(
        "失效原因", max_length=20, choices=TokenEndReason.choices, blank=True
    )

    class Meta:
        verbose_name = verbose_name_plural = "API令牌"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    @staticmethod
    def default_days() -> int | None:
        """``FAZHI_TOKEN_DAYS`` (90); 0 makes tokens that do not expire."""
        return getattr(settings, "FAZHI_TOKEN_DAYS", 90) or None

    @classmethod
    def issue(cls, user, name: str, *, days: int | None | bool = True) -> tuple[ApiToken, str]:
        """``days=True`` (the default) takes ``FAZHI_TOKEN_DAYS``; ``None`` or 0: no expiry."""
        if days is True:
            days = cls.default_days()
        key = "fz_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=key[:8],
            key_hash=cls.hash(key),
            expires_at=timezone.now() + timezone.timedelta(days=days) if days else None,
        )
        return token, key

    @property
    def state(self) -> str:
        """What the token lists show: 有效, 已过期, or 已失效（原因）."""
        if self.revoked:
            return f"已失效（{self.get_revoked_reason_display() or '手动吊销'}）"
        if self.expires_at and self.expires_at < timezone.now():
            return "已过期"
        return "有效"

    def end(self, reason: str = TokenEndReason.REVOKED) -> None:
        """Revoke this token, audited (the caller's transaction)."""
        from fazhi.core import audit

        self.revoked, self.revoked_at, self.revoked_reason = True, timezone.now(), reason
        self.save(update_fields=["revoked", "revoked_at", "revoked_reason"])
        audit.record(
            audit.E.TOKEN,
            username=self.user.username,
            detail={
                "action": "revoke",
                "prefix": self.prefix,
                "reason": reason,
                "user": self.user.username,
            },
        )

    @classmethod
    def end_all(cls, user, reason: str, *, by=None) -> int:
        """End every live token of ``user``; one audit row naming the prefixes, written as
        ``by`` (else the acting user). Returns the count."""
        from fazhi.core import audit

        live = cls.objects.filter(user=user, revoked=False)
        prefixes = list(live.values_list("prefix", flat=True))
        if not prefixes:
            return 0
        n = live.update(revoked=True, revoked_at=timezone.now(), revoked_reason=reason)
        audit.record(  # the actor (admin, the user, or the daily job) is the row's user
            audit.E.TOKEN,
            user=by,
            username=user.username,
            detail={
                "action": "revoke_all",
                "reason": reason,
                "user": user.username,
                "prefixes": prefixes,
            },
        )
        return n

    @classmethod
    def authenticate(cls, key: str):
        token = (
            cls.objects.select_related("user").filter(key_hash=cls.hash(key), revoked=False).first()
        )
        if token is None or not token.user.is_active:
            return None
        now = timezone.now()
        if token.expires_at and token.expires_at < now:
            return None
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user
