"""Demo data: certificates (one expiring soon, one lapsed), cases across kinds and stages,
one reconsideration and one lawsuit per township."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from fazhi.core import bulk, demo, pii, workdays
from fazhi.core.models import UnitKind
from fazhi.decisions.models import LegalityReview
from fazhi.decisions.models.reviews import Conclusion, ReviewStatus, SubjectKind

from .models import (
    CaseKind,
    CaseStatus,
    ChallengeStatus,
    EnforcementCase,
    EnforcementCertificate,
    Litigation,
    Outcome,
    Reconsideration,
    Sector,
    SubjectType,
)

SURNAMES = "王李张刘陈杨赵黄周吴"
GIVEN = ["建国", "秀英", "志强", "丽华", "国庆", "海燕", "德明", "桂兰"]
COMPANIES = [
    "示范县鑫源食品店",
    "示范县宏达建材有限公司",
    "示范县顺通物流有限公司",
    "示范县绿野农资经营部",
]
BASES = {
    CaseKind.PENALTY: "《中华人民共和国食品安全法》第一百二十四条",
    CaseKind.COERCION: "《中华人民共和国行政强制法》第二十二条",
    CaseKind.INSPECTION: "《中华人民共和国安全生产法》第六十五条",
    CaseKind.LICENSE: "《中华人民共和国行政许可法》第三十八条",
}

# The n-th case's sector (no draw from the rng: the rest of the demo stays as it was);
# the checks (every fourth case from the third) fall to 安全生产, the penalties spread.
DEMO_SECTORS = (
    Sector.FOOD_DRUG,
    Sector.MARKET,
    Sector.SAFETY,
    Sector.ENVIRONMENT,
    Sector.SAFETY,
    Sector.CONSTRUCTION,
    Sector.SAFETY,
    Sector.FOOD_DRUG,
    Sector.RESOURCES,
    Sector.TRANSPORT,
    Sector.FOOD_DRUG,
    Sector.CULTURE_TOURISM,
    Sector.AGRICULTURE,
    Sector.ENVIRONMENT,
)


def _id_number(rng) -> str:
    first = f"990101{rng.randint(1960, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(100, 999)}"
    return first + pii.id_check_digit(first)


def _major_reviews(unit, cases, clerk) -> None:
    """A major enforcement decision is decided only after its legal review (法制审核),
    as the procedure requires: a completed review for each, before the decision day."""
    ct = ContentType.objects.get_for_model(EnforcementCase)
    reviews = []
    for c in cases:
        requested = c.opened_on + dt.timedelta(days=16)
        due = workdays.add_working_days(requested, 7)
        c.review = LegalityReview(
            unit=unit,
            subject_kind=SubjectKind.ENFORCEMENT,
            content_type=ct,
            object_id=str(c.pk),
            subject_label=f"{c.number} {c.get_kind_display()}决定"[:200],
            drafting_office="综合行政执法队",
            requested_on=requested,
            due_date=due.date,
            due_provisional=due.provisional,
            reviewer_name="司法所法制审核员",
            reviewer_office="司法所",
            status=ReviewStatus.COMPLETED,
            conclusion=Conclusion.LAWFUL,
            opinion="经审核，事实清楚、证据确凿、适用依据正确、程序合法。",
            opinion_on=min(c.decided_on, requested + dt.timedelta(days=3)),
            working_days_taken=2,
            created_by=clerk,
            version=2,
        )
        reviews.append(c.review)
    bulk.insert(LegalityReview, reviews)
    for c in cases:
        c.review_id = c.review.pk
    if cases:
        EnforcementCase.objects.bulk_update(cases, ["review"])


@demo.register(order=45)
def gen(ctx) -> None:
    real_today = timezone.localdate()
    for t in ctx.townships:
        today = real_today
        clerk = ctx.users.get("clerk_df") if t.code == "990101" else ctx.users.get("clerk_qh")
        certs = []
        for i in range(5):
            name = ctx.rng.choice(SURNAMES) + ctx.rng.choice(GIVEN)
            expires = today + dt.timedelta(days=ctx.rng.randint(200, 1500))
            if i == 3:
                expires = today + dt.timedelta(days=ctx.rng.randint(5, 25))  # due for renewal
            if i == 4:
                expires = today - dt.timedelta(days=ctx.rng.randint(5, 60))  # lapsed
            issued = expires - dt.timedelta(days=5 * 365)
            if i == 2 and dt.date(ctx.year, 3, 16) <= today:
                # renewed this year (换发): a new five-year term from the renewal day
                issued = dt.date(ctx.year, 3, 16)
                expires = issued + dt.timedelta(days=5 * 365)
            certs.append(
                EnforcementCertificate(
                    unit=t,
                    holder_name=name,
                    number=f"{t.code}{i + 1:04d}",
                    area="综合行政执法",
                    issued_on=issued,
                    expires_on=expires,
                    created_by=clerk,
                )
            )
        bulk.insert(EnforcementCertificate, certs)
        valid = certs[:4]
        for year in ctx.years:
            start = dt.date(year, 1, 5)
            today = min(real_today, dt.date(year, 12, 31))
            cases, links = [], []
            n = ctx.rng.randint(8, 14)
            stages = [
                CaseStatus.CLOSED,
                CaseStatus.PUBLISHED,
                CaseStatus.DECIDED,
                CaseStatus.NOTIFIED,
                CaseStatus.OPENED,
            ]
            for i in range(n):
                kind = list(CaseKind.values)[i % 4]
                status = stages[i % len(stages)]
                if kind == CaseKind.INSPECTION and status == CaseStatus.NOTIFIED:
                    status = CaseStatus.INVESTIGATED
                natural = i % 2 == 0
                opened = start + dt.timedelta(
                    days=ctx.rng.randint(0, max(1, (today - start).days - 40))
                )
                opened = min(opened, today)
                due = workdays.add_calendar_days(opened, 90)
                c = EnforcementCase(
                    unit=t,
                    number=f"{t.name}执〔{year}〕{i + 1}号",
                    kind=kind,
                    sector=DEMO_SECTORS[i % len(DEMO_SECTORS)],
                    subject_type=SubjectType.NATURAL if natural else SubjectType.LEGAL,
                    subject_name=(ctx.rng.choice(SURNAMES) + ctx.rng.choice(GIVEN))
                    if natural
                    else ctx.rng.choice(COMPANIES),
                    id_number=_id_number(ctx.rng) if natural else "",
                    legal_basis=BASES[kind],
                    facts="经现场检查发现违法行为",
                    status=status,
                    opened_on=opened,
                    decision_due=due.date,
                    decision_due_provisional=due.provisional,
                    created_by=clerk,
                    version=3,
                )
                if status != CaseStatus.OPENED:
                    c.investigated_on = opened + dt.timedelta(days=7)
                    c.evidence_summary = "现场检查笔录、执法记录仪视频、询问笔录"
                if (
                    status not in (CaseStatus.OPENED, CaseStatus.INVESTIGATED)
                    and kind != CaseKind.INSPECTION
                ):
                    c.notified_on = opened + dt.timedelta(days=10)
                    c.hearing_requested = i % 5 == 0
                    if c.hearing_requested:
                        c.hearing_held_on = opened + dt.timedelta(days=15)
                        c.is_major, c.major_reason = True, "经过听证程序"
                if status in (CaseStatus.DECIDED, CaseStatus.PUBLISHED, CaseStatus.CLOSED):
                    c.decided_on = min(today, opened + dt.timedelta(days=20))
                    c.decision = {
                        CaseKind.PENALTY: "警告并处罚款",
                        CaseKind.COERCION: "查封违法经营场所",
                        CaseKind.INSPECTION: "责令限期整改",
                        CaseKind.LICENSE: "准予行政许可",
                    }[kind]
                    if kind == CaseKind.PENALTY:
                        c.penalty_amount = Decimal(ctx.rng.randint(1, 50) * 500)
                    days = 7 if kind in (CaseKind.PENALTY, CaseKind.LICENSE) else 20
                    pd = workdays.add_working_days(c.decided_on, days)
                    c.publication_due, c.publication_due_provisional = pd.date, pd.provisional
                if status in (CaseStatus.PUBLISHED, CaseStatus.CLOSED):
                    late = i == 1
                    c.published_on = min(
                        today, c.decided_on + dt.timedelta(days=(15 if late else 3))
                    )
                    c.published_on_time = c.published_on <= c.publication_due
                if status == CaseStatus.CLOSED:
                    c.executed_on = c.published_on
                    c.closed_on = min(today, c.published_on + dt.timedelta(days=5))
                cases.append(c)
            bulk.insert(EnforcementCase, cases)
            through = EnforcementCase.officers.through
            for c in cases:
                a, b = ctx.rng.sample(valid, 2)
                links += [
                    through(enforcementcase_id=c.pk, enforcementcertificate_id=a.pk),
                    through(enforcementcase_id=c.pk, enforcementcertificate_id=b.pk),
                ]
            bulk.insert(through, links)
            _major_reviews(t, [c for c in cases if c.is_major and c.decided_on], clerk)
            decided = [c for c in cases if c.decided_on] or cases
            target = decided[0]
            received = min(today, (target.decided_on or target.opened_on) + dt.timedelta(days=20))
            rd = workdays.add_calendar_days(received, 10)
            Reconsideration.objects.create(
                unit=t,
                case_no=f"示范县府复〔{year}〕{ctx.townships.index(t) + 1}号",
                applicant=target.subject_name[:1] + "某",
                act=f"{target.number} {target.get_kind_display()}决定",
                enforcement_case=target,
                organ="示范县人民政府",
                received_on=received,
                reply_due=rd.date,
                reply_due_provisional=rd.provisional,
                replied_on=received + dt.timedelta(days=6),
                replied_on_time=True,
                evidence="决定书、证据材料、法律依据",
                status=ChallengeStatus.CONCLUDED,
                outcome=Outcome.UPHELD,
                outcome_on=min(today, received + dt.timedelta(days=50)),
                corrected=False,
                created_by=clerk,
                version=2,
            )
            ld = workdays.add_calendar_days(received, 15)
            plaintiff = ctx.rng.choice(COMPANIES)
            if t.kind == UnitKind.DEVELOPMENT_ZONE:
                continue  # the zone had no lawsuit: its report says so ("未发生行政诉讼案件")
            Litigation.objects.create(
                unit=t,
                case_no=f"({year})示0101行初{ctx.townships.index(t) + 11}号",
                applicant=plaintiff,
                act="责令限期拆除决定",
                organ="示范县人民法院",
                received_on=received,
                reply_due=ld.date,
                reply_due_provisional=ld.provisional,
                created_by=clerk,
            )
    ctx.log("行政执法：执法证件、执法案件、行政复议和行政应诉已生成")
