"""A ledger as the pages, API, Excel export and CLI see it: one descriptor per model.

The descriptor names the list columns (also the Excel columns), the filters, the
fields shown on the detail page, the create form and service, the procedure and
its actions. ``ui.py`` (pages), ``api.py`` and the management commands are generic
over these descriptors, so every surface shows and refuses the same things.
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


@dataclass
class Ledger:
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
    documents: list[tuple[str, str]] = field(default_factory=list)  # (doc key, label)
    choices_for: Callable | None = None  # (obj_or_None, field_name, user) -> choices
    due: Callable | None = None  # obj -> date | None
    ordering: tuple[str, ...] = ("-id",)
    year_field: str = ""
    annotate: Callable | None = None  # qs -> qs, for counts shown in list columns (no N+1)

    def base_qs(self, user, perm):
        qs = self.model.objects.visible_to(user, perm).select_related(*self.related)
        return self.annotate(qs) if self.annotate else qs

    def url(self, suffix: str) -> str:
        return f"{self.app}:{self.key}_{suffix}"

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


def field_value(obj, name: str):
    """A model field for display: choices by label, PII masked."""
    f = obj._meta.get_field(name)
    value = getattr(obj, name)
    if f.choices and value not in (None, ""):
        return getattr(obj, f"get_{name}_display")()
    if name == "id_number" and value:
        return pii.mask_resident_id(value)
    if name == "phone" and value:
        return pii.mask_mobile(value)
    return value


def model_fields(obj, names) -> list[tuple[str, str]]:
    return [(str(obj._meta.get_field(n).verbose_name), display(field_value(obj, n))) for n in names]


def serialize(obj) -> dict:
    """A record's fields as JSON (PII masked, choices as value)."""
    out = {}
    for f in obj._meta.concrete_fields:
        name = f.attname
        value = getattr(obj, name)
        if f.name == "id_number" and value:
            value = pii.mask_resident_id(value)
        elif f.name == "phone" and value:
            value = pii.mask_mobile(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        out[name] = value
    return out
