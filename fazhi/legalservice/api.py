"""Legal-services API: advisers, coverage, duty shifts, consultations, service centre, legal aid."""

import datetime as dt

from django.http import Http404
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from fazhi.core import pii, scoping
from fazhi.core.apitypes import DbId, Month, Year
from fazhi.core.errors import InvalidInput
from fazhi.core.models import Unit
from fazhi.core.pagination import LimitOffsetPagination

from . import services
from .models import Consultation, DutyShift, LegalAdviser, LegalAidReferral, ServiceCenterDay
from .procedures import run_shift

router = Router(tags=["legalservice"])


def _unit(request, unit_id: DbId | None) -> Unit:
    visible = scoping.visible_units(request.user)
    if unit_id is None:
        unit = visible.order_by("depth", "path").first()
    else:
        unit = visible.filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit


class AdviserOut(Schema):
    id: int
    unit_id: DbId
    name: str
    firm: str
    phone: str
    contract_start: dt.date
    contract_end: dt.date
    active: bool
    in_force: bool
    units_served: list[int]

    @staticmethod
    def resolve_phone(obj):
        return pii.mask_mobile(obj.phone)

    @staticmethod
    def resolve_in_force(obj):
        return obj.in_force_on(timezone.localdate())

    @staticmethod
    def resolve_units_served(obj):
        return [u.pk for u in obj.units_served.all()]


class AdviserIn(Schema):
    unit_id: DbId
    name: str
    firm: str
    phone: str = ""
    contract_start: dt.date
    contract_end: dt.date
    units_served: list[int] = []
    note: str = ""


def _served(request, ids: list[int]) -> list[Unit]:
    units = list(scoping.visible_units(request.user).filter(pk__in=ids))
    if len(units) != len(set(ids)):
        raise InvalidInput("服务村(社区)中有不存在或无权查看的单位")
    return units


@router.get("/advisers/", response=list[AdviserOut], summary="法律顾问")
@paginate(LimitOffsetPagination)
def list_advisers(request, unit_id: DbId | None = None, in_force: bool | None = None):
    qs = LegalAdviser.objects.visible_to(request.user).prefetch_related("units_served")
    if unit_id is not None:
        qs = qs.in_subtree(_unit(request, unit_id))
    if in_force is not None:
        today = timezone.localdate()
        q = dict(active=True, contract_start__lte=today, contract_end__gte=today)
        qs = qs.filter(**q) if in_force else qs.exclude(**q)
    return qs


@router.post("/advisers/", response={201: AdviserOut}, summary="登记法律顾问")
def create_adviser(request, payload: AdviserIn):
    unit = _unit(request, payload.unit_id)
    data = payload.dict()
    served = _served(request, data.pop("units_served"))
    data.pop("unit_id")
    return Status(
        201, services.create_adviser(unit=unit, actor=request.user, served=served, **data)
    )


@router.get("/advisers/{adviser_id}", response=AdviserOut, summary="法律顾问详情")
def get_adviser(request, adviser_id: DbId):
    return scoping.get_visible_or_404(LegalAdviser.objects.all(), request.user, pk=adviser_id)


class CoverageRowOut(Schema):
    village_id: DbId
    village: str
    remote: bool
    covered: bool
    advisers: list[str]


class AdviserCoverageOut(Schema):
    unit_id: DbId
    date: dt.date
    villages: int
    covered: int
    gaps: list[str]
    rows: list[CoverageRowOut]


@router.get("/coverage", response=AdviserCoverageOut, summary="一村一法律顾问覆盖情况与缺口")
def coverage(request, unit_id: DbId | None = None, date: dt.date | None = None):
    unit = _unit(request, unit_id)
    day = date or timezone.localdate()
    rows = services.coverage(unit, day)
    return {
        "unit_id": unit.pk,
        "date": day,
        "villages": len(rows),
        "covered": sum(1 for r in rows if r.covered),
        "gaps": [r.village.name for r in rows if not r.covered],
        "rows": [
            {
                "village_id": r.village.pk,
                "village": r.village.name,
                "remote": r.village.remote,
                "covered": r.covered,
                "advisers": [a.name for a in r.advisers],
            }
            for r in rows
        ],
    }


class LegalServiceIndicatorsOut(Schema):
    unit_id: DbId
    year: Year
    village_coverage: dict
    consultations: dict
    service_center: dict


@router.get(
    "/indicators", response=LegalServiceIndicatorsOut, summary="法律服务指标（按单位及下级、年度）"
)
def indicators(request, year: Year, unit_id: DbId | None = None):
    unit = _unit(request, unit_id)
    return {
        "unit_id": unit.pk,
        "year": year,
        "village_coverage": services.village_coverage(unit, year),
        "consultations": services.consultations_total(unit, year),
        "service_center": services.service_center_totals(unit, year),
    }


class ShiftOut(Schema):
    id: int
    unit_id: DbId
    adviser_id: DbId
    date: dt.date
    hours: float
    status: str
    note: str
    version: int


class ShiftIn(Schema):
    unit_id: DbId
    adviser_id: DbId
    date: dt.date
    hours: float = 4
    note: str = ""


class LegalServiceActionIn(Schema):
    note: str = ""
    version: int | None = None


@router.get("/shifts/", response=list[ShiftOut], summary="坐班值班")
@paginate(LimitOffsetPagination)
def list_shifts(
    request,
    unit_id: DbId | None = None,
    status: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
):
    qs = DutyShift.objects.visible_to(request.user)
    if unit_id is not None:
        qs = qs.in_subtree(_unit(request, unit_id))
    if status:
        qs = qs.filter(status=status)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    return qs


@router.post("/shifts/", response={201: ShiftOut}, summary="安排坐班值班")
def create_shift(request, payload: ShiftIn):
    unit = _unit(request, payload.unit_id)
    adviser = scoping.get_visible_or_404(
        LegalAdviser.objects.all(), request.user, pk=payload.adviser_id
    )
    shift = services.plan_shift(
        unit=unit,
        actor=request.user,
        adviser=adviser,
        date=payload.date,
        hours=payload.hours,
        note=payload.note,
    )
    return Status(201, shift)


@router.get("/shifts/{shift_id}", response=ShiftOut, summary="坐班值班详情")
def get_shift(request, shift_id: DbId):
    return scoping.get_visible_or_404(DutyShift.objects.all(), request.user, pk=shift_id)


@router.post(
    "/shifts/{shift_id}/actions/{action}",
    response=ShiftOut,
    summary="登记已坐班(hold)或未到岗(miss)",
)
def shift_action(request, shift_id: DbId, action: str, payload: LegalServiceActionIn | None = None):
    shift = scoping.get_visible_or_404(DutyShift.objects.all(), request.user, pk=shift_id)
    payload = payload or LegalServiceActionIn()
    return run_shift(
        shift, action, user=request.user, note=payload.note, expected_version=payload.version
    )


@router.get("/duty", response=list[dict], summary="坐班值班每月达标情况")
def duty(request, year: Year, month: Month, unit_id: DbId | None = None):
    unit = _unit(request, unit_id)
    return [
        {
            "village_id": r.village.pk,
            "village": r.village.name,
            "remote": r.village.remote,
            "minimum": r.minimum,
            "held": r.held,
            "planned": r.planned,
            "met": r.met,
        }
        for r in services.duty_compliance(unit, year, month)
    ]


class ConsultationOut(Schema):
    id: int
    unit_id: DbId
    date: dt.date
    place: str
    topic: str
    channel: str
    adviser_id: DbId | None
    persons: int


class ConsultationIn(Schema):
    unit_id: DbId
    date: dt.date
    place: str
    topic: str
    channel: str = "on_site"
    adviser_id: DbId | None = None
    persons: int = 1
    answer: str = ""


@router.get("/consultations/", response=list[ConsultationOut], summary="法律咨询")
@paginate(LimitOffsetPagination)
def list_consultations(
    request,
    unit_id: DbId | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    channel: str | None = None,
):
    qs = Consultation.objects.visible_to(request.user)
    if unit_id is not None:
        qs = qs.in_subtree(_unit(request, unit_id))
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    if channel:
        qs = qs.filter(channel=channel)
    return qs


@router.post("/consultations/", response={201: ConsultationOut}, summary="登记法律咨询")
def create_consultation(request, payload: ConsultationIn):
    unit = _unit(request, payload.unit_id)
    adviser = None
    if payload.adviser_id is not None:
        adviser = scoping.get_visible_or_404(
            LegalAdviser.objects.all(), request.user, pk=payload.adviser_id
        )
    data = payload.dict()
    for k in ("unit_id", "adviser_id"):
        data.pop(k)
    return Status(
        201, services.record_consultation(unit=unit, actor=request.user, adviser=adviser, **data)
    )


@router.get("/consultations/{consultation_id}", response=ConsultationOut, summary="法律咨询详情")
def get_consultation(request, consultation_id: DbId):
    return scoping.get_visible_or_404(Consultation.objects.all(), request.user, pk=consultation_id)


class CenterDayOut(Schema):
    id: int
    unit_id: DbId
    date: dt.date
    visits: int
    self_service: int
    note: str


class CenterDayIn(Schema):
    unit_id: DbId
    date: dt.date
    visits: int
    self_service: int
    note: str = ""


@router.get("/center-days/", response=list[CenterDayOut], summary="公共法律服务中心日统计")
@paginate(LimitOffsetPagination)
def list_center_days(request, unit_id: DbId | None = None, year: Year | None = None):
    qs = ServiceCenterDay.objects.visible_to(request.user)
    if unit_id is not None:
        qs = qs.in_subtree(_unit(request, unit_id))
    if year:
        qs = qs.filter(date__year=year)
    return qs


@router.post("/center-days/", response=CenterDayOut, summary="登记（或更正）某日统计")
def put_center_day(request, payload: CenterDayIn):
    unit = _unit(request, payload.unit_id)
    data = payload.dict()
    data.pop("unit_id")
    return services.record_center_day(unit=unit, actor=request.user, **data)


class ReferralOut(Schema):
    id: int
    unit_id: DbId
    date: dt.date
    person: str
    matter: str
    referred_to: str
    outcome: str

    @staticmethod
    def resolve_person(obj):
        return obj.person_masked


class ReferralIn(Schema):
    unit_id: DbId
    date: dt.date
    person_name: str
    phone: str = ""
    matter: str
    referred_to: str = "县法律援助中心"
    note: str = ""


class OutcomeIn(Schema):
    outcome: str = ""
    note: str = ""


@router.get("/aid/", response=list[ReferralOut], summary="法律援助转介")
@paginate(LimitOffsetPagination)
def list_referrals(request, unit_id: DbId | None = None, outcome: str | None = None):
    qs = LegalAidReferral.objects.visible_to(request.user)
    if unit_id is not None:
        qs = qs.in_subtree(_unit(request, unit_id))
    if outcome:
        qs = qs.filter(outcome=outcome)
    return qs


@router.post("/aid/", response={201: ReferralOut}, summary="登记法律援助转介")
def create_referral(request, payload: ReferralIn):
    unit = _unit(request, payload.unit_id)
    data = payload.dict()
    data.pop("unit_id")
    return Status(201, services.record_referral(unit=unit, actor=request.user, **data))


@router.get("/aid/{referral_id}", response=ReferralOut, summary="法律援助转介详情")
def get_referral(request, referral_id: DbId):
    return scoping.get_visible_or_404(LegalAidReferral.objects.all(), request.user, pk=referral_id)


@router.post("/aid/{referral_id}/outcome", response=ReferralOut, summary="更新法律援助转介结果")
def referral_outcome(request, referral_id: DbId, payload: OutcomeIn | None = None):
    r = scoping.get_visible_or_404(LegalAidReferral.objects.all(), request.user, pk=referral_id)
    payload = payload or OutcomeIn()
    return services.set_referral_outcome(
        r, actor=request.user, outcome=payload.outcome, note=payload.note
    )
