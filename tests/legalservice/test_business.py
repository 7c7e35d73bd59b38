"""Legal services for business (issue 16 item 9): consultations classified by category
(商事, 涉企, 劳动, 婚姻家庭, 土地…), the 入企服务 ledger, the indicators
legalservice.consultations_business / legalservice.enterprise_visits and the report's
sentence "提供商事法律咨询X人次，开展入企法律服务Y次"."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

import fazhi.legalservice.report as lsreport
from fazhi.core import excel
from fazhi.core.errors import InvalidInput
from fazhi.indicators import registry
from fazhi.legalservice import ledgers, services
from fazhi.legalservice.models import Consultation, EnterpriseVisit, guess_category
from fazhi.reports import voice
from fazhi.reports.contrib import Context

from .helpers import adviser

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel("2024-06-20 10:00 +0800", tick=False):
        yield


def _consult(world, topic, persons=1, category=None, unit=None, day=D(2024, 3, 5)):
    return services.record_consultation(
        unit=unit or world.village_a,
        actor=world.admin_a,
        date=day,
        place="村委会",
        topic=topic,
        channel="on_site",
        persons=persons,
        category=category,
    )


def _visit(world, enterprise="甲镇建材有限公司", persons=10, day=D(2024, 4, 2), **kw):
    return services.record_enterprise_visit(
        unit=world.township_a,
        actor=world.admin_a,
        date=day,
        enterprise=enterprise,
        matters=kw.pop("matters", "合同审查、用工风险体检"),
        persons=persons,
        **kw,
    )


def test_category_given_or_read_from_the_topic():
    assert guess_category("宅基地边界") == "land"
    assert guess_category("企业用工风险") == "enterprise"
    assert guess_category("买卖合同纠纷") == "commercial"
    assert guess_category("赡养老人") == "family"
    assert guess_category("天气") == "other"


def test_consultation_category_set_checked_and_kept_on_edit(world):
    c = _consult(world, "土地承包经营权流转")
    assert c.category == "land"
    c = _consult(world, "咨询", category="commercial")
    assert c.category == "commercial"
    with pytest.raises(InvalidInput, match="咨询类别不正确"):
        _consult(world, "咨询", category="nonsense")
    services.update_consultation(
        c, actor=world.admin_a, date=c.date, place=c.place, topic="股权", channel="phone"
    )
    c.refresh_from_db()
    assert c.category == "commercial" and c.channel == "phone"


def test_category_through_page_filter_api_and_cli(world, client):
    client.force_login(world.admin_a)
    resp = client.post(
        reverse("legalservice:consultation_new"),
        {
            "unit": world.village_a.pk,
            "date": "2024-03-05",
            "place": "村委会",
            "topic": "公司注册",
            "category": "enterprise",
            "persons": "3",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:500]
    assert Consultation.objects.get().category == "enterprise"
    _consult(world, "离婚财产分割")
    page = client.get(reverse("legalservice:consultations"), {"category": "enterprise"})
    assert "公司注册" in page.content.decode() and "离婚财产" not in page.content.decode()
    api = client.get("/api/v1/legalservice/consultations/", {"category": "family"})
    assert api.status_code == 200
    body = api.json()
    items = body["items"] if isinstance(body, dict) else body
    assert [i["category"] for i in items] == ["family"]
    bad = client.post(
        "/api/v1/legalservice/consultations/",
        json.dumps(
            {
                "unit": world.village_a.pk,
                "date": "2024-03-05",
                "place": "村",
                "topic": "x",
                "category": "nonsense",
            }
        ),
        content_type="application/json",
    )
    assert 400 <= bad.status_code < 500


def test_category_from_excel(world):
    data = excel.export_xlsx(
        "t",
        ["日期", "村(社区)", "地点", "咨询事项", "咨询类别", "服务人次"],
        [
            ["2024-03-01", "甲村", "村委会", "合同", "商事", 4],
            ["2024-03-02", "甲村", "村委会", "宅基地", "", 2],
        ],
    )
    result = ledgers.import_consultations(world.township_a, data, "c.xlsx", actor=world.admin_a)
    assert result.ok, result.errors
    assert sorted(Consultation.objects.values_list("category", flat=True)) == [
        "commercial",
        "land",
    ]
    bad = excel.export_xlsx(
        "t",
        ["日期", "村(社区)", "地点", "咨询事项", "咨询类别"],
        [["2024-03-01", "甲村", "村", "x", "天文"]],
    )
    result = ledgers.import_consultations(world.township_a, bad, "c.xlsx", actor=world.admin_a)
    assert not result.ok and result.errors[0].row == 2


def test_enterprise_visit_rules(world):
    a = adviser(world)
    v = _visit(world, adviser=a)
    assert v.enterprise == "甲镇建材有限公司" and v.adviser == a
    with pytest.raises(InvalidInput, match="企业名称"):
        _visit(world, enterprise=" ")
    with pytest.raises(InvalidInput, match="晚于今天"):
        _visit(world, day=D(2024, 7, 1))
    with pytest.raises(InvalidInput, match="服务人次"):
        _visit(world, persons=0)


def test_enterprise_visit_cli_create_and_bad_input(world, capsys):
    call_command(
        "legalservice",
        "enterprise_visit",
        "create",
        "--unit",
        "甲镇",
        "--as",
        world.admin_a.username,
        "--set",
        "date=2024-05-01",
        "--set",
        "enterprise=乙公司",
        "--set",
        "matters=法治体检",
        "--set",
        "persons=12",
    )
    assert EnterpriseVisit.objects.get().persons == 12
    with pytest.raises(CommandError):
        call_command(
            "legalservice",
            "enterprise_visit",
            "create",
            "--unit",
            "甲镇",
            "--as",
            world.admin_a.username,
            "--set",
            "date=2024-05-01",
            "--set",
            "enterprise=",
            "--set",
            "matters=法治体检",
        )


def test_indicators_and_report_sentence(world):
    _consult(world, "合同审查", persons=5, category="commercial")
    _consult(world, "企业用工", persons=3, category="enterprise")
    _consult(world, "宅基地", persons=7)
    _consult(world, "合同", persons=9, category="commercial", day=D(2023, 5, 1))  # other year
    _visit(world, persons=10)
    _visit(world, persons=4, day=D(2024, 5, 6))
    _visit(world, enterprise="甲镇食品加工厂", persons=6)
    values = registry.compute(world.township_a, 2024, fresh=True)
    assert values["legalservice.consultations_business"].value == 8
    assert values["legalservice.enterprise_visits"].value == 3
    assert values["legalservice.enterprises_served"].value == 2
    assert values["legalservice.enterprise_visit_persons"].value == 20
    ctx = Context(world.township_a, 2024, values, voice.for_unit(world.township_a))
    point = next(p for p in lsreport.points(ctx) if p.key == "services.business")

    def fig(m):
        return registry.format_value(registry.get(m.group(1)), values[m.group(1)])

    text = re.sub(r"\{\{([\w.]+)\}\}", fig, point.text)
    assert "提供商事法律咨询8人次，开展入企法律服务3次" in text
    assert "走访企业2家" in text


def test_no_business_sentence_without_records(world):
    _consult(world, "宅基地", persons=7)
    values = registry.compute(world.township_a, 2024, fresh=True)
    ctx = Context(world.township_a, 2024, values, voice.for_unit(world.township_a))
    assert all(p.key != "services.business" for p in lsreport.points(ctx))
