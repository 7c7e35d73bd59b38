"""Pages, API, CLI and Excel import/export of the legal-services ledgers."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from fazhi.core import excel
from fazhi.core.models import AuditEvent
from fazhi.legalservice import ledgers, services
from fazhi.legalservice.models import Consultation, LegalAdviser, ServiceCenterDay

from .helpers import adviser

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel("2024-06-20 10:00 +0800", tick=False):
        yield


def xlsx(headers, rows) -> bytes:
    return excel.export_xlsx("t", headers, rows)


CONSULT_HEADERS = ["日期", "村(社区)", "地点", "咨询事项", "方式", "法律顾问", "服务人次"]


def test_import_with_bad_rows_writes_nothing(world):
    adviser(world)
    data = xlsx(
        CONSULT_HEADERS,
        [
            ["2024-06-01", "甲村", "村委会", "土地流转", "现场", "赵律师", 2],
            ["2024-13-01", "甲村", "村委会", "婚姻", "现场", "", 1],  # bad date
            ["2024-06-02", "乙乡的村", "村委会", "借贷", "电话", "", 1],  # not in the township
            ["2024-06-03", "甲村", "村委会", "继承", "飞鸽", "", 1],  # bad channel
            ["2024-06-04", "甲村", "村委会", "继承", "现场", "无名律师", 1],  # unknown adviser
        ],
    )
    result = ledgers.import_consultations(world.township_a, data, "c.xlsx", actor=world.clerk_a)
    assert not result.ok and result.created == 0
    messages = [str(e) for e in result.errors]
    assert any(m.startswith("第3行“日期”") for m in messages)
    assert any(m.startswith("第5行“方式”") for m in messages)
    assert Consultation.objects.count() == 0
    # Parse errors stop the file before any row is tried; fix them and the row-level ones appear.
    data = xlsx(
        CONSULT_HEADERS,
        [
            ["2024-06-01", "甲村", "村委会", "土地流转", "现场", "赵律师", 2],
            ["2024-06-02", "乙乡的村", "村委会", "借贷", "电话", "", 1],
            ["2024-06-04", "甲村", "村委会", "继承", "现场", "无名律师", 1],
        ],
    )
    result = ledgers.import_consultations(world.township_a, data, "c.xlsx", actor=world.clerk_a)
    assert [e.row for e in result.errors] == [3, 4]
    assert Consultation.objects.count() == 0
    data = xlsx(
        CONSULT_HEADERS,
        [
            ["2024-06-01", "甲村", "村委会", "土地流转", "现场", "赵律师", 2],
            ["2024-06-02", "", "镇工作站", "借贷", "电话", "", 1],
        ],
    )
    result = ledgers.import_consultations(world.township_a, data, "c.xlsx", actor=world.clerk_a)
    assert result.ok and result.created == 2
    assert set(Consultation.objects.values_list("unit__name", flat=True)) == {"甲村", "甲镇"}


def test_centre_import_refuses_duplicate_days_and_csv_works(world):
    csv = "日期,接待办事群众(人次),自助服务机使用(件)\n2024-06-03,5,2\n2024-06-03,6,1\n".encode()
    result = ledgers.import_center_days(world.township_a, csv, "c.csv", actor=world.clerk_a)
    assert [str(e) for e in result.errors] == ["第3行“日期”：与第2行重复"]
    assert ServiceCenterDay.objects.count() == 0
    csv = "日期,接待人次,自助服务机使用量\n2024-06-03,5,2\n2024-06-04,6,1\n".encode("gb18030")
    assert (
        ledgers.import_center_days(world.township_a, csv, "c.csv", actor=world.clerk_a).created == 2
    )


def test_import_page_shows_row_errors(world, client_for):
    c = client_for(world.clerk_a)
    data = xlsx(CONSULT_HEADERS, [["不是日期", "甲村", "村委会", "土地流转", "现场", "", 2]])
    resp = c.post(
        reverse("legalservice:consultations_import"), {"file": SimpleUploadedFile("c.xlsx", data)}
    )
    assert resp.status_code == 400  # bad input is answered 4xx, with the rows' reasons
    text = resp.content.decode()
    assert "未导入任何记录" in text and "第2行“日期”" in text
    resp = c.post(
        reverse("legalservice:consultations_import"),
        {"file": SimpleUploadedFile("x.pdf", b"%PDF-1")},
    )
    assert "请上传 Excel" in resp.content.decode()


def test_pages_register_an_adviser_and_the_gap_closes(world, client_for):
    c = client_for(world.clerk_a)
    resp = c.get(reverse("legalservice:coverage"))
    assert 'data-gap="甲村"' in resp.content.decode()
    resp = c.post(
        reverse("legalservice:adviser_new"),
        {
            "name": "赵律师",
            "firm": "正道律师事务所",
            "phone": "13912345678",
            "contract_start": "2024-01-01",
            "contract_end": "2024-12-31",
            "served": [world.village_a.pk],
            "active": "on",
        },
    )
    a = LegalAdviser.objects.get()
    assert resp.status_code == 302 and resp.url == reverse(
        "legalservice:adviser_detail", args=[a.pk]
    )
    detail = c.get(resp.url).content.decode()
    assert "139****5678" in detail and "13912345678" not in detail
    resp = c.get(reverse("legalservice:coverage"))
    assert "全部 1 个村(社区)都有在聘的法律顾问" in resp.content.decode()
    # Bad input re-renders with the reason, writes nothing.
    resp = c.post(
        reverse("legalservice:adviser_new"),
        {
            "name": "钱律师",
            "firm": "所",
            "contract_start": "2024-06-01",
            "contract_end": "2024-01-01",
        },
    )
    assert resp.status_code == 400 and "截止日期不能早于" in resp.content.decode()
    assert LegalAdviser.objects.count() == 1


def test_a_county_user_reads_but_cannot_register(world, client_for):
    adviser(world)
    c = client_for(world.supervisor)
    assert c.get(reverse("legalservice:index")).status_code == 200
    assert c.get(reverse("legalservice:advisers")).status_code == 200
    assert c.get(reverse("legalservice:adviser_new")).status_code == 403


def test_lists_filter_paginate_and_export_in_the_ledger_layout(world, client_for):
    a = adviser(world)
    for i in range(55):
        services.record_consultation(
            unit=world.village_a,
            actor=world.clerk_a,
            date=dt.date(2024, 5, 1 + i % 28),
            place="村委会",
            topic=f"事项{i}",
            channel="phone" if i % 2 else "on_site",
            adviser=a,
            persons=1,
        )
    c = client_for(world.clerk_a)
    page = c.get(reverse("legalservice:consultations")).content.decode()
    assert "共 55 条" in page and "第 1 / 2 页" in page
    page = c.get(reverse("legalservice:consultations"), {"channel": "phone"}).content.decode()
    assert "共 27 条" in page
    resp = c.get(reverse("legalservice:consultations"), {"channel": "phone", "format": "xlsx"})
    ws = load_workbook(io.BytesIO(resp.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == (
        "日期",
        "村(社区)/乡镇",
        "地点",
        "咨询事项",
        "咨询类别",
        "方式",
        "法律顾问",
        "服务人次",
    )
    assert len(rows) == 28 and {r[5] for r in rows[1:]} == {"电话"}
    assert AuditEvent.objects.filter(event="export").exists()
    # The adviser export masks the phone.
    resp = c.get(reverse("legalservice:advisers"), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(resp.content)).active.iter_rows(values_only=True))
    assert rows[1][-1] == "139****5678"


def test_api_create_coverage_and_refusals(world, api_for):
    api = api_for(world.clerk_a)
    resp = api.post(
        "/legalservice/advisers/",
        {
            "unit_id": world.township_a.pk,
            "name": "赵律师",
            "firm": "正道律师事务所",
            "phone": "13912345678",
            "contract_start": "2024-01-01",
            "contract_end": "2024-12-31",
            "units_served": [world.village_a.pk],
        },
    )
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["phone"] == "139****5678" and body["in_force"] is True
    cov = api.get("/legalservice/coverage", unit_id=world.township_a.pk).json()
    assert cov["gaps"] == [] and cov["covered"] == 1
    shift = api.post(
        "/legalservice/shifts/",
        {"unit_id": world.village_a.pk, "adviser_id": body["id"], "date": "2024-06-28"},
    )
    assert shift.status_code == 201
    resp = api.post(f"/legalservice/shifts/{shift.json()['id']}/actions/hold", {})
    assert resp.status_code == 409 and "尚未到" in resp.json()["error"]["message"]
    resp = api.post(
        "/legalservice/consultations/",
        {
            "unit_id": world.village_a.pk,
            "date": "2024-06-01",
            "place": "村委会",
            "topic": "t",
            "persons": 0,
        },
    )
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "invalid_input"
    resp = api.post("/legalservice/consultations/", {"unit_id": world.village_a.pk, "date": "nope"})
    assert resp.status_code == 422
    ind = api.get("/legalservice/indicators", year=2024, unit_id=world.township_a.pk).json()
    assert ind["village_coverage"]["rate"] == 1.0
    # Another township's clerk cannot register for A.
    resp = api_for(world.clerk_b).post(
        "/legalservice/consultations/",
        {"unit_id": world.village_a.pk, "date": "2024-06-01", "place": "p", "topic": "t"},
    )
    assert resp.status_code == 404


def test_cli_coverage_import_and_errors(world, tmp_path, capsys):
    call_command("legalservice", "coverage", "甲镇", "--format", "json")
    assert '"gaps": ["甲村"]' in capsys.readouterr().out
    bad = tmp_path / "c.csv"
    bad.write_text("日期,地点,咨询事项\n2024-99-01,村委会,土地\n", encoding="utf-8")
    with pytest.raises(CommandError, match="1 处错误"):
        call_command(
            "legalservice", "import", "consultations", "甲镇", str(bad), "--user", "clerk_a"
        )
    assert Consultation.objects.count() == 0
    good = tmp_path / "g.csv"
    good.write_text("日期,地点,咨询事项,村(社区)\n2024-06-01,村委会,土地,甲村\n", encoding="utf-8")
    call_command("legalservice", "import", "consultations", "甲镇", str(good), "--user", "clerk_a")
    assert Consultation.objects.get().unit == world.village_a
    with pytest.raises(CommandError, match="找不到单位"):
        call_command("legalservice", "coverage", "没有这个镇")
    with pytest.raises(CommandError, match="无权"):
        call_command(
            "legalservice",
            "settings",
            "甲县",
            "--min-days",
            "3",
            "--min-days-remote",
            "1",
            "--user",
            "clerk_a",
        )
    call_command(
        "legalservice",
        "settings",
        "甲县",
        "--min-days",
        "3",
        "--min-days-remote",
        "1",
        "--user",
        "supervisor",
    )
    assert services.settings_for(world.village_a) == (3, 1)
