"""Pages, API, CLI, public page, reminders and the dashboard."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fazhi.core import reminders
from fazhi.reports import services
from fazhi.reports.models import AnnualReport

from .fixtures import YEAR
from .helpers import fill_causes, publish


def test_pages_draft_edit_preview_and_steps(seeded, client_for, leader_a):
    w = seeded
    c = client_for(w.clerk_a)
    r = c.post("/reports/?year=2024", {"year": YEAR})
    report = AnnualReport.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/reports/{report.pk}/edit/"
    page = c.get(f"/reports/{report.pk}/edit/")
    assert page.status_code == 200 and "实时预览" in page.content.decode()
    s1 = report.sections.get(number=1).text
    prev = c.post(f"/reports/{report.pk}/preview/", {"section_1": s1 + "另有说明。"})
    assert (
        "另有说明。" in prev.content.decode()
        and 'data-code="disputes.mediated"' in prev.content.decode()
    )
    c.post(f"/reports/{report.pk}/edit/", {"what": "sections", "section_5": "无其他情况。"})
    assert report.sections.get(number=5).text == "无其他情况。"
    for item in report.shortfalls.all():
        c.post(
            f"/reports/{report.pk}/edit/",
            {"what": "cause", "shortfall": item.pk, "cause": "力量不足"},
        )
    report.refresh_from_db()
    r = c.post(f"/reports/{report.pk}/actions/submit/", {"version": report.version})
    report.refresh_from_db()
    assert report.status == "submitted", r
    detail = client_for(leader_a).get(f"/reports/{report.pk}/")
    assert "审批通过" in detail.content.decode()
    client_for(leader_a).post(f"/reports/{report.pk}/actions/approve/")
    report.refresh_from_db()
    assert report.status == "approved"
    # Clerk may not approve: the page shows why, the step refuses.
    r = c.post(f"/reports/{report.pk}/actions/return/", follow=True)
    assert "无权" in r.content.decode()


def test_downloads(seeded, client_for):
    w = seeded
    report = services.create_report(w.township_a, YEAR, actor=w.clerk_a)
    c = client_for(w.clerk_a)
    r = c.get(f"/reports/{report.pk}/download/docx/")
    assert r.status_code == 200 and r.content.startswith(b"PK")
    r = c.get(f"/reports/{report.pk}/download/json/")
    assert json.loads(r.content)["figures"]
    r = c.get(f"/reports/{report.pk}/download/exe/", follow=True)
    assert "不支持的格式" in r.content.decode()


def test_api(seeded, api_for, leader_a):
    w = seeded
    api = api_for(w.clerk_a)
    r = api.post("/reports", {"unit": "甲镇", "year": YEAR})
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    body = api.get(f"/reports/{rid}").json()
    assert len(body["sections"]) == 6 and body["figures"][0]["code"]
    r = api.post(f"/reports/{rid}/actions/submit", {})
    assert r.status_code == 409 and "原因" in r.json()["error"]["message"]
    assert api.post(f"/reports/{rid}/actions/fly", {}).status_code == 409
    assert api.post("/reports", {"unit": "甲镇", "year": YEAR}).status_code == 409
    assert api_for(w.clerk_b).get(f"/reports/{rid}").status_code == 404
    ind = api.get("/indicators", unit="100001", year=YEAR).json()
    mediated = next(i for i in ind["items"] if i["code"] == "disputes.mediated")
    assert mediated["value"] == "5" and mediated["text"] == "5件"
    na = next(i for i in ind["items"] if i["code"] == "hotline.completion_rate")
    assert na["status"] == "na" and na["value"] is None
    assert api_for(w.clerk_b).get("/indicators", unit="100001", year=YEAR).status_code == 404
    assert api.get("/indicators", unit="100001", year=1900).status_code == 400
    assert api.get("/indicators", unit="100001", year="abc").status_code == 422


def test_cli(seeded, tmp_path):
    out = io.StringIO()
    call_command("indicators", "甲镇", str(YEAR), "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert next(i for i in data["items"] if i["code"] == "disputes.mediated")["value"] == "5"
    out = io.StringIO()
    call_command("indicators", "100001", str(YEAR), "--format", "csv", stdout=out)
    assert "disputes.success_rate,调解成功率,75.0,%" in out.getvalue()
    out = io.StringIO()
    call_command("indicators", "100001", str(YEAR), stdout=out)
    assert "不适用" in out.getvalue()
    with pytest.raises(CommandError, match="找不到单位"):
        call_command("indicators", "无此镇", "2024")
    with pytest.raises(CommandError, match="尚未编制"):
        call_command("report", "甲镇", str(YEAR), "--format", "md")
    target = tmp_path / "r.docx"
    call_command(
        "report",
        "甲镇",
        str(YEAR),
        "--format",
        "docx",
        "-o",
        str(target),
        "--create",
        "--user",
        "clerk_a",
        stderr=io.StringIO(),
    )
    assert target.read_bytes().startswith(b"PK")
    out = io.StringIO()
    call_command("report", "甲镇", str(YEAR), "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["figures"]
    with pytest.raises(CommandError, match="-o"):
        call_command("report", "甲镇", str(YEAR), "--format", "pdf")


def test_pdf_cli_error_without_soffice(seeded, tmp_path, monkeypatch):
    from fazhi.reports import render

    services.create_report(seeded.township_a, YEAR, actor=seeded.clerk_a)
    monkeypatch.setattr(render, "soffice", lambda: None)
    with pytest.raises(CommandError, match="LibreOffice"):
        call_command("report", "甲镇", str(YEAR), "--format", "pdf", "-o", str(tmp_path / "x.pdf"))


def test_public_page_only_published(seeded, client, leader_a):
    w = seeded
    draft_b = services.create_report(w.township_b, YEAR, actor=_clerk(w.township_b, w))
    report = services.create_report(w.township_a, YEAR, actor=w.clerk_a)
    report = publish(report, w.clerk_a, leader_a)
    r = client.get("/public/reports/")
    html = r.content.decode()
    assert r.status_code == 200 and report.title in html and report.index_number in html
    assert draft_b.title not in html
    assert client.get(f"/public/reports/{report.pk}/").status_code == 200
    assert "调处矛盾纠纷" in client.get(f"/public/reports/{report.pk}/").content.decode()
    assert client.get(f"/public/reports/{report.pk}/report.docx").content.startswith(b"PK")
    assert client.get(f"/public/reports/{draft_b.pk}/").status_code == 404
    assert client.get(f"/public/reports/{draft_b.pk}/report.docx").status_code == 404


def test_public_html_masks_personal_identifiers(seeded, leader_a):
    w = seeded
    report = services.create_report(w.township_a, YEAR, actor=w.clerk_a)
    services.update_section(
        report, 5, "联系人电话13812345678，身份证号110105199001011234。", actor=w.clerk_a
    )
    report = publish(report, w.clerk_a, leader_a)
    assert "13812345678" not in report.html and "138****5678" in report.html
    assert "110105199001011234" not in report.html


def _clerk(unit, w):
    return w.clerk_b


def test_reminders_for_county_supervisor(seeded):
    w = seeded
    today = dt.date(YEAR + 1, 2, 20)
    items = [i for i in reminders.collect(today, user=w.supervisor) if i.kind == "年度报告"]
    labels = {i.label for i in items}
    assert f"甲镇{YEAR}年度法治政府建设报告：尚未报送" in labels
    assert all(i.assignee_id == w.supervisor.pk for i in items)
    # Not reminded long before the dates.
    assert not [
        i
        for i in reminders.collect(dt.date(YEAR + 1, 1, 5), user=w.supervisor)
        if i.kind == "年度报告"
    ]
    assert not [i for i in reminders.collect(today, user=w.clerk_a) if i.kind == "年度报告"]


def test_dashboard_on_home(seeded, client_for):
    w = seeded
    r = client_for(w.clerk_a).get("/?year=2024")
    html = r.content.decode()
    assert r.status_code == 200 and 'id="dashboard"' in html and "echarts.min.js" in html
    assert "调解成功率" in html and 'id="trend-data"' in html
    assert 'id="dashboard-as-of"' in html and "数据截至" in html
    county = client_for(w.supervisor).get("/?year=2024").content.decode()
    assert 'id="township-compare"' in county
    # 甲镇 misses more targets than 乙乡: weakest first.
    assert county.index("甲镇", county.index("township-compare")) < county.index(
        "乙乡", county.index("township-compare")
    )


def test_home_without_unit_unchanged(db, client_for):
    from tests.factories import UserFactory

    r = client_for(UserFactory()).get("/")
    assert "您还没有被分配到任何单位" in r.content.decode()


def test_county_status_page(seeded, client_for, leader_a):
    w = seeded
    report = services.create_report(w.township_a, YEAR, actor=w.clerk_a)
    fill_causes(report, w.clerk_a)
    services.run_action(report, "submit", actor=w.clerk_a)
    html = client_for(w.supervisor).get(f"/reports/status/?year={YEAR}").content.decode()
    assert "甲镇" in html and "乙乡" in html and "已报送 1 / 2" in html
    r = client_for(w.supervisor).post(
        f"/reports/status/?year={YEAR}", {"report_by": f"{YEAR + 1}-03-10"}
    )
    assert r.status_code == 302
    assert services.report_by(w.county, YEAR) == dt.date(YEAR + 1, 3, 10)
    # A township clerk sees no county view and cannot move the date.
    r = client_for(w.clerk_a).post(
        f"/reports/status/?year={YEAR}", {"report_by": f"{YEAR + 1}-03-20"}
    )
    assert r.status_code == 200 and "县级单位" in r.content.decode()
    assert services.report_by(w.county, YEAR) == dt.date(YEAR + 1, 3, 10)
