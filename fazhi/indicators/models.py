"""Frozen indicator values: a yearly snapshot, so a published report's figures never change."""

from __future__ import annotations

from django.db import models

from fazhi.core.history import history
from fazhi.core.models import LedgerModel


class IndicatorSnapshot(LedgerModel):
    """Every indicator's value for ``unit``'s subtree and ``year``, as computed at ``taken_at``."""

    year = models.PositiveSmallIntegerField("年度", db_index=True)
    taken_at = models.DateTimeField("取数时间")
    purpose = models.CharField("用途", max_length=40, blank=True)
    frozen = models.BooleanField("已冻结", default=False)
    # {code: {"status", "value", "numerator", "denominator", "message"}}
    values = models.JSONField("指标值", default=dict)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "指标快照"
        ordering = ["-taken_at", "-pk"]
        indexes = [models.Index(fields=["unit", "year"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}年指标快照 #{self.pk}"

    def value(self, code: str):
        from .registry import Value

        d = self.values.get(code)
        return Value.from_dict(d) if d else None
