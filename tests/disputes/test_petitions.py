"""Petitions: the statutory time limits (frozen dates across holidays), refusals, confidentiality."""

import datetime as dt

import pytest
import time_machine

from fazhi.core.errors import InvalidInput, TransitionNotAllowed
from fazhi.disputes.queries import petitions_visible_to
from fazhi.disputes.services import petitions as ps
from tests.factories import member

from .helpers import petition

pytestmark = pytest.mark.django_db

REPLY = {
    "facts": "经查属实",
    "opinion": "support",
    "opinion_text": "予以补发",
    "legal_basis": "《土地管理法》第四十八条",
}


@time_machine.travel(dt.datetime(2024, 9, 20, 10), tick=False)
def test_acceptance_notice_limit_crosses_national_day(world):
    p = petition(world, received_on="2024-09-16")
    # 15 days from 2024-09-16 is 2024-10-01, inside the National Day holiday: it ends 2024-10-08.
    assert p.acceptance_due == dt.date(2024, 10, 8) and p.due_date == p.acceptance_due
    # Returning a matter outside the remit: 5 working days (17 Sept, Mid-Autumn, skipped).
    assert p.return_due == dt.date(2024, 9, 24)
    assert p.first_petition and p.status == "received"


def test_return_only_within_five_working_days(world):
    with time_machine.travel(dt.datetime(2024, 9, 27, 10), tick=False):
        p = petition(world, received_on="2024-09-27")
        # 29 Sept (a make-up Sunday) and 30 Sept, then 8, 9, 10 October.
        assert p.return_due == dt.date(2024, 10, 10)
    with (
        time_machine.travel(dt.datetime(2024, 10, 11, 10), tick=False),
        pytest.raises(TransitionNotAllowed, match="超过5个工作日"),
    ):
        ps.act(p, "return", user=world.clerk_a, data={"reason": "不属于本机关职责"})
    with time_machine.travel(dt.datetime(2024, 10, 10, 10), tick=False):
        p = ps.act(p, "return", user=world.clerk_a, data={"reason": "应向县自然资源局提出"})
        assert p.status == "returned" and p.due_date is None


def test_handling_reply_extension_review_and_re_review(world):
    with time_machine.travel(dt.datetime(2024, 8, 2, 10), tick=False):
        p = petition(world, received_on="2024-08-01")
        p = ps.act(p, "accept", user=world.clerk_a)
        # 60 days from 2024-08-02 is 2024-10-01 -> 2024-10-08.
        assert p.accepted_on == dt.date(2024, 8, 2) and p.handling_due == dt.date(2024, 10, 8)
        with pytest.raises(InvalidInput, match="30日"):
            ps.act(
                p,
                "extend",
                user=world.clerk_a,
                data={"days": 31, "approver": "镇长", "reason": "x"},
            )
        with pytest.raises(InvalidInput, match="批准人"):
            ps.act(p, "extend", user=world.clerk_a, data={"days": 30, "reason": "x"})
        p = ps.act(
            p,
            "extend",
            user=world.clerk_a,
            data={"days": 30, "approver": "赵镇长", "reason": "需现场勘测"},
        )
        assert p.handling_due == dt.date(2024, 11, 7) and p.extended
        with pytest.raises(TransitionNotAllowed, match="只能延长一次"):
            ps.act(
                p,
                "extend",
                user=world.clerk_a,
                data={"days": 5, "approver": "赵镇长", "reason": "x"},
            )
    with time_machine.travel(dt.datetime(2024, 11, 8, 10), tick=False):
        p = ps.act(p, "reply", user=world.clerk_a, data=REPLY)
        assert p.status == "replied" and p.replied_on_time is False  # one day late
        assert p.review_request_due == dt.date(2024, 12, 9)  # 8 Dec is a Sunday
    with time_machine.travel(dt.datetime(2024, 12, 10, 10), tick=False):
        with pytest.raises(InvalidInput, match="30日内申请"):
            ps.act(p, "request_review", user=world.clerk_a)
        p = ps.act(p, "request_review", user=world.clerk_a, data={"requested_on": "2024-12-09"})
        assert p.status == "under_review" and p.review_due == dt.date(2025, 1, 8)
        p = ps.act(p, "review", user=world.clerk_a, data={"result": "维持"})
        p = ps.act(p, "request_re_review", user=world.clerk_a)
        p = ps.act(p, "re_review", user=world.clerk_a, data={"result": "维持"})
        assert p.status == "re_reviewed" and p.closed_on == dt.date(2024, 12, 10)
        # The same request on the same facts is not accepted again.
        again = petition(world, prior=p.pk)
        assert again.first_petition is False
        with pytest.raises(TransitionNotAllowed, match="不再受理"):
            ps.act(again, "accept", user=world.clerk_a)
        again = ps.act(again, "not_accept", user=world.clerk_a, data={"reason": "已经复核终结"})
        assert again.status == "not_accepted"


@time_machine.travel(dt.datetime(2024, 9, 2, 10), tick=False)
def test_on_time_reply_and_satisfaction(world):
    p = petition(world)
    p = ps.act(p, "accept", user=world.clerk_a)
    with pytest.raises(InvalidInput, match="依据"):
        ps.act(p, "reply", user=world.clerk_a, data={**REPLY, "legal_basis": ""})
    with pytest.raises(InvalidInput, match="处理意见"):
        ps.act(p, "reply", user=world.clerk_a, data={**REPLY, "opinion": "maybe"})
    p = ps.act(p, "reply", user=world.clerk_a, data=REPLY)
    assert p.replied_on_time is True
    p = ps.act(p, "rate", user=world.clerk_a, data={"satisfaction": "satisfied"})
    p = ps.act(p, "close", user=world.clerk_a)
    assert p.status == "closed" and p.satisfaction == "satisfied"


def test_group_visit_names_at_most_five_representatives(world):
    people = [{"name": f"代表{i}", "representative": True} for i in range(6)]
    with pytest.raises(InvalidInput, match="不超过5人"):
        petition(world, is_group=True, petitioners=people)
    p = petition(world, is_group=True, group_size=40, petitioners=people[:5])
    assert p.is_group and p.group_size == 40 and p.petitioners.count() == 5


def test_backlog_marked_until_resolved_with_who_and_when(world):
    p = petition(world)
    with pytest.raises(TransitionNotAllowed, match="不是积案"):
        ps.act(p, "resolve_backlog", user=world.clerk_a, data={"note": "x"})
    p = ps.act(p, "mark_backlog", user=world.clerk_a)
    assert p.backlog and p.backlog_since
    p = ps.act(p, "resolve_backlog", user=world.admin_a, data={"note": "五方会商化解"})
    assert p.backlog_resolved_at and p.backlog_resolved_by == world.admin_a
    with pytest.raises(TransitionNotAllowed, match="已化解"):
        ps.act(p, "resolve_backlog", user=world.admin_a, data={"note": "x"})


def test_confidential_petition_hidden_from_the_unit_complained_about(world):
    village_user = member(world.village_a, "township_staff", username="village_staff")
    v = world.village_a.pk
    p = petition(world, village=v, confidential=True, complained_unit=world.village_a.pk)
    plain = petition(world, village=v)
    assert set(petitions_visible_to(village_user)) == {plain}
    assert p in petitions_visible_to(world.clerk_a)  # the township above sees it
    assert p in petitions_visible_to(world.supervisor)
    # Complaining about the township hides it from the township's own staff too.
    q = petition(world, confidential=True, complained_unit=world.township_a.pk)
    assert q not in petitions_visible_to(world.clerk_a)
    assert q not in petitions_visible_to(world.mediator_a)
    assert q in petitions_visible_to(world.supervisor)
    with pytest.raises(InvalidInput, match="被反映单位"):
        petition(world, confidential=True)
