"""Hotline appeals (12345 and local lines such as 8890)."""

from __future__ import annotations

from django.db import models

from fazhi.core.crypto import BlindIndexField, EncryptedIdentifierField
from fazhi.core.history import history

from .common import CaseBase, Satisfaction, village_field


class HotlineCategory(models.Model):
    """诉求类别 with its deadline in working days (editable by admins)."""

    name = models.CharField("名称", max_length=20, unique=True)
    deadline_days = models.PositiveSmallIntegerField("办理时限（工作日）")
    order = models.PositiveSmallIntegerField("排序", default=0)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "热线诉求类别"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class HotlineStatus(models.TextChoices):
    RECEIVED = "received", "待签收"
    SIGNED = "signed", "已签收"
    REPLIED = "replied", "已答复"
    COMPLETED = "completed", "已办结"


class HotlineAppeal(CaseBase):
    OPEN_STATES = ("received", "signed", "replied")
    KIND_LABEL = "热线诉求"
    ESCALATE_AFTER = 3

    line = models.CharField("热线", max_length=10, default="12345")
    category = models.ForeignKey(
        HotlineCategory, on_delete=models.PROTECT, related_name="+", verbose_name="诉求类别"
    )
    received_at = models.DateTimeField("来电时间")
    received_on = models.DateField("受理日期", db_index=True)
    caller = models.CharField("来电人", max_length=50, blank=True)
    phone = EncryptedIdentifierField("联系电话", kind="mobile")  # encrypted at rest
    phone_bidx = BlindIndexField()
    address = models.CharField("地址", max_length=200, blank=True)
    content = models.TextField("诉求内容")
    village = village_field()
    status = models.CharField(
        "状态", max_length=20, choices=HotlineStatus.choices, default="received", db_index=True
    )
    deadline = models.DateField("办理期限", db_index=True)
    deadline_provisional = models.BooleanField(default=False)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    reply = models.TextField("答复内容", blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True)
    completed_on = models.DateField("办结日期", null=True, blank=True, db_index=True)
    satisfaction = models.CharField(
        "满意度", max_length=20, choices=Satisfaction.choices, blank=True, db_index=True
    )
    redo_count = models.PositiveSmallIntegerField("退回重办次数", default=0)
    escalated = models.BooleanField("已提级督办", default=False)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "热线诉求"
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["number"], name="hotline_ticket_unique")]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["-received_at", "-id"], name="hotline_list_order"),
            models.Index(fields=["unit", "received_on"], name="hotline_unit_date"),
            models.Index(fields=["due_date", "id"], name="hotline_due_order"),  # ?order=due
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.category.name if self.category_id else ''}"

    @property
    def satisfied(self) -> bool:
        return self.satisfaction in ("satisfied", "basic")
