"""One row per procedure step taken on any ledger record: who, when, from, to, why."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models


class TransitionRecord(models.Model):
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    action = models.CharField("操作", max_length=40)
    label = models.CharField("操作名称", max_length=60)
    from_status = models.CharField("原状态", max_length=40, blank=True)
    to_status = models.CharField("新状态", max_length=40, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    at = models.DateTimeField("时间", db_index=True)
    comment = models.TextField("说明", blank=True)
    data = models.JSONField("数据", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "流程记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.label} {self.from_status}→{self.to_status}"

    def delete(self, *args, **kwargs):
        raise PermissionDenied("流程记录不能删除")
