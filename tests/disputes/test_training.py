"""人民调解员培训: the rules, the Excel import (aliases, row numbers, one transaction,
idempotent), the API, the CLI, the indicators and the mediation point's sentence."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

import fazhi.disputes.report as dreport  # registers the contribution and its indicators
from fazhi.core.errors import InvalidInput
from fazhi.disputes.models import MediationCommittee, MediatorTraining
from fazhi.disputes.services import training as services
from fazhi.disputes.training import TRAINING
from fazhi.indicators import registry
from fazhi.ledgers import importing
from fazhi.reports import voice
from fazhi.reports.contrib import Context
from tests.learning.helpers import xlsx

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
YEAR = TODAY.year


def _committees(world):
    t = MediationCommittee.objects.create(
        unit=world.township_a, name="甲镇人民调解委员会", term_start=dt.date(YEAR, 1, 1),
        term_end=dt.date(YEAR + 3, 1, 1),
    )  # fmt: skip
    v = MediationCommittee.objects.create(
        unit=world.village_a, name="甲村人民调解委员会", term_start=dt.date(YEAR, 1, 1),
        term_end=dt.date(YEAR + 3, 1, 1),
    )  # fmt: skip
    return t, v


def _training(world, **kw):
    data = {
        "unit": world.township_a,
        "held_on": TODAY,
        "title": "人民调解员业务培训班",
        "hours": Decimal("6"),
        "trainees": 30,
    }
    data.update(kw)
    return services.create_training(actor=world.admin_a, **data)


# --------------------------------------------------------------------------- rules
def test_rules_give_a_clear_reason_and_save_nothing(world):
    cases = [
        ({"held_on": TODAY + dt.timedelta(days=1)}, "培训日期不能晚于今天"),
        ({"hours": Decimal("0")}, "培训学时应大于0且不超过200"),
        ({"hours": Decimal("-2")}, "培训学时应大于0且不超过200"),
        ({"hours": Decimal("200.5")}, "培训学时应大于0且不超过200"),
        ({"trainees": 0}, "培训人次应至少为1"),
        ({"title": "  "}, "请填写培训主题"),
        ({"unit": world.village_a}, "应登记在组织培训的县或乡镇"),
    ]
    for kw, message in cases:
        with pytest.raises(InvalidInput, match=message):
            _training(world, **kw)
    assert not MediatorTraining.objects.exists()
    t = _training(world, hours=Decimal("200"))
    assert t.hours == 200
    with pytest.raises(InvalidInput, match="已登记"):
        _training(world)
    assert MediatorTraining.objects.count() == 1


def test_committees_must_lie_in_the_unit_area(world):
    t_c, v_c = _committees(world)
    other = MediationCommittee.objects.create(
        unit=world.township_b, name="乙乡人民调解委员会", term_start=dt.date(YEAR, 1, 1),
        term_end=dt.date(YEAR + 3, 1, 1),
    )  # fmt: skip
    with pytest.raises(InvalidInput, match="参训调委会应为甲镇及其下属单位"):
        services.committees_in(world.township_a, [t_c.pk, other.pk])
    assert services.committees_named(world.township_a, "甲镇人民调解委员会、甲村") == [t_c, v_c]
    with pytest.raises(InvalidInput, match="没有“乙乡人民调解委员会”"):
        services.committees_named(world.township_a, "乙乡人民调解委员会")
    t = _training(world, committees=[t_c, v_c])
    assert set(t.committees.all()) == {t_c, v_c}


def test_a_sibling_township_may_not_register(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.create_training(
            unit=world.township_a, actor=world.clerk_b, held_on=TODAY, title="培训",
            hours=Decimal(2), trainees=5,
        )  # fmt: skip


# --------------------------------------------------------------------------- import
HEAD = ["日期", "主题", "主办", "学时", "参训人次", "调委会", "单位"]


def test_import_reads_aliases_reports_bad_rows_and_is_idempotent(world):
    _committees(world)
    rows = [
        [
            f"{YEAR}-03-15",
            "人民调解员业务培训班",
            "甲镇司法所",
            6,
            32,
            "甲镇人民调解委员会、甲村",
            "",
        ],
        [f"{YEAR}/06/20", "民法典专题培训", "县司法局", "3.5", 18, "", "甲镇"],
    ]
    bad_rows = [
        [f"{YEAR + 1}-01-01", "明年的培训", "", 2, 10, "", ""],  # row 4: in the future
        [f"{YEAR}-05-01", "学时为零", "", 0, 10, "", ""],  # row 5
        [f"{YEAR}-05-02", "人次为零", "", 2, 0, "", ""],  # row 6
        [f"{YEAR}-05-03", "外乡调委会", "", 2, 5, "乙乡人民调解委员会", ""],  # row 7
    ]
    if dt.date(YEAR, 6, 20) > TODAY:  # early in the year: keep the good rows in the past
        rows = [[r[0].replace(f"{YEAR}", f"{YEAR - 1}"), *r[1:]] for r in rows]
    bad = xlsx([HEAD, *rows, *bad_rows])
    result = importing.run(
        TRAINING, root=world.township_a, actor=world.admin_a, data=bad, filename="t.xlsx"
    )
    assert not result.ok
    assert sorted({e.row for e in result.errors}) == [4, 5, 6, 7]
    messages = " ".join(e.message for e in result.errors)
    assert "不能晚于今天" in messages and "培训学时应大于0" in messages
    assert "培训人次应至少为1" in messages and "乙乡人民调解委员会" in messages
    assert not MediatorTraining.objects.exists()  # one transaction: nothing half-written

    good = xlsx([HEAD, *rows])
    result = importing.run(
        TRAINING, root=world.township_a, actor=world.admin_a, data=good, filename="t.xlsx"
    )
    assert result.ok and result.created == 2, result.errors
    first = MediatorTraining.objects.get(title="人民调解员业务培训班")
    assert first.trainees == 32 and first.committees.count() == 2
    assert MediatorTraining.objects.get(title="民法典专题培训").hours == Decimal("3.5")
    again = importing.run(
        TRAINING, root=world.township_a, actor=world.admin_a, data=good, filename="t.xlsx"
    )
    assert again.ok and again.created == 0 and again.skipped == 2


# --------------------------------------------------------------------------- API
def test_api_list_detail_create_update_import(world, api_for, client_for):
    t_c, _v = _committees(world)
    api = api_for(world.admin_a)
    resp = api.post(
        "/disputes/trainings/",
        {"unit_id": world.township_a.pk, "held_on": TODAY.isoformat(), "title": "业务培训",
         "hours": "0", "trainees": 10},
    )  # fmt: skip
    assert resp.status_code == 400, resp.content
    assert resp.json()["error"]["code"] == "invalid_input"
    assert "培训学时" in resp.json()["error"]["message"]
    resp = api.post(
        "/disputes/trainings/",
        {"unit_id": world.township_a.pk, "held_on": TODAY.isoformat(), "title": "业务培训",
         "hours": "4", "trainees": 25, "committees": [t_c.pk]},
    )  # fmt: skip
    assert resp.status_code in (200, 201), resp.content
    pk = resp.json()["id"]
    resp = api.get("/disputes/trainings/", year=YEAR)
    assert resp.status_code == 200 and resp.json()["count"] == 1
    assert api.get("/disputes/trainings/", year=YEAR - 1).json()["count"] == 0
    resp = api.get(f"/disputes/trainings/{pk}")
    assert resp.status_code == 200 and resp.json()["fields"]["trainees"] == 25
    resp = api_for(world.admin_a).c.patch(
        f"/api/v1/disputes/trainings/{pk}", {"trainees": 0}, content_type="application/json"
    )
    assert resp.status_code == 400 and "培训人次" in resp.json()["error"]["message"]
    resp = api_for(world.admin_a).c.patch(
        f"/api/v1/disputes/trainings/{pk}", {"trainees": 28}, content_type="application/json"
    )
    assert resp.status_code == 200 and resp.json()["fields"]["trainees"] == 28
    t = MediatorTraining.objects.get(pk=pk)
    assert t.hours == 4 and list(t.committees.all()) == [t_c]  # not given: kept
    # a sibling township sees none of it
    assert api_for(world.clerk_b).get(f"/disputes/trainings/{pk}").status_code == 404

    day = min(dt.date(YEAR, 1, 5), TODAY).isoformat()
    data = xlsx([HEAD, [day, "年初培训", "", 2, 9, "", ""]])
    c = client_for(world.admin_a)
    resp = c.post(
        "/api/v1/disputes/trainings/import",
        {"unit_id": world.township_a.pk, "file": SimpleUploadedFile("t.xlsx", data)},
    )
    assert resp.status_code == 200, resp.content
    assert resp.json()["created"] == 1


# --------------------------------------------------------------------------- pages
def test_pages_list_new_and_bad_input(world, client_for):
    c = client_for(world.admin_a)
    resp = c.post(
        "/disputes/trainings/new/",
        {"unit": world.township_a.pk, "held_on": (TODAY + dt.timedelta(days=3)).isoformat(),
         "title": "培训", "hours": "2", "trainees": "5"},
    )  # fmt: skip
    assert resp.status_code == 400 and "培训日期不能晚于今天" in resp.content.decode()
    assert not MediatorTraining.objects.exists()
    t = _training(world)
    resp = c.get(f"/disputes/trainings/?year={YEAR}")
    assert resp.status_code == 200 and "人民调解员业务培训班" in resp.content.decode()
    resp = c.get(f"/disputes/trainings/{t.pk}/")
    assert resp.status_code == 200 and "培训人次" in resp.content.decode()
    resp = c.get("/disputes/trainings/?format=xlsx")
    assert resp.status_code == 200


# --------------------------------------------------------------------------- CLI
def test_cli_create_list_export_and_bad_input(world, tmp_path):
    with pytest.raises(CommandError, match="培训人次应至少为1"):
        call_command(
            "disputes", "training", "create", "--as", "admin_a", "--unit", "甲镇",
            "--set", f"held_on={TODAY}", "--set", "title=培训", "--set", "hours=2",
            "--set", "trainees=0", stdout=io.StringIO(), stderr=io.StringIO(),
        )  # fmt: skip
    out = io.StringIO()
    call_command(
        "disputes", "training", "create", "--as", "admin_a", "--unit", "甲镇",
        "--set", f"held_on={TODAY}", "--set", "title=调解技巧培训", "--set", "hours=3",
        "--set", "trainees=21", stdout=out,
    )  # fmt: skip
    assert MediatorTraining.objects.get().trainees == 21
    out = io.StringIO()
    call_command("disputes", "training", "list", "--as", "admin_a", "--year", str(YEAR), stdout=out)
    assert "调解技巧培训" in out.getvalue()
    path = tmp_path / "t.xlsx"
    call_command(
        "disputes", "training", "export", "--as", "admin_a", "-o", str(path), stdout=io.StringIO()
    )
    assert path.stat().st_size > 0
    data = xlsx([HEAD, [TODAY.isoformat(), "CLI导入培训", "", 2, 7, "", ""]])
    src = tmp_path / "in.xlsx"
    src.write_bytes(data)
    call_command(
        "disputes", "training", "import", str(src), "--as", "admin_a", "--unit", "甲镇",
        stdout=io.StringIO(),
    )  # fmt: skip
    assert MediatorTraining.objects.filter(title="CLI导入培训").exists()


# --------------------------------------------------------------------------- indicators, report
def _ctx(unit, year) -> Context:
    return Context(unit, year, registry.compute(unit, year, fresh=True), voice.for_unit(unit))


def _rendered(ctx, text):
    def fig(m):
        return registry.format_value(registry.get(m.group(1)), ctx.values[m.group(1)])

    return re.sub(r"\{\{([\w.]+)\}\}", fig, text)


def _mediation(ctx):
    return next((p for p in dreport.points(ctx) if p.key == "disputes.committees"), None)


def test_indicators_and_the_report_sentence(world):
    _committees(world)
    ctx = _ctx(world.township_a, YEAR)
    assert ctx.values["mediation.trainings"].value == 0
    point = _mediation(ctx)
    assert point is not None and "培训" not in point.text  # nothing held: nothing said
    _training(world, trainees=30)
    _training(world, title="民法典专题培训", trainees=16, held_on=min(dt.date(YEAR, 1, 2), TODAY))
    _training(world, title="去年的培训", held_on=dt.date(YEAR - 1, 6, 1))  # another year
    ctx = _ctx(world.township_a, YEAR)
    assert ctx.values["mediation.trainings"].value == 2
    assert ctx.values["mediation.trained"].value == 46
    text = _rendered(ctx, _mediation(ctx).text)
    assert "组织人民调解员业务培训2期，培训调解员46人次。" in text
    # the county's figure counts its townships' trainings
    assert _ctx(world.county, YEAR).values["mediation.trained"].value == 46
    assert _ctx(world.township_b, YEAR).values["mediation.trainings"].value == 0
