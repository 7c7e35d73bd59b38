"""普法's contribution to the annual report (theme "learning": 学法用法和普法宣传).

What the seeds write — "结合3·15国际消费者权益日、4·26知识产权日、6·26禁毒日、12·4国家宪法日……
开展普法宣传进校园、进企业、进农村活动……接受宣传的人数在1000人以上，发放各类宣传材料500多份，
现场接待群众法律咨询30余起", "培训了一批法律明白人", "落实好‘谁执法谁普法’普法责任制",
"全镇民主法治村达到全覆盖" — written from the ledgers:

- points: the themed days and what was done on them (named events with date, place and
  title; 进校园/进企业/进农村 from the events' ``place_kind``; audience, materials and
  on-site consultations as figures); the 谁执法谁普法 duties (the bodies and the events
  each held); 法律明白人 and their trainings, and the 民主法治示范村(社区) by name and level;
- plans: villages still without a legal liaison, duties behind their planned events.

Indicators this module adds (group ``publicity_report``): ``publicity.themed_events``,
``publicity.materials``, ``publicity.consultations``, ``publicity.duties``,
``publicity.duty_events``, ``publicity.liaisons``, ``publicity.liaison_trainings``,
``publicity.liaisons_trained`` and ``publicity.model_villages``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from django.db.models import Count, Q, Sum
from django.urls import reverse

from fazhi.core.models import Unit
from fazhi.core.models.units import VILLAGE_KINDS
from fazhi.indicators import registry
from fazhi.indicators.registry import Indicator, Value, group, indicator, year_records
from fazhi.reports.contrib import (
    Context,
    Contribution,
    PlanHint,
    Point,
    Source,
    day,
    joined,
    register,
)

from . import services
from .models import (
    LEVEL_RANK,
    ChannelKind,
    CultureSite,
    EventForm,
    LegalLiaison,
    LiaisonTraining,
    ModelVillage,
    PlaceKind,
    PublicityChannel,
    PublicityDuty,
    PublicityEvent,
    SiteKind,
    Theme,
    VicePrincipal,
)

THEME = "learning"


# --------------------------------------------------------------------------- indicators
def _liaisons(unit, year: int):
    """Liaisons on the roll at the end of ``year`` (appointed by then, still active)."""
    end = dt.date(year, 12, 31)
    return (
        LegalLiaison.objects.in_subtree(unit)
        .filter(active=True)
        .filter(Q(appointed_on__isnull=True) | Q(appointed_on__lte=end))
    )


@group(
    "publicity_report",
    "普法（年度报告）",
    reads=(
        "publicity.CultureSite",
        "publicity.LegalLiaison",
        "publicity.LiaisonTraining",
        "publicity.ModelVillage",
        "publicity.PublicityChannel",
        "publicity.PublicityDuty",
        "publicity.PublicityEvent",
        "publicity.VicePrincipal",
    ),
)
def _figures(unit, year):
    events = year_records(PublicityEvent, unit, year, "date").aggregate(
        themed=Count("pk", filter=~Q(theme=Theme.FREE)),
        materials=Sum("materials", default=0),
        banners=Sum("banners", default=0),
        posters=Sum("posters", default=0),
        led_screens=Sum("led_screens", default=0),
        consultations=Sum("consultations", default=0),
        duty_events=Count("pk", filter=Q(duty__isnull=False)),
    )
    trainings = year_records(LiaisonTraining, unit, year, "date").aggregate(
        n=Count("pk", distinct=True), trained=Count("liaisons")
    )
    titled = (
        ModelVillage.objects.in_subtree(unit)
        .filter(year__lte=year)
        .aggregate(n=Count("unit", distinct=True))["n"]
    )
    return {
        "publicity.themed_events": Value.count(events["themed"]),
        "publicity.materials": Value.count(events["materials"]),
        "publicity.consultations": Value.count(events["consultations"]),
        "publicity.duties": Value.count(
            PublicityDuty.objects.in_subtree(unit).filter(year=year).count()
        ),
        "publicity.duty_events": Value.count(events["duty_events"]),
        "publicity.liaisons": Value.count(_liaisons(unit, year).count()),
        "publicity.liaison_trainings": Value.count(trainings["n"]),
        "publicity.liaisons_trained": Value.count(trainings["trained"]),
        "publicity.model_villages": Value.count(titled),
        "publicity.materials_banners": Value.count(events["banners"]),
        "publicity.materials_posters": Value.count(events["posters"]),
        "publicity.materials_led": Value.count(events["led_screens"]),
        **_standing(unit, year),
    }


def _vice_principals(unit, year: int):
    """法治副校长 in office during ``year`` (appointed by its end, term not ended before it)."""
    return (
        VicePrincipal.objects.in_subtree(unit)
        .filter(active=True, appointed_on__lte=dt.date(year, 12, 31))
        .filter(Q(term_end__isnull=True) | Q(term_end__gte=dt.date(year, 1, 1)))
    )


def _standing(unit, year: int) -> dict:
    """The standing inventory: channels in use (as kept now: the ledger holds no history
    of counts), culture sites built by the year's end and still in use, vice principals."""
    channels = dict(
        PublicityChannel.objects.in_subtree(unit)
        .filter(active=True)
        .order_by()
        .values_list("kind")
        .annotate(n=Sum("count"))
    )
    sites = dict(
        CultureSite.objects.in_subtree(unit)
        .filter(active=True)
        .filter(Q(built_year__isnull=True) | Q(built_year__lte=year))
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
    )
    vp = _vice_principals(unit, year).aggregate(
        n=Count("pk"), schools=Count("school", distinct=True)
    )
    out = {f"publicity.channel_{k}": Value.count(channels.get(k, 0)) for k in CHANNEL_UNITS}
    out.update({f"publicity.site_{k}": Value.count(sites.get(k, 0)) for k in SITE_UNITS})
    out["publicity.culture_sites"] = Value.count(sum(sites.values()))
    out["publicity.vice_principals"] = Value.count(vp["n"])
    out["publicity.vice_principal_schools"] = Value.count(vp["schools"])
    return out


# kind → (the name a report uses, unit)
CHANNEL_UNITS = {
    ChannelKind.LOUDSPEAKER: ("“村村响”广播", "套"),
    ChannelKind.BOARD: ("普法宣传栏", "个"),
    ChannelKind.VAN: ("法治宣传车", "辆"),
    ChannelKind.WECHAT: ("普法微信群", "个"),
    ChannelKind.LED: ("LED显示屏", "块"),
}
SITE_UNITS = {
    SiteKind.PARK: ("法治文化公园", "个"),
    SiteKind.CORRIDOR: ("法治文化长廊", "条"),
    SiteKind.SQUARE: ("法治文化广场", "个"),
    SiteKind.BOOKHOUSE: ("法治书屋", "个"),
    SiteKind.EXHIBITION: ("法治教育基地（展馆）", "个"),
}


for _ind in (
    Indicator("publicity.themed_events", "主题日集中宣传", "场", "publicity_report", phrase="开展主题日集中宣传"),
    Indicator("publicity.materials", "发放宣传材料", "份", "publicity_report", phrase="发放各类宣传材料"),
    Indicator("publicity.consultations", "现场法律咨询", "起", "publicity_report", phrase="现场接待群众法律咨询"),
    Indicator("publicity.duties", "普法责任清单执法单位", "个", "publicity_report", phrase="列入普法责任清单的执法单位"),
    Indicator("publicity.duty_events", "执法单位普法活动", "场", "publicity_report", phrase="按责任清单开展普法活动"),
    Indicator("publicity.liaisons", "在册法律明白人", "名", "publicity_report"),
    Indicator("publicity.liaison_trainings", "法律明白人培训", "场", "publicity_report", phrase="开展法律明白人培训"),
    Indicator("publicity.liaisons_trained", "法律明白人参训", "人次", "publicity_report", phrase="培训法律明白人"),
    Indicator("publicity.model_villages", "民主法治示范村（社区）", "个", "publicity_report", phrase="累计创建民主法治示范村（社区）"),
    Indicator("publicity.materials_banners", "悬挂横幅", "条", "publicity_report"),
    Indicator("publicity.materials_posters", "张贴海报", "张", "publicity_report"),
    Indicator("publicity.materials_led", "LED屏播放法治标语", "块次", "publicity_report", phrase="LED显示屏滚动播放法治标语"),
    Indicator("publicity.culture_sites", "法治文化阵地", "个", "publicity_report", phrase="建成法治文化阵地"),
    Indicator("publicity.vice_principals", "在任法治副校长", "名", "publicity_report", phrase="配备法治副校长"),
    Indicator("publicity.vice_principal_schools", "配备法治副校长的学校", "所", "publicity_report"),
):  # fmt: skip
    indicator(_ind)
for _kind, (_name, _unit) in CHANNEL_UNITS.items():
    indicator(
        Indicator(f"publicity.channel_{_kind}", _name, _unit, "publicity_report", phrase=_name)
    )
for _kind, (_name, _unit) in SITE_UNITS.items():
    indicator(Indicator(f"publicity.site_{_kind}", _name, _unit, "publicity_report", phrase=_name))


# --------------------------------------------------------------------------- helpers
# themed days in the order a report lists them
DAY_ORDER = [
    Theme.CONSUMER,
    Theme.SECURITY,
    Theme.IP,
    Theme.DRUGS,
    Theme.CONSTITUTION_DAY,
    Theme.CONSTITUTION_WEEK,
]
# which themed day's event is named first when there are more than four
DAY_PRIORITY = [
    Theme.CONSTITUTION_DAY,
    Theme.CONSUMER,
    Theme.DRUGS,
    Theme.SECURITY,
    Theme.IP,
    Theme.CONSTITUTION_WEEK,
]
PLACE_ORDER = [
    PlaceKind.SCHOOL,
    PlaceKind.ENTERPRISE,
    PlaceKind.VILLAGE,
    PlaceKind.COMMUNITY,
    PlaceKind.GRID,
]
MAX_EVENTS = 4


def theme_label(theme: str) -> str:
    """ "3·15 国际消费者权益日" → "3·15国际消费者权益日" (as the seeds write it)."""
    return Theme(theme).label.replace(" ", "")


_ORG_OR_POST = re.compile(
    r"(局|所|院|庭|中心|委员会|委|办|站|队|学校|大学|协会|书记|主任|法官|律师|顾问|教授|讲师|专家|民警)"
)


def trainer_text(trainer: str) -> str:
    """A trainer as the report may name them: an office or a post, never a bare name."""
    text = re.sub(r"\s+", "", trainer or "")
    ends = [m.end() for m in _ORG_OR_POST.finditer(text)]
    return text[: ends[-1]] if ends else ""


def event_place(ctx: Context, ev: PublicityEvent) -> str:
    place = (ev.place or "").strip()
    unit = ev.unit
    if unit.kind in VILLAGE_KINDS and unit.name not in place:
        place = unit.name + place  # a village's event: "红星村" + "村委会"
    return place


def event_text(ctx: Context, ev: PublicityEvent) -> str:
    """ "3月15日在东风农贸市场开展“3·15 消费者权益保护宣传”活动"."""
    title = ev.title.strip()
    what = f"“{title}”" + ("" if title.endswith("活动") else "活动")
    raw = (ev.place or "").strip()
    if ev.place_kind == PlaceKind.ONLINE or any(w in raw for w in ("线上", "直播", "网络")):
        return f"{day(ev.date)}通过{raw or '网络平台'}开展{what}"
    place = event_place(ctx, ev)
    return f"{day(ev.date)}在{place}开展{what}" if place else f"{day(ev.date)}开展{what}"


def event_source(ev: PublicityEvent) -> Source:
    return Source(
        f"普法活动 {ev.date:%Y-%m-%d} {ev.title}", reverse("publicity:event_detail", args=[ev.pk])
    )


def _events(ctx: Context):
    return ctx.records(PublicityEvent, "date")


# --------------------------------------------------------------------------- points
def points(ctx: Context) -> list[Point]:
    out = (
        _themed_days(ctx),
        _liaisons_and_models(ctx),
        _duties(ctx),
        _positions(ctx),
        _schools(ctx),
    )
    return [p for p in out if p]


def _positions(ctx: Context) -> Point | None:
    """普法阵地: the standing channels (村村响, 宣传栏, 宣传车, 微信群 …) and the 法治文化阵地."""
    channels = [f"publicity.channel_{k}" for k in CHANNEL_UNITS if ctx.n(f"publicity.channel_{k}")]
    sites = [f"publicity.site_{k}" for k in SITE_UNITS if ctx.n(f"publicity.site_{k}")]
    if not channels and not sites:
        return None
    parts = []
    if channels:
        used = "、".join(f"{registry.get(c).phrase}{ctx.fig(c)}" for c in channels)
        parts.append(f"依托{used}等渠道开展普法宣传")
    if sites:
        built = "、".join(f"{registry.get(c).phrase}{ctx.fig(c)}" for c in sites)
        parts.append(f"建成{built}，打造群众身边的法治文化阵地")
    text = ctx.voice.we + "，".join(parts) + "。"
    return Point(
        THEME,
        "建强普法宣传阵地",
        text,
        sources=[ctx.indicator_source(c) for c in channels + sites],
        weight=55,
        key="publicity.positions",
        records=0,
    )


def _schools(ctx: Context) -> Point | None:
    """法治副校长: the schools given one and how many are in office."""
    if not ctx.n("publicity.vice_principals"):
        return None
    text = (
        f"深化青少年法治教育，为辖区{ctx.fig('publicity.vice_principal_schools')}学校"
        f"配备法治副校长{ctx.fig('publicity.vice_principals')}"
    )
    school_events = _events(ctx).filter(place_kind=PlaceKind.SCHOOL).count()
    if school_events:
        # not a figure of its own: a count of the ledger's events, said only when present
        text += "，开展法治进校园活动"
    return Point(
        THEME,
        "抓好青少年法治教育",
        text + "。",
        sources=[
            ctx.indicator_source(c)
            for c in ("publicity.vice_principals", "publicity.vice_principal_schools")
        ],
        weight=50,
        key="publicity.schools",
        records=0,
    )


def _themed_days(ctx: Context) -> Point | None:
    """The themed days and what was done on them; the year's publicity totals."""
    if not ctx.n("publicity.events"):
        return None
    fields = ("pk", "unit", "date", "title", "theme", "free_theme", "place_kind", "place")
    themed = list(
        _events(ctx)
        .exclude(theme=Theme.FREE)
        .select_related("unit")
        .only(*fields, "partners", "audience", "unit__name", "unit__kind")
        .order_by("date", "pk")[:500]
    )
    kinds = set(_events(ctx).order_by().values_list("place_kind", flat=True).distinct())
    reach = "、".join(PlaceKind(k).label for k in PLACE_ORDER if k in kinds)
    if themed:
        best: dict[str, PublicityEvent] = {}
        for ev in themed:  # each day's widest-reaching event
            if ev.theme not in best or ev.audience > best[ev.theme].audience:
                best[ev.theme] = ev
        named = [best[t] for t in DAY_PRIORITY if t in best][:MAX_EVENTS]
        days = "、".join(theme_label(t) for t in DAY_ORDER if t in best)
        partners = Counter(p for ev in themed for p in (ev.partners or "").split("、") if p.strip())
        text = f"结合{days}等重要节点，"
        if partners:
            top = [p for p, _ in sorted(partners.items(), key=lambda pn: (-pn[1], pn[0]))[:3]]
            text += f"联合{'、'.join(top)}等单位，"
        text += f"开展主题日集中宣传{ctx.fig('publicity.themed_events')}"
        lead = "集中开展主题宣传"
    else:
        # no themed day recorded: the year's widest-reaching events by their own themes
        named, seen = [], set()
        for ev in (
            _events(ctx)
            .select_related("unit")
            .only(*fields, "audience", "unit__name", "unit__kind")
            .order_by("-audience", "date", "pk")[:50]
        ):
            if ev.theme_label not in seen:
                named.append(ev)
                seen.add(ev.theme_label)
            if len(named) == 3:
                break
        text = f"围绕{joined([ev.theme_label for ev in named])}等主题开展普法宣传"
        lead = "广泛开展普法宣传"
    named.sort(key=lambda ev: (ev.date, ev.pk))
    if reach:
        text += f"，推动普法宣传{reach}"
    forms = set(_events(ctx).order_by().values_list("form", flat=True).distinct())
    used = [label for value, label in EventForm.choices if value in forms and value != "other"]
    if used:
        text += f"，采取{'、'.join(used)}等形式"
    text += "：" + "，".join(event_text(ctx, ev) for ev in named) + "。"
    totals = [f"全年共开展普法宣传活动{ctx.fig('publicity.events')}"]
    yoy = ctx.yoy("publicity.events")
    if yoy:
        totals[0] += f"，{yoy}"
    for code, phrase in (
        ("publicity.audience", "受众"),
        ("publicity.materials", "发放各类宣传材料"),
        ("publicity.materials_banners", "悬挂横幅"),
        ("publicity.materials_posters", "张贴海报"),
        ("publicity.materials_led", "LED显示屏滚动播放法治标语"),
        ("publicity.consultations", "现场接待群众法律咨询"),
    ):
        if ctx.n(code):
            totals.append(f"{phrase}{ctx.fig(code)}")
    text += "，".join(totals) + "。"
    codes = ["publicity.events", "publicity.audience", "publicity.materials"]
    codes += [
        c
        for c in (
            "publicity.materials_banners",
            "publicity.materials_posters",
            "publicity.materials_led",
        )
        if ctx.n(c)
    ]
    codes += ["publicity.consultations"] + (["publicity.themed_events"] if themed else [])
    return Point(
        THEME,
        lead,
        text,
        sources=[event_source(ev) for ev in named] + [ctx.indicator_source(c) for c in codes],
        weight=75,  # the 全民普法 statement every seed makes: before the study details
        key="publicity.themed_days",
        records=len(named),
    )


def _duties(ctx: Context) -> Point | None:
    """谁执法谁普法: the bodies on the year's duty list and the events each held (a body
    named in several units, e.g. every township's 派出所, is named once)."""
    duties = list(services.duty_fulfilment(ctx.unit, ctx.year))
    if not duties:
        return None
    by_body: dict[str, list[PublicityDuty]] = {}
    for d in duties:
        by_body.setdefault(d.body, []).append(d)
    held = {b: sum(d.held for d in ds) for b, ds in by_body.items()}
    bodies = sorted(by_body, key=lambda b: (-held[b], b))[:3]
    more = "等" if len(duties) > len(bodies) else ""
    text = (
        f"将{joined(bodies)}{more}{ctx.fig('publicity.duties')}执法单位的普法责任"
        f"列入{ctx.year}年度普法责任清单"
    )
    named: list[PublicityEvent] = []
    doing = [b for b in bodies if held[b]]
    if doing:
        pks = {d.pk: d.body for b in doing for d in by_body[b]}
        firsts: dict[str, dict[str, PublicityEvent]] = {}
        for ev in (
            PublicityEvent.objects.filter(duty__in=list(pks), date__year=ctx.year)
            .only("pk", "duty", "date", "title")
            .order_by("date", "pk")[:500]
        ):
            firsts.setdefault(pks[ev.duty_id], {}).setdefault(ev.title.strip(), ev)
        done = []
        for b in doing:
            shown = list(firsts.get(b, {}).values())[:2]
            if shown:
                named += shown
                titles = "".join(f"“{ev.title.strip()}”" for ev in shown)
                done.append(f"{b}开展{titles}{'等' if held[b] > len(shown) else ''}活动")
        if done:
            text += "，" + "，".join(done)
        text += f"，全年各执法单位按责任清单开展普法活动{ctx.fig('publicity.duty_events')}"
    text += "。"
    sources = [
        Source(
            f"普法责任 {ctx.year}年 {b}", reverse("publicity:duty_edit", args=[by_body[b][0].pk])
        )
        for b in bodies
    ]
    sources += [event_source(ev) for ev in named]
    sources += [ctx.indicator_source(c) for c in ("publicity.duties", "publicity.duty_events")]
    return Point(
        THEME,
        "压实“谁执法谁普法”责任",
        text,
        sources=sources,
        weight=50,
        key="publicity.duties",
        records=len(bodies) + len(named),
    )


def _liaisons_and_models(ctx: Context) -> Point | None:
    """法律明白人 and their trainings; 民主法治示范村(社区) by name and level."""
    parts, sources, records = [], [], 0
    lead = []
    if ctx.n("publicity.liaisons"):
        villages = Unit.objects.subtree(ctx.unit).villages().filter(active=True)
        full = villages.exists() and not services.villages_without_liaison(ctx.unit).exists()
        parts.append(
            f"注重发挥“法律明白人”作用，{ctx.voice.whole}现有在册法律明白人"
            f"{ctx.fig('publicity.liaisons')}"
            + (f"，实现{ctx.voice.grassroots}全覆盖" if full else "")
        )
        sources.append(Source("法律明白人名册", reverse("publicity:liaison_list")))
        sources.append(ctx.indicator_source("publicity.liaisons"))
        lead.append("培育“法律明白人”队伍")
    topics: dict[str, LiaisonTraining] = {}
    for t in (
        ctx.records(LiaisonTraining, "date")
        .only("pk", "date", "topic", "trainer")
        .order_by("date", "pk")[:200]
    ):
        topics.setdefault(t.topic.strip(), t)  # each topic once (a county's townships repeat)
    trainings = list(topics.values())[:2]
    if trainings:
        whos = {trainer_text(t.trainer) for t in trainings}
        held = []
        for t in trainings:
            topic = t.topic.strip()
            text = f"{day(t.date)}举办“{topic}”" + ("" if topic.endswith("培训") else "培训")
            who = trainer_text(t.trainer)
            held.append(text + (f"，由{who}授课" if who and len(whos) > 1 else ""))
            sources.append(
                Source(
                    f"法律明白人培训 {t.date:%Y-%m-%d} {t.topic}",
                    reverse("publicity:training_detail", args=[t.pk]),
                )
            )
        (only,) = whos if len(whos) == 1 else ("",)
        if only:
            held[-1] += f"，{'均' if len(trainings) > 1 else ''}由{only}授课"
        records += len(trainings)
        sentence = (
            "，".join(held) + f"，全年开展法律明白人培训{ctx.fig('publicity.liaison_trainings')}"
        )
        if ctx.n("publicity.liaisons_trained"):
            sentence += f"、培训法律明白人{ctx.fig('publicity.liaisons_trained')}"
        parts.append(sentence)
        sources.append(ctx.indicator_source("publicity.liaison_trainings"))
        if not lead:
            lead.append("加强“法律明白人”培训")
    if ctx.n("publicity.model_villages"):
        titles = list(
            ModelVillage.objects.in_subtree(ctx.unit)
            .filter(year__lte=ctx.year)
            .select_related("unit")
            .only("pk", "kind", "level", "year", "awarded_by", "unit__name")
            .order_by("unit__path")[:200]
        )
        top: dict[int, ModelVillage] = {}
        for m in titles:  # each village by its highest title
            if m.unit_id not in top or LEVEL_RANK[m.level] > LEVEL_RANK[top[m.unit_id].level]:
                top[m.unit_id] = m
        new = [m for m in titles if m.year == ctx.year][:2]
        sentence = ""
        if new:
            sentence = (
                "，".join(
                    f"{m.unit.name}被{m.awarded_by.strip() + '命名为' if m.awarded_by.strip() else '命名为'}"
                    f"{m.get_level_display()}{m.get_kind_display()}"
                    for m in new
                )
                + "，"
            )
        ranked = sorted(top.values(), key=lambda m: (-LEVEL_RANK[m.level], m.unit.name))
        shown = ranked[:5]
        by_level: dict[str, list[str]] = {}
        for m in shown:
            by_level.setdefault(m.get_level_display(), []).append(m.unit.name)
        listing = "；".join(f"{lv}：{'、'.join(names)}" for lv, names in by_level.items())
        sentence += (
            f"{ctx.voice.whole}累计创建民主法治示范村（社区）{ctx.fig('publicity.model_villages')}"
            f"（{listing}{'等' if len(ranked) > len(shown) else ''}）"
        )
        parts.append(sentence)
        records += len({m.pk for m in shown} | {m.pk for m in new})
        sources.append(Source("民主法治示范村(社区)", reverse("publicity:model_list")))
        sources.append(ctx.indicator_source("publicity.model_villages"))
        lead.append("推进民主法治示范创建")
    if not parts:
        return None
    return Point(
        THEME,
        "，".join(lead),
        "；".join(parts) + "。",
        sources=sources,
        weight=60,
        key="publicity.liaisons",
        records=records,
    )


# --------------------------------------------------------------------------- plans
def plans(ctx: Context) -> list[PlanHint]:
    out = []
    missing = list(
        services.villages_without_liaison(ctx.unit)
        .order_by("path")
        .values_list("name", flat=True)[:4]
    )
    if missing:
        names = "、".join(missing[:3]) + ("等" if len(missing) > 3 else "")
        out.append(
            PlanHint(
                THEME,
                f"为{names}选聘培育法律明白人，实现{ctx.voice.grassroots}法律明白人全覆盖",
                [Source("法律明白人名册", reverse("publicity:liaison_list"))],
            )
        )
    behind = [d for d in services.duty_fulfilment(ctx.unit, ctx.year) if d.held < d.target_events]
    if behind:
        bodies = list(dict.fromkeys(d.body for d in behind))
        out.append(
            PlanHint(
                THEME,
                f"督促{joined(bodies)}{'等执法单位' if len(bodies) > 3 else ''}"
                "按照普法责任清单开展普法活动，完成年度普法任务",
                [Source(f"{ctx.year}年度普法责任清单", reverse("publicity:duty_list"))],
            )
        )
    return out


register(Contribution("publicity", points=points, plans=plans, order=55))
