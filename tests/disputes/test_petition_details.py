"""Petition details: 越级访 (``Petition.over_level``) through registration, the step, the
API, Excel, the list filter and the report's statement; 初信初访满意率."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

import fazhi.disputes.report as dreport  # registers the contribution and its indicators
from fazhi.core.errors import InvalidInput
from fazhi.disputes.models import Petition
from fazhi.disputes.services import petitions as ps
from fazhi.indicators import registry
from fazhi.reports import voice
from fazhi.reports.contrib import Context
from tests.learning.helpers import xlsx

from .helpers import petition

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
YEAR = TODAY.year


def _ctx(unit, year=YEAR) -> Context:
    return Context(unit, year, registry.compute(unit, year, fresh=True), voice.for_unit(unit))


def _rendered(ctx, text):
    def fig(m):
        return registry.format_value(registry.get(m.group(1)), ctx.values[m.group(1)])

    return re.sub(r"\{\{([\w.]+)\}\}", fig, text)


def _petitions_text(ctx) -> str:
    p = next((p for p in dreport.points(ctx) if p.key == "petitions"), None)
    return _rendered(ctx, p.text) if p else ""


# --------------------------------------------------------------------------- 越级访
def test_over_level_on_registration_step_and_bad_input(world):
    p = petition(world, over_level="province")
    assert p.over_level == "province" and p.get_over_level_display() == "到省"
    assert petition(world, matter="反映道路", over_level="到市").over_level == "city"
    assert petition(world, matter="反映路灯", over_level="否").over_level == ""
    with pytest.raises(InvalidInput, match="越级访应为到县、到市、到省、进京之一"):
        petition(world, matter="反映噪音", over_level="到乡")
    ps.act(p, "over_level", user=world.clerk_a, data={"over_level": "capital"})
    assert Petition.objects.get(pk=p.pk).over_level == "capital"
    ps.act(p, "over_level", user=world.clerk_a, data={"over_level": ""})
    assert Petition.objects.get(pk=p.pk).over_level == ""


def test_over_level_through_api_filter_export_and_import(world, api_for, client_for):
    api = api_for(world.clerk_a)
    body = {
        "unit_id": world.township_a.pk,
        "channel": "visit",
        "petition_type": "claim",
        "matter": "反映拖欠工资",
        "over_level": "city",
        "petitioners": [{"name": "赵六"}],
    }
    resp = api.post("/disputes/petitions", body)
    assert resp.status_code in (200, 201), resp.content
    pk = resp.json()["id"]
    assert api.get(f"/disputes/petitions/{pk}").json()["detail"]["over_level"] == "city"
    resp = api.post("/disputes/petitions", {**body, "matter": "x", "over_level": "乡里"})
    assert resp.status_code == 400 and "越级访" in resp.json()["error"]["message"]
    petition(world, matter="反映用水")  # none
    assert api.get("/disputes/petitions", over_level="1").json()["count"] == 1
    assert api.get("/disputes/petitions", level="city").json()["count"] == 1
    assert api.get("/disputes/petitions", level="capital").json()["count"] == 0
    c = client_for(world.clerk_a)
    page = c.get("/disputes/petitions/?over_level=1").content.decode()
    assert "反映拖欠工资" in page and "反映用水" not in page
    assert 'name="over_level"' in c.get("/disputes/petitions/new/").content.decode()
    resp = c.get("/disputes/petitions/export.xlsx")
    rows = list(load_workbook(io.BytesIO(resp.content)).active.values)
    header = next(r for r in rows if r and "越级访" in r)
    col = header.index("越级访")
    assert "到市" in [r[col] for r in rows]
    head = ["收到日期", "信访形式", "信访类型", "信访人", "信访事项", "越级上访"]
    day = TODAY.isoformat()
    bad = xlsx([head, [day, "来访", "申诉求决", "钱七", "反映宅基地", "到乡"]])
    resp = c.post(
        "/api/v1/disputes/petitions/import",
        {"unit_id": world.township_a.pk, "file": SimpleUploadedFile("p.xlsx", bad)},
    )
    assert resp.status_code == 400
    assert "越级访应为" in resp.json()["errors"][0]["message"]
    good = xlsx([head, [day, "来访", "申诉求决", "钱七", "反映宅基地", "进京"]])
    resp = c.post(
        "/api/v1/disputes/petitions/import",
        {"unit_id": world.township_a.pk, "file": SimpleUploadedFile("p.xlsx", good)},
    )
    assert resp.status_code == 200, resp.content
    assert Petition.objects.get(matter="反映宅基地").over_level == "capital"


def test_over_level_statement_only_from_the_records(world):
    # no petition ever: nothing said, the figure unavailable
    ctx = _ctx(world.township_a)
    assert not ctx.ok("disputes.petitions_over_level")
    assert "越级" not in _petitions_text(ctx)
    # a kept ledger with no petition this year: not applicable, no zero claimed
    petition(world, received_on=dt.date(YEAR - 1, 3, 1))
    ctx = _ctx(world.township_a)
    assert ctx.values["disputes.petitions_over_level"].status == registry.NA
    assert "越级" not in _petitions_text(ctx)
    # this year's petitions, none over levels: said
    p = petition(world, received_on=min(dt.date(YEAR, 1, 3), TODAY))
    ctx = _ctx(world.township_a)
    assert ctx.values["disputes.petitions_over_level"].value == 0
    assert "全年未发生集体访和越级访" in _petitions_text(ctx)
    # one to the city: the count, and none to the province or Beijing
    Petition.objects.filter(pk=p.pk).update(over_level="city")
    text = _petitions_text(_ctx(world.township_a))
    assert "发生越级访1件（到市），无到省进京越级访" in text and "未发生越级访" not in text
    # one to Beijing: named with its count
    Petition.objects.filter(pk=p.pk).update(over_level="capital")
    ctx = _ctx(world.township_a)
    assert ctx.values["disputes.petitions_over_level_capital"].value == 1
    text = _petitions_text(ctx)
    assert "发生越级访1件，其中进京1件" in text and "无到省进京" not in text
    # the county counts its townships'
    assert _ctx(world.county).values["disputes.petitions_over_level"].value == 1


def test_first_petition_satisfaction_rate(world):
    day = min(dt.date(YEAR, 1, 3), TODAY)
    ctx = _ctx(world.township_a)
    assert not ctx.ok("disputes.first_petition_satisfaction")
    a = petition(world, received_on=day)
    b = petition(world, received_on=day, matter="反映道路破损")
    c = petition(world, received_on=day, matter="反映路灯", first_petition=False)
    d = petition(world, received_on=day, matter="反映噪音")  # not rated: not counted
    assert d.first_petition
    Petition.objects.filter(pk=a.pk).update(satisfaction="satisfied")
    Petition.objects.filter(pk=b.pk).update(satisfaction="dissatisfied")
    Petition.objects.filter(pk=c.pk).update(satisfaction="satisfied")  # a repeat: not counted
    ctx = _ctx(world.township_a)
    v = ctx.values["disputes.first_petition_satisfaction"]
    assert (v.numerator, v.denominator, v.value) == (1, 2, 50)
    assert "初信初访满意率50%" in _petitions_text(ctx)


def test_over_level_through_the_cli(world):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    p = petition(world)
    call_command(
        "disputes", "petition", "act", str(p.pk), "over_level", "--as", "clerk_a",
        "--set", "over_level=province", stdout=io.StringIO(),
    )  # fmt: skip
    assert Petition.objects.get(pk=p.pk).over_level == "province"
    with pytest.raises(CommandError, match="越级访"):
        call_command(
            "disputes", "petition", "act", str(p.pk), "over_level", "--as", "clerk_a",
            "--set", "over_level=到乡", stdout=io.StringIO(), stderr=io.StringIO(),
        )  # fmt: skip
    assert Petition.objects.get(pk=p.pk).over_level == "province"
