"""Oversight API: /api/v1/oversight/… Each ledger's list, detail, create, update and
import come from its declaration (``ledgers.py``), answered in the record shapes this API
had before (``out=``). Written here: an inspection's creation and its findings, the
rectification steps (their flat bodies predate the framework) and the indicator."""

import datetime as dt
from dataclasses import replace

from django.http import Http404
from ninja import Schema, Status

from fazhi.core import scoping
from fazhi.core.apitypes import DbId, Year
from fazhi.core.models import Unit
from fazhi.ledgers.api import build_router

from . import services
from .ledgers import FUNDING, GROUP, INSPECTION, RECTIFICATION, REPORT
from .models import Inspection, Rectification
from .procedures import run as run_rectification
from .schemas import InspectionOut, RectificationOut


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


# No PATCH yet: the framework's update route reads its body before the record, so a
# record of another unit answers 422 rather than 404 (tests/scoping.py). The pages and
# ``fazhi oversight <ledger> update`` edit them meanwhile.
_NO_PATCH = {"update": None}
router = build_router(
    ["督察整改"],
    [
        replace(GROUP, **_NO_PATCH),
        replace(REPORT, **_NO_PATCH),
        replace(FUNDING, **_NO_PATCH),
        # POST /inspections/ keeps its body (kind, target_id …), below.
        replace(INSPECTION, create=None),
        # The steps keep their flat body (measures, evidence_note, reason, version), below.
        replace(RECTIFICATION, procedure=None, **_NO_PATCH),
    ],
)


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


@router.post(
    "/inspections/",
    response={201: InspectionOut},
    summary="登记督察/自查",
    operation_id="oversight_inspection_create",
)
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


@router.post(
    "/inspections/{inspection_id}/findings",
    response={201: RectificationOut},
    summary="登记发现的问题（交办整改）",
    operation_id="oversight_inspection_findings_create",
)
def add_finding(request, inspection_id: DbId, payload: FindingIn | None = None):
    i = _inspection(request, inspection_id)
    payload = payload or FindingIn()
    return Status(201, services.add_finding(i, actor=request.user, **payload.dict()))


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
    operation_id="oversight_rectification_act",
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
