"""What the legal-services ledgers gained on fazhi/ledgers: Excel import of duty shifts
and legal-aid referrals (row errors with row numbers, idempotent re-import), edit pages
for consultations, the centre's days and referrals, steps through the generic action
route, and the forms older pages posted still working."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from fazhi.core import excel
from fazhi.legalservice import ledgers, services
from fazhi.legalservice.models import (
    Consultation,
    DutyShift,
    LegalAidReferral,
    ServiceCenterDay,
    ShiftStatus,
)

from .helpers import adviser

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel("2024-06-20 10:00 +0800", tick=False):
        yield


def xlsx(headers, rows) -> bytes:
    return excel.export_xlsx("t", headers, rows)


SHIFT_HEADERS = ["日期", "村(社区)", "法律顾问", "时长(小时)", "状态", "情况记录"]


def test_shift_import_reports_bad_rows_and_a_second_import_creates_nothing(world):
    adviser(world)
    bad = xlsx(
        SHIFT_HEADERS,
        [
            ["2024-06-03", "甲村", "赵律师", 4, "已坐班", "接待3人"],
            ["2024-06-10", "甲村", "无名律师", 4, "计划", ""],  # not an adviser of 甲镇
            ["2031-01-05", "甲村", "赵律师", 4, "计划", ""],  # outside the contract
        ],
    )
    result = ledgers.import_shifts(world.township_a, bad, "s.xlsx", actor=world.clerk_a)
    assert not result.ok and [e.row for e in result.errors] == [3, 4]
    assert "找不到法律顾问“无名律师”" in str(result.errors[0])
    assert DutyShift.objects.count() == 0
    good = xlsx(
        SHIFT_HEADERS,
        [
            ["2024-06-03", "甲村", "赵律师", 4, "已坐班", "接待3人"],
            ["2024-06-24", "", "赵律师", 2.5, "", ""],
        ],
    )
    result = ledgers.import_shifts(world.township_a, good, "s.xlsx", actor=world.clerk_a)
    assert result.ok and result.created == 2
    held = DutyShift.objects.get(date=dt.date(2024, 6, 3))
    assert held.status == ShiftStatus.HELD and held.unit == world.village_a
    assert DutyShift.objects.get(date=dt.date(2024, 6, 24)).unit == world.township_a
    again = ledgers.import_shifts(world.township_a, good, "s.xlsx", actor=world.clerk_a)
    assert again.ok and (again.created, again.skipped) == (0, 2)
    assert DutyShift.objects.count() == 2


REFERRAL_HEADERS = ["转介日期", "登记单位", "当事人", "联系电话", "事项", "转介至"]


def test_referral_import_page_and_cli(world, client_for, tmp_path):
    c = client_for(world.clerk_a)
    url = reverse("legalservice:aid_import")
    assert c.get(url).status_code == 200
    bad = xlsx(
        REFERRAL_HEADERS,
        [
            ["2024-06-01", "甲村", "张大伟", "13812345678", "追索劳动报酬", ""],
            ["2024-06-02", "甲村", "李四", "12345", "工伤赔偿", ""],  # bad phone
        ],
    )
    resp = c.post(url, {"unit": world.township_a.pk, "file": SimpleUploadedFile("a.xlsx", bad)})
    assert resp.status_code == 400
    assert "第3行" in resp.content.decode() and "联系电话无效" in resp.content.decode()
    assert LegalAidReferral.objects.count() == 0
    good = tmp_path / "a.csv"
    good.write_text(
        "转介日期,登记单位,当事人,联系电话,事项\n2024-06-01,甲村,张大伟,13812345678,追索劳动报酬\n",
        encoding="utf-8",
    )
    call_command("legalservice", "import", "aid", "甲镇", str(good), "--user", "clerk_a")
    r = LegalAidReferral.objects.get()
    assert (r.unit, r.person_masked, r.referred_to) == (world.village_a, "张*伟", "县法律援助中心")
    call_command("legalservice", "import", "aid", "甲镇", str(good), "--user", "clerk_a")
    assert LegalAidReferral.objects.count() == 1
    with pytest.raises(CommandError, match="无权"):
        call_command("legalservice", "import", "aid", "甲镇", str(good), "--user", "clerk_b")


def test_consultation_import_twice_creates_once(world):
    data = xlsx(["日期", "地点", "咨询事项"], [["2024-06-01", "村委会", "土地流转"]])
    for _ in range(2):
        ledgers.import_consultations(world.township_a, data, "c.xlsx", actor=world.clerk_a)
    assert Consultation.objects.count() == 1


def test_edit_a_consultation_and_a_referral(world, client_for):
    a = adviser(world)
    cons = services.record_consultation(
        unit=world.village_a,
        actor=world.clerk_a,
        date=dt.date(2024, 6, 1),
        place="村委会",
        topic="土地流转",
        channel="on_site",
    )
    c = client_for(world.clerk_a)
    url = reverse("legalservice:consultation_edit", args=[cons.pk])
    assert c.get(url).status_code == 200
    form = {"date": "2024-06-02", "place": "村委会", "topic": "土地流转纠纷", "channel": "phone"}
    resp = c.post(url, {**form, "adviser_id": a.pk, "persons": 3})
    assert resp.status_code == 302
    cons.refresh_from_db()
    assert (cons.topic, cons.channel, cons.adviser, cons.persons) == ("土地流转纠纷", "phone", a, 3)
    resp = c.post(url, {**form, "persons": 0})
    assert resp.status_code == 400 and "服务人次" in resp.content.decode()
    # Another township's clerk does not see it at all.
    assert client_for(world.clerk_b).get(url).status_code == 404

    r = services.record_referral(
        unit=world.township_a,
        actor=world.clerk_a,
        date=dt.date(2024, 6, 1),
        person_name="张大伟",
        matter="追索劳动报酬",
    )
    url = reverse("legalservice:aid_edit", args=[r.pk])
    resp = c.post(url, {"matter": "追索劳动报酬", "outcome": "accepted", "note": "已受理"})
    assert resp.status_code == 302
    r.refresh_from_db()
    assert (r.outcome, r.note, r.referred_to) == ("accepted", "已受理", "县法律援助中心")
    resp = c.post(url, {"matter": "x", "outcome": "nonsense"})
    assert resp.status_code == 400 and "不是有效选项" in resp.content.decode()


def test_centre_day_edit_and_new(world, client_for):
    c = client_for(world.clerk_a)
    resp = c.post(
        reverse("legalservice:center_day_new"),
        {"unit": world.township_a.pk, "date": "2024-06-03", "visits": 5, "self_service": 2},
    )
    assert resp.status_code == 302
    day = ServiceCenterDay.objects.get()
    resp = c.post(
        reverse("legalservice:center_day_edit", args=[day.pk]),
        {"visits": 8, "self_service": 4, "note": "更正"},
    )
    assert resp.status_code == 302
    day.refresh_from_db()
    assert (day.visits, day.self_service, day.note) == (8, 4, "更正")
    resp = c.post(
        reverse("legalservice:center_day_new"),
        {"unit": world.village_a.pk, "date": "2024-06-03", "visits": 1, "self_service": 1},
    )
    assert resp.status_code == 400  # the village is not offered: centres are townships'


def test_shift_steps_through_the_action_route_and_the_older_form(world, client_for):
    a = adviser(world)
    past = services.plan_shift(
        unit=world.village_a, actor=world.clerk_a, adviser=a, date=dt.date(2024, 6, 18)
    )
    future = services.plan_shift(
        unit=world.village_a, actor=world.clerk_a, adviser=a, date=dt.date(2024, 6, 28)
    )
    c = client_for(world.clerk_a)
    resp = c.post(
        reverse("legalservice:shift_act", args=[past.pk, "hold"]),
        {"version": 0, "note": "接待群众3人"},
    )
    assert resp.status_code == 302
    past.refresh_from_db()
    assert (past.status, past.note) == (ShiftStatus.HELD, "接待群众3人")
    resp = c.post(reverse("legalservice:shift_act", args=[future.pk, "hold"]), {"version": 0})
    assert resp.status_code == 409 and "尚未到" in resp.content.decode()
    # The detail page's older form (action in the body) still works.
    other = services.plan_shift(
        unit=world.village_a, actor=world.clerk_a, adviser=a, date=dt.date(2024, 6, 17)
    )
    resp = c.post(
        reverse("legalservice:shift_detail", args=[other.pk]), {"action": "miss", "version": 0}
    )
    assert resp.status_code == 302
    assert DutyShift.objects.get(pk=other.pk).status == ShiftStatus.MISSED
    page = c.get(reverse("legalservice:adviser_detail", args=[a.pk])).content.decode()
    assert 'id="recent-shifts"' in page and "2024-06-17" in page


def test_older_outcome_and_centre_forms_still_work(world, client_for):
    r = services.record_referral(
        unit=world.township_a,
        actor=world.clerk_a,
        date=dt.date(2024, 6, 1),
        person_name="张大伟",
        matter="追索劳动报酬",
    )
    c = client_for(world.clerk_a)
    resp = c.post(reverse("legalservice:aid_detail", args=[r.pk]), {"outcome": "closed"})
    assert resp.status_code == 302
    assert LegalAidReferral.objects.get().outcome == "closed"
    resp = c.post(
        reverse("legalservice:center"), {"date": "2024-06-03", "visits": 5, "self_service": 2}
    )
    assert resp.status_code == 302 and ServiceCenterDay.objects.get().visits == 5
    viewer_page = client_for(world.supervisor).post(
        reverse("legalservice:aid_detail", args=[r.pk]), {"outcome": "refused"}
    )
    assert viewer_page.status_code == 403
    assert LegalAidReferral.objects.get().outcome == "closed"


def test_api_outcome_import_and_older_filters(world, api_for, client_for):
    a = adviser(world)
    r = services.record_referral(
        unit=world.township_a,
        actor=world.clerk_a,
        date=dt.date(2024, 6, 1),
        person_name="张大伟",
        matter="追索劳动报酬",
        phone="13812345678",
    )
    api = api_for(world.clerk_a)
    resp = api.post(f"/legalservice/aid/{r.pk}/outcome", {"outcome": "accepted"})
    assert resp.status_code == 200, resp.content
    assert resp.json()["outcome"] == "accepted" and resp.json()["person"] == "张*伟"
    r.refresh_from_db()
    assert (r.phone, r.matter) == ("13812345678", "追索劳动报酬")
    # The adviser list keeps its older query parameters.
    assert [
        x["id"] for x in api.get("/legalservice/advisers/", in_force="true").json()["items"]
    ] == [a.pk]
    assert api.get("/legalservice/advisers/", in_force="false").json()["items"] == []
    assert api.get("/legalservice/advisers/", unit_id=world.township_b.pk).json()["items"] == []
    # Shifts come in from Excel through the API too: 400 with the rows, then 200.
    c = client_for(world.clerk_a)
    bad = xlsx(SHIFT_HEADERS, [["2024-06-03", "甲村", "无名律师", 4, "计划", ""]])
    resp = c.post(
        "/api/v1/legalservice/shifts/import",
        {"unit_id": world.township_a.pk, "file": SimpleUploadedFile("s.xlsx", bad)},
    )
    assert resp.status_code == 400 and resp.json()["errors"][0]["row"] == 2
    good = xlsx(SHIFT_HEADERS, [["2024-06-03", "甲村", "赵律师", 4, "计划", ""]])
    resp = c.post(
        "/api/v1/legalservice/shifts/import",
        {"unit_id": world.township_a.pk, "file": SimpleUploadedFile("s.xlsx", good)},
    )
    assert resp.status_code == 200 and resp.json()["created"] == 1
    # The centre's days keep their API path.
    resp = api.post(
        "/legalservice/center-days/",
        {"unit_id": world.township_a.pk, "date": "2024-06-03", "visits": 5, "self_service": 2},
    )
    assert resp.status_code == 201 and resp.json()["visits"] == 5


def test_cli_ledger_commands(world, tmp_path, capsys):
    a = adviser(world)
    services.plan_shift(
        unit=world.village_a, actor=world.clerk_a, adviser=a, date=dt.date(2024, 6, 18)
    )
    call_command("legalservice", "shift", "list", "--as", "clerk_a")
    assert "2024-06-18" in capsys.readouterr().out
    shift = DutyShift.objects.get()
    call_command("legalservice", "shift", "act", str(shift.pk), "hold", "--as", "clerk_a")
    assert DutyShift.objects.get().status == ShiftStatus.HELD
    out = tmp_path / "a.xlsx"
    call_command("legalservice", "adviser", "export", "-o", str(out), "--as", "clerk_a")
    assert out.exists()
    with pytest.raises(CommandError, match="无权"):
        call_command("legalservice", "shift", "act", str(shift.pk), "miss", "--as", "clerk_b")
