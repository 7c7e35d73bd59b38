"""County-level settings of the decisions mechanism."""

from __future__ import annotations

from django.db import models

from fazhi.core.history import history
from fazhi.core.models.base import UnitSettings

DEFAULT_FILING_DAYS = 30


class DecisionsSettings(UnitSettings):
    """Per county: the days within which a published normative document is filed (15 or 30)."""

    filing_days = models.PositiveSmallIntegerField(
        "规范性文件报备期限（日）",
        default=DEFAULT_FILING_DAYS,
        choices=[(15, "15日"), (30, "30日")],
    )

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "依法决策设置"
        constraints = [models.UniqueConstraint(fields=["unit"], name="decisions_settings_unit")]


def filing_days_for(unit) -> int:
    """The filing period configured by the unit's county (30 when none is set)."""
    county = unit.county() if unit.kind != "county" else unit
    if county is None:
        return DEFAULT_FILING_DAYS
    row = DecisionsSettings.objects.filter(unit=county).first()
    return row.filing_days if row else DEFAULT_FILING_DAYS
