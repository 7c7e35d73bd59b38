"""What the oversight ledgers gained on the ledger framework: API create for leading
groups, duty reports and funding; edit pages; Excel import of funding and duty reports
(a bad row named by its row number, a second import of the same file creating nothing)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fazhi.core import excel
from fazhi.ledgers import importing
from fazhi.oversight import services
from fazhi.oversight.ledgers import REPORT
from fazhi.oversight.models import DutyReport, Funding, LeadingGroup

from .helpers import county_inspection, finding

pytestmark = pytest.mark.django_db
FUNDING_HEADERS = ["年度", "类别", "项目", "预算金额(元)", "已支出(元)", "备注"]


def _xlsx(headers, rows, name="f.xlsx"):
    return SimpleUploadedFile(name, excel.export_xlsx("t", headers, rows))


def test_api_creates_groups_reports_and_funding(world, api_for):
    api = api_for(world.admin_a)
    unit = world.township_a.pk
    resp = api.post(
        "/oversight/groups/", {"unit_id": unit, "data": {"year": 2024, "office": "司法所"}}
    )
    assert resp.status_code == 201, resp.content
    group = LeadingGroup.objects.get(pk=resp.json()["id"])
    assert (group.unit, group.year, group.office, group.name) == (
        world.township_a,
        2024,
        "司法所",
        "法治建设工作领导小组",
    )
    resp = api.post("/oversight/groups/", {"unit_id": unit, "data": {"year": 2024}})
    assert resp.status_code == 400 and "已建立领导小组" in resp.json()["error"]["message"]
    resp = api.post(
        "/oversight/reports/",
        {"unit_id": unit, "data": {"year": 2024, "person_name": "李书记", "post": "党委书记"}},
    )
    assert resp.status_code == 201, resp.content
    assert DutyReport.objects.get(pk=resp.json()["id"]).person_name == "李书记"
    resp = api.post(
        "/oversight/funding/",
        {
            "unit_id": unit,
            "data": {"year": 2024, "kind": "publicity", "item": "普法经费", "amount": "3000"},
        },
    )
    assert resp.status_code == 201, resp.content
    assert Funding.objects.get(pk=resp.json()["id"]).amount == Decimal("3000")
    resp = api.post(
        "/oversight/funding/",
        {"unit_id": unit, "data": {"year": 2024, "kind": "x", "item": "i", "amount": "1"}},
    )
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "invalid_input"
    # A role that may not register in the unit is refused (403), before its input is read.
    resp = api_for(world.supervisor).post(
        "/oversight/funding/", {"unit_id": unit, "data": {"year": 2024}}
    )
    assert resp.status_code == 403 and resp.json()["error"]["code"] == "forbidden"


def test_edit_pages(world, client_for):
    c = client_for(world.admin_a)
    f = services.create_funding(
        unit=world.township_a,
        actor=world.admin_a,
        year=2024,
        kind="publicity",
        item="普法",
        amount=1,
    )
    url = reverse("oversight:funding_edit", args=[f.pk])
    assert "普法" in c.get(url).content.decode()
    form = {"kind": "rule_of_law", "item": "法治建设", "amount": "2000.5", "spent": "100"}
    resp = c.post(url, form)
    assert resp.status_code == 302, resp.content.decode()
    f.refresh_from_db()
    assert (f.kind, f.item, f.amount, f.spent) == (
        "rule_of_law",
        "法治建设",
        Decimal("2000.50"),
        Decimal("100.00"),
    )
    resp = c.post(url, {**form, "amount": "abc"})
    assert resp.status_code == 400 and "“预算金额(元)”应为数字" in resp.content.decode()
    assert client_for(world.clerk_b).get(url).status_code == 404

    g = services.save_group(unit=world.township_a, actor=world.admin_a, year=2024)
    resp = c.post(reverse("oversight:group_update", args=[g.pk]), {"office": "党政办"})
    assert resp.status_code == 302
    g.refresh_from_db()
    assert g.office == "党政办" and g.name == "法治建设工作领导小组"
    # The 建立/调整 page opens the existing group's edit page.
    resp = c.get(reverse("oversight:group_edit") + "?year=2024")
    assert resp.url == reverse("oversight:group_update", args=[g.pk])

    r = finding(county_inspection(world), world, days=10)
    url = reverse("oversight:rectification_edit", args=[r.pk])
    resp = client_for(world.clerk_a).post(url, {"measures": "补办备案", "evidence_note": ""})
    assert resp.status_code == 302
    r.refresh_from_db()
    assert r.measures == "补办备案" and r.version == 1
    assert client_for(world.supervisor).post(url, {"measures": "x"}).status_code == 403


def test_funding_import_names_bad_rows_and_is_idempotent(world, client_for):
    c = client_for(world.admin_a)
    url = reverse("oversight:funding_import")
    assert "预算金额(元)" in c.get(url).content.decode()
    rows = [
        [2024, "普法经费", "普法宣传", 30000, 25500, ""],
        [2024, "宣传费", "x", 1, 0, ""],  # not a kind
    ]
    resp = c.post(url, {"unit": world.township_a.pk, "file": _xlsx(FUNDING_HEADERS, rows)})
    assert resp.status_code == 400 and "第3行“类别”" in resp.content.decode()
    negative = [rows[0], [2024, "法治建设经费", "法治建设", -5, 0, ""]]
    resp = c.post(url, {"unit": world.township_a.pk, "file": _xlsx(FUNDING_HEADERS, negative)})
    assert resp.status_code == 400 and "第3行：金额不能为负数" in resp.content.decode()
    assert Funding.objects.count() == 0
    good = [rows[0], [2024, "rule_of_law", "法治建设", "50,000", None, "县财政"]]
    resp = c.post(url, {"unit": world.township_a.pk, "file": _xlsx(FUNDING_HEADERS, good)})
    assert resp.status_code == 302
    assert Funding.objects.filter(unit=world.township_a).count() == 2
    resp = c.post(url, {"unit": world.township_a.pk, "file": _xlsx(FUNDING_HEADERS, good)})
    assert resp.status_code == 302 and Funding.objects.count() == 2
    # A unit under the chosen one, named in the 单位 column; another township is refused.
    resp = c.post(
        url,
        {
            "unit": world.township_a.pk,
            "file": _xlsx([*FUNDING_HEADERS, "单位"], [[2024, "其他", "村普法", 1, 0, "", "乙乡"]]),
        },
    )
    assert resp.status_code == 400 and "不是甲镇或其下属单位" in resp.content.decode()
    assert client_for(world.supervisor).get(url).status_code == 403


def test_duty_report_import(world):
    headers = ["年度", "姓名", "职务", "听取汇报议题", "述法日期"]
    rows = [
        [2024, "李书记", "党委书记", "听取法治工作汇报", "2024-12-20"],
        [2024, "", "镇长", "", ""],
    ]
    result = importing.run(
        REPORT,
        root=world.township_a,
        actor=world.admin_a,
        data=excel.export_xlsx("t", headers, rows),
        filename="r.xlsx",
    )
    assert [e.row for e in result.errors] == [3] and DutyReport.objects.count() == 0
    data = excel.export_xlsx("t", headers, rows[:1])
    first = importing.run(
        REPORT, root=world.township_a, actor=world.admin_a, data=data, filename="r.xlsx"
    )
    again = importing.run(
        REPORT, root=world.township_a, actor=world.admin_a, data=data, filename="r.xlsx"
    )
    assert (first.created, again.created, again.skipped) == (1, 0, 1)
    assert DutyReport.objects.get().topic_list == ["听取法治工作汇报"]


def test_inspection_new_page_for_the_county(world, client_for):
    sup = client_for(world.supervisor)
    url = reverse("oversight:inspection_new")
    page = sup.get(url).content.decode()
    assert "甲镇" in page and "乙乡" in page
    resp = sup.post(
        url,
        {
            "unit": world.township_a.pk,
            "kind": "supervision",
            "date": "2024-09-10",
            "title": "年度督察",
        },
    )
    assert resp.status_code == 302, resp.content.decode()
    insp = services.Inspection.objects.get(title="年度督察")
    assert (insp.unit, insp.target) == (world.county, world.township_a)
    # The inspected township sees it, with the finding form for the county only.
    page = client_for(world.clerk_a).get(resp.url).content.decode()
    assert "年度督察" in page and "登记并交办整改" not in page
    assert "登记并交办整改" in sup.get(resp.url).content.decode()


def test_cli_ledger_ops_beside_the_older_verbs(world, capsys):
    from django.core.management import CommandError, call_command

    call_command(
        "oversight",
        "funding",
        "create",
        "--unit",
        "甲镇",
        "--as",
        "admin_a",
        *(
            "--set",
            "year=2024",
            "--set",
            "kind=普法经费",
            "--set",
            "item=普法",
            "--set",
            "amount=500",
        ),
    )
    f = Funding.objects.get()
    assert (f.unit, f.kind, f.amount) == (world.township_a, "publicity", Decimal("500"))
    with pytest.raises(CommandError, match="无权"):
        call_command(
            "oversight", "funding", "create", "--unit", "甲镇", "--as", "clerk_b", "--set", "item=x"
        )
    r = finding(county_inspection(world), world, days=10)
    call_command(
        "oversight", "rectification", "act", str(r.pk), "start", "--as", "clerk_a",
        "--set", "measures=补办备案",
    )  # fmt: skip
    r.refresh_from_db()
    assert r.status == "in_progress" and r.measures == "补办备案"
    capsys.readouterr()
    call_command("oversight", "closed-rate", "甲县", "--year", str(r.inspection.year))
    assert '"total": 1' in capsys.readouterr().out
    with pytest.raises(CommandError, match="缺少参数"):
        call_command("oversight", "import-findings", str(r.inspection_id))


def test_inspection_import_page_and_its_template(world, client_for):
    insp = county_inspection(world)
    sup = client_for(world.supervisor)
    url = reverse("oversight:inspection_import", args=[insp.pk])
    assert "发现的问题" in sup.get(url).content.decode()
    resp = sup.get(url, {"template": "1"})
    assert resp.status_code == 200 and resp.content.startswith(b"PK")
    bad = SimpleUploadedFile("f.csv", "发现的问题,责任人\n,钱某\n".encode())
    resp = sup.post(url, {"file": bad})
    assert resp.status_code == 400 and "第2行“发现的问题”：不能为空" in resp.content.decode()
    good = SimpleUploadedFile(
        "f.csv", "发现的问题,责任人,整改工作日数\n备案超期,钱某,10\n".encode()
    )
    resp = sup.post(url, {"file": good})
    assert resp.status_code == 302 and insp.findings.count() == 1


def test_api_filters_from_before_the_framework(world, api_for):
    insp = county_inspection(world)
    finding(insp, world, days=10)
    api = api_for(world.supervisor)
    get = lambda **q: api.get("/oversight/rectifications/", **q)  # noqa: E731
    assert get(inspection_id=insp.pk).json()["count"] == 1
    assert get(unit_id=world.township_a.pk).json()["count"] == 1
    assert get(unit_id=world.township_b.pk).json()["count"] == 0
    # Bad values select nothing; never a 500.
    for bad in ("9" * 30, "abc", "-1"):
        for key in ("inspection_id", "unit_id"):
            resp = get(**{key: bad})
            assert resp.status_code == 200 and resp.json()["count"] == 0, (key, bad)
