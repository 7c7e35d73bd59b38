"""What the decisions ledgers contribute to the annual report (theme "decisions").

Section one names the year's major decisions with the steps each went through (from its
``DecisionStep`` records, its legality review and its collective discussion), the normative
documents published, the legality reviews (contracts apart from decisions and documents)
and the "三重一大" matters decided collectively; section three the collective discussions
each head chaired; section two the procedural rates below target; section four next
year's decision catalogue.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.urls import reverse

from fazhi.indicators.registry import Indicator, Value, group, indicator, year_records
from fazhi.reports.contrib import (
    Context,
    Contribution,
    Found,
    HeadAct,
    PlanHint,
    Point,
    Source,
    below_target,
    day,
    joined,
    most_frequent,
    register,
    title,
)

from .models import (
    CollectiveDiscussion,
    ContractReview,
    DecisionCatalog,
    LegalityReview,
    MajorDecision,
    NormativeDocument,
    ReviewFinding,
)
from .models.catalog import DecisionStatus, MeetingKind, Outcome, StepKind, View
from .models.reviews import Conclusion, ReviewStatus, SubjectKind

D = Decimal
THEME = "decisions"
NAMED = 3  # records named in one sentence ("《甲》《乙》《丙》等N项")


# --------------------------------------------------------------------------- indicators
@group(
    "decision_records",
    "依法决策（年度报告）",
    reads=(
        "decisions.CollectiveDiscussion",
        "decisions.ContractReview",
        "decisions.LegalityReview",
        "decisions.MajorDecision",
        "decisions.NormativeDocument",
        "decisions.ReviewFinding",
    ),
)
def _figures(unit, year):
    decided = year_records(MajorDecision, unit, year, "decided_on").count()
    published = year_records(NormativeDocument, unit, year, "published_on").count()
    done = Q(status=ReviewStatus.COMPLETED)
    reviews = year_records(LegalityReview, unit, year, "requested_on").aggregate(
        policy=Count(
            "pk", filter=done & Q(subject_kind__in=(SubjectKind.DECISION, SubjectKind.DOCUMENT))
        )
    )
    contracts = (
        ContractReview.objects.in_subtree(unit)
        .filter(review__status=ReviewStatus.COMPLETED, review__requested_on__year=year)
        .aggregate(
            n=Count("pk"),
            amount=Sum("amount"),
            changes=Count("pk", filter=Q(review__conclusion=Conclusion.LAWFUL_WITH_CHANGES)),
        )
    )
    fixed = (
        ReviewFinding.objects.in_subtree(unit)
        .filter(review__requested_on__year=year, fixed=True)
        .count()
    )
    matters = (
        CollectiveDiscussion.objects.in_subtree(unit)
        .filter(meeting_date__year=year, decision__isnull=True)
        .count()
    )
    return {
        "decisions.count": Value.count(decided),
        "decisions.matters": Value.count(matters),
        "documents.published": Value.count(published),
        "reviews.decision_documents": Value.count(reviews["policy"]),
        "reviews.contracts": Value.count(contracts["n"]),
        "reviews.contract_amount": Value.amount(D(contracts["amount"] or 0) / 10000, 2),
        "reviews.contract_changes": Value.count(contracts["changes"]),
        "reviews.findings_fixed": Value.count(fixed),
    }


G = "decision_records"
indicator(Indicator("decisions.count", "作出重大行政决策", "项", G))
indicator(Indicator("decisions.matters", "集体讨论决定“三重一大”事项", "项", G))
indicator(Indicator("documents.published", "制发规范性文件", "件", G))
indicator(Indicator("reviews.decision_documents", "审查重大行政决策和规范性文件", "件", G))
indicator(Indicator("reviews.contracts", "审查合同", "份", G))
indicator(
    Indicator(
        "reviews.contract_amount",
        "审查合同金额",
        "万元",
        G,
        kind="amount",
        phrase="涉及合同金额",
        decimals=2,
    )
)
indicator(Indicator("reviews.contract_changes", "合同审查提出修改意见", "份", G))
indicator(
    Indicator(
        "reviews.findings_fixed",
        "合法性审查发现问题已整改",
        "个",
        G,
        phrase="审查发现问题已整改",
    )
)


# --------------------------------------------------------------------------- helpers
STEP_ORDER = [
    (StepKind.PARTICIPATION, "公众参与"),
    (StepKind.HEARING, "听证"),
    (StepKind.EXPERT, "专家论证"),
    (StepKind.RISK, "风险评估"),
]


def meeting_name(kind: str, voice) -> str:
    """The meeting as the unit calls it: 镇党委会议, 街道办事处常务会议, 管委会常务会议 …"""
    return {
        MeetingKind.EXECUTIVE: f"{voice.gov}常务会议",
        MeetingKind.PLENARY: f"{voice.gov}全体会议",
        MeetingKind.LEADERSHIP: "领导班子会议",
        MeetingKind.PARTY: f"{voice.party}会议",
    }.get(kind, "会议")


def _url(name: str, pk) -> str:
    return reverse(f"decisions:{name}", args=[pk])


def _titles(items) -> str:
    return "".join(title(i) for i in items)


def _counted(shown: int, total: int, noun: str) -> str:
    """What follows the named records: "等5项重大行政决策" when more than named,
    "2项重大行政决策" when all are named, "重大行政决策" for one."""
    if total > shown:
        return f"等{total}项{noun}"
    return f"{total}项{noun}" if total > 1 else noun


def _chain(d: MajorDecision, reviewed: set[str]) -> tuple[str, ...]:
    """The steps a decision went through, in the law's order, from its own records."""
    kinds = {s.kind for s in d.steps.all()}
    steps = [label for kind, label in STEP_ORDER if kind in kinds]
    if str(d.pk) in reviewed:
        steps.append("合法性审查")
    if any(cd.outcome == Outcome.ADOPTED for cd in d.discussions.all()):
        steps.append("集体讨论决定")
    return tuple(steps)


# --------------------------------------------------------------------------- points
def _decisions_point(ctx: Context) -> Point | None:
    unit, year = ctx.unit, ctx.year
    catalog = DecisionCatalog.objects.filter(unit=unit, year=year).first()
    decided_qs = year_records(MajorDecision, unit, year, "decided_on")
    decided = list(
        decided_qs.order_by("decided_on", "pk").prefetch_related("steps", "discussions")[:NAMED]
    )
    pending = list(
        MajorDecision.objects.in_subtree(unit)
        .filter(year=year, decided_on__isnull=True)
        .exclude(status=DecisionStatus.TERMINATED)
        .order_by("pk")
        .values_list("pk", "title")
    )
    published = catalog is not None and catalog.published_on and catalog.published_on.year == year
    if not decided and not published:
        return None
    sources: list[Source] = []
    sentences: list[str] = []
    first = ""
    if published:
        via = f"通过{catalog.publish_channel}" if catalog.publish_channel else ""
        first = f"{day(catalog.published_on)}{via}公布{title(catalog.title)}"
        sources.append(Source(f"决策目录：{catalog.title}", _url("catalog_detail", catalog.pk)))
    if decided:
        # the decisions are named in the next sentence, with their steps
        named = f"全年依法作出重大行政决策{ctx.fig('decisions.count')}"
        first = f"{first}，{named}" if first else named
    sentences.append(first + "。")
    if decided:
        reviewed = set(
            LegalityReview.objects.filter(
                subject_kind=SubjectKind.DECISION,
                status=ReviewStatus.COMPLETED,
                object_id__in=[str(d.pk) for d in decided],
            ).values_list("object_id", flat=True)
        )
        chains: dict[tuple[str, ...], list[MajorDecision]] = {}
        for d in decided:
            chains.setdefault(_chain(d, reviewed), []).append(d)
            sources.append(Source(f"重大行政决策：{d.title}", _url("decision_detail", d.pk)))
        parts = []
        for steps, ds in chains.items():
            if not steps:
                continue
            both = "均" if len(ds) > 1 else ""
            parts.append(
                f"{_titles(d.title for d in ds)}{both}依法履行了{joined(list(steps), 6)}程序"
            )
        opinions = sum(
            s.opinions_count or 0
            for d in decided
            for s in d.steps.all()
            if s.kind == StepKind.PARTICIPATION
        )
        if parts:
            tail = f"，公开征求意见期间共收到意见建议{opinions}条" if opinions else ""
            sentences.append("；".join(parts) + tail + "。")
    if ctx.ok("decisions.legality_review_coverage"):
        sentences.append(
            f"重大行政决策合法性审查率{ctx.fig('decisions.legality_review_coverage')}。"
        )
    if pending:
        names = _titles(t for _pk, t in pending[:2])
        more = _counted(len(pending[:2]), len(pending), "决策事项") if len(pending) > 1 else ""
        sentences.append(f"{names}{more}正按法定程序推进。")
        sources += [
            Source(f"重大行政决策：{t}", _url("decision_detail", pk)) for pk, t in pending[:2]
        ]
    return Point(
        THEME,
        "规范重大行政决策程序",
        "".join(sentences),
        sources=sources,
        weight=90,
        key="decisions.major",
        records=len(sources),
    )


def _documents_point(ctx: Context) -> Point | None:
    docs = ctx.records(NormativeDocument, "published_on")
    named = list(docs.order_by("published_on", "pk")[:NAMED])
    if not named:
        return None
    agg = docs.aggregate(
        n=Count("pk"),
        commented=Count("pk", filter=Q(comment_required=True, comment_end__isnull=False)),
        reviewed=Count("pk", filter=Q(review__status=ReviewStatus.COMPLETED)),
        deliberated=Count("pk", filter=Q(deliberated_on__isnull=False)),
        numbered=Count("pk", filter=~Q(doc_number="")),
    )
    steps = [
        label
        for key, label in (
            ("commented", "公开征求意见"),
            ("reviewed", "合法性审查"),
            ("deliberated", "集体审议"),
        )
        if agg[key] == agg["n"]
    ]
    text = f"出台{_titles(d.title for d in named)}等规范性文件{ctx.fig('documents.published')}"
    if steps:
        text += f"，均经{joined(steps)}后发布"
    if agg["numbered"] == agg["n"]:
        text += "，统一登记、统一编号"
    organs = Counter(docs.exclude(filed_with="").values_list("filed_with", flat=True))
    if organs:
        text += f"，按规定报送{organs.most_common(1)[0][0]}备案"
    if ctx.ok("documents.filed_on_time_rate"):
        text += f"，按时备案率{ctx.fig('documents.filed_on_time_rate')}"
    sources = [Source(f"规范性文件：{d.title}", _url("document_detail", d.pk)) for d in named]
    return Point(
        THEME,
        "加强规范性文件管理",
        text + "。",
        sources=sources,
        weight=70,
        key="decisions.documents",
        records=len(named),
    )


def _reviews_point(ctx: Context) -> Point | None:
    if ctx.n("reviews.conducted") == 0:
        return None
    clauses = [f"全年开展合法性审查{ctx.fig('reviews.conducted')}"]
    if ctx.n("reviews.decision_documents"):
        clauses.append(f"其中审查重大行政决策和规范性文件{ctx.fig('reviews.decision_documents')}")
    if ctx.n("reviews.contracts"):
        lead = "审查合同" if len(clauses) > 1 else "其中审查合同"
        clauses.append(
            f"{lead}{ctx.fig('reviews.contracts')}、涉及合同金额{ctx.fig('reviews.contract_amount')}"
        )
        if ctx.n("reviews.contract_changes"):
            clauses.append(f"对其中{ctx.fig('reviews.contract_changes')}合同提出修改意见")
    text = "，".join(clauses) + "。"
    codes = ["reviews.conducted", "reviews.decision_documents", "reviews.contracts"]
    if ctx.n("reviews.findings"):
        text += f"审查中发现问题{ctx.fig('reviews.findings')}，已整改{ctx.fig('reviews.findings_fixed')}"
        findings = ctx.records(ReviewFinding, "review__requested_on")
        common = list(most_frequent(findings, "description")[:2])
        common = [c.strip().splitlines()[0].rstrip("。；;，,")[:30] for c in common if c.strip()]
        if common:
            text += f"，主要是{joined(common)}等问题"
        text += "。"
        codes += ["reviews.findings", "reviews.findings_fixed"]
    reviews = (
        ctx.records(LegalityReview, "requested_on")
        .filter(status=ReviewStatus.COMPLETED)
        .exclude(reviewer_office="")
    )
    offices = list(most_frequent(reviews, "reviewer_office")[:2])
    if offices:
        text += f"审查意见由{joined(offices)}书面出具。"
    return Point(
        THEME,
        "严把合法性审查关",
        text,
        sources=[ctx.indicator_source(c) for c in codes],
        weight=60,
        key="decisions.reviews",
        records=0,
    )


def _matters_point(ctx: Context) -> Point | None:
    year_qs = ctx.records(CollectiveDiscussion, "meeting_date")
    matters = list(year_qs.filter(decision__isnull=True).order_by("meeting_date", "pk")[:NAMED])
    if not matters:
        return None
    all_cds = list(year_qs.prefetch_related("views"))
    cats = list(dict.fromkeys(m.get_category_display() for m in matters))
    meetings = list(dict.fromkeys(meeting_name(m.meeting_kind, ctx.voice) for m in matters))
    names = "".join(f"“{m.title}”" for m in matters)
    text = (
        f"{ctx.voice.bodies}严格执行“三重一大”集体决策制度，对{names}等"
        f"{ctx.fig('decisions.matters')}提交{joined(meetings)}集体讨论决定，"
        f"涉及{joined(cats)}"
    )
    views = [list(cd.views.all()) for cd in all_cds]
    if views and all(v and max(v, key=lambda x: x.order).is_head for v in views):
        text += "；参会人员逐一发表意见，主要负责人末位表态"
    if any(x.view == View.DISAGREE and x.statement.strip() for v in views for x in v):
        text += "，不同意见如实记录在案"
    sources = [Source(f"集体讨论：{m.title}", _url("matter_detail", m.pk)) for m in matters]
    return Point(
        THEME,
        "落实集体讨论决定制度",
        text + "。",
        sources=sources,
        weight=50,
        key="decisions.matters",
        records=len(matters),
    )


def points(ctx: Context) -> list[Point]:
    out = [
        _decisions_point(ctx),
        _documents_point(ctx),
        _reviews_point(ctx),
        _matters_point(ctx),
    ]
    return [p for p in out if p is not None]


# --------------------------------------------------------------------------- heads
def _heads(unit, year) -> dict[str, str]:
    try:
        from fazhi.oversight.services import heads_of
    except ImportError:  # the oversight ledgers are not installed
        return {}
    return heads_of(unit, year)


def resolve_head(cd: CollectiveDiscussion, heads: dict[str, str], voice) -> tuple[str, str]:
    """(name, post) of the person who chaired ``cd``.

    ``head_name`` may hold the person's name (its post then comes from the heads' duty
    reports or the leading group) or a post ("镇长": the person holding it is found the
    same way); failing both, the chair's own view row gives the post, and the one head
    on that side (party or government) is the person."""
    recorded = cd.head_name.strip()
    if recorded in heads:
        return recorded, heads[recorded]
    holders = [n for n, p in heads.items() if p == recorded]
    if holders:
        return holders[0], recorded
    view = next((v for v in cd.views.all() if v.is_head), None)
    post = (view.title if view is not None else "").strip() or recorded
    # a post written another way ("镇长" for the 管委会主任): the one head on that side
    side = voice.is_head_post(post)
    same = [(n, p) for n, p in heads.items() if side and voice.is_head_post(p) == side]
    if len(same) == 1:
        return same[0]
    return recorded, post


def head_acts(ctx: Context) -> list[HeadAct]:
    heads = _heads(ctx.unit, ctx.year)
    out = []
    qs = (
        CollectiveDiscussion.objects.filter(unit=ctx.unit, meeting_date__year=ctx.year)
        .select_related("decision")
        .prefetch_related("views")
        .order_by("meeting_date", "pk")
    )
    for cd in qs:
        name, post = resolve_head(cd, heads, ctx.voice)
        if not ctx.voice.is_head_post(post):
            continue
        subject = title(cd.decision.title) if cd.decision_id else f"“{cd.title}”事项"
        out.append(
            HeadAct(
                name=name,
                post=post,
                text=f"主持召开{meeting_name(cd.meeting_kind, ctx.voice)}集体讨论{subject}",
                date=cd.meeting_date,
                kind="meeting",
                sources=[Source(f"集体讨论：{cd.title}", _url("matter_detail", cd.pk))],
            )
        )
    return out


# --------------------------------------------------------------------------- shortfalls
CAUSES = {
    "decisions.legality_review_coverage": [
        "个别决策承办单位对合法性审查是必经程序认识不足，未在提交集体讨论前送审",
        "决策事项临时增补进入目录，时间紧，合法性审查未完成即提交讨论",
        "合法性审查后决策草案作了实质修改，未按规定重新送审",
        "司法所审查力量薄弱，法律顾问参与审查的时间难以保障",
    ],
    "documents.filed_on_time_rate": [
        "规范性文件发布后未及时整理备案材料，报送超过发布之日起30日的期限",
        "备案工作由起草科室分散办理，缺少统一登记和到期提醒",
        "经办人员变动，备案工作交接不到位",
        "对备案期限的起算日（发布之日）把握不准",
    ],
}
PLANS = {
    "decisions.legality_review_coverage": "重大行政决策一律经合法性审查后提交集体讨论，未经审查的不得上会",
    "documents.filed_on_time_rate": "规范性文件发布后由司法所统一登记，在30日内报送备案并逐件跟踪",
}


def shortfalls(ctx: Context) -> list[Found]:
    return below_target(ctx, list(CAUSES), THEME, CAUSES, PLANS)


# --------------------------------------------------------------------------- plans
def plans(ctx: Context) -> list[PlanHint]:
    nxt = ctx.year + 1
    decisions = list(
        MajorDecision.objects.in_subtree(ctx.unit)
        .filter(year=nxt)
        .exclude(status=DecisionStatus.TERMINATED)
        .order_by("pk")
        .values_list("pk", "title")
    )
    if not decisions:
        return []
    catalog = DecisionCatalog.objects.filter(unit=ctx.unit, year=nxt).first()
    shown = decisions[:NAMED]
    text = (
        f"依法推进{_titles(t for _pk, t in shown)}"
        f"{_counted(len(shown), len(decisions), '重大行政决策')}"
    )
    sources = [Source(f"重大行政决策：{t}", _url("decision_detail", pk)) for pk, t in decisions]
    if catalog is not None:
        text = f"严格执行{title(catalog.title)}，{text}"
        sources.insert(0, Source(f"决策目录：{catalog.title}", _url("catalog_detail", catalog.pk)))
    text += "，逐项落实公众参与、专家论证、风险评估、合法性审查和集体讨论决定程序"
    return [PlanHint(THEME, text, sources)]


register(
    Contribution(
        "decisions",
        points=points,
        head_acts=head_acts,
        shortfalls=shortfalls,
        plans=plans,
        order=20,
    )
)
