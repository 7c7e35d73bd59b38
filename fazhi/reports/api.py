"""Annual reports over the API: list, create, read (sections and figures), take a step."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from fazhi.core import scoping
from fazhi.core.roles import Perm
from fazhi.indicators.api import resolve_visible_unit

from . import render, services
from .models import AnnualReport

router = Router(tags=["年度报告"])


class ReportOut(Schema):
    id: int
    unit: str
    unit_name: str
    year: int
    title: str
    status: str
    status_label: str
    version: int
    submitted_on: str | None
    published_on: str | None
    index_number: str


def _out(r: AnnualReport) -> dict:
    return {
        "id": r.pk,
        "unit": r.unit.code,
        "unit_name": r.unit.name,
        "year": r.year,
        "title": r.title,
        "status": r.status,
        "status_label": r.get_status_display(),
        "version": r.version,
        "submitted_on": r.submitted_on.isoformat() if r.submitted_on else None,
        "published_on": r.published_on.isoformat() if r.published_on else None,
        "index_number": r.index_number,
    }


class ReportCreateIn(Schema):
    unit: str
    year: int


class ReportActionIn(Schema):
    version: int | None = None
    comment: str = ""
    reviewer: str = ""
    conclusion: str = ""
    note: str = ""


@router.get("", response=list[ReportOut], summary="年度报告列表")
@paginate(LimitOffsetPagination)
def list_reports(request, year: int | None = None):
    qs = (
        AnnualReport.objects.visible_to(request.user).select_related("unit").order_by("-year", "pk")
    )
    if year is not None:
        if not 2000 <= year <= 2100:
            return []
        qs = qs.filter(year=year)
    return [_out(r) for r in qs]


@router.post("", response={201: ReportOut}, summary="根据台账生成报告草稿")
def create(request, payload: ReportCreateIn):
    unit = resolve_visible_unit(request.user, payload.unit)
    if not scoping.can(request.user, Perm.CHANGE, unit):
        raise PermissionDenied("您的角色无权编制本单位的年度报告")
    return 201, _out(services.create_report(unit, payload.year, actor=request.user))


def _get(request, report_id: int) -> AnnualReport:
    return scoping.get_visible_or_404(
        AnnualReport.objects.select_related("unit", "snapshot"), request.user, pk=report_id
    )


@router.get("/{report_id}", summary="报告全文：各部分文字和每个数据的指标代码")
def detail(request, report_id: int):
    report = _get(request, report_id)
    return {**_out(report), **render.to_json(report)}


@router.post(
    "/{report_id}/actions/{action}", response=ReportOut, summary="办理：提交、审批、保密审查、公开"
)
def act(request, report_id: int, action: str, payload: ReportActionIn):
    report = _get(request, report_id)
    data = payload.dict()
    version = data.pop("version")
    report = services.run_action(
        report, action, actor=request.user, data=data, expected_version=version
    )
    return _out(report)
