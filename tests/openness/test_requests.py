"""依申请公开: the statutory deadlines in working days (条例 arts. 30, 33), the reply types
of the national format, and the steps refused with their reasons."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from fazhi.core import reminders
from fazhi.core.errors import InvalidInput, TransitionNotAllowed
from fazhi.openness.models import InformationRequest, RequestStatus

from .helpers import act, request

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel("2024-06-20 10:00 +0800", tick=False):
        yield


def test_deadlines_count_working_days_from_receipt(world):
    r = request(world, received=D(2024, 4, 1))
    # 清明 (4–6 April) is skipped and the make-up Sundays 7 and 28 April count.
    assert r.correction_by == D(2024, 4, 11)
    assert r.reply_due == D(2024, 4, 29)
    assert r.number == "2024-001" and request(world).number == "2024-002"


def test_correction_stops_the_clock_and_the_completed_application_restarts_it(world):
    r = request(world)
    r = act(r, "correct", world.clerk_a, date="2024-04-03", items="请写明信息的文号")
    assert r.status == RequestStatus.CORRECTION and r.reply_due is None
    r = act(r, "complete", world.clerk_a, date="2024-04-15")
    assert r.status == RequestStatus.RECEIVED
    assert r.reply_due == D(2024, 5, 14)  # 20 working days after 15 April, not after 1 April
    with pytest.raises(TransitionNotAllowed, match="一次性告知"):
        act(r, "correct", world.clerk_a, date="2024-04-16", items="再补一次")


def test_correction_after_seven_working_days_is_refused(world):
    r = request(world)
    with pytest.raises(TransitionNotAllowed, match=r"7个工作日内（2024-04-11前）"):
        act(r, "correct", world.clerk_a, date="2024-04-12", items="请写明文号")
    with pytest.raises(TransitionNotAllowed, match="需补正的事项"):
        act(r, "correct", world.clerk_a, date="2024-04-10")
    r.refresh_from_db()
    assert r.status == RequestStatus.RECEIVED and r.correction_on is None


def test_extension_needs_approval_at_most_20_days_and_only_once(world):
    r = request(world)
    base = dict(
        date="2024-04-20", approved_on="2024-04-22", notified_on="2024-04-23", reason="涉及多个部门"
    )
    with pytest.raises(TransitionNotAllowed, match="请填写批准人"):
        act(r, "extend", world.clerk_a, days=10, **base)
    with pytest.raises(TransitionNotAllowed, match="1 到 20 个工作日"):
        act(r, "extend", world.clerk_a, days=21, approver="党政办主任", **base)
    with pytest.raises(TransitionNotAllowed, match="届满前告知申请人"):
        act(r, "extend", world.clerk_a, days=20, approver="党政办主任",
            approved_on="2024-04-29", notified_on="2024-04-30", reason="x")  # fmt: skip
    r.refresh_from_db()
    assert r.extension_days is None and r.reply_due == D(2024, 4, 29)
    r = act(r, "extend", world.clerk_a, days=20, approver="党政办主任", **base)
    assert r.status == RequestStatus.EXTENDED
    assert r.reply_due == D(2024, 5, 29) and r.extension_approver == "党政办主任"
    with pytest.raises(TransitionNotAllowed):
        act(r, "extend", world.clerk_a, days=5, approver="党政办主任", **base)
    # The guard itself refuses a second extension whatever the state.
    InformationRequest.objects.filter(pk=r.pk).update(status=RequestStatus.RECEIVED)
    r.refresh_from_db()
    with pytest.raises(TransitionNotAllowed, match="只能一次"):
        act(r, "extend", world.clerk_a, days=5, approver="党政办主任", **base)


def test_reply_types_and_reasons_follow_the_national_format(world):
    r = request(world)
    with pytest.raises(TransitionNotAllowed, match="须写明理由"):
        act(r, "reply", world.clerk_a, reply_type="refused", content="不予公开", date="2024-04-20")
    with pytest.raises(TransitionNotAllowed, match="须写明理由"):
        act(r, "reply", world.clerk_a, reply_type="refused", reason="not_held", content="x")
    with pytest.raises(TransitionNotAllowed, match="不填写理由"):
        act(r, "reply", world.clerk_a, reply_type="granted", reason="secret", content="x")
    with pytest.raises(InvalidInput, match="不是有效选项"):
        act(r, "reply", world.clerk_a, reply_type="maybe")
    with pytest.raises(TransitionNotAllowed, match="不能晚于今天"):
        act(r, "reply", world.clerk_a, reply_type="granted", content="x", date="2024-07-01")
    r = act(r, "reply", world.clerk_a, reply_type="refused", reason="third_party",
            content="涉及第三方合法权益", date="2024-04-29")  # fmt: skip
    assert r.status == RequestStatus.REPLIED and r.replied_on_time is True


def test_a_late_reply_is_recorded_as_late(world):
    r = act(request(world), "reply", world.clerk_a, reply_type="granted", content="见附件",
            date="2024-04-30")  # fmt: skip
    assert r.replied_on_time is False


def test_awaiting_correction_only_the_no_correction_handling(world):
    r = request(world)
    r = act(r, "correct", world.clerk_a, date="2024-04-03", items="文号", limit="2024-04-20")
    with pytest.raises(TransitionNotAllowed, match="逾期不补正"):
        act(r, "reply", world.clerk_a, reply_type="granted", content="x")
    r = act(r, "reply", world.clerk_a, reply_type="other", reason="no_correction")
    assert r.status == RequestStatus.REPLIED and r.reply_reason == "no_correction"


def test_overdue_requests_are_reminded_and_listed(world, client_for):
    late = request(world, received=D(2024, 4, 1))
    request(world, received=D(2024, 6, 18))  # due in July: not yet
    items = reminders.collect(D(2024, 6, 20), overdue_only=True)
    mine = [i for i in items if i.kind == "政务公开"]
    assert [i.url for i in mine] == [f"/openness/requests/{late.pk}/"]
    c = client_for(world.clerk_a)
    body = c.get("/openness/requests/?overdue=1").content.decode()
    assert f"/openness/requests/{late.pk}/" in body and "共 1 " in body
    assert late.number in c.get("/openness/").content.decode()


def test_a_reply_may_be_linked_to_a_reconsideration_of_its_township(world):
    from fazhi.enforcement import services as enforcement
    from fazhi.openness import services

    raw = {"case_no": "复1号", "applicant": "王小五", "act": "信息公开答复",
           "organ": "县政府", "received_on": "2024-05-10"}  # fmt: skip
    rec = enforcement.create_reconsideration(unit=world.township_a, actor=world.admin_a, raw=raw)
    other = enforcement.create_reconsideration(unit=world.township_b, actor=world.clerk_b, raw=raw)
    r = request(world)
    fields = dict(applicant_kind="person", applicant_name="王小五", content=r.content,
                  channel="in_person")  # fmt: skip
    with pytest.raises(InvalidInput, match="尚未答复"):
        services.update_request(r, actor=world.clerk_a, reconsideration_id=rec.pk, **fields)
    r = act(r, "reply", world.clerk_a, reply_type="granted", content="x", date="2024-04-20")
    with pytest.raises(InvalidInput, match="找不到甲镇的行政复议"):
        services.update_request(r, actor=world.clerk_a, reconsideration_id=other.pk, **fields)
    r = services.update_request(r, actor=world.clerk_a, reconsideration_id=rec.pk, **fields)
    assert r.reconsideration == rec
