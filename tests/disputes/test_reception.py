"""领导接访下访 and 司法救助: the rules with their Chinese reasons, the Excel import, the
API, the CLI, the masked ID number, the indicators, the petitions point's sentences and
section three's acts (a petition linked to a reception is counted once)."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

import fazhi.disputes.report as dreport  # registers the contribution and its indicators
from fazhi.core.errors import InvalidInput
from fazhi.disputes.assistance import ASSISTANCE
from fazhi.disputes.models import JudicialAssistance, LeaderReception, Petition
from fazhi.disputes.reception import RECEPTION
from fazhi.disputes.services import assistance as sa
from fazhi.disputes.services import reception as sr
from fazhi.indicators import registry
from fazhi.ledgers import importing
from fazhi.reports import voice
from fazhi.reports.contrib import Context
from tests.learning.helpers import xlsx

from .helpers import ID_A, petition

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
YEAR = TODAY.year
DAY = min(dt.date(YEAR, 1, 5), TODAY)


def _ctx(unit, year=YEAR) -> Context:
    return Context(unit, year, registry.compute(unit, year, fresh=True), voice.for_unit(unit))


def _rendered(ctx, text):
    def fig(m):
        return registry.format_value(registry.get(m.group(1)), ctx.values[m.group(1)])

    return re.sub(r"\{\{([\w.]+)\}\}", fig, text)


def _petitions_text(ctx) -> str:
    p = next((p for p in dreport.points(ctx) if p.key == "petitions"), None)
    return _rendered(ctx, p.text) if p else ""


def _reception(world, **kw):
    data = {
        "unit": world.township_a,
        "received_on": DAY,
        "leader_name": "刘某",
        "leader_post": "党委书记",
        "place": "镇信访接待室",
        "matters": "反映征地补偿款未足额发放",
        "people": 5,
    }
    data.update(kw)
    return sr.create_reception(actor=world.admin_a, **data)


def _assistance(world, **kw):
    data = {
        "unit": world.township_a,
        "granted_on": DAY,
        "case": "（2026）甲民初12号",
        "recipient": "王五",
        "id_number": ID_A,
        "amount": Decimal("20000"),
        "approver": "甲县人民法院",
    }
    data.update(kw)
    return sa.create_assistance(actor=world.admin_a, **data)


# --------------------------------------------------------------------------- rules
def test_reception_rules_give_a_clear_reason(world):
    cases = [
        ({"received_on": TODAY + dt.timedelta(days=1)}, "接访日期不能晚于今天"),
        ({"people": 0}, "接待群众人数应至少为1"),
        ({"place": " "}, "请填写地点"),
        ({"leader_name": ""}, "请填写接访领导"),
        ({"kind": "phone"}, "接访方式应为接访、下访或约访"),
        ({"unit": world.village_a}, "应登记在县或乡镇"),
    ]
    for kw, message in cases:
        with pytest.raises(InvalidInput, match=message):
            _reception(world, **kw)
    assert not LeaderReception.objects.exists()
    other = petition(world)
    with pytest.raises(InvalidInput, match="关联信访件应为"):
        sr.petitions_in(world.township_b, [other.pk])
    r = _reception(world, petitions=[other])
    assert list(r.petitions.all()) == [other]


def test_assistance_amount_and_id_rules(world):
    for amount, message in (
        (Decimal("-1"), "救助金额不能为负数"),
        ("abc", "救助金额应为数字"),
        ("1.234", "最多保留两位小数"),
        ("", "请填写救助金额"),
    ):
        with pytest.raises(InvalidInput, match=message):
            _assistance(world, amount=amount)
    with pytest.raises(InvalidInput, match="身份证号码无效"):
        _assistance(world, id_number="123")
    with pytest.raises(InvalidInput, match="请填写案件"):
        _assistance(world, case="")
    assert not JudicialAssistance.objects.exists()
    assert _assistance(world, amount="1,200元").amount == Decimal("1200")
    p = petition(world)
    a = _assistance(world, case="", petition=p, amount=Decimal("0"))
    assert a.case == p.number and a.amount == 0
    stored = JudicialAssistance.objects.values_list("id_number", flat=True).get(pk=a.pk)
    assert a.id_number == ID_A and stored  # decrypted on read


# --------------------------------------------------------------------------- surfaces
def test_api_create_patch_and_masked_id(world, api_for):
    api = api_for(world.admin_a)
    body = {
        "unit_id": world.township_a.pk,
        "granted_on": DAY.isoformat(),
        "case": "（2026）甲民初1号",
        "recipient": "赵六",
        "id_number": ID_A,
        "amount": "-5",
        "approver": "甲县人民法院",
    }
    resp = api.post("/disputes/assistance/", body)
    assert resp.status_code == 400 and "救助金额不能为负数" in resp.json()["error"]["message"]
    resp = api.post("/disputes/assistance/", {**body, "amount": "8000"})
    assert resp.status_code in (200, 201), resp.content
    pk = resp.json()["id"]
    fields = api.get(f"/disputes/assistance/{pk}").json()["fields"]
    assert fields["id_number"] != ID_A and "*" in fields["id_number"]
    resp = api.c.patch(
        f"/api/v1/disputes/assistance/{pk}",
        {"amount": "9000.5", "id_number": fields["id_number"]},
        content_type="application/json",
    )
    assert resp.status_code == 200, resp.content
    a = JudicialAssistance.objects.get(pk=pk)
    assert a.amount == Decimal("9000.50") and a.id_number == ID_A  # the masked value kept

    p = petition(world)
    body = {
        "unit_id": world.township_a.pk,
        "received_on": DAY.isoformat(),
        "leader_name": "陈某",
        "leader_post": "镇长",
        "kind": "visit",
        "place": "甲村村委会",
        "matters": "反映饮水困难",
        "people": 0,
        "petitions": [p.pk],
    }
    resp = api.post("/disputes/receptions/", body)
    assert resp.status_code == 400 and "接待群众人数" in resp.json()["error"]["message"]
    resp = api.post("/disputes/receptions/", {**body, "people": 4})
    assert resp.status_code in (200, 201), resp.content
    pk = resp.json()["id"]
    resp = api.c.patch(
        f"/api/v1/disputes/receptions/{pk}",
        {"resolved": True, "outcome": "已协调供水"},
        content_type="application/json",
    )
    assert resp.status_code == 200, resp.content
    r = LeaderReception.objects.get(pk=pk)
    assert r.resolved and list(r.petitions.all()) == [p]
    assert api_for(world.clerk_b).get(f"/disputes/receptions/{pk}").status_code == 404


def test_pages_and_cli(world, client_for, tmp_path):
    c = client_for(world.admin_a)
    resp = c.post(
        "/disputes/assistance/new/",
        {"unit": world.township_a.pk, "granted_on": DAY.isoformat(), "case": "甲案",
         "recipient": "钱七", "amount": "-100", "approver": "县法院"},
    )  # fmt: skip
    assert resp.status_code == 400 and "救助金额不能为负数" in resp.content.decode()
    a = _assistance(world)
    page = c.get(f"/disputes/assistance/{a.pk}/").content.decode()
    assert "20,000.00" in page and ID_A not in page
    r = _reception(world)
    assert "镇信访接待室" in c.get(f"/disputes/receptions/{r.pk}/").content.decode()
    assert c.get("/disputes/receptions/?format=xlsx").status_code == 200
    with pytest.raises(CommandError, match="救助金额不能为负数"):
        call_command(
            "disputes", "assistance", "create", "--as", "admin_a", "--unit", "甲镇",
            "--set", f"granted_on={DAY}", "--set", "case=乙案", "--set", "recipient=孙八",
            "--set", "amount=-3", "--set", "approver=县法院",
            stdout=io.StringIO(), stderr=io.StringIO(),
        )  # fmt: skip
    call_command(
        "disputes", "reception", "create", "--as", "admin_a", "--unit", "甲镇",
        "--set", f"received_on={DAY}", "--set", "leader_name=陈某", "--set", "leader_post=镇长",
        "--set", "kind=appoint", "--set", "place=镇政府", "--set", "matters=反映道路破损",
        "--set", "people=2", stdout=io.StringIO(),
    )  # fmt: skip
    assert LeaderReception.objects.filter(kind="appoint").exists()
    out = io.StringIO()
    call_command(
        "disputes", "reception", "list", "--as", "admin_a", "--year", str(YEAR), stdout=out
    )
    assert "镇政府" in out.getvalue()


def test_imports_report_bad_rows_and_are_idempotent(world):
    p = petition(world)
    head = [
        "日期",
        "领导姓名",
        "职务",
        "方式",
        "接访地点",
        "反映问题",
        "人数",
        "信访件编号",
        "是否解决",
    ]
    good = [DAY.isoformat(), "刘某", "党委书记", "下访", "甲村", "反映饮水困难", 3, p.number, "是"]
    bad = [
        [DAY.isoformat(), "刘某", "党委书记", "电话", "甲村", "x", 3, "", ""],  # row 3
        [DAY.isoformat(), "刘某", "党委书记", "接访", "镇", "x", 0, "", ""],  # row 4
        [DAY.isoformat(), "刘某", "党委书记", "接访", "镇", "x", 1, "XF-none", ""],  # row 5
    ]
    result = importing.run(
        RECEPTION, root=world.township_a, actor=world.admin_a, data=xlsx([head, good, *bad]),
        filename="r.xlsx",
    )  # fmt: skip
    assert not result.ok and sorted({e.row for e in result.errors}) == [3, 4, 5]
    assert not LeaderReception.objects.exists()
    for created in (1, 0):
        result = importing.run(
            RECEPTION, root=world.township_a, actor=world.admin_a, data=xlsx([head, good]),
            filename="r.xlsx",
        )  # fmt: skip
        assert result.ok and result.created == created, result.errors
    r = LeaderReception.objects.get()
    assert r.kind == "visit" and r.resolved and list(r.petitions.all()) == [p]

    head = ["救助日期", "案号", "关联案件编号", "姓名", "身份证号码", "金额", "决定机关"]
    rows = [
        [DAY.isoformat(), "", p.number, "王五", ID_A, "15000", "甲县人民法院"],
        [DAY.isoformat(), "乙案", "", "赵六", "", "-1", "甲县人民法院"],  # row 3
    ]
    result = importing.run(
        ASSISTANCE, root=world.township_a, actor=world.admin_a, data=xlsx([head, *rows]),
        filename="a.xlsx",
    )  # fmt: skip
    assert not result.ok and [e.row for e in result.errors] == [3]
    assert "救助金额不能为负数" in result.errors[0].message
    result = importing.run(
        ASSISTANCE, root=world.township_a, actor=world.admin_a, data=xlsx([head, rows[0]]),
        filename="a.xlsx",
    )  # fmt: skip
    assert result.ok and result.created == 1, result.errors
    a = JudicialAssistance.objects.get()
    assert a.petition == p and a.case == p.number and a.id_number == ID_A


# --------------------------------------------------------------------------- report
def test_indicators_sentences_and_acts_count_a_reception_once(world):
    p = petition(world, received_on=DAY, leader_name="刘某", leader_post="党委书记")
    ctx = _ctx(world.township_a)
    assert ctx.values["disputes.receptions"].value == 0
    assert ctx.values["petitions.leader_received"].value == 1
    text = _petitions_text(ctx)
    assert "党委书记带头接访下访1批次" in text and "司法救助" not in text
    assert len(dreport.head_acts(ctx)) == 1
    # the reception ledger holds that petition's reception, and two more
    _reception(world, petitions=[p], resolved=True)
    _reception(world, leader_name="陈某", leader_post="镇长", kind="visit", place="甲村",
               matters="反映饮水困难，要求接通自来水", people=3)  # fmt: skip
    _reception(world, received_on=dt.date(YEAR - 1, 6, 1))  # another year
    _assistance(world)
    _assistance(world, recipient="赵六", amount=Decimal("6000"), id_number="")
    ctx = _ctx(world.township_a)
    v = ctx.values
    assert v["disputes.receptions"].value == 2
    assert v["disputes.reception_leaders"].value == 2
    assert v["disputes.reception_people"].value == 8
    assert v["disputes.receptions_resolved"].value == 1
    assert v["petitions.leader_received"].value == 0  # the petition's is the reception's
    assert v["disputes.judicial_assistance"].value == 2
    assert v["disputes.judicial_assistance_amount"].value == Decimal("2.60")
    text = _petitions_text(ctx)
    assert (
        "党委书记和镇长带头接访下访2次，接待群众8人次，面对面听取群众诉求，"
        "协调解决群众反映问题1件。"
    ) in text
    assert "协调落实国家司法救助2人次，发放救助资金2.6万元。" in text
    assert "另在信访件办理中" not in text
    acts = dreport.head_acts(ctx)
    assert [(a.name, a.text) for a in acts] == [
        ("刘某", "在镇信访接待室接待5名群众，协调解决征地补偿款未足额发放问题"),
        ("陈某", "到甲村下访，就饮水困难问题听取群众诉求"),
    ]
    assert acts[0].sources[0].url.startswith("/disputes/receptions/")
    # a head's reception recorded on a petition alone is still stated, apart
    petition(world, received_on=DAY, matter="反映道路破损", leader_name="陈某", leader_post="镇长")
    ctx = _ctx(world.township_a)
    assert "另在信访件办理中接访1批次" in _petitions_text(ctx)
    assert len(dreport.head_acts(ctx)) == 3
    # the county counts its townships'
    county = _ctx(world.county).values
    assert county["disputes.receptions"].value == 2
    assert county["disputes.judicial_assistance_amount"].value == Decimal("2.60")
    assert Petition.objects.filter(receptions__isnull=False).count() == 1
