"""Second factor (TOTP) devices."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TotpDevice(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp"
    )
    secret = models.CharField(max_length=64)
    confirmed = models.BooleanField(default=False)
    last_step = models.BigIntegerField(default=0)  # the last accepted 30-second step: no replay
    failures = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "动态口令设备"

    def __str__(self) -> str:
        return f"TOTP {self.user}"
