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


# --------------------------------------------------------------------------- supervision
# Fixed rows, no draw from the rng (the other generators' data stay as they were).
REVIEW_FINDINGS = [
    "部分案卷当事人陈述申辩记录不完整",
    "个别案卷执法文书说理不充分，裁量理由未载明",
    "案卷目录与卷内材料顺序不一致",
]
STANDARDS = [
    # title, doc number, sector, adopted years ago (0 = this year), revised this year, status
    ("示范县安全生产行政处罚裁量权基准", "示安监发〔{y}〕3号", Sector.SAFETY, 2, True, "current"),
    (
        "示范县市场监管领域行政处罚裁量权基准",
        "示市监发〔{y}〕7号",
        Sector.MARKET,
        0,
        False,
        "current",
    ),
    (
        "示范县生态环境行政处罚裁量权基准",
        "示环发〔{y}〕5号",
        Sector.ENVIRONMENT,
        0,
        False,
        "current",
    ),
    (
        "示范县城市管理行政处罚裁量权基准（试行）",
        "示城管发〔{y}〕2号",
        Sector.CONSTRUCTION,
        4,
        False,
        "repealed",
    ),
]


@demo.register(order=46)
def supervision(ctx) -> None:
    """Per township and year: a 案卷评查 by the county's 司法局 (a 督察 whose findings
    are rectifications: signed off in past years, one still open this year) and a 视察 by
    deputies and members; the county: its 裁量基准, a staff training and a 资格考试."""
    from fazhi.oversight.models import (
        Inspection,
        InspectionKind,
        Rectification,
        RectificationStatus,
    )

    from .models import (
        CaseReview,
        DiscretionStandard,
        Responsibility,
        ReviewGrade,
        StaffTraining,
        SupervisionVisit,
        VisitKind,
    )

    real_today = timezone.localdate()
    county = ctx.county
    user = ctx.users.get("clerk_df")
    for k, t in enumerate(ctx.townships):
        for year in ctx.years:
            today = min(real_today, dt.date(year, 12, 31))
            day = min(dt.date(year, 11, 18), today)
            cases = list(
                EnforcementCase.objects.filter(unit=t, opened_on__year=year)
                .exclude(closed_on=None)
                .order_by("pk")[:4]
            )
            files = 12
            failed = 1 if k % 3 == 1 else 0
            excellent = 7 - k % 3
            qualified = files - excellent - failed
            score = Decimal("91.5") - k % 3 * 4
            insp = Inspection.objects.create(
                unit=t.parent if t.parent_id else county,  # the township's own county
                target=t,
                kind=InspectionKind.SUPERVISION,
                year=year,
                date=day,
                title=f"{year}年度行政执法案卷评查",
                team="示范县司法局",
                summary=f"评查案卷{files}卷",
                created_by=user,
            )
            review = CaseReview.objects.create(
                unit=t,
                year=year,
                reviewed_on=day,
                reviewer="示范县司法局",
                files_reviewed=files,
                files_excellent=excellent,
                files_qualified=qualified,
                files_failed=failed,
                average_score=score,
                grade=ReviewGrade.EXCELLENT if score >= 90 else ReviewGrade.QUALIFIED,
                findings="\n".join(REVIEW_FINDINGS[: 2 + failed]),
                inspection=insp,
                created_by=user,
            )
            review.cases.set(cases)
            for n, problem in enumerate(REVIEW_FINDINGS[: 2 + failed], start=1):
                deadline = workdays.add_working_days(day, 30)
                done = year < ctx.year or n == 1
                Rectification.objects.create(
                    unit=t,
                    inspection=insp,
                    number=n,
                    problem=problem,
                    requirement="按照案卷评查意见整改，完善执法案卷",
                    owner_name="综合行政执法队队长",
                    deadline=deadline.date,
                    deadline_provisional=deadline.provisional,
                    status=RectificationStatus.SIGNED_OFF if done else RectificationStatus.OPEN,
                    measures="逐卷补正并组织执法人员学习案卷标准" if done else "",
                    submitted_on=min(today, day + dt.timedelta(days=20)) if done else None,
                    signed_off_on=min(today, day + dt.timedelta(days=25)) if done else None,
                    created_by=user,
                )
            SupervisionVisit.objects.create(
                unit=t,
                held_on=min(dt.date(year, 6, 12 + k % 18), today),  # 20 townships: June has 30 days
                kind=VisitKind.INSPECTION,
                subject="视察综合行政执法工作",
                deputies=5 + k % 2,
                members=3,
                opinions=4,
                created_by=user,
            )
            if k == 0:
                SupervisionVisit.objects.create(
                    unit=t,
                    held_on=min(dt.date(year, 9, 8), today),
                    kind=VisitKind.OBSERVATION,
                    subject="旁听行政处罚听证会",
                    deputies=2,
                    members=2,
                    created_by=user,
                )
    for title, number, sector, ago, revised, status in STANDARDS:
        adopted = dt.date(ctx.year - ago, 3, 20)
        DiscretionStandard.objects.create(
            unit=county,
            title=title,
            doc_number=number.format(y=ctx.year - ago),
            sector=sector,
            adopted_on=min(adopted, real_today),
            revised_on=min(dt.date(ctx.year, 4, 15), real_today) if revised else None,
            status=status,
            created_by=user,
        )
    if ctx.townships:  # the first township keeps its own standard and training too
        first = ctx.townships[0]
        DiscretionStandard.objects.create(
            unit=first,
            title=f"{first.name}综合行政执法裁量权基准（试行）",
            doc_number=f"{first.name[:2]}发〔{ctx.year}〕12号",
            sector=Sector.CONSTRUCTION,
            adopted_on=min(dt.date(ctx.year, 5, 8), real_today),
            created_by=user,
        )
        StaffTraining.objects.create(
            unit=first,
            held_on=min(dt.date(ctx.year, 7, 3), real_today),
            title="综合行政执法业务培训",
            hours=Decimal("4"),
            attendees=EnforcementCertificate.objects.filter(unit=first).count(),
            created_by=user,
        )
    posts = [
        (
            "综合行政执法队安全生产执法岗",
            Sector.SAFETY,
            "安全生产监督检查\n安全生产违法行为行政处罚",
        ),
        ("综合行政执法队市场监管执法岗", Sector.MARKET, "食品经营监督检查\n价格违法行为行政处罚"),
        ("综合行政执法队城乡建设执法岗", Sector.CONSTRUCTION, "违法建设查处\n市容环境卫生管理"),
    ]
    for t in ctx.townships:
        certs = list(EnforcementCertificate.objects.filter(unit=t, revoked=False).order_by("pk"))
        for n, (post, sector, items) in enumerate(posts):
            cert = certs[n] if n < len(certs) else None
            Responsibility.objects.create(
                unit=t,
                post=post,
                person_name=cert.holder_name if cert else "执法队长",
                certificate=cert,
                sector=sector,
                items=items,
                basis="乡镇（街道）综合行政执法事项清单",
                assigned_on=dt.date(ctx.years[0], 2, 20),
                created_by=user,
            )
    holders = EnforcementCertificate.objects.in_subtree(county).count()
    for year in ctx.years:
        today = min(real_today, dt.date(year, 12, 31))
        StaffTraining.objects.create(
            unit=county,
            held_on=min(dt.date(year, 5, 16), today),
            title="行政执法人员公共法律知识培训",
            hours=Decimal("16"),
            attendees=holders,
            created_by=user,
        )
        StaffTraining.objects.create(
            unit=county,
            held_on=min(dt.date(year, 10, 22), today),
            title="行政执法人员资格考试",
            is_exam=True,
            attendees=12,
            passed=11,
            created_by=user,
        )
    ctx.log("行政执法监督：案卷评查、裁量基准、代表委员监督和执法人员培训考试已生成")
