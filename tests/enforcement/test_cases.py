"""Enforcement cases: officers and certificates, the three systems, deadlines across holidays."""

from __future__ import annotations

import datetime as dt

import pytest

from fazhi.core.errors import InvalidInput, TransitionNotAllowed
from fazhi.decisions import procedures as DP
from fazhi.enforcement.models import CaseStatus
from fazhi.ledgers.fields import perform

from .helpers import act, adviser, case, cert, investigated, leader, officers, with_evidence

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2024, 7, 1, 9, 0, tzinfo=SHANGHAI), tick=False)


def refused(obj, action, user, match, **raw):
    with pytest.raises((TransitionNotAllowed, InvalidInput)) as exc:
        act(obj, action, user, **raw)
    assert match in exc.value.message, exc.value.message


def test_at_least_two_officers(world):
    one = cert(world, "张执法", "E001")
    with pytest.raises(InvalidInput, match="不得少于两人"):
        case(world, certs=[one])


def test_lapsed_certificate_cannot_be_assigned(world):
    ok = cert(world, "张执法", "E001")
    lapsed = cert(world, "李执法", "E002", expires="2024-06-30", issued="2019-07-01")
    with pytest.raises(InvalidInput, match="已于2024-06-30过期"):
        case(world, certs=[ok, lapsed])
    c = case(world, certs=[ok, cert(world, "赵执法", "E003")])
    refused(c, "change_officers", world.clerk_a, "请先换发", officers=[str(ok.pk), str(lapsed.pk)])
    renewed = act(lapsed, "renew", world.clerk_a, issued_on="2024-06-20", expires_on="2029-06-19")
    assert renewed.expires_on == dt.date(2029, 6, 19)
    act(c, "change_officers", world.clerk_a, officers=[str(ok.pk), str(lapsed.pk)])


def test_investigation_needs_process_records(world):
    c = case(world)
    refused(
        c,
        "investigate",
        world.clerk_a,
        "全过程记录",
        investigated_on="2024-06-10",
        evidence_summary="x",
    )
    with_evidence(world, c)
    assert (
        act(
            c, "investigate", world.clerk_a, investigated_on="2024-06-10", evidence_summary="笔录"
        ).status
        == CaseStatus.INVESTIGATED
    )


def test_no_decision_before_rights_notified(world):
    c = investigated(world, case(world))
    refused(c, "decide", world.clerk_a, "陈述、申辩", decided_on="2024-06-20", decision="罚款")


def test_inspection_needs_no_notice(world):
    c = investigated(world, case(world, kind="inspection"))
    refused(c, "notify", world.clerk_a, "行政检查不适用", notified_on="2024-06-12")
    c = act(c, "decide", world.clerk_a, decided_on="2024-06-20", decision="责令整改")
    # other enforcement decisions: 20 working days; 2024-06-20 + 20 wd crosses nothing → 07-18
    assert c.publication_due == dt.date(2024, 7, 18)


def test_hearing_makes_the_case_major_and_needs_legal_review(world):
    c = investigated(world, case(world))
    c = act(c, "notify", world.clerk_a, notified_on="2024-06-12", hearing_requested="1")
    refused(c, "decide", world.clerk_a, "尚未举行听证", decided_on="2024-06-20", decision="罚款")
    refused(c, "request_review", world.clerk_a, "须先举行听证", requested_on="2024-06-20", days="5")
    c = act(c, "record_hearing", world.clerk_a, hearing_held_on="2024-06-18")
    assert c.is_major
    refused(c, "decide", world.clerk_a, "未经法制审核", decided_on="2024-06-20", decision="罚款")
    c = act(c, "request_review", world.clerk_a, requested_on="2024-06-19", days="5")
    refused(c, "decide", world.clerk_a, "尚未出具意见", decided_on="2024-06-28", decision="罚款")
    review = c.review
    who = adviser(world)
    raw = dict(reviewer=str(who.pk), reviewer_office="镇司法所")
    with pytest.raises(TransitionNotAllowed, match="法律职业资格"):
        perform(DP.REVIEW, DP.REVIEW_ACTIONS, review, "assign", user=world.admin_a, raw=raw)
    review = perform(
        DP.REVIEW,
        DP.REVIEW_ACTIONS,
        review,
        "assign",
        user=world.admin_a,
        raw={**raw, "reviewer_qualification": "A20151100001"},
    )
    perform(
        DP.REVIEW,
        DP.REVIEW_ACTIONS,
        review,
        "give_opinion",
        user=who,
        raw={"conclusion": "lawful", "opinion": "事实清楚、依据充分", "opinion_on": "2024-06-26"},
    )
    c.refresh_from_db()
    c = act(
        c,
        "decide",
        world.clerk_a,
        decided_on="2024-06-28",
        decision="罚款五千元",
        penalty_amount="5000",
    )
    assert c.status == CaseStatus.DECIDED


def test_decision_deadline_90_days_unless_extended(world, time_machine):
    c = case(world, opened="2024-03-01")
    # 2024-03-01 + 90 days = 2024-05-30
    assert c.decision_due == dt.date(2024, 5, 30)
    c = investigated(world, c, on="2024-03-20")
    c = act(c, "notify", world.clerk_a, notified_on="2024-03-25")
    refused(c, "decide", world.clerk_a, "已超过办理期限", decided_on="2024-06-30", decision="罚款")
    refused(c, "extend", world.clerk_a, "您的角色无权延长办理期限", days="30", reason="案情复杂")
    boss = leader(world)
    c = act(c, "extend", boss, days="60", reason="案情复杂，经负责人批准")
    assert c.decision_due == dt.date(2024, 7, 29)
    refused(c, "extend", boss, "已延长过一次", days="10", reason="再延")
    act(c, "decide", world.clerk_a, decided_on="2024-06-30", decision="罚款")


def test_decision_deadline_rolls_over_national_day(world, time_machine):
    time_machine.move_to(dt.datetime(2024, 7, 10, 9, 0, tzinfo=SHANGHAI), tick=False)
    c = case(world, opened="2024-07-01")
    assert c.decision_due == dt.date(2024, 9, 29)  # 调休 working Sunday
    # 2024-07-04 + 90 = 2024-10-02 (National Day) → next working day 2024-10-08
    c2 = case(world, opened="2024-07-04", certs=list(c.officers.all()))
    assert c2.decision_due == dt.date(2024, 10, 8)


def test_publication_within_7_working_days_across_holiday(world, time_machine):
    time_machine.move_to(dt.datetime(2024, 10, 20, 9, 0, tzinfo=SHANGHAI), tick=False)
    c = investigated(world, case(world, opened="2024-09-02"), on="2024-09-10")
    c = act(c, "notify", world.clerk_a, notified_on="2024-09-12")
    c = act(c, "decide", world.clerk_a, decided_on="2024-09-27", decision="罚款")
    # 7 working days from 09-27: 09-29(调休), 09-30, 10-08, 10-09, 10-10, 10-11, 10-12(调休)
    assert c.publication_due == dt.date(2024, 10, 12)
    refused(c, "publish", world.clerk_a, "不能早于决定日期", published_on="2024-09-20")
    c = act(c, "publish", world.clerk_a, published_on="2024-10-14")
    assert c.published_on_time is False


def test_changed_decision_is_withdrawn_within_3_days(world):
    c = investigated(world, case(world))
    c = act(c, "notify", world.clerk_a, notified_on="2024-06-12")
    c = act(c, "decide", world.clerk_a, decided_on="2024-06-14", decision="罚款")
    refused(c, "withdraw", world.clerk_a, "当前状态为")
    c = act(c, "publish", world.clerk_a, published_on="2024-06-17")
    refused(c, "withdraw", world.clerk_a, "无需撤下", withdrawn_on="2024-06-20")
    c = act(c, "record_change", world.clerk_a, changed_on="2024-06-25", change_kind="revoked")
    assert c.withdrawal_due == dt.date(2024, 6, 28)
    c = act(c, "withdraw", world.clerk_a, withdrawn_on="2024-06-26")
    refused(c, "withdraw", world.clerk_a, "已撤下公示", withdrawn_on="2024-06-27")


def test_close_requires_publication(world):
    c = investigated(world, case(world))
    c = act(c, "notify", world.clerk_a, notified_on="2024-06-12")
    c = act(c, "decide", world.clerk_a, decided_on="2024-06-14", decision="罚款")
    refused(c, "close", world.clerk_a, "当前状态为“已作出决定”", closed_on="2024-06-30")


def test_bad_id_number_refused(world):
    with pytest.raises(InvalidInput, match="身份证号码不正确"):
        case(world, id_number="110105194912310021")


def test_officers_helper_builds_two(world):
    assert len(officers(world)) == 2
