"""Demo data: each township's year of decisions, normative documents, contracts and reviews.

Records are written directly in consistent states (bulk where there is volume); the
procedures' guards are exercised by the tests, not by the demo.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from fazhi.core import bulk, demo, workdays

from .models import (
    CollectiveDiscussion,
    ContractReview,
    DecisionCatalog,
    DecisionStep,
    DocumentRegister,
    LegalityReview,
    MajorDecision,
    MemberView,
    NormativeDocument,
    ReviewFinding,
)
from .models.catalog import (
    CatalogStatus,
    DecisionStatus,
    MatterCategory,
    MeetingKind,
    Outcome,
    StepKind,
    View,
)
from .models.documents import DocStatus
from .models.reviews import Conclusion, ContractStatus, ReviewStatus, Severity, SubjectKind

DECISION_TITLES = [
    "镇区农贸市场提升改造方案",
    "农村生活污水治理三年行动计划",
    "镇域国土空间规划调整",
    "集镇停车收费管理办法",
    "美丽乡村示范带建设实施方案",
    "老旧小区改造补助办法",
]
DOC_TITLES = [
    "村级财务管理办法",
    "农村建房管理实施细则",
    "集镇环境卫生管理规定",
    "防汛防台应急管理办法",
    "村规民约备案审查办法",
    "农村集体资产管理办法",
    "殡葬改革实施办法",
    "森林防火管理规定",
    "秸秆禁烧管理办法",
    "公益性岗位管理办法",
    "网格化管理工作规则",
    "村级工程项目管理办法",
    "小微权力清单运行办法",
    "农村宅基地审批管理办法",
    "志愿服务积分管理办法",
]
CONTRACTS = [
    ("道路硬化工程施工合同", "建设工程有限公司"),
    ("法律顾问服务合同", "律师事务所"),
    ("物业服务合同", "物业管理有限公司"),
    ("办公设备采购合同", "科技有限公司"),
    ("土地流转租赁合同", "农业专业合作社"),
    ("垃圾清运服务合同", "环境服务有限公司"),
    ("监理服务合同", "工程监理有限公司"),
    ("绿化养护合同", "园林绿化有限公司"),
]
FINDINGS = [
    "违约责任条款约定不明确",
    "付款条件与财政资金拨付程序不一致",
    "争议解决条款约定的仲裁机构不明确",
    "缺少履约保证条款",
    "合同标的描述不具体",
    "设定了无法律依据的行政许可",
    "对公民权利作出无依据限制",
]
# Next year's catalogue (section four of the annual report drafts from it).
NEXT_TITLES = [
    "农村生活垃圾分类处理实施方案",
    "公共停车场建设运营方案",
    "防汛抗旱应急预案修订",
    "老年助餐服务补助办法",
    "背街小巷综合整治方案",
]


def local(title: str, unit) -> str:
    """A demo title in the unit's own words: a 街道 or a zone has no 镇区 or 集镇."""
    if unit.kind == "development_zone":
        words = {"镇区": "园区", "镇域": "园区", "集镇": "园区"}
    elif unit.kind == "subdistrict":
        words = {"镇区": "街区", "镇域": "辖区", "集镇": "街道"}
    elif unit.name.endswith("乡"):
        words = {"镇区": "乡集镇", "镇域": "乡域"}
    else:
        return title
    for old, new in words.items():
        title = title.replace(old, new)
    return title


def members_for(unit) -> list[tuple[str, str]]:
    """The demo's collective-discussion members in the unit's own posts: a 街道 or a zone
    has a 党工委 and a 主任, a 乡 a 乡长 (``head_name`` records the chair by post)."""
    from fazhi.core.models import UnitKind

    if unit.kind == UnitKind.SUBDISTRICT:
        gov, deputy, party = "办事处主任", "办事处副主任", "党工委"
    elif unit.kind == UnitKind.DEVELOPMENT_ZONE:
        gov, deputy, party = "管委会主任", "管委会副主任", "党工委"
    else:
        short = "乡" if unit.name.endswith("乡") else "镇"
        gov, deputy, party = f"{short}长", f"副{short}长", "党委"
    return [
        (f"{party}书记", f"{party}书记"),
        (gov, gov),
        ("副书记", f"{party}副书记"),
        ("纪委书记", "纪委书记" if party == "党委" else "纪工委书记"),
        (deputy, deputy),
        ("组织委员", f"{party}委员"),
        ("宣传委员", f"{party}委员"),
    ]


def _day(ctx, start: dt.date, end: dt.date) -> dt.date:
    span = max(0, (end - start).days)
    return start + dt.timedelta(days=ctx.rng.randint(0, span))


def _review(
    unit,
    kind,
    subject_ct,
    subject_id,
    label,
    office,
    requested,
    reviewer,
    *,
    done=True,
    conclusion=Conclusion.LAWFUL,
):
    due = workdays.add_working_days(requested, 7)
    opinion_on = workdays.add_working_days(requested, 5).date if done else None
    return LegalityReview(
        unit=unit,
        subject_kind=kind,
        content_type=subject_ct,
        object_id=str(subject_id or ""),
        subject_label=label[:200],
        drafting_office=office,
        requested_on=requested,
        due_date=due.date,
        due_provisional=due.provisional,
        reviewer=reviewer if done else None,
        reviewer_name=reviewer.label if done and reviewer else "",
        reviewer_office="司法所" if done else "",
        status=ReviewStatus.COMPLETED if done else ReviewStatus.REQUESTED,
        conclusion=conclusion if done else "",
        opinion="经审查，该事项主体适格、程序合法、内容合法。" if done else "",
        opinion_on=opinion_on,
        working_days_taken=5 if done else None,
        version=2 if done else 0,
    )


@demo.register(order=40)
def gen(ctx) -> None:
    today = timezone.localdate()
    adviser = ctx.users.get("adviser_df")
    ct_decision = ContentType.objects.get_for_model(MajorDecision)
    ct_doc = ContentType.objects.get_for_model(NormativeDocument)
    ct_contract = ContentType.objects.get_for_model(ContractReview)
    for t in ctx.townships:
        clerk = ctx.users.get("clerk_df") if t.code == "990101" else ctx.users.get("clerk_qh")
        for year in ctx.years:
            end = min(today, dt.date(year, 12, 31))
            cat = DecisionCatalog.objects.create(
                unit=t,
                year=year,
                title=f"{t.name}{year}年度重大行政决策事项目录",
                status=CatalogStatus.PUBLISHED,
                approved_on=dt.date(year, 1, 20),
                approval_meeting="党政联席会议",
                published_on=dt.date(year, 1, 25),
                publish_channel="政府门户网站",
                created_by=clerk,
                version=2,
            )
            _decisions(ctx, t, cat, clerk, adviser, ct_decision, end)
            _documents(ctx, t, clerk, adviser, ct_doc, end)
            _contracts(ctx, t, clerk, adviser, ct_contract, end)
            _matters(ctx, t, clerk, end)
        _next_year(ctx, t, clerk)
    ctx.log("依法决策：决策目录、重大行政决策、规范性文件、合同审查、集体讨论已生成")


def _discussion(ctx, unit, title, category, day, decision=None, clerk=None):
    n = ctx.rng.randint(5, 7)
    members = members_for(unit)[:n]
    head = members[0] if category != MatterCategory.DECISION else members[1]
    cd = CollectiveDiscussion.objects.create(
        unit=unit,
        decision=decision,
        category=category,
        title=title,
        meeting_kind=MeetingKind.LEADERSHIP
        if category == MatterCategory.DECISION
        else MeetingKind.PARTY,
        meeting_date=day,
        members_total=n,
        attendees_count=n,
        head_name=head[0],
        outcome=Outcome.ADOPTED,
        majority_view=Outcome.ADOPTED,
        created_by=clerk,
    )
    order = [m for m in members if m != head] + [head]
    dissent = ctx.rng.random() < 0.3
    views = []
    for i, (name, title_) in enumerate(order, start=1):
        disagree = dissent and i == 2
        views.append(
            MemberView(
                discussion=cd,
                order=i,
                name=name,
                title=title_,
                is_head=(name == head[0]),
                view=View.DISAGREE if disagree else View.AGREE,
                statement="建议进一步核实资金来源后实施" if disagree else "同意",
            )
        )
    bulk.insert(MemberView, views)
    return cd


def _decisions(ctx, t, cat, clerk, adviser, ct, end):
    year = cat.year
    stages = [
        DecisionStatus.PUBLISHED,
        DecisionStatus.DISCUSSING,
        DecisionStatus.DRAFTING,
        DecisionStatus.ARCHIVED,
    ]
    titles = ctx.rng.sample(DECISION_TITLES, ctx.rng.randint(2, 4))
    for i, title in enumerate(titles):
        title = local(title, t)
        status = stages[i % len(stages)]
        start = dt.date(year, 2, 1) + dt.timedelta(days=20 * i)
        d = MajorDecision.objects.create(
            unit=t,
            year=year,
            title=title,
            catalog=cat,
            drafting_office=ctx.rng.choice(["党政办", "经济发展办", "社会事务办", "村镇建设办"]),
            summary=f"{title}（草案）",
            status=status,
            participation_applies=True,
            hearing_applies=False,
            hearing_reason="不涉及重大利益调整，无需听证",
            expert_applies=i % 2 == 0,
            expert_reason="" if i % 2 == 0 else "不涉及专业性、技术性问题，因为属于常规管理事项",
            risk_applies=i != 1,
            risk_reason="" if i != 1 else "不涉及社会稳定风险，因为不调整群众既有利益",
            created_by=clerk,
            version=6,
        )
        step = partial(DecisionStep, unit=t, decision=d, created_by=clerk)
        steps = [
            step(
                kind=StepKind.PARTICIPATION,
                started_on=start,
                ended_on=start + dt.timedelta(days=30),
                people="政府网站公开征求意见、座谈会",
                opinions_count=ctx.rng.randint(3, 40),
                handling="采纳合理意见，未采纳的已说明理由",
            )
        ]
        if d.expert_applies:
            steps.append(
                step(
                    kind=StepKind.EXPERT,
                    started_on=start + dt.timedelta(days=35),
                    people="高校教授、规划设计院工程师",
                    summary="方案可行，建议分期实施",
                    interest_excluded=True,
                    signed=True,
                )
            )
        if d.risk_applies:
            steps.append(
                step(
                    kind=StepKind.RISK,
                    started_on=start + dt.timedelta(days=38),
                    risk_level="low",
                    risk_points="少数群众对补偿标准有异议",
                    measures="公开补偿标准，逐户沟通",
                    plan="矛盾纠纷应急化解预案",
                )
            )
        bulk.insert(DecisionStep, steps)
        requested = start + dt.timedelta(days=42)
        done = status != DecisionStatus.DRAFTING
        bulk.insert(
            LegalityReview,
            [
                _review(
                    t,
                    SubjectKind.DECISION,
                    ct,
                    d.pk,
                    title,
                    d.drafting_office,
                    requested,
                    adviser,
                    done=done,
                )
            ],
        )
        if status in (DecisionStatus.PUBLISHED, DecisionStatus.ARCHIVED):
            day = min(end, requested + dt.timedelta(days=20))
            _discussion(ctx, t, title, MatterCategory.DECISION, day, d, clerk)
            d.party_reported_on = day + dt.timedelta(days=1)
            d.decided_on = day + dt.timedelta(days=2)
            d.published_on = day + dt.timedelta(days=4)
            d.publish_channel = "政府门户网站"
            if status == DecisionStatus.ARCHIVED:
                d.archived_on = day + dt.timedelta(days=10)
            d.save()


def _documents(ctx, t, clerk, adviser, ct, end):
    year = end.year
    n = ctx.rng.randint(5, 15)
    titles = ctx.rng.sample(DOC_TITLES, n)
    filing_days = 30
    docs, number = [], 0
    late_index = ctx.rng.randrange(n)
    for i, title in enumerate(titles):
        published = (
            _day(ctx, dt.date(year, 1, 10), end - dt.timedelta(days=5)) if i < n - 2 else None
        )
        status = (
            DocStatus.FILED
            if published
            else (DocStatus.REVIEWING if i == n - 2 else DocStatus.DRAFTING)
        )
        doc = NormativeDocument(
            unit=t,
            title=f"{t.name}{local(title, t)}",
            drafting_office=ctx.rng.choice(["党政办", "司法所", "应急办", "农业农村办"]),
            status=status,
            comment_required=True,
            comment_start=(published or end) - dt.timedelta(days=40),
            comment_end=(published or end) - dt.timedelta(days=28),
            comments_count=ctx.rng.randint(0, 20),
            comment_handling="已逐条研究",
            created_by=clerk,
            version=5,
        )
        if published:
            number += 1
            due = workdays.add_calendar_days(published, filing_days)
            late = i == late_index
            filed = (
                due.date + dt.timedelta(days=ctx.rng.randint(3, 12))
                if late
                else published + dt.timedelta(days=ctx.rng.randint(3, 20))
            )
            if filed > end:
                filed, status = None, DocStatus.PUBLISHED
            doc.status = status
            doc.deliberated_on = published - dt.timedelta(days=3)
            doc.deliberation_meeting = "镇政府常务会议"
            doc.doc_number = f"{t.name[:4]}规〔{year}〕{number}号"
            doc.number_year, doc.number_seq = year, number
            doc.published_on = doc.effective_on = published
            doc.valid_until = workdays.add_months(published, 24 if i % 4 == 0 else 60)
            doc.filing_due, doc.filing_due_provisional = due.date, due.provisional
            doc.filed_on = filed
            doc.filed_with = "示范县人民政府" if filed else ""
            doc.filed_on_time = (filed <= due.date) if filed else None
        docs.append(doc)
    bulk.insert(NormativeDocument, docs)
    DocumentRegister.objects.create(unit=t, year=year, prefix=f"{t.name[:4]}规", last_number=number)
    reviews = []
    for doc in docs:
        if doc.status == DocStatus.DRAFTING:
            continue
        requested = (doc.published_on or end) - dt.timedelta(days=14)
        reviews.append(
            _review(
                t,
                SubjectKind.DOCUMENT,
                ct,
                doc.pk,
                doc.title,
                doc.drafting_office,
                requested,
                adviser,
                done=doc.status != DocStatus.REVIEWING,
            )
        )
    bulk.insert(LegalityReview, reviews)
    by_id = {r.object_id: r for r in reviews}
    for doc in docs:
        r = by_id.get(str(doc.pk))
        if r is not None:
            doc.review = r
    NormativeDocument.objects.bulk_update([d for d in docs if d.review_id], ["review"])


def _contracts(ctx, t, clerk, adviser, ct, end):
    year = end.year
    n = ctx.rng.randint(30, 50)
    contracts, reviews = [], []
    for i in range(n):
        title, party = ctx.rng.choice(CONTRACTS)
        requested = _day(ctx, dt.date(year, 1, 5), end - dt.timedelta(days=10))
        signed = i < n - 3
        contracts.append(
            ContractReview(
                unit=t,
                title=f"{title}（{i + 1:02d}）",
                counterparty=f"示范县{ctx.rng.choice('华盛鑫宏诚信达')}{party}",
                amount=Decimal(ctx.rng.randint(5, 3000) * 1000),
                drafting_office=ctx.rng.choice(["党政办", "财政所", "村镇建设办"]),
                status=ContractStatus.SIGNED if signed else ContractStatus.REVIEWING,
                adopted=True if signed else None,
                signed_on=requested + dt.timedelta(days=10) if signed else None,
                created_by=clerk,
                version=3 if signed else 0,
            )
        )
        reviews.append(
            _review(
                t,
                SubjectKind.CONTRACT,
                ct,
                None,
                f"{title}（{i + 1:02d}）",
                "党政办",
                requested,
                adviser,
                done=signed,
                conclusion=Conclusion.LAWFUL_WITH_CHANGES if i % 3 == 0 else Conclusion.LAWFUL,
            )
        )
    bulk.insert(LegalityReview, reviews)
    for c, r in zip(contracts, reviews, strict=True):
        c.review = r
    bulk.insert(ContractReview, contracts)
    for c, r in zip(contracts, reviews, strict=True):
        r.object_id = str(c.pk)
    LegalityReview.objects.bulk_update(reviews, ["object_id"])
    findings = []
    for r in reviews:
        for _ in range(ctx.rng.choice([0, 0, 1, 1, 2, 3])):
            fixed = r.status == ReviewStatus.COMPLETED
            findings.append(
                ReviewFinding(
                    unit=t,
                    review=r,
                    description=ctx.rng.choice(FINDINGS),
                    severity=ctx.rng.choice(list(Severity.values)),
                    fixed=fixed,
                    fixed_on=r.opinion_on if fixed else None,
                    fix_note="已按审查意见修改合同文本" if fixed else "",
                    created_by=adviser,
                )
            )
    bulk.insert(ReviewFinding, findings)


def _next_year(ctx, t, clerk) -> None:
    """Next year's catalogue with two or three decisions being drafted (no ``ctx.rng``:
    the other generators' data stay as they were)."""
    year = ctx.year + 1
    k = ctx.townships.index(t)
    cat = DecisionCatalog.objects.create(
        unit=t,
        year=year,
        title=f"{t.name}{year}年度重大行政决策事项目录",
        status=CatalogStatus.DRAFT,
        created_by=clerk,
    )
    for i in range(2 + k % 2):
        title = NEXT_TITLES[(k + i) % len(NEXT_TITLES)]
        MajorDecision.objects.create(
            unit=t,
            year=year,
            title=title,
            catalog=cat,
            drafting_office=["党政办", "社会事务办", "村镇建设办"][i % 3],
            summary=f"{title}（草案）",
            status=DecisionStatus.DRAFTING,
            created_by=clerk,
        )


def _matters(ctx, t, clerk, end):
    year = end.year
    body = {"subdistrict": "街道", "development_zone": "管委会"}.get(
        t.kind, "乡" if t.name.endswith("乡") else "镇"
    )
    place = {"subdistrict": "辖区", "development_zone": "园区"}.get(
        t.kind, "乡集镇" if body == "乡" else "镇区"
    )
    for title, cat in [
        (f"{body}机关年度预算安排", MatterCategory.FUNDS),
        ("村级干部调整" if t.kind != "subdistrict" else "社区干部调整", MatterCategory.APPOINTMENT),
        (f"{place}道路改造项目安排", MatterCategory.PROJECT),
    ]:
        _discussion(ctx, t, title, cat, _day(ctx, dt.date(year, 1, 10), end), None, clerk)
