"""Publicity API: /api/v1/publicity/…

Every ledger's list, detail, create and Excel import come from its declaration in
``ledgers.py``; what is not a ledger stays here: the themed days, the year's figures, the
villages' coverage, and ``/model-villages/`` (the older path of ``/models/``)."""

import datetime as dt

from django.http import Http404
from django.utils import timezone
from ninja import Schema
from ninja.pagination import paginate

from fazhi.core import scoping
from fazhi.core.apitypes import DbId, Year
from fazhi.core.models import Unit
from fazhi.core.pagination import LimitOffsetPagination
from fazhi.core.roles import Perm
from fazhi.ledgers.api import build_router

from . import services
from .ledgers import LEDGERS, MODEL
from .models import ModelLevel
from .schemas import ModelVillageOut

router = build_router(["普法"], LEDGERS)


def _unit(request, unit_id: DbId | None) -> Unit:
    """The unit asked for, or the user's highest visible unit (404 if not visible)."""
    qs = scoping.visible_units(request.user)
    unit = qs.filter(pk=unit_id).first() if unit_id else qs.order_by("depth", "path").first()
    if unit is None:
        raise Http404
    return unit


@router.get(
    "/model-villages/",
    response=list[ModelVillageOut],
    summary="民主法治示范村(社区)（同 /models/）",
    operation_id="publicity_model_villages_list",
)
@paginate(LimitOffsetPagination)
def list_model_villages(request, unit_id: DbId | None = None, level: ModelLevel | None = None):
    qs = MODEL.base_qs(request.user, Perm.VIEW)
    if unit_id:
        qs = qs.in_subtree(_unit(request, unit_id))
    if level:
        qs = qs.filter(level=level)
    return qs.order_by(*MODEL.ordering)


class ThemedDayOut(Schema):
    theme: str
    label: str
    start: dt.date
    end: dt.date
    days_until: int


@router.get(
    "/themed-days",
    response=list[ThemedDayOut],
    summary="即将到来的主题宣传日",
    operation_id="publicity_themed_days",
)
def themed_days(request, date: dt.date | None = None):
    return services.themed_days(date or timezone.localdate())


class PublicitySummaryOut(Schema):
    unit_id: DbId
    year: Year
    events: int
    audience: int
    materials: int
    consultations: int


@router.get(
    "/summary",
    response=PublicitySummaryOut,
    summary="年度普法活动统计（本单位及下级）",
    operation_id="publicity_summary",
)
def summary(request, unit_id: DbId | None = None, year: Year | None = None):
    unit = _unit(request, unit_id)
    year = year or timezone.localdate().year
    s = services.event_summary(unit, year)
    return {
        "unit_id": unit.pk,
        "year": year,
        **{k: s[k] for k in ("events", "audience", "materials", "consultations")},
    }


class VillageRef(Schema):
    id: int
    code: str
    name: str


class PublicityCoverageOut(Schema):
    unit_id: DbId
    villages: int
    without_liaison: list[VillageRef]
    without_model_title: list[VillageRef]


@router.get(
    "/coverage",
    response=PublicityCoverageOut,
    summary="没有法律明白人、没有示范称号的村(社区)",
    operation_id="publicity_coverage",
)
def coverage(request, unit_id: DbId | None = None):
    unit = _unit(request, unit_id)
    return {
        "unit_id": unit.pk,
        "villages": services.model_summary(unit)["villages"],
        "without_liaison": list(services.villages_without_liaison(unit)),
        "without_model_title": list(services.villages_without_model(unit)),
    }
