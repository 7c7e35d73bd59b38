"""Publicity pages that are not ledgers: the landing page (figures, themed days, gaps),
the old ``…/export/`` addresses and the change history of each record. The ledgers'
pages come from ``ledgers.py`` (fazhi/ledgers)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from fazhi.core import scoping
from fazhi.core.roles import Perm
from fazhi.ledgers import pages
from fazhi.web.mechanisms import BY_KEY
from fazhi.web.switcher import current_unit, current_year
from fazhi.web.views import history_page

from . import services
from .ledgers import TABS
from .models import PublicityEvent

MECHANISM = BY_KEY["publicity"]


@login_required
def index(request):
    unit, year = current_unit(request), current_year(request)
    ctx = {
        "mechanism": MECHANISM,
        "unit": unit,
        "year": year,
        "tabs": TABS,
        "app": "publicity",
        "can_change": unit is not None and scoping.can(request.user, Perm.CHANGE, unit),
        "themed_days": services.themed_days(timezone.localdate())[:6],
    }
    if unit is not None:
        events = PublicityEvent.objects.visible_to(request.user).in_subtree(unit)
        ctx.update(
            summary=services.event_summary(unit, year),
            held_themes=set(events.filter(date__year=year).values_list("theme", flat=True)),
            no_liaison=list(services.villages_without_liaison(unit)[:50]),
            no_model=list(services.villages_without_model(unit)[:50]),
            models=services.model_summary(unit),
            duties=list(services.duty_fulfilment(unit, year)),
            recent=events.select_related("unit").order_by("-date", "-pk")[:6],
        )
    return render(request, "publicity/index.html", ctx)


def export(ledger):
    """``<plural>/export/``: the list's Excel (``?format=xlsx``), kept for old links."""
    view = pages.list_view(ledger, TABS)

    @login_required
    def export_view(request):
        request.GET = request.GET.copy()
        request.GET["format"] = "xlsx"
        return view(request)

    export_view.__name__ = f"{ledger.key}_export"
    return export_view


def history(ledger):
    """``<plural>/<pk>/history/``: every saved version of the record, with what changed."""

    @login_required
    def history_view(request, pk: int):
        obj = scoping.get_visible_or_404(ledger.model.objects.all(), request.user, pk=pk)
        return history_page(request, obj, obj.history.all())

    history_view.__name__ = f"{ledger.key}_history"
    return history_view
