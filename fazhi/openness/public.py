"""The published 政府信息公开工作年度报告 for everyone (no login), mounted at
/public/openness/: the list by unit and year, each report's frozen HTML and DOCX. Only
published reports answer; a draft is a 404 like a report that does not exist."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from fazhi.core.documents import docx_response
from fazhi.core.params import query
from fazhi.reports.public import frozen_html

from .models import AnnualStatus, OpennessReport


def _published():
    return OpennessReport.objects.filter(status=AnnualStatus.PUBLISHED).select_related("unit")


def _get(pk: int) -> OpennessReport:
    report = _published().filter(pk=pk).first()
    if report is None:
        raise Http404("not found")
    return report


def index(request):
    reports = _published().order_by("-year", "unit__path")
    year = query(request).year()
    if year:
        reports = reports.filter(year=year)
    return render(request, "openness/public_index.html", {"reports": reports[:500], "year": year})


def detail(request, pk: int):
    return frozen_html(_get(pk).html)


def docx(request, pk: int):
    report = _get(pk)
    return docx_response(f"{report.title}.docx", bytes(report.docx))


def published_choices(limit: int = 200) -> list[OpennessReport]:
    return list(_published().exclude(docx=None).order_by("-published_on", "-pk")[:limit])
