"""Every change to the publicity ledgers, the themed-days calendar and the figures.

Views, API and CLI call these functions; each is atomic, checks the actor may change the
unit, validates, saves row by row (history) and writes an audit row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from fazhi.core import audit, pii, scoping
from fazhi.core.errors import InvalidInput
from fazhi.core.models import Unit
from fazhi.core.models.units import VILLAGE_KINDS, UnitKind
from fazhi.core.roles import Perm
from fazhi.learning.common import apply_fields, rate, save_validated

from .models import (
    LegalLiaison,
    LiaisonTraining,
    ModelKind,
    ModelVillage,
    PlaceKind,
    PublicityDuty,
    PublicityEvent,
    Theme,
)

REFUSED = "您无权在该单位登记或修改普法台账"


# --------------------------------------------------------------------------- themed days
@dataclass(frozen=True)
class ThemedDay:
    theme: str
    label: str
    start: dt.date
    end: dt.date
    days_until: int

    @property
    def is_week(self) -> bool:
        return self.start != self.end

    @property
    def ongoing(self) -> bool:
        return self.days_until == 0


FIXED_DAYS = [
    (Theme.CONSUMER, 3, 15),
    (Theme.SECURITY, 4, 15),
    (Theme.IP, 4, 26),
    (Theme.DRUGS, 6, 26),
    (Theme.CONSTITUTION_DAY, 12, 4),
]


def themed_days(today: dt.date, *, horizon_days: int = 366) -> list[ThemedDay]:
    """The coming themed days from ``today`` (a week still under way counts), soonest first.

    宪法宣传周 is the week ending on 12·4 (11-28 to 12-04).
    """
    out: list[ThemedDay] = []
    for year in (today.year, today.year + 1):
        for theme, month, day in FIXED_DAYS:
            d = dt.date(year, month, day)
            if today <= d <= today + dt.timedelta(days=horizon_days):
                out.append(ThemedDay(theme, Theme(theme).label, d, d, (d - today).days))
        week_end = dt.date(year, 12, 4)
        week_start = week_end - dt.timedelta(days=6)
        if week_end >= today and week_start <= today + dt.timedelta(days=horizon_days):
            out.append(
                ThemedDay(
                    Theme.CONSTITUTION_WEEK,
                    Theme.CONSTITUTION_WEEK.label,
                    week_start,
                    week_end,
                    max(0, (week_start - today).days),
                )
            )
    out.sort(key=lambda t: (t.start, t.end))
    return out


# --------------------------------------------------------------------------- duties
DUTY_FIELDS = ("year", "body", "laws", "tasks", "target_events", "contact")


@transaction.atomic
def save_duty(duty: PublicityDuty | None, unit: Unit | None, data: dict, *, actor):
    if duty is None:
        scoping.require(actor, Perm.CHANGE, unit, REFUSED)
        duty = PublicityDuty(unit=unit, created_by=actor)
        event = audit.E.CREATE
    else:
        scoping.require(actor, Perm.CHANGE, duty.unit, REFUSED)
        duty = PublicityDuty.objects.select_for_update().get(pk=duty.pk)
        event = audit.E.UPDATE
    apply_fields(duty, data, DUTY_FIELDS)
    duty.body = (duty.body or "").strip()
    save_validated(duty, actor=actor, event=event)
    return duty


def duty_fulfilment(unit: Unit, year: int):
    """Duties of the year in ``unit``'s subtree with the events held under each (one query)."""
    return (
        PublicityDuty.objects.in_subtree(unit)
        .filter(year=year)
        .annotate(held=Count("events", filter=Q(events__date__year=year)))
        .select_related("unit")
        .order_by("unit__path", "body")
    )


# --------------------------------------------------------------------------- events
EVENT_FIELDS = (
    "date",
    "title",
    "theme",
    "free_theme",
    "place_kind",
    "place",
    "partners",
    "duty",
    "laws",
    "audience",
    "materials",
    "consultations",
    "notes",
)


def _check_event(event: PublicityEvent) -> None:
    if event.theme == Theme.FREE and not (event.free_theme or "").strip():
        raise InvalidInput("主题为“其他主题”时，请填写自定主题")
    if event.date and event.date > timezone.localdate():
        if (event.audience or 0) or (event.materials or 0) or (event.consultations or 0):
            raise InvalidInput("活动尚未举行，不能填写受众人数、发放材料或现场咨询数")
    if event.duty_id:
        duty = event.duty
        if not (event.unit.is_within(duty.unit) or duty.unit.is_within(event.unit)):
            raise InvalidInput("所选普法责任不属于本单位")
        if event.date and duty.year != event.date.year:
            raise InvalidInput(f"所选普法责任属于{duty.year}年，与活动日期年度不一致")
    event.partners = "、".join(
        p.strip()
        for p in (event.partners or "").replace(",", "、").replace("，", "、").split("、")
        if p.strip()
    )


@transaction.atomic
def create_event(unit: Unit, data: dict, *, actor) -> PublicityEvent:
    scoping.require(actor, Perm.CHANGE, unit, REFUSED)
    event = PublicityEvent(unit=unit, created_by=actor)
    apply_fields(event, data, EVENT_FIELDS)
    _check_event(event)
    save_validated(event, actor=actor, event=audit.E.CREATE)
    return event


@transaction.atomic
def update_event(event: PublicityEvent, data: dict, *, actor) -> PublicityEvent:
    scoping.require(actor, Perm.CHANGE, event.unit, REFUSED)
    event = PublicityEvent.objects.select_for_update().get(pk=event.pk)
    apply_fields(event, data, EVENT_FIELDS)
    _check_event(event)
    save_validated(event, actor=actor, event=audit.E.UPDATE)
    return event


def event_summary(unit: Unit, year: int) -> dict:
    qs = PublicityEvent.objects.in_subtree(unit).filter(date__year=year)
    agg = qs.aggregate(
        events=Count("pk"),
        audience=Sum("audience", default=0),
        materials=Sum("materials", default=0),
        consultations=Sum("consultations", default=0),
    )
    by_theme = dict(qs.order_by().values_list("theme").annotate(n=Count("pk")))
    by_place = dict(qs.order_by().values_list("place_kind").annotate(n=Count("pk")))
    agg["by_theme"] = [(label, by_theme.get(v, 0)) for v, label in Theme.choices]
    agg["by_place"] = [(label, by_place.get(v, 0)) for v, label in PlaceKind.choices]
    return agg


# --------------------------------------------------------------------------- liaisons
LIAISON_FIELDS = ("name", "phone", "occupation", "appointed_on", "active")


def _check_village(unit: Unit, what: str) -> None:
    if unit.kind not in VILLAGE_KINDS:
        raise InvalidInput(f"{what}应登记在村(社区)，请选择村(社区)")


def _check_liaison(liaison: LegalLiaison) -> None:
    _check_village(liaison.unit, "法律明白人")
    liaison.name = (liaison.name or "").strip()
    if liaison.phone:
        liaison.phone = pii.normalize_mobile(liaison.phone)
        try:
            pii.validate_mobile(liaison.phone)
        except ValidationError as exc:
            raise InvalidInput(exc.messages[0])


@transaction.atomic
def save_liaison(liaison: LegalLiaison | None, unit: Unit | None, data: dict, *, actor):
    if liaison is None:
        scoping.require(actor, Perm.CHANGE, unit, REFUSED)
        liaison = LegalLiaison(unit=unit, created_by=actor)
        event = audit.E.CREATE
    else:
        scoping.require(actor, Perm.CHANGE, liaison.unit, REFUSED)
        liaison = LegalLiaison.objects.select_for_update().get(pk=liaison.pk)
        event = audit.E.UPDATE
    apply_fields(liaison, data, LIAISON_FIELDS)
    _check_liaison(liaison)
    save_validated(liaison, actor=actor, event=event)
    return liaison


TRAINING_FIELDS = ("date", "topic", "trainer", "hours")


@transaction.atomic
def save_training(
    training: LiaisonTraining | None, unit: Unit | None, data: dict, liaison_ids, *, actor
) -> LiaisonTraining:
    """Create or update a training and set exactly who attended it."""
    if training is None:
        scoping.require(actor, Perm.CHANGE, unit, REFUSED)
        training = LiaisonTraining(unit=unit, created_by=actor)
        event = audit.E.CREATE
    else:
        scoping.require(actor, Perm.CHANGE, training.unit, REFUSED)
        training = LiaisonTraining.objects.select_for_update().get(pk=training.pk)
        event = audit.E.UPDATE
    apply_fields(training, data, TRAINING_FIELDS)
    if training.date and training.date > timezone.localdate():
        raise InvalidInput("培训尚未举行，不能登记参训人员")
    ids = {int(i) for i in liaison_ids}
    found = set(
        LegalLiaison.objects.in_subtree(training.unit)
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )
    if ids - found:
        raise InvalidInput("所选法律明白人不属于本单位及其下级村(社区)")
    save_validated(training, actor=actor, event=event)
    training.liaisons.set(sorted(ids))
    return training


def liaison_coverage(unit: Unit, year: int):
    """Villages in the subtree with their active liaisons and how many were trained in the year."""
    trained = LiaisonTraining.objects.filter(liaisons=OuterRef("pk"), date__year=year)
    liaisons = (
        LegalLiaison.objects.in_subtree(unit)
        .filter(active=True)
        .annotate(trained=Exists(trained))
        .values_list("unit_id", "trained")
    )
    counts: dict[int, list[int]] = {}
    for unit_id, was_trained in liaisons:
        c = counts.setdefault(unit_id, [0, 0])
        c[0] += 1
        c[1] += int(was_trained)
    rows = []
    for village in Unit.objects.subtree(unit).villages().filter(active=True).order_by("path"):
        n, t = counts.get(village.pk, [0, 0])
        rows.append({"village": village, "liaisons": n, "trained": t})
    return rows


def villages_without_liaison(unit: Unit):
    has = LegalLiaison.objects.filter(unit=OuterRef("pk"), active=True)
    return Unit.objects.subtree(unit).villages().filter(active=True).exclude(Exists(has))


# --------------------------------------------------------------------------- model villages
MODEL_FIELDS = ("kind", "level", "year", "awarded_by", "document_no")


@transaction.atomic
def save_model_village(obj: ModelVillage | None, unit: Unit | None, data: dict, *, actor):
    if obj is None:
        scoping.require(actor, Perm.CHANGE, unit, REFUSED)
        obj = ModelVillage(unit=unit, created_by=actor)
        event = audit.E.CREATE
    else:
        scoping.require(actor, Perm.CHANGE, obj.unit, REFUSED)
        obj = ModelVillage.objects.select_for_update().get(pk=obj.pk)
        event = audit.E.UPDATE
    apply_fields(obj, data, MODEL_FIELDS)
    _check_village(obj.unit, "民主法治示范村(社区)")
    if not obj.kind:
        obj.kind = ModelKind.COMMUNITY if obj.unit.kind == UnitKind.COMMUNITY else ModelKind.VILLAGE
    if obj.year and not 1990 <= int(obj.year) <= timezone.localdate().year:
        raise InvalidInput("命名年度不正确（不能晚于今年）")
    if ModelVillage.objects.filter(unit=obj.unit, level=obj.level).exclude(pk=obj.pk).exists():
        raise InvalidInput(f"{obj.unit.name}已有{obj.get_level_display()}称号记录")
    save_validated(obj, actor=actor, event=event, exclude=None)
    return obj


def villages_without_model(unit: Unit):
    has = ModelVillage.objects.filter(unit=OuterRef("pk"))
    return Unit.objects.subtree(unit).villages().filter(active=True).exclude(Exists(has))


def model_summary(unit: Unit) -> dict:
    qs = ModelVillage.objects.in_subtree(unit)
    by_level = dict(qs.order_by().values_list("level").annotate(n=Count("unit", distinct=True)))
    villages = Unit.objects.subtree(unit).villages().filter(active=True).count()
    titled = qs.values("unit").distinct().count()
    return {
        "villages": villages,
        "titled": titled,
        "without": villages - titled,
        "coverage_rate": rate(titled, villages),
        "by_level": by_level,
    }


# --------------------------------------------------------------------------- indicators
def indicator_events(unit: Unit, year: int) -> int:
    """publicity.events: publicity events held in ``unit``'s subtree in ``year``."""
    return PublicityEvent.objects.in_subtree(unit).filter(date__year=year).count()


def indicator_audience(unit: Unit, year: int) -> int:
    """publicity.audience: people reached by those events."""
    return (
        PublicityEvent.objects.in_subtree(unit)
        .filter(date__year=year)
        .aggregate(n=Sum("audience", default=0))["n"]
    )


INDICATORS = {
    "publicity.events": indicator_events,
    "publicity.audience": indicator_audience,
}
