"""API for grid cases (mounted under ``/api/v1/disputes/grid`` by ``api.py``).

Same shapes and rules as the other ledgers: bounded pagination, the page filters as
query parameters, steps as POST actions answering 409 with the reason when refused.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from fazhi.core import pii, scoping
from fazhi.core.errors import InvalidInput, TransitionNotAllowed
from fazhi.core.models import Unit
from fazhi.core.pagination import LimitOffsetPagination, Mapped
from fazhi.core.roles import Perm

from .ledgers import DECLARED, LEDGERS
from .models import GridCase
from .services import grid as grid_services

router = Router(tags=["disputes"])


class GridCaseOut(Schema):
    id: int
    number: str
    unit_id: int
    unit_name: str
    village_id: int | None
    village_name: str
    grid: str
    category: str
    category_name: str
    reported_at: dt.datetime
    reported_on: dt.date
    summary: str
    reporter: str
    person_name: str
    phone: str  # masked: 138****5678
    status: str
    status_name: str
    due_on: dt.date
    due_provisional: bool
    overdue: bool
    disposal: str
    handled_on: dt.date | None
    handled_on_time: bool | None
    handling: str
    referred_to: str
    dispute_id: int | None
    dispute_number: str | None
    handler: str | None
    supervised: bool
    closed_on: dt.date | None
    version: int


class GridCaseIn(Schema):
    unit_id: int
    category: str
    summary: str
    village: str | None = None
    grid: str = ""
    reported_at: dt.datetime | None = None
    reporter: str = ""
    person_name: str = ""
    phone: str = ""


class GridStepIn(Schema):
    data: dict[str, Any] = {}
    comment: str = ""
    version: int | None = None


class GridStepOut(Schema):
    action: str
    label: str
    allowed: bool
    reason: str | None


class GridImportOut(Schema):
    created: int
    unchanged: int
    errors: list[str]


def grid_out(g: GridCase) -> GridCaseOut:
    return GridCaseOut(
        id=g.pk,
        number=g.number,
        unit_id=g.unit_id,
        unit_name=g.unit.name,
        village_id=g.village_id,
        village_name=g.village.name if g.village_id else "",
        grid=g.grid,
        category=g.category,
        category_name=g.get_category_display(),
        reported_at=g.reported_at,
        reported_on=g.reported_on,
        summary=g.summary,
        reporter=g.reporter,
        person_name=g.person_name,
        phone=pii.mask_mobile(g.phone),
        status=g.status,
        status_name=g.get_status_display(),
        due_on=g.due_on,
        due_provisional=g.due_on_provisional,
        overdue=g.overdue,
        disposal=g.disposal,
        handled_on=g.handled_on,
        handled_on_time=g.handled_on_time,
        handling=g.handling,
        referred_to=g.referred_to,
        dispute_id=g.dispute_id,
        dispute_number=g.dispute.number if g.dispute_id else None,
        handler=g.handler.label if g.handler_id else None,
        supervised=g.supervised,
        closed_on=g.closed_on,
        version=g.version,
    )


def _unit(request, unit_id: int) -> Unit:
    unit = scoping.visible_units(request.user).filter(pk=unit_id).first()
    if unit is None:
        raise InvalidInput("找不到该单位", code="unknown_unit")
    if not scoping.can(request.user, Perm.CHANGE, unit):
        raise PermissionDenied("您无权在该单位上报")
    return unit


def _get(request, pk) -> GridCase:
    ledger = LEDGERS["grid"]
    return scoping.get_visible_or_404(ledger.queryset(request.user), request.user, pk=pk)


@router.get("", response=list[GridCaseOut], summary="网格事件台账（筛选参数同页面）")
@paginate(LimitOffsetPagination)
def list_grid_cases(
    request,
    q: str = "",
    status: str = "",
    category: str = "",
    village: str = "",
    year: str = "",
    overdue: str = "",
    supervised: str = "",
    order: str = "",
):
    ledger = DECLARED["grid"]
    qs = ledger.filter_qs(LEDGERS["grid"].queryset(request.user), request.GET, user=request.user)
    return Mapped(ledger.order_qs(qs, order), grid_out)


@router.post("", response={201: GridCaseOut}, summary="上报网格事件")
def create_grid_case(request, payload: GridCaseIn):
    data = payload.dict()
    g = grid_services.report_case(
        actor=request.user, unit=_unit(request, data.pop("unit_id")), data=data
    )
    return 201, grid_out(_get(request, g.pk))


@router.post("/import", response=GridImportOut, summary="导入网格事件台账 Excel/CSV（按编号去重）")
def import_grid_cases(request, unit_id: Form[int], file: File[UploadedFile]):
    from fazhi.core.excel import MAX_IMPORT_BYTES

    result = grid_services.import_cases(
        actor=request.user,
        unit=_unit(request, unit_id),
        data=file.read(MAX_IMPORT_BYTES + 1),
        filename=file.name or "",
    )
    return GridImportOut(created=result.created, unchanged=result.unchanged, errors=result.errors)


@router.get("/{case_id}", response=GridCaseOut, summary="网格事件详情")
def get_grid_case(request, case_id: int):
    return grid_out(_get(request, case_id))


@router.get(
    "/{case_id}/actions", response=list[GridStepOut], summary="当前可办理的步骤及不可办理的原因"
)
def grid_case_options(request, case_id: int):
    g = _get(request, case_id)
    return [
        GridStepOut(
            action=o.transition.action, label=o.transition.label, allowed=o.allowed, reason=o.reason
        )
        for o in LEDGERS["grid"].procedure.available(g, request.user)
    ]


@router.post(
    "/{case_id}/actions/{action}",
    response=GridCaseOut,
    summary="办理一步（就地处置、转办、转为矛盾纠纷、办结、交办、督办）；不允许时 409",
)
def grid_case_action(request, case_id: int, action: str, payload: GridStepIn):
    g = _get(request, case_id)
    if action not in LEDGERS["grid"].procedure.transitions:
        raise TransitionNotAllowed(f"未知的操作：{action}", code="unknown_action")
    grid_services.act(
        g,
        action,
        user=request.user,
        data=payload.data,
        comment=payload.comment,
        expected_version=payload.version,
    )
    return grid_out(_get(request, case_id))
