"""The tables of the 政府信息公开工作年度报告, drafted from the records."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import call_command

from fazhi.openness import annual

from .helpers import act, request

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel("2024-06-20 10:00 +0800", tick=False):
        yield


def _rows(tables) -> dict:
    return {r["label"].strip("　"): r for r in tables["requests"]}


def test_table_three_reconciles_and_carries_over(world):
    carried = request(world, received=D(2023, 12, 20))  # open on 1 January 2024
    act(carried, "reply", world.clerk_a, reply_type="granted", content="x", date="2024-01-10")
    done = request(world, received=D(2023, 11, 1))  # answered in 2023: not carried
    act(done, "reply", world.clerk_a, reply_type="granted", content="x", date="2023-11-10")
    org = request(world, received=D(2024, 3, 1), applicant_kind="legal",
                  applicant_name="某某律师事务所", id_number="")  # fmt: skip
    act(org, "reply", world.clerk_a, reply_type="refused", reason="process", content="过程性信息",
        date="2024-03-20")  # fmt: skip
    request(world, received=D(2024, 6, 3))  # still in hand
    rows = _rows(annual.annual_tables(world.township_a, 2024))
    new = rows["一、本年新收政府信息公开申请数量"]
    assert new["cells"]["person"] == 1 and new["cells"]["legal"] == 1 and new["total"] == 2
    assert rows["二、上年结转政府信息公开申请数量"]["total"] == 1
    assert rows["三、本年度办理结果（一）予以公开"]["cells"]["person"] == 1
    assert rows["6.属于四类过程性信息"]["cells"]["legal"] == 1
    assert rows["三、本年度办理结果（三）不予公开"]["total"] == 1
    total = rows["三、本年度办理结果（七）总计"]["total"]
    left = rows["四、结转下年度继续办理"]["total"]
    assert (total, left) == (2, 1)
    assert new["total"] + 1 == total + left  # 第一项加第二项之和，等于第三项加第四项之和


def test_reconsideration_about_a_reply_is_counted(world):
    from fazhi.enforcement import services as enforcement
    from fazhi.openness import services

    r = request(world, received=D(2024, 3, 1))
    r = act(r, "reply", world.clerk_a, reply_type="partial", content="x", date="2024-03-10")
    raw = {"case_no": "复1号", "applicant": "王小五", "act": "信息公开答复", "organ": "县政府",
           "received_on": "2024-04-10"}  # fmt: skip
    rec = enforcement.create_reconsideration(unit=world.township_a, actor=world.admin_a, raw=raw)
    services.update_request(r, actor=world.clerk_a, applicant_kind="person",
                            applicant_name="王小五", content=r.content, channel="in_person",
                            reconsideration_id=rec.pk)  # fmt: skip
    c = annual.annual_tables(world.township_a, 2024)["challenges"]
    assert c["reconsideration"] == {
        "upheld": 0,
        "corrected": 0,
        "other": 0,
        "pending": 1,
        "total": 1,
    }
    out = io.StringIO()
    call_command("openness", "annual-report", world.township_a.code, "--year", "2024", "--json",
                 stdout=out)  # fmt: skip
    assert json.loads(out.getvalue())["challenges"]["reconsideration"]["total"] == 1
    out = io.StringIO()
    call_command("openness", "annual-report", world.township_a.code, "--year", "2024", stdout=out)
    assert "| 三、本年度办理结果（二）部分公开" in out.getvalue()
