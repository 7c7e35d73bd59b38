"""The API of every declared ledger: list (the page's filters, paging), detail (with the
actions allowed now and why the others are not, and the procedure checklist), create,
update (``PATCH``), Excel import, and each step as
``POST /<things>/{id}/actions/<action>`` (409 with the reason when refused).

Request and response schemas are built from the declaration (the ``F`` fields and the
model's columns), so OpenAPI describes every field of every ledger with its type."""

import datetime as dt
import functools
import inspect
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from ninja import Field, File, Form, Query, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import create_model

from fazhi.core import params as query_params
from fazhi.core import scoping
from fazhi.core.apitypes import DbId, Year
from fazhi.core.pagination import LimitOffsetPagination
from fazhi.core.roles import Perm

from . import fields as flow
from . import importing
from .declare import Ledger, serialize


class ActionOptionOut(Schema):
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
    actions: list[ActionOptionOut]
    checklist: list[StepOut] | None = None


class ActionIn(Schema):
    data: dict[str, Any] = {}
    comment: str = ""
    expected_version: int | None = None


class LedgerImportErrorOut(Schema):
    row: int
    column: str
    message: str


class LedgerImportOut(Schema):
    created: int
    skipped: int
    errors: list[LedgerImportErrorOut]


class LedgerErrorDetail(Schema):
    code: str
    message: str


class LedgerErrorOut(Schema):
    """The API's one error body, for a 400 that is not about the file's rows (an app's
    own unit check refusing ``unit_id``: disputes' ``unknown_unit``)."""

    error: LedgerErrorDetail


# ---------------------------------------------------------------- typed schemas

_INPUT_TYPES: dict[str, Any] = {
    "text": str,
    "textarea": str,
    "date": dt.date,
    "int": int,
    "decimal": Decimal,
    "bool": bool,
    "choice": str,
    "user": int | str,  # a user's id or username
    "ints": list[int] | str,  # ids, or "1,2,3"
}


def _camel(*parts: str) -> str:
    return "".join(p.replace("_", " ").title().replace(" ", "") for p in parts)


def _input_field(f) -> tuple:
    extra = {"enum": [c[0] for c in f.choices]} if f.choices else None
    return (
        _INPUT_TYPES.get(f.kind, str) | None,
        Field(
            None, description=f.label + ("（必填）" if f.required else ""), json_schema_extra=extra
        ),
    )


def input_schema(ledger: Ledger, fields, suffix: str, **base) -> type[Schema]:
    """``{unit_id?, <field>: <type>, …, data?}``: the fields flat and typed; ``data`` (the
    same fields as an object) is still read for clients written against it."""
    typed = {f.name: _input_field(f) for f in fields}
    data_model = create_model(
        _camel(ledger.app, ledger.key, suffix, "data"), __base__=Schema, **typed
    )
    return create_model(
        _camel(ledger.app, ledger.key, suffix),
        __base__=Schema,
        **base,
        **typed,
        data=(data_model | None, None),
    )


def _model_type(f) -> Any:
    if isinstance(f, models.ForeignKey):
        return int
    if isinstance(f, models.BooleanField):
        return bool
    if isinstance(f, models.IntegerField | models.AutoField | models.BigAutoField):
        return int
    if isinstance(f, models.DateTimeField):
        return str
    if isinstance(f, models.DateField | models.DecimalField):
        return str  # ISO date; a decimal as its exact text
    if isinstance(f, models.JSONField):
        return Any
    if isinstance(f, models.FloatField):
        return float
    return str


def output_schema(ledger: Ledger) -> type[Schema]:
    """The record as the API returns it: the common head and ``fields``, one typed entry per
    column of the model (personal fields masked)."""
    fields = {
        f.attname: (_model_type(f) | None, Field(None, description=str(f.verbose_name)))
        for f in ledger.model._meta.concrete_fields
    }
    fields_model = create_model(_camel(ledger.app, ledger.key, "fields"), __base__=Schema, **fields)
    detail = create_model(
        _camel(ledger.app, ledger.key, "out"),
        __base__=RecordBase,
        fields=(fields_model, ...),
        actions=(list[ActionOptionOut], []),
        checklist=(list[StepOut] | None, None),
    )
    return detail


def _out(obj, personal=("id_number", "phone")) -> dict:
    return {
        "id": obj.pk,
        "unit_id": obj.unit_id,
        "unit_name": obj.unit.name,
        "label": str(obj),
        "status": getattr(obj, "status", None),
        "status_name": obj.get_status_display() if hasattr(obj, "get_status_display") else None,
        "version": getattr(obj, "version", None),
        "fields": serialize(obj, personal),
    }


def _detail(ledger: Ledger, obj, user) -> dict:
    out = _out(obj, ledger.personal)
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


def _raw(payload, fields) -> dict:
    """The input as ``fields.parse`` reads it: ``data`` first, the flat fields over it."""
    raw = {}
    if getattr(payload, "data", None) is not None:
        raw.update(payload.data.dict(exclude_unset=True))
    for f in fields:
        value = getattr(payload, f.name, None)
        if f.name in payload.model_fields_set and value is not None:
            raw[f.name] = value
    return _stringify(raw)


def filter_schema(ledger: Ledger) -> type[Schema]:
    """The list's query parameters: the page's filters, typed."""
    params: dict = {
        "q": (str | None, Field(None, description="关键词")),
        "order": (str | None, Field(None, description="排序：可排序的列（前加 - 为倒序）")),
    }
    for f in ledger.filters:
        extra = (
            {"enum": [str(c[0]) for c in f.choices]}
            if f.choices and not callable(f.choices)
            else None
        )
        params[f.name] = (str | None, Field(None, description=f.label, json_schema_extra=extra))
    if ledger.year_field:
        params["year"] = (Year | None, Field(None, description="年度"))
    if ledger.unit_filter:
        params["unit"] = (DbId | None, Field(None, description="单位（含下级）"))
    if ledger.date_field:
        params["date_from"] = (dt.date | None, Field(None, description="起始日期"))
        params["date_to"] = (dt.date | None, Field(None, description="截止日期"))
    return create_model(_camel(ledger.app, ledger.key, "filters"), __base__=Schema, **params)


def list_schema(ledger: Ledger, detail_schema) -> type[Schema]:
    personal = ledger.personal
    fields_model = detail_schema.model_fields["fields"].annotation
    return type(
        _camel(ledger.app, ledger.key, "row"),
        (RecordOut,),
        {
            "__annotations__": {"fields": fields_model},
            "resolve_fields": staticmethod(lambda obj: serialize(obj, personal)),
        },
    )


def _named_id(view, name: str):
    """``view`` (whose record id is ``record_id``) with the id called ``name`` in the path:
    ninja reads the parameter's name from the signature."""
    if name == "record_id":
        return view
    sig = inspect.signature(view)
    params = [p.replace(name=name) if p.name == "record_id" else p for p in sig.parameters.values()]

    @functools.wraps(view)
    def wrapper(request, **kwargs):
        kwargs["record_id"] = kwargs.pop(name)
        return view(request, **kwargs)

    wrapper.__signature__ = sig.replace(parameters=params)
    return wrapper


def add_routes(router: Router, ledger: Ledger) -> None:
    """Mount one ledger's routes; URL names ``<app>_<ledger>_<verb>``, operation ids
    ``<app>_<thing>_<verb>`` (``thing``: the ledger's key unless ``api`` names another)."""
    opts = ledger.api
    name = ledger.key
    root = "/" + opts.get("path", ledger.plural)
    base = root + "/" if opts.get("slash", True) else root
    item = root + "/{" + ledger.api_param + "}"
    url = f"{ledger.app}_{name}"
    op = f"{ledger.app}_{opts.get('thing', name)}"
    Out = ledger.out or output_schema(ledger)
    Row = ledger.out or list_schema(ledger, Out)
    Filters = filter_schema(ledger)
    Step = opts.get("action_in", ActionIn)
    pick_unit = opts.get("unit")

    def route_names(verb: str, url_verb: str = "") -> dict:
        """A route's operation id and URL name."""
        return {"operation_id": f"{op}_{verb}", "url_name": f"{url}_{url_verb or verb}"}

    def detail(obj, user):
        return obj if ledger.out else _detail(ledger, obj, user)

    def visible(request, record_id):
        qs = ledger.scoped(request.user).select_related(*ledger.related)
        if ledger.prefetch:
            qs = qs.prefetch_related(*ledger.prefetch)
        return scoping.get_visible_or_404(qs, request.user, pk=record_id)

    @router.get(
        base,
        response=list[Row],
        summary=f"{ledger.title}列表",
        **route_names("list"),
    )
    @paginate(LimitOffsetPagination)
    def list_(request, filters: Query[Filters]):
        ledger.require_duty(request.user)
        raw = {k: ("" if v is None else str(v)) for k, v in filters.dict().items()}
        params = query_params.Query(raw)
        qs = ledger.filter_qs(ledger.base_qs(request.user, Perm.VIEW), params, user=request.user)
        params.strict()
        return ledger.order_qs(qs, raw["order"])

    list_.__name__ = f"{op}_list"

    # Before the detail route: /<things>/import must not be read as a record id.
    if ledger.importer is not None:

        @router.post(
            root + "/import",
            response={200: LedgerImportOut, 400: LedgerImportOut | LedgerErrorOut},
            summary=f"从Excel/CSV导入{ledger.title}（一个文件一个事务；有错行则全部不导入，400 并列出行号与原因）",
            **route_names("import"),
        )
        def import_(request, unit_id: Form[DbId], file: File[UploadedFile]):
            ledger.require_duty(request.user)
            unit = pick_unit(request.user, unit_id) if pick_unit else _unit(request, unit_id)
            result = importing.run(
                ledger, root=unit, actor=request.user, data=file.read(), filename=file.name or ""
            )
            return Status(200 if result.ok else 400, result.as_dict())

    def get_(request, record_id: DbId):
        obj = visible(request, record_id)
        ledger.shown(obj, request.user)
        return detail(obj, request.user)

    router.get(
        item,
        response=Out,
        summary=f"{ledger.title}详情",
        **route_names("get"),
    )(_named_id(get_, ledger.api_param))

    if ledger.procedure is not None and opts.get("options"):

        def options(request, record_id: DbId):
            obj = visible(request, record_id)
            return [
                {
                    "action": o.transition.action,
                    "label": o.transition.label,
                    "allowed": o.allowed,
                    "reason": o.reason,
                }
                for o in ledger.procedure.available(obj, request.user)
            ]

        router.get(
            item + "/actions",
            response=list[ActionOptionOut],
            summary="当前可办理的步骤及不可办理的原因",
            **route_names("actions_list", "actions"),
        )(_named_id(options, ledger.api_param))

    if ledger.procedure is not None:

        def act(request, record_id: DbId, action: str, payload: Step):
            obj = visible(request, record_id)
            if not any(scoping.can(request.user, p, obj) for p in ledger.act_perms):
                raise PermissionDenied("您的角色无权办理该记录")
            expected = getattr(payload, "expected_version", None)
            if expected is None:
                expected = getattr(payload, "version", None)
            saved = flow.step(
                ledger,
                obj,
                action,
                user=request.user,
                raw=payload.data if ledger.act else _stringify(payload.data),
                expected_version=expected,
                comment=payload.comment,
            )
            return detail(saved, request.user)

        router.post(
            item + "/actions/{action}",
            response=Out,
            summary=f"{ledger.title}：办理一个环节（不允许时 409 并说明理由）",
            **route_names("act"),
        )(_named_id(act, ledger.api_param))

    if ledger.create is not None:
        CreateIn = opts.get("create_in") or input_schema(
            ledger, ledger.create_fields, "create_in", unit_id=(DbId, ...)
        )

        @router.post(
            base,
            response={201: Out},
            summary=f"登记{ledger.title}",
            **route_names("create"),
        )
        def create(request, payload: CreateIn):
            ledger.require_duty(request.user)
            if pick_unit is not None:
                unit = pick_unit(request.user, payload.unit_id)
            else:
                unit = _unit(request, payload.unit_id)
                # Authorise before reading the fields: a role that may not register gets 403.
                require_create(ledger, request.user, unit)
            if "create_in" in opts:
                raw = payload.dict(exclude={"unit_id"})
            else:
                raw = _raw(payload, ledger.create_fields)
            obj = ledger.create(unit=unit, actor=request.user, raw=raw)
            return Status(201, detail(obj, request.user))

    if ledger.update is not None:
        UpdateIn = input_schema(ledger, ledger.edit_fields, "update_in")

        def update(request, record_id: DbId, payload: UpdateIn | None = None):
            # The body is optional to the schema so that the record is looked up (404) and
            # the role checked (403) before the fields are read.
            obj = visible(request, record_id)
            scoping.require(request.user, Perm.CHANGE, obj.unit, "您的角色无权修改该记录")
            from .pages import initial, keep_masked

            raw = initial(ledger, obj, ledger.edit_fields)  # fields not given keep their value
            if payload is not None:
                raw.update(_raw(payload, ledger.edit_fields))
            raw = keep_masked(ledger, obj, raw, ledger.edit_fields)
            obj = ledger.update(obj, actor=request.user, raw=raw)
            return detail(obj, request.user)

        router.patch(
            item,
            response=Out,
            summary=f"修改{ledger.title}（只改给出的字段）",
            **route_names("update"),
        )(_named_id(update, ledger.api_param))


def require_create(ledger: Ledger, user, unit, message: str = "您的角色无权在该单位登记") -> None:
    """The one check before a record is registered in ``unit``, for the API and the CLI
    alike (the pages offer only these units)."""
    if ledger.create_units is None:
        scoping.require(user, Perm.CHANGE, unit, message)
        return
    from .pages import creatable_units

    if not any(u.pk == unit.pk for u in creatable_units(ledger, user)):
        raise PermissionDenied(message)


def _unit(request, unit_id):
    unit = scoping.visible_units(request.user).filter(pk=unit_id).first()
    if unit is None:
        raise HttpError(404, "单位不存在或无权查看")
    return unit


def build_router(tags: list[str], ledgers: list[Ledger]) -> Router:
    router = Router(tags=tags)
    for lg in ledgers:
        add_routes(router, lg)
    return router
