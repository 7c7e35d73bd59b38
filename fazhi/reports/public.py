"""Published reports for everyone: the list by unit and year, each report's HTML and DOCX.

Only reports in the published state are reachable; their HTML and DOCX were rendered and
stored when they were published (figures frozen, personal identifiers masked).
"""

from __future__ import annotations

import base64
import hashlib
import re

from django.http import Http404, HttpResponse
from django.shortcuts import render

from fazhi.core.documents import docx_response
from fazhi.core.params import parse_int, query

from .models import AnnualReport, ReportStatus


def _published():
    return AnnualReport.objects.filter(status=ReportStatus.PUBLISHED).select_related("unit")


def index(request):
    reports = _published().order_by("-year", "unit__path")
    year = query(request).year()
    if year:
        reports = reports.filter(year=year)
    return render(request, "reports/public_index.html", {"reports": reports[:500], "year": year})


def _get(pk: int) -> AnnualReport:
    report = _published().filter(pk=pk).first()
    if report is None:
        raise Http404("not found")
    return report


# The stylesheet ``render.to_html`` writes into the head of the frozen document.
_HEAD_STYLE = re.compile(
    r"\A<!doctype html>.*?<head>.*?<style>(.*?)</style>.*?</head>", re.S | re.I
)


def detail(request, pk: int):
    return frozen_html(_get(pk).html)


def frozen_html(html: str) -> HttpResponse:
    """A published document's frozen HTML, byte for byte. Its own ``<style>`` block in the
    head is allowed by its hash (the Content-Security-Policy forbids inline styles
    otherwise), so a report published before the policy, or with an older stylesheet,
    reads as it did; nothing in the body can add a style or a script (the renderer escapes
    all text, and the page's policy allows no script at all). The openness annual reports'
    public pages serve theirs through it too."""
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    match = _HEAD_STYLE.match(html or "")
    if match:
        digest = base64.b64encode(hashlib.sha256(match.group(1).encode()).digest()).decode()
        response._csp_update = {"style-src": [f"'sha256-{digest}'"]}
    response._csp_replace = {"script-src": ["'none'"]}
    return response


def docx(request, pk: int):
    report = _get(pk)
    return docx_response(
        f"{report.unit.name}{report.year}年度法治政府建设报告.docx", bytes(report.docx)
    )


def published_choices(limit: int = 200) -> list[AnnualReport]:
    """Published reports (public already), newest first: the review page offers them."""
    return list(_published().order_by("-published_on", "-pk")[:limit])


def published_docx(pk) -> tuple[str, bytes] | None:
    pk = parse_int(pk)
    report = _published().filter(pk=pk).first() if pk else None
    if report is None or not report.docx:
        return None
    return f"{report.unit.name}{report.year}年度法治政府建设报告.docx", bytes(report.docx)
