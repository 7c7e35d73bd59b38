"""Snapshots, comparisons and the rows pages, API and CLI show."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from fazhi.core import audit

from . import registry
from .models import IndicatorSnapshot
from .registry import Value


@transaction.atomic
def take_snapshot(unit, year: int, *, actor, purpose: str = "", frozen: bool = False):
    """Compute every indicator now and store the values (frozen ones never change)."""
    values = registry.compute(unit, year, fresh=True)
    snap = IndicatorSnapshot(
        unit=unit,
        year=year,
        taken_at=timezone.now(),
        purpose=purpose[:40],
        frozen=frozen,
        values={c: v.as_dict() for c, v in values.items()},
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    snap.save()
    audit.record(audit.E.CREATE, obj=snap, user=actor, detail={"year": year, "purpose": purpose})
    return snap


def latest_snapshots(unit, years) -> dict[int, IndicatorSnapshot]:
    """The newest frozen snapshot of each year, else the newest one."""
    out: dict[int, IndicatorSnapshot] = {}
    qs = IndicatorSnapshot.objects.filter(unit=unit, year__in=list(years)).order_by(
        "year", "frozen", "taken_at", "pk"
    )
    for snap in qs:
        out[snap.year] = snap  # later rows (frozen, newer) win
    return out


def row(ind: registry.Indicator, v: Value) -> dict:
    return {
        "code": ind.code,
        "name": ind.name,
        "measure": ind.measure,
        "direction": ind.direction,
        "target": None if ind.target is None else str(ind.target),
        "status": v.status,
        "value": None if v.value is None else str(v.value),
        "numerator": v.numerator,
        "denominator": v.denominator,
        "text": registry.format_value(ind, v),
        "message": v.message,
        "meets_target": registry.meets_target(ind, v),
    }


def rows(values: dict[str, Value]) -> list[dict]:
    return [row(registry.get(c), v) for c, v in values.items()]


def compare_years(unit, years: list[int], codes=None) -> dict[str, dict[int, Value]]:
    """Values per code and year: frozen snapshots where a year has one, else computed now."""
    snaps = latest_snapshots(unit, years)
    out: dict[str, dict[int, Value]] = {}
    for year in years:
        snap = snaps.get(year)
        if snap is not None and snap.frozen:
            values = {c: snap.value(c) or Value.unavailable("快照中无此指标") for c in snap.values}
        else:
            values = registry.compute(unit, year, codes)
        for c, v in values.items():
            if codes is None or c in codes:
                out.setdefault(c, {})[year] = v
    return out
