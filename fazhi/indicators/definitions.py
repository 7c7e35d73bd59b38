"""The indicators and their computations over the ledgers (one group per ledger, aggregates only).

Every group takes (unit, year), reads ``unit``'s subtree (``in_subtree``: one indexed path
prefix) and issues a handful of aggregate queries. Where a ledger app exposes its own
indicator functions (learning, publicity, legalservice) they are called, so the figure on
the mechanism's own pages and in the report is the same number.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce

from .registry import (
    LOWER,
    Indicator,
    IndicatorUnavailable,
    Value,
    cutoff,
    group,
    indicator,
    year_records,
)

D = Decimal


def _missing(ledger: str):
    return IndicatorUnavailable(f"{ledger}台账尚未建立")


# --------------------------------------------------------------------------- disputes
LARGE_AMOUNT = D("100000")  # 涉案金额10万元以上: the "large" disputes a report names


@group("disputes", "矛盾纠纷调解", reads=("disputes.Dispute",))
def _disputes(unit, year):
    try:
        from fazhi.disputes.models import Dispute
    except ImportError:
        raise _missing("矛盾纠纷")
    qs = year_records(Dispute, unit, year, "registered_on")
    open_states = ("registered", "assigned", "mediating")
    agg = qs.annotate(ended=Coalesce("agreement_on", "terminated_on", "closed_on")).aggregate(
        mediated=Count("pk"),
        concluded=Count("pk", filter=~Q(outcome="")),
        succeeded=Count("pk", filter=Q(outcome="succeeded")),
        # (named so the filter below reads the field, not this sum)
        amount_sum=Coalesce(Sum("amount"), D(0)),
        large=Count("pk", filter=Q(amount__gte=LARGE_AMOUNT)),
        route_people=Count("pk", filter=Q(route="people")),
        route_administrative=Count("pk", filter=Q(route="administrative")),
        route_professional=Count("pk", filter=Q(route="professional")),
        court_referred=Count("pk", filter=Q(route="court")),
        judicial_confirmed=Count("pk", filter=Q(judicial_confirmed_on__isnull=False)),
        with_level=Count("pk", filter=Q(outcome="succeeded") & ~Q(resolved_level="")),
        village=Count("pk", filter=Q(outcome="succeeded", resolved_level="village")),
        overdue_open=Count("pk", filter=Q(status__in=open_states, mediation_due__lt=cutoff(year))),
        overdue_late=Count("pk", filter=Q(ended__isnull=False, ended__gt=F("mediation_due"))),
    )
    return {
        "disputes.mediated": Value.count(agg["mediated"]),
        "disputes.succeeded": Value.count(agg["succeeded"]),
        "disputes.success_rate": Value.rate(agg["succeeded"], agg["concluded"]),
        "disputes.amount_yuan": Value.amount(D(agg["amount_sum"]) / 10000, 2),
        "disputes.resolved_in_village_rate": Value.rate(agg["village"], agg["with_level"]),
        "disputes.overdue": Value.count(agg["overdue_open"] + agg["overdue_late"]),
        "disputes.large": Value.count(agg["large"]),
        "disputes.route_people": Value.count(agg["route_people"]),
        "disputes.route_administrative": Value.count(agg["route_administrative"]),
        "disputes.route_professional": Value.count(agg["route_professional"]),
        "disputes.court_referred": Value.count(agg["court_referred"]),
        "disputes.judicial_confirmed": Value.count(agg["judicial_confirmed"]),
    }


indicator(Indicator("disputes.mediated", "调处矛盾纠纷", "件", "disputes"))
indicator(Indicator("disputes.succeeded", "调解成功", "件", "disputes"))
indicator(
    Indicator("disputes.success_rate", "调解成功率", "%", "disputes", target=D("95"), kind="rate")
)
indicator(
    Indicator("disputes.amount_yuan", "涉及金额", "万元", "disputes", kind="amount", decimals=2)
)
indicator(
    Indicator(
        "disputes.resolved_in_village_rate",
        "村级化解率",
        "%",
        "disputes",
        target=D("80"),
        kind="rate",
    )
)
indicator(
    Indicator(
        "disputes.overdue", "超期未调结纠纷", "件", "disputes", direction=LOWER, target=D("0")
    )
)
indicator(Indicator("disputes.large", "涉案金额10万元以上的纠纷", "件", "disputes"))


for _code, _name in (
    ("disputes.route_people", "人民调解途径化解的纠纷"),
    ("disputes.route_administrative", "行政调解途径化解的纠纷"),
    ("disputes.route_professional", "行业性专业性调解的纠纷"),
    ("disputes.court_referred", "法院委派委托调解的纠纷"),
    ("disputes.judicial_confirmed", "申请司法确认的调解协议"),
):
    indicator(Indicator(_code, _name, "件", "disputes", phrase=_name))


# --------------------------------------------------------------------------- petitions
@group("petitions", "信访", reads=("disputes.Petition",))
def _petitions(unit, year):
    try:
        from fazhi.disputes.models import Petition
    except ImportError:
        raise _missing("信访")
    qs = Petition.objects.in_subtree(unit)
    agg = qs.filter(received_on__year=year).aggregate(
        received=Count("pk"),
        replied=Count(
            "pk",
            filter=Q(replied_on__isnull=False)
            | Q(replied_on__isnull=True, handling_due__lt=cutoff(year)),
        ),
        on_time=Count("pk", filter=Q(replied_on_time=True)),
        rated=Count("pk", filter=~Q(satisfaction="")),
        satisfied=Count("pk", filter=Q(satisfaction__in=("satisfied", "basic"))),
    )
    backlog = qs.filter(backlog=True, backlog_resolved_at__year=year).count()
    return {
        "petitions.received": Value.count(agg["received"]),
        "petitions.replied_on_time_rate": Value.rate(agg["on_time"], agg["replied"]),
        "petitions.satisfaction_rate": Value.rate(agg["satisfied"], agg["rated"]),
        "petitions.backlog_resolved": Value.count(backlog),
    }


indicator(Indicator("petitions.received", "受理信访件", "件", "petitions"))
indicator(
    Indicator(
        "petitions.replied_on_time_rate",
        "信访按期答复率",
        "%",
        "petitions",
        target=D("100"),
        kind="rate",
        phrase="按期答复率",
    )
)
indicator(
    Indicator(
        "petitions.satisfaction_rate", "信访满意率", "%", "petitions", target=D("90"), kind="rate"
    )
)
indicator(Indicator("petitions.backlog_resolved", "化解信访积案", "件", "petitions"))


# --------------------------------------------------------------------------- hotline
@group("hotline", "热线诉求", reads=("disputes.HotlineAppeal",))
def _hotline(unit, year):
    try:
        from fazhi.disputes.models import HotlineAppeal
    except ImportError:
        raise _missing("热线诉求")
    agg = year_records(HotlineAppeal, unit, year, "received_on").aggregate(
        received=Count("pk"),
        completed=Count("pk", filter=Q(status="completed")),
        rated=Count("pk", filter=~Q(satisfaction="")),
        satisfied=Count("pk", filter=Q(satisfaction__in=("satisfied", "basic"))),
    )
    return {
        "hotline.received": Value.count(agg["received"]),
        "hotline.completion_rate": Value.rate(agg["completed"], agg["received"]),
        "hotline.satisfaction_rate": Value.rate(agg["satisfied"], agg["rated"]),
    }


indicator(Indicator("hotline.received", "受理热线诉求", "件", "hotline"))
indicator(
    Indicator(
        "hotline.completion_rate",
        "热线诉求办结率",
        "%",
        "hotline",
        target=D("95"),
        kind="rate",
        phrase="办结率",
    )
)
indicator(
    Indicator(
        "hotline.satisfaction_rate",
        "热线诉求满意率",
        "%",
        "hotline",
        target=D("90"),
        kind="rate",
        phrase="热线满意率",
    )
)


# --------------------------------------------------------------------------- grid cases
@group("grid", "网格事件", reads=("disputes.GridCase",))
def _grid(unit, year):
    try:
        from fazhi.disputes.models import GridCase
    except ImportError:
        raise _missing("网格事件")
    disposed = Q(handled_on__isnull=False)
    agg = year_records(GridCase, unit, year, "reported_on").aggregate(
        reported=Count("pk"),
        disposed=Count("pk", filter=disposed),
        on_spot=Count("pk", filter=Q(disposal="on_the_spot")),
        on_time=Count("pk", filter=disposed & Q(handled_on__lte=F("due_on"))),
        due=Count("pk", filter=disposed | Q(due_on__lt=cutoff(year))),
        escalated=Count("pk", filter=Q(disposal="escalated")),
    )
    return {
        "grid.reported": Value.count(agg["reported"]),
        "grid.on_the_spot_rate": Value.rate(agg["on_spot"], agg["disposed"]),
        "grid.on_time_rate": Value.rate(agg["on_time"], agg["due"]),
        "grid.escalated": Value.count(agg["escalated"]),
        "grid.handled": Value.count(agg["disposed"]),
    }


indicator(Indicator("grid.reported", "网格员上报事件", "件", "grid"))
indicator(
    Indicator(
        "grid.on_the_spot_rate",
        "网格事件就地处置率",
        "%",
        "grid",
        kind="rate",
        phrase="就地处置率",
    )
)
indicator(
    Indicator(
        "grid.on_time_rate",
        "网格事件按期处置率",
        "%",
        "grid",
        kind="rate",
        phrase="按期处置率",
    )
)
indicator(Indicator("grid.escalated", "网格事件转为矛盾纠纷", "件", "grid", phrase="转为矛盾纠纷"))
indicator(Indicator("grid.handled", "处置网格事件", "件", "grid"))


# --------------------------------------------------------------------------- decisions
@group(
    "decisions",
    "依法决策",
    reads=(
        "decisions.LegalityReview",
        "decisions.MajorDecision",
        "decisions.NormativeDocument",
        "decisions.ReviewFinding",
    ),
)
def _decisions(unit, year):
    try:
        from fazhi.decisions.models import LegalityReview, MajorDecision, NormativeDocument
    except ImportError:
        raise _missing("依法决策")
    decided = list(
        year_records(MajorDecision, unit, year, "decided_on").values_list("pk", flat=True)
    )
    reviewed = (
        LegalityReview.objects.filter(
            subject_kind="decision",
            status="completed",
            object_id__in=[str(pk) for pk in decided],
        )
        .values("object_id")
        .distinct()
        .count()
        if decided
        else 0
    )
    docs = year_records(NormativeDocument, unit, year, "published_on").aggregate(
        published=Count("pk"), on_time=Count("pk", filter=Q(filed_on_time=True))
    )
    reviews = year_records(LegalityReview, unit, year, "requested_on")
    agg = reviews.aggregate(
        conducted=Count("pk", filter=Q(status="completed")),
    )
    from fazhi.decisions.models import ReviewFinding

    findings = year_records(ReviewFinding, unit, year, "review__requested_on")
    return {
        "decisions.legality_review_coverage": Value.rate(reviewed, len(decided)),
        "documents.filed_on_time_rate": Value.rate(docs["on_time"], docs["published"]),
        "reviews.conducted": Value.count(agg["conducted"]),
        "reviews.findings": Value.count(findings.count()),
    }


indicator(
    Indicator(
        "decisions.legality_review_coverage",
        "重大行政决策合法性审查率",
        "%",
        "decisions",
        target=D("100"),
        kind="rate",
        phrase="合法性审查率",
    )
)
indicator(
    Indicator(
        "documents.filed_on_time_rate",
        "规范性文件按时备案率",
        "%",
        "decisions",
        target=D("100"),
        kind="rate",
        phrase="按时备案率",
    )
)
indicator(Indicator("reviews.conducted", "开展合法性审查", "件", "decisions"))
indicator(Indicator("reviews.findings", "合法性审查发现问题", "个", "decisions", phrase="发现问题"))


# --------------------------------------------------------------------------- enforcement
@group("enforcement", "行政执法", reads=("enforcement.EnforcementCase", "enforcement.Litigation"))
def _enforcement(unit, year):
    try:
        from fazhi.enforcement.models import EnforcementCase, Litigation
    except ImportError:
        raise _missing("行政执法")
    pub = (
        EnforcementCase.objects.in_subtree(unit)
        .filter(decided_on__year=year, publication_due__isnull=False)
        .aggregate(due=Count("pk"), on_time=Count("pk", filter=Q(published_on_time=True)))
    )
    lit = (
        Litigation.objects.in_subtree(unit)
        .filter(outcome_on__year=year, lost__isnull=False)
        .aggregate(decided=Count("pk"), lost=Count("pk", filter=Q(lost=True)))
    )
    return {
        "enforcement.published_on_time_rate": Value.rate(pub["on_time"], pub["due"]),
        "litigation.lost_rate": Value.rate(lit["lost"], lit["decided"]),
    }


indicator(
    Indicator(
        "enforcement.published_on_time_rate",
        "行政执法决定按时公示率",
        "%",
        "enforcement",
        target=D("100"),
        kind="rate",
        phrase="按时公示率",
    )
)
indicator(
    Indicator(
        "litigation.lost_rate",
        "行政诉讼败诉率",
        "%",
        "enforcement",
        direction=LOWER,
        target=D("0"),
        kind="rate",
        phrase="败诉率",
    )
)


# --------------------------------------------------------------------------- learning
def _optional_rate(value) -> Value:
    if value is None:
        return Value.na("分母为零，不适用")
    return Value.amount(value, 1)


# every model of the learning ledger: what its figures read (here and in learning.report)
LEARNING_READS = (
    "learning.Attendance",
    "learning.Cadre",
    "learning.ExamResult",
    "learning.LearningSettings",
    "learning.StudySession",
)


@group("learning", "学法", reads=LEARNING_READS)
def _learning(unit, year):
    try:
        from fazhi.learning import services as learning
    except ImportError:
        raise _missing("学法")
    return {
        "learning.sessions": Value.count(learning.indicator_sessions(unit, year)),
        "learning.cadres_40h_rate": _optional_rate(
            learning.indicator_cadres_hours_rate(unit, year)
        ),
        "learning.exam_participation_rate": _optional_rate(
            learning.indicator_exam_participation_rate(unit, year)
        ),
    }


indicator(Indicator("learning.sessions", "组织学法", "次", "learning"))
indicator(
    Indicator(
        "learning.cadres_40h_rate",
        "干部年度学法时长达标率",
        "%",
        "learning",
        target=D("100"),
        kind="rate",
        phrase="学法时长达标率",
    )
)
indicator(
    Indicator(
        "learning.exam_participation_rate",
        "学法考试参考率",
        "%",
        "learning",
        target=D("100"),
        kind="rate",
        phrase="参考率",
    )
)


# --------------------------------------------------------------------------- publicity
@group("publicity", "普法", reads=("publicity.PublicityEvent",))
def _publicity(unit, year):
    try:
        from fazhi.publicity import services as publicity
    except ImportError:
        raise _missing("普法")
    return {
        "publicity.events": Value.count(publicity.indicator_events(unit, year)),
        "publicity.audience": Value.count(publicity.indicator_audience(unit, year)),
    }


indicator(Indicator("publicity.events", "开展普法宣传活动", "场", "publicity"))
indicator(Indicator("publicity.audience", "普法受众", "人次", "publicity", phrase="受众"))


# --------------------------------------------------------------------------- legal service
@group(
    "advisers",
    "法律顾问",
    reads=("legalservice.Consultation", "legalservice.DutyShift", "legalservice.LegalAdviser"),
)
def _advisers(unit, year):
    try:
        from fazhi.legalservice import services as legalservice
    except ImportError:
        raise _missing("法律顾问")
    cov = legalservice.village_coverage(unit, year)
    cons = legalservice.consultations_total(unit, year)
    return {
        "advisers.village_coverage": Value.rate(cov["covered"], cov["villages"]),
        "advisers.consultations": Value.count(cons["count"]),
    }


indicator(
    Indicator(
        "advisers.village_coverage",
        "村（社区）法律顾问覆盖率",
        "%",
        "advisers",
        target=D("100"),
        kind="rate",
        phrase="法律顾问覆盖率",
    )
)
indicator(Indicator("advisers.consultations", "提供法律咨询", "次", "advisers"))


# --------------------------------------------------------------------------- oversight
@group("rectification", "整改", reads=("oversight.Inspection", "oversight.Rectification"))
def _rectification(unit, year):
    try:
        from fazhi.oversight import services as oversight
    except ImportError:
        raise _missing("督察整改")
    figures = oversight.rectification_closed_rate(unit, year)
    return {"rectification.closed_rate": Value.rate(figures["closed"], figures["total"])}


indicator(
    Indicator(
        "rectification.closed_rate",
        "问题整改完成率",
        "%",
        "rectification",
        target=D("100"),
        kind="rate",
        phrase="整改完成率",
    )
)
