"""The annual-report contributions of the decisions, enforcement, legal-service and
oversight ledgers (``<app>/report.py``), called directly with a ``Context``.

Township A (甲镇) keeps every ledger for 2024; township B (乙乡) keeps some. Each test
builds only the records it reads.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

# The contributions and their indicator groups (until the registry imports every app's
# ``report`` module itself).
import fazhi.decisions.report
import fazhi.enforcement.report
import fazhi.legalservice.report
import fazhi.oversight.report  # noqa: F401
from fazhi.decisions.models import (
    CollectiveDiscussion,
    ContractReview,
    DecisionCatalog,
    DecisionStep,
    LegalityReview,
    MajorDecision,
    MemberView,
    NormativeDocument,
)
from fazhi.enforcement.models import (
    EnforcementCase,
    EnforcementCertificate,
    Litigation,
    Reconsideration,
)
from fazhi.indicators import registry
from fazhi.legalservice.models import Consultation, LegalAdviser
from fazhi.oversight.models import (
    DutyReport,
    Funding,
    Inspection,
    LeadingGroup,
    LeadingGroupMember,
    Rectification,
)
from fazhi.reports import figures, voice
from fazhi.reports.contrib import REGISTRY, Context

from .fixtures import YEAR

D = Decimal
Y = YEAR
pytestmark = pytest.mark.django_db


def ctx_for(unit, year=Y) -> Context:
    values = registry.compute(unit, year, fresh=True)
    return Context(unit, year, values, voice.for_unit(unit), {})


def rendered(ctx: Context, text: str) -> str:
    return figures.plain(text, ctx.values, {})


def points_text(ctx: Context, app: str) -> str:
    return "\n".join(rendered(ctx, p.text) for p in REGISTRY[app].points(ctx))


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"[。；]", text) if s.strip()]


# --------------------------------------------------------------------------- builders
def decisions_year(world):
    a = world.township_a
    cat = DecisionCatalog.objects.create(
        unit=a,
        year=Y,
        title=f"甲镇{Y}年度重大行政决策事项目录",
        status="published",
        published_on=dt.date(Y, 1, 25),
        publish_channel="政府门户网站",
    )
    d = MajorDecision.objects.create(
        unit=a,
        year=Y,
        title="集镇污水管网改造方案",
        catalog=cat,
        drafting_office="村镇建设办",
        status="published",
        decided_on=dt.date(Y, 5, 10),
    )
    DecisionStep.objects.create(unit=a, decision=d, kind="participation", opinions_count=12)
    DecisionStep.objects.create(unit=a, decision=d, kind="risk", risk_level="low")
    LegalityReview.objects.create(
        unit=a,
        subject_kind="decision",
        object_id=str(d.pk),
        subject_label=d.title,
        drafting_office="村镇建设办",
        requested_on=dt.date(Y, 4, 1),
        due_date=dt.date(Y, 4, 12),
        status="completed",
        conclusion="lawful",
        reviewer_office="司法所",
    )
    cd = CollectiveDiscussion.objects.create(
        unit=a,
        decision=d,
        category="decision",
        title=d.title,
        meeting_kind="executive",
        meeting_date=dt.date(Y, 5, 8),
        members_total=3,
        attendees_count=3,
        head_name="镇长",  # recorded by post: the duty reports name the person
        outcome="adopted",
    )
    for order, (name, post, head) in enumerate(
        [("副镇长", "副镇长", False), ("党委副书记", "党委副书记", False), ("镇长", "镇长", True)],
        start=1,
    ):
        MemberView.objects.create(
            discussion=cd, order=order, name=name, title=post, is_head=head, view="agree"
        )
    matter = CollectiveDiscussion.objects.create(
        unit=a,
        category="funds",
        title="镇机关年度预算安排",
        meeting_kind="party",
        meeting_date=dt.date(Y, 2, 6),
        members_total=3,
        attendees_count=3,
        head_name="孙书记",
        outcome="adopted",
    )
    MemberView.objects.create(
        discussion=matter, order=1, name="孙书记", title="党委书记", is_head=True, view="agree"
    )
    doc = NormativeDocument.objects.create(
        unit=a,
        title="甲镇村级财务管理办法",
        drafting_office="党政办",
        status="filed",
        doc_number=f"甲镇规〔{Y}〕1号",
        published_on=dt.date(Y, 3, 1),
        filing_due=dt.date(Y, 3, 31),
        filed_on=dt.date(Y, 3, 20),
        filed_with="甲县人民政府",
        filed_on_time=True,
    )
    review = LegalityReview.objects.create(
        unit=a,
        subject_kind="contract",
        subject_label="道路硬化工程施工合同",
        drafting_office="党政办",
        requested_on=dt.date(Y, 6, 1),
        due_date=dt.date(Y, 6, 12),
        status="completed",
        conclusion="changes",
    )
    ContractReview.objects.create(
        unit=a,
        title="道路硬化工程施工合同",
        counterparty="甲县建设工程有限公司",
        amount=D("1250000"),
        drafting_office="党政办",
        review=review,
        status="signed",
    )
    nxt = DecisionCatalog.objects.create(
        unit=a, year=Y + 1, title=f"甲镇{Y + 1}年度重大行政决策事项目录"
    )
    MajorDecision.objects.create(
        unit=a, year=Y + 1, title="老年助餐服务补助办法", catalog=nxt, drafting_office="社会事务办"
    )
    return d, doc, matter


def heads(world, *, same_study=False):
    a = world.township_a
    study = f"{Y}-03-15 会前学法：宪法\n{Y}-06-15 会前学法：民法典"
    DutyReport.objects.create(
        unit=a,
        year=Y,
        person_name="孙书记",
        post="党委书记",
        topics="听取法治建设工作汇报\n法治督察反馈问题整改",
        study=study if same_study else f"{Y}-04-10 党委理论学习中心组学法：习近平法治思想",
        report_text="……",
        report_date=dt.date(Y, 12, 20),
    )
    DutyReport.objects.create(
        unit=a,
        year=Y,
        person_name="钱镇长",
        post="镇长",
        topics="专题研究重大行政决策合法性审查",
        study=study,
    )


def enforcement_case(unit, n, **kw):
    base = dict(
        unit=unit,
        number=f"执〔{Y}〕{n}号",
        kind="penalty",
        subject_type="legal",
        subject_name="甲县鑫源食品店",
        legal_basis="《食品安全法》第一百二十四条",
        opened_on=dt.date(Y, 3, n),
        decision_due=dt.date(Y, 6, n),
    )
    base.update(kw)
    return EnforcementCase.objects.create(**base)


# --------------------------------------------------------------------------- decisions
def test_decisions_name_the_years_records_with_their_steps(world, frozen):
    d, doc, matter = decisions_year(world)
    ctx = ctx_for(world.township_a)
    points = REGISTRY["decisions"].points(ctx)
    major = next(p for p in points if p.key == "decisions.major")
    text = rendered(ctx, major.text)
    assert (
        "《集镇污水管网改造方案》依法履行了公众参与、风险评估、合法性审查和集体讨论决定程序" in text
    )
    assert "收到意见建议12条" in text and "合法性审查率100%" in text
    assert f"《甲镇{Y}年度重大行政决策事项目录》" in text
    urls = {s.url for s in major.sources}
    assert f"/decisions/major/{d.pk}/" in urls and major.records == len(major.sources) == 2
    docs = next(p for p in points if p.key == "decisions.documents")
    assert "《甲镇村级财务管理办法》等规范性文件1件" in rendered(ctx, docs.text)
    assert docs.records == 1 and f"/decisions/documents/{doc.pk}/" in docs.sources[0].url
    reviews = rendered(ctx, next(p for p in points if p.key == "decisions.reviews").text)
    # contract reviews apart from decision and document reviews, the amount in 万元
    assert "其中审查重大行政决策和规范性文件1件" in reviews
    assert "审查合同1份、涉及合同金额125万元" in reviews and "对其中1份合同提出修改意见" in reviews
    matters = next(p for p in points if p.key == "decisions.matters")
    assert "“镇机关年度预算安排”" in rendered(ctx, matters.text)
    assert ctx.n("decisions.count") == 1 and ctx.n("documents.published") == 1
    assert ctx.n("reviews.contracts") == 1


def test_a_head_recorded_by_post_is_resolved_to_the_person(world, frozen):
    decisions_year(world)
    heads(world)
    ctx = ctx_for(world.township_a)
    acts = REGISTRY["decisions"].head_acts(ctx)
    by = {(a.name, a.post): a for a in acts}
    chaired = by[("钱镇长", "镇长")]
    assert chaired.kind == "meeting" and chaired.date == dt.date(Y, 5, 8)
    assert chaired.text == "主持召开镇政府常务会议集体讨论《集镇污水管网改造方案》"
    assert by[("孙书记", "党委书记")].text == "主持召开镇党委会议集体讨论“镇机关年度预算安排”事项"
    plans = REGISTRY["decisions"].plans(ctx)
    assert plans[0].text.startswith(
        f"严格执行《甲镇{Y + 1}年度重大行政决策事项目录》，依法推进《老年助餐服务补助办法》重大行政决策，"
    )


def test_a_documents_filing_rate_below_target_is_a_shortfall_with_vetted_causes(world, frozen):
    decisions_year(world)
    NormativeDocument.objects.filter(unit=world.township_a).update(filed_on_time=False)
    found = REGISTRY["decisions"].shortfalls(ctx_for(world.township_a))
    assert [f.key for f in found] == ["indicator:documents.filed_on_time_rate"]
    assert 3 <= len(found[0].suggestions) <= 4 and found[0].plan


# --------------------------------------------------------------------------- enforcement
def test_zero_lawsuits_are_stated_when_the_ledger_is_kept(world, frozen):
    a = world.township_a
    enforcement_case(a, 1, published_on=dt.date(Y, 4, 1), decided_on=dt.date(Y, 3, 25))
    enforcement_case(a, 2, kind="inspection")
    ctx = ctx_for(a)
    assert ctx.zero("litigation.cases") and ctx.zero("reconsideration.cases")
    text = points_text(ctx, "enforcement")
    assert "全年未发生行政复议和行政诉讼案件。" in text
    assert "全年办理行政执法案件2件，其中行政处罚1件、行政检查1件" in text
    # a reconsideration kept, upheld: the litigation zero still stands on its own
    Reconsideration.objects.create(
        unit=a,
        case_no="甲县府复〔2024〕1号",
        applicant="王某",
        act="罚款决定",
        organ="甲县人民政府",
        received_on=dt.date(Y, 5, 1),
        reply_due=dt.date(Y, 5, 11),
        replied_on=dt.date(Y, 5, 6),
        replied_on_time=True,
        status="concluded",
        outcome="upheld",
        outcome_on=dt.date(Y, 6, 20),
    )
    text = points_text(ctx_for(a), "enforcement")
    assert "全年未发生行政诉讼案件。" in text
    assert "无一起行政行为被复议机关撤销、变更或确认违法" in text


def test_no_zero_statement_from_an_empty_enforcement_ledger(world, frozen):
    """How "kept" is told: some case opened in the year, some challenge received, or some
    certificate in force during it. Township B has none: the counts are 不适用."""
    ctx = ctx_for(world.township_b)
    assert ctx.value("litigation.cases").status == registry.NA
    assert not ctx.zero("litigation.cases") and not ctx.zero("reconsideration.cases")
    assert "未发生" not in points_text(ctx, "enforcement")
    # a certificate in force is enough: the ledger is kept, the zero is a value
    EnforcementCertificate.objects.create(
        unit=world.township_b,
        holder_name="李执法",
        number="B001",
        issued_on=dt.date(Y - 2, 1, 1),
        expires_on=dt.date(Y + 3, 1, 1),
    )
    ctx = ctx_for(world.township_b)
    assert ctx.zero("litigation.cases")
    assert "全年未发生行政复议和行政诉讼案件" in points_text(ctx, "enforcement")
    assert "持证执法人员1人" in points_text(ctx, "enforcement")


def test_lawsuits_counted_and_what_was_published_said(world, frozen):
    a = world.township_a
    enforcement_case(
        a,
        1,
        decided_on=dt.date(Y, 3, 20),
        publication_due=dt.date(Y, 3, 29),
        published_on=dt.date(Y, 3, 25),
        published_on_time=True,
    )
    Litigation.objects.create(
        unit=a,
        case_no=f"({Y})甲0101行初1号",
        applicant="甲县宏达建材有限公司",
        act="责令限期拆除决定",
        organ="甲县人民法院",
        received_on=dt.date(Y, 7, 1),
        reply_due=dt.date(Y, 7, 16),
    )
    ctx = ctx_for(a)
    text = points_text(ctx, "enforcement")
    assert "依法应诉行政诉讼案件1件" in text and "未发生行政诉讼" not in text
    assert "公示行政处罚等执法决定1件，按时公示率100%" in text


# --------------------------------------------------------------------------- legal service
def test_consultations_are_counted_in_persons_not_records(world, frozen):
    a, v = world.township_a, world.village_a
    adviser = LegalAdviser.objects.create(
        unit=a,
        name="赵律师",
        firm="正道律师事务所",
        contract_start=dt.date(Y, 1, 1),
        contract_end=dt.date(Y, 12, 31),
    )
    adviser.units_served.add(v)
    for n, persons in enumerate((3, 4, 5), start=1):
        Consultation.objects.create(
            unit=v, date=dt.date(Y, 4, n), place="村委会", topic="宅基地边界", persons=persons
        )
    ctx = ctx_for(a)
    assert ctx.n("advisers.consultation_persons") == 12 and ctx.n("advisers.consultations") == 3
    assert registry.get("advisers.consultation_persons").measure == "人次"
    text = points_text(ctx, "legalservice")
    assert "解答群众法律咨询12人次" in text and "宅基地边界" in text
    assert "正道律师事务所的1名律师担任法律顾问" in text
    assert "实现“一村（社区）一法律顾问”全覆盖" in text
    point = REGISTRY["legalservice"].points(ctx)[0]
    assert point.records == 1 and point.sources[0].url == f"/legalservice/advisers/{adviser.pk}/"


# --------------------------------------------------------------------------- oversight
def test_funding_is_written_in_wan_yuan(world, frozen):
    a = world.township_a
    Funding.objects.create(
        unit=a, year=Y, kind="publicity", item="普法宣传经费", amount=D("30000"), spent=D("25500")
    )
    Funding.objects.create(
        unit=a, year=Y, kind="rule_of_law", item="法治建设工作经费", amount=D("50000"), spent=D("0")
    )
    ctx = ctx_for(a)
    assert registry.get("funding.total").measure == "万元"
    text = points_text(ctx, "oversight")
    assert "镇党委、镇政府将普法经费3万元、法治建设工作经费5万元列入2024年度财政预算" in text
    assert "全年共安排法治建设相关经费8万元，已支出2.55万元" in text


def test_inspections_summarised_and_open_findings_one_shortfall(world, frozen):
    a = world.township_a
    insp = Inspection.objects.create(
        unit=world.county,
        target=a,
        kind="supervision",
        year=Y,
        date=dt.date(Y, 9, 10),
        title=f"{Y}年度法治政府建设督察",
        team="县依法治县办督察组",
    )
    problems = ["决策目录未按时公开", "规范性文件备案超期", "执法公示不及时", "学法台账不全"]
    for n, problem in enumerate(problems, start=1):
        Rectification.objects.create(
            unit=a,
            inspection=insp,
            number=n,
            problem=problem,
            owner_name="钱副镇长",
            deadline=dt.date(Y, 10, 20) if n < 3 else dt.date(Y + 1, 3, 1),
            status="signed_off" if n == 1 else "in_progress",
        )
    ctx = ctx_for(a)
    text = points_text(ctx, "oversight")
    assert "9月10日，县依法治县办督察组对我镇开展" in text
    assert "全年接受法治督察1次，共发现问题4个" in text and "已整改销号1个" in text
    assert not any(p in text for p in problems)  # summarised, not quoted one by one
    found = REGISTRY["oversight"].shortfalls(ctx)
    assert len(found) == 1 and found[0].key == "rectification:open"
    assert rendered(ctx, found[0].text) == (
        "督察（自查）发现的4个问题尚有3个未整改销号，其中1个已超过整改期限"
    )
    assert 3 <= len(found[0].suggestions) <= 4
    plan = REGISTRY["oversight"].plans(ctx)[0]
    assert "尚未整改销号的3个问题" in rendered(ctx, plan.text)


def test_two_heads_share_no_sentence(world, frozen):
    heads(world, same_study=True)  # both recorded the same two 会前学法 sessions
    ctx = ctx_for(world.township_a)
    acts = REGISTRY["oversight"].head_acts(ctx)
    assert {a.name for a in acts} == {"孙书记", "钱镇长"}
    own = {
        name: {s for a in acts if a.name == name for s in sentences(a.text)}
        for name in ("孙书记", "钱镇长")
    }
    assert not own["孙书记"] & own["钱镇长"]
    sec = [a for a in acts if a.name == "孙书记"]
    assert any(a.kind == "meeting" and "听取法治建设工作汇报" in a.text for a in sec)
    assert any(a.kind == "meeting" and "专题研究“法治督察反馈问题整改”" in a.text for a in sec)
    assert any(a.kind == "duty_report" and a.date == dt.date(Y, 12, 20) for a in sec)
    study = [a.text for a in acts if a.kind == "study"]
    assert "带头参加会前学法2次，学习《宪法》《民法典》" in study
    assert "与镇党委书记一同参加会前学法2次，学习《宪法》《民法典》" in study
    # the head without a 述法 once the year is over: one shortfall naming the post
    found = REGISTRY["oversight"].shortfalls(ctx)
    assert [f.text for f in found] == [f"镇长{Y}年度述法尚未完成"]


def test_leading_group_in_the_units_own_voice(world, frozen):
    b = world.township_b  # 乙乡
    group = LeadingGroup.objects.create(
        unit=b, year=Y, doc_number=f"乙发〔{Y}〕5号", office="司法所", duties="统筹推进"
    )
    for order, (role, name, post) in enumerate(
        [
            ("leader", "周某", "党委书记"),
            ("deputy", "吴某", "乡长"),
            ("member", "郑某", "司法所所长"),
        ]
    ):
        LeadingGroupMember.objects.create(
            group=group, unit=b, role=role, name=name, post=post, order=order
        )
    text = points_text(ctx_for(b), "oversight")
    assert (
        f"乡党委、乡政府调整充实法治建设工作领导小组（乙发〔{Y}〕5号），由乡党委书记任组长、乡长任副组长，"
        "1名相关部门负责人为成员，领导小组办公室设在司法所，统筹推进全乡法治建设。"
    ) in text
    assert "镇" not in text


# --------------------------------------------------------------------------- all four
def test_no_typed_number_after_an_indicator_phrase(world, frozen):
    """Every figure a point states as a total is a token: the submit check finds nothing."""
    decisions_year(world)
    heads(world)
    enforcement_case(world.township_a, 1)
    ctx = ctx_for(world.township_a)
    for app in ("decisions", "enforcement", "legalservice", "oversight"):
        c = REGISTRY[app]
        texts = [p.text for p in c.points(ctx)] + [f.text for f in c.shortfalls(ctx)]
        texts += [h.text for h in (c.plans(ctx) if c.plans else [])]
        for text in texts:
            assert figures.typed_mismatches(text, ctx.values, {}) == [], text
            assert all(code in registry.INDICATORS for code in figures.codes_in(text))
