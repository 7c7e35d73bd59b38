"""API: the three ledgers, their steps as POST actions, the county overdue summary."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from fazhi.core import pii, scoping
from fazhi.core.errors import InvalidInput
from fazhi.core.models import Unit
from fazhi.core.pagination import LimitOffsetPagination, Mapped
from fazhi.core.roles import Perm

from .ledgers import DECLARED, LEDGERS
from .models import Dispute, HotlineAppeal, Petition
from .services import disputes as dispute_services
from .services import hotline as hotline_services
from .services import petitions as petition_services

router = Router(tags=["disputes"])
SERVICES = {"dispute": dispute_services, "petition": petition_services, "hotline": hotline_services}


class PersonOut(Schema):
    name: str
    id_number: str
    phone: str


class CaseOut(Schema):
    id: int
    number: str
    unit_id: int
    unit_name: str
    status: str
    status_name: str
    handler: str | None
    due_date: dt.date | None
    due_label: str
    due_provisional: bool
    overdue: bool
    supervised: bool
    closed_on: dt.date | None
    version: int
    people: list[PersonOut]
    detail: dict[str, Any]


def _people(obj) -> list[PersonOut]:
    if isinstance(obj, Dispute):
        rows = [
            (p.name, p.id_number if p.kind == "org" else pii.mask_resident_id(p.id_number), p.phone)
            for p in obj.parties.all()
        ]
    elif isinstance(obj, Petition):
        rows = [(p.name, pii.mask_resident_id(p.id_number), p.phone) for p in obj.petitioners.all()]
    else:
        rows = [(obj.caller, "", obj.phone)]
    return [PersonOut(name=n, id_number=i, phone=pii.mask_mobile(ph)) for n, i, ph in rows]


def _jsonable(v):
    if isinstance(v, dt.datetime):
        return timezone.localtime(v).isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    return v


DETAIL_FIELDS = {
    "dispute": (
        "title",
        "source",
        "category_id",
        "amount",
        "village_id",
        "grid",
        "registered_on",
        "risk_group",
        "risk_criminal",
        "police_reported_on",
        "committee_id",
        "mediation_due",
        "extended",
        "outcome",
        "agreement_form",
        "agreement_on",
        "resolved_level",
        "termination_reason",
        "terminated_on",
        "followup_due",
        "judicial_confirmed_on",
    ),
    "petition": (
        "channel",
        "petition_type",
        "first_petition",
        "is_group",
        "group_size",
        "matter",
        "received_on",
        "acceptance_due",
        "return_due",
        "accepted_on",
        "handling_due",
        "extended",
        "opinion",
        "replied_on",
        "replied_on_time",
        "review_request_due",
        "review_due",
        "reviewed_on",
        "re_review_due",
        "re_reviewed_on",
        "satisfaction",
        "backlog",
        "backlog_resolved_at",
        "confidential",
        "leader_name",
        "leader_post",
    ),
    "hotline": (
        "line",
        "category_id",
        "received_at",
        "received_on",
        "content",
        "deadline",
        "signed_at",
        "replied_on",
        "completed_on",
        "satisfaction",
        "redo_count",
        "escalated",
    ),
}


def out(obj) -> CaseOut:
    key = (
        "dispute"
        if isinstance(obj, Dispute)
        else "petition"
        if isinstance(obj, Petition)
        else "hotline"
    )
    return CaseOut(
        id=obj.pk,
        number=obj.number,
        unit_id=obj.unit_id,
        unit_name=obj.unit.name,
        status=obj.status,
        status_name=obj.get_status_display(),
        handler=obj.handler.label if obj.handler_id else None,
        due_date=obj.due_date,
        due_label=obj.due_label,
        due_provisional=obj.due_provisional,
        overdue=obj.overdue,
        supervised=obj.supervised,
        closed_on=obj.closed_on,
        version=obj.version,
        people=_people(obj),
        detail={f: _jsonable(getattr(obj, f)) for f in DETAIL_FIELDS[key]},
    )


class DisputeActionIn(Schema):
    data: dict[str, Any] = {}
    comment: str = ""
    version: int | None = None


class DisputeOptionOut(Schema):
    action: str
    label: str
    allowed: bool
    reason: str | None


class PersonIn(Schema):
    name: str
    kind: str = "person"
    side: str = "applicant"
    id_number: str = ""
    phone: str = ""
    address: str = ""
    representative: bool = False


class DisputeIn(Schema):
    unit_id: int
    title: str
    source: str
    category: str
    amount: Decimal = Decimal("0")
    village: int | None = None
    grid: str = ""
    summary: str = ""
    registered_on: dt.date | None = None
    risk_group: bool = False
    risk_criminal: bool = False
    parties: list[PersonIn]


class PetitionIn(Schema):
    unit_id: int
    channel: str
    petition_type: str
    matter: str
    request: str = ""
    received_on: dt.date | None = None
    village: int | None = None
    is_group: bool = False
    group_size: int | None = None
    first_petition: bool = True
    prior: int | None = None
    confidential: bool = False
    complained_unit: int | None = None
    leader_name: str = ""
    leader_post: str = ""
    petitioners: list[PersonIn]


class HotlineIn(Schema):
    unit_id: int
    number: str
    category: str
    received_at: dt.datetime
    content: str
    line: str = "12345"
    caller: str = ""
    phone: str = ""
    address: str = ""
    village: str | None = None


class ImportOut(Schema):
    created: int
    unchanged: int
    errors: list[str]


class OverdueRow(Schema):
    unit_id: int
    unit_name: str
    dispute: int
    petition: int
    hotline: int


def _unit(request, unit_id: int) -> Unit:
    unit = scoping.visible_units(request.user).filter(pk=unit_id).first()
    if unit is None:
        raise InvalidInput("找不到该单位", code="unknown_unit")
    if not scoping.can(request.user, Perm.CHANGE, unit):
        raise PermissionDenied("您无权在该单位登记")
    return unit


def _get(request, key, pk):
    ledger = LEDGERS[key]
    return scoping.get_visible_or_404(ledger.queryset(request.user), request.user, pk=pk)


def _list(request, key):
    ledger = DECLARED[key]
    qs = ledger.filter_qs(LEDGERS[key].queryset(request.user), request.GET, user=request.user)
    if key == "dispute":
        qs = qs.prefetch_related("parties")
    elif key == "petition":
        qs = qs.prefetch_related("petitioners")
    return ledger.order_qs(qs, request.GET.get("order"))


def _act(request, key, pk, action, payload: DisputeActionIn):
    obj = _get(request, key, pk)
    if action not in LEDGERS[key].procedure.transitions:
        from fazhi.core.errors import TransitionNotAllowed

        raise TransitionNotAllowed(f"未知的操作：{action}", code="unknown_action")
    SERVICES[key].act(
        obj,
        action,
        user=request.user,
        data=payload.data,
        comment=payload.comment,
        expected_version=payload.version,
    )
    return out(_get(request, key, pk))


def _options(request, key, pk):
    obj = _get(request, key, pk)
    return [
        DisputeOptionOut(
            action=o.transition.action, label=o.transition.label, allowed=o.allowed, reason=o.reason
        )
        for o in LEDGERS[key].procedure.available(obj, request.user)
    ]


# --- disputes --------------------------------------------------------------------------
@router.get("/disputes", response=list[CaseOut], summary="矛盾纠纷台账（筛选参数同页面）")
@paginate(LimitOffsetPagination)
def list_disputes(
    request,
    q: str = "",
    status: str = "",
    overdue: str = "",
    category: str = "",
    village: str = "",
    handler: str = "",
    supervised: str = "",
    order: str = "",
):
    return Mapped(_list(request, "dispute"), out)


@router.post("/disputes", response={201: CaseOut}, summary="登记矛盾纠纷")
def create_dispute(request, payload: DisputeIn):
    data = payload.dict()
    parties = data.pop("parties")
    d = dispute_services.register_dispute(
        actor=request.user, unit=_unit(request, data.pop("unit_id")), data=data, parties=parties
    )
    return 201, out(d)


@router.get("/disputes/{case_id}", response=CaseOut, summary="矛盾纠纷详情")
def get_dispute(request, case_id: int):
    return out(_get(request, "dispute", case_id))


@router.get(
    "/disputes/{case_id}/actions",
    response=list[DisputeOptionOut],
    summary="当前可办理的步骤及不可办理的原因",
)
def dispute_options(request, case_id: int):
    return _options(request, "dispute", case_id)


@router.post(
    "/disputes/{case_id}/actions/{action}",
    response=CaseOut,
    summary="办理一步（交办、调解、协议、终止、回访…）；不允许时 409",
)
def dispute_action(request, case_id: int, action: str, payload: DisputeActionIn):
    return _act(request, "dispute", case_id, action, payload)


# --- petitions -------------------------------------------------------------------------
@router.get("/petitions", response=list[CaseOut], summary="信访台账")
@paginate(LimitOffsetPagination)
def list_petitions(
    request,
    q: str = "",
    status: str = "",
    overdue: str = "",
    backlog: str = "",
    supervised: str = "",
    order: str = "",
):
    return Mapped(_list(request, "petition"), out)


@router.post("/petitions", response={201: CaseOut}, summary="登记信访件")
def create_petition(request, payload: PetitionIn):
    data = payload.dict()
    people = data.pop("petitioners")
    p = petition_services.register_petition(
        actor=request.user, unit=_unit(request, data.pop("unit_id")), data=data, petitioners=people
    )
    return 201, out(p)


@router.get("/petitions/{case_id}", response=CaseOut, summary="信访件详情")
def get_petition(request, case_id: int):
    return out(_get(request, "petition", case_id))


@router.get(
    "/petitions/{case_id}/actions", response=list[DisputeOptionOut], summary="当前可办理的步骤"
)
def petition_options(request, case_id: int):
    return _options(request, "petition", case_id)


@router.post(
    "/petitions/{case_id}/actions/{action}",
    response=CaseOut,
    summary="办理一步（受理、延期、答复、复查、复核…）",
)
def petition_action(request, case_id: int, action: str, payload: DisputeActionIn):
    return _act(request, "petition", case_id, action, payload)


# --- hotline ---------------------------------------------------------------------------
@router.get("/hotline", response=list[CaseOut], summary="热线诉求台账")
@paginate(LimitOffsetPagination)
def list_hotline(
    request, q: str = "", status: str = "", overdue: str = "", escalated: str = "", order: str = ""
):
    return Mapped(_list(request, "hotline"), out)


@router.post("/hotline", response={201: CaseOut}, summary="登记热线工单")
def create_hotline(request, payload: HotlineIn):
    data = payload.dict()
    h = hotline_services.create_appeal(
        actor=request.user, unit=_unit(request, data.pop("unit_id")), data=data
    )
    return 201, out(h)


@router.post(
    "/hotline/import", response=ImportOut, summary="导入热线系统导出的 Excel/CSV（按工单编号去重）"
)
def import_hotline(request, unit_id: Form[int], file: File[UploadedFile]):
    from fazhi.core.excel import MAX_IMPORT_BYTES

    result = hotline_services.import_appeals(
        actor=request.user,
        unit=_unit(request, unit_id),
        data=file.read(MAX_IMPORT_BYTES + 1),
        filename=file.name or "",
    )
    return ImportOut(created=result.created, unchanged=result.unchanged, errors=result.errors)


@router.get("/hotline/{case_id}", response=CaseOut, summary="热线工单详情")
def get_hotline(request, case_id: int):
    return out(_get(request, "hotline", case_id))


@router.get(
    "/hotline/{case_id}/actions", response=list[DisputeOptionOut], summary="当前可办理的步骤"
)
def hotline_options(request, case_id: int):
    return _options(request, "hotline", case_id)


@router.post(
    "/hotline/{case_id}/actions/{action}",
    response=CaseOut,
    summary="办理一步（签收、答复、办结、退回重办、评价）",
)
def hotline_action(request, case_id: int, action: str, payload: DisputeActionIn):
    return _act(request, "hotline", case_id, action, payload)


# --- county ----------------------------------------------------------------------------
@router.get("/overdue", response=list[OverdueRow], summary="各乡镇逾期案件数（督办范围内）")
def overdue_summary(request):
    from . import queries

    today = timezone.localdate()
    townships = list(
        scoping.visible_units(request.user, Perm.SUPERVISE)
        .filter(kind__in=("township", "subdistrict", "development_zone"))
        .order_by("path")
    )
    rows = {t.pk: {"dispute": 0, "petition": 0, "hotline": 0} for t in townships}
    for key, qs in (
        ("dispute", queries.disputes_visible_to(request.user, Perm.SUPERVISE)),
        ("petition", queries.petitions_visible_to(request.user, Perm.SUPERVISE)),
        ("hotline", queries.hotline_visible_to(request.user, Perm.SUPERVISE)),
    ):
        for path in qs.filter(status__in=qs.model.OPEN_STATES, due_date__lt=today).values_list(
            "unit__path", flat=True
        ):
            for t in townships:
                if path.startswith(t.path):
                    rows[t.pk][key] += 1
                    break
    return [OverdueRow(unit_id=t.pk, unit_name=t.name, **rows[t.pk]) for t in townships]


_ = HotlineAppeal


# Grid cases have their own module; mounted here, under /api/v1/disputes/grid.
from .api_grid import router as _grid_router  # noqa: E402

router.add_router("/grid", _grid_router)
