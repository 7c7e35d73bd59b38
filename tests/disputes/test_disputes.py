"""Disputes and mediation: the procedure, its deadlines and its refusals."""

import datetime as dt

import pytest
import time_machine

from fazhi.core.errors import InvalidInput, TransitionNotAllowed
from fazhi.core.models import TransitionRecord
from fazhi.disputes.models import DisputeConfig, MediationCommittee
from fazhi.disputes.services import disputes as ds

from .helpers import dispute

pytestmark = pytest.mark.django_db


def agree_data(**kw):
    return {
        "agreement_form": "written",
        "agreement_text": "赔偿1000元",
        "parties_signed": True,
        "mediator_signed": True,
        "seal_recorded": True,
        "resolved_level": "village",
        **kw,
    }


@time_machine.travel(dt.datetime(2024, 9, 1, 10), tick=False)
def test_full_procedure_with_deadlines_across_national_day(world):
    d = dispute(world)
    assert d.status == "registered" and d.number == "调2024-0001" and d.unit == world.village_a
    d = ds.act(d, "assign", user=world.admin_a, data={"handler": world.mediator_a.pk})
    # One month from 2024-09-01 is 2024-10-01, a holiday: the period ends on 2024-10-08.
    assert d.status == "assigned" and d.mediation_due == dt.date(2024, 10, 8)
    assert d.due_date == d.mediation_due and d.handler == world.mediator_a
    d = ds.act(d, "session", user=world.mediator_a, data={"notes": "双方到场"})
    assert d.status == "mediating" and d.sessions.count() == 1
    d = ds.act(d, "agree", user=world.mediator_a, data=agree_data(agreement_on="2024-09-01"))
    assert d.status == "agreed" and d.outcome == "succeeded" and d.resolved_level == "village"
    # Follow-up 15 days after the agreement by default: 2024-09-16 falls in the Mid-Autumn
    # holiday (15–17 September), so the period ends on 2024-09-18.
    assert d.followup_due == dt.date(2024, 9, 18) and d.due_label == "回访期限"
    d = ds.act(
        d, "follow_up", user=world.mediator_a, data={"visited_on": "2024-09-01", "performed": True}
    )
    assert d.status == "closed" and d.closed_on == dt.date(2024, 9, 1)
    actions = list(
        TransitionRecord.objects.filter(object_id=str(d.pk)).values_list("action", flat=True)
    )
    assert actions == ["assign", "session", "agree", "follow_up"]


@time_machine.travel(dt.datetime(2024, 9, 2, 10), tick=False)
def test_follow_up_finding_non_performance_reopens(world):
    DisputeConfig.objects.create(unit=world.township_a, followup_days=7)
    d = dispute(world)
    d = ds.act(d, "assign", user=world.admin_a, data={"handler": world.mediator_a.pk})
    d = ds.act(d, "session", user=world.mediator_a, data={"notes": "x"})
    d = ds.act(
        d,
        "agree",
        user=world.mediator_a,
        data=agree_data(agreement_form="oral", parties_signed=False),
    )
    assert d.followup_due == dt.date(2024, 9, 9)  # the township's 7 days
    d = ds.act(d, "follow_up", user=world.mediator_a, data={"performed": False, "notes": "未付款"})
    assert d.status == "mediating" and d.outcome == "" and d.due_label == "调解期限"
    assert d.followups.get().performed is False


@time_machine.travel(dt.datetime(2024, 9, 2, 10), tick=False)
def test_written_agreement_needs_signatures_and_seal(world):
    d = dispute(world)
    d = ds.act(d, "assign", user=world.admin_a, data={"handler": world.mediator_a.pk})
    d = ds.act(d, "session", user=world.mediator_a, data={"notes": "x"})
    with pytest.raises(InvalidInput, match="签名"):
        ds.act(d, "agree", user=world.mediator_a, data=agree_data(seal_recorded=False))
    d.refresh_from_db()
    assert d.status == "mediating" and d.outcome == ""


@time_machine.travel(dt.datetime(2024, 9, 2, 10), tick=False)
def test_extension_only_when_both_parties_ask(world):
    d = dispute(world)
    d = ds.act(d, "assign", user=world.admin_a, data={"handler": world.mediator_a.pk})
    with pytest.raises(InvalidInput, match="双方当事人"):
        ds.act(d, "extend", user=world.mediator_a, data={"new_due": "2024-11-01"})
    d = ds.act(
        d,
        "extend",
        user=world.mediator_a,
        data={"new_due": "2024-11-01", "both_parties": True, "reason": "双方申请"},
    )
    assert d.extended and d.mediation_due == dt.date(2024, 11, 1) and d.due_date == d.mediation_due


def test_party_refusal_terminates_with_other_routes(world):
    d = dispute(world)
    d = ds.act(d, "assign", user=world.admin_a, data={"handler": world.mediator_a.pk})
    d = ds.act(d, "terminate", user=world.mediator_a, data={"reason": "refused"})
    assert d.status == "terminated" and d.outcome == "failed" and d.due_date is None
    with pytest.raises(TransitionNotAllowed, match="当前状态为“已终止调解”"):
        ds.act(d, "agree", user=world.mediator_a, data=agree_data())
    d = ds.act(d, "close", user=world.clerk_a)
    assert d.status == "closed"


def test_assignment_needs_supervise_and_a_handler_who_may_act(world):
    d = dispute(world)
    with pytest.raises(TransitionNotAllowed, match="无权交办"):
        ds.act(d, "assign", user=world.clerk_a, data={"handler": world.mediator_a.pk})
    with pytest.raises(InvalidInput, match="无权办理"):
        ds.act(d, "assign", user=world.admin_a, data={"handler": world.clerk_b.pk})
    d = ds.act(d, "assign", user=world.admin_a, data={"handler": world.clerk_a.pk})
    d = ds.act(d, "reassign", user=world.admin_a, data={"handler": world.mediator_a.pk})
    d = ds.act(d, "supervise", user=world.supervisor, data={"note": "请加快"})
    assert d.handler == world.mediator_a and d.supervised and d.supervision_note == "请加快"


def test_judicial_confirmation_within_30_days(world):
    with time_machine.travel(dt.datetime(2024, 9, 2, 10), tick=False):
        d = dispute(world)
        d = ds.act(d, "assign", user=world.admin_a, data={"handler": world.mediator_a.pk})
        d = ds.act(d, "session", user=world.mediator_a, data={"notes": "x"})
        with pytest.raises(TransitionNotAllowed, match="不能记录司法确认"):
            ds.act(
                d,
                "judicial_confirm",
                user=world.clerk_a,
                data={"applied_on": "2024-09-02", "court": "甲县法院"},
            )
        d = ds.act(d, "agree", user=world.mediator_a, data=agree_data(agreement_on="2024-09-02"))
    with time_machine.travel(dt.datetime(2024, 10, 20, 10), tick=False):
        # 30 days from 2024-09-02 is 2024-10-02 (holiday) -> 2024-10-08.
        with pytest.raises(InvalidInput, match="30日内"):
            ds.act(
                d,
                "judicial_confirm",
                user=world.clerk_a,
                data={"applied_on": "2024-10-09", "court": "甲县法院"},
            )
        d = ds.act(
            d,
            "judicial_confirm",
            user=world.clerk_a,
            data={"applied_on": "2024-10-08", "confirmed_on": "2024-10-15", "court": "甲县法院"},
        )
        assert d.judicial_confirmed_on == dt.date(2024, 10, 15)


def test_criminal_risk_prompts_a_recorded_police_report(world):
    plain = dispute(world)
    with pytest.raises(TransitionNotAllowed, match="未标记"):
        ds.act(plain, "report_police", user=world.clerk_a)
    risky = dispute(world, risk_criminal=True)
    risky = ds.act(risky, "report_police", user=world.clerk_a, data={"note": "派出所值班民警"})
    assert risky.police_reported_on is not None
    with pytest.raises(TransitionNotAllowed, match="已于"):
        ds.act(risky, "report_police", user=world.clerk_a)


def test_registration_validates_input(world):
    with pytest.raises(InvalidInput, match="身份证"):
        ds.register_dispute(
            actor=world.clerk_a,
            unit=world.township_a,
            data={"title": "x", "source": "visit", "category": "邻里"},
            parties=[{"name": "甲", "id_number": "110105194912310021"}],
        )
    with pytest.raises(InvalidInput, match="当事人"):
        ds.register_dispute(
            actor=world.clerk_a,
            unit=world.township_a,
            data={"title": "x", "source": "visit", "category": "邻里"},
            parties=[],
        )
    with pytest.raises(InvalidInput, match="类别"):
        ds.register_dispute(
            actor=world.clerk_a,
            unit=world.township_a,
            data={"title": "x", "source": "visit", "category": "不存在"},
            parties=[{"name": "甲"}],
        )
    with pytest.raises(InvalidInput, match="金额"):
        dispute(world, amount="-5")
    with pytest.raises(InvalidInput, match="村"):
        dispute(world, village=world.township_b.pk)


def test_edit_is_kept_in_history(world):
    d = dispute(world)
    d = ds.update_dispute(d, actor=world.clerk_a, data={"amount": "2500.5", "title": "新标题"})
    assert str(d.amount) == "2500.50" and d.history.count() == 2


def test_committee_warnings(world):
    import datetime as dt2

    c = ds.save_committee(
        actor=world.clerk_a,
        unit=world.village_a,
        data={"name": "甲村调委会", "term_start": "2020-01-01"},
        members=[{"name": "甲"}, {"name": "乙"}],
    )
    ws = c.warnings(dt2.date(2024, 1, 1))
    assert any("3至9人" in w for w in ws) and any("妇女" in w for w in ws)
    assert any("届满" in w for w in ws)  # 2020-01-01 + 3 years
    c = ds.save_committee(
        actor=world.clerk_a,
        unit=world.village_a,
        committee=c,
        data={"name": "甲村调委会", "term_start": "2023-06-01"},
        members=[{"name": "甲"}, {"name": "乙", "gender": "female"}, {"name": "丙"}],
    )
    assert c.warnings(dt2.date(2024, 1, 1)) == []
    assert MediationCommittee.objects.get().term_end == dt2.date(2026, 6, 1)


def test_oral_agreement_with_omitted_flags(world):
    d = dispute(world)
    d = ds.act(d, "assign", user=world.admin_a, data={"handler": world.mediator_a.pk})
    d = ds.act(d, "session", user=world.mediator_a, data={"notes": "x"})
    d = ds.act(
        d,
        "agree",
        user=world.mediator_a,
        data={"agreement_form": "oral", "agreement_text": "口头约定", "resolved_level": "township"},
    )
    assert d.status == "agreed" and not d.parties_signed and d.resolved_level == "township"
