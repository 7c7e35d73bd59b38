"""What the oversight ledgers contribute to the annual report (themes "organisation" and
"oversight").

Section one: the leading group (name, document number, the posts of its leader and
deputies, its office) and the funding lines in 万元 (theme "organisation"); the year's
督察 and 自查 summarised — how many, how many problems found, how many signed off — not
quoted one by one (theme "oversight"). Section three: each head's own duty report (the
topics they heard or studied, their own study, their 述法 with its date), each head
separately and no sentence shared between two heads. Section two: the open
rectifications as ONE shortfall; a head's missing 述法 once the year is over. Section
four: the open rectifications to finish.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.urls import reverse

from fazhi.core.models import Unit
from fazhi.indicators.registry import Indicator, Value, cutoff, group, indicator
from fazhi.reports.contrib import (
    INSPECTION_KINDS,
    Context,
    Contribution,
    Found,
    HeadAct,
    PlanHint,
    Point,
    Source,
    day,
    joined,
    register,
    title,
)

from .models import (
    BY_HIGHER_LEVEL,
    DutyReport,
    Funding,
    FundingKind,
    Inspection,
    InspectionKind,
    LeadingGroup,
    MemberRole,
    Rectification,
    RectificationStatus,
)

D = Decimal


def _inspections(unit, year):
    """The year's 督察 and 自查 of units in ``unit``'s subtree (a 督察 belongs to the
    inspecting county, so it is found by its target)."""
    return Inspection.objects.filter(target__in=Unit.objects.subtree(unit).values("pk"), year=year)


# --------------------------------------------------------------------------- indicators
FUNDING = [
    (FundingKind.PUBLICITY, "funding.publicity"),
    (FundingKind.RULE_OF_LAW, "funding.rule_of_law"),
    (FundingKind.ADVISERS, "funding.advisers"),
]
FUNDING_LABELS = {
    "funding.publicity": "普法经费",
    "funding.rule_of_law": "法治建设工作经费",
    "funding.advisers": "法律顾问经费",
}


def _wan(yuan) -> Value:
    return Value.amount(D(yuan or 0) / 10000, 2)


@group(
    "oversight_records",
    "督察整改与经费保障（年度报告）",
    reads=("oversight.Funding", "oversight.Inspection", "oversight.Rectification"),
)
def _figures(unit, year):
    funds = (
        Funding.objects.in_subtree(unit)
        .filter(year=year)
        .aggregate(
            total=Sum("amount"),
            spent=Sum("spent"),
            **{code: Sum("amount", filter=Q(kind=kind)) for kind, code in FUNDING},
        )
    )
    insp = _inspections(unit, year).aggregate(
        supervisions=Count("pk", filter=Q(kind=InspectionKind.SUPERVISION)),
        patrols=Count("pk", filter=Q(kind=InspectionKind.PATROL)),
        self_checks=Count("pk", filter=Q(kind=InspectionKind.SELF_CHECK)),
    )
    signed = Q(status=RectificationStatus.SIGNED_OFF)
    rect = (
        Rectification.objects.in_subtree(unit)
        .filter(inspection__year=year)
        .aggregate(
            n=Count("pk"),
            signed_off=Count("pk", filter=signed),
            overdue=Count("pk", filter=~signed & Q(deadline__lt=cutoff(year))),
        )
    )
    out = {
        "funding.total": _wan(funds["total"]),
        "funding.spent": _wan(funds["spent"]),
        "inspections.supervisions": Value.count(insp["supervisions"]),
        "inspections.patrols": Value.count(insp["patrols"]),
        "inspections.self_checks": Value.count(insp["self_checks"]),
        "inspections.findings": Value.count(rect["n"]),
        "rectification.signed_off": Value.count(rect["signed_off"]),
        "rectification.open": Value.count(rect["n"] - rect["signed_off"]),
        "rectification.overdue": Value.count(rect["overdue"]),
    }
    out.update({code: _wan(funds[code]) for _kind, code in FUNDING})
    return out


G = "oversight_records"
for ind in [
    Indicator("funding.publicity", "普法经费", "万元", G, kind="amount", decimals=2),
    Indicator("funding.rule_of_law", "法治建设工作经费", "万元", G, kind="amount", decimals=2),
    Indicator("funding.advisers", "法律顾问经费", "万元", G, kind="amount", decimals=2),
    Indicator(
        "funding.total",
        "法治建设相关经费预算",
        "万元",
        G,
        kind="amount",
        phrase="安排法治建设相关经费",
        decimals=2,
    ),
    Indicator(
        "funding.spent",
        "法治建设相关经费已支出",
        "万元",
        G,
        kind="amount",
        phrase="经费已支出",
        decimals=2,
    ),
    Indicator("inspections.supervisions", "接受法治督察", "次", G),
    Indicator("inspections.patrols", "接受巡察", "次", G),
    Indicator("inspections.self_checks", "开展法治建设自查", "次", G),
    Indicator("inspections.findings", "督察（巡察、自查）发现问题", "个", G),
    Indicator("rectification.signed_off", "问题已整改销号", "个", G, phrase="已整改销号"),
    Indicator("rectification.open", "问题尚未整改销号", "个", G, phrase="尚未整改销号"),
    Indicator("rectification.overdue", "问题逾期未整改", "个", G, phrase="逾期未整改"),
]:
    indicator(ind)


# --------------------------------------------------------------------------- helpers
def head_post(post: str, voice) -> str:
    """A head's post in the unit's own words: "党委书记" of a 镇 → "镇党委书记"."""
    side = voice.is_head_post(post)
    if side == "party":
        return voice.party_head
    if side == "gov":
        return voice.gov_head
    return post


# --------------------------------------------------------------------------- points
def _group_point(ctx: Context) -> Point | None:
    group = (
        LeadingGroup.objects.filter(unit=ctx.unit, year=ctx.year)
        .prefetch_related("members")
        .first()
    )
    if group is None:
        return None
    v = ctx.voice
    members = list(group.members.all())
    leaders = [m for m in members if m.role == MemberRole.LEADER]
    deputies = [m for m in members if m.role == MemberRole.DEPUTY]
    when = (
        day(group.established_on) + "，"
        if group.established_on and group.established_on.year == ctx.year
        else ""
    )
    doc = f"（{group.doc_number}）" if group.doc_number else ""
    text = f"{when}{v.bodies}调整充实{group.name}{doc}"
    if leaders:
        text += f"，由{head_post(leaders[0].post, v)}任组长"
        if deputies:
            posts = list(dict.fromkeys(head_post(m.post, v) for m in deputies))
            text += f"、{joined(posts, 4)}任副组长"
        others = len(members) - len(leaders) - len(deputies)
        if others:
            text += f"，{others}名相关部门负责人为成员"
    if group.office:
        text += f"，领导小组办公室设在{group.office}"
    if group.duties.strip():
        text += f"，统筹推进{v.whole}法治建设"
    text += "。"
    return Point(
        "organisation",
        "强化组织领导",
        text,
        sources=[
            Source(f"领导小组：{group.name}", reverse("oversight:group_detail", args=[group.pk]))
        ],
        weight=90,
        key="organisation.group",
        records=1,
    )


def _funding_point(ctx: Context) -> Point | None:
    if not ctx.n("funding.total"):
        return None
    lines = [f"{FUNDING_LABELS[code]}{ctx.fig(code)}" for _kind, code in FUNDING if ctx.n(code)]
    text = f"{ctx.voice.bodies}将{'、'.join(lines)}列入{ctx.year}年度财政预算"
    if len(lines) > 1:
        text += f"，全年共安排法治建设相关经费{ctx.fig('funding.total')}"
    if ctx.n("funding.spent"):
        text += f"，已支出{ctx.fig('funding.spent')}"
    kinds = (
        Funding.objects.in_subtree(ctx.unit).filter(year=ctx.year).values("kind").distinct().count()
    )
    return Point(
        "organisation",
        "落实经费保障",
        text + "。",
        sources=[Source("经费保障", reverse("oversight:funding"))]
        + [ctx.indicator_source("funding.total")],
        weight=70,
        key="organisation.funding",
        records=kinds,
    )


# who carried out an inspection a higher level made, when the record names no team
HIGHER_TEAM = {InspectionKind.SUPERVISION: "县级督察组", InspectionKind.PATROL: "县委巡察组"}


def _inspections_point(ctx: Context) -> Point | None:
    named = list(_inspections(ctx.unit, ctx.year).order_by("date", "pk")[:2])
    if not named:
        return None
    v = ctx.voice
    events = []
    for i in named:
        who = i.team or HIGHER_TEAM.get(i.kind, "")
        what = f"“{i.title.strip()}”"
        if i.kind in BY_HIGHER_LEVEL:
            events.append(f"{day(i.date)}，{who}对{v.we}开展{what}")
        else:
            events.append(f"{day(i.date)}，{who or v.we}开展{what}")
    counts = []
    if ctx.n("inspections.supervisions"):
        counts.append(f"接受法治督察{ctx.fig('inspections.supervisions')}")
    if ctx.n("inspections.patrols"):
        counts.append(f"接受巡察{ctx.fig('inspections.patrols')}")
    if ctx.n("inspections.self_checks"):
        counts.append(f"开展法治建设自查{ctx.fig('inspections.self_checks')}")
    text = "；".join(events) + "。"
    text += f"全年{'、'.join(counts)}"
    if ctx.n("inspections.findings"):
        text += (
            f"，共发现问题{ctx.fig('inspections.findings')}，逐项建立整改台账、明确责任人和整改时限，"
            f"已整改销号{ctx.fig('rectification.signed_off')}"
        )
        if ctx.zero("rectification.open"):
            text += "，发现的问题已全部整改销号"
        elif ctx.ok("rectification.closed_rate"):
            text += f"，整改完成率{ctx.fig('rectification.closed_rate')}"
    text += "。"
    # The lead names what there was (巡察 is not a 督察; no 自查 unless one was done).
    kinds = [label for code, label in INSPECTION_KINDS if ctx.n(code)]
    if ctx.n("inspections.findings"):
        lead = f"抓好{joined(kinds)}发现问题整改"
    else:
        lead = f"开展法治{joined(kinds)}" if kinds else "开展法治建设监督检查"
    return Point(
        "oversight",
        lead,
        text,
        sources=[
            Source(
                f"{i.get_kind_display()}：{i.title}",
                reverse("oversight:inspection_detail", args=[i.pk]),
            )
            for i in named
        ],
        weight=80,
        key="oversight.inspections",
        records=len(named),
    )


def points(ctx: Context) -> list[Point]:
    out = [_group_point(ctx), _funding_point(ctx), _inspections_point(ctx)]
    return [p for p in out if p is not None]


# --------------------------------------------------------------------------- heads
VERBS = ("听取", "研究", "专题研究", "部署", "主持", "审议", "召开", "督办", "调度", "推动")
STUDY = re.compile(r"^\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?\s*(.*)$")
LAW_ENDINGS = ("法", "条例", "法典", "规定", "办法", "决定", "规则")


def _topic(t: str) -> str:
    t = t.strip().rstrip("。；;，,")
    return t if t.startswith(VERBS) else f"专题研究“{t}”"


def _study(lines: list[str]) -> tuple[str, dt.date | None]:
    """ "参加会前学法4次，学习《宪法》《民法典》等" from "2026-03-15 会前学法：宪法" lines."""
    forms, contents, dates = [], [], []
    for line in lines:
        m = STUDY.match(line)
        rest = line
        if m:
            with contextlib.suppress(ValueError):
                dates.append(dt.date(int(m[1]), int(m[2]), int(m[3])))
            rest = m[4]
        form, sep, content = rest.partition("：")
        if not sep:
            form, sep, content = rest.partition(":")
        if sep:
            forms.append(form.strip())
            contents.append(content.strip())
        else:
            contents.append(rest.strip())
    forms = [f for f in dict.fromkeys(forms) if f]
    laws, others = [], []
    for c in dict.fromkeys(c.rstrip("。；;，,") for c in contents if c):
        if c.strip("《》").endswith(LAW_ENDINGS):
            laws.append(title(c))
        else:
            others.append(c.strip("“”\"'"))
    text = f"带头参加{joined(forms) or '学法'}{len(lines)}次"
    items = others[:2] + (["".join(laws[:3])] if laws else [])
    if items:
        more = "等" if len(laws) > 3 or len(others) > 2 else ""
        text += f"，学习{joined(items)}{more}"
    return text, (dates[0] if len(lines) == 1 and dates else None)


def head_acts(ctx: Context) -> list[HeadAct]:
    reports = [
        r
        for r in DutyReport.objects.filter(unit=ctx.unit, year=ctx.year).order_by("pk")
        if ctx.voice.is_head_post(r.post)
    ]
    out: list[HeadAct] = []
    said: dict[tuple, str] = {}  # (text, date) → the post of the head it was written for

    def add(r: DutyReport, kind: str, text: str, date=None, topic: str = "") -> None:
        first = said.get((text, date))
        if first is not None and first != r.post:
            # the same record for two heads (they attended the same session): say so,
            # never write the same sentence twice
            text = f"与{head_post(first, ctx.voice)}一同{text.removeprefix('带头')}"
        said.setdefault((text, date), r.post)
        out.append(
            HeadAct(
                name=r.person_name,
                post=r.post,
                text=text,
                date=date,
                kind=kind,
                topic=topic,
                sources=[
                    Source(
                        f"第一责任人述法：{r.post}",
                        reverse("oversight:report_detail", args=[r.pk]),
                    )
                ],
            )
        )

    for r in reports:
        topics = [_topic(t) for t in r.topic_list[:4]]
        if topics:
            add(r, "meeting", "，".join(topics))
        if r.study_list:
            text, date = _study(r.study_list)
            add(r, "study", text, date)
        if r.report_date and r.report_date.year in (ctx.year, ctx.year + 1):
            add(
                r,
                "duty_report",
                "作年度述法报告，报告本人履行推进法治建设第一责任人职责情况",
                r.report_date,
                topic="述法",
            )
    return out


# --------------------------------------------------------------------------- shortfalls
OPEN_CAUSES = [
    "个别问题涉及制度建设和长效机制，整改周期较长",
    "整改责任人工作调整，整改任务交接不及时",
    "整改措施不够具体，缺少跟踪督办和销号审核",
    "部分问题需县级部门协调解决，整改进度受外部因素影响",
]
DUTY_CAUSES = [
    "年终工作集中，述法活动未能与述职述廉同步安排",
    "对党政主要负责人年终述法的要求认识不足",
    "述法报告起草滞后，未在年底前完成",
]


def shortfalls(ctx: Context) -> list[Found]:
    out = []
    if ctx.n("rectification.open"):
        text = (
            f"督察（自查）发现的{ctx.fig('inspections.findings')}问题尚有"
            f"{ctx.fig('rectification.open')}未整改销号"
        )
        if ctx.n("rectification.overdue"):
            text += f"，其中{ctx.fig('rectification.overdue')}已超过整改期限"
        out.append(
            Found(
                key="rectification:open",
                theme="oversight",
                text=text,
                suggestions=list(OPEN_CAUSES),
                covers=["rectification.closed_rate"],
                sources=[
                    Source("整改台账", reverse("oversight:rectifications")),
                    ctx.indicator_source("rectification.open"),
                ],
            )
        )
    if cutoff(ctx.year) == dt.date(ctx.year, 12, 31):
        missing = [
            r
            for r in DutyReport.objects.filter(
                unit=ctx.unit, year=ctx.year, report_date__isnull=True
            ).order_by("pk")
            if ctx.voice.is_head_post(r.post)
        ]
        if missing:
            posts = joined([head_post(r.post, ctx.voice) for r in missing])
            out.append(
                Found(
                    key="duty_report:missing",
                    theme="organisation",
                    text=f"{posts}{ctx.year}年度述法尚未完成",
                    suggestions=list(DUTY_CAUSES),
                    sources=[
                        Source(
                            f"第一责任人述法：{r.post}",
                            reverse("oversight:report_detail", args=[r.pk]),
                        )
                        for r in missing
                    ],
                    plan="把党政主要负责人年终述法与述职述廉同部署、同考核",
                )
            )
    return out


# --------------------------------------------------------------------------- plans
def plans(ctx: Context) -> list[PlanHint]:
    if not ctx.n("rectification.open"):
        return []
    return [
        PlanHint(
            "oversight",
            f"对督察（自查）发现尚未整改销号的{ctx.fig('rectification.open')}问题逐项跟踪督办，"
            "按期整改销号，并举一反三建立长效机制",
            [Source("整改台账", reverse("oversight:rectifications"))],
        )
    ]


register(
    Contribution(
        "oversight",
        points=points,
        head_acts=head_acts,
        shortfalls=shortfalls,
        plans=plans,
        order=10,
    )
)
