"""The publicity ledgers (普法活动, 谁执法谁普法, 法律明白人 and their trainings,
民主法治示范村), declared once for the pages, Excel out and in, the API and the CLI
(fazhi/ledgers, docs/architecture.md "Ledgers")."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.db.models import Count, F, Q
from django.utils import timezone

from fazhi.core import pii
from fazhi.core.errors import InvalidInput
from fazhi.core.excel import Column, parse_bool, parse_choice, parse_date, parse_int
from fazhi.core.models.units import TOWNSHIP_KINDS, VILLAGE_KINDS, UnitKind
from fazhi.ledgers import fields as flow
from fazhi.ledgers.declare import Col, Filt, Ledger, bool_filter, model_fields, registered, unit_col
from fazhi.ledgers.importing import Importer
from fazhi.web.switcher import current_unit, current_year

from . import services
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
from .schemas import DutyOut, EventOut, LiaisonOut, ModelVillageOut, TrainingOut

APP = "publicity"
# Liaisons and model villages are registered in a village; a township may import them
# for its villages (the 村(社区) column).
VILLAGE_LEVELS = (UnitKind.COUNTY, *TOWNSHIP_KINDS, *VILLAGE_KINDS)

# A publicity record's detail page links to its history unless the ledger shows more there.
_ledger = partial(Ledger, app=APP, extra_template="publicity/_history_link.html")


def _values(fields, raw, *, create: bool) -> dict:
    """``raw`` as the services take it: an empty number or choice is the service's default
    on create and unchanged on edit (an empty date clears it)."""
    omit = flow.KINDS if create else tuple(k for k in flow.KINDS if k != "date")
    return flow.values(fields, raw, omit=omit)


def _in_use_forms(fields, create, update) -> dict:
    """The forms of a register of things kept while in use (渠道, 阵地, 法治副校长): the
    in-use box (``active``) on the edit form only; both through the services ``create``
    and ``update``."""
    create_fields = tuple(f for f in fields if f.name != "active")
    return dict(
        create_fields=create_fields,
        # the create form's fields only: a box the form does not show is not "unchecked"
        # (a new channel, site or vice principal is in use, the services' default)
        create=lambda *, unit, actor, raw: create(
            unit=unit, actor=actor, **_values(create_fields, raw, create=True)
        ),
        edit_fields=fields,
        update=lambda obj, *, actor, raw: update(
            obj, actor=actor, **_values(fields, raw, create=False)
        ),
    )


def _annotated(obj, name: str, count):
    """A count the list annotates (one query for the page); counted for a record read
    without the annotation (the CLI, a detail)."""
    value = getattr(obj, name, None)
    return count() if value is None else value


def _count(value) -> int:
    n = parse_int(value)
    if n < 0:
        raise ValueError("不能为负数")
    return n


# --------------------------------------------------------------------------- events
def _duty(actor, pk):
    if pk is None:
        return None
    duty = PublicityDuty.objects.visible_to(actor).filter(pk=pk).first()
    if duty is None:
        raise InvalidInput("所选普法责任不存在或无权查看")
    return duty


def _event_data(raw, *, actor, create: bool) -> dict:
    data = _values(services.EVENT_FIELDS, raw, create=create)
    pk = flow.parse([f for f in services.EVENT_FIELDS if f.name == "duty"], raw)["duty"]
    data["duty"] = _duty(actor, pk)
    return data


def _create_event(*, unit, actor, raw):
    return services.create_event(
        unit=unit, actor=actor, **_event_data(raw, actor=actor, create=True)
    )


def _update_event(obj, *, actor, raw):
    return services.update_event(obj, actor=actor, **_event_data(raw, actor=actor, create=False))


def _choices(obj, name, user):
    if name == "duty":
        duties = (
            PublicityDuty.objects.visible_to(user)
            .select_related("unit")
            .order_by("-year", "unit__path", "body")[:300]
        )
        return [(d.pk, f"{d.year}年 {d.body}（{d.unit.name}）") for d in duties]
    if name == "liaisons":
        people = (
            LegalLiaison.objects.visible_to(user)
            .filter(Q(active=True) | Q(trainings=obj) if obj is not None else Q(active=True))
            .select_related("unit")
            .distinct()
            .order_by("unit__path", "name")[:500]
        )
        return [(p.pk, f"{p.unit.name} {p.name}") for p in people]
    return ()


_THEME_ALIASES = {
    "3·15": Theme.CONSUMER,
    "3.15": Theme.CONSUMER,
    "4·15": Theme.SECURITY,
    "4.15": Theme.SECURITY,
    "4·26": Theme.IP,
    "4.26": Theme.IP,
    "6·26": Theme.DRUGS,
    "6.26": Theme.DRUGS,
    "12·4": Theme.CONSTITUTION_DAY,
    "12.4": Theme.CONSTITUTION_DAY,
}


def _theme(value) -> tuple[str, str]:
    """A themed day's value or label (also "12·4 …", "宪法宣传周"), or any other text as
    a free theme."""
    text = str(value).strip()
    if text in Theme.values:
        return text, ""
    for v, label in Theme.choices:
        if text == label:
            return v, ""
    if "宪法宣传周" in text:
        return Theme.CONSTITUTION_WEEK, ""
    for prefix, theme in _THEME_ALIASES.items():
        if text.startswith(prefix):
            return theme, ""
    return Theme.FREE, text[:100]


def _import_event(*, unit, actor, row):
    if row["date"] > timezone.localdate():
        raise InvalidInput("日期不能晚于今天（尚未举行的活动请在页面登记）")
    theme, free = row["theme"]
    return services.create_event(
        unit=unit,
        actor=actor,
        date=row["date"],
        title=row["title"],
        theme=theme,
        free_theme=free,
        place_kind=row["place_kind"],
        place=row.get("place") or "",
        partners=row.get("partners") or "",
        laws=row.get("laws") or "",
        audience=row.get("audience") or 0,
        materials=row.get("materials") or 0,
        consultations=row.get("consultations") or 0,
        form=row.get("form") or EventForm.OTHER,
        banners=row.get("banners") or 0,
        posters=row.get("posters") or 0,
        led_screens=row.get("led_screens") or 0,
    )


EVENTS_IMPORT = Importer(
    columns=[
        Column("date", "日期", required=True, parse=parse_date, aliases=("活动日期",)),
        Column("title", "活动名称", required=True, aliases=("活动", "名称")),
        Column("theme", "主题", required=True, parse=_theme),
        Column(
            "place_kind", "形式", required=True, parse=parse_choice(PlaceKind), aliases=("场所",)
        ),
        Column("form", "宣传形式", parse=parse_choice(EventForm), aliases=("活动方式",)),
        Column("place", "地点"),
        Column("partners", "联合单位", aliases=("参与单位",)),
        Column("laws", "宣传的法律法规", aliases=("法律法规",)),
        Column("audience", "受众人数", parse=_count, aliases=("受教育人数", "参与人数")),
        Column("materials", "发放材料", parse=_count, aliases=("发放材料（份）", "发放资料")),
        Column("consultations", "现场咨询", parse=_count, aliases=("现场咨询（起）", "接受咨询")),
        Column("banners", "悬挂横幅", parse=_count, aliases=("悬挂横幅（条）", "横幅")),
        Column("posters", "张贴海报", parse=_count, aliases=("张贴海报（张）", "海报")),
        Column("led_screens", "LED屏", parse=_count, aliases=("LED屏播放（块）", "LED显示屏")),
    ],
    save=_import_event,
    key_columns=("date", "title"),
    note="主题填主题宣传日（如“12·4 国家宪法日”），其他文字视为自定主题；形式填进校园、进企业、"
    "进农村、进社区、进网格或线上；单位填下级单位的代码或名称（不填为所选单位）。"
    "尚未举行的活动请在页面登记。同一单位同日同名的活动视为已导入。",
)

EVENT = _ledger(
    key="event",
    plural="events",
    model=PublicityEvent,
    title="普法宣传活动台账",
    columns=[
        Col("日期", lambda o: o.date, "date"),
        unit_col(),
        Col("活动名称", lambda o: o.title),
        Col("主题", lambda o: o.theme_label, "theme"),
        Col("形式", lambda o: o.get_place_kind_display(), "place_kind"),
        Col("宣传形式", lambda o: o.get_form_display(), "form"),
        Col("地点", lambda o: o.place),
        Col("联合单位", lambda o: o.partners),
        Col("宣传的法律法规", lambda o: o.laws),
        Col("受众人数", lambda o: o.audience, "audience"),
        Col("发放材料", lambda o: o.materials, "materials"),
        Col("悬挂横幅", lambda o: o.banners, "banners"),
        Col("张贴海报", lambda o: o.posters, "posters"),
        Col("LED屏", lambda o: o.led_screens, "led_screens"),
        Col("现场咨询", lambda o: o.consultations, "consultations"),
        Col("履行的普法责任", lambda o: o.duty.body if o.duty else ""),
    ],
    filters=[
        Filt("theme", "主题", tuple(Theme.choices)),
        Filt("place_kind", "形式", tuple(PlaceKind.choices)),
        Filt("form", "宣传形式", tuple(EventForm.choices)),
    ],
    search=("title", "partners", "place", "laws"),
    related=("unit", "duty"),
    ordering=("-date", "-id"),
    date_field="date",
    year_field="date__year",
    create_fields=services.EVENT_FIELDS,
    create=_create_event,
    update=_update_event,
    choices_for=_choices,
    importer=EVENTS_IMPORT,
    detail=lambda o: [
        ("主题", o.theme_label),
        *model_fields(o, ["date", "place_kind", "form", "place", "partners"]),
        ("履行的普法责任", str(o.duty or "—")),
        *model_fields(
            o,
            [
                "laws",
                "audience",
                "materials",
                "banners",
                "posters",
                "led_screens",
                "consultations",
                "notes",
            ],
        ),
        *registered(o),
    ],
    names={"new": "event_create"},
    out=EventOut,
    empty="下一步：登记一次普法宣传活动（或从 Excel 导入、调整筛选条件）。",
)


# --------------------------------------------------------------------------- duties
def _create_duty(*, unit, actor, raw):
    return services.create_duty(
        unit=unit, actor=actor, **_values(services.DUTY_FIELDS, raw, create=True)
    )


def _update_duty(obj, *, actor, raw):
    return services.update_duty(
        obj, actor=actor, **_values(services.DUTY_FIELDS, raw, create=False)
    )


DUTY = _ledger(
    key="duty",
    plural="duties",
    model=PublicityDuty,
    title="谁执法谁普法责任清单",
    columns=[
        Col("执法单位", lambda o: o.body, "body"),
        Col("年度", lambda o: o.year, "year"),
        unit_col("所属"),
        Col("负责宣传的法律法规", lambda o: o.laws),
        Col("普法任务", lambda o: o.tasks),
        Col("责任人", lambda o: o.contact),
        Col("计划开展（次）", lambda o: o.target_events, "target_events"),
        Col(
            "已开展（次）",
            lambda o: _annotated(o, "held", lambda: o.events.filter(date__year=o.year).count()),
            "held",
        ),
    ],
    search=("body", "laws", "tasks"),
    ordering=("-year", "unit__path", "body"),
    year_field="year",
    # Held: the events recorded against the duty in its own year.
    annotate=lambda qs: qs.annotate(
        held=Count("events", filter=Q(events__date__year=F("year")), distinct=True)
    ),
    create_fields=services.DUTY_FIELDS,
    create=_create_duty,
    update=_update_duty,
    detail=lambda o: (
        model_fields(o, ["year", "body", "laws", "tasks", "target_events", "contact"])
        + [("已开展（次）", str(o.events.filter(date__year=o.year).count()))]
    ),
    names={"new": "duty_create"},
    out=DutyOut,
    empty="下一步：为派出所、市场监管所、自然资源所等执法单位登记负责宣传的法律法规。",
)


# --------------------------------------------------------------------------- liaisons
def _create_liaison(*, unit, actor, raw):
    fields = [f for f in services.LIAISON_FIELDS if f.name != "active"]
    return services.create_liaison(unit=unit, actor=actor, **_values(fields, raw, create=True))


def _update_liaison(obj, *, actor, raw):
    return services.update_liaison(
        obj, actor=actor, **_values(services.LIAISON_FIELDS, raw, create=False)
    )


def _liaison_context(obj, request):
    revealed = None
    if request.method == "POST" and request.POST.get("reveal") == "phone":
        revealed = pii.reveal(request.user, obj, "phone", obj.phone)
        if revealed is None:
            messages.error(request, "您的角色无权查看完整手机号码")
    return {
        "phone": revealed or pii.mask_mobile(obj.phone),
        "may_reveal": bool(obj.phone) and pii.may_reveal(request.user, obj.unit),
        "trainings": obj.trainings.order_by("-date"),
    }


def _liaisons_above(request):
    """The villages of the chosen unit, each with its liaisons and how many were trained
    this year (the coverage the list is kept for)."""
    unit, year = current_unit(request), current_year(request)
    if unit is None or request.GET.get("format"):
        return {}
    coverage = services.liaison_coverage(unit, year)
    return {
        "coverage": coverage,
        "gaps": sum(1 for c in coverage if not c["liaisons"]),
        "coverage_unit": unit,
        "coverage_year": year,
    }


def _untrained(qs, value):
    return qs.filter(trained_this_year=0) if value == "0" else qs.filter(trained_this_year__gt=0)


LIAISONS_IMPORT = Importer(
    columns=[
        Column("name", "姓名", required=True),
        Column("phone", "手机号码", aliases=("手机", "联系电话", "电话")),
        Column("occupation", "身份", aliases=("职务", "身份类别")),
        Column("appointed_on", "聘任日期", parse=parse_date, aliases=("聘任时间",)),
        Column("active", "在册", parse=parse_bool),
    ],
    save=lambda *, unit, actor, row: services.create_liaison(
        unit=unit,
        actor=actor,
        name=row["name"],
        phone=str(row.get("phone") or ""),
        occupation=row.get("occupation") or "",
        appointed_on=row.get("appointed_on"),
        active=row["active"] if row.get("active") is not None else True,
    ),
    key_columns=("name",),
    note="每行一名法律明白人；“单位”填村(社区)名称或代码。同一村(社区)同名的视为已导入。",
)

LIAISON = _ledger(
    key="liaison",
    plural="liaisons",
    model=LegalLiaison,
    title="法律明白人台账",
    columns=[
        Col("姓名", lambda o: o.name, "name"),
        unit_col("村(社区)", sortable=True),
        Col("手机号码", lambda o: pii.mask_mobile(o.phone)),
        Col("身份", lambda o: o.occupation),
        Col("聘任日期", lambda o: o.appointed_on, "appointed_on"),
        Col("在册", lambda o: o.active),
        Col(
            "本年培训次数",
            lambda o: _annotated(
                o,
                "trained_this_year",
                lambda: o.trainings.filter(date__year=timezone.localdate().year).count(),
            ),
            "trained_this_year",
        ),
    ],
    filters=[
        bool_filter("active", "在册", ("true", "在册"), ("false", "已退出")),
        Filt("trained", "本年培训", (("0", "未培训"), ("1", "已培训")), _untrained),
    ],
    search=("name", "occupation"),
    ordering=("unit__path", "name"),
    annotate=lambda qs: qs.annotate(
        trained_this_year=Count(
            "trainings",
            filter=Q(trainings__date__year=timezone.localdate().year),
            distinct=True,
        )
    ),
    create_fields=tuple(f for f in services.LIAISON_FIELDS if f.name != "active"),
    create=_create_liaison,
    edit_fields=services.LIAISON_FIELDS,
    update=_update_liaison,
    importer=LIAISONS_IMPORT,
    unit_kinds=VILLAGE_LEVELS,
    detail=lambda o: model_fields(o, ["occupation", "appointed_on", "active"]),
    extra_template="publicity/_liaison.html",
    extra_context=_liaison_context,
    list_template="publicity/_liaison_coverage.html",
    list_context=_liaisons_above,
    names={"new": "liaison_create"},
    out=LiaisonOut,
    empty="下一步：为每个村(社区)登记法律明白人（可从 Excel 导入），并记录培训。",
)


# --------------------------------------------------------------------------- trainings
def _create_training(*, unit, actor, raw):
    data = _values(services.TRAINING_FIELDS, raw, create=True)
    people = flow.parse([services.TRAINING_LIAISONS], raw)["liaisons"]
    return services.create_training(unit=unit, actor=actor, liaisons=people, **data)


def _update_training(obj, *, actor, raw):
    data = _values(services.TRAINING_FIELDS, raw, create=False)
    people = flow.parse([services.TRAINING_LIAISONS], raw)["liaisons"]
    return services.update_training(obj, actor=actor, liaisons=people, **data)


TRAINING_FORM = (*services.TRAINING_FIELDS, services.TRAINING_LIAISONS)

TRAINING = _ledger(
    key="training",
    plural="trainings",
    model=LiaisonTraining,
    title="法律明白人培训",
    columns=[
        Col("日期", lambda o: o.date, "date"),
        Col("培训主题", lambda o: o.topic),
        unit_col("组织单位"),
        Col("授课人", lambda o: o.trainer),
        Col("学时", lambda o: o.hours, "hours"),
        Col("参训人数", lambda o: _annotated(o, "people", o.liaisons.count), "people"),
    ],
    search=("topic", "trainer"),
    ordering=("-date", "-id"),
    date_field="date",
    year_field="date__year",
    annotate=lambda qs: qs.annotate(people=Count("liaisons", distinct=True)),
    create_fields=TRAINING_FORM,
    create=_create_training,
    update=_update_training,
    choices_for=_choices,
    detail=lambda o: model_fields(o, ["date", "topic", "trainer", "hours"]),
    extra_template="publicity/_training.html",
    extra_context=lambda o, request: {
        "people": o.liaisons.select_related("unit").order_by("unit__path", "name")
    },
    names={"new": "training_create"},
    out=TrainingOut,
    prefetch=("liaisons",),
    empty="下一步：登记一次法律明白人培训及参训人员。",
)


# --------------------------------------------------------------------------- model villages
def _create_model(*, unit, actor, raw):
    return services.create_model_village(
        unit=unit, actor=actor, **_values(services.MODEL_FIELDS, raw, create=True)
    )


def _update_model(obj, *, actor, raw):
    return services.update_model_village(
        obj, actor=actor, **_values(services.MODEL_FIELDS, raw, create=False)
    )


def _models_above(request):
    unit = current_unit(request)
    if unit is None or request.GET.get("format"):
        return {}
    return {
        "models": services.model_summary(unit),
        "without": list(services.villages_without_model(unit)),
    }


MODELS_IMPORT = Importer(
    columns=[
        Column("kind", "称号", parse=parse_choice(ModelKind)),
        Column("level", "级别", required=True, parse=parse_choice(ModelLevel)),
        Column("year", "命名年度", required=True, parse=parse_int, aliases=("年度",)),
        Column("awarded_by", "命名单位"),
        Column("document_no", "命名文号", aliases=("文号",)),
    ],
    save=lambda *, unit, actor, row: services.create_model_village(
        unit=unit,
        actor=actor,
        kind=row.get("kind") or "",
        level=row["level"],
        year=row["year"],
        awarded_by=row.get("awarded_by") or "",
        document_no=str(row.get("document_no") or ""),
    ),
    key_columns=("level",),
    note="每行一个称号；“单位”填村(社区)名称或代码；级别填全国、省级、市级或县级；"
    "称号不填时按村或社区自动确定。同一村(社区)同级别的称号视为已导入。",
)

MODEL = _ledger(
    key="model",
    plural="models",
    model=ModelVillage,
    title="民主法治示范村(社区)台账",
    columns=[
        unit_col("村(社区)", sortable=True),
        Col("称号", lambda o: o.get_kind_display()),
        Col("级别", lambda o: o.get_level_display(), "level"),
        Col("命名年度", lambda o: o.year, "year"),
        Col("命名单位", lambda o: o.awarded_by),
        Col("命名文号", lambda o: o.document_no),
    ],
    filters=[
        Filt("level", "级别", tuple(ModelLevel.choices)),
        Filt("kind", "称号", tuple(ModelKind.choices)),
    ],
    search=("awarded_by", "document_no"),
    ordering=("-year", "unit__path"),
    year_field="year",
    create_fields=services.MODEL_FIELDS,
    create=_create_model,
    update=_update_model,
    importer=MODELS_IMPORT,
    unit_kinds=VILLAGE_LEVELS,
    detail=lambda o: model_fields(o, ["kind", "level", "year", "awarded_by", "document_no"]),
    list_template="publicity/_model_coverage.html",
    list_context=_models_above,
    names={"new": "model_create"},
    out=ModelVillageOut,
    empty="下一步：登记已获命名的民主法治示范村(社区)及其级别、年度（可从 Excel 导入）。",
)


# --------------------------------------------------------------------------- channels
IN_USE = bool_filter("active", "状态", ("true", "在用"), ("false", "停用"))


CHANNELS_IMPORT = Importer(
    columns=[
        Column(
            "kind", "渠道类别", required=True, parse=parse_choice(ChannelKind), aliases=("类别",)
        ),
        Column("count", "数量", required=True, parse=_count),
        Column("reach", "覆盖人数", parse=_count),
        Column("note", "说明", aliases=("备注",)),
    ],
    save=lambda *, unit, actor, row: services.create_channel(
        unit=unit,
        actor=actor,
        kind=row["kind"],
        count=row["count"],
        reach=row.get("reach") or 0,
        note=row.get("note") or "",
    ),
    key_columns=("kind",),
    note="每个村(社区)每类渠道一行（村村响、宣传栏、宣传车、微信群、LED显示屏）；已登记的类别视为已导入。",
)

CHANNEL = _ledger(
    key="channel",
    plural="channels",
    model=PublicityChannel,
    title="普法宣传渠道",
    columns=[
        unit_col(sortable=True),
        Col("渠道类别", lambda o: o.get_kind_display(), "kind"),
        Col("数量", lambda o: o.count, "count"),
        Col("覆盖人数", lambda o: o.reach, "reach"),
        Col("说明", lambda o: o.note),
        Col("在用", lambda o: o.active),
    ],
    filters=[Filt("kind", "渠道类别", tuple(ChannelKind.choices)), IN_USE],
    search=("note",),
    ordering=("unit__path", "kind"),
    **_in_use_forms(services.CHANNEL_FIELDS, services.create_channel, services.update_channel),
    importer=CHANNELS_IMPORT,
    unit_kinds=VILLAGE_LEVELS,
    detail=lambda o: model_fields(o, ["kind", "count", "reach", "note", "active"]),
    empty="下一步：为每个村(社区)登记常用的普法宣传渠道及数量（村村响、宣传栏、宣传车、微信群）。",
)


# --------------------------------------------------------------------------- culture sites
SITES_IMPORT = Importer(
    columns=[
        Column("kind", "阵地类别", required=True, parse=parse_choice(SiteKind), aliases=("类别",)),
        Column("name", "名称", required=True, aliases=("阵地名称",)),
        Column("built_year", "建成年度", parse=parse_int, aliases=("建成年份",)),
        Column("area", "面积（平方米）", parse=_count, aliases=("面积",)),
        Column("note", "说明", aliases=("备注",)),
    ],
    save=lambda *, unit, actor, row: services.create_site(
        unit=unit,
        actor=actor,
        kind=row["kind"],
        name=str(row["name"]),
        built_year=row.get("built_year"),
        area=row.get("area"),
        note=row.get("note") or "",
    ),
    key_columns=("name",),
    note="每行一处阵地；同一单位同名的阵地视为已导入。",
)

SITE = _ledger(
    key="site",
    plural="sites",
    model=CultureSite,
    title="法治文化阵地",
    columns=[
        unit_col(sortable=True),
        Col("阵地类别", lambda o: o.get_kind_display(), "kind"),
        Col("名称", lambda o: o.name, "name"),
        Col("建成年度", lambda o: o.built_year, "built_year"),
        Col("面积（平方米）", lambda o: o.area),
        Col("在用", lambda o: o.active),
    ],
    filters=[Filt("kind", "阵地类别", tuple(SiteKind.choices)), IN_USE],
    search=("name", "note"),
    ordering=("unit__path", "kind", "name"),
    **_in_use_forms(services.SITE_FIELDS, services.create_site, services.update_site),
    importer=SITES_IMPORT,
    unit_kinds=VILLAGE_LEVELS,
    detail=lambda o: model_fields(o, ["kind", "name", "built_year", "area", "note", "active"]),
    empty="下一步：登记辖区的法治文化公园、法治长廊、法治广场等阵地。",
)


# --------------------------------------------------------------------------- vice principals
VICE_PRINCIPAL = _ledger(
    key="vice_principal",
    plural="vice-principals",
    model=VicePrincipal,
    title="法治副校长",
    columns=[
        unit_col(sortable=True),
        Col("学校", lambda o: o.school, "school"),
        Col("担任人（单位及职务）", lambda o: o.holder),
        Col("聘任日期", lambda o: o.appointed_on, "appointed_on"),
        Col("任期届满", lambda o: o.term_end),
        Col("在任", lambda o: o.active),
    ],
    filters=[bool_filter("active", "状态", ("true", "在任"), ("false", "已卸任"))],
    search=("school", "holder"),
    ordering=("unit__path", "school", "-appointed_on"),
    date_field="appointed_on",
    **_in_use_forms(
        services.VICE_PRINCIPAL_FIELDS,
        services.create_vice_principal,
        services.update_vice_principal,
    ),
    importer=Importer(
        columns=[
            Column("school", "学校", required=True, aliases=("学校名称",)),
            Column(
                "holder", "担任人（单位及职务）", required=True, aliases=("担任人", "法治副校长")
            ),
            Column("appointed_on", "聘任日期", required=True, parse=parse_date),
            Column("term_end", "任期届满", parse=parse_date),
            Column("note", "备注"),
        ],
        save=lambda *, unit, actor, row: services.create_vice_principal(
            unit=unit,
            actor=actor,
            school=str(row["school"]),
            holder=str(row["holder"]),
            appointed_on=row["appointed_on"],
            term_end=row.get("term_end"),
            note=row.get("note") or "",
        ),
        key_columns=("school", "holder"),
        note="每行一名法治副校长；担任人填单位及职务（如：县公安局城关派出所所长）。",
    ),
    unit_kinds=VILLAGE_LEVELS,
    detail=lambda o: model_fields(
        o, ["school", "holder", "appointed_on", "term_end", "note", "active"]
    ),
    empty="下一步：为辖区每所中小学登记法治副校长（单位及职务、聘任日期）。",
)

LEDGERS = [EVENT, DUTY, LIAISON, TRAINING, MODEL, CHANNEL, SITE, VICE_PRINCIPAL]

TABS = [
    ("index", "概览"),
    ("event_list", "普法活动"),
    ("duty_list", "谁执法谁普法"),
    ("liaison_list", "法律明白人"),
    ("training_list", "培训"),
    ("model_list", "民主法治示范村"),
    ("channel_list", "宣传渠道"),
    ("site_list", "法治文化阵地"),
    ("vice_principal_list", "法治副校长"),
]
