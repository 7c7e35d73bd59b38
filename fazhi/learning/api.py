"""Study API: cadres, sessions and attendance, hours against the requirement, exam rates."""

import dataclasses
import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.utils import timezone
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from fazhi.core import scoping
from fazhi.core.apitypes import DbId, Year
from fazhi.core.errors import InvalidInput
from fazhi.core.models import Unit
from fazhi.core.pagination import LimitOffsetPagination
from fazhi.core.roles import Perm
from fazhi.ledgers import importing
from fazhi.ledgers.api import LedgerImportOut, add_routes

from . import services
from .ledgers import CADRE, EXAM
from .models import Cadre, SessionKind, StudySession
from .schemas import CadreOut, SessionDetailOut, SessionOut

router = Router(tags=["learning"])


def _unit(request, unit_id: DbId | None) -> Unit:
    qs = scoping.visible_units(request.user)
    unit = qs.filter(pk=unit_id).first() if unit_id else qs.order_by("depth", "path").first()
    if unit is None:
        raise Http404
    return unit


def _year(year: Year | None) -> int:
    return year or timezone.localdate().year


class CadreIn(Schema):
    unit_id: DbId
    name: str = Field(..., min_length=1, max_length=50)
    post: str = Field("", max_length=100)
    is_leader: bool = False
    in_leadership_group: bool = False


class HoursOut(Schema):
    id: int  # the cadre's (as every ledger's detail answers with its record's id)
    cadre: CadreOut
    year: Year
    hours: Decimal
    sessions: int
    required: Decimal
    expected: Decimal
    status: str
    status_label: str


def _hours_out(row: services.CadreHours, year: Year) -> services.CadreHours:
    row.year = year
    row.id = row.cadre.pk
    return row


@router.get("/cadres/", response=list[CadreOut], summary="干部名单")
@paginate(LimitOffsetPagination)
def list_cadres(request, unit_id: DbId | None = None, q: str | None = None, active: bool = True):
    qs = Cadre.objects.visible_to(request.user).select_related("unit").filter(active=active)
    if unit_id:
        qs = qs.in_subtree(_unit(request, unit_id))
    if q:
        qs = qs.filter(name__contains=q)
    return qs.order_by("unit__path", "name")


@router.post("/cadres/", response={201: CadreOut}, summary="添加干部")
def create_cadre(request, payload: CadreIn):
    unit = _unit(request, payload.unit_id)
    data = payload.dict(exclude={"unit_id"})
    return 201, services.create_cadre(unit=unit, actor=request.user, **data)


# Before /cadres/{cadre_id}: "import" is not a cadre's id.
@router.post(
    "/cadres/import",
    response={200: LedgerImportOut, 400: LedgerImportOut},
    summary="从Excel/CSV导入干部名册（一个文件一个事务；有错行则全部不导入，400 并列出行号与原因；已在名单中的跳过）",
)
def import_cadres(request, unit_id: Form[DbId], file: File[UploadedFile]):
    unit = _unit(request, unit_id)
    result = importing.run(
        CADRE, root=unit, actor=request.user, data=file.read(), filename=file.name or ""
    )
    return (200 if result.ok else 400), result.as_dict()


@router.get("/cadres/{cadre_id}", response=HoursOut, summary="干部及其年度学法时长")
def get_cadre(request, cadre_id: DbId, year: Year | None = None):
    cadre = scoping.get_visible_or_404(
        Cadre.objects.select_related("unit"), request.user, pk=cadre_id
    )
    year = _year(year)
    return _hours_out(services.cadre_hours(cadre, year), year)


@router.get(
    "/hours/", response=list[HoursOut], summary="干部学法时长与进度（年度要求、按进度应达）"
)
@paginate(LimitOffsetPagination)
def hours(request, unit_id: DbId | None = None, year: Year | None = None, behind: bool = False):
    unit = _unit(request, unit_id)
    year = _year(year)
    cadres = (
        Cadre.objects.visible_to(request.user)
        .in_subtree(unit)
        .filter(active=True)
        .select_related("unit")
    )
    rows = services.hours_report(cadres, year, rules=services.rules_for(unit))
    if behind:
        rows = [r for r in rows if r.behind]
    return [_hours_out(r, year) for r in rows]


class SessionIn(Schema):
    unit_id: DbId
    kind: SessionKind
    date: dt.date
    topic: str = Field(..., min_length=1, max_length=200)
    laws: str = ""
    lecturer: str = Field("", max_length=100)
    hours: Decimal = Field(..., gt=0, le=40)
    leadership_group: bool = False
    place: str = Field("", max_length=100)
    notes: str = ""


def _detail(session: StudySession) -> StudySession:
    rows = list(session.attendances.select_related("cadre").order_by("cadre__name"))
    session.attendance_count = len(rows)
    session.attendance = rows
    return session


@router.get("/sessions/", response=list[SessionOut], summary="学法活动")
@paginate(LimitOffsetPagination)
def list_sessions(
    request,
    unit_id: DbId | None = None,
    year: Year | None = None,
    kind: SessionKind | None = None,
    leadership: bool | None = None,
):
    qs = StudySession.objects.visible_to(request.user).select_related("unit")
    if unit_id:
        qs = qs.in_subtree(_unit(request, unit_id))
    if year:
        qs = qs.filter(date__year=year)
    if kind:
        qs = qs.filter(kind=kind)
    if leadership is not None:
        qs = qs.filter(leadership_group=leadership)
    return qs.annotate(attendance_count=Count("attendances")).order_by("-date", "-pk")


@router.post("/sessions/", response={201: SessionDetailOut}, summary="登记学法活动")
def create_session(request, payload: SessionIn):
    unit = _unit(request, payload.unit_id)
    data = payload.dict(exclude={"unit_id"})
    session = services.create_session(unit=unit, actor=request.user, **data)
    return 201, _detail(session)


@router.get("/sessions/{session_id}", response=SessionDetailOut, summary="学法活动及参学人员")
def get_session(request, session_id: DbId):
    session = scoping.get_visible_or_404(
        StudySession.objects.select_related("unit"), request.user, pk=session_id
    )
    return _detail(session)


class CheckIn(Schema):
    cadre_id: DbId | None = None
    hours: Decimal | None = Field(None, ge=0, le=40)


def _changeable_session(request, session_id: DbId) -> StudySession:
    session = scoping.get_visible_or_404(
        StudySession.objects.select_related("unit"), request.user, pk=session_id
    )
    if not scoping.can(request.user, Perm.CHANGE, session):
        raise PermissionDenied("您无权为该学法活动签到")
    return session


@router.post(
    "/sessions/{session_id}/attendance",
    response=SessionDetailOut,
    summary="签到（记录一名干部参学）",
)
def check_in(request, session_id: DbId, payload: CheckIn):
    session = _changeable_session(request, session_id)
    if payload.cadre_id is None:
        raise InvalidInput("请提供 cadre_id（要签到的干部）")
    cadre = scoping.get_visible_or_404(
        Cadre.objects.select_related("unit"), request.user, pk=payload.cadre_id
    )
    services.check_in(session, cadre, actor=request.user, hours=payload.hours, source="api")
    return _detail(session)


@router.delete(
    "/sessions/{session_id}/attendance/{cadre_id}", response=SessionDetailOut, summary="取消签到"
)
def remove_attendance(request, session_id: DbId, cadre_id: DbId):
    session = _changeable_session(request, session_id)
    cadre = scoping.get_visible_or_404(Cadre.objects.all(), request.user, pk=cadre_id)
    if not services.remove_attendance(session, cadre, actor=request.user):
        raise Http404
    return _detail(session)


class RatesOut(Schema):
    unit_id: DbId
    year: Year
    cadres: int
    studied: int
    took: int
    passed: int
    excellent: int
    study_rate: Decimal | None
    participation_rate: Decimal | None
    pass_rate: Decimal | None
    excellent_rate: Decimal | None
    exam_pass: Decimal
    exam_excellent: Decimal


@router.get(
    "/exam-rates",
    response=RatesOut,
    summary="学法考试 参学率、参考率、合格率、优秀率（分母为零时为 null）",
)
def exam_rates(request, unit_id: DbId | None = None, year: Year | None = None):
    unit = _unit(request, unit_id)
    year = _year(year)
    return {"unit_id": unit.pk, "year": year, **services.exam_rates(unit, year).as_dict()}


class SummaryOut(Schema):
    unit_id: DbId
    year: Year
    sessions: int
    leadership_sessions: int
    cadres_hours_rate: Decimal | None
    exam_participation_rate: Decimal | None
    required_hours: Decimal


@router.get("/summary", response=SummaryOut, summary="年度学法指标（本单位及下级）")
def summary(request, unit_id: DbId | None = None, year: Year | None = None):
    unit = _unit(request, unit_id)
    year = _year(year)
    s = services.session_summary(unit, year)
    return {
        "unit_id": unit.pk,
        "year": year,
        "sessions": s["total"],
        "leadership_sessions": s["leadership"],
        "cadres_hours_rate": services.indicator_cadres_hours_rate(unit, year),
        "exam_participation_rate": services.indicator_exam_participation_rate(unit, year),
        "required_hours": services.rules_for(unit).required_hours,
    }


# The exam results ledger: list, detail, create and Excel import, from the declaration.
# (Cadres and sessions keep the routes above: their answers carry the year's hours and
# the attendance, which the generic record does not.) Not yet its PATCH: the framework's
# PATCH answers a body-less request with 422 before it looks the record up, where the
# scoping matrix (tests/scoping.py) requires 404 for another unit's record.
add_routes(router, dataclasses.replace(EXAM, update=None))
