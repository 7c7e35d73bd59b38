"""Normative documents (comment, review, deliberation, numbering, filing) and contract reviews."""

from __future__ import annotations

import datetime as dt

import pytest

from fazhi.core.errors import InvalidInput, TransitionNotAllowed
from fazhi.decisions import services
from fazhi.decisions.models import DecisionsSettings
from fazhi.decisions.models.documents import DocStatus

from .helpers import act, adviser

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2024, 10, 20, 9, 0, tzinfo=SHANGHAI), tick=False)


def refused(obj, action, user, match, **raw):
    with pytest.raises((TransitionNotAllowed, InvalidInput)) as exc:
        act(obj, action, user, **raw)
    assert match in exc.value.message, exc.value.message


def new_doc(world, title="村级财务管理办法", comment="yes"):
    return services.create_document(
        unit=world.township_a,
        actor=world.clerk_a,
        raw={
            "title": title,
            "drafting_office": "党政办",
            "comment_required": comment,
            "comment_reason": "" if comment == "yes" else "仅涉及内部管理",
        },
    )


def reviewed(
    world, doc, who=None, conclusion="lawful", requested="2024-09-02", opinion="2024-09-09"
):
    who = who or adviser(world)
    doc = act(doc, "request_review", world.clerk_a, requested_on=requested, days="5")
    r = act(doc.review, "assign", world.admin_a, reviewer=str(who.pk), reviewer_office="镇司法所")
    r = act(r, "give_opinion", who, conclusion=conclusion, opinion="意见", opinion_on=opinion)
    doc.refresh_from_db()
    return doc, r, who


def test_not_published_without_review(world):
    doc = new_doc(world, comment="no")
    refused(
        doc,
        "publish",
        world.clerk_a,
        "未经合法性审查的规范性文件不得发布",
        published_on="2024-09-10",
    )


def test_comment_at_least_7_working_days_across_national_day(world):
    doc = new_doc(world)
    refused(
        doc,
        "request_review",
        world.clerk_a,
        "须先完成公开征求意见",
        requested_on="2024-09-02",
        days="5",
    )
    # 7 working days from 2024-09-27 → 2024-10-12 (调休 Saturday)
    refused(
        doc,
        "start_comment",
        world.clerk_a,
        "不得早于2024-10-12",
        comment_start="2024-09-27",
        comment_end="2024-10-11",
    )
    doc = act(
        doc, "start_comment", world.clerk_a, comment_start="2024-09-27", comment_end="2024-10-12"
    )
    doc = act(doc, "finish_comment", world.clerk_a, comments_count="4", comment_handling="采纳3条")
    assert doc.status == DocStatus.DRAFTING


def test_comment_cannot_finish_early(world, time_machine):
    doc = act(
        new_doc(world),
        "start_comment",
        world.clerk_a,
        comment_start="2024-10-14",
        comment_end="2024-10-25",
    )
    refused(
        doc, "finish_comment", world.clerk_a, "尚未届满", comments_count="0", comment_handling="无"
    )


def test_unresolved_finding_blocks_deliberation_and_publication(world):
    doc = new_doc(world, comment="no")
    doc = act(doc, "request_review", world.clerk_a, requested_on="2024-09-02", days="5")
    who = adviser(world)
    r = act(doc.review, "assign", world.admin_a, reviewer=str(who.pk), reviewer_office="镇司法所")
    r = act(r, "add_finding", who, description="设定罚款无上位法依据", severity="serious")
    r = act(
        r, "give_opinion", who, conclusion="changes", opinion="修改后合法", opinion_on="2024-09-09"
    )
    doc.refresh_from_db()
    refused(
        doc,
        "deliberate",
        world.clerk_a,
        "1个问题尚未整改",
        deliberated_on="2024-09-12",
        deliberation_meeting="常务会",
    )
    refused(doc, "publish", world.clerk_a, "1个问题尚未整改", published_on="2024-09-12")
    act(
        r,
        "fix_finding",
        who,
        finding=str(r.findings.get().pk),
        fixed_on="2024-09-10",
        fix_note="删除罚款条款",
    )
    doc = act(
        doc,
        "deliberate",
        world.clerk_a,
        deliberated_on="2024-09-12",
        deliberation_meeting="镇政府常务会议",
    )
    assert doc.status == DocStatus.DELIBERATED


def test_unlawful_review_returns_to_draft(world):
    doc, r, who = reviewed(world, new_doc(world, comment="no"), conclusion="unlawful")
    refused(
        doc,
        "deliberate",
        world.clerk_a,
        "不合法",
        deliberated_on="2024-09-12",
        deliberation_meeting="x",
    )
    doc = act(doc, "return_draft", world.clerk_a)
    assert doc.status == DocStatus.DRAFTING and doc.review is None


def test_not_published_without_deliberation(world):
    doc, r, who = reviewed(world, new_doc(world, comment="no"))
    refused(doc, "publish", world.clerk_a, "未经集体审议", published_on="2024-09-12")


def test_one_numbering_sequence_and_filing_deadline(world):
    DecisionsSettings.objects.create(unit=world.county, filing_days=15)
    numbers = []
    for i, published in enumerate(["2024-09-20", "2024-09-23"]):
        doc, r, who = reviewed(world, new_doc(world, title=f"办法{i}", comment="no"))
        doc = act(
            doc,
            "deliberate",
            world.clerk_a,
            deliberated_on="2024-09-12",
            deliberation_meeting="常务会",
        )
        doc = act(doc, "publish", world.clerk_a, published_on=published)
        numbers.append(doc.doc_number)
    assert numbers == ["甲镇规〔2024〕1号", "甲镇规〔2024〕2号"]
    # 2024-09-23 + 15 = 10-08 (the first working day after National Day)
    assert doc.filing_due == dt.date(2024, 10, 8)
    refused(
        doc, "file", world.clerk_a, "不能早于发布日期", filed_on="2024-09-01", filed_with="县政府"
    )
    doc = act(doc, "file", world.clerk_a, filed_on="2024-10-09", filed_with="甲县人民政府")
    assert doc.filed_on_time is False
    assert doc.valid_until == dt.date(2029, 9, 23)


def test_filing_days_default_30_and_only_county_configures(world):
    from fazhi.decisions.models.settings import filing_days_for

    assert filing_days_for(world.township_a) == 30
    with pytest.raises(Exception, match="只有县级"):
        services.save_settings(county=world.county, actor=world.clerk_a, filing_days=15)
    with pytest.raises(InvalidInput, match="15日或30日"):
        services.save_settings(county=world.county, actor=world.supervisor, filing_days=20)
    services.save_settings(county=world.county, actor=world.supervisor, filing_days=15)
    assert filing_days_for(world.township_a) == 15


def test_contract_not_signed_before_review(world):
    c = services.create_contract(
        unit=world.township_a,
        actor=world.clerk_a,
        raw={
            "title": "道路硬化工程施工合同",
            "counterparty": "某建设公司",
            "amount": "1200000",
            "drafting_office": "村镇建设办",
            "requested_on": "2024-09-02",
            "days": "5",
        },
    )
    refused(c, "sign", world.clerk_a, "未经合法性审查出具意见", signed_on="2024-09-20")
    who = adviser(world)
    r = act(c.review, "assign", world.admin_a, reviewer=str(who.pk), reviewer_office="法律顾问")
    r = act(r, "add_finding", who, description="违约责任不明确", severity="major")
    r = act(
        r, "give_opinion", who, conclusion="changes", opinion="修改后可签", opinion_on="2024-09-06"
    )
    c.refresh_from_db()
    c = act(c, "record_adoption", world.clerk_a, adopted="yes")
    refused(c, "sign", world.clerk_a, "问题尚未整改", signed_on="2024-09-20")
    act(
        r,
        "fix_finding",
        who,
        finding=str(r.findings.get().pk),
        fixed_on="2024-09-09",
        fix_note="已补充",
    )
    c = act(c, "sign", world.clerk_a, signed_on="2024-09-20")
    assert c.signed_on == dt.date(2024, 9, 20)
    assert r.working_days_taken == 4


def test_major_matter_is_a_collective_decision_record(world):
    raw = {
        "title": "年度预算安排",
        "category": "funds",
        "meeting_kind": "party",
        "meeting_date": "2024-03-01",
        "members_total": "7",
        "attendees_count": "5",
        "head_name": "书记",
        "views": "甲|委员|同意|\n乙|委员|同意|\n丙|委员|不同意|支出过大\n丁|委员|同意|\n书记|书记|同意|",
        "outcome": "adopted",
    }
    m = services.record_major_matter(unit=world.township_a, actor=world.clerk_a, raw=raw)
    assert m.views.count() == 5 and m.decision is None
    with pytest.raises(InvalidInput, match="最后发表意见"):
        services.record_major_matter(
            unit=world.township_a,
            actor=world.clerk_a,
            raw={
                **raw,
                "views": "书记|书记|同意|\n甲|委员|同意|\n乙|委员|同意|\n丙|委员|同意|\n丁|委员|同意|",
            },
        )
