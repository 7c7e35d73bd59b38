"""The special groups a 司法所 keeps: 社区矫正对象 (persons serving a community sentence:
管制, 缓刑, 假释, 暂予监外执行) and 安置帮教对象 (persons released from prison, helped to
resettle for a term after release).

``SupervisedPerson.unit`` is the 司法所's township (or the county); ``village`` is where the
person lives. The dates the law sets are kept on the record: a community corrections
subject reports in within ten days of the judgment taking effect (《社区矫正法》第二十一条:
``report_due`` = the effective date + 10 calendar days), and the term's end. Identity
numbers and phones are encrypted with a blind index and masked everywhere (as petitioners').
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from fazhi.core import pii, scoping
from fazhi.core.crypto import BlindIndexField, EncryptedIdentifierField
from fazhi.core.history import history
from fazhi.core.models import LedgerModel, unit_field
from fazhi.core.models.base import UnitScopedQuerySet
from fazhi.core.roles import Perm

REPORT_DAYS = 10  # 社区矫正法 art. 21: 自判决、裁定生效之日起十日内报到
RESETTLEMENT_YEARS = 5  # 安置帮教: commonly five years after release


class GroupKind(models.TextChoices):
    COMMUNITY = "community", "社区矫正对象"
    RESETTLEMENT = "resettlement", "安置帮教对象"


class SentenceKind(models.TextChoices):
    CONTROL = "control", "管制"
    PROBATION = "probation", "缓刑"
    PAROLE = "parole", "假释"
    OUTSIDE = "outside", "暂予监外执行"


class Status(models.TextChoices):
    PENDING = "pending", "待报到"
    ACTIVE = "active", "在册"
    LOST = "lost", "脱管"
    RELEASED = "released", "解除"
    REVOKED = "revoked", "收监执行"
    TERMINATED = "terminated", "终止"


# On the roster: registered and not ended (a person lost to contact is still on it).
ON_ROLL = (Status.PENDING, Status.ACTIVE, Status.LOST)
ENDED = (Status.RELEASED, Status.REVOKED, Status.TERMINATED)


class VisitKind(models.TextChoices):
    VISIT = "visit", "走访"
    TALK = "talk", "谈话"
    REPORT = "report", "报告"
    STUDY = "study", "教育学习"
    SERVICE = "service", "公益活动"


def report_due(effective: dt.date | None) -> dt.date | None:
    """The last day to report in: the effective date + 10 days (the first day not counted)."""
    return effective + dt.timedelta(days=REPORT_DAYS) if effective else None


def years_after(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (29 February: the 28th)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class SupervisedPersonQuerySet(UnitScopedQuerySet):
    def visible_to(self, user, perm: str = Perm.VIEW):
        """Only in the units where ``user`` holds both ``perm`` and the corrections duty:
        every generic route that looks a record up through its model (attachments, the
        ledger's pages, the API) then sees the roster as its holders do."""
        return super().visible_to(user, perm).filter(scoping.scope_q(user, Perm.CORRECTIONS))


class SupervisedPerson(LedgerModel):
    kind = models.CharField("类别", max_length=20, choices=GroupKind.choices, db_index=True)
    name = models.CharField("姓名", max_length=50)
    id_number = EncryptedIdentifierField("身份证号", kind="resident_id")  # encrypted at rest
    id_number_bidx = BlindIndexField()
    phone = EncryptedIdentifierField("联系电话", kind="mobile")  # encrypted at rest
    phone_bidx = BlindIndexField()
    village = unit_field("居住村(社区)")
    # 社区矫正
    sentence_kind = models.CharField(
        "矫正类别", max_length=20, choices=SentenceKind.choices, blank=True
    )
    effective_on = models.DateField(
        "判决(裁定、决定)生效日期", null=True, blank=True, db_index=True
    )
    report_due = models.DateField("报到期限", null=True, blank=True, db_index=True)
    reported_on = models.DateField("报到日期", null=True, blank=True)
    # 安置帮教
    released_on = models.DateField("刑满释放日期", null=True, blank=True, db_index=True)
    # Both: the term (矫正期限 / 帮教期限)
    term_start = models.DateField("期限起始", null=True, blank=True)
    term_end = models.DateField("期限届满", null=True, blank=True, db_index=True)
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    lost_on = models.DateField("脱管日期", null=True, blank=True)
    ended_on = models.DateField("解除(终止)日期", null=True, blank=True, db_index=True)
    end_reason = models.CharField("解除(终止)原因", max_length=200, blank=True)
    reoffended = models.BooleanField("重新犯罪", default=False)
    notes = models.TextField("备注", blank=True)
    anonymised_at = models.DateTimeField("匿名化时间", null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=0)

    objects = SupervisedPersonQuerySet.as_manager()
    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "特殊人群"
        ordering = ["kind", "unit__path", "id"]
        indexes = [
            models.Index(fields=["unit", "kind", "status"]),
            models.Index(fields=["id_number"]),
            models.Index(fields=["phone"]),
        ]

    def __str__(self) -> str:
        # Masked (王*明): the string reaches messages, the history and the audit log.
        return f"{self.get_kind_display()} {pii.mask_name(self.name)}"

    @property
    def is_community(self) -> bool:
        return self.kind == GroupKind.COMMUNITY

    @property
    def reported_late(self) -> bool:
        """Reported in after the ten days the law gives."""
        return bool(self.reported_on and self.report_due and self.reported_on > self.report_due)

    def report_overdue(self, today: dt.date) -> bool:
        """Not yet reported in and the ten days have passed (漏管 risk)."""
        return bool(self.status == Status.PENDING and self.report_due and self.report_due < today)


class SupervisionVisit(models.Model):
    """One visit, talk, report, study session or community service of a person."""

    person = models.ForeignKey(
        SupervisedPerson, on_delete=models.CASCADE, related_name="visits", verbose_name="对象"
    )
    visited_on = models.DateField("日期", db_index=True)
    kind = models.CharField("方式", max_length=20, choices=VisitKind.choices)
    by_whom = models.CharField("走访(谈话)人", max_length=100, blank=True)
    notes = models.TextField("情况记录", blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    created_by = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="登记人",
    )

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "走访谈话记录"
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.get_kind_display()}"
