"""What the enforcement ledgers contribute to the annual report (theme "enforcement").

Section one: the year's cases by kind, certificates held, the three systems (what was
published, full-process records, legal review of major decisions) and reconsideration
and litigation, with the statements the reports make when there were none ("全年未发生
行政诉讼案件", "无一起……被撤销"). Section two: rates below target and lapsed
certificates; section four: certificates to renew next year.

When is a zero a statement? The reconsideration and litigation counts are values only
while the unit's enforcement ledgers are *kept* for the year: some case opened in the
year, some reconsideration or lawsuit received in it, or some certificate in force during
it. A unit whose enforcement ledgers hold nothing for the year gets "不适用" for those
counts, so no "未发生" sentence is written from an empty ledger.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.urls import reverse

from fazhi.core.models import Unit
from fazhi.decisions.models.reviews import ReviewStatus
from fazhi.indicators.registry import (
    LOWER,
    Indicator,
    Value,
    cutoff,
    group,
    indicator,
    year_records,
)
from fazhi.reports.contrib import (
    Context,
    Contribution,
    Found,
    PlanHint,
    Point,
    Source,
    anonymise,
    below_target,
    joined,
    register,
)

from .models import (
    CORRECTING,
    CaseKind,
    CaseReview,
    ChallengeStatus,
    DiscretionStandard,
    EnforcementCase,
    EnforcementCertificate,
    Litigation,
    Reconsideration,
    Responsibility,
    Sector,
    StaffTraining,
    SupervisionVisit,
    VisitKind,
)

D = Decimal
THEME = "enforcement"
NOT_KEPT = "本年度行政执法台账无记录，不适用"
KINDS = [
    (CaseKind.PENALTY, "enforcement.penalties"),
    (CaseKind.INSPECTION, "enforcement.inspections"),
    (CaseKind.COERCION, "enforcement.coercions"),
    (CaseKind.LICENSE, "enforcement.licenses"),
]

# Per sector (执法领域): checks carried out (行政检查, 次) and cases opened for penalty
# (立案查处, 起), ``enforcement.inspections_<sector>`` / ``enforcement.penalties_<sector>``.
SECTOR_CODES = [
    (sector, f"enforcement.inspections_{sector.value}", f"enforcement.penalties_{sector.value}")
    for sector in Sector
]


# --------------------------------------------------------------------------- indicators
@group(
    "enforcement_records",
    "行政执法（年度报告）",
    reads=(
        "decisions.LegalityReview",
        "enforcement.EnforcementCase",
        "enforcement.EnforcementCertificate",
        "enforcement.Litigation",
        "enforcement.Reconsideration",
    ),
)
def _figures(unit, year):
    cut = cutoff(year)
    o, d, p = (Q(**{f"{f}__year": year}) for f in ("opened_on", "decided_on", "published_on"))
    cases = (
        EnforcementCase.objects.in_subtree(unit)
        .filter(o | d | p)
        .aggregate(
            n=Count("pk", filter=o),
            recorded=Count("pk", filter=o & ~Q(evidence_summary="")),
            **{code: Count("pk", filter=o & Q(kind=kind)) for kind, code in KINDS},
            **{
                code: Count("pk", filter=o & Q(kind=kind, sector=sector))
                for sector, checks, penalties in SECTOR_CODES
                for kind, code in ((CaseKind.INSPECTION, checks), (CaseKind.PENALTY, penalties))
            },
            fines=Sum("penalty_amount", filter=d),
            major=Count("pk", filter=d & Q(is_major=True)),
            major_reviewed=Count(
                "pk", filter=d & Q(is_major=True, review__status=ReviewStatus.COMPLETED)
            ),
            hearings=Count("pk", filter=d & Q(hearing_held_on__isnull=False)),
            published=Count("pk", filter=p),
        )
    )
    certs = EnforcementCertificate.objects.in_subtree(unit).filter(revoked=False)
    now = Q(issued_on__lte=cut, expires_on__gte=cut)
    renewed = Exists(certs.filter(now, holder_name=OuterRef("holder_name")))
    held = certs.aggregate(
        certified=Count("holder_name", distinct=True, filter=now),
        issued=Count("pk", filter=Q(issued_on__year=year, issued_on__lte=cut)),
        lapsed=Count(
            "holder_name",
            distinct=True,
            filter=Q(expires_on__year=year, expires_on__lt=cut) & ~renewed,
        ),
        in_force=Count(
            "pk",
            filter=Q(issued_on__lte=dt.date(year, 12, 31), expires_on__gte=dt.date(year, 1, 1)),
        ),
    )
    recon = year_records(Reconsideration, unit, year, "received_on").aggregate(
        n=Count("pk"),
        concluded=Count("pk", filter=Q(status=ChallengeStatus.CONCLUDED)),
        corrected=Count("pk", filter=Q(outcome__in=list(CORRECTING)) | Q(corrected=True)),
    )
    lit = year_records(Litigation, unit, year, "received_on").aggregate(
        n=Count("pk"),
        heard=Count("pk", filter=Q(hearing_on__isnull=False)),
        appeared=Count("pk", filter=Q(hearing_on__isnull=False, head_appeared=True)),
    )
    kept = bool(cases["n"] or recon["n"] or lit["n"] or held["in_force"])

    def kept_count(n) -> Value:
        return Value.count(n) if kept else Value.na(NOT_KEPT)

    out = {
        "enforcement.cases": Value.count(cases["n"]),
        "enforcement.recorded": Value.count(cases["recorded"]),
        "enforcement.fines": Value.amount(D(cases["fines"] or 0) / 10000, 2),
        "enforcement.published": Value.count(cases["published"]),
        "enforcement.major": Value.count(cases["major"]),
        "enforcement.major_reviewed": Value.count(cases["major_reviewed"]),
        "enforcement.hearings": Value.count(cases["hearings"]),
        "enforcement.certified": Value.count(held["certified"]),
        "enforcement.certificates_issued": Value.count(held["issued"]),
        "enforcement.certificates_lapsed": Value.count(held["lapsed"]),
        "reconsideration.cases": kept_count(recon["n"]),
        "reconsideration.concluded": kept_count(recon["concluded"]),
        "reconsideration.corrected": kept_count(recon["corrected"]),
        "litigation.cases": kept_count(lit["n"]),
        "litigation.head_appearance_rate": Value.rate(lit["appeared"], lit["heard"]),
    }
    out.update({code: Value.count(cases[code]) for _kind, code in KINDS})
    out.update(
        {
            code: Value.count(cases[code])
            for _sector, checks, penalties in SECTOR_CODES
            for code in (checks, penalties)
        }
    )
    return out


G = "enforcement_records"
for ind in [
    Indicator("enforcement.cases", "办理行政执法案件", "件", G),
    Indicator("enforcement.penalties", "行政处罚案件", "件", G, phrase="行政处罚"),
    Indicator("enforcement.inspections", "行政检查案件", "件", G, phrase="行政检查"),
    Indicator("enforcement.coercions", "行政强制案件", "件", G, phrase="行政强制"),
    Indicator("enforcement.licenses", "行政许可案件", "件", G, phrase="行政许可"),
    Indicator("enforcement.fines", "罚没金额", "万元", G, kind="amount", decimals=2),
    Indicator("enforcement.published", "公示行政执法决定", "件", G),
    Indicator(
        "enforcement.recorded", "留存执法全过程记录的案件", "件", G, phrase="留存执法全过程记录"
    ),
    Indicator("enforcement.major", "作出重大执法决定", "件", G),
    Indicator("enforcement.major_reviewed", "经法制审核的重大执法决定", "件", G),
    Indicator("enforcement.hearings", "举行行政执法听证", "次", G),
    Indicator("enforcement.certified", "持证执法人员", "人", G),
    Indicator("enforcement.certificates_issued", "新领（换发）执法证件", "件", G),
    Indicator(
        "enforcement.certificates_lapsed",
        "执法证件过期未换发",
        "件",
        G,
        direction=LOWER,
        target=D("0"),
    ),
    Indicator("reconsideration.cases", "行政复议案件", "件", G),
    Indicator("reconsideration.concluded", "审结行政复议案件", "件", G),
    Indicator(
        "reconsideration.corrected",
        "行政复议被纠错案件",
        "件",
        G,
        direction=LOWER,
        target=D("0"),
        phrase="行政复议被纠错",
    ),
    Indicator("litigation.cases", "行政诉讼案件", "件", G),
    Indicator(
        "litigation.head_appearance_rate",
        "行政机关负责人出庭应诉率",
        "%",
        G,
        target=D("100"),
        kind="rate",
    ),
    *(
        ind
        for sector, checks, penalties in SECTOR_CODES
        for ind in (
            Indicator(
                checks, f"{sector.label}执法检查", "次", G, phrase=f"开展{sector.label}执法检查"
            ),
            Indicator(
                penalties, f"{sector.label}立案查处", "起", G, phrase=f"{sector.label}立案查处"
            ),
        )
    ),
]:
    indicator(ind)


# --------------------------------------------------------------------------- supervision
S = "enforcement_supervision"


@group(
    S,
    "行政执法监督（年度报告）",
    reads=(
        "enforcement.CaseReview",
        "enforcement.DiscretionStandard",
        "enforcement.Responsibility",
        "enforcement.StaffTraining",
        "enforcement.SupervisionVisit",
        "oversight.Rectification",
    ),
)
def _supervision_figures(unit, year):
    from fazhi.oversight.models import Rectification, RectificationStatus

    reviews = CaseReview.objects.in_subtree(unit).filter(year=year)
    files = reviews.aggregate(
        n=Count("pk"),
        files=Sum("files_reviewed"),
        excellent=Sum("files_excellent"),
        qualified=Sum("files_qualified"),
        failed=Sum("files_failed"),
    )
    findings = Rectification.objects.filter(
        inspection_id__in=reviews.exclude(inspection=None).values("inspection_id")
    ).aggregate(n=Count("pk"), closed=Count("pk", filter=Q(status=RectificationStatus.SIGNED_OFF)))
    standards = (
        DiscretionStandard.objects.in_subtree(unit)
        .filter(Q(adopted_on__year=year) | Q(revised_on__year=year))
        .count()
    )
    visits = year_records(SupervisionVisit, unit, year, "held_on").aggregate(
        n=Count("pk"),
        deputies=Sum("deputies"),
        members=Sum("members"),
        opinions=Sum("opinions"),
    )
    trainings = year_records(StaffTraining, unit, year, "held_on").aggregate(
        n=Count("pk", filter=Q(is_exam=False)),
        trained=Sum("attendees", filter=Q(is_exam=False)),
        exams=Count("pk", filter=Q(is_exam=True)),
        takers=Sum("attendees", filter=Q(is_exam=True, passed__isnull=False)),
        passed=Sum("passed", filter=Q(is_exam=True)),
    )
    posts = list(
        Responsibility.objects.in_subtree(unit)
        .filter(assigned_on__lte=dt.date(year, 12, 31))
        .exclude(ended_on__lt=dt.date(year, 1, 1))
        .values_list("items", flat=True)
    )
    items = sum(len([t for t in text.splitlines() if t.strip()]) for text in posts)
    return {
        "enforcement.responsibility_posts": Value.count(len(posts)),
        "enforcement.responsibility_items": Value.count(items),
        "enforcement.case_reviews": Value.count(files["n"]),
        "enforcement.files_reviewed": Value.count(files["files"]),
        "enforcement.files_excellent": Value.count(files["excellent"]),
        "enforcement.files_qualified": Value.count(files["qualified"]),
        "enforcement.files_failed": Value.count(files["failed"])
        if files["n"]
        else Value.na("本年度未登记案卷评查，不适用"),
        "enforcement.files_excellent_rate": Value.rate(files["excellent"], files["files"]),
        "enforcement.review_findings": Value.count(findings["n"]),
        "enforcement.review_findings_closed": Value.count(findings["closed"]),
        "enforcement.discretion_standards": Value.count(standards),
        "enforcement.supervision_visits": Value.count(visits["n"]),
        "enforcement.supervision_deputies": Value.count(visits["deputies"]),
        "enforcement.supervision_members": Value.count(visits["members"]),
        "enforcement.supervision_opinions": Value.count(visits["opinions"]),
        "enforcement.staff_trainings": Value.count(trainings["n"]),
        "enforcement.staff_trained": Value.count(trainings["trained"]),
        "enforcement.exams": Value.count(trainings["exams"]),
        "enforcement.exam_takers": Value.count(trainings["takers"]),
        "enforcement.exam_passed": Value.count(trainings["passed"]),
    }


for ind in [
    Indicator(
        "enforcement.responsibility_posts",
        "明确责任的执法岗位",
        "个",
        S,
        phrase="明确执法岗位",
    ),
    Indicator("enforcement.responsibility_items", "落实到岗位的执法事项", "项", S),
    Indicator("enforcement.case_reviews", "行政执法案卷评查", "次", S, phrase="开展案卷评查"),
    Indicator("enforcement.files_reviewed", "评查执法案卷", "卷", S),
    Indicator("enforcement.files_excellent", "优秀执法案卷", "卷", S),
    Indicator("enforcement.files_qualified", "合格执法案卷", "卷", S),
    Indicator(
        "enforcement.files_failed", "不合格执法案卷", "卷", S, direction=LOWER, target=D("0")
    ),
    Indicator("enforcement.files_excellent_rate", "执法案卷优秀率", "%", S, kind="rate"),
    Indicator("enforcement.review_findings", "案卷评查发现问题", "个", S),
    Indicator("enforcement.review_findings_closed", "案卷评查问题整改销号", "个", S),
    Indicator("enforcement.discretion_standards", "制定（修订）行政裁量权基准", "项", S),
    Indicator(
        "enforcement.supervision_visits",
        "人大代表政协委员监督行政执法",
        "次",
        S,
        phrase="人大代表、政协委员监督执法活动",
    ),
    Indicator(
        "enforcement.supervision_deputies",
        "参加监督的人大代表",
        "人次",
        S,
        phrase="参加执法监督的人大代表",
    ),
    Indicator(
        "enforcement.supervision_members",
        "参加监督的政协委员",
        "人次",
        S,
        phrase="参加执法监督的政协委员",
    ),
    Indicator(
        "enforcement.supervision_opinions",
        "代表委员提出意见建议",
        "条",
        S,
        phrase="代表委员对行政执法提出意见建议",
    ),
    Indicator(
        "enforcement.staff_trainings", "行政执法人员培训", "期", S, phrase="组织行政执法人员培训"
    ),
    Indicator("enforcement.staff_trained", "培训行政执法人员", "人次", S),
    Indicator("enforcement.exams", "执法资格考试", "次", S, phrase="组织执法资格考试"),
    Indicator("enforcement.exam_takers", "参加执法资格考试", "人次", S),
    Indicator("enforcement.exam_passed", "执法资格考试合格", "人", S),
]:
    indicator(ind)


# --------------------------------------------------------------------------- points
def _cases_point(ctx: Context) -> Point | None:
    if not ctx.n("enforcement.cases") and not ctx.n("enforcement.certified"):
        return None
    sentences = []
    if ctx.n("enforcement.cases"):
        s = f"全年办理行政执法案件{ctx.fig('enforcement.cases')}"
        yoy = ctx.yoy_if_kept("enforcement.cases")
        if yoy:
            s += f"，{yoy}"
        kinds = [f"{CaseKind(kind).label}{ctx.fig(code)}" for kind, code in KINDS if ctx.n(code)]
        if len(kinds) > 1:
            s += f"，其中{'、'.join(kinds)}"
        if ctx.n("enforcement.fines"):
            s += f"，罚没金额{ctx.fig('enforcement.fines')}"
        sentences.append(s + "。")
        sentences += sector_sentences(ctx)
    if ctx.n("enforcement.certified"):
        s = f"{ctx.voice.whole}现有持证执法人员{ctx.fig('enforcement.certified')}"
        if ctx.n("enforcement.certificates_issued"):
            s += f"，年内新领（换发）执法证件{ctx.fig('enforcement.certificates_issued')}"
        areas = list(
            EnforcementCertificate.objects.in_subtree(ctx.unit)
            .filter(revoked=False, expires_on__gte=cutoff(ctx.year))
            .exclude(area="")
            .values_list("area", flat=True)
            .distinct()
            .order_by("area")[:3]
        )
        if areas:
            s += f"，执法领域涵盖{joined(areas)}"
        sentences.append(s + "。")
    codes = ["enforcement.cases", "enforcement.certified"] + [
        code
        for _s, checks, penalties in SECTOR_CODES
        for code in (checks, penalties)
        if ctx.n(code)
    ]
    return Point(
        THEME,
        "依法履行行政执法职责",
        "".join(sentences),
        sources=[ctx.indicator_source(c) for c in codes],
        weight=80,
        key="enforcement.cases",
    )


def sector_sentences(ctx: Context, most: int = 4) -> list[str]:
    """[] or ["开展安全生产执法检查12次，立案查处3起；开展食品药品执法检查8次。"]: the
    sectors with checks or penalty cases in the year, the busiest first (at most ``most``;
    "其他" last), from the cases that name their sector."""
    rows = []
    for sector, checks, penalties in SECTOR_CODES:
        n_checks, n_pen = ctx.n(checks), ctx.n(penalties)
        if not (n_checks or n_pen):
            continue
        parts = []
        if n_checks:
            parts.append(f"开展{sector.label}执法检查{ctx.fig(checks)}")
        if n_pen:
            parts.append(
                f"立案查处{sector.label}违法案件{ctx.fig(penalties)}"
                if not n_checks
                else f"立案查处{ctx.fig(penalties)}"
            )
        rows.append((sector == Sector.OTHER, -(n_checks + n_pen), "，".join(parts)))
    if not rows:
        return []
    rows.sort(key=lambda r: (r[0], r[1]))
    return ["；".join(text for *_k, text in rows[:most]) + "。"]


def _three_systems_point(ctx: Context) -> Point | None:
    clauses = []
    if ctx.n("enforcement.published"):
        present = set(
            ctx.records(EnforcementCase, "published_on").values_list("kind", flat=True).distinct()
        )
        kinds = [CaseKind(k).label for k, _code in KINDS if k in present]
        what = f"{joined(kinds, 4)}等执法决定" if kinds else "执法决定"
        s = f"在行政执法公示专栏公示{what}{ctx.fig('enforcement.published')}"
        if ctx.ok("enforcement.published_on_time_rate"):
            s += f"，按时公示率{ctx.fig('enforcement.published_on_time_rate')}"
        clauses.append(s)
    if ctx.n("enforcement.recorded"):
        clauses.append(f"{ctx.fig('enforcement.recorded')}案件留存调查取证全过程记录")
    if ctx.n("enforcement.major"):
        s = f"作出重大执法决定{ctx.fig('enforcement.major')}"
        if ctx.n("enforcement.major_reviewed") == ctx.n("enforcement.major"):
            s += "，均经法制审核后作出"
        elif ctx.n("enforcement.major_reviewed"):
            s += f"，其中经法制审核{ctx.fig('enforcement.major_reviewed')}"
        if ctx.n("enforcement.hearings"):
            s += f"，依当事人申请举行听证{ctx.fig('enforcement.hearings')}"
        clauses.append(s)
    if not clauses:
        return None
    codes = ["enforcement.published", "enforcement.recorded", "enforcement.major"]
    return Point(
        THEME,
        "落实行政执法“三项制度”",
        "；".join(clauses) + "。",
        sources=[ctx.indicator_source(c) for c in codes],
        weight=70,
        key="enforcement.three_systems",
    )


def _challenges_point(ctx: Context) -> Point | None:
    recon_zero, lit_zero = ctx.zero("reconsideration.cases"), ctx.zero("litigation.cases")
    if not (ctx.ok("reconsideration.cases") or ctx.ok("litigation.cases")):
        return None  # the ledgers hold nothing for the year: no statement either way
    sentences = []
    if recon_zero and lit_zero:
        sentences.append("全年未发生行政复议和行政诉讼案件。")
    else:
        if recon_zero:
            sentences.append("全年未发生行政复议案件。")
        elif ctx.n("reconsideration.cases"):
            s = f"全年收到行政复议申请{ctx.fig('reconsideration.cases')}"
            if ctx.n("reconsideration.concluded"):
                s += f"，已审结{ctx.fig('reconsideration.concluded')}"
                if ctx.zero("reconsideration.corrected"):
                    s += "，无一起行政行为被复议机关撤销、变更或确认违法"
                else:
                    s += f"，其中被复议纠错{ctx.fig('reconsideration.corrected')}"
            sentences.append(s + "。")
        if lit_zero:
            sentences.append("全年未发生行政诉讼案件。")
        elif ctx.n("litigation.cases"):
            s = f"依法应诉行政诉讼案件{ctx.fig('litigation.cases')}"
            if ctx.zero("litigation.lost_rate"):
                s += "，已审结的案件无一起败诉"
            elif ctx.ok("litigation.lost_rate"):
                s += f"，败诉率{ctx.fig('litigation.lost_rate')}"
            if ctx.ok("litigation.head_appearance_rate"):
                s += f"，行政机关负责人出庭应诉率{ctx.fig('litigation.head_appearance_rate')}"
            sentences.append(s + "。")
    replied = _replied_on_time(ctx.unit, ctx.year)
    if replied:
        sentences.append("收到复议申请书和起诉状副本后，均在法定期限内提交答复（答辩）和证据材料。")
    codes = ["reconsideration.cases", "litigation.cases"]
    return Point(
        THEME,
        "依法接受复议诉讼监督",
        "".join(sentences),
        sources=[ctx.indicator_source(c) for c in codes],
        weight=60,
        key="enforcement.challenges",
    )


def _replied_on_time(unit: Unit, year: int) -> bool:
    """Every challenge of the year replied to, and every reply on time (at least one)."""
    total = replied = 0
    for model in (Reconsideration, Litigation):
        agg = year_records(model, unit, year, "received_on").aggregate(
            n=Count("pk"), ok=Count("pk", filter=Q(replied_on_time=True))
        )
        total += agg["n"]
        replied += agg["ok"]
    return total > 0 and replied == total


def _responsibility_sentence(ctx: Context) -> str:
    if not ctx.n("enforcement.responsibility_posts"):
        return ""
    s = f"落实行政执法责任制，明确执法岗位{ctx.fig('enforcement.responsibility_posts')}"
    if ctx.n("enforcement.responsibility_items"):
        s += f"、执法事项{ctx.fig('enforcement.responsibility_items')}"
    return s + "，执法责任落实到岗到人。"


def _review_sentence(ctx: Context) -> str:
    if not ctx.n("enforcement.case_reviews"):
        return ""
    s = f"组织开展行政执法案卷评查{ctx.fig('enforcement.case_reviews')}"
    if ctx.n("enforcement.files_reviewed"):
        s += f"，评查执法案卷{ctx.fig('enforcement.files_reviewed')}"
        grades = [
            f"{label}{ctx.fig(code)}"
            for label, code in (
                ("优秀", "enforcement.files_excellent"),
                ("合格", "enforcement.files_qualified"),
                ("不合格", "enforcement.files_failed"),
            )
            if ctx.n(code)
        ]
        if grades:
            s += f"，其中{'、'.join(grades)}"
        if ctx.n("enforcement.files_excellent"):
            s += f"，优秀率{ctx.fig('enforcement.files_excellent_rate')}"
    if ctx.n("enforcement.review_findings"):
        s += f"；评查发现问题{ctx.fig('enforcement.review_findings')}，均已列入整改台账"
        closed = ctx.n("enforcement.review_findings_closed")
        if closed and closed == ctx.n("enforcement.review_findings"):
            s += "并整改销号"
        elif closed:
            s += f"，已整改销号{ctx.fig('enforcement.review_findings_closed')}"
    return s + "。"


def _standards_sentence(ctx: Context) -> str:
    if not ctx.n("enforcement.discretion_standards"):
        return ""
    sectors = list(
        DiscretionStandard.objects.in_subtree(ctx.unit)
        .filter(Q(adopted_on__year=ctx.year) | Q(revised_on__year=ctx.year))
        .exclude(sector=Sector.OTHER)
        .values_list("sector", flat=True)
        .distinct()
        .order_by("sector")
    )
    s = f"制定（修订）行政裁量权基准{ctx.fig('enforcement.discretion_standards')}"
    if sectors:
        labels = [Sector(k).label for k in Sector.values if k in sectors]
        s += f"，涵盖{joined(labels, 4)}等领域" if len(labels) > 1 else f"，涉及{labels[0]}领域"
    return s + "，规范行政裁量权行使。"


def _visits_sentence(ctx: Context) -> str:
    if not ctx.n("enforcement.supervision_visits"):
        return ""
    kinds = set(ctx.records(SupervisionVisit, "held_on").values_list("kind", flat=True).distinct())
    forms = "、".join(VisitKind(k).label for k in VisitKind.values if k in kinds)
    who = [
        label
        for label, code in (
            ("人大代表", "enforcement.supervision_deputies"),
            ("政协委员", "enforcement.supervision_members"),
        )
        if ctx.n(code)
    ]
    s = (
        f"邀请{'、'.join(who)}对行政执法工作开展{forms}等监督活动"
        f"{ctx.fig('enforcement.supervision_visits')}"
    )
    people = [
        f"{label}{ctx.fig(code)}"
        for label, code in (
            ("人大代表", "enforcement.supervision_deputies"),
            ("政协委员", "enforcement.supervision_members"),
        )
        if ctx.n(code)
    ]
    s += f"，参加{'、'.join(people)}"
    if ctx.n("enforcement.supervision_opinions"):
        s += f"，提出意见建议{ctx.fig('enforcement.supervision_opinions')}"
    return s + "。"


def _training_sentence(ctx: Context) -> str:
    parts = []
    if ctx.n("enforcement.staff_trainings"):
        s = f"组织行政执法人员培训{ctx.fig('enforcement.staff_trainings')}"
        if ctx.n("enforcement.staff_trained"):
            s += f"，培训执法人员{ctx.fig('enforcement.staff_trained')}"
        parts.append(s)
    if ctx.n("enforcement.exams"):
        s = f"组织执法资格考试{ctx.fig('enforcement.exams')}"
        if ctx.n("enforcement.exam_takers"):
            s += f"，参考{ctx.fig('enforcement.exam_takers')}"
            s += f"、合格{ctx.fig('enforcement.exam_passed')}"
        parts.append(s)
    return "；".join(parts) + "。" if parts else ""


SUPERVISION_CODES = [
    "enforcement.responsibility_posts",
    "enforcement.case_reviews",
    "enforcement.files_reviewed",
    "enforcement.review_findings",
    "enforcement.discretion_standards",
    "enforcement.supervision_visits",
    "enforcement.staff_trainings",
    "enforcement.exams",
]


def _supervision_point(ctx: Context) -> Point | None:
    """加强行政执法监督: the case-file reviews, the discretion standards, the deputies'
    and members' supervision and the staff's training, each said only when recorded."""
    sentences = [
        _responsibility_sentence(ctx),
        _review_sentence(ctx),
        _standards_sentence(ctx),
        _visits_sentence(ctx),
        _training_sentence(ctx),
    ]
    text = "".join(s for s in sentences if s)
    if not text:
        return None
    return Point(
        THEME,
        "加强行政执法监督",
        text,
        sources=[ctx.indicator_source(c) for c in SUPERVISION_CODES if ctx.n(c)],
        weight=55,
        key="enforcement.supervision",
    )


def points(ctx: Context) -> list[Point]:
    out = [
        _cases_point(ctx),
        _three_systems_point(ctx),
        _supervision_point(ctx),
        _challenges_point(ctx),
    ]
    return [p for p in out if p is not None]


# --------------------------------------------------------------------------- shortfalls
CAUSES = {
    "enforcement.published_on_time_rate": [
        "执法决定作出后由承办人自行公示，缺少统一审核和到期提醒，个别决定超过7个工作日才公示",
        "综合行政执法队人员少、任务重，公示信息录入滞后",
        "对行政检查、行政强制决定的公示期限（20个工作日）和处罚决定的期限把握不一",
        "公示前的个人信息脱敏审核耗时，影响按时公示",
    ],
    "litigation.lost_rate": [
        "个别执法决定事实认定的证据不够充分，调查取证不规范",
        "执法程序存在瑕疵，告知陈述申辩权利等环节记录不完整",
        "作出决定前未经法制审核或审核把关不严",
        "应诉准备不足，未在答辩期限内提交全部证据和依据",
    ],
    "reconsideration.corrected": [
        "执法人员对法律依据理解不准，适用条款不当",
        "自由裁量权行使缺少基准，处罚幅度与违法情节不相当",
        "执法文书制作不规范，说理不充分",
        "调查取证和全过程记录不完整，复议机关认定事实不清",
    ],
    "enforcement.certificates_lapsed": [
        "执法证件到期前未及时组织换证培训和考试",
        "执法人员岗位调整后证件未同步注销或换发",
        "执法证件有效期缺少台账管理和到期提醒",
        "换证考试时间与执法工作冲突，个别人员未能参加",
    ],
    "enforcement.files_failed": [
        "执法人员对案卷制作标准掌握不够，文书填写不规范",
        "调查取证材料不完整，证据链条不够清晰",
        "案卷归档不及时，装订顺序和目录不符合要求",
        "法制审核人员对案卷的审核把关不严",
    ],
    "litigation.head_appearance_rate": [
        "主要负责人工作安排冲突，未能出庭应诉",
        "对行政机关负责人出庭应诉的法定要求认识不足",
        "开庭通知传递不及时，来不及安排负责人出庭",
        "委托律师代理后，负责人出庭的意识不强",
    ],
}
PLANS = {
    "enforcement.published_on_time_rate": "执法决定作出后由法制审核人员统一审核，在规定期限内公示并逐件跟踪",
    "litigation.lost_rate": "加强执法案卷评查和重大执法决定法制审核，从源头减少败诉",
    "reconsideration.corrected": "细化行政处罚自由裁量基准，规范执法文书说理",
    "enforcement.certificates_lapsed": "建立执法证件到期提醒，按期组织换证培训考试",
    "litigation.head_appearance_rate": "落实行政机关负责人出庭应诉制度，做到“出庭又出声”",
    "enforcement.files_failed": "常态化开展行政执法案卷评查，对不合格案卷逐卷整改并纳入执法考核",
}


def shortfalls(ctx: Context) -> list[Found]:
    return below_target(ctx, list(CAUSES), THEME, CAUSES, PLANS)


# --------------------------------------------------------------------------- plans
def plans(ctx: Context) -> list[PlanHint]:
    nxt = ctx.year + 1
    holders = list(
        EnforcementCertificate.objects.in_subtree(ctx.unit)
        .filter(revoked=False, expires_on__year=nxt)
        .order_by("expires_on", "pk")
        .values_list("pk", "holder_name")
    )
    names = list(dict.fromkeys(n for _pk, n in holders))
    if not names:
        return []
    return [
        PlanHint(
            THEME,
            f"做好{len(names)}名执法人员执法证件到期换发工作，确保执法人员持证上岗、亮证执法",
            [
                Source(
                    f"执法证件：{anonymise(n)}",
                    reverse("enforcement:certificate_detail", args=[pk]),
                )
                for pk, n in holders
            ],
        )
    ]


register(
    Contribution(
        "enforcement",
        points=points,
        shortfalls=shortfalls,
        plans=plans,
        order=30,
    )
)
