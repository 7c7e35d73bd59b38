"""The cadre and session ledgers through fazhi.ledgers: the hours columns and status filter,
edit pages, and the roster import (a bad row named by its row number, a second import of
the same file adding nobody)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from fazhi.core.models import AuditEvent
from fazhi.learning import services
from fazhi.learning.models import Cadre, ExamResult, StudySession

from .helpers import cadre, session, xlsx

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2024, 7, 2, 10, tzinfo=dt.UTC))
def test_cadre_list_shows_hours_and_filters_by_status(world, client_for):
    met, behind = cadre(world, name="勤学者"), cadre(world, name="落后者")
    gone = cadre(world, name="已调离")
    services.update_cadre(gone, actor=world.clerk_a, active=False)
    s = session(world, date=dt.date(2024, 3, 1), hours="40", kind="training")
    services.check_in(s, met, actor=world.clerk_a)
    services.check_in(s, behind, actor=world.clerk_a, hours=Decimal("5"))
    c = client_for(world.clerk_a)
    html = c.get("/learning/cadres/", {"year": "2024"}).content.decode()
    assert "勤学者" in html and "落后者" in html and "已调离" not in html
    assert "已达标" in html and "落后于进度" in html
    html = c.get("/learning/cadres/", {"year": "2024", "status": "behind"}).content.decode()
    assert "落后者" in html and "勤学者" not in html
    html = c.get("/learning/cadres/", {"year": "2024", "status": "met"}).content.decode()
    assert "勤学者" in html and "落后者" not in html
    assert "已调离" in c.get("/learning/cadres/", {"inactive": "1"}).content.decode()
    # Sorted by the year's hours, least first.
    html = c.get("/learning/cadres/", {"year": "2024", "order": "year_hours"}).content.decode()
    assert html.index("落后者") < html.index("勤学者")
    # The Excel has the page's columns, in the page's order.
    from openpyxl import load_workbook

    resp = c.get("/learning/cadres/export/", {"year": "2024"})
    rows = list(load_workbook(io.BytesIO(resp.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("姓名", "职务", "单位") and "状态" in rows[0]
    assert {r[0] for r in rows[1:]} == {"勤学者", "落后者"}


def test_county_requirement_is_the_one_listed(world, client_for):
    services.save_settings(world.county, actor=world.supervisor, required_hours=Decimal("30"))
    cadre(world, name="王伟")
    html = client_for(world.clerk_a).get("/learning/cadres/").content.decode()
    assert "30.00" in html  # the county's 30 hours, not the default 40


def test_cadre_edit_page(world, client_for):
    person = cadre(world, name="王伟", post="科员")
    c = client_for(world.clerk_a)
    page = c.get(f"/learning/cadres/{person.pk}/edit/")
    assert page.status_code == 200 and 'value="王伟"' in page.content.decode()
    resp = c.post(f"/learning/cadres/{person.pk}/edit/", {"name": "王伟", "post": "副镇长"})
    assert resp.status_code == 302
    person.refresh_from_db()
    assert person.post == "副镇长" and not person.active  # an unticked box is a "no"
    resp = c.post(f"/learning/cadres/{person.pk}/edit/", {"name": "", "post": "x"})
    assert resp.status_code == 400 and "请填写“姓名”" in resp.content.decode()
    assert client_for(world.clerk_b).get(f"/learning/cadres/{person.pk}/edit/").status_code == 404


def test_session_edit_page_keeps_the_rules(world, client_for):
    s = session(world, date=dt.date.today() - dt.timedelta(days=3), hours="2")
    services.check_in(s, cadre(world), actor=world.clerk_a)
    c = client_for(world.clerk_a)
    form = {
        "kind": "lecture",
        "date": s.date.isoformat(),
        "topic": "宪法修正案",
        "hours": "1",
    }
    resp = c.post(f"/learning/sessions/{s.pk}/edit/", form)
    assert resp.status_code == 400 and "超过新的活动学时" in resp.content.decode()
    resp = c.post(f"/learning/sessions/{s.pk}/edit/", {**form, "hours": "3"})
    assert resp.status_code == 302
    s.refresh_from_db()
    assert s.topic == "宪法修正案" and s.hours == 3
    assert StudySession.history.filter(id=s.pk).count() == 2


def test_roster_import_page_is_idempotent_and_names_bad_rows(world, client_for):
    c = client_for(world.clerk_a)
    assert c.get("/learning/cadres/import/").status_code == 200
    good = xlsx(
        [
            ["姓名", "职务", "领导干部", "班子成员"],
            ["王伟", "镇长", "是", "是"],
            ["李娜", "科员", "否", ""],
        ]
    )

    def upload(data):
        return c.post(
            "/learning/cadres/import/",
            {"unit": world.township_a.pk, "file": SimpleUploadedFile("名册.xlsx", data)},
        )

    assert upload(good).status_code == 302
    assert Cadre.objects.filter(unit=world.township_a).count() == 2
    assert Cadre.objects.get(name="王伟").in_leadership_group
    # The same file again adds nobody.
    resp = upload(good)
    assert resp.status_code == 302 and Cadre.objects.count() == 2
    # A bad row: its row number and the reason, and nothing is written.
    bad = xlsx([["姓名", "职务", "领导干部"], ["赵六", "科员", "是"], ["孙七", "科员", "也许"]])
    resp = upload(bad)
    assert resp.status_code == 400
    assert "第3行" in resp.content.decode() and "也许" in resp.content.decode()
    assert not Cadre.objects.filter(name="赵六").exists()
    assert AuditEvent.objects.filter(event="input_rejected").exists()
    # Not for a unit the user may not change.
    resp = client_for(world.supervisor).post(
        "/learning/cadres/import/",
        {"unit": world.township_a.pk, "file": SimpleUploadedFile("名册.xlsx", good)},
    )
    assert resp.status_code in (400, 403) and Cadre.objects.count() == 2


def test_session_list_search_and_detail(world, client_for):
    s = session(world, topic="民法典合同编", lecturer="刘律师", date=dt.date(2024, 3, 1))
    session(world, topic="安全生产法", date=dt.date(2024, 3, 2))
    c = client_for(world.clerk_a)
    html = c.get("/learning/sessions/", {"q": "刘律师"}).content.decode()
    assert "民法典合同编" in html and "安全生产法" not in html
    html = c.get("/learning/sessions/", {"year": "2023"}).content.decode()
    assert "民法典合同编" not in html
    detail = c.get(f"/learning/sessions/{s.pk}/").content.decode()
    assert 'id="attendance-form"' in detail or "还没有在职干部名单" in detail
    assert "刘律师" in detail and f"/learning/sessions/{s.pk}/history/" in detail


def test_exam_results_ledger(world, client_for):
    wang, li = cadre(world, name="王伟"), cadre(world, name="李娜")
    services.record_exam_result(wang, year=2024, actor=world.clerk_a, score=Decimal("95"))
    services.record_exam_result(li, year=2024, actor=world.clerk_a, score=Decimal("50"))
    c = client_for(world.clerk_a)
    html = c.get("/learning/exam/results/", {"year": "2024"}).content.decode()
    assert "王伟" in html and "优秀" in html and "不合格" in html
    html = c.get("/learning/exam/results/", {"level": "fail"}).content.decode()
    assert "李娜" in html and "王伟" not in html
    # The old export address: this year's results of the chosen unit, with 等次.
    from openpyxl import load_workbook

    resp = c.get("/learning/exam/export/", {"year": "2024"})
    rows = list(load_workbook(io.BytesIO(resp.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and rows[0][-1] == "等次" and len(rows) == 3
    # Create and edit through the framework's forms.
    zhao = cadre(world, name="赵六")
    resp = c.post(
        "/learning/exam/results/new/",
        {"unit": world.township_a.pk, "cadre": zhao.pk, "year": "2024", "took_exam": "1"},
    )
    assert resp.status_code == 400 and "须填写成绩" in resp.content.decode()
    resp = c.post(
        "/learning/exam/results/new/",
        {"unit": world.township_a.pk, "cadre": zhao.pk, "year": "2024", "score": "88"},
    )
    assert resp.status_code == 302
    result = zhao.exam_results.get()
    resp = c.post(f"/learning/exam/results/{result.pk}/edit/", {"score": "91", "took_exam": "1"})
    assert resp.status_code == 302
    result.refresh_from_db()
    assert result.score == 91 and result.year == 2024
    other = cadre(world, unit=world.township_b, name="乙乡干部")
    resp = c.post(
        "/learning/exam/results/new/",
        {"unit": world.township_a.pk, "cadre": other.pk, "year": "2024", "score": "88"},
    )
    assert resp.status_code == 400 and not other.exam_results.exists()


def test_exam_results_import_by_year_idempotent(world, client_for):
    for name in ("王伟", "李娜"):
        cadre(world, name=name)
    c = client_for(world.clerk_a)
    data = xlsx(
        [["姓名", "年度", "学习积分", "考试成绩"], ["王伟", 2024, 120, 96], ["李娜", 2023, 80, 72]]
    )

    def upload(content):
        return c.post(
            "/learning/exam/results/import/",
            {"unit": world.township_a.pk, "file": SimpleUploadedFile("成绩.xlsx", content)},
        )

    assert upload(data).status_code == 302
    assert sorted(ExamResult.objects.values_list("year", "score")) == [(2023, 72), (2024, 96)]
    before = ExamResult.history.count()
    assert upload(data).status_code == 302  # the same file again: nothing new, nothing rewritten
    assert ExamResult.objects.count() == 2 and ExamResult.history.count() == before
    # A cell that does not parse, then a name not on the roster: each by its row number.
    for bad, row, why in (
        (
            [["姓名", "年度", "成绩"], ["王伟", 2024, 90], ["李娜", "去年", 70]],
            "第3行",
            "年度不正确",
        ),
        (
            [["姓名", "年度", "成绩"], ["王伟", 2024, 90], ["查无此人", 2024, 80]],
            "第3行",
            "查无此人",
        ),
    ):
        resp = upload(xlsx(bad))
        text = resp.content.decode()
        assert resp.status_code == 400 and row in text and why in text, why
    assert ExamResult.objects.get(year=2024).score == 96  # nothing of the bad files was written


def test_cli_and_api_of_the_ledgers(world, api_for, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    wang = cadre(world, name="王伟")
    out = io.StringIO()
    call_command("learning", "cadre", "list", "--as", "clerk_a", stdout=out)
    assert "王伟" in out.getvalue()
    out = io.StringIO()
    call_command("learning", "cadre", "show", str(wang.pk), "--as", "clerk_a", stdout=out)
    assert out.getvalue().startswith(f"{wang.pk} ")
    sheet = tmp_path / "成绩.xlsx"
    sheet.write_bytes(xlsx([["姓名", "年度", "成绩"], ["王伟", 2024, 90]]))
    args = ["learning", "exam_result", "import", str(sheet), "--unit", "甲镇", "--as", "clerk_a"]
    call_command(*args, stdout=io.StringIO())
    call_command(*args, stdout=io.StringIO())  # again: nothing new
    assert ExamResult.objects.get().score == 90
    with pytest.raises(CommandError, match="未知的操作"):
        call_command("learning", "cadre", "frobnicate", "--as", "clerk_a")
    # The old verbs still work beside them.
    call_command("learning", "exam-rates", "甲镇", "--year", "2024", stdout=io.StringIO())
    api = api_for(world.clerk_a)
    items = api.get("/learning/exam/results/", year=2024).json()["items"]
    assert [i["fields"]["score"] for i in items] == ["90.0"]
    assert api.get(f"/learning/cadres/{wang.pk}").json()["id"] == wang.pk


def test_roster_import_through_the_api(world, api_for):
    api = api_for(world.clerk_a)
    good = xlsx([["姓名", "职务"], ["王伟", "镇长"], ["李娜", "科员"]])

    def upload(data):
        return api.c.post(
            "/api/v1/learning/cadres/import",
            {"unit_id": world.township_a.pk, "file": SimpleUploadedFile("名册.xlsx", data)},
        )

    resp = upload(good)
    assert resp.status_code == 200 and resp.json()["created"] == 2
    resp = upload(good)
    assert resp.json() == {"created": 0, "skipped": 2, "errors": []}
    resp = upload(xlsx([["姓名", "领导干部"], ["赵六", "也许"]]))
    assert resp.status_code == 400 and resp.json()["errors"][0]["row"] == 2
    assert Cadre.objects.count() == 2
    resp = api_for(world.clerk_b).c.post(
        "/api/v1/learning/cadres/import",
        {"unit_id": world.township_a.pk, "file": SimpleUploadedFile("名册.xlsx", good)},
    )
    assert resp.status_code == 404
