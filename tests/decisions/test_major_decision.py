"""Major decisions: each step refused out of order, with the reason; the full path works."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fazhi.core import attachments
from fazhi.core.errors import InvalidInput, TransitionNotAllowed
from fazhi.decisions import services
from fazhi.decisions.models.catalog import DecisionStatus

from .helpers import (
    APPLIES_ALL,
    act,
    adviser,
    catalog,
    decision,
    discuss,
    ready_for_discussion,
    review_passed,
    to_review,
)

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2024, 6, 3, 9, 0, tzinfo=SHANGHAI), tick=False)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def refused(obj, action, user, match, **raw):
    with pytest.raises((TransitionNotAllowed, InvalidInput)) as exc:
        act(obj, action, user, **raw)
    assert match in exc.value.message, exc.value.message
    return exc.value


def test_a_decision_needs_a_catalog_of_its_year(world):
    with pytest.raises(InvalidInput, match="请先建立"):
        decision(world)


def test_adding_to_an_approved_catalog_needs_a_reason(world):
    catalog(world)
    with pytest.raises(InvalidInput, match="增补目录外事项须说明理由"):
        services.create_decision(
            unit=world.township_a,
            actor=world.clerk_a,
            title="新增",
            year=2024,
            drafting_office="党政办",
        )


def test_conditional_steps_must_be_determined_with_reasons(world):
    catalog(world)
    d = decision(world)
    refused(
        d,
        "request_review",
        world.clerk_a,
        "尚未确定是否需要公众参与",
        requested_on="2024-05-01",
        days="7",
    )
    refused(
        d,
        "set_applicability",
        world.clerk_a,
        "不适用风险评估的，须说明理由",
        **{**APPLIES_ALL, "risk_applies": "no"},
    )
    d = act(
        d,
        "set_applicability",
        world.clerk_a,
        **{
            **APPLIES_ALL,
            "risk_applies": "no",
            "risk_reason": "不涉及社会稳定风险，因为仅调整内部管理流程",
        },
    )
    refused(
        d,
        "record_risk",
        world.clerk_a,
        "已确定不适用风险评估：不涉及社会稳定风险",
        started_on="2024-04-01",
        risk_level="low",
        risk_points="无",
        measures="无",
        plan="无",
    )
    rows = {r["label"]: r for r in act.__globals__["P"].checklist(d)}
    assert rows["风险评估"]["state"] == "na"
    assert "不涉及社会稳定风险" in rows["风险评估"]["note"]


def test_comment_period_under_30_days_needs_a_reason(world):
    catalog(world)
    d = act(decision(world), "set_applicability", world.clerk_a, **APPLIES_ALL)
    raw = dict(
        started_on="2024-03-01",
        ended_on="2024-03-20",
        people="网上",
        opinions_count="3",
        handling="已采纳",
    )
    refused(d, "record_participation", world.clerk_a, "少于30日，须说明缩短期限的理由", **raw)
    d = act(d, "record_participation", world.clerk_a, short_reason="防汛工作紧急", **raw)
    assert d.steps.get(kind="participation").short_reason == "防汛工作紧急"


def test_participation_cannot_be_recorded_before_the_period_ends(world):
    catalog(world)
    d = act(decision(world), "set_applicability", world.clerk_a, **APPLIES_ALL)
    refused(
        d,
        "record_participation",
        world.clerk_a,
        "尚未届满",
        started_on="2024-05-20",
        ended_on="2024-06-30",
        people="网上",
        opinions_count="0",
        handling="无",
    )


def test_hearing_materials_at_least_7_days_before_and_signed_record(world):
    catalog(world)
    d = act(
        decision(world),
        "set_applicability",
        world.clerk_a,
        **{**APPLIES_ALL, "hearing_applies": "yes"},
    )
    raw = dict(
        materials_sent_on="2024-04-05",
        started_on="2024-04-10",
        people="村民代表5人",
        summary="意见",
    )
    refused(
        d, "record_hearing", world.clerk_a, "至少在听证会举行7日前送达", record_signed="1", **raw
    )
    raw["materials_sent_on"] = "2024-04-03"
    refused(d, "record_hearing", world.clerk_a, "确认签字", **raw)
    act(d, "record_hearing", world.clerk_a, record_signed="1", **raw)


def test_expert_with_direct_interest_must_be_excluded(world):
    catalog(world)
    d = act(decision(world), "set_applicability", world.clerk_a, **APPLIES_ALL)
    refused(
        d,
        "record_expert",
        world.clerk_a,
        "应当回避",
        started_on="2024-04-10",
        people="张教授",
        summary="可行",
        signed="1",
    )
    refused(
        d,
        "record_expert",
        world.clerk_a,
        "书面并经专家签名",
        started_on="2024-04-10",
        people="张教授",
        summary="可行",
        interest_excluded="1",
    )


def test_uncontrollable_risk_blocks_until_draft_changed_and_reassessed(world):
    catalog(world)
    d = to_review(world, decision(world))
    d = act(
        d,
        "record_risk",
        world.clerk_a,
        started_on="2024-04-20",
        risk_level="uncontrollable",
        risk_points="大规模上访风险",
        measures="无有效措施",
        plan="无",
    )
    refused(d, "request_review", world.clerk_a, "风险不可控", requested_on="2024-04-25", days="7")
    refused(
        d,
        "record_risk",
        world.clerk_a,
        "须先调整决策草案",
        started_on="2024-04-21",
        risk_level="low",
        risk_points="x",
        measures="x",
        plan="x",
    )
    d = act(d, "revise", world.clerk_a, summary="缩小改造范围，分期实施", reason="风险评估不可控")
    refused(
        d,
        "request_review",
        world.clerk_a,
        "须重新进行风险评估",
        requested_on="2024-04-25",
        days="7",
    )
    d = act(
        d,
        "record_risk",
        world.clerk_a,
        started_on="2024-04-28",
        risk_level="low",
        risk_points="少量摊位调整",
        measures="逐户沟通",
        plan="预案",
    )
    act(d, "request_review", world.clerk_a, requested_on="2024-04-29", days="7")


def test_legality_review_at_least_7_working_days_and_mandatory(world):
    catalog(world)
    d = to_review(world, decision(world))
    refused(
        d, "request_review", world.clerk_a, "不少于7个工作日", requested_on="2024-04-20", days="5"
    )
    refused(d, "submit", world.clerk_a, "未经合法性审查")
    d = act(d, "request_review", world.clerk_a, requested_on="2024-09-27", days="7")
    review = services.latest_review(d)
    # 7 working days from 2024-09-27 across National Day: 9-29 (调休) 9-30, 10-8 … 10-12 (调休).
    assert review.due_date == dt.date(2024, 10, 12)
    refused(d, "submit", world.clerk_a, "尚未出具意见")


def test_reviewer_not_from_drafting_office(world):
    catalog(world)
    d = to_review(world, decision(world))
    d = act(d, "request_review", world.clerk_a, requested_on="2024-04-20", days="7")
    review = services.latest_review(d)
    refused(
        review,
        "assign",
        world.admin_a,
        "不得来自起草（承办）单位",
        reviewer=str(adviser(world).pk),
        reviewer_office="镇经济发展办",
    )
    refused(
        review,
        "assign",
        world.admin_a,
        "送审人不能审查",
        reviewer=str(world.clerk_a.pk),
        reviewer_office="镇司法所",
    )


def test_unlawful_draft_cannot_go_to_discussion(world):
    catalog(world)
    d = to_review(world, decision(world))
    d = act(d, "request_review", world.clerk_a, requested_on="2024-04-20", days="7")
    r = services.latest_review(d)
    who = adviser(world)
    r = act(r, "assign", world.admin_a, reviewer=str(who.pk), reviewer_office="镇司法所")
    r = act(r, "add_finding", who, description="收费标准无法律依据", severity="serious")
    refused(
        r,
        "give_opinion",
        who,
        "结论不能为“合法”",
        conclusion="lawful",
        opinion="x",
        opinion_on="2024-05-06",
    )
    r = act(
        r, "give_opinion", who, conclusion="unlawful", opinion="不合法", opinion_on="2024-05-06"
    )
    assert r.working_days_taken == 9  # 4-20 (Sat) → 5-06: 调休 4-28 counted, 5-1..5-5 holiday
    d.refresh_from_db()
    refused(d, "submit", world.clerk_a, "不合法")
    finding = r.findings.get()
    r = act(
        r,
        "fix_finding",
        who,
        finding=str(finding.pk),
        fixed_on="2024-05-08",
        fix_note="删除收费条款",
    )
    refused(d, "submit", world.clerk_a, "不合法")
    # A revised draft needs a fresh review.
    d = act(d, "revise", world.clerk_a, summary="删除收费条款", reason="审查意见")
    review_passed(world, d, reviewer=who, requested="2024-05-09", opinion="2024-05-20")
    d.refresh_from_db()
    assert act(d, "submit", world.clerk_a).status == DecisionStatus.DISCUSSING


def test_catalog_must_be_published_before_discussion(world):
    catalog(world, publish=False)
    d = to_review(
        world,
        services.create_decision(
            unit=world.township_a,
            actor=world.clerk_a,
            title="x",
            year=2024,
            drafting_office="党政办",
        ),
    )
    review_passed(world, d)
    d.refresh_from_db()
    refused(d, "submit", world.clerk_a, "决策目录尚未公布")


def test_collective_discussion_rules(world):
    catalog(world)
    d = ready_for_discussion(world, decision(world))
    refused(
        d,
        "record_discussion",
        world.clerk_a,
        "主要负责人应当最后发表意见",
        **dict(
            meeting_kind="leadership",
            meeting_date="2024-05-20",
            members_total="5",
            attendees_count="3",
            head_name="赵镇长",
            outcome="adopted",
            views="赵镇长|镇长|同意|\n李副镇长|副镇长|同意|可\n王委员|委员|同意|可",
        ),
    )
    refused(
        d,
        "record_discussion",
        world.clerk_a,
        "须如实记录其发言理由",
        **dict(
            meeting_kind="leadership",
            meeting_date="2024-05-20",
            members_total="5",
            attendees_count="3",
            head_name="赵镇长",
            outcome="adopted",
            views="李副镇长|副镇长|同意|可\n王委员|委员|不同意\n赵镇长|镇长|同意|",
        ),
    )
    refused(
        d,
        "record_discussion",
        world.clerk_a,
        "未超过应到",
        **dict(
            meeting_kind="leadership",
            meeting_date="2024-05-20",
            members_total="7",
            attendees_count="3",
            head_name="赵镇长",
            outcome="adopted",
            views="李副镇长|副镇长|同意|可\n王委员|委员|同意|可\n赵镇长|镇长|同意|",
        ),
    )
    minority = (
        "李副镇长|副镇长|不同意|风险大\n王委员|委员|不同意|资金不足\n赵镇长|镇长|同意|必须实施"
    )
    refused(
        d,
        "record_discussion",
        world.clerk_a,
        "须记录主要负责人的理由",
        **dict(
            meeting_kind="leadership",
            meeting_date="2024-05-20",
            members_total="5",
            attendees_count="3",
            head_name="赵镇长",
            outcome="adopted",
            views=minority,
        ),
    )
    d = discuss(world, d, views=minority, head_reason="上级要求年内完成，资金已落实")
    assert d.status == DecisionStatus.DISCUSSED
    disc = d.discussions.get()
    assert [v.view for v in disc.views.all()] == ["disagree", "disagree", "agree"]
    assert disc.views.all()[1].statement == "资金不足"


def test_full_path_to_archive(world):
    catalog(world)
    d = ready_for_discussion(world, decision(world))
    refused(d, "decide", world.clerk_a, "当前状态为")
    d = discuss(world, d)
    refused(d, "decide", world.clerk_a, "当前状态为“集体讨论通过”")
    d = act(d, "report_party", world.clerk_a, reported_on="2024-05-21", summary="已向镇党委请示")
    d = act(
        d, "decide", world.clerk_a, decided_on="2024-05-22", decision_doc_number="甲政发〔2024〕5号"
    )
    refused(
        d,
        "publish",
        world.clerk_a,
        "不能早于决定日期",
        published_on="2024-05-01",
        publish_channel="网站",
    )
    d = act(d, "publish", world.clerk_a, published_on="2024-05-24", publish_channel="镇政府网站")
    refused(d, "archive", world.clerk_a, "没有任何材料", archived_on="2024-05-30")
    step = d.steps.first()
    attachments.attach(step, SimpleUploadedFile("意见.png", PNG), user=world.clerk_a)
    d = act(d, "archive", world.clerk_a, archived_on="2024-05-30")
    assert d.status == DecisionStatus.ARCHIVED
    d = act(
        d, "evaluate", world.clerk_a, started_on="2024-06-01", people="第三方", summary="效果良好"
    )
    states = {r["label"]: r["state"] for r in act.__globals__["P"].checklist(d)}
    assert set(states.values()) <= {"done", "na"}, states
