"""优秀调解案例: an honour of kind ``best_case`` that may name the dispute it is about (by the
disputes ledger's number, within the holder's line of units), on every surface, counted by
``honours.best_cases`` and named in the report from the records (parties anonymised)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

import fazhi.honours.report as hreport  # registers the contribution and its indicators
from fazhi.core.errors import InvalidInput
from fazhi.disputes.models import Dispute, MediationCommittee
from fazhi.honours import services
from fazhi.honours.ledgers import HONOUR
from fazhi.honours.models import Honour
from fazhi.indicators import registry
from fazhi.ledgers import importing
from fazhi.reports import voice
from fazhi.reports.contrib import Context
from tests.disputes.helpers import dispute
from tests.learning.helpers import xlsx

pytestmark = pytest.mark.django_db
YEAR = dt.date.today().year


def _case(world, **kw):
    data = {
        "unit": world.village_a,
        "kind": "best_case",
        "level": "city",
        "year": YEAR,
        "status": "awarded",
        "holder_name": "甲村人民调解委员会",
        "awarded_by": "市司法局",
    }
    data.update(kw)
    unit = data.pop("unit")
    return services.create_honour(unit=unit, actor=world.admin_a, **data)


def test_the_case_is_named_by_its_number_within_the_holders_line(world):
    d = dispute(world)
    h = _case(world, dispute_number=d.number)
    assert h.dispute == d and h.title == "市级优秀调解案例" and h.dispute_number == d.number
    with pytest.raises(InvalidInput, match="没有编号为“调0000-9999”的案件"):
        _case(world, dispute_number="调0000-9999", holder_name="另一个")
    # a sibling township's honour may not name 甲镇's case
    with pytest.raises(InvalidInput, match="没有编号为"):
        services.create_honour(
            unit=world.township_b, actor=world.clerk_b, kind="best_case", level="county",
            year=YEAR, status="awarded", dispute_number=d.number,
        )  # fmt: skip
    # only a best case names a case
    with pytest.raises(InvalidInput, match="只有“优秀调解案例”可关联调解案件"):
        _case(world, kind="gold_room", dispute_number=d.number, holder_name="调解室")
    # edit: cleared, set again
    h = services.update_honour(h, actor=world.admin_a, dispute_number="")
    assert h.dispute is None
    h = services.update_honour(h, actor=world.admin_a, dispute_number=d.number)
    assert h.dispute == d
    assert Honour.objects.count() == 1


def test_page_api_cli_and_import_take_the_case_number(world, client_for, api_for, tmp_path):
    d = dispute(world)
    c = client_for(world.admin_a)
    resp = c.post(
        "/honours/honours/new/",
        {"unit": world.village_a.pk, "kind": "best_case", "level": "city", "year": YEAR,
         "status": "awarded", "dispute_number": "不存在"},
    )  # fmt: skip
    assert resp.status_code == 400 and "调解案件编号" in resp.content.decode()
    assert not Honour.objects.exists()

    api = api_for(world.admin_a)
    resp = api.post(
        "/honours/honours/",
        {"unit_id": world.village_a.pk, "kind": "best_case", "level": "city", "year": YEAR,
         "status": "awarded", "dispute_number": d.number},
    )  # fmt: skip
    assert resp.status_code in (200, 201), resp.content
    h = Honour.objects.get()
    assert h.dispute == d and resp.json()["fields"]["dispute_id"] == d.pk
    resp = c.get(f"/honours/honours/{h.pk}/")
    assert resp.status_code == 200 and d.number in resp.content.decode()
    resp = c.get("/honours/honours/")
    assert d.number in resp.content.decode()
    h.delete()

    with pytest.raises(CommandError, match="调解案件编号"):
        call_command(
            "honours", "honour", "create", "--as", "admin_a", "--unit", "甲村",
            "--set", "kind=优秀调解案例", "--set", "level=市级", "--set", f"year={YEAR}",
            "--set", "dispute_number=调0-0", stdout=io.StringIO(), stderr=io.StringIO(),
        )  # fmt: skip
    assert not Honour.objects.exists()

    head = ["类别", "级别", "年度", "状态", "获评对象", "案件编号", "单位"]
    ok = ["优秀调解案例", "市级", YEAR, "已获评", "甲村人民调解委员会", d.number, "甲村"]
    bad = xlsx([head, ok, ["优秀调解案例", "县级", YEAR, "已获评", "", "调0-0", "甲村"]])
    result = importing.run(
        HONOUR, root=world.township_a, actor=world.admin_a, data=bad, filename="h.xlsx"
    )
    assert [e.row for e in result.errors] == [3] and "调0-0" in result.errors[0].message
    assert not Honour.objects.exists()
    result = importing.run(
        HONOUR, root=world.township_a, actor=world.admin_a, data=xlsx([head, ok]), filename="h.xlsx"
    )
    assert result.ok and Honour.objects.get().dispute == d


def _ctx(unit, year) -> Context:
    return Context(unit, year, registry.compute(unit, year, fresh=True), voice.for_unit(unit))


def _rendered(ctx, text):
    def fig(m):
        return registry.format_value(registry.get(m.group(1)), ctx.values[m.group(1)])

    return re.sub(r"\{\{([\w.]+)\}\}", fig, text)


def test_indicator_and_report_sentence(world):
    ctx = _ctx(world.township_a, YEAR)
    assert ctx.values["honours.best_cases"].value == 0
    assert hreport.points(ctx) == []
    _case(world, holder_name="甲村人民调解委员会")  # names no case: counted, not described
    ctx = _ctx(world.township_a, YEAR)
    (point,) = hreport.points(ctx)
    assert "调解的《" not in point.text
    d = dispute(world)
    committee = MediationCommittee.objects.create(
        unit=world.village_a, name="甲村人民调解委员会", term_start=dt.date(YEAR, 1, 1),
        term_end=dt.date(YEAR + 3, 1, 1),
    )  # fmt: skip
    Dispute.objects.filter(pk=d.pk).update(committee=committee)
    _case(world, level="county", dispute_number=d.number, holder_name="")
    _case(world, year=YEAR - 1, dispute_number=d.number, holder_name="去年")  # another year
    ctx = _ctx(world.township_a, YEAR)
    assert ctx.values["honours.best_cases"].value == 2
    text = _rendered(ctx, hreport.points(ctx)[0].text)
    assert "其中甲村人民调解委员会调解的《张某与李某宅基地纠纷》获评县级优秀调解案例" in text
    assert "张三" not in text and "李四" not in text  # parties anonymised
