"""What the three case mechanisms share: assignment, supervision, the current deadline."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone

from fazhi.core.models import LedgerModel, unit_field, user_field


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


def village_field(**kw):
    """The 村(社区) a case concerns: a unit under its township, kept while cases name it."""
    return unit_field("村(社区)", **kw)


class CaseBase(LedgerModel):
    """Abstract: a case handed to a handler, followed by a supervisor, with one current deadline.

    ``due_date`` is the deadline the case is working to now (a copy of one of the
    mechanism's statutory deadline fields, refreshed on every step), so lists, "my
    work" and the overdue pages sort and filter on one indexed column.
    """

    number = models.CharField("编号", max_length=40, db_index=True)
    version = models.PositiveIntegerField(default=0)
    handler = user_field("承办人")
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True)
    supervised = models.BooleanField("督办", default=False, db_index=True)
    supervision_note = models.TextField("督办意见", blank=True)
    due_date = models.DateField("当前期限", null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField("当前期限暂定", default=False)
    due_label = models.CharField("期限事项", max_length=40, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True, db_index=True)
    # Retention (PIPL arts. 19, 47): personal data anonymised after the period, unless held.
    legal_hold = models.BooleanField("法律保全（到期不匿名化）", default=False)
    anonymised_at = models.DateTimeField("匿名化时间", null=True, blank=True)

    OPEN_STATES: tuple[str, ...] = ()
    KIND_LABEL = ""

    class Meta:
        abstract = True

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATES

    def overdue_on(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return bool(self.is_open and self.due_date and self.due_date < today)

    @property
    def overdue(self) -> bool:
        return self.overdue_on()

    def set_due(self, label: str, deadline) -> None:
        if deadline is None:
            self.due_date, self.due_provisional, self.due_label = None, False, ""
        else:
            self.due_date, self.due_provisional, self.due_label = (
                deadline.date,
                deadline.provisional,
                label,
            )
