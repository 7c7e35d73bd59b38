"""The honours landing page: the titles held in the chosen unit by level, those sought, and
the latest assessment results. The ledgers' pages come from ``ledgers.py``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from fazhi.core import scoping
from fazhi.core.roles import Perm
from fazhi.web.mechanisms import BY_KEY
from fazhi.web.switcher import current_unit, current_year

from .ledgers import TABS
from .models import HELD, LEVEL_ORDER, Assessment, Honour, HonourStatus, Level


@login_required
def index(request):
    unit, year = current_unit(request), current_year(request)
    ctx = {
        "mechanism": BY_KEY["honours"],
        "unit": unit,
        "year": year,
        "tabs": TABS,
        "app": "honours",
        "can_change": unit is not None and scoping.can(request.user, Perm.CHANGE, unit),
    }
    if unit is not None:
        honours = Honour.objects.visible_to(request.user).in_subtree(unit)
        won = dict(
            honours.filter(status__in=HELD, year=year)
            .order_by()
            .values_list("level")
            .annotate(n=Count("pk"))
        )
        ctx.update(
            won=[(Level(lv).label, won.get(lv, 0)) for lv in LEVEL_ORDER],
            won_total=sum(won.values()),
            applying=honours.filter(status=HonourStatus.APPLYING)
            .select_related("unit")
            .order_by("-year", "unit__path")[:20],
            reviewing=honours.filter(status=HonourStatus.REVIEWING).select_related("unit")[:20],
            assessments=Assessment.objects.visible_to(request.user)
            .in_subtree(unit)
            .filter(year__in=(year, year - 1))
            .select_related("unit")
            .order_by("-year", "unit__path", "kind")[:30],
        )
    return render(request, "honours/index.html", ctx)
