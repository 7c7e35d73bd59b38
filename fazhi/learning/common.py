"""Small helpers shared by the study and publicity ledgers (services and pages).

``publicity`` imports these too; they belong to no one mechanism and could move to
``fazhi.core`` when another app needs them.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError

from fazhi.core import audit
from fazhi.core.errors import InvalidInput


def label_errors(model, exc: ValidationError) -> str:
    """A ValidationError as one Chinese line, each field named by its verbose name."""
    if not hasattr(exc, "message_dict"):
        return "；".join(exc.messages)
    parts = []
    for field, msgs in exc.message_dict.items():
        try:
            label = str(model._meta.get_field(field).verbose_name)
        except Exception:
            label = ""
        parts.append((f"{label}：" if label else "") + "；".join(msgs))
    return "；".join(parts)


def save_validated(obj, *, actor, event: str, exclude=None) -> None:
    """full_clean (as InvalidInput), save one row (history), write the audit row."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=True)
    except ValidationError as exc:
        raise InvalidInput(label_errors(type(obj), exc))
    obj.save()
    audit.record(event, obj=obj, user=actor)


def apply_fields(obj, data: dict, fields: tuple[str, ...]) -> None:
    for key in fields:
        if key in data:
            setattr(obj, key, data[key])


def rate(num: int, den: int) -> Decimal | None:
    """A share as a percentage with one decimal, or None when the denominator is zero."""
    if not den:
        return None
    return (Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


_LAW = re.compile(r"《([^《》]+)》")
_LAW_SPLIT = re.compile(r"[、,，;；\s]+")


def law_titles(raw: str, limit: int = 2) -> list[str]:
    """The laws a record names, each in 《》 once: "《宪法》《民法典》" or "宪法、民法典"."""
    raw = (raw or "").strip()
    found = _LAW.findall(raw) if "《" in raw else _LAW_SPLIT.split(raw)
    names = [n.strip() for n in dict.fromkeys(found) if n and n.strip()]
    return [f"《{n}》" for n in names[:limit]]


# --------------------------------------------------------------------------- pages
def bootstrap(form):
    """Give a form's widgets Bootstrap classes."""
    from django import forms as djforms

    for field in form.fields.values():
        w = field.widget
        if isinstance(w, djforms.CheckboxInput):
            w.attrs.setdefault("class", "form-check-input")
        elif isinstance(w, djforms.Select | djforms.SelectMultiple):
            w.attrs.setdefault("class", "form-select")
        else:
            w.attrs.setdefault("class", "form-control")
        if isinstance(w, djforms.Textarea):
            w.attrs.setdefault("rows", 3)
    return form


def paginate(request, qs, per_page: int = 50):
    """publicity's hand-written lists only (the learning pages are fazhi.ledgers pages, which
    paginate themselves); goes when publicity's lists move onto the framework."""
    from django.core.paginator import Paginator

    from fazhi.core.params import query as parsed_query

    page = Paginator(qs, per_page).get_page(parsed_query(request).page())
    query = request.GET.copy()
    query.pop("page", None)
    page.querystring = query.urlencode()
    return page


def unit_choices(user, perm: str, kinds=None):
    from fazhi.core import scoping

    qs = scoping.visible_units(user, perm).filter(active=True).order_by("path")
    if kinds is not None:
        qs = qs.filter(kind__in=kinds)
    return qs


def parse_int(value, default=None):
    """An id from a form field (``fazhi.core.params.parse_int``: ASCII digits, 1..ID_MAX)."""
    from fazhi.core.params import parse_int as parse_id

    n = parse_id(value)
    return default if n is None else n
