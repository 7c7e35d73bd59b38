"""The indicators page: every indicator for the chosen unit and year, against its target and
the two years before; take a snapshot."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from fazhi.core import scoping
from fazhi.core.params import query
from fazhi.core.roles import Perm
from fazhi.web.switcher import current_unit, current_year

from . import registry, services
from .models import IndicatorSnapshot


def _unit(request):
    unit_id = query(request).id("unit")
    if unit_id:
        unit = scoping.visible_units(request.user).filter(pk=unit_id).first()
        if unit is not None:
            return unit
    return current_unit(request)


@login_required
def index(request):
    unit, year = _unit(request), current_year(request)
    if unit is None:
        return render(request, "indicators/index.html", {"unit": None, "year": year})
    years = [year - 2, year - 1, year]
    cmp = services.compare_years(unit, years)
    rows = []
    for ind in registry.all_indicators():
        per_year = cmp.get(ind.code, {})
        current = per_year.get(year) or registry.Value.unavailable("未计算")
        row = services.row(ind, current)
        row["history"] = [
            registry.format_value(ind, per_year[y]) if y in per_year else "—" for y in years[:-1]
        ]
        rows.append(row)
    snaps = IndicatorSnapshot.objects.filter(unit=unit).order_by("-taken_at")[:10]
    return render(
        request,
        "indicators/index.html",
        {
            "unit": unit,
            "year": year,
            "years": years,
            "rows": rows,
            "snapshots": snaps,
            "can_snapshot": scoping.can(request.user, Perm.CHANGE, unit),
        },
    )


@login_required
@require_POST
def snapshot(request):
    unit, year = _unit(request), current_year(request)
    if unit is None or not scoping.can(request.user, Perm.CHANGE, unit):
        raise PermissionDenied("您的角色无权冻结本单位的指标")
    snap = services.take_snapshot(unit, year, actor=request.user, purpose="年度冻结", frozen=True)
    messages.success(request, f"已冻结{unit.name}{year}年度指标（快照 #{snap.pk}）")
    return redirect("indicators:index")
