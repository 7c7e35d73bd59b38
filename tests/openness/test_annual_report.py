"""The 政府信息公开工作年度报告 as a ledger: drafted from the records (tables and the prose
of sections 一 and 五), edited, published with its index number, served on the public
page, and read by the review engine against its own format."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
import time_machine
from django.core.management import CommandError, call_command

from fazhi.core.errors import DomainError, InvalidInput
from fazhi.core.roles import Role
from fazhi.ledgers.fields import perform
from fazhi.openness import annual, annual_render, services
from fazhi.openness.models import AnnualStatus, OpennessReport
from fazhi.openness.procedures import ANNUAL, ANNUAL_ACTIONS
from fazhi.review.engine import review_bytes
from tests.factories import member

from .helpers import act, request

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel("2025-01-15 10:00 +0800", tick=False):
        yield


def _records(world):
    services.record_disclosure(unit=world.township_a, actor=world.clerk_a, title="2024年部门预算",
                               category="finance", channel="website", published_on=D(2024, 3, 5),
                               doc_number="", url="", note="")  # fmt: skip
    services.record_disclosure(unit=world.township_a, actor=world.clerk_a, title="低保名单",
                               category="livelihood", channel="board", published_on=D(2024, 5, 5),
                               doc_number="", url="", note="")  # fmt: skip
    r = request(world, received=D(2024, 4, 1))
    act(r, "reply", world.clerk_a, reply_type="granted", content="已公开", date="2024-04-10")
    late = request(world, received=D(2024, 6, 3))
    act(late, "reply", world.clerk_a, reply_type="unable", reason="not_held", date="2024-08-30")


def _draft(world, year=2024):
    return services.draft_annual_report(unit=world.township_a, actor=world.clerk_a, year=year)


def _publish(world, report, **raw):
    from django.contrib.auth import get_user_model

    leader = get_user_model().objects.filter(username="leader_a").first() or member(
        world.township_a, Role.LEADER, username="leader_a"
    )
    raw = {"index_number": "001/2025-00003", "published_on": "2025-01-10", **raw}
    return perform(ANNUAL, ANNUAL_ACTIONS, report, "publish", user=leader, raw=raw)


def test_the_draft_states_what_the_records_show(world):
    _records(world)
    report = _draft(world)
    assert report.title == "甲镇2024年政府信息公开工作年度报告"
    assert annual.balance(report.tables) == []
    assert "主动公开政府信息2条" in report.overview
    assert "全年新收政府信息公开申请2件（自然人申请2件）" in report.overview
    assert "予以公开1件和无法提供1件" in report.overview
    assert "有1件未在法定期限内答复" in report.overview
    assert "均在法定期限内答复" not in report.overview
    assert "1件申请未在法定期限内答复" in report.problems
    assert report.other == ""  # fees are not recorded: left to the writer


def test_a_year_without_requests_says_so_and_claims_nothing(world):
    report = _draft(world)
    assert "2024年未收到政府信息公开申请" in report.overview
    assert "未发生因政府信息公开引起的行政复议、行政诉讼" in report.overview
    assert report.problems == ""


def test_one_report_per_unit_and_year_and_no_future_year(world):
    _draft(world)
    with pytest.raises(InvalidInput, match="已经起草"):
        _draft(world)
    with pytest.raises(InvalidInput, match="年度应为"):
        _draft(world, year=2026)


def test_publication_needs_every_section_and_an_index_number_then_freezes(world):
    _records(world)
    report = _draft(world)
    with pytest.raises(DomainError, match="六、其他需要报告的事项"):
        _publish(world, report)
    services.update_annual_report(report, actor=world.clerk_a, other="本年度未收取信息处理费。")
    with pytest.raises(DomainError, match="请填写索引号"):
        _publish(world, report, index_number="")
    with pytest.raises(DomainError, match="年度结束后"):
        _publish(world, report, published_on="2024-12-30")
    with pytest.raises(DomainError, match="无权"):
        perform(ANNUAL, ANNUAL_ACTIONS, report, "publish", user=world.clerk_a,
                raw={"index_number": "x"})  # fmt: skip
    report = _publish(world, report)
    assert report.status == AnnualStatus.PUBLISHED and report.docx and report.html
    with pytest.raises(InvalidInput, match="已公开"):
        services.update_annual_report(report, actor=world.clerk_a, other="改")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(bytes(report.docx))).paragraphs)
    assert "索引号：001/2025-00003" in text and "六、其他需要报告的事项" in text


def test_refresh_takes_new_records_and_keeps_the_writers_text(world):
    report = _draft(world)
    services.update_annual_report(report, actor=world.clerk_a, overview="改写的总体情况。")
    _records(world)
    report = perform(ANNUAL, ANNUAL_ACTIONS, report, "refresh", user=world.clerk_a, raw={})
    assert report.overview == "改写的总体情况。"
    assert annual._find(report.tables, "一、")["total"] == 2
    report = perform(ANNUAL, ANNUAL_ACTIONS, report, "refresh", user=world.clerk_a,
                     raw={"prose": "1"})  # fmt: skip
    assert "主动公开政府信息2条" in report.overview


def test_the_review_engine_reads_it_against_its_own_format(world):
    _records(world)
    report = _draft(world)
    services.update_annual_report(report, actor=world.clerk_a, other="本年度未收取信息处理费。")
    report = _publish(world, report)
    result = review_bytes(bytes(report.docx), "r.docx", options={"boilerplate": False})
    assert result["report_type"] == "openness" and result["missing"] == []
    checks = {c["code"]: c["ok"] for c in result["checks"]}
    assert checks["openness_balance"] is True and checks["openness_deadline"] is True
    assert result["score"]["complete"], result["checks"]
    # a table that does not cross-foot is found
    text = annual_render.to_text(report).replace(
        "一、本年新收政府信息公开申请数量 | 2", "一、本年新收政府信息公开申请数量 | 3"
    )
    bad = review_bytes(text.encode(), "r.txt", options={"boilerplate": False})
    assert {c["code"]: c["ok"] for c in bad["checks"]}["openness_balance"] is False
    # a draft left empty fails sections five and six
    empty = _draft(world, year=2023)
    result = review_bytes(annual_render.to_text(empty).encode(), "d.txt")
    ok = {c["code"]: c["ok"] for c in result["checks"]}
    assert ok["openness_section6"] is False


def test_pages_api_cli_and_the_public_page(world, client_for, api_for):
    _records(world)
    c = client_for(world.clerk_a)
    resp = c.post("/openness/reports/new/", {"unit": world.township_a.pk, "year": "2024"})
    assert resp.status_code == 302, resp.content.decode()[:500]
    report = OpennessReport.objects.get(unit=world.township_a, year=2024)
    page = c.get(f"/openness/reports/{report.pk}/").content.decode()
    assert "三、收到和处理政府信息公开申请情况" in page and "重新生成表格" in page
    resp = c.post("/openness/reports/new/", {"unit": world.township_a.pk, "year": "abc"})
    assert resp.status_code == 400 and "“年度”应为整数" in resp.content.decode()
    api = api_for(world.clerk_a)
    resp = api.c.patch(
        f"/api/v1/openness/reports/{report.pk}",
        {"other": "未收取信息处理费。"},
        content_type="application/json",
    )
    assert resp.status_code == 200, resp.content
    resp = api.post(f"/openness/reports/{report.pk}/actions/publish", {"index_number": "x"})
    assert resp.status_code in (403, 409)
    docx_resp = c.get(f"/openness/docs/annual/{report.pk}/report.docx")
    assert docx_resp.status_code == 200 and docx_resp["Content-Type"].startswith("application/")
    # a draft is not public
    assert client_for(world.outsider).get(f"/openness/reports/{report.pk}/").status_code == 404
    from django.test import Client

    anon = Client()
    assert anon.get(f"/public/openness/{report.pk}/").status_code == 404
    _publish(world, report)
    assert "甲镇2024年政府信息公开工作年度报告" in anon.get("/public/openness/").content.decode()
    assert anon.get(f"/public/openness/{report.pk}/").status_code == 200
    assert anon.get(f"/public/openness/{report.pk}/report.docx").status_code == 200
    out = io.StringIO()
    call_command("openness", "annual", "list", "--as", "clerk_a", stdout=out)
    assert "已公开" in out.getvalue()
    with pytest.raises(CommandError, match="找不到年度报告"):
        call_command("openness", "document", "99999", "report", "--as", "clerk_a", "-o", "/tmp/x")
