"""The choices the disputes list pages draw in their filter form (villages, townships,
categories, handlers, statuses), built for the user: the list page's ``list_context``."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from fazhi.core import scoping
from fazhi.core.params import query
from fazhi.core.roles import Perm


def _options(rows, chosen: str | None) -> list[dict]:
    """(pk, label) pairs as the filter selects render them, the chosen one marked: one
    comparison here instead of a template expression per option (a county has 300
    villages)."""
    return [{"pk": pk, "name": name, "selected": str(pk) == chosen} for pk, name in rows]


def filter_choices(request, ledger, statuses):
    units = scoping.visible_units(request.user)
    villages = (
        units.filter(kind__in=("village", "community"))
        .order_by("path")
        .values_list("pk", "name")[:300]
    )
    townships = list(
        units.filter(kind__in=("township", "subdistrict", "development_zone")).values_list(
            "pk", "name"
        )
    )
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
