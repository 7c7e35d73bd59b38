"""Publicity API: events, themed days, duties, legal liaisons, model villages, coverage."""

import datetime as dt

from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from fazhi.core import pii, scoping
from fazhi.core.apitypes import DbId, Year
from fazhi.core.pagination import LimitOffsetPagination
from fazhi.core.roles import Perm
from fazhi.learning.api import _unit, _year

from . import services
from .models import (
    LegalLiaison,
    ModelKind,
    ModelLevel,
    ModelVillage,
    PlaceKind,
    PublicityDuty,
    PublicityEvent,
    Theme,
)

router = Router(tags=["publicity"])


class EventIn(Schema):
    unit_id: DbId
    date: dt.date
    title: str = Field(..., min_length=1, max_length=200)
    theme: Theme = Theme.FREE
    free_theme: str = Field("", max_length=100)
    place_kind: PlaceKind
    place: str = Field("", max_length=200)
    partners: str = Field("", max_length=300)
    duty_id: DbId | None = None
    laws: str = ""
    audience: int = Field(0, ge=0, le=10_000_000)
    materials: int = Field(0, ge=0, le=10_000_000)
    consultations: int = Field(0, ge=0, le=1_000_000)
    notes: str = ""


class EventPatch(Schema):
    date: dt.date | None = None
    title: str | None = Field(None, min_length=1, max_length=200)
    theme: Theme | None = None
    free_theme: str | None = Field(None, max_length=100)
    place_kind: PlaceKind | None = None
    place: str | None = Field(None, max_length=200)
    partners: str | None = Field(None, max_length=300)
    laws: str | None = None
    audience: int | None = Field(None, ge=0, le=10_000_000)
    materials: int | None = Field(None, ge=0, le=10_000_000)
    consultations: int | None = Field(None, ge=0, le=1_000_000)
    notes: str | None = None


class EventOut(Schema):
    id: int
    unit_id: DbId
    unit_name: str = Field(..., alias="unit.name")
    date: dt.date
    title: str
    theme: str
    theme_label: str
    place_kind: str
    place_kind_name: str = Field(..., alias="get_place_kind_display")
    place: str
    partners: str
    duty_id: DbId | None
    laws: str
    audience: int
    materials: int
    consultations: int


def _duty(request, duty_id):
    if duty_id is None:
        return None
    return scoping.get_visible_or_404(PublicityDuty.objects.all(), request.user, pk=duty_id)


@router.get("/events/", response=list[EventOut], summary="普法活动")
@paginate(LimitOffsetPagination)
def list_events(
    request,
    unit_id: DbId | None = None,
    year: Year | None = None,
    theme: Theme | None = None,
    place_kind: PlaceKind | None = None,
):
    qs = PublicityEvent.objects.visible_to(request.user).select_related("unit")
    if unit_id:
        qs = qs.in_subtree(_unit(request, unit_id))
    if year:
        qs = qs.filter(date__year=year)
    if theme:
        qs = qs.filter(theme=theme)
    if place_kind:
        qs = qs.filter(place_kind=place_kind)
    return qs.order_by("-date", "-pk")


@router.post("/events/", response={201: EventOut}, summary="登记普法活动")
def create_event(request, payload: EventIn):
    unit = _unit(request, payload.unit_id)
    data = payload.dict(exclude={"unit_id", "duty_id"})
    data["duty"] = _duty(request, payload.duty_id)
    return 201, services.create_event(unit=unit, actor=request.user, **data)


@router.get("/events/{event_id}", response=EventOut, summary="普法活动详情")
def get_event(request, event_id: DbId):
    return scoping.get_visible_or_404(
        PublicityEvent.objects.select_related("unit"), request.user, pk=event_id
    )


@router.patch("/events/{event_id}", response=EventOut, summary="修改普法活动")
def update_event(request, event_id: DbId, payload: EventPatch | None = None):
    event = scoping.get_visible_or_404(
        PublicityEvent.objects.select_related("unit"), request.user, pk=event_id
    )
    scoping.require(request.user, Perm.CHANGE, event.unit, "您无权修改该普法活动")
    data = payload.dict(exclude_unset=True) if payload is not None else {}
    return services.update_event(event, actor=request.user, **data)


class ThemedDayOut(Schema):
    theme: str
    label: str
    start: dt.date
    end: dt.date
    days_until: int


@router.get("/themed-days", response=list[ThemedDayOut], summary="即将到来的主题宣传日")
def themed_days(request, date: dt.date | None = None):
    return services.themed_days(date or timezone.localdate())


class PublicitySummaryOut(Schema):
    unit_id: DbId
    year: Year
    events: int
    audience: int
    materials: int
    consultations: int


@router.get("/summary", response=PublicitySummaryOut, summary="年度普法活动统计（本单位及下级）")
def summary(request, unit_id: DbId | None = None, year: Year | None = None):
    unit = _unit(request, unit_id)
    year = _year(year)
    s = services.event_summary(unit, year)
    return {
        "unit_id": unit.pk,
        "year": year,
        **{k: s[k] for k in ("events", "audience", "materials", "consultations")},
    }


class DutyOut(Schema):
    id: int
    unit_id: DbId
    year: Year
    body: str
    laws: str
    tasks: str
    target_events: int
    held: int


@router.get("/duties/", response=list[DutyOut], summary="谁执法谁普法责任清单及完成情况")
@paginate(LimitOffsetPagination)
def list_duties(request, unit_id: DbId | None = None, year: Year | None = None):
    unit = _unit(request, unit_id)
    return services.duty_fulfilment(unit, _year(year)).filter(
        pk__in=PublicityDuty.objects.visible_to(request.user).values("pk")
    )


class LiaisonOut(Schema):
    id: int
    unit_id: DbId
    unit_name: str = Field(..., alias="unit.name")
    name: str
    phone: str
    occupation: str
    appointed_on: dt.date | None
    active: bool

    @staticmethod
    def resolve_phone(obj):
        return pii.mask_mobile(obj.phone)


@router.get("/liaisons/", response=list[LiaisonOut], summary="法律明白人（手机号码已脱敏）")
@paginate(LimitOffsetPagination)
def list_liaisons(request, unit_id: DbId | None = None, active: bool = True):
    qs = LegalLiaison.objects.visible_to(request.user).select_related("unit").filter(active=active)
    if unit_id:
        qs = qs.in_subtree(_unit(request, unit_id))
    return qs.order_by("unit__path", "name")


@router.get("/liaisons/{liaison_id}", response=LiaisonOut, summary="法律明白人详情")
def get_liaison(request, liaison_id: DbId):
    return scoping.get_visible_or_404(
        LegalLiaison.objects.select_related("unit"), request.user, pk=liaison_id
    )


class ModelVillageOut(Schema):
    id: int
    unit_id: DbId
    unit_name: str = Field(..., alias="unit.name")
    kind: ModelKind
    level: ModelLevel
    year: Year
    awarded_by: str
    document_no: str


@router.get("/model-villages/", response=list[ModelVillageOut], summary="民主法治示范村(社区)")
@paginate(LimitOffsetPagination)
def list_model_villages(request, unit_id: DbId | None = None, level: ModelLevel | None = None):
    qs = ModelVillage.objects.visible_to(request.user).select_related("unit")
    if unit_id:
        qs = qs.in_subtree(_unit(request, unit_id))
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("-year", "unit__path")


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
    "/coverage", response=PublicityCoverageOut, summary="没有法律明白人、没有示范称号的村(社区)"
)
def coverage(request, unit_id: DbId | None = None):
    unit = _unit(request, unit_id)
    return {
        "unit_id": unit.pk,
        "villages": services.model_summary(unit)["villages"],
        "without_liaison": list(services.villages_without_liaison(unit)),
        "without_model_title": list(services.villages_without_model(unit)),
    }
