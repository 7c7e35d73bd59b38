"""Reconsideration and litigation: reply deadlines across holidays, head's appearance, outcomes."""

from __future__ import annotations

import datetime as dt

import pytest

from fazhi.core.errors import InvalidInput, TransitionNotAllowed
from fazhi.enforcement import services

from .helpers import act

pytestmark = pytest.mark.django_db
RAW = {
    "case_no": "甲县复〔2024〕3号",
    "applicant": "王某",
    "act": "罚款决定",
    "organ": "甲县人民政府",
}


def refused(obj, action, user, match, **raw):
    with pytest.raises((TransitionNotAllowed, InvalidInput)) as exc:
        act(obj, action, user, **raw)
    assert match in exc.value.message, exc.value.message


def test_reconsideration_reply_10_days_rolls_past_national_day(world):
    r = services.create_reconsideration(
        unit=world.township_a, actor=world.clerk_a, raw={**RAW, "received_on": "2024-09-24"}
    )
    # 09-24 + 10 = 10-04 (holiday) → 10-08
    assert r.reply_due == dt.date(2024, 10, 8)
    refused(r, "conclude", world.clerk_a, "当前状态为", outcome="upheld", outcome_on="2024-11-01")
    r = act(r, "reply", world.clerk_a, replied_on="2024-10-08", evidence="处罚决定书、证据")
    assert r.replied_on_time is True
    r = act(r, "conclude", world.clerk_a, outcome="revoked", outcome_on="2024-11-20")
    assert r.corrected is True


def test_litigation_defence_15_days_and_head_appearance(world):
    lit = services.create_litigation(
        unit=world.township_a,
        actor=world.clerk_a,
        raw={
            **RAW,
            "case_no": "(2024)甲0101行初5号",
            "organ": "甲县人民法院",
            "received_on": "2024-01-30",
        },
    )
    # 01-30 + 15 = 02-14 (Spring Festival holiday 02-10..02-17) → 02-18 (调休 Sunday working)
    assert lit.reply_due == dt.date(2024, 2, 18)
    lit = act(lit, "reply", world.clerk_a, replied_on="2024-02-19", evidence="答辩状")
    assert lit.replied_on_time is False
    refused(
        lit,
        "conclude",
        world.clerk_a,
        "负责人出庭应诉",
        outcome="dismissed",
        outcome_on="2024-05-01",
    )
    refused(
        lit,
        "record_appearance",
        world.clerk_a,
        "须说明理由",
        hearing_on="2024-04-10",
        head_appeared="no",
    )
    lit = act(
        lit,
        "record_appearance",
        world.clerk_a,
        hearing_on="2024-04-10",
        head_appeared="yes",
        head_name="赵镇长",
    )
    lit = act(lit, "conclude", world.clerk_a, outcome="dismissed", outcome_on="2024-05-01")
    assert lit.lost is False


def test_reconsideration_has_no_court_appearance(world):
    r = services.create_reconsideration(
        unit=world.township_a, actor=world.clerk_a, raw={**RAW, "received_on": "2024-03-01"}
    )
    with pytest.raises(TransitionNotAllowed, match="未知的操作"):
        act(r, "record_appearance", world.clerk_a, hearing_on="2024-04-10", head_appeared="yes")
