"""A ledger declared once: one ``Ledger`` per model.

The declaration names the list columns (also the Excel columns, in the order staff
keep them), the filters, the fields shown on the detail page, the create and edit
fields and services, the Excel import mapping, the procedure and its actions, and the
personal fields. ``pages.py``, ``api.py`` and ``cli.py`` are generic over it, so every
surface shows, filters and refuses the same things (docs/architecture.md, "Ledgers").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q
from django.utils import timezone

from fazhi.core import pii, scoping
from fazhi.core.params import Query, parse_int

# Record numbers searched as they are (not free text: no identifier is typed there).
NUMBER_FIELDS = frozenset({"number", "case_no", "doc_number"})


@dataclass(frozen=True)
class Col:
    header: str
    get: Callable[[Model], object]
    order: str = ""  # model field to sort by, if sortable


@dataclass(frozen=True)
class Filt:
    name: str
    label: str
    choices: tuple | Callable = ()  # () = free text; (user) -> choices: built for the user
    apply: Callable | None = None  # (qs, value) -> qs; default: field exact
    page: bool = True  # False: an API (and CLI) filter only, not shown on the list page

    def choices_for(self, user) -> tuple:
        """The choices for ``user``; built once per user object, so once per request (the
        list page reads them to check the query, to draw the form and to label the chosen
        filter)."""
        if not callable(self.choices):
            return self.choices
        memo = getattr(user, "__dict__", None)
        if memo is None:
            return tuple(self.choices(user))
        memo = memo.setdefault("_fazhi_filter_choices", {})
        if id(self) not in memo:
            memo[id(self)] = (self, tuple(self.choices(user)))  # self kept: ids stay unique
        return memo[id(self)][1]


@dataclass(frozen=True)
class Person:
    """One person named on a record (a party, a petitioner, a caller): a row of the detail
    page's people panel. ``values`` holds the stored personal fields (``{"phone": …}``),
    shown masked, each with a reveal button for a role that may see it in full (audited);
    ``plain`` names fields shown as they are for this person (an organisation's credit code
    is not a personal identifier)."""

    pk: int
    role: str
    name: str
    values: dict
    address: str = ""
    plain: tuple[str, ...] = ()

    def shown(self, name: str, personal=None) -> str:
        value = self.values.get(name) or ""
        if name in self.plain:
            return value
        return mask(name, value, personal or PERSONAL)


@dataclass
class Ledger:
    """See docs/architecture.md ("To add a ledger") for a worked example."""

    app: str
    key: str  # singular, used in URL names: <key>_list, <key>_detail …
    plural: str  # URL segment
    model: type
    title: str
    columns: list[Col]
    filters: list[Filt] = field(default_factory=list)
    search: tuple[str, ...] = ()
    related: tuple[str, ...] = ("unit",)
    procedure: object = None
    actions: dict = field(default_factory=dict)
    create_fields: tuple = ()
    create: Callable | None = None  # (unit=, actor=, raw=) -> obj
    detail: Callable | None = None  # obj -> list[(label, value)]
    checklist: Callable | None = None  # obj -> list[dict]
    extra_template: str = ""  # included on the detail page with ``object``
    extra_context: Callable | None = None  # (obj, request) -> dict
    # A panel above the list (e.g. coverage of villages) with its context: (request) -> dict.
    list_template: str = ""
    list_context: Callable | None = None
    documents: list[tuple[str, str]] = field(default_factory=list)  # (doc key, label)
    choices_for: Callable | None = None  # (obj_or_None, field_name, user) -> choices
    due: Callable | None = None  # obj -> date | None
    ordering: tuple[str, ...] = ("-id",)
    year_field: str = ""
    annotate: Callable | None = None  # qs -> qs, for counts shown in list columns (no N+1)
    # Edit: the fields an edit page, ``PATCH`` and ``fazhi <app> update`` take (by default
    # the create fields), and the service that applies them: (obj, *, actor, raw) -> obj.
    edit_fields: tuple = ()
    update: Callable | None = None
    importer: object = None  # fazhi.ledgers.importing.Importer: Excel/CSV in
    date_field: str = ""  # date_from / date_to filters on this field
    unit_filter: bool = True  # a 单位 filter, its choices the user's own units
    personal: tuple[str, ...] = ("id_number", "phone")  # masked everywhere (pii)
    prefetch: tuple[str, ...] = ()
    # what the list page's columns read of ``prefetch`` (None: all of it); the API and
    # the export read the whole of it
    page_prefetch: tuple[str, ...] | None = None
    names: dict = field(default_factory=dict)  # URL-name overrides: {"edit": "group_update"}
    # Pages named after the plural, as an app's URLs were before the framework:
    # ("list", "import") names them <plural> and <plural>_import (advisers, aid_import).
    plural_names: tuple[str, ...] = ()
    templates: dict = field(default_factory=dict)  # {"list"|"detail"|"new"|"edit": name}
    unit_kinds: tuple | None = None  # kinds of unit records are registered in
    out: type | None = None  # the API's record schema; default built from the model
    empty: str = ""  # what an empty list tells a user to do
    tag: str = ""  # API tag (default: the app)
    refused: str = ""  # why a user with no unit to register in may not open new/import
    # Where a user may register a record: user -> units (default: the township-level and
    # county units where the user has CHANGE). E.g. a county's 督察 of its townships.
    create_units: Callable | None = None
    # A step is open to users holding one of these on the record; the procedure's own
    # guard then decides (e.g. a county signs off a township's rectification).
    act_perms: tuple[str, ...] = ("change", "approve")
    # (qs, Query) -> qs, before the filters: annotations or defaults that read several
    # parameters at once (e.g. figures for the year asked for). ``Query.request`` is the
    # page's request (None from the API and the CLI).
    prepare: Callable | None = None
    # What a user is told after a create or an edit: {"created": "…", "saved": "…"}
    # (default: 已登记：<record> / 已保存：<record>).
    notices: dict = field(default_factory=dict)
    # People named on a record (obj -> list[Person]): the detail page's people panel and
    # its reveal route (``<plural>/<pk>/reveal/<person>/<field>/``, audited by pii.reveal).
    people: Callable | None = None
    people_title: str = "当事人"
    # A rule beyond the unit scope: (user, perm) -> the records ``user`` may ``perm``
    # (confidential petitions hidden from the unit they complain about).
    visible: Callable | None = None
    # Search: ``identifiers`` are encrypted fields with a ``<name>_bidx`` blind index,
    # matched exactly (pii.identifier_search: only where the user may reveal, audited);
    # ``search_q`` (text, user) -> Q replaces the generic search where people live in
    # another table (parties, petitioners).
    identifiers: tuple[str, ...] = ()
    search_q: Callable | None = None
    # Sort keys beyond the columns': {"due": ("due_date", "id")} for ``?order=due``.
    orders: dict = field(default_factory=dict)
    # Excel out: columns of its own (cell values kept as typed: a date stays a date), and a
    # ``<plural>/export.xlsx`` route (URL name <key>_export) besides ``?format=xlsx``.
    export_columns: list | None = None
    export_route: bool = False
    # More context for the list page, (request) -> dict: a ledger whose list template
    # (``templates["list"]``) draws filters of its own.
    list_context: Callable | None = None
    export_title: str = ""  # the sheet's title, and the file's with the date (default: title)
    # A step taken through the app's own service instead of ``fields.perform`` (an app whose
    # steps parse their own inputs): (obj, action, *, user, raw, comment, expected_version)
    # -> obj. The API, the CLI and ``pages.act_view`` call it alike.
    act: Callable | None = None
    # The API's own spelling, where paths clients already use fix it (an app moved onto the
    # framework keeps them): "path" (the segment, default ``plural``), "slash" (False:
    # ``/<path>`` rather than ``/<path>/``), "param" (the id's name in the path, default
    # ``record_id``), "thing" (the ``<thing>`` of the operation ids, default ``key``),
    # "options" (True: ``GET …/{id}/actions`` lists the steps, allowed or why not),
    # "create_in" (the create body's schema, handed to ``create`` whole as ``raw``),
    # "action_in" (the step body's schema; its ``version`` is read as the expected version),
    # "unit" ((user, unit_id) -> unit: the unit a create names, refused the app's own way).
    api: dict = field(default_factory=dict)
    # A restricted ledger (the special groups' roster): ``duty`` is a permission the user
    # must hold in some unit to open its lists, forms, import and export at all (403 and a
    # ``permission_refused`` row otherwise; its records are found through ``visible``, so
    # one outside the user's duty answers 404 like any other). ``viewed(obj, user)`` is
    # called each time a record is shown (detail page, API detail, CLI show): the audit
    # row of a view.
    duty: str = ""
    duty_refused: str = "您的角色无权查看该台账"
    viewed: Callable | None = None

    def __post_init__(self):
        if self.update is not None and not self.edit_fields:
            self.edit_fields = self.create_fields

    def require_duty(self, user) -> None:
        """Refuse (PermissionDenied) a user who holds the ledger's ``duty`` nowhere."""
        if self.duty and not scoping.has_perm_anywhere(user, self.duty):
            raise PermissionDenied(self.duty_refused)

    def shown(self, obj, user) -> None:
        """A record was shown to ``user``: the ledger's ``viewed`` hook, if any."""
        if self.viewed is not None:
            self.viewed(obj, user)

    @property
    def api_param(self) -> str:
        """The record id's name in the API's paths."""
        return self.api.get("param", "record_id")

    def scoped(self, user, perm="view"):
        """Every record ``user`` may ``perm``: the unit scope and the ledger's own rule."""
        if self.visible is not None:
            return self.visible(user, perm)
        return self.model.objects.visible_to(user, perm)

    def record(self, user, pk):
        """The record ``pk`` as ``user`` may see it (with ``related``), else 404."""
        return scoping.get_visible_or_404(
            self.scoped(user).select_related(*self.related), user, pk=pk
        )

    def base_qs(self, user, perm, *, page: bool = False):
        qs = self.scoped(user, perm).select_related(*self.related)
        prefetch = self.page_prefetch if page and self.page_prefetch is not None else self.prefetch
        if prefetch:
            qs = qs.prefetch_related(*prefetch)
        return self.annotate(qs) if self.annotate else qs

    def name(self, suffix: str) -> str:
        """The URL name of a page of this ledger: ``<key>_<suffix>`` unless overridden
        (``names``) or named after the plural (``plural_names``)."""
        if suffix in self.names:
            return self.names[suffix]
        if suffix in self.plural_names:
            return self.plural if suffix == "list" else f"{self.plural}_{suffix}"
        return f"{self.key}_{suffix}"

    def url(self, suffix: str) -> str:
        return f"{self.app}:{self.name(suffix)}"

    def template(self, page: str) -> str:
        return self.templates.get(page, f"ledgers/{page}.html")

    def text_q(self, q: str, user) -> Q:
        """The free-text search over ``search``: record numbers as typed, other text
        through pii.free_text_q (a term with digits only where ``user`` may reveal)."""
        if not self.search:
            return Q(pk__in=[])
        numbers = [s for s in self.search if s in NUMBER_FIELDS]
        cond = pii.free_text_q(
            user,
            q,
            [s for s in self.search if s not in NUMBER_FIELDS],
            unit_field=getattr(self.model, "scope_field", "unit"),
        )
        for s in numbers:
            cond |= Q(**{f"{s}__icontains": q})
        return cond

    def identifier_q(self, q: str, user) -> Q:
        """An exact match on an identifier's blind index, in the units where ``user`` may
        reveal personal data only (the search audited); nothing elsewhere."""
        found = pii.identifier_search(user, q, fields=self.identifiers, ledger=self.key)
        if not found:
            return Q(pk__in=[])
        by_index = Q()
        for name, idx in found.items():
            by_index |= Q(**{f"{name}_bidx": idx})
        return by_index & pii.reveal_scope_q(user, field=getattr(self.model, "scope_field", "unit"))

    def order_qs(self, qs, order: str | None):
        """``?order=``: a sortable column's field (``-`` for descending) or a key of
        ``orders``; anything else: the ledger's own ordering."""
        order = order or ""
        if order in self.orders:
            return qs.order_by(*self.orders[order])
        if order.lstrip("-") in {c.order for c in self.columns if c.order}:
            return qs.order_by(order, "-id")
        return qs.order_by(*self.ordering)

    def filter_qs(self, qs, params, *, user=None):
        """``params`` applied to ``qs``. The text search reads free text for a term with
        digits only where ``user`` may reveal personal data (``pii.free_text_q``); record
        numbers are searched for everyone. ``params``: the page's ``Query`` or a mapping;
        parsed by ``fazhi.core.params``."""
        p = Query.of(params)
        if self.prepare is not None:
            qs = self.prepare(qs, p)
        for f in self.filters:
            # Declared choices are a closed list even when this user's is empty (no
            # category yet): a value outside it is refused, never handed to the query.
            closed = callable(f.choices) or bool(f.choices)
            choices = f.choices_for(user)
            value = p.choice(f.name, choices) if closed else p.text(f.name)
            if not value:
                continue
            if f.apply is not None:
                qs = f.apply(qs, value)
            elif closed:
                qs = qs.filter(**{f.name: value})
        q = (params.get("q") or "").strip()
        if q and self.search_q is not None:
            qs = qs.filter(self.search_q(q, user))
        elif q and self.identifiers:
            qs = qs.filter(self.identifier_q(q, user) | self.text_q(q, user))
        elif q and self.search:
            qs = qs.filter(self.text_q(q, user))
        year = p.year() if self.year_field else None
        if year:
            qs = qs.filter(**{self.year_field: year})
        if self.date_field:
            for key, lookup in (("date_from", "gte"), ("date_to", "lte")):
                day = p.date(key)
                if day:
                    qs = qs.filter(**{f"{self.date_field}__{lookup}": day})
        unit_id = p.id("unit") if self.unit_filter else None
        if unit_id:
            qs = in_unit(qs, unit_id)
        return qs


def in_unit(qs, value):
    """The records of the unit numbered ``value`` and of the units under it (none for a
    unit that does not exist or a value that is not a number)."""
    from fazhi.core.models import Unit

    pk = parse_int(value)
    unit = Unit.objects.filter(pk=pk).first() if pk is not None else None
    return qs.in_subtree(unit) if unit is not None else qs.none()


# ``?unit_id=``: the query parameter an app's API had before the framework (the page's
# ``unit`` does the same); an API and CLI filter only.
UNIT_ID = Filt("unit_id", "单位编号（含下级）", apply=in_unit, page=False)


def bool_filter(name: str, label: str, true: tuple, false: tuple, *, field: str = "") -> Filt:
    """A filter on a yes/no field (``field``, by default ``name``): ``true`` and ``false``
    are its two choices, (value, label), e.g. ``("true", "在用"), ("false", "停用")``."""
    return Filt(
        name, label, (true, false), lambda qs, v: qs.filter(**{field or name: v == true[0]})
    )


def unit_col(header: str = "单位", *, sortable: bool = False) -> Col:
    """The column of the unit a record belongs to, by name (sorted down the unit tree when
    ``sortable``)."""
    return Col(header, lambda o: o.unit.name, "unit__path" if sortable else "")


def registered(obj) -> list[tuple[str, str]]:
    """The detail row of who registered a record and when (``created_by``/``created_at``)."""
    who = obj.created_by.label if obj.created_by else "系统"
    return [("登记", f"{who} · {display(obj.created_at)}")]


def display(value) -> str:
    if value is None:
        return ""
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)


PERSONAL = ("id_number", "phone")


def mask(name: str, value, personal=PERSONAL):
    """A personal field's value as everyone but a revealing role sees it."""
    if not value or name not in personal:
        return value
    if name.endswith("id_number"):
        return pii.mask_resident_id(str(value))
    if name.endswith("_name"):  # a person's name kept as personal data (王*明)
        return pii.mask_name(str(value))
    return pii.mask_mobile(str(value))


def field_value(obj, name: str, personal=PERSONAL):
    """A model field for display: choices by label, personal fields masked."""
    f = obj._meta.get_field(name)
    value = getattr(obj, name)
    if f.choices and value not in (None, ""):
        return getattr(obj, f"get_{name}_display")()
    return mask(name, value, personal)


def model_fields(obj, names, personal=PERSONAL) -> list[tuple[str, str]]:
    return [
        (str(obj._meta.get_field(n).verbose_name), display(field_value(obj, n, personal)))
        for n in names
    ]


def serialize(obj, personal=PERSONAL) -> dict:
    """A record's fields as JSON (personal fields masked, choices as value)."""
    out = {}
    for f in obj._meta.concrete_fields:
        name = f.attname
        value = mask(f.name, getattr(obj, name), personal)
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        out[name] = value
    return out
