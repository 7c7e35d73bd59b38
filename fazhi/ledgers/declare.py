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

from django.db.models import Model, Q
from django.utils import timezone

from fazhi.core import pii
from fazhi.core.params import Query

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
    choices: tuple = ()  # () = free text
    apply: Callable | None = None  # (qs, value) -> qs; default: field exact
    page: bool = True  # False: an API (and CLI) filter only, not shown on the list page


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
    # Edit: the fields an edit page, ``PATCH`` and ``fazhi <app> update`` take, and the
    # service that applies them: (obj, *, actor, raw) -> obj.
    edit_fields: tuple = ()
    update: Callable | None = None
    importer: object = None  # fazhi.ledgers.importing.Importer: Excel/CSV in
    date_field: str = ""  # date_from / date_to filters on this field
    unit_filter: bool = True  # a 单位 filter, its choices the user's own units
    personal: tuple[str, ...] = ("id_number", "phone")  # masked everywhere (pii)
    prefetch: tuple[str, ...] = ()
    names: dict = field(default_factory=dict)  # URL-name overrides: {"list": "advisers"}
    templates: dict = field(default_factory=dict)  # {"list"|"detail"|"new"|"edit": name}
    unit_kinds: tuple | None = None  # kinds of unit records are registered in
    out: type | None = None  # the API's record schema; default built from the model
    empty: str = ""  # what an empty list tells a user to do
    tag: str = ""  # API tag (default: the app)
    # Where a user may register a record: user -> units (default: the township-level and
    # county units where the user has CHANGE). E.g. a county's 督察 of its townships.
    create_units: Callable | None = None
    # A step is open to users holding one of these on the record; the procedure's own
    # guard then decides (e.g. a county signs off a township's rectification).
    act_perms: tuple[str, ...] = ("change", "approve")

    def base_qs(self, user, perm):
        qs = self.model.objects.visible_to(user, perm).select_related(*self.related)
        if self.prefetch:
            qs = qs.prefetch_related(*self.prefetch)
        return self.annotate(qs) if self.annotate else qs

    def name(self, suffix: str) -> str:
        """The URL name of a page of this ledger: ``<key>_<suffix>`` unless overridden."""
        return self.names.get(suffix, f"{self.key}_{suffix}")

    def url(self, suffix: str) -> str:
        return f"{self.app}:{self.name(suffix)}"

    def template(self, page: str) -> str:
        return self.templates.get(page, f"ledgers/{page}.html")

    def filter_qs(self, qs, params, *, user=None):
        """``params`` applied to ``qs``. The text search reads free text for a term with
        digits only where ``user`` may reveal personal data (``pii.free_text_q``); record
        numbers are searched for everyone. ``params``: the page's ``Query`` or a mapping;
        parsed by ``fazhi.core.params``."""
        p = Query.of(params)
        for f in self.filters:
            value = p.choice(f.name, f.choices) if f.choices else p.text(f.name)
            if not value:
                continue
            if f.apply is not None:
                qs = f.apply(qs, value)
            elif f.choices:
                qs = qs.filter(**{f.name: value})
        q = (params.get("q") or "").strip()
        if q and self.search:
            numbers = [s for s in self.search if s in NUMBER_FIELDS]
            cond = pii.free_text_q(
                user,
                q,
                [s for s in self.search if s not in NUMBER_FIELDS],
                unit_field=getattr(self.model, "scope_field", "unit"),
            )
            for s in numbers:
                cond |= Q(**{f"{s}__icontains": q})
            qs = qs.filter(cond)
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
            from fazhi.core.models import Unit

            unit = Unit.objects.filter(pk=unit_id).first()
            qs = qs.in_subtree(unit) if unit is not None else qs.none()
        return qs


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
