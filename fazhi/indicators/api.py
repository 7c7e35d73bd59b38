"""GET /api/v1/indicators?unit=&year=: every indicator for a unit's subtree and a year."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from fazhi.core import scoping
from fazhi.core.models import Unit

from . import registry, services

router = Router(tags=["指标"])


class IndicatorOut(Schema):
    code: str
    name: str
    measure: str
    direction: str
    target: str | None
    status: str
    value: str | None
    numerator: int | None
    denominator: int | None
    text: str
    message: str
    meets_target: bool | None


class IndicatorsOut(Schema):
    unit: str
    unit_name: str
    year: int
    items: list[IndicatorOut]


def resolve_visible_unit(user, ref: str) -> Unit:
    ref = (ref or "").strip()
    visible = scoping.visible_units(user)
    unit = visible.filter(code=ref).first()
    if unit is None and ref.isdecimal():
        unit = visible.filter(pk=int(ref)).first()
    if unit is None:
        matches = list(visible.filter(name=ref)[:2])
        unit = matches[0] if len(matches) == 1 else None
    if unit is None:
        raise Http404("unit not found")
    return unit


@router.get("", response=IndicatorsOut, summary="一个单位（含下级）一个年度的全部指标")
def indicators(request, unit: str, year: int):
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise HttpError(400, "年度超出范围")
    u = resolve_visible_unit(request.user, unit)
    values = registry.compute(u, year)
    return {"unit": u.code, "unit_name": u.name, "year": year, "items": services.rows(values)}
