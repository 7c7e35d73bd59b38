"""In-app notifications: one digest per user per day from ``fazhi remind``."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField("类型", max_length=20, default="digest")
    day = models.DateField("日期")
    title = models.CharField("标题", max_length=200)
    items = models.JSONField("事项", default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知"
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "day"], name="notification_one_digest_a_day"
            ),
        ]

    def __str__(self) -> str:
        return self.title
