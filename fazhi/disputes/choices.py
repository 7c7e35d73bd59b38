"""The choices the disputes list pages draw in their filter form (villages, townships,
categories, handlers, statuses), built for the user: the list page's ``list_context``."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from fazhi.core import scoping
from fazhi.core.models.units import TOWNSHIP_KINDS, VILLAGE_KINDS
from fazhi.core.params import query
from fazhi.core.roles import Perm


def _options(rows, chosen: str | None) -> SafeString:
    """(pk, label) pairs as a filter select's ``<option>`` elements, the chosen one
    marked: written here in one pass rather than by the template per option (a county
    has 300 villages)."""
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f'<option value="{pk}"{" selected" if str(pk) == chosen else ""}>{escape(name)}</option>'
            for pk, name in rows
        )
    )


def filter_choices(request, ledger, statuses):
    units = scoping.units(request.user)  # read once per request
    villages = [(u.pk, u.name) for u in units if u.kind in VILLAGE_KINDS][:300]
    townships = [(u.pk, u.name) for u in units if u.kind in TOWNSHIP_KINDS]
    category = next(f for f in ledger.filters if f.name == "category")
    categories = list(category.choices_for(request.user))
    cases = ledger.scoped(request.user)
    if ledger.key == "grid":
        # 600,000 rows at county scale: the handlers of open cases, read through the
        # (unit, status) index, not a scan of every case the county has.
        cases = cases.filter(status__in=ledger.model.OPEN_STATES)
    handler_ids = (
        cases.exclude(handler=None)
        .values_list("handler_id", flat=True)
        .order_by()  # DISTINCT over the handler alone, not the ledger's ordering columns too
        .distinct()[:200]
    )
    handlers = [
        (u.pk, u.label)
        for u in get_user_model()
        .objects.filter(pk__in=list(handler_ids))
        .only("pk", "username", "display_name")
        .order_by("username")
    ]
    p = query(request)
    chosen = {name: str(p.id(name) or "") for name in ("village", "unit", "handler")}
    return {
        "villages": _options(villages, chosen["village"]),
        "townships": _options(townships, chosen["unit"]) if len(townships) > 1 else [],
        "categories": categories,
        "handlers": _options(handlers, chosen["handler"]),
        "statuses": statuses.choices,
    }


def list_context(ledger, statuses, flags):
    """The list page context of ``ledger`` (declared in ``ledgers.py``) beyond the
    framework's: its statuses and check-box flags ((param, label, Q) each)."""

    def context(request) -> dict:
        return {
            "tab": ledger.key,
            "flags": flags,
            "can_create": scoping.has_perm_anywhere(request.user, Perm.CHANGE),
            **filter_choices(request, ledger, statuses),
        }

    return context
