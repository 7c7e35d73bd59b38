"""The openness pages that are not ledgers: the overview (counts per category and
channel, the year's requests by outcome, overdue requests) and the DOCX notices of a
request. The ledgers are declared in ledgers.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from fazhi.core import documents as core_documents
from fazhi.core import scoping
from fazhi.core.errors import DomainError
from fazhi.web.switcher import current_unit, current_year

from . import annual_render, documents, services
from .ledgers import APP, TABS
from .models import InformationRequest, OpennessReport


@login_required
def index(request):
    unit = current_unit(request)
    if unit is None:
        raise Http404("没有可查看的单位")
    year = current_year(request)
    user = request.user
    mine = InformationRequest.objects.visible_to(user).in_subtree(unit)
    overdue = list(services.overdue(mine).select_related("unit").order_by("reply_due")[:50])
    return render(
        request,
        "openness/index.html",
        {
            "tabs": TABS,
            "app": APP,
            "ledger": None,
            "unit": unit,
            "year": year,
            "disclosed": services.disclosure_counts(unit, year, user=user),
            "requests": services.request_figures(unit, year) if mine.exists() else None,
            "overdue": overdue,
            "today": timezone.localdate(),
        },
    )


@login_required
def document(request, ledger: str, pk: int, key: str):
    if ledger == "annual" and key == "report":
        report = scoping.get_visible_or_404(
            OpennessReport.objects.select_related("unit"), request.user, pk=pk
        )
        return core_documents.docx_response(*annual_render.docx_of(report))
    if ledger != "request" or key not in documents.KEYS:
        raise Http404
    r = scoping.get_visible_or_404(
        InformationRequest.objects.select_related("unit"), request.user, pk=pk
    )
    try:
        name, data = documents.render(r, key)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("openness:request_detail", pk=pk)
    return core_documents.docx_response(name, data)
