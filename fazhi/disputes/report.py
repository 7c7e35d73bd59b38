"""The disputes app's part of the annual report: theme "disputes" (矛盾纠纷、人民调解、
信访、12345热线、网格).

Section one gets up to five points, each only when the year's records hold something
for it: the disputes mediated (figures, the leading categories), the mediation
committees and who mediated (with one or two typical cases, anonymised), petitions
(with the heads' receptions and the zero statements the ledger can prove), the hotline,
and the grid workers' events. Section three gets each head's receptions of petitioners
(the 领导接访下访 ledger, ``reception_report``; and a ``Petition.leader_name`` not linked
to a reception there, so none is counted twice); section two the rates below target and
the overdue cases; section four what the committees' roster and the open backlog call for.

The indicators the points need beyond ``fazhi.indicators.definitions`` are declared
here (groups ``mediation``, ``disputes_report``, ``petitions_report``, ``grid_report``):
aggregate queries over the unit's subtree, as every group.

What the records cannot tell is never claimed: 越级访 is stated from ``Petition.over_level``
alone, and "全年未发生越级访" only for a year with petitions recorded and none flagged
(``over_level_text``); a head's receptions name a place only from the reception ledger.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q
from django.db.models.functions import Coalesce
from django.urls import reverse

from fazhi.indicators import registry
from fazhi.indicators.registry import (
    LOWER,
    Indicator,
    IndicatorUnavailable,
    Value,
    group,
    indicator,
)
from fazhi.reports.contrib import (
    Context,
    Contribution,
    Found,
    HeadAct,
    PlanHint,
    Point,
    Source,
    anonymise,
    below_target,
    day,
    joined,
    most_frequent,
    register,
)

from .models import (
    COMMITTEE_KINDS,
    Dispute,
    DisputeParty,
    GridCase,
    GridCategory,
    HotlineAppeal,
    LeaderReception,
    MediationCommittee,
    OrganisationKind,
    OverLevel,
    Petition,
    PetitionChannel,
)
from .reception_report import (
    assistance_sentence,
    reception_acts,
    reception_sentence,
    who_received,
)
from .training_report import training_sentences

THEME = "disputes"
DISPUTE_OPEN = ("registered", "assigned", "mediating")  # not yet concluded (as the indicator)
VILLAGE_KINDS = ("village", "community")
K = OrganisationKind
PLAIN_COMMITTEES = (K.VILLAGE, K.TOWNSHIP)  # the village and township 人民调解委员会
SATISFIED = ("satisfied", "basic")  # 满意、基本满意, as petitions.satisfaction_rate


def _span(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


# --------------------------------------------------------------------------- indicators
@group(
    "mediation", "人民调解组织", reads=("disputes.CommitteeMember", "disputes.MediationCommittee")
)
def _mediation(unit, year):
    """The unit's 调解组织 in being on 31 Dec: a committee whose term started by then,
    another body registered by then. ``committees`` are the village and township 人民调解
    委员会 (as before the other kinds existed), ``mediators`` their active members."""
    end = dt.date(year, 12, 31)
    existing = Q(term_start__lte=end) | Q(term_start__isnull=True, created_at__date__lte=end)
    qs = MediationCommittee.objects.in_subtree(unit).filter(existing)
    agg = qs.aggregate(
        n=Count("pk", filter=Q(kind__in=PLAIN_COMMITTEES), distinct=True),
        mediators=Count(
            "members", filter=Q(kind__in=PLAIN_COMMITTEES, members__active=True), distinct=True
        ),
        organisations=Count("pk", distinct=True),
        **{
            kind: Count("pk", filter=Q(kind=kind), distinct=True)
            for kind in (K.PROFESSIONAL, K.CENTRE, K.ROOM, K.ADMINISTRATIVE, K.COURT_LINK)
        },
    )
    return {
        "mediation.committees": Value.count(agg["n"]),
        "mediation.mediators": Value.count(agg["mediators"]),
        "mediation.organisations": Value.count(agg["organisations"]),
        "mediation.professional_committees": Value.count(agg[K.PROFESSIONAL]),
        "mediation.centres": Value.count(agg[K.CENTRE]),
        "mediation.rooms": Value.count(agg[K.ROOM]),
        "mediation.administrative_bodies": Value.count(agg[K.ADMINISTRATIVE]),
        "mediation.court_links": Value.count(agg[K.COURT_LINK]),
    }


indicator(
    Indicator(
        "mediation.committees", "人民调解委员会", "个", "mediation", phrase="建立人民调解委员会"
    )
)
indicator(
    Indicator("mediation.mediators", "人民调解员", "名", "mediation", phrase="配备人民调解员")
)
for _code, _name in (
    ("mediation.organisations", "调解组织"),
    ("mediation.professional_committees", "行业性专业性人民调解委员会"),
    ("mediation.centres", "综治中心（矛盾纠纷调处化解中心）"),
    ("mediation.rooms", "调解工作室"),
    ("mediation.administrative_bodies", "行政调解机构"),
    ("mediation.court_links", "诉调对接工作室"),
):
    indicator(Indicator(_code, _name, "个", "mediation", phrase=_name))


@group("petitions_report", "信访（报告）", reads=("disputes.LeaderReception", "disputes.Petition"))
def _petitions_report(unit, year):
    """Counts a report states as zeros too, so only for a unit that keeps the ledger:
    a subtree without a single petition up to the year's end has nothing to prove a
    "无信访积案" with (``unavailable``)."""
    start, end = _span(year)
    qs = Petition.objects.in_subtree(unit).filter(received_on__lte=end)
    in_year = Q(received_on__gte=start)
    linked = LeaderReception.petitions.through.objects.filter(petition_id=OuterRef("pk"))
    agg = qs.aggregate(
        kept=Count("pk"),
        backlog_open=Count(
            "pk",
            filter=Q(backlog=True)
            & (Q(backlog_since__isnull=True) | Q(backlog_since__lte=end))
            & (Q(backlog_resolved_at__isnull=True) | Q(backlog_resolved_at__date__gt=end)),
        ),
        group_visits=Count("pk", filter=in_year & Q(is_group=True)),
        # a head's reception recorded on the petition alone: one the 领导接访下访 ledger
        # holds (the petition linked there) is counted there, not twice
        # (EXISTS, not a join: a join would repeat a petition per reception in every count)
        leader=Count("pk", filter=in_year & ~Q(leader_name="") & ~Q(Exists(linked))),
        received=Count("pk", filter=in_year),
        over=Count("pk", filter=in_year & ~Q(over_level="")),
        **{
            f"over_{level}": Count("pk", filter=in_year & Q(over_level=level))
            for level in OverLevel.values
        },
        first_rated=Count("pk", filter=in_year & Q(first_petition=True) & ~Q(satisfaction="")),
        first_satisfied=Count(
            "pk",
            filter=in_year & Q(first_petition=True, satisfaction__in=SATISFIED),
        ),
    )
    if not agg["kept"]:
        raise IndicatorUnavailable("信访台账尚无记录")
    out = {
        "petitions.backlog_open": Value.count(agg["backlog_open"]),
        "petitions.group_visits": Value.count(agg["group_visits"]),
        "petitions.leader_received": Value.count(agg["leader"]),
        "disputes.first_petition_satisfaction": Value.rate(
            agg["first_satisfied"], agg["first_rated"]
        ),
    }
    # 越级访: a zero says "未发生越级访", so only for a year with petitions recorded
    codes = {"disputes.petitions_over_level": "over"} | {
        f"disputes.petitions_over_level_{level}": f"over_{level}" for level in OverLevel.values
    }
    for code, key in codes.items():
        out[code] = Value.count(agg[key]) if agg["received"] else Value.na("本年未登记信访件")
    return out


indicator(
    Indicator(
        "petitions.backlog_open",
        "未化解信访积案",
        "件",
        "petitions_report",
        direction=LOWER,
        target=Decimal(0),
    )
)
indicator(
    Indicator(
        "petitions.group_visits",
        "集体访",
        "批次",
        "petitions_report",
        direction=LOWER,
        phrase="接待集体访",
    )
)
indicator(
    Indicator(
        "petitions.leader_received",
        "领导接访下访",
        "批次",
        "petitions_report",
        phrase="接访下访",
    )
)
indicator(
    Indicator("disputes.petitions_over_level", "越级访", "件", "petitions_report", direction=LOWER)
)
for _level, _label in OverLevel.choices:
    indicator(
        Indicator(
            f"disputes.petitions_over_level_{_level}",
            f"越级访（{_label}）",
            "件",
            "petitions_report",
            direction=LOWER,
            phrase=f"{_label}越级访",
        )
    )
indicator(
    Indicator(
        "disputes.first_petition_satisfaction",
        "初信初访满意率",
        "%",
        "petitions_report",
        kind="rate",
    )
)


# --------------------------------------------------------------------------- wording
def _url(name: str, *args, query: str = "") -> str:
    return reverse(f"disputes:{name}", args=args) + (f"?{query}" if query else "")


def _kind(name: str) -> str:
    """婚姻家庭 / 邻里纠纷 → 婚姻家庭 / 邻里 (the sentence adds 纠纷 once)."""
    return (name or "").strip().removesuffix("纠纷")


def _amount(v: Decimal) -> str:
    """12.01万元 / 6800元, as a case is described (not the indicator's total)."""
    if v >= 10000:
        return registry.number_text((v / 10000).quantize(Decimal("0.01"))) + "万元"
    return registry.number_text(v.quantize(Decimal(1))) + "元"


ORG_SUFFIXES = ("有限公司", "公司", "合作社", "厂", "学校", "医院", "酒店", "超市")


def _party(p) -> str:
    if p.kind == "org":
        for suffix in ORG_SUFFIXES:
            if p.name.endswith(suffix):
                return "某" + suffix.removeprefix("有限")
        return "某单位"
    return anonymise(p.name)


def _parties(d) -> str:
    """王某与李某 (the first applicant and the first respondent), anonymised."""
    people = list(d.parties.all())
    first = [_party(p) for p in people if p.side == "applicant"][:1]
    second = [_party(p) for p in people if p.side == "respondent"][:1]
    names = [n for n in first + second if n]
    if len(names) == 2 and names[0] == names[1]:
        return f"两户{names[0][0]}姓村民" if names[0].endswith("某") else names[0]
    return "与".join(names) or "当事人"


def _top(rows, key: str, limit: int = 3, skip: tuple[str, ...] = ("其他",)):
    """(label, n) of the most frequent values, ties in the order the query gave them."""
    out = [(r[key], r["n"]) for r in rows if r[key] and r[key] not in skip]
    return out[:limit]


def _counts(pairs: list[tuple[str, int]], suffix: str) -> str:
    """ "咨询类532件、投诉类410件和求助类401件" """
    return joined([f"{label}{suffix}{n}件" for label, n in pairs], limit=len(pairs))


def _rates(ctx: Context, pairs, codes: list[str]) -> str:
    """Each indicator of ``pairs`` (code, phrase) that has a figure, as "，办结率98.5%",
    its code added to ``codes`` (the paragraph's sources)."""
    text = ""
    for code, phrase in pairs:
        if ctx.ok(code):
            text += f"，{phrase}{ctx.fig(code)}"
            codes.append(code)
    return text


def _upper(ctx: Context) -> str:
    """How the unit names its own (township-level) committee: 镇/乡/街道/开发区."""
    v = ctx.voice
    return v.we.removeprefix("我") if v.kind == "zone" else v.place


MATTER_PREFIXES = ("反映", "要求解决", "请求解决", "要求", "请求", "关于", "咨询", "投诉")


def matter_core(matter: str) -> str:
    """What a petition is about, as "协调解决……问题" takes it:
    反映征地补偿款未足额发放 → 征地补偿款未足额发放; 对宅基地审批有异议 → 宅基地审批异议."""
    text = (matter or "").strip().rstrip("。；;")
    m = re.fullmatch(r"对(.+)有异议", text)
    if m:
        return m.group(1) + "异议"
    for prefix in MATTER_PREFIXES:
        if text.startswith(prefix) and len(text) > len(prefix) + 1:
            text = text[len(prefix) :]
            break
    return text.removesuffix("问题") or "群众反映的"


# --------------------------------------------------------------------------- points
def _disputes_point(ctx: Context) -> Point | None:
    if not ctx.n("disputes.mediated"):
        return None
    fig = ctx.fig
    start, end = _span(ctx.year)
    qs = Dispute.objects.in_subtree(ctx.unit).filter(registered_on__range=(start, end))
    cats = _top(
        qs.values("category_id", "category__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "category__order", "category__name"),
        "category__name",
    )
    codes = ["disputes.mediated"]
    figures = f"全年共调处矛盾纠纷{fig('disputes.mediated')}"
    change = ctx.yoy("disputes.mediated")
    if change:
        figures += f"，{change}"
    if ctx.n("disputes.succeeded"):
        figures += f"，调解成功{fig('disputes.succeeded')}"
        codes.append("disputes.succeeded")
    for code, phrase in (
        ("disputes.success_rate", "调解成功率"),
        ("disputes.amount_yuan", "涉及金额"),
        ("disputes.resolved_in_village_rate", "村级化解率"),
    ):
        if ctx.ok(code) and (registry.get(code).is_rate or ctx.n(code)):
            figures += f"，{phrase}{fig(code)}"
            codes.append(code)
    # (the theme's lead sentence already says the unit's 枫桥 saying: not repeated here)
    text = f"{figures}。"
    if cats:
        names = [_kind(c) for c, _n in cats]
        numbers = "、".join(f"{n}件" for _c, n in cats)
        if len(cats) == 1:
            text += f"从纠纷类型看，{names[0]}纠纷最多，共{cats[0][1]}件"
        else:
            rank = "前三位" if len(cats) >= 3 else "前两位"
            text += f"从纠纷类型看，{joined(names)}纠纷居{rank}，分别为{numbers}"
        if ctx.n("disputes.large"):
            text += f"；{registry.get('disputes.large').phrase}{fig('disputes.large')}"
            codes.append("disputes.large")
        text += "。"
    sources = [ctx.indicator_source(c) for c in codes]
    # the categories as links to the ledger filtered by each (one small query)
    ids = dict(
        qs.filter(category__name__in=[c for c, _n in cats])
        .values_list("category__name", "category_id")
        .distinct()
    )
    sources += [
        Source(f"{_kind(c)}纠纷（{n}件）", _url("dispute_list", query=f"category={ids[c]}"))
        for c, n in cats
        if c in ids
    ]
    return Point(
        THEME,
        "健全矛盾纠纷多元化解机制",
        text,
        sources=sources,
        weight=90,
        key="disputes.mediation",
    )


def typical_cases(ctx: Context, limit: int = 2) -> list[Dispute]:
    """The year's largest disputes mediated to agreement, one per category: the typical
    cases a report names (largest amount first, then the latest agreement, then id)."""
    start, end = _span(ctx.year)
    # the candidates' ids first (one indexed scan, no joins), then those rows in full
    ids = list(
        Dispute.objects.in_subtree(ctx.unit)
        .filter(registered_on__range=(start, end), outcome="succeeded", amount__gt=0)
        .order_by("-amount", "-agreement_on", "pk")
        .values_list("pk", flat=True)[:20]
    )
    if not ids:
        return []
    by_id = {
        d.pk: d
        for d in Dispute.objects.filter(pk__in=ids)
        .select_related("village", "committee", "category", "unit")
        # names only: the identifiers are encrypted and a case never shows them
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=DisputeParty.objects.only("dispute_id", "side", "kind", "name"),
            )
        )
        .annotate(sessions_n=Count("sessions", distinct=True))
        .annotate(
            performed_n=Count("followups", filter=Q(followups__performed=True), distinct=True)
        )
    }
    rows = [by_id[pk] for pk in ids if pk in by_id]
    out, seen = [], set()
    for d in rows:
        if d.category_id in seen or not d.parties.all():
            continue  # one case a category; a case names its parties
        seen.add(d.category_id)
        out.append(d)
        if len(out) == limit:
            break
    return out


def _case_text(d: Dispute, first: bool) -> str:
    place = d.village.name if d.village_id else ""
    who = f"{place}{_parties(d)}"
    body = f"{who}{_kind(d.category.name)}纠纷，涉案金额{_amount(d.amount)}"
    by = d.committee.name if d.committee_id else "调解员"
    times = f"{d.sessions_n}次" if d.sessions_n > 1 else ""
    form = {"written": "书面", "oral": "口头"}.get(d.agreement_form, "")
    when = f"于{day(d.agreement_on)}" if d.agreement_on else ""
    body += f"，经{by}{times}调解，双方{when}达成{form}调解协议"
    if d.judicial_confirmed_on:
        body += f"，并经{d.judicial_court or '人民法院'}司法确认"
    if d.performed_n:
        body += "，回访时协议已履行"
    return ("如" if first else "又如") + body


# the kinds of organisation other than the village and township committees, in the order
# a report names them, with the indicator counting them
OTHER_ORGANISATIONS = (
    ("mediation.centres", "综治中心"),
    ("mediation.professional_committees", "行业性专业性人民调解委员会"),
    ("mediation.rooms", "调解工作室"),
    ("mediation.administrative_bodies", "行政调解机构"),
    ("mediation.court_links", "诉调对接工作室"),
)
NAMED_ORGANISATIONS = 3  # the busiest other organisations a report names


def _organisations_sentences(ctx: Context, by_org: list[dict]) -> tuple[list[str], list, int]:
    """What the unit's organisations other than the 调委会 are and did: how many of each
    kind (“全镇建有综治中心1个、调解工作室2个”), the busiest of them by name with the
    disputes each handled, the routes other than people's mediation and the court-referred
    cases. Each only when the records hold it."""
    v, fig = ctx.voice, ctx.fig
    sentences, sources, records = [], [], 0
    kinds = [(code, label) for code, label in OTHER_ORGANISATIONS if ctx.n(code)]
    if kinds:
        sentences.append(
            f"{v.whole}建有" + "、".join(f"{label}{fig(code)}" for code, label in kinds)
        )
        sources += [ctx.indicator_source(code) for code, _ in kinds]
    others = [r for r in by_org if r["committee__kind"] not in PLAIN_COMMITTEES]
    if others:
        named = others[:NAMED_ORGANISATIONS]
        s = "、".join(f"{r['committee__name']}调处{r['n']}件" for r in named)
        rest = sum(r["n"] for r in others[NAMED_ORGANISATIONS:])
        if rest:
            s += f"，其他调解组织调处{rest}件"
        sentences.append(s)
        sources += [
            Source(r["committee__name"], _url("committee_edit", r["committee_id"])) for r in named
        ]
        records += len(named)
    routes = [
        (code, label)
        for code, label in (
            ("disputes.route_administrative", "通过行政调解办理纠纷"),
            ("disputes.route_professional", "通过行业性专业性调解办理纠纷"),
        )
        if ctx.n(code)
    ]
    if routes and not others:  # else the organisations named say it (派出所 = 行政调解)
        sentences.append("、".join(f"{label}{fig(code)}" for code, label in routes))
        sources += [ctx.indicator_source(code) for code, _ in routes]
    court = [
        (code, label)
        for code, label in (
            ("disputes.court_referred", "受理法院委派委托调解"),
            ("disputes.judicial_confirmed", "调解协议申请司法确认"),
        )
        if ctx.n(code)
    ]
    if court:
        sentences.append("，".join(f"{label}{fig(code)}" for code, label in court))
        sources += [ctx.indicator_source(code) for code, _ in court]
    return sentences, sources, records


def _mediation_point(ctx: Context) -> Point | None:
    v, fig = ctx.voice, ctx.fig
    start, end = _span(ctx.year)
    by_org = list(
        Dispute.objects.in_subtree(ctx.unit)
        .filter(registered_on__range=(start, end), committee__isnull=False)
        .values("committee_id", "committee__name", "committee__kind", "committee__unit__kind")
        .annotate(n=Count("pk"))
        .order_by("-n", "committee__name")
    )
    # the village and township committees (the level split and the busiest village one)
    by_committee = [r for r in by_org if r["committee__kind"] in PLAIN_COMMITTEES]
    cases = typical_cases(ctx)
    org_sentences, org_sources, org_records = _organisations_sentences(ctx, by_org)
    trained = ctx.n("mediation.trainings")
    if not (ctx.n("mediation.committees") or by_committee or cases or org_sentences or trained):
        return None
    sentences, sources, records = [], [], 0
    if ctx.n("mediation.committees"):
        s = f"{v.whole}建立人民调解委员会{fig('mediation.committees')}"
        if ctx.n("mediation.mediators"):
            s += f"，配备人民调解员{fig('mediation.mediators')}"
        sentences.append(s)
        sources += [
            ctx.indicator_source("mediation.committees"),
            ctx.indicator_source("mediation.mediators"),
        ]
    sentences += training_sentences(ctx, sources)
    if by_committee:
        village = sum(r["n"] for r in by_committee if r["committee__unit__kind"] in VILLAGE_KINDS)
        upper = sum(r["n"] for r in by_committee) - village
        parts = []
        if upper:
            parts.append(f"{_upper(ctx)}调委会调处{upper}件")
        if village:
            parts.append(f"{v.grassroots}调委会调处{village}件")
        s = "全年" + "、".join(parts)
        # the busiest grassroots committee, when one stands out
        grassroots = [r for r in by_committee if r["committee__unit__kind"] in VILLAGE_KINDS]
        if len(grassroots) > 1 and grassroots[0]["n"] > grassroots[1]["n"]:
            top = grassroots[0]
            s += f"，其中{top['committee__name']}调处{top['n']}件，在{v.grassroots}调委会中最多"
            sources.append(
                Source(top["committee__name"], _url("committee_edit", top["committee_id"]))
            )
            records += 1
        sentences.append(s)
    sentences += org_sentences
    sources += org_sources
    records += org_records
    text = "".join(s + "。" for s in sentences)
    if cases:
        text += "；".join(_case_text(d, i == 0) for i, d in enumerate(cases)) + "。"
        for d in cases:
            label = f"{d.number} {_parties(d)}{_kind(d.category.name)}纠纷"
            sources.append(Source(label, _url("dispute_detail", d.pk)))
        records += len(cases)
    return Point(
        THEME,
        "发挥人民调解“第一道防线”作用",
        text,
        sources=sources,
        weight=80,
        key="disputes.committees",
        records=records,
    )


def _petitions_point(ctx: Context) -> Point | None:
    fig = ctx.fig
    kept = ctx.ok("petitions.backlog_open")  # the unit keeps the petitions ledger
    received = ctx.n("petitions.received")
    if not received and not kept:
        return None
    start, end = _span(ctx.year)
    qs = Petition.objects.in_subtree(ctx.unit).filter(received_on__range=(start, end))
    codes: list[str] = []
    if received:
        text = f"按照《信访工作条例》登记、受理和答复信访事项，全年受理信访件{fig('petitions.received')}"
        codes.append("petitions.received")
        change = ctx.yoy("petitions.received")
        if change:
            text += f"，{change}"
        labels = dict(PetitionChannel.choices)
        channels = [
            (labels.get(r["channel"], r["channel"]), r["n"])
            for r in qs.values("channel").annotate(n=Count("pk")).order_by("-n", "channel")
        ][:3]
        if len(channels) > 1:
            text += "，其中" + "、".join(f"{label}{n}件" for label, n in channels)
        rates = [
            (code, phrase)
            for code, phrase in (
                ("petitions.replied_on_time_rate", "按期答复率"),
                ("petitions.satisfaction_rate", "信访满意率"),
                ("disputes.first_petition_satisfaction", "初信初访满意率"),
            )
            if ctx.ok(code)
        ]
        if rates:
            text += "；" + "，".join(f"{phrase}{fig(code)}" for code, phrase in rates)
            codes += [c for c, _p in rates]
        text += "。"
    else:
        text = "按照《信访工作条例》登记、受理和答复信访事项，全年未收到信访件。"
    extra: list[Source] = []
    received_text = reception_sentence(ctx, extra)  # the 领导接访下访 ledger first
    if ctx.n("petitions.leader_received"):
        # receptions recorded on a petition alone (none of the ledger's)
        if received_text:
            received_text += f"，另在信访件办理中接访{fig('petitions.leader_received')}"
        else:
            alone = (
                qs.exclude(leader_name="").exclude(leader_post="").filter(receptions__isnull=True)
            )
            posts = list(most_frequent(alone, "leader_post")[:4])
            received_text = (
                f"{who_received(ctx, posts)}带头接访下访{fig('petitions.leader_received')}，"
                "面对面听取群众诉求"
            )
        codes.append("petitions.leader_received")
    if received_text:
        text += received_text + "。"
    assisted = assistance_sentence(ctx, extra)
    if assisted:
        text += assisted + "。"
    closing = []
    if ctx.n("petitions.backlog_resolved"):
        closing.append(f"化解信访积案{fig('petitions.backlog_resolved')}")
        codes.append("petitions.backlog_resolved")
    if ctx.zero("petitions.backlog_open"):
        closing.append(
            "年末信访积案全部化解" if ctx.n("petitions.backlog_resolved") else "年末无信访积案"
        )
        codes.append("petitions.backlog_open")
    over = over_level_text(ctx)
    if ctx.zero("petitions.group_visits"):
        if over == "全年未发生越级访":
            closing.append("全年未发生集体访和越级访")
            over = ""
        else:
            closing.append("全年未发生集体访")
        codes.append("petitions.group_visits")
    if over:
        closing.append(over)
    if ctx.ok("disputes.petitions_over_level"):
        codes.append("disputes.petitions_over_level")
    if closing:
        text += "，".join(closing) + "。"
    sources = [ctx.indicator_source(c) for c in codes] + extra
    if ctx.n("petitions.backlog_resolved") or ctx.ok("petitions.backlog_open"):
        sources.append(Source("信访积案", _url("petition_list", query="backlog=1")))
    return Point(THEME, "推进信访工作法治化", text, sources=sources, weight=70, key="petitions")


HIGH_LEVELS = ("province", "capital")  # 到省、进京: what a report names apart


def over_level_text(ctx: Context) -> str:
    """越级访 as the year's petitions record it: "全年未发生越级访" when the year has
    petitions and none went over levels; "发生越级访2件（到市），无到省进京越级访" or
    "发生越级访3件，其中到省1件、进京1件" otherwise; "" when the year has no petitions
    (nothing to prove the zero with)."""
    if not ctx.ok("disputes.petitions_over_level"):
        return ""
    if ctx.zero("disputes.petitions_over_level"):
        return "全年未发生越级访"
    text = f"发生越级访{ctx.fig('disputes.petitions_over_level')}"
    high = [lv for lv in HIGH_LEVELS if ctx.n(f"disputes.petitions_over_level_{lv}")]
    if high:
        labels = dict(OverLevel.choices)
        return (
            text
            + "，其中"
            + "、".join(
                f"{labels[lv]}{ctx.fig(f'disputes.petitions_over_level_{lv}')}" for lv in high
            )
        )
    low = [lv for lv in ("county", "city") if ctx.n(f"disputes.petitions_over_level_{lv}")]
    labels = dict(OverLevel.choices)
    return text + "（" + "、".join(labels[lv] for lv in low) + "），无到省进京越级访"


def _hotline_point(ctx: Context) -> Point | None:
    if not ctx.n("hotline.received"):
        return None
    fig = ctx.fig
    start, end = _span(ctx.year)
    qs = HotlineAppeal.objects.in_subtree(ctx.unit).filter(received_on__range=(start, end))
    lines = list(most_frequent(qs, "line"))
    line = "、".join(lines[:2]) + ("等" if len(lines) > 2 else "")
    agg = qs.aggregate(
        redo=Count("pk", filter=Q(redo_count__gt=0)),
        redo_done=Count("pk", filter=Q(redo_count__gt=0, status="completed")),
    )
    cats = _top(
        qs.values("category__name").annotate(n=Count("pk")).order_by("-n", "category__order"),
        "category__name",
        skip=(),
    )
    text = f"{line}热线工单实行签收、办理、答复、回访闭环管理，全年受理热线诉求{fig('hotline.received')}"
    codes = ["hotline.received"]
    change = ctx.yoy("hotline.received")
    if change:
        text += f"，{change}"
    text += _rates(
        ctx,
        (("hotline.completion_rate", "办结率"), ("hotline.satisfaction_rate", "热线满意率")),
        codes,
    )
    text += "。"
    if cats:
        text += f"从诉求类别看，{_counts(cats, '类')}居多"
        if agg["redo"]:
            text += f"；群众不满意退回重办的工单{agg['redo']}件，已重新办结{agg['redo_done']}件"
        text += "。"
    sources = [ctx.indicator_source(c) for c in codes]
    if agg["redo"]:
        sources.append(Source("退回重办的热线工单", _url("hotline_list", query="redo=1")))
    return Point(THEME, "及时回应群众热线诉求", text, sources=sources, weight=60, key="hotline")


def _grid_point(ctx: Context) -> Point | None:
    if not ctx.n("grid.reported"):
        return None
    fig = ctx.fig
    start, end = _span(ctx.year)
    qs = GridCase.objects.in_subtree(ctx.unit).filter(reported_on__range=(start, end))
    grids = qs.exclude(grid="").values("village_id", "grid").distinct().count()
    labels = dict(GridCategory.choices)
    cats = [
        (labels.get(r["category"], r["category"]), r["n"])
        for r in qs.values("category").annotate(n=Count("pk")).order_by("-n", "category")
        if r["category"] != GridCategory.OTHER
    ][:3]
    text = f"依托{grids}个网格开展日常巡查，" if grids else "依托网格开展日常巡查，"
    text += f"网格员上报事件{fig('grid.reported')}"
    codes = ["grid.reported"]
    if ctx.n("grid.handled"):
        text += f"，处置网格事件{fig('grid.handled')}"
        codes.append("grid.handled")
    text += _rates(
        ctx, (("grid.on_the_spot_rate", "就地处置率"), ("grid.on_time_rate", "按期处置率")), codes
    )
    text += "。"
    if cats:
        text += f"上报事件中，{_counts(cats, '类')}居多"
        if ctx.n("grid.escalated"):
            text += f"；对需要调解的矛盾纠纷线索，转为矛盾纠纷{fig('grid.escalated')}登记调处"
            codes.append("grid.escalated")
        text += "。"
    sources = [ctx.indicator_source(c) for c in codes]
    if ctx.n("grid.escalated"):
        sources.append(
            Source("转为矛盾纠纷的网格事件", _url("grid_list", query="status=escalated"))
        )
    return Point(THEME, "做实网格化服务管理", text, sources=sources, weight=50, key="grid")


def points(ctx: Context) -> list[Point]:
    out = [
        p
        for p in (
            _disputes_point(ctx),
            _mediation_point(ctx),
            _petitions_point(ctx),
            _hotline_point(ctx),
            _grid_point(ctx),
        )
        if p is not None
    ]
    return sorted(out, key=lambda p: -p.weight)


# --------------------------------------------------------------------------- heads
def head_acts(ctx: Context) -> list[HeadAct]:
    """Each reception of petitioners a head recorded: the 领导接访下访 ledger's, then a
    petition's own 接访领导 where no reception in the ledger holds that petition (so one
    reception is one act), dated by the petition."""
    start, end = _span(ctx.year)
    out = reception_acts(ctx, matter_core)
    rows = (
        Petition.objects.in_subtree(ctx.unit)
        .filter(received_on__range=(start, end), receptions__isnull=True)
        .exclude(leader_name="")
        .select_related("village")
        .order_by("received_on", "pk")
        .distinct()
    )
    for p in rows:
        village = p.village.name if p.village_id else ""
        if p.channel == "visit" and p.is_group:
            act = f"接待{village}{p.group_size}名群众集体来访"
        elif p.channel == "visit":
            act = f"接待{village}来访群众"
        else:
            act = f"包案办理{village}群众反映的信访事项"
        out.append(
            HeadAct(
                name=p.leader_name,
                post=p.leader_post,
                text=f"{act}，协调解决{matter_core(p.matter)}问题",
                date=p.received_on,
                kind="petition",
                topic=matter_core(p.matter),
                sources=[Source(f"信访件 {p.number}", _url("petition_detail", p.pk))],
            )
        )
    return out


# --------------------------------------------------------------------------- shortfalls
def _suggestions(ctx: Context) -> dict[str, list[str]]:
    g = ctx.voice.grassroots
    return {
        "disputes.success_rate": [
            "部分纠纷历史遗留问题多、当事人诉求差距大，调解难度较大",
            "调解员运用法律和政策化解疑难纠纷的能力还不够强",
            "诉调、警调、访调衔接还不够顺畅，疑难纠纷缺少专业力量支持",
            "对涉及金额较大、专业性强的纠纷缺少行业性专业性调解力量",
        ],
        "disputes.resolved_in_village_rate": [
            f"部分{g}调委会组成人员不足、兼职较多，就地化解力量薄弱",
            f"{g}调解员业务培训不够，部分纠纷未在{g}一级充分调解即上交",
            "网格排查不够深入细致，矛盾纠纷发现不早、介入不及时",
            f"部分群众对{g}调解信任度不高，倾向于越级反映",
        ],
        "petitions.replied_on_time_rate": [
            "部分信访事项涉及多个部门，协调办理耗时较长",
            "信访事项办理期限跟踪提醒不到位，个别承办人对期限把握不严",
            "复杂疑难信访事项调查核实工作量大，书面答复不够及时",
            "信访工作力量不足，兼职承办人员较多",
        ],
        "petitions.satisfaction_rate": [
            "部分信访人诉求超出政策规定，难以完全满足",
            "处理意见释法说理不够充分，群众理解认可度不高",
            "办理过程中与信访人沟通不够，回访跟踪不及时",
            "部分历史遗留问题一时难以彻底解决",
        ],
        "hotline.completion_rate": [
            "部分诉求涉及跨部门、跨层级职责，办理流程较长",
            "承办人员对工单签收和办理时限重视不够",
            "个别诉求受政策、资金等客观条件限制，短期内难以办结",
            "工单分派和督办机制还不够完善",
        ],
        "hotline.satisfaction_rate": [
            "部分诉求只答复不解决，群众获得感不强",
            "答复内容过于简单，解释说明不到位",
            "办结后回访不及时，未能跟进群众后续诉求",
            "部分诉求人期望值较高，超出政策范围",
        ],
    }


def _plans(ctx: Context) -> dict[str, str]:
    g = ctx.voice.grassroots
    return {
        "disputes.success_rate": "加强人民调解员业务培训，推动疑难复杂纠纷专业化调解，提高调解成功率",
        "disputes.resolved_in_village_rate": f"充实{g}调委会力量，推动矛盾纠纷在{g}就地化解",
        "petitions.replied_on_time_rate": "严格落实信访事项办理时限，健全到期提醒和督办机制，确保按期答复",
        "petitions.satisfaction_rate": "加强信访处理意见释法说理和办结回访，提升群众满意度",
        "hotline.completion_rate": "健全热线工单分派、督办机制，提高诉求按时办结率",
        "hotline.satisfaction_rate": "推动热线诉求由“办结”向“办好”转变，加强办结回访，提升群众满意度",
    }


RATE_CODES = [
    "disputes.success_rate",
    "disputes.resolved_in_village_rate",
    "petitions.replied_on_time_rate",
    "petitions.satisfaction_rate",
    "hotline.completion_rate",
    "hotline.satisfaction_rate",
]

OVERDUE_DISPUTE_CAUSES = [
    "部分纠纷案情复杂、当事人反复，调解周期延长",
    "调解期限跟踪提醒和督办不到位",
    "部分调解员兼职较多、精力不足，未能及时组织调解",
    "对调解不成的纠纷未及时终止调解并引导当事人通过诉讼等途径解决",
]
OVERDUE_PETITION_CAUSES = [
    "部分信访事项涉及多个部门，协调办理耗时较长",
    "信访事项办理期限跟踪督办不到位",
    "复杂疑难事项调查核实工作量大，未能在期限内出具处理意见",
]
BACKLOG_CAUSES = [
    "积案形成时间长、历史遗留问题多，化解难度大",
    "包案领导和责任单位化解积案的合力还不够",
    "部分信访人诉求过高，依法终结和教育疏导工作不到位",
]


def shortfalls(ctx: Context) -> list[Found]:
    out = below_target(ctx, RATE_CODES, THEME, _suggestions(ctx), _plans(ctx))
    start, end = _span(ctx.year)
    cutoff = registry.cutoff(ctx.year)
    when = "年底" if cutoff == end else f"{day(cutoff)}"
    if ctx.n("disputes.overdue"):
        agg = (
            Dispute.objects.in_subtree(ctx.unit)
            .filter(registered_on__range=(start, end))
            .annotate(ended=Coalesce("agreement_on", "terminated_on", "closed_on"))
            .aggregate(
                open=Count("pk", filter=Q(status__in=DISPUTE_OPEN, mediation_due__lt=cutoff)),
                late=Count("pk", filter=Q(ended__isnull=False, ended__gt=F("mediation_due"))),
            )
        )
        parts = []
        if agg["open"]:
            parts.append(f"截至{when}有{agg['open']}件纠纷超过调解期限未调结")
        if agg["late"]:
            parts.append(f"{agg['late']}件纠纷超过调解期限后才调结")
        if parts:
            out.append(
                Found(
                    key="indicator:disputes.overdue",
                    theme=THEME,
                    text="矛盾纠纷调解期限管理不够严格，" + "，".join(parts),
                    suggestions=list(OVERDUE_DISPUTE_CAUSES),
                    sources=[
                        ctx.indicator_source("disputes.overdue"),
                        Source("超期未调结的纠纷", _url("dispute_list", query="overdue=1")),
                    ],
                    plan="加强调解期限管理，对临期、超期纠纷逐件提醒督办",
                )
            )
    overdue_petitions = (
        Petition.objects.in_subtree(ctx.unit)
        .filter(received_on__lte=end, status__in=Petition.OPEN_STATES, due_date__lt=cutoff)
        .count()
    )
    if overdue_petitions:
        out.append(
            Found(
                key="overdue:petitions",
                theme=THEME,
                text=f"截至{when}有{overdue_petitions}件信访件超过办理期限未办结",
                suggestions=list(OVERDUE_PETITION_CAUSES),
                sources=[Source("超期的信访件", _url("petition_list", query="overdue=1"))],
                plan="严格落实信访事项受理、办理和答复时限，对超期信访件挂牌督办",
            )
        )
    if ctx.n("petitions.backlog_open"):
        out.append(
            Found(
                key="indicator:petitions.backlog_open",
                theme=THEME,
                text=f"信访积案化解还不彻底，年末仍有{ctx.fig('petitions.backlog_open')}积案未化解",
                suggestions=list(BACKLOG_CAUSES),
                sources=[
                    ctx.indicator_source("petitions.backlog_open"),
                    Source("信访积案", _url("petition_list", query="backlog=1")),
                ],
            )
        )
    return out


# --------------------------------------------------------------------------- plans
def plans(ctx: Context) -> list[PlanHint]:
    """Next-year items the records call for: the open backlog, committees whose term ends
    next year, committees short of members or without a woman member."""
    out = []
    if ctx.n("petitions.backlog_open"):
        n = int(ctx.n("petitions.backlog_open"))
        out.append(
            PlanHint(
                THEME,
                f"落实领导包案责任，推动{n}件信访积案逐件化解",
                [Source("信访积案", _url("petition_list", query="backlog=1"))],
            )
        )
    end = dt.date(ctx.year, 12, 31)
    committees = list(
        MediationCommittee.objects.in_subtree(ctx.unit)
        .filter(term_start__lte=end, kind__in=COMMITTEE_KINDS)
        .annotate(
            active_n=Count("members", filter=Q(members__active=True)),
            women_n=Count("members", filter=Q(members__active=True, members__gender="female")),
        )
        .order_by("unit__path", "name")
    )
    renew = [c for c in committees if c.term_end <= dt.date(ctx.year + 1, 12, 31)]
    short = [c for c in committees if c.active_n < 3]
    no_woman = [c for c in committees if c.active_n and not c.women_n]
    if renew:
        out.append(
            PlanHint(
                THEME,
                f"指导{joined([c.name for c in renew])}"
                + (f"等{len(renew)}个调委会" if len(renew) > 3 else "")
                + "依法按期完成换届",
                [Source(c.name, _url("committee_edit", c.pk)) for c in renew],
            )
        )
    if short or no_woman:
        items = []
        if short:
            items.append(f"充实{joined([c.name for c in short])}组成人员至3人以上")
        if no_woman and no_woman == short:
            items[-1] += "，并配齐妇女委员"
        elif no_woman:
            items.append(f"为{joined([c.name for c in no_woman])}配齐妇女委员")
        out.append(
            PlanHint(
                THEME,
                "规范人民调解委员会建设，" + "，".join(items),
                [Source(c.name, _url("committee_edit", c.pk)) for c in [*short, *no_woman]],
            )
        )
    return out


register(
    Contribution(
        THEME, points=points, head_acts=head_acts, shortfalls=shortfalls, plans=plans, order=40
    )
)
