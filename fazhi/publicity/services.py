"""Every change to the publicity ledgers, the themed-days calendar and the figures.

Pages, API, CLI and the Excel import (through ``ledgers.py``) call these functions, one
signature for all: ``create_<thing>(*, unit, actor, <fields>)`` and
``update_<thing>(obj, *, actor, <changed fields>)``. Each is atomic, refuses an actor who
may not change the unit (``scoping.require``: 403, audited), validates (``InvalidInput``
with the Chinese reason), saves row by row (history) and writes an audit row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from fazhi.core import audit, pii, scoping
from fazhi.core.errors import InvalidInput
from fazhi.core.models import Unit
from fazhi.core.models.units import VILLAGE_KINDS, UnitKind
from fazhi.core.roles import Perm
from fazhi.honours import services as honours
from fazhi.learning.common import apply_fields, rate, save_validated
from fazhi.ledgers.fields import F

from .models import (
    ChannelKind,
    CultureSite,
    EventForm,
    LegalLiaison,
    LiaisonTraining,
    ModelKind,
    ModelLevel,
    ModelVillage,
    PlaceKind,
    PublicityChannel,
    PublicityDuty,
    PublicityEvent,
    SiteKind,
    Theme,
    VicePrincipal,
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
# The fields of each ledger, once: the create and edit forms, the API and the CLI read
# them (``fazhi.ledgers.fields.parse``), the update services accept exactly these names.
DUTY_FIELDS = (
    F("year", "年度", "int"),
    F("body", "执法单位"),
    F("laws", "负责宣传的法律法规", "textarea"),
    F("tasks", "普法任务", "textarea", required=False),
    F("target_events", "计划开展活动（次）", "int", required=False),
    F("contact", "责任人", required=False),
)


def _names(fields) -> tuple[str, ...]:
    return tuple(f.name for f in fields)


def _changes(changes: dict, fields) -> dict:
    unknown = set(changes) - {f.name for f in fields}
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    return changes


def _new(model, clean=None, *, unit: Unit, actor, **fields):
    """A record of ``model`` registered by ``actor`` at ``unit``: ``clean`` (when given)
    tidies and checks it before it is validated, saved and audited."""
    scoping.require(actor, Perm.CHANGE, unit, REFUSED)
    obj = model(unit=unit, created_by=actor, **fields)
    if clean is not None:
        clean(obj)
    save_validated(obj, actor=actor, event=audit.E.CREATE)
    return obj


def _locked(obj, actor):
    """``obj`` read again under a row lock, once ``actor`` may change its unit's records."""
    scoping.require(actor, Perm.CHANGE, obj.unit, REFUSED)
    return type(obj).objects.select_for_update().get(pk=obj.pk)


def _update(obj, changes: dict, fields, clean=None, *, actor):
    """Change the fields named in ``changes`` (any of ``fields``) under a row lock;
    ``clean`` (when given) tidies and checks the record before it is saved and audited."""
    obj = _locked(obj, actor)
    apply_fields(obj, _changes(changes, fields), _names(fields))
    if clean is not None:
        clean(obj)
    save_validated(obj, actor=actor, event=audit.E.UPDATE)
    return obj


def _keep_active(changes: dict) -> dict:
    """``active`` given as None (a form's empty choice) leaves the record as it is."""
    if changes.get("active") is None:
        changes.pop("active", None)
    return changes


def _tidy_duty(duty: PublicityDuty) -> None:
    duty.body = (duty.body or "").strip()


@transaction.atomic
def create_duty(
    *,
    unit: Unit,
    actor,
    year: int,
    body: str,
    laws: str,
    tasks: str = "",
    target_events: int = 1,
    contact: str = "",
) -> PublicityDuty:
    return _new(
        PublicityDuty,
        _tidy_duty,
        unit=unit,
        actor=actor,
        year=year,
        body=body,
        laws=laws,
        tasks=tasks,
        target_events=target_events,
        contact=contact,
    )


@transaction.atomic
def update_duty(duty: PublicityDuty, *, actor, **changes) -> PublicityDuty:
    return _update(duty, changes, DUTY_FIELDS, _tidy_duty, actor=actor)


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
    F("date", "日期", "date"),
    F("title", "活动名称"),
    F("theme", "主题", "choice", required=False, choices=tuple(Theme.choices)),
    F("free_theme", "自定主题", required=False, help="主题为“其他主题”时填写"),
    F("place_kind", "形式", "choice", choices=tuple(PlaceKind.choices)),
    F("form", "宣传形式", "choice", required=False, choices=tuple(EventForm.choices)),
    F("place", "地点", required=False),
    F("partners", "联合单位", required=False, help="多个单位用顿号分隔"),
    F("duty", "履行的普法责任", "int", required=False),
    F("laws", "宣传的法律法规", "textarea", required=False),
    F("audience", "受众人数", "int", required=False),
    F("materials", "发放材料（份）", "int", required=False),
    F("banners", "悬挂横幅（条）", "int", required=False),
    F("posters", "张贴海报（张）", "int", required=False),
    F("led_screens", "LED屏播放（块）", "int", required=False),
    F("consultations", "现场咨询（起）", "int", required=False),
    F("notes", "备注", "textarea", required=False),
)


def _check_event(event: PublicityEvent) -> None:
    if event.theme == Theme.FREE and not (event.free_theme or "").strip():
        raise InvalidInput("主题为“其他主题”时，请填写自定主题")
    if event.date and event.date > timezone.localdate():
        counts = (
            event.audience,
            event.materials,
            event.consultations,
            event.banners,
            event.posters,
            event.led_screens,
        )
        if any(n or 0 for n in counts):
            raise InvalidInput(
                "活动尚未举行，不能填写受众人数、发放材料、横幅、海报、LED屏或现场咨询数"
            )
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
def create_event(
    *,
    unit: Unit,
    actor,
    date: dt.date,
    title: str,
    place_kind: str,
    theme: str = Theme.FREE,
    free_theme: str = "",
    place: str = "",
    partners: str = "",
    duty: PublicityDuty | None = None,
    laws: str = "",
    audience: int = 0,
    materials: int = 0,
    consultations: int = 0,
    notes: str = "",
    form: str = EventForm.OTHER,
    banners: int = 0,
    posters: int = 0,
    led_screens: int = 0,
) -> PublicityEvent:
    return _new(
        PublicityEvent,
        _check_event,
        unit=unit,
        actor=actor,
        date=date,
        title=title,
        place_kind=place_kind,
        theme=theme,
        free_theme=free_theme,
        place=place,
        partners=partners,
        duty=duty,
        laws=laws,
        audience=audience,
        materials=materials,
        consultations=consultations,
        notes=notes,
        form=form or EventForm.OTHER,
        banners=banners or 0,
        posters=posters or 0,
        led_screens=led_screens or 0,
    )


@transaction.atomic
def update_event(event: PublicityEvent, *, actor, **changes) -> PublicityEvent:
    """Change the fields named in ``changes`` (any of ``EVENT_FIELDS``)."""
    return _update(event, changes, EVENT_FIELDS, _check_event, actor=actor)


def event_summary(unit: Unit, year: int) -> dict:
    qs = PublicityEvent.objects.in_subtree(unit).filter(date__year=year)
    agg = qs.aggregate(
        events=Count("pk"),
        audience=Sum("audience", default=0),
        materials=Sum("materials", default=0),
        banners=Sum("banners", default=0),
        posters=Sum("posters", default=0),
        led_screens=Sum("led_screens", default=0),
        consultations=Sum("consultations", default=0),
    )
    by_theme = dict(qs.order_by().values_list("theme").annotate(n=Count("pk")))
    by_place = dict(qs.order_by().values_list("place_kind").annotate(n=Count("pk")))
    agg["by_theme"] = [(label, by_theme.get(v, 0)) for v, label in Theme.choices]
    agg["by_place"] = [(label, by_place.get(v, 0)) for v, label in PlaceKind.choices]
    return agg


# --------------------------------------------------------------------------- liaisons
LIAISON_FIELDS = (
    F("name", "姓名"),
    F("phone", "手机号码", required=False),
    F("occupation", "身份", required=False, help="如村干部、网格员、党员"),
    F("appointed_on", "聘任日期", "date", required=False),
    F("active", "在册", "bool"),
)


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
def create_liaison(
    *,
    unit: Unit,
    actor,
    name: str,
    phone: str = "",
    occupation: str = "",
    appointed_on: dt.date | None = None,
    active: bool = True,
) -> LegalLiaison:
    return _new(
        LegalLiaison,
        _check_liaison,
        unit=unit,
        actor=actor,
        name=name,
        phone=phone,
        occupation=occupation,
        appointed_on=appointed_on,
        active=active,
    )


@transaction.atomic
def update_liaison(liaison: LegalLiaison, *, actor, **changes) -> LegalLiaison:
    """Change the fields named in ``changes``. A phone number given back as it was shown
    masked (``pii.mask_mobile``) keeps the stored number."""
    liaison = _locked(liaison, actor)
    changes = _changes(dict(changes), LIAISON_FIELDS)
    phone = str(changes.get("phone") or "").strip()
    if liaison.phone and phone and phone == pii.mask_mobile(liaison.phone):
        changes["phone"] = liaison.phone
    apply_fields(liaison, changes, _names(LIAISON_FIELDS))
    _check_liaison(liaison)
    save_validated(liaison, actor=actor, event=audit.E.UPDATE)
    return liaison


TRAINING_FIELDS = (
    F("date", "日期", "date"),
    F("topic", "培训主题"),
    F("trainer", "授课人", required=False),
    F("hours", "学时", "decimal", required=False),
)
TRAINING_LIAISONS = F("liaisons", "参训人员", "ints", required=False)


def _attend(training: LiaisonTraining, liaison_ids) -> None:
    """Set exactly who attended ``training`` (liaisons of its unit's subtree)."""
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
    training.liaisons.set(sorted(ids))


def _check_training(training: LiaisonTraining) -> None:
    if training.date and training.date > timezone.localdate():
        raise InvalidInput("培训尚未举行，不能登记参训人员")


@transaction.atomic
def create_training(
    *,
    unit: Unit,
    actor,
    date: dt.date,
    topic: str,
    trainer: str = "",
    hours: Decimal = Decimal(2),
    liaisons=(),
) -> LiaisonTraining:
    training = _new(
        LiaisonTraining,
        _check_training,
        unit=unit,
        actor=actor,
        date=date,
        topic=topic,
        trainer=trainer,
        hours=hours,
    )
    _attend(training, liaisons)
    return training


@transaction.atomic
def update_training(training: LiaisonTraining, *, actor, liaisons=None, **changes):
    """Change the fields named in ``changes``; ``liaisons`` (ids), when given, is exactly
    who attended."""
    training = _update(training, changes, TRAINING_FIELDS, _check_training, actor=actor)
    if liaisons is None:
        liaisons = list(training.liaisons.values_list("pk", flat=True))
    _attend(training, liaisons)
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
MODEL_FIELDS = (
    F("kind", "称号", "choice", required=False, choices=tuple(ModelKind.choices)),
    F("level", "级别", "choice", choices=tuple(ModelLevel.choices)),
    F("year", "命名年度", "int"),
    F("awarded_by", "命名单位", required=False),
    F("document_no", "命名文号", required=False),
)


def _check_model(obj: ModelVillage) -> None:
    _check_village(obj.unit, "民主法治示范村(社区)")
    if not obj.kind:
        obj.kind = ModelKind.COMMUNITY if obj.unit.kind == UnitKind.COMMUNITY else ModelKind.VILLAGE
    if obj.year and not 1990 <= int(obj.year) <= timezone.localdate().year:
        raise InvalidInput("命名年度不正确（不能晚于今年）")
    if ModelVillage.objects.filter(unit=obj.unit, level=obj.level).exclude(pk=obj.pk).exists():
        raise InvalidInput(f"{obj.unit.name}已有{obj.get_level_display()}称号记录")


@transaction.atomic
def create_model_village(
    *,
    unit: Unit,
    actor,
    level: str,
    year: int,
    kind: str = "",
    awarded_by: str = "",
    document_no: str = "",
) -> ModelVillage:
    """``kind`` defaults to the title that fits the unit (village or community)."""
    obj = _new(
        ModelVillage,
        _check_model,
        unit=unit,
        actor=actor,
        kind=kind,
        level=level,
        year=year,
        awarded_by=awarded_by,
        document_no=document_no,
    )
    keep_honour(obj, actor=actor)
    return obj


@transaction.atomic
def update_model_village(obj: ModelVillage, *, actor, **changes) -> ModelVillage:
    obj = _update(obj, changes, MODEL_FIELDS, _check_model, actor=actor)
    keep_honour(obj, actor=actor)
    return obj


def keep_honour(obj: ModelVillage, *, actor) -> None:
    """The title as an honour (honours ledger, status 已获评), created or kept in step."""
    honour = honours.keep_model_village(
        unit=obj.unit,
        actor=actor,
        kind=obj.kind,
        level=obj.level,
        year=obj.year,
        awarded_by=obj.awarded_by,
        document_no=obj.document_no,
        honour_id=obj.honour_id,
    )
    if obj.honour_id != honour.pk:
        obj.honour = honour
        obj.save(update_fields=["honour"])


def record_awarded_honour(sender, *, honour, actor, **_) -> None:
    """A 民主法治示范村(社区) won in the honours ledger (``honours.signals``): recorded here
    by the same rules (a village, one title per level), linked to the honour. A title this
    ledger already holds at that level refuses it: the whole step is undone."""
    obj = (
        ModelVillage.objects.select_for_update()
        .filter(unit=honour.unit, level=honour.level)
        .first()
    )
    if obj is not None:
        if obj.honour_id not in (None, honour.pk):
            raise InvalidInput(
                f"{obj.unit.name}已有{obj.get_level_display()}民主法治示范称号记录（{obj.year}年）"
            )
        obj.honour = honour
        obj.save(update_fields=["honour"])
        return
    obj = ModelVillage(
        unit=honour.unit,
        created_by=actor if getattr(actor, "pk", None) else None,
        kind=ModelKind.COMMUNITY if honour.kind == "model_community" else ModelKind.VILLAGE,
        level=honour.level,
        year=honour.year,
        awarded_by=honour.awarded_by[:100],
        document_no=honour.document_no[:100],
        honour=honour,
    )
    _check_model(obj)
    save_validated(obj, actor=actor, event=audit.E.CREATE, exclude=None)


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


# --------------------------------------------------------------------------- channels
CHANNEL_FIELDS = (
    F("kind", "渠道类别", "choice", choices=tuple(ChannelKind.choices)),
    F("count", "数量", "int"),
    F("reach", "覆盖人数", "int", required=False, help="如微信群成员数"),
    F("note", "说明", required=False),
    F("active", "在用", "bool", required=False),
)


@transaction.atomic
def create_channel(
    *,
    unit: Unit,
    actor,
    kind: str,
    count: int = 1,
    reach: int = 0,
    note: str = "",
    active: bool = True,
) -> PublicityChannel:
    """A standing publicity channel of a unit, one row per kind (村村响, 宣传栏 …)."""
    scoping.require(actor, Perm.CHANGE, unit, REFUSED)
    if PublicityChannel.objects.filter(unit=unit, kind=kind).exists():
        raise InvalidInput(
            f"{unit.name}已登记“{ChannelKind(kind).label if kind in ChannelKind.values else kind}”，"
            "请修改原记录的数量"
        )
    channel = PublicityChannel(
        unit=unit,
        created_by=actor,
        kind=kind,
        count=count if count is not None else 1,
        reach=reach or 0,
        note=note or "",
        active=True if active is None else active,
    )
    save_validated(channel, actor=actor, event=audit.E.CREATE)
    return channel


@transaction.atomic
def update_channel(channel: PublicityChannel, *, actor, **changes) -> PublicityChannel:
    channel = _locked(channel, actor)
    changes = {k: v for k, v in _changes(changes, CHANNEL_FIELDS).items() if v is not None}
    if "kind" in changes and changes["kind"] != channel.kind:
        other = PublicityChannel.objects.filter(unit=channel.unit, kind=changes["kind"])
        if other.exclude(pk=channel.pk).exists():
            raise InvalidInput("该单位已登记此类渠道，请修改原记录的数量")
    apply_fields(channel, changes, _names(CHANNEL_FIELDS))
    save_validated(channel, actor=actor, event=audit.E.UPDATE)
    return channel


# --------------------------------------------------------------------------- culture sites
SITE_FIELDS = (
    F("kind", "阵地类别", "choice", choices=tuple(SiteKind.choices)),
    F("name", "名称"),
    F("built_year", "建成年度", "int", required=False),
    F("area", "面积（平方米）", "int", required=False),
    F("note", "说明", required=False),
    F("active", "在用", "bool", required=False),
)


def _check_site(site: CultureSite) -> None:
    site.name = (site.name or "").strip()
    if not site.name:
        raise InvalidInput("请填写阵地名称")
    if site.built_year and site.built_year > timezone.localdate().year:
        raise InvalidInput("建成年度不能晚于今年（在建的阵地建成后再登记）")
    if CultureSite.objects.filter(unit=site.unit, name=site.name).exclude(pk=site.pk).exists():
        raise InvalidInput(f"{site.unit.name}已登记名为“{site.name}”的阵地")


@transaction.atomic
def create_site(
    *,
    unit: Unit,
    actor,
    kind: str,
    name: str,
    built_year: int | None = None,
    area: int | None = None,
    note: str = "",
    active: bool = True,
) -> CultureSite:
    """法治文化阵地: a park, corridor, square … in a village or township."""
    return _new(
        CultureSite,
        _check_site,
        unit=unit,
        actor=actor,
        kind=kind,
        name=name,
        built_year=built_year,
        area=area,
        note=note or "",
        active=True if active is None else active,
    )


@transaction.atomic
def update_site(site: CultureSite, *, actor, **changes) -> CultureSite:
    return _update(site, _keep_active(changes), SITE_FIELDS, _check_site, actor=actor)


# --------------------------------------------------------------------------- vice principals
VICE_PRINCIPAL_FIELDS = (
    F("school", "学校"),
    F("holder", "担任人（单位及职务）", help="如：县公安局城关派出所所长"),
    F("appointed_on", "聘任日期", "date"),
    F("term_end", "任期届满", "date", required=False),
    F("note", "备注", required=False),
    F("active", "在任", "bool", required=False),
)


def _check_vice_principal(vp: VicePrincipal) -> None:
    vp.school = (vp.school or "").strip()
    vp.holder = (vp.holder or "").strip()
    if not vp.school or not vp.holder:
        raise InvalidInput("请填写学校和担任人（单位及职务）")
    if vp.appointed_on and vp.appointed_on > timezone.localdate():
        raise InvalidInput("聘任日期不能晚于今天")
    if vp.term_end and vp.appointed_on and vp.term_end < vp.appointed_on:
        raise InvalidInput("任期届满日期不能早于聘任日期")


@transaction.atomic
def create_vice_principal(
    *,
    unit: Unit,
    actor,
    school: str,
    holder: str,
    appointed_on: dt.date,
    term_end: dt.date | None = None,
    note: str = "",
    active: bool = True,
) -> VicePrincipal:
    """法治副校长: the official appointed to a school (registered by the unit the school is in)."""
    return _new(
        VicePrincipal,
        _check_vice_principal,
        unit=unit,
        actor=actor,
        school=school,
        holder=holder,
        appointed_on=appointed_on,
        term_end=term_end,
        note=note or "",
        active=True if active is None else active,
    )


@transaction.atomic
def update_vice_principal(vp: VicePrincipal, *, actor, **changes) -> VicePrincipal:
    return _update(
        vp, _keep_active(changes), VICE_PRINCIPAL_FIELDS, _check_vice_principal, actor=actor
    )


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
