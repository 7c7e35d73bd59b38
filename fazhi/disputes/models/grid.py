"""Grid cases (网格事件): what grid workers find on patrol, and how each was disposed of.

A grid worker (网格员) reports an event in a grid (网格) of a village: a dispute lead, a
safety hazard, a sanitation or public-order problem, a livelihood request, a policy
question. Most are handled on the spot (就地处置) by the worker or the village; some are
referred to a township office (转办); dispute leads that need mediation are escalated
(转为矛盾纠纷): a ``Dispute`` is registered through the disputes service and linked.

Like a dispute, the record belongs to the village it happened in (``unit`` is the
village, or the township for a grid outside any village), so the village's grid
workers and mediators see and handle their own cases and the township sees them all.
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from fazhi.core.crypto import BlindIndexField, EncryptedIdentifierField
from fazhi.core.history import history
from fazhi.core.models.base import UnitScopedQuerySet

from .common import CaseBase, village_field


class GridCategory(models.TextChoices):
    DISPUTE_LEAD = "dispute_lead", "矛盾纠纷线索"
    SAFETY = "safety", "安全隐患"
    SANITATION = "sanitation", "环境卫生"
    PUBLIC_ORDER = "public_order", "社会治安"
    LIVELIHOOD = "livelihood", "民生服务"
    POLICY = "policy", "政策咨询"
    OTHER = "other", "其他"


class GridStatus(models.TextChoices):
    REPORTED = "reported", "待处置"
    HANDLED = "handled", "已就地处置"
    ESCALATED = "escalated", "已转矛盾纠纷"
    REFERRED = "referred", "已转办"
    CLOSED = "closed", "已办结"


class GridDisposal(models.TextChoices):
    """How a case left the grid; kept after it is closed (the indicators read it)."""

    ON_THE_SPOT = "on_the_spot", "就地处置"
    ESCALATED = "escalated", "转为矛盾纠纷"
    REFERRED = "referred", "转办"


# --- the handling deadline: LOCAL PRACTICE, not statute ----------------------------------
# No law sets a time limit for disposing of a grid event. Township grid-management rules
# (网格化服务管理办法) commonly require a reported event to be disposed of (handled on the
# spot, referred or escalated) within 3 working days, and a safety hazard within 1 working
# day of the report. These are those defaults; change them here, in this one place (the
# service, the import, the demo data and docs/disputes.md all read them from here).
HANDLING_WORKING_DAYS: dict[str, int] = {GridCategory.SAFETY: 1}
DEFAULT_HANDLING_WORKING_DAYS = 3


def handling_working_days(category: str) -> int:
    return HANDLING_WORKING_DAYS.get(category, DEFAULT_HANDLING_WORKING_DAYS)


def handling_deadline(category: str, reported_on: dt.date):
    """The day a case reported on ``reported_on`` must be disposed of (a ``Deadline``)."""
    from fazhi.core import workdays

    return workdays.add_working_days(reported_on, handling_working_days(category))


class GridCaseQuerySet(UnitScopedQuerySet):
    """Pages of the largest ledger are read keys first.

    A page (``qs[offset:offset + 50]``, as the list pages' paginator and the API take it)
    first selects only the ids of the page, in order, then the rows with their related
    units. On SQLite the id query is answered from the (unit, reported_on) index alone;
    selecting whole rows made it read and sort every row of the county first (seconds at
    600,000 rows). Everything else (counts, iteration, export) is the usual queryset.
    """

    def __getitem__(self, k):
        if (
            isinstance(k, slice)
            and k.stop is not None
            and self._result_cache is None
            and not self.query.is_sliced
            and self._iterable_class is models.query.ModelIterable
        ):
            ids = list(self.values_list("pk", flat=True)[k])
            by_id = {obj.pk: obj for obj in self.filter(pk__in=ids).order_by()}
            return [by_id[i] for i in ids if i in by_id]
        return super().__getitem__(k)


class GridCase(CaseBase):
    OPEN_STATES = ("reported", "handled", "escalated", "referred")
    KIND_LABEL = "网格事件"

    # (village, reported_on) below serves every lookup by village
    village = village_field(db_index=False)
    grid = models.CharField("网格", max_length=50, blank=True)
    reported_at = models.DateTimeField("上报时间")
    reported_on = models.DateField("上报日期")
    category = models.CharField("事件类别", max_length=20, choices=GridCategory.choices)
    summary = models.TextField("事件概要")
    # The grid worker: a public official acting in office, so a name, not personal data.
    reporter = models.CharField("上报网格员", max_length=50)
    # The person concerned, when there is one: personal data, the phone encrypted at rest.
    person_name = models.CharField("当事人", max_length=50, blank=True)
    phone = EncryptedIdentifierField("联系电话", kind="mobile")  # encrypted at rest
    phone_bidx = BlindIndexField()
    status = models.CharField(
        "状态", max_length=20, choices=GridStatus.choices, default=GridStatus.REPORTED
    )
    due_on = models.DateField("处置期限")
    due_on_provisional = models.BooleanField(default=False)
    disposal = models.CharField("处置方式", max_length=20, choices=GridDisposal.choices, blank=True)
    handled_on = models.DateField("处置日期", null=True, blank=True)
    handling = models.TextField("处置情况", blank=True)
    referred_to = models.CharField("转办单位", max_length=100, blank=True)
    dispute = models.ForeignKey(
        "disputes.Dispute",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grid_cases",
        verbose_name="转为矛盾纠纷",
    )

    objects = GridCaseQuerySet.as_manager()
    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "网格事件"
        ordering = ["-reported_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="grid_case_number_unique")
        ]
        indexes = [
            # As on the other ledgers: the list's order (a county-wide first page), a unit's
            # dates (a township's or village's list and year), the overdue scans; and the
            # village filter and the open-case counts of the county-scale pages.
            models.Index(fields=["-reported_on", "-id"], name="grid_list_order"),
            models.Index(fields=["unit", "reported_on"], name="grid_unit_reported"),
            models.Index(fields=["unit", "status"], name="grid_unit_status"),
            models.Index(fields=["village", "reported_on"], name="grid_village_reported"),
            models.Index(fields=["status", "due_date"], name="grid_status_due"),
            # the search's exact match on the grid's name (ledgers.search_q)
            models.Index(fields=["grid"], name="grid_grid_name"),
            models.Index(fields=["due_date", "id"], name="grid_due_order"),  # ?order=due
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_category_display()}"

    @property
    def handled_on_time(self) -> bool | None:
        if self.handled_on is None:
            return None
        return self.handled_on <= self.due_on
