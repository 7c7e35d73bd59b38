"""The unit and year the user is working on, kept in the session."""

from __future__ import annotations

from django.utils import timezone

from fazhi.core import scoping
from fazhi.core.models import Unit
from fazhi.core.models.units import TOWNSHIP_KINDS, UnitKind
from fazhi.core.params import parse_int, query

SESSION_UNIT = "fazhi_unit_id"
SESSION_YEAR = "fazhi_year"


def current_year(request, *, default_only: bool = False) -> int:
    default = timezone.localdate().year
    if default_only:
        return default
    year = query(request).int("year", lo=2000, hi=default + 1)
    year = year or parse_int(request.session.get(SESSION_YEAR), 2000, default + 1)
    return year or default


def current_unit(request) -> Unit | None:
    cached = getattr(request, "_fazhi_unit", None)
    if cached is not None:
        return cached
    visible = scoping.units(request.user)  # read once per request, shared with the page
    unit = None
    unit_id = parse_int(request.session.get(SESSION_UNIT))
    if unit_id:
        unit = next((u for u in visible if u.pk == unit_id), None)
    if unit is None and visible:
        unit = min(visible, key=lambda u: (u.depth, u.path))
    request._fazhi_unit = unit
    return unit


def switch_choices(request) -> list[Unit]:
    kinds = {UnitKind.COUNTY, UnitKind.DEPARTMENT, *TOWNSHIP_KINDS}
    return [u for u in scoping.units(request.user) if u.kind in kinds][:200]
