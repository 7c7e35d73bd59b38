"""The landing page: the roster's counts in the chosen unit (no names). Only a user with
the corrections duty opens it (403 otherwise, as the ledger's own pages)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from fazhi.web.mechanisms import BY_KEY
from fazhi.web.switcher import current_unit, current_year

from .ledgers import PERSON, TABS
from .report import roster_counts


@login_required
def index(request):
    PERSON.require_duty(request.user)
    unit, year = current_unit(request), current_year(request)
    ctx = {"mechanism": BY_KEY["corrections"], "unit": unit, "year": year, "tabs": TABS}
    ctx["app"] = "corrections"
    if unit is not None:
        qs = PERSON.scoped(request.user).in_subtree(unit)
        ctx["counts"] = roster_counts(qs, timezone.localdate())
    return render(request, "corrections/index.html", ctx)
