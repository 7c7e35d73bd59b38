"""Evidence files attached to any ledger record; served only to who may see the record."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .base import UnitScopedQuerySet


def _upload_to(instance: Attachment, filename: str) -> str:
    # The stored name never carries the user's file name.
    return f"attachments/{instance.unit_id}/{uuid.uuid4().hex}{instance.extension}"


class Attachment(models.Model):
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    file = models.FileField(upload_to=_upload_to, max_length=255)
    original_name = models.CharField("文件名", max_length=255)
    kind = models.CharField("类型", max_length=10)  # pdf docx xlsx jpg png
    size = models.PositiveBigIntegerField("大小")
    sha256 = models.CharField(max_length=64)
    description = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = UnitScopedQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        verbose_name = verbose_name_plural = "附件"
        indexes = [models.Index(fields=["content_type", "object_id"])]
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def extension(self) -> str:
        return "." + self.kind if self.kind else ""
