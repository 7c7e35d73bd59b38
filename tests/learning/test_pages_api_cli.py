"""Study pages, API and CLI call the same services and answer bad input with 4xx / one line."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fazhi.core.models import AuditEvent
from fazhi.learning import services
from fazhi.learning.models import Attendance, StudySession

from .helpers import cadre, session, xlsx

pytestmark = pytest.mark.django_db


def test_landing_page_counts_and_behind_list(world, client_for):
    c1 = cadre(world, name="勤学")
    cadre(world, name="落后者")
    s = session(world, date=dt.date.today() - dt.timedelta(days=1), hours="40", kind="training")
    services.check_in(s, c1, actor=world.clerk_a)
    html = client_for(world.clerk_a).get("/learning/").content.decode()
    assert "1 / 2 人达标" in html and "落后者" in html
    assert "登记一次学法活动并记录参学人员。" in html


def test_session_create_check_in_and_hours_on_cadre_page(world, client_for):
    c = client_for(world.clerk_a)
    person = cadre(world, name="王伟")
    resp = c.post(
        "/learning/sessions/new/",
        {
            "unit": world.township_a.pk,
            "kind": "lecture",
            "date": (dt.date.today() - dt.timedelta(days=2)).isoformat(),
            "topic": "宪法学习",
            "hours": "2.5",
        },
    )
    assert resp.status_code == 302
    s = StudySession.objects.get()
    resp = c.post(f"/learning/sessions/{s.pk}/attendance/", {"cadre": [person.pk]}, follow=True)
    assert "新增 1 人" in resp.content.decode()
    assert "签到：王伟 2.5 小时" in resp.content.decode()  # the attendance history on the page
    page = c.get(f"/learning/cadres/{person.pk}/").content.decode()
    assert '<span id="cadre-hours">2.5</span>' in page
    # Hours above the session's are refused with the reason, nothing changes.
    resp = c.post(
        f"/learning/sessions/{s.pk}/attendance/",
        {"cadre": [person.pk], f"hours_{person.pk}": "9"},
        follow=True,
    )
    assert "不能超过本次活动学时" in resp.content.decode()
    assert Attendance.objects.get().hours == Decimal("2.5")


def test_session_form_errors_are_shown(world, client_for):
    resp = client_for(world.clerk_a).post(
        "/learning/sessions/new/",
        {
            "unit": world.township_a.pk,
            "kind": "lecture",
            "date": "2024-13-01",
            "topic": "",
            "hours": "-1",
        },
    )
    # Bad input is a 400 with the reason on the form (it was a 200 before the ledger pages).
    assert resp.status_code == 400 and "form-error" in resp.content.decode()
    assert StudySession.objects.count() == 0
    # A unit the user may not change is not a valid choice.
    resp = client_for(world.clerk_a).post(
        "/learning/sessions/new/",
        {
            "unit": world.township_b.pk,
            "kind": "lecture",
            "date": "2024-01-01",
            "topic": "x",
            "hours": "1",
        },
    )
    assert resp.status_code == 400 and StudySession.objects.count() == 0


def test_supervisor_sees_but_cannot_change(world, client_for):
    s = session(world)
    c = client_for(world.supervisor)
    assert c.get(f"/learning/sessions/{s.pk}/").status_code == 200
    assert c.post(f"/learning/sessions/{s.pk}/attendance/", {"cadre": []}).status_code == 403
    assert c.get(f"/learning/sessions/{s.pk}/edit/").status_code == 403


def test_import_errors_page_lists_rows(world, client_for):
    s = session(world)
    data = xlsx([["姓名"], ["查无此人"]])
    from django.core.files.uploadedfile import SimpleUploadedFile

    resp = client_for(world.clerk_a).post(
        f"/learning/sessions/{s.pk}/import/", {"file": SimpleUploadedFile("qd.xlsx", data)}
    )
    assert resp.status_code == 400
    assert "第2行" in resp.content.decode() and "查无此人" in resp.content.decode()


def test_lists_filters_and_exports(world, client_for):
    session(world, kind="central_group", topic="中心组学法甲")
    session(world, kind="lecture", topic="讲座乙")
    session(world, unit=world.township_b, topic="乙乡讲座")
    c = client_for(world.clerk_a)
    c.post("/switch/", {"year": "2024"})
    html = c.get("/learning/sessions/?leadership=1").content.decode()
    assert "中心组学法甲" in html and "讲座乙" not in html and "乙乡讲座" not in html
    resp = c.get("/learning/sessions/export/?kind=lecture")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/vnd.openxml")
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(resp.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "日期" and len(rows) == 2 and rows[1][3] == "讲座乙"
    assert AuditEvent.objects.filter(event="export").exists()
    assert client_for(world.mediator_a).get("/learning/sessions/export/").status_code == 403
    for url in (
        "/learning/cadres/",
        "/learning/cadres/export/",
        "/learning/exam/",
        "/learning/exam/export/",
        "/learning/settings/",
    ):
        assert c.get(url).status_code == 200, url


def test_settings_page_only_for_county(world, client_for):
    resp = client_for(world.supervisor).post(
        "/learning/settings/",
        {"required_hours": "36", "exam_questions": "50", "exam_pass": "60", "exam_excellent": "90"},
    )
    assert resp.status_code == 302
    assert services.rules_for(world.township_a).required_hours == 36
    assert client_for(world.admin_a).post("/learning/settings/", {}).status_code == 403


def test_api_flow(world, api_for):
    api = api_for(world.clerk_a)
    resp = api.post("/learning/cadres/", {"unit_id": world.township_a.pk, "name": "王伟"})
    assert resp.status_code == 201
    cadre_id = resp.json()["id"]
    day = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    resp = api.post(
        "/learning/sessions/",
        {
            "unit_id": world.township_a.pk,
            "kind": "lecture",
            "date": day,
            "topic": "讲座",
            "hours": "2",
        },
    )
    assert resp.status_code == 201
    sid = resp.json()["id"]
    resp = api.post(f"/learning/sessions/{sid}/attendance", {"cadre_id": cadre_id, "hours": "3"})
    assert resp.status_code == 400 and "不能超过" in resp.json()["error"]["message"]
    resp = api.post(f"/learning/sessions/{sid}/attendance", {"cadre_id": cadre_id})
    assert resp.status_code == 200 and resp.json()["attendance_count"] == 1
    assert api.post(f"/learning/sessions/{sid}/attendance", {}).status_code == 400
    assert Decimal(api.get(f"/learning/cadres/{cadre_id}").json()["hours"]) == 2
    rows = api.get("/learning/hours/", unit_id=world.township_a.pk).json()
    assert rows["count"] == 1 and rows["items"][0]["status"] in ("behind", "on_pace")
    rates = api.get("/learning/exam-rates", unit_id=world.township_a.pk).json()
    assert (
        rates["cadres"] == 1 and rates["pass_rate"] is None and rates["participation_rate"] == "0.0"
    )
    resp = api.c.delete(f"/api/v1/learning/sessions/{sid}/attendance/{cadre_id}")
    assert resp.status_code == 200 and resp.json()["attendance_count"] == 0
    # Bad input: 422, and a unit out of scope: 404.
    assert api.post("/learning/sessions/", {"unit_id": world.township_a.pk}).status_code == 422
    assert (
        api.post("/learning/cadres/", {"unit_id": world.township_b.pk, "name": "x"}).status_code
        == 404
    )
    assert api.get("/learning/summary", unit_id=world.township_b.pk).status_code == 404
    summary = api.get("/learning/summary", unit_id=world.township_a.pk).json()
    assert summary["sessions"] == 1 and summary["cadres_hours_rate"] == "0.0"


def test_api_supervisor_cannot_check_in(world, api_for):
    s = session(world)
    c = cadre(world)
    resp = api_for(world.supervisor).post(
        f"/learning/sessions/{s.pk}/attendance", {"cadre_id": c.pk}
    )
    assert resp.status_code == 403


def test_cli(world, tmp_path):
    c = cadre(world, name="王伟")
    s = session(world, date=dt.date(2024, 3, 1), hours="2")
    sheet = tmp_path / "qd.xlsx"
    sheet.write_bytes(xlsx([["姓名"], ["王伟"]]))
    out = io.StringIO()
    call_command(
        "learning", "import-signin", str(s.pk), str(sheet), "--user", "clerk_a", stdout=out
    )
    assert "记录 1 人" in out.getvalue()
    assert Attendance.objects.get().cadre == c
    out = io.StringIO()
    call_command("learning", "hours", "甲镇", "--year", "2024", stdout=out)
    assert "王伟" in out.getvalue() and "2.0/40" in out.getvalue()
    out = io.StringIO()
    call_command("learning", "exam-rates", "100001", "--year", "2024", stdout=out)
    assert "合格率 不适用" in out.getvalue()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([["姓名"], ["查无此人"]]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="未写入任何记录"):
        call_command(
            "learning", "import-signin", str(s.pk), str(bad), "--user", "clerk_a", stderr=err
        )
    assert "第2行" in err.getvalue()
    with pytest.raises(CommandError, match="找不到学法活动"):
        call_command("learning", "import-signin", str(s.pk), str(sheet), "--user", "clerk_b")
    with pytest.raises(CommandError, match="找不到单位"):
        call_command("learning", "hours", "无此单位")
    target = tmp_path / "hours.xlsx"
    call_command(
        "learning", "export", "甲镇", "--year", "2024", "--out", str(target), stdout=io.StringIO()
    )
    assert target.read_bytes().startswith(b"PK")
