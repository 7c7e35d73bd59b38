"""The dashboard on the home page: indicator cards against targets, trends, monthly case
charts, overdue items, and at county level the townships side by side (weakest first)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from fazhi.core import reminders
from fazhi.core.models import Unit
from fazhi.core.models.units import TOWNSHIP_KINDS, UnitKind
from fazhi.indicators import registry, services

TREND_CODES = [
    "disputes.mediated",
    "disputes.success_rate",
    "petitions.received",
    "hotline.received",
    "publicity.events",
    "learning.sessions",
]
COMPARE_CODES = [
    "disputes.success_rate",
    "disputes.resolved_in_village_rate",
    "petitions.replied_on_time_rate",
    "hotline.completion_rate",
    "documents.filed_on_time_rate",
    "enforcement.published_on_time_rate",
    "learning.cadres_40h_rate",
    "advisers.village_coverage",
    "rectification.closed_rate",
]


def _num(v) -> float | None:
    return float(v.value) if v is not None and v.ok and v.value is not None else None


def monthly(unit: Unit, year: int) -> dict:
    from fazhi.indicators import cache

    return cache.remember(unit, f"monthly:{year}", lambda: _monthly(unit, year))


def _monthly(unit: Unit, year: int) -> dict:
    series = {}
    try:
        from fazhi.disputes.models import Dispute, HotlineAppeal, Petition
    except ImportError:
        return series
    for label, model, field in (
        ("矛盾纠纷", Dispute, "registered_on"),
        ("信访件", Petition, "received_on"),
        ("热线诉求", HotlineAppeal, "received_on"),
    ):
        counts = dict(
            model.objects.in_subtree(unit)
            .filter(**{f"{field}__year": year})
            .annotate(m=ExtractMonth(field))
            .values_list("m")
            .annotate(n=Count("pk"))
            .order_by()
        )
        series[label] = [counts.get(m, 0) for m in range(1, 13)]
    return series


def context(unit: Unit, year: int) -> dict:
    """Everything the dashboard shows, with ``as_of``: the time its figures are true at —
    now, or when the oldest figure it shows from before a write was computed (values up
    to ``FAZHI_DASHBOARD_MAX_AGE`` seconds old are served, fazhi.indicators.cache)."""
    from django.conf import settings

    from fazhi.indicators import cache

    with cache.window(settings.FAZHI_DASHBOARD_MAX_AGE) as w:
        out = _context(unit, year)
    # exact values are true now; a value served from the window, as of its computation
    out["as_of"] = (
        timezone.localtime(dt.datetime.fromtimestamp(w.as_of, tz=dt.UTC))
        if w.as_of
        else timezone.localtime()
    )
    out["max_age"] = settings.FAZHI_DASHBOARD_MAX_AGE
    return out


def _context(unit: Unit, year: int) -> dict:
    values = registry.compute(unit, year)
    cards = services.rows(values)
    years = list(range(year - 4, year + 1))
    cmp = services.compare_years(unit, years, TREND_CODES)
    trends = {
        "years": [str(y) for y in years],
        "series": [
            {
                "name": registry.get(c).name + f"（{registry.get(c).measure}）",
                "data": [_num(cmp.get(c, {}).get(y)) for y in years],
            }
            for c in TREND_CODES
        ],
    }
    today = timezone.localdate()
    from fazhi.indicators import cache

    overdue = cache.remember(
        unit,
        "overdue",
        lambda: [
            i
            for i in reminders.collect(today, units=[unit], overdue_only=True, limit=200)
            if i.unit_path.startswith(unit.path)
        ][:30],
    )
    out = {
        "cards": cards,
        "below": sum(1 for c in cards if c["meets_target"] is False),
        "trends": trends,
        "monthly": {"months": [f"{m}月" for m in range(1, 13)], "series": monthly(unit, year)},
        "overdue": overdue,
        "townships": None,
    }
    if unit.kind == UnitKind.COUNTY:
        out["townships"] = compare_townships(unit, year)
    return out


def compare_townships(county: Unit, year: int) -> dict:
    inds = [registry.get(c) for c in COMPARE_CODES]
    rows = []
    for t in Unit.objects.subtree(county).filter(kind__in=TOWNSHIP_KINDS, active=True):
        values = registry.compute(t, year, COMPARE_CODES)
        cells = []
        misses = 0
        for ind in inds:
            v = values[ind.code]
            ok = registry.meets_target(ind, v)
            misses += ok is False
            cells.append({"text": registry.format_value(ind, v), "ok": ok})
        rows.append({"unit": t, "cells": cells, "misses": misses})
    rows.sort(key=lambda r: (-r["misses"], r["unit"].name))
    return {"indicators": inds, "rows": rows}
