"""The API over ``Ledger`` descriptors: list (filters, paging), detail (with the actions
allowed now and why the others are not, and the procedure checklist), create, and each
step as ``POST /<things>/{id}/actions/<action>`` (409 with the reason when refused)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from fazhi.core import scoping
from fazhi.core.apitypes import DbId, Year
from fazhi.core.pagination import LimitOffsetPagination
from fazhi.core.roles import Perm

from . import fields as flow
from .declare import Ledger, serialize


class DecisionOptionOut(Schema):
    action: str
    label: str
    allowed: bool
    reason: str | None = None


class StepOut(Schema):
    label: str
    state: str
    note: str


class RecordBase(Schema):
    id: int
    unit_id: DbId
    unit_name: str
    label: str
    status: str | None = None
    status_name: str | None = None
    version: int | None = None
    fields: dict[str, Any]


class RecordOut(RecordBase):
    """A list row, resolved from the model instance (the page is sliced before it is read)."""

    @staticmethod
    def resolve_id(obj):
        return obj.pk

    @staticmethod
    def resolve_unit_name(obj):
        return obj.unit.name

    @staticmethod
    def resolve_label(obj):
        return str(obj)

    @staticmethod
    def resolve_status(obj):
        return getattr(obj, "status", None)

    @staticmethod
    def resolve_status_name(obj):
        return obj.get_status_display() if hasattr(obj, "get_status_display") else None

    @staticmethod
    def resolve_version(obj):
        return getattr(obj, "version", None)

    @staticmethod
    def resolve_fields(obj):
        return serialize(obj)


class RecordDetailOut(RecordBase):
    actions: list[DecisionOptionOut]
    checklist: list[StepOut] | None = None


class DecisionActionIn(Schema):
    data: dict[str, Any] = {}
    comment: str = ""
    expected_version: int | None = None


class DecisionCreateIn(Schema):
    unit_id: DbId
    data: dict[str, Any] = {}


def _out(obj) -> dict:
    return {
        "id": obj.pk,
        "unit_id": obj.unit_id,
        "unit_name": obj.unit.name,
        "label": str(obj),
        "status": getattr(obj, "status", None),
        "status_name": obj.get_status_display() if hasattr(obj, "get_status_display") else None,
        "version": getattr(obj, "version", None),
        "fields": serialize(obj),
    }


def _detail(ledger: Ledger, obj, user) -> dict:
    out = _out(obj)
    options = ledger.procedure.available(obj, user) if ledger.procedure else []
    out["actions"] = [
        {
            "action": o.transition.action,
            "label": o.transition.label,
            "allowed": o.allowed,
            "reason": o.reason,
        }
        for o in options
    ]
    out["checklist"] = ledger.checklist(obj) if ledger.checklist else None
    return out


def _stringify(data: dict) -> dict:
    return {
        k: v if isinstance(v, list | bool) else ("" if v is None else str(v))
        for k, v in data.items()
    }


def add_routes(router: Router, ledger: Ledger) -> None:
    name = ledger.key
    base = f"/{ledger.plural}/"
    filter_names = [f.name for f in ledger.filters]

    @router.get(
        base,
        response=list[RecordOut],
        summary=f"{ledger.title}列表",
        operation_id=f"{ledger.app}_{name}_list",
        url_name=f"{ledger.app}_{name}_list",
    )
    @paginate(LimitOffsetPagination)
    def list_(request, q: str | None = None, year: Year | None = None, status: str | None = None):
        params = {"q": q or "", "year": str(year or "")}
        if status and "status" in filter_names:
            params["status"] = status
        qs = ledger.base_qs(request.user, Perm.VIEW)
        return ledger.filter_qs(qs, params, user=request.user).order_by(*ledger.ordering)

    @router.get(
        base + "{record_id}",
        response=RecordDetailOut,
        summary=f"{ledger.title}详情",
        operation_id=f"{ledger.app}_{name}_get",
        url_name=f"{ledger.app}_{name}_get",
    )
    def get_(request, record_id: DbId):
        obj = scoping.get_visible_or_404(
            ledger.model.objects.select_related(*ledger.related), request.user, pk=record_id
        )
        return _detail(ledger, obj, request.user)

    if ledger.procedure is not None:

        @router.post(
            base + "{record_id}/actions/{action}",
            response=RecordDetailOut,
            summary=f"{ledger.title}：办理一个环节（不允许时 409 并说明理由）",
            operation_id=f"{ledger.app}_{name}_act",
            url_name=f"{ledger.app}_{name}_act",
        )
        def act(request, record_id: DbId, action: str, payload: DecisionActionIn):
            obj = scoping.get_visible_or_404(ledger.model.objects.all(), request.user, pk=record_id)
            if not (
                scoping.can(request.user, Perm.CHANGE, obj)
                or scoping.can(request.user, Perm.APPROVE, obj)
            ):
                raise PermissionDenied("您的角色无权办理该记录")
            saved = flow.perform(
                ledger.procedure,
                ledger.actions,
                obj,
                action,
                user=request.user,
                raw=_stringify(payload.data),
                expected_version=payload.expected_version,
                comment=payload.comment,
            )
            return _detail(ledger, saved, request.user)

    if ledger.create is not None:

        @router.post(
            base,
            response={201: RecordDetailOut},
            summary=f"登记{ledger.title}",
            operation_id=f"{ledger.app}_{name}_create",
            url_name=f"{ledger.app}_{name}_create",
        )
        def create(request, payload: DecisionCreateIn):
            unit = scoping.visible_units(request.user).filter(pk=payload.unit_id).first()
            if unit is None:
                raise HttpError(404, "单位不存在或无权查看")
            # Authorise before reading the fields: a role that may not register gets 403.
            scoping.require(request.user, Perm.CHANGE, unit, "您的角色无权在该单位登记")
            obj = ledger.create(unit=unit, actor=request.user, raw=_stringify(payload.data))
            return Status(201, _detail(ledger, obj, request.user))


def build_router(tags: list[str], ledgers: list[Ledger]) -> Router:
    router = Router(tags=tags)
    for lg in ledgers:
        add_routes(router, lg)
    return router
