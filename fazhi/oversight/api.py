"""Oversight API: leading groups, duty reports, funding, inspections and rectifications."""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from fazhi.core import scoping
from fazhi.core.apitypes import DbId, Year
from fazhi.core.models import Unit
from fazhi.core.pagination import LimitOffsetPagination

from . import services
from .models import DutyReport, Funding, Inspection, LeadingGroup, Rectification
from .procedures import run as run_rectification

router = Router(tags=["oversight"])


def _unit(request, unit_id: DbId | None) -> Unit:
    visible = scoping.visible_units(request.user)
    unit = (
        visible.order_by("depth", "path").first()
        if unit_id is None
        else visible.filter(pk=unit_id).first()
    )
    if unit is None:
        raise Http404
    return unit


class MemberOut(Schema):
    role: str
    name: str
    post: str


class GroupOut(Schema):
    id: int
    unit_id: DbId
    year: Year
    name: str
    doc_number: str
    office: str
    members: list[MemberOut]

    @staticmethod
    def resolve_members(obj):
        return list(obj.members.all())


@router.get("/groups/", response=list[GroupOut], summary="法治建设领导小组")
@paginate(LimitOffsetPagination)
def list_groups(request, year: Year | None = None, unit_id: DbId | None = None):
    qs = LeadingGroup.objects.visible_to(request.user).prefetch_related("members")
    if unit_id is not None:
        qs = qs.in_subtree(_unit(request, unit_id))
    if year:
        qs = qs.filter(year=year)
    return qs


@router.get("/groups/{group_id}", response=GroupOut, summary="领导小组详情")
def get_group(request, group_id: DbId):
    return scoping.get_visible_or_404(LeadingGroup.objects.all(), request.user, pk=group_id)


class DutyReportOut(Schema):
    id: int
    unit_id: DbId
    year: Year
    person_name: str
    post: str
    study: list[str]
    topics: list[str]
    report_text: str
    report_date: dt.date | None

    @staticmethod
    def resolve_study(obj):
        return obj.study_list

    @staticmethod
    def resolve_topics(obj):
        return obj.topic_list


@router.get("/reports/", response=list[DutyReportOut], summary="第一责任人履职与述法")
@paginate(LimitOffsetPagination)
def list_reports(request, year: Year | None = None, unit_id: DbId | None = None):
    qs = DutyReport.objects.visible_to(request.user)
    if unit_id is not None:
        qs = qs.in_subtree(_unit(request, unit_id))
    if year:
        qs = qs.filter(year=year)
    return qs


@router.get("/reports/{report_id}", response=DutyReportOut, summary="述法详情")
def get_report(request, report_id: DbId):
    return scoping.get_visible_or_404(DutyReport.objects.all(), request.user, pk=report_id)


class FundingOut(Schema):
    id: int
    unit_id: DbId
    year: Year
    kind: str
    item: str
    amount: Decimal
    spent: Decimal


@router.get("/funding/", response=list[FundingOut], summary="经费保障")
@paginate(LimitOffsetPagination)
def list_funding(request, year: Year | None = None, unit_id: DbId | None = None):
    qs = Funding.objects.visible_to(request.user)
    if unit_id is not None:
        qs = qs.in_subtree(_unit(request, unit_id))
    if year:
        qs = qs.filter(year=year)
    return qs


class InspectionOut(Schema):
    id: int
    kind: str
    unit_id: DbId
    target_id: DbId
    date: dt.date
    title: str


class InspectionIn(Schema):
    kind: str
    target_id: DbId
    date: dt.date
    title: str
    team: str = ""
    summary: str = ""


class FindingIn(Schema):
    problem: str = ""
    owner_name: str = ""
    requirement: str = ""
    deadline: dt.date | None = None
    days: int | None = None
    owner_username: str | None = None


@router.get("/inspections/", response=list[InspectionOut], summary="督察/自查")
@paginate(LimitOffsetPagination)
def list_inspections(request, year: Year | None = None, kind: str | None = None):
    qs = Inspection.objects.visible_to(request.user)
    if year:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


@router.post("/inspections/", response={201: InspectionOut}, summary="登记督察/自查")
def create_inspection(request, payload: InspectionIn):
    target = _unit(request, payload.target_id)
    data = payload.dict()
    data.pop("target_id")
    return Status(201, services.create_inspection(actor=request.user, target=target, **data))


def _inspection(request, inspection_id: DbId) -> Inspection:
    i = Inspection.objects.visible_to(request.user).filter(pk=inspection_id).first()
    if i is None:
        raise Http404
    return i


@router.get("/inspections/{inspection_id}", response=InspectionOut, summary="督察/自查详情")
def get_inspection(request, inspection_id: DbId):
    return _inspection(request, inspection_id)


class RectificationOut(Schema):
    id: int
    unit_id: DbId
    inspection_id: DbId
    kind: str
    number: int
    problem: str
    owner_name: str
    owner_user_id: DbId | None
    deadline: dt.date
    deadline_provisional: bool
    measures: str
    evidence_note: str
    status: str
    overdue: bool
    signed_off_on: dt.date | None
    version: int

    @staticmethod
    def resolve_kind(obj):
        return obj.inspection.kind

    @staticmethod
    def resolve_overdue(obj):
        return obj.overdue_on(timezone.localdate())


@router.post(
    "/inspections/{inspection_id}/findings",
    response={201: RectificationOut},
    summary="登记发现的问题（交办整改）",
)
def add_finding(request, inspection_id: DbId, payload: FindingIn | None = None):
    i = _inspection(request, inspection_id)
    payload = payload or FindingIn()
    return Status(201, services.add_finding(i, actor=request.user, **payload.dict()))


@router.get(
    "/rectifications/", response=list[RectificationOut], summary="整改事项（overdue=true 只看逾期）"
)
@paginate(LimitOffsetPagination)
def list_rectifications(
    request,
    status: str | None = None,
    overdue: bool | None = None,
    unit_id: DbId | None = None,
    inspection_id: DbId | None = None,
):
    qs = Rectification.objects.visible_to(request.user).select_related("inspection")
    if unit_id is not None:
        qs = qs.in_subtree(_unit(request, unit_id))
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.overdue(timezone.localdate())
    if inspection_id is not None:
        qs = qs.filter(inspection_id=inspection_id)
    return qs


@router.get("/rectifications/{rectification_id}", response=RectificationOut, summary="整改详情")
def get_rectification(request, rectification_id: DbId):
    return scoping.get_visible_or_404(
        Rectification.objects.select_related("inspection"), request.user, pk=rectification_id
    )


class OversightActionIn(Schema):
    measures: str = ""
    evidence_note: str = ""
    reason: str = ""
    comment: str = ""
    version: int | None = None


@router.post(
    "/rectifications/{rectification_id}/actions/{action}",
    response=RectificationOut,
    summary="整改流程：start 开始整改、submit 提请销号、sign_off 销号、send_back 退回",
)
def rectification_action(
    request, rectification_id: DbId, action: str, payload: OversightActionIn | None = None
):
    r = scoping.get_visible_or_404(
        Rectification.objects.select_related("inspection"), request.user, pk=rectification_id
    )
    payload = payload or OversightActionIn()
    data = payload.dict()
    version = data.pop("version")
    return run_rectification(r, action, user=request.user, data=data, expected_version=version)


class OversightIndicatorsOut(Schema):
    unit_id: DbId
    year: Year
    closed_rate: dict


@router.get(
    "/indicators", response=OversightIndicatorsOut, summary="整改销号率（按单位及下级、年度）"
)
def indicators(request, year: Year, unit_id: DbId | None = None):
    unit = _unit(request, unit_id)
    return {
        "unit_id": unit.pk,
        "year": year,
        "closed_rate": services.rectification_closed_rate(unit, year),
    }
