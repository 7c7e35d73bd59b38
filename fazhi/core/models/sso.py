"""Sign-in through the province's unified identity platform (统一身份认证): who is who there."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SsoProvider(models.TextChoices):
    OIDC = "oidc", "OIDC"
    CAS = "cas", "CAS"


class ExternalIdentity(models.Model):
    """A provider's stable subject (OIDC ``sub``, CAS user) bound to one fazhi user.

    Made once: by an administrator mapping the subject to an existing user, or at the
    first sign-in, with a new user who has no role until the security admin grants one."""

    provider = models.CharField("认证方式", max_length=8, choices=SsoProvider.choices)
    subject = models.CharField("统一身份标识", max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="external_identities",
        verbose_name="用户",
    )
    created_at = models.DateTimeField("建立时间", auto_now_add=True)
    last_login_at = models.DateTimeField("最近登录", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "统一身份认证账号"
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="sso_subject_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} {self.subject} → {self.user}"
