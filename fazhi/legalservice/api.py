"""Legal-services API: the ledgers of ledgers.py through ``fazhi.ledgers.api`` (list, detail,
create, ``PATCH``, import, steps), answering in the shapes this API always had, and the
pages that are not ledgers: coverage, indicators, the monthly duty compliance."""

import dataclasses
import datetime as dt

from django.http import Http404
from django.utils import timezone
from ninja import Schema

from fazhi.core import pii, scoping
from fazhi.core.apitypes import DbId, Month, Year
from fazhi.core.models import Unit
from fazhi.ledgers.api import build_router

from . import services
from .ledgers import LEDGERS
from .models import LegalAidReferral


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


class ShiftOut(Schema):
    id: int
    unit_id: DbId
    adviser_id: DbId
    date: dt.date
    hours: float
    status: str
    note: str
    version: int


class ConsultationOut(Schema):
    id: int
    unit_id: DbId
    date: dt.date
    place: str
    topic: str
    category: str
    channel: str
    adviser_id: DbId | None
    persons: int


class CenterDayOut(Schema):
    id: int
    unit_id: DbId
    date: dt.date
    visits: int
    self_service: int
    note: str


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


# The ledgers, answering in the shapes this API always had; the service centre's days
# keep their path (the page is /legalservice/center/).
_OUT = {
    "adviser": {"out": AdviserOut},
    "shift": {"out": ShiftOut},
    "consultation": {"out": ConsultationOut},
    "center_day": {"out": CenterDayOut, "plural": "center-days"},
    "referral": {"out": ReferralOut},
}
router = build_router(
    ["法律服务"],
    [dataclasses.replace(lg, **_OUT.get(lg.key, {})) for lg in LEDGERS],
)


def _unit(request, unit_id: DbId | None) -> Unit:
    visible = scoping.visible_units(request.user)
    if unit_id is None:
        unit = visible.order_by("depth", "path").first()
    else:
        unit = visible.filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit


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


class OutcomeIn(Schema):
    outcome: str = ""
    note: str = ""


@router.post("/aid/{referral_id}/outcome", response=ReferralOut, summary="更新法律援助转介结果")
def referral_outcome(request, referral_id: DbId, payload: OutcomeIn | None = None):
    r = scoping.get_visible_or_404(LegalAidReferral.objects.all(), request.user, pk=referral_id)
    payload = payload or OutcomeIn()
    return services.set_referral_outcome(
        r, actor=request.user, outcome=payload.outcome, note=payload.note
    )
