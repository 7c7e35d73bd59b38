"""Honours and assessments: the honour's procedure, the model-village ledger kept in step,
bad input on every surface (UI, API, CLI, Excel), and the annual report's sentences."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

import fazhi.honours.report as hreport  # registers the contribution and its indicators
from fazhi.core.errors import InvalidInput, TransitionNotAllowed
from fazhi.core.models import TransitionRecord
from fazhi.honours import services
from fazhi.honours.ledgers import ASSESSMENT, HONOUR
from fazhi.honours.models import Assessment, Honour, HonourStatus
from fazhi.indicators import registry
from fazhi.ledgers import fields as flow
from fazhi.ledgers import importing
from fazhi.publicity import services as publicity
from fazhi.publicity.models import ModelVillage
from fazhi.reports import voice
from fazhi.reports.contrib import Context
from tests.learning.helpers import xlsx

pytestmark = pytest.mark.django_db
THIS_YEAR = dt.date.today().year


def _honour(world, **kw):
    data = {"kind": "gold_room", "level": "city", "year": THIS_YEAR, "unit": world.village_a}
    data.update(kw)
    unit = data.pop("unit")
    return services.create_honour(unit=unit, actor=world.admin_a, **data)


def _act(world, h, action, **raw):
    return flow.perform(HONOUR.procedure, HONOUR.actions, h, action, user=world.admin_a, raw=raw)


# --------------------------------------------------------------------------- procedure
def test_award_needs_the_naming_document_and_sets_the_year(world):
    h = _honour(world, year=THIS_YEAR - 1, applied_on=dt.date(THIS_YEAR - 1, 5, 1))
    assert h.status == HonourStatus.APPLYING
    with pytest.raises(TransitionNotAllowed, match="命名文号"):
        _act(world, h, "award")
    h.refresh_from_db()
    assert h.status == HonourStatus.APPLYING
    with pytest.raises(TransitionNotAllowed, match="不能早于申报日期"):
        _act(world, h, "award", document_no="市司发〔1〕1号", awarded_on=f"{THIS_YEAR - 2}-01-01")
    h = _act(world, h, "award", document_no="市司发〔2026〕8号", awarded_on=f"{THIS_YEAR}-01-10")
    assert (h.status, h.year, h.document_no) == ("awarded", THIS_YEAR, "市司发〔2026〕8号")
    assert TransitionRecord.objects.filter(object_id=str(h.pk), action="award").exists()


def test_review_then_keep_or_revoke_and_out_of_order_steps_refused(world):
    h = _honour(world, status="awarded", document_no="X〔2025〕1号")
    with pytest.raises(TransitionNotAllowed, match="当前状态为“已获评”"):
        _act(world, h, "confirm")
    h = _act(world, h, "review")
    assert h.status == "reviewing"
    h = _act(world, h, "confirm", reviewed_on=f"{THIS_YEAR}-02-01")
    assert h.status == "awarded" and h.reviewed_on == dt.date(THIS_YEAR, 2, 1)
    h = _act(world, h, "review")
    with pytest.raises(TransitionNotAllowed, match="请填写原因"):
        _act(world, h, "revoke")
    h = _act(world, h, "revoke", reason="复核不合格")
    assert h.status == "revoked" and h.reason == "复核不合格"


def test_not_awarded_needs_a_reason_and_a_sibling_may_not_step(world):
    h = _honour(world)
    with pytest.raises(TransitionNotAllowed):
        _act(world, h, "not_awarded")
    from django.core.exceptions import PermissionDenied

    with pytest.raises((PermissionDenied, TransitionNotAllowed)):
        flow.perform(
            HONOUR.procedure, HONOUR.actions, h, "not_awarded", user=world.clerk_b,
            raw={"reason": "x"},
        )  # fmt: skip
    h.refresh_from_db()
    assert h.status == "applying"


def test_create_rules(world):
    with pytest.raises(InvalidInput, match="个人称号"):
        _honour(world, kind="model_mediator")
    with pytest.raises(InvalidInput, match="应登记在村"):
        _honour(world, kind="model_village", unit=world.township_a)
    with pytest.raises(InvalidInput, match="申报中"):
        _honour(world, status="reviewing")
    with pytest.raises(InvalidInput, match="称号名称"):
        _honour(world, kind="other")
    with pytest.raises(InvalidInput, match="年度"):
        _honour(world, year=1800)
    person = _honour(world, kind="model_mediator", level="county", holder_name="陈秀英")
    assert person.title == "县级模范调解员"
    own = _honour(world, kind="rule_of_law_township", unit=world.township_a)
    assert own.title == "市级法治乡镇"
    with pytest.raises(InvalidInput, match="已登记"):
        _honour(world, kind="rule_of_law_township", unit=world.township_a)
    assert Honour.objects.count() == 2


# --------------------------------------------------------------------------- model villages
def test_a_model_village_title_is_an_honour_kept_in_step(world):
    mv = publicity.create_model_village(
        unit=world.village_a, actor=world.admin_a, level="city", year=THIS_YEAR - 1,
        awarded_by="市司法局", document_no="市司发〔2025〕3号",
    )  # fmt: skip
    h = mv.honour
    assert (h.kind, h.level, h.status, h.title, h.kept_by) == (
        "model_village", "city", "awarded", "市级民主法治示范村", "publicity.model",
    )  # fmt: skip
    publicity.update_model_village(mv, actor=world.admin_a, level="provincial")
    h.refresh_from_db()
    assert (h.level, h.title, Honour.objects.count()) == ("provincial", "省级民主法治示范村", 1)
    with pytest.raises(InvalidInput, match="民主法治示范村\\(社区\\)”台账"):
        services.update_honour(h, actor=world.admin_a, level="county")
    h = services.update_honour(h, actor=world.admin_a, notes="挂牌")
    assert h.notes == "挂牌"
    h = _act(world, h, "review")
    with pytest.raises(TransitionNotAllowed, match="在该台账处理"):
        _act(world, h, "revoke", reason="x")


def test_a_model_village_won_in_the_honours_ledger_is_recorded_in_publicity(world):
    h = _honour(world, kind="model_village", level="county", year=THIS_YEAR - 1)
    assert not ModelVillage.objects.exists()  # sought, not yet won
    h = _act(world, h, "award", document_no="县司发〔2026〕2号", awarded_by="县司法局")
    mv = ModelVillage.objects.get()
    assert (mv.unit, mv.level, mv.year, mv.honour_id) == (world.village_a, "county", h.year, h.pk)
    # the village already holds a county title (recorded in publicity): the step is undone
    other = _honour(world, kind="model_village", level="county", year=THIS_YEAR - 2)
    with pytest.raises(InvalidInput, match="已有县级民主法治示范称号"):
        _act(world, other, "award", document_no="县司发〔2024〕1号")
    other.refresh_from_db()
    assert other.status == "applying" and ModelVillage.objects.count() == 1
    direct = _honour(world, kind="model_village", level="city", status="awarded")
    assert ModelVillage.objects.get(level="city").honour_id == direct.pk


# --------------------------------------------------------------------------- assessments
def test_assessment_rules(world):
    def make(**kw):
        data = {"kind": "rule_of_law", "year": THIS_YEAR - 1, "assessed_by": "县法治办"}
        data.update(kw)
        return services.create_assessment(unit=world.township_a, actor=world.admin_a, **data)

    with pytest.raises(InvalidInput, match="至少填写"):
        make()
    with pytest.raises(InvalidInput, match="不能超过参评单位数"):
        make(rank=13, among=12)
    with pytest.raises(InvalidInput, match="不能高于满分"):
        make(score=Decimal("101"))
    with pytest.raises(InvalidInput, match="同时填写名次"):
        make(among=12, grade="excellent")
    with pytest.raises(InvalidInput, match="不能晚于今年"):
        make(year=THIS_YEAR + 1, rank=1)
    a = make(rank=3, among=12, score=Decimal("92.5"), grade="excellent")
    assert a.name == f"{THIS_YEAR - 1}年度法治建设考核"
    with pytest.raises(InvalidInput, match="已登记"):
        make(rank=1)
    a = services.update_assessment(a, actor=world.admin_a, score=None)
    assert a.score is None and Assessment.objects.count() == 1


# --------------------------------------------------------------------------- surfaces
def test_bad_input_on_the_page_the_api_and_the_cli(world, client_for, api_for):
    c = client_for(world.admin_a)
    resp = c.post(
        "/honours/assessments/new/",
        {"unit": world.township_a.pk, "kind": "rule_of_law", "year": THIS_YEAR - 1,
         "assessed_by": "县法治办", "rank": "5", "among": "4"},
    )  # fmt: skip
    assert resp.status_code == 400  # the form again, with the reason
    assert "不能超过参评单位数" in resp.content.decode()
    resp = c.post(
        "/honours/honours/new/",
        {"unit": world.township_a.pk, "kind": "gold_room", "level": "宇宙级", "year": "2025"},
    )
    assert resp.status_code == 400 and "不是有效选项" in resp.content.decode()
    assert not Assessment.objects.exists() and not Honour.objects.exists()

    api = api_for(world.admin_a)
    resp = api.post(
        "/honours/assessments/",
        {"unit_id": world.township_a.pk, "kind": "rule_of_law", "year": THIS_YEAR - 1,
         "assessed_by": "县法治办", "score": "120"},
    )  # fmt: skip
    assert resp.status_code == 400, resp.content
    assert resp.json()["error"]["code"] == "invalid_input"
    assert "满分" in resp.json()["error"]["message"]
    h = _honour(world)
    resp = api.post(f"/honours/honours/{h.pk}/actions/award", {})
    assert resp.status_code == 409 and "命名文号" in str(resp.json())
    resp = api.post(
        f"/honours/honours/{h.pk}/actions/award", {"data": {"document_no": "市司发〔2026〕1号"}}
    )
    assert resp.status_code == 200 and resp.json()["status"] == "awarded"

    with pytest.raises(CommandError):
        call_command(
            "honours", "honour", "create", "--as", "admin_a", "--unit", "甲村",
            "--set", "kind=gold_room", "--set", "level=省", "--set", f"year={THIS_YEAR}",
            stdout=io.StringIO(), stderr=io.StringIO(),
        )  # fmt: skip
    out = io.StringIO()
    call_command(
        "honours", "honour", "create", "--as", "admin_a", "--unit", "甲村",
        "--set", "kind=金牌调解室", "--set", "level=省级", "--set", f"year={THIS_YEAR}",
        stdout=out,
    )  # fmt: skip
    assert Honour.objects.filter(level="provincial", title="省级金牌调解室").exists()


def test_excel_import_reads_aliases_and_a_bad_row_saves_nothing(world):
    head = ["荣誉称号", "类别", "级别", "获评年度", "授予单位", "命名文号", "状态", "姓名", "单位"]
    rows = [
        [
            "",
            "民主法治示范村",
            "全国",
            2024,
            "司法部、民政部",
            "司发〔2024〕5号",
            "已获评",
            "",
            "甲村",
        ],
        ["", "模范调解员", "县", 2025, "县司法局", "", "申报中", "陈秀英", "甲村"],
        ["全县平安建设先进集体", "先进集体", "县级", 2025, "县委", "县委发〔2025〕1号", "", "", ""],
    ]
    bad = xlsx([head, *rows, ["", "金牌调解室", "宇宙级", 2025, "", "", "", "", ""]])
    result = importing.run(
        HONOUR, root=world.township_a, actor=world.admin_a, data=bad, filename="h.xlsx"
    )
    assert not result.ok and [e.row for e in result.errors] == [5]
    assert not Honour.objects.exists() and not ModelVillage.objects.exists()
    good = xlsx([head, *rows])
    result = importing.run(
        HONOUR, root=world.township_a, actor=world.admin_a, data=good, filename="h.xlsx"
    )
    assert result.ok and result.created == 3
    assert Honour.objects.get(kind="model_village").title == "全国民主法治示范村"
    assert ModelVillage.objects.get().level == "national"  # kept in step
    assert Honour.objects.get(kind="model_mediator").status == "applying"
    again = importing.run(
        HONOUR, root=world.township_a, actor=world.admin_a, data=good, filename="h.xlsx"
    )
    assert again.ok and again.created == 0 and again.skipped == 3

    data = xlsx(
        [["考核类别", "年度", "考核单位", "得分", "等次", "排名"],
         ["法治建设考核", THIS_YEAR - 1, "县法治办", "92.5", "优秀", "第3名/12"]]
    )  # fmt: skip
    result = importing.run(
        ASSESSMENT, root=world.township_a, actor=world.admin_a, data=data, filename="a.xlsx"
    )
    assert result.ok, result.errors
    a = Assessment.objects.get()
    assert (a.rank, a.among, a.grade, a.score) == (3, 12, "excellent", Decimal("92.5"))


# --------------------------------------------------------------------------- report
def _ctx(unit, year) -> Context:
    return Context(unit, year, registry.compute(unit, year, fresh=True), voice.for_unit(unit))


def _rendered(ctx, text):
    def fig(m):
        return registry.format_value(registry.get(m.group(1)), ctx.values[m.group(1)])

    return re.sub(r"\{\{([\w.]+)\}\}", fig, text)


def test_report_states_what_the_records_show(world):
    year = THIS_YEAR
    ctx = _ctx(world.township_a, year)
    assert hreport.points(ctx) == []  # nothing recorded: nothing said
    assert ctx.values["assessment.rule_of_law_rank"].status == "na"
    _honour(world, document_no="市司发〔1〕1号", status="awarded", holder_name="人民调解委员会")
    _honour(world, kind="model_mediator", level="county", holder_name="陈秀英", status="awarded")
    _honour(world, kind="rule_of_law_township", unit=world.township_a, status="awarded",
            awarded_by="市法治办")  # fmt: skip
    _honour(world, kind="advanced_collective", title="全县先进集体", level="county")  # sought
    _honour(world, level="provincial", status="awarded", year=year - 1)  # another year
    publicity.create_model_village(
        unit=world.village_a, actor=world.admin_a, level="county", year=year
    )  # an honour too
    services.create_assessment(
        unit=world.township_a, actor=world.admin_a, kind="rule_of_law", year=year - 1,
        name=f"{year - 1}年度全县法治建设考核", assessed_by="县法治办", rank=3, among=12,
        score=Decimal("92.5"), grade="excellent",
    )  # fmt: skip
    ctx = _ctx(world.township_a, year)
    (point,) = hreport.points(ctx)
    text = _rendered(ctx, point.text)
    assert text.startswith(
        f"在{year - 1}年度全县法治建设考核中位列第3名（共12个乡镇），得分92.5分，考核等次为优秀。"
    )
    assert (
        f"{year}年，全镇获评各级荣誉4项：我镇被市法治办命名为“市级法治乡镇”，"
        "另获评市级金牌调解室1个（甲村人民调解委员会）、县级模范调解员1名、"
        "县级民主法治示范村1个（甲村）；正在申报各级荣誉称号1项。"
    ) in text
    assert "陈秀英" not in text  # a person is counted, never named
    assert ctx.values["honours.won_city"].value == 2
    assert ctx.values["assessment.rule_of_law_rank"].value == 3


def test_report_names_the_holder_when_the_unit_holds_no_title_itself(world):
    b = world.township_b
    services.create_honour(
        unit=b, actor=world.clerk_b, kind="gold_room", level="city", year=THIS_YEAR,
        status="awarded", holder_name="“老街坊”调解室", document_no="市司发〔1〕2号",
    )  # fmt: skip
    ctx = _ctx(b, THIS_YEAR)
    (point,) = hreport.points(ctx)
    assert point.lead == "推进法治示范创建"
    assert _rendered(ctx, point.text) == (
        f"{THIS_YEAR}年，全乡获评各级荣誉1项：市级金牌调解室1个（“老街坊”调解室）。"
    )
