"""Leading group, duty reports, funding; pages, API, CLI, import of findings."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from fazhi.core import attachments, excel
from fazhi.core.errors import InvalidInput
from fazhi.oversight import importers, services
from fazhi.oversight.models import Rectification, RectificationStatus
from tests.scoping import ROUTES, seed

from .helpers import county_inspection, finding

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HEADERS = ["发现的问题", "整改要求", "责任人", "责任人账号", "整改期限"]


def test_leading_group_has_one_leader_and_section_three_reads_it(world):
    g = services.save_group(
        unit=world.township_a,
        actor=world.admin_a,
        year=2024,
        office="司法所",
        doc_number="甲发〔2024〕3号",
    )
    services.add_member(g, actor=world.admin_a, role="leader", name="李书记", post="党委书记")
    services.add_member(g, actor=world.admin_a, role="deputy", name="王镇长", post="镇长")
    services.add_member(g, actor=world.admin_a, role="member", name="周所长", post="司法所所长")
    with pytest.raises(InvalidInput, match="已有组长"):
        services.add_member(g, actor=world.admin_a, role="leader", name="另一人", post="x")
    assert (
        services.save_group(
            unit=world.township_a, actor=world.admin_a, year=2024, office="党政办"
        ).pk
        == g.pk
    )
    services.create_duty_report(
        unit=world.township_a,
        actor=world.admin_a,
        year=2024,
        person_name="李书记",
        post="党委书记",
        study="2024-03-01 宪法",
        topics="听取法治工作汇报\n研究普法要点",
        report_text="述法……",
        report_date=dt.date(2024, 12, 20),
    )
    with pytest.raises(InvalidInput, match="述法日期"):
        services.create_duty_report(
            unit=world.township_a,
            actor=world.admin_a,
            year=2024,
            person_name="王镇长",
            post="镇长",
            report_text="述法……",
        )
    services.create_funding(
        unit=world.township_a,
        actor=world.admin_a,
        year=2024,
        kind="publicity",
        item="普法",
        amount=30000,
    )
    services.create_funding(
        unit=world.township_a,
        actor=world.admin_a,
        year=2024,
        kind="rule_of_law",
        item="法治",
        amount="50000.50",
    )
    with pytest.raises(InvalidInput, match="负数"):
        services.create_funding(
            unit=world.township_a,
            actor=world.admin_a,
            year=2024,
            kind="publicity",
            item="x",
            amount=-1,
        )
    s3 = services.section_three(world.township_a, 2024)
    assert s3["leading_group"].office == "党政办"
    assert [m.get_role_display() for m in s3["members"]] == ["组长", "副组长", "成员"]
    assert s3["topics"] == ["听取法治工作汇报", "研究普法要点"]
    assert s3["funding"]["total"] == Decimal("80000.50")
    with pytest.raises(PermissionDenied, match="无权"):
        services.save_group(unit=world.township_a, actor=world.clerk_b, year=2024)


def test_import_findings_all_or_nothing(world):
    insp = county_inspection(world)
    data = excel.export_xlsx(
        "t",
        HEADERS,
        [
            ["备案超期", "补办", "钱副镇长", "", "2024-10-30"],
            ["", "x", "孙某", "", "2024-10-30"],  # no problem
            ["公示滞后", "", "李某", "clerk_b", "2024-10-30"],  # owner from another township
            ["档案缺失", "", "赵某", "", "2024-01-01"],  # before the inspection
        ],
    )
    result = importers.import_findings(insp, data, "f.xlsx", actor=world.supervisor)
    assert [str(e) for e in result.errors] == ["第3行“发现的问题”：不能为空"]
    assert Rectification.objects.count() == 0
    data = excel.export_xlsx(
        "t",
        HEADERS,
        [
            ["备案超期", "补办", "钱副镇长", "", "2024-10-30"],
            ["公示滞后", "", "李某", "clerk_b", "2024-10-30"],
            ["档案缺失", "", "赵某", "", "2024-01-01"],
        ],
    )
    result = importers.import_findings(insp, data, "f.xlsx", actor=world.supervisor)
    assert [e.row for e in result.errors] == [3, 4]
    assert Rectification.objects.count() == 0
    data = excel.export_xlsx(
        "t",
        HEADERS,
        [
            ["备案超期", "补办", "钱副镇长", "clerk_a", "2024-10-30"],
            ["公示滞后", "", "李某", "", None],
        ],
    )
    result = importers.import_findings(insp, data, "f.xlsx", actor=world.supervisor)
    assert result.ok and result.created == 2
    assert list(
        Rectification.objects.order_by("number").values_list("number", "owner_user__username")
    ) == [(1, "clerk_a"), (2, None)]


def test_rectification_page_shows_allowed_actions_and_reasons(world, client_for):
    r = finding(county_inspection(world), world, days=10)
    c = client_for(world.clerk_a)
    url = reverse("oversight:rectification_detail", args=[r.pk])
    resp = c.post(url, {"action": "start", "version": "0"})
    assert resp.status_code == 302
    page = c.get(url).content.decode()
    assert "请填写整改措施" in page
    c.post(url, {"action": "start", "measures": "补办备案", "version": "0"})
    page = c.get(url).content.decode()
    assert 'data-refused="submit"' in page and "请先上传整改证明材料" in page
    attachments.attach(r, SimpleUploadedFile("证据.png", PNG), user=world.clerk_a)
    c.post(url, {"action": "submit", "evidence_note": "已补办", "version": "1"})
    r.refresh_from_db()
    assert r.status == RectificationStatus.SUBMITTED
    admin_page = client_for(world.admin_a).get(url).content.decode()
    assert "督察发现的问题由甲县督察人员销号" in admin_page
    sup = client_for(world.supervisor)
    sup.post(url, {"action": "sign_off", "version": str(r.version)})
    r.refresh_from_db()
    assert r.status == RectificationStatus.SIGNED_OFF


def test_lists_filter_overdue_and_the_county_view(world, client_for):
    insp = county_inspection(world)
    finding(insp, world, problem="早已逾期的问题", deadline=dt.date(2024, 9, 20))
    finding(insp, world, problem="还没到期的问题", deadline=dt.date(2099, 1, 1))
    sup = client_for(world.supervisor)
    page = sup.get(reverse("oversight:rectifications"), {"status": "overdue"}).content.decode()
    assert "早已逾期的问题" in page and "还没到期的问题" not in page
    page = sup.get(reverse("oversight:by_township")).content.decode()
    assert "甲镇" in page and "早已逾期的问题" not in page and "问题1" in page
    resp = sup.get(reverse("oversight:rectifications"), {"status": "overdue", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(resp.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "问题" and len(rows) == 2 and rows[1][-1] == "是"
    index = sup.get(reverse("oversight:index")).content.decode()
    assert "各乡镇整改情况" in index
    # The township sees the county's inspection and its own findings.
    page = (
        client_for(world.clerk_a)
        .get(reverse("oversight:inspection_detail", args=[insp.pk]))
        .content.decode()
    )
    assert "早已逾期的问题" in page and "登记并交办整改" not in page


def test_own_unit_reaches_every_detail_route(world, client_for):
    objs = seed(world)
    c = client_for(world.admin_a)
    for name, kwargs in ROUTES.items():
        if name.startswith("oversight:"):
            status = c.get(reverse(name, kwargs=kwargs(world, objs))).status_code
            # A step is taken by POST only; every other route is a page.
            assert status in ((405,) if name.endswith("_act") else (200, 403)), name
    assert (
        c.get(
            reverse(
                "oversight:inspection_import",
                kwargs=ROUTES["oversight:inspection_import"](world, objs),
            )
        ).status_code
        == 403
    )
    sup = client_for(world.supervisor)
    assert (
        sup.get(
            reverse(
                "oversight:inspection_import",
                kwargs=ROUTES["oversight:inspection_import"](world, objs),
            )
        ).status_code
        == 200
    )


def test_pages_for_group_reports_and_funding(world, client_for):
    c = client_for(world.admin_a)
    resp = c.post(
        reverse("oversight:group_edit") + "?year=2024",
        {"name": "法治建设工作领导小组", "office": "司法所"},
    )
    assert resp.status_code == 302
    resp = c.post(
        resp.url, {"action": "add", "role": "leader", "name": "李书记", "post": "党委书记"}
    )
    assert resp.status_code == 302
    assert "李书记" in c.get(resp.url).content.decode()
    resp = c.post(
        reverse("oversight:report_new"),
        {
            "person_name": "李书记",
            "post": "党委书记",
            "report_text": "述法",
            "report_date": "2099-01-01",
        },
    )
    # A rejected form answers 400 with the reason (the ledger pages), not 200.
    assert resp.status_code == 400 and "不能晚于今天" in resp.content.decode()
    resp = c.post(
        reverse("oversight:funding"),
        {"kind": "publicity", "item": "普法经费", "amount": "1000", "spent": "0"},
    )
    assert resp.status_code == 302
    assert "普法经费" in c.get(reverse("oversight:funding")).content.decode()
    assert client_for(world.supervisor).post(reverse("oversight:funding"), {}).status_code == 403


def test_api_flow_and_refusals(world, api_for):
    sup = api_for(world.supervisor)
    resp = sup.post(
        "/oversight/inspections/",
        {
            "kind": "supervision",
            "target_id": world.township_a.pk,
            "date": "2024-09-10",
            "title": "督察",
        },
    )
    assert resp.status_code == 201, resp.content
    iid = resp.json()["id"]
    resp = sup.post(
        f"/oversight/inspections/{iid}/findings",
        {"problem": "备案超期", "owner_name": "钱某", "days": 10},
    )
    assert resp.status_code == 201
    rid = resp.json()["id"]
    assert resp.json()["kind"] == "supervision"
    clerk = api_for(world.clerk_a)
    resp = clerk.post(f"/oversight/rectifications/{rid}/actions/submit", {})
    assert resp.status_code == 409 and "当前状态为“待整改”" in resp.json()["error"]["message"]
    resp = clerk.post(
        f"/oversight/rectifications/{rid}/actions/start", {"measures": "补办", "version": 0}
    )
    assert resp.status_code == 200 and resp.json()["status"] == "in_progress"
    resp = clerk.post(
        f"/oversight/rectifications/{rid}/actions/start", {"measures": "补办", "version": 0}
    )
    assert resp.status_code == 409
    resp = clerk.post(f"/oversight/rectifications/{rid}/actions/fly", {})
    assert resp.status_code == 409
    resp = clerk.post(f"/oversight/inspections/{iid}/findings", {"problem": "x", "owner_name": "y"})
    assert resp.status_code == 403 and resp.json()["error"]["code"] == "forbidden"
    items = clerk.get("/oversight/rectifications/", overdue="true").json()
    assert items["count"] == 1
    assert sup.get("/oversight/indicators", year=2024).json()["closed_rate"]["total"] == 1


def test_cli_lists_and_acts(world, capsys, tmp_path):
    r = finding(county_inspection(world), world, deadline=dt.date(2024, 9, 30))
    call_command("oversight", "rectifications", "甲县", "--overdue", "--format", "json")
    assert f'"id": {r.pk}' in capsys.readouterr().out
    call_command(
        "oversight", "action", str(r.pk), "start", "--user", "clerk_a", "--measures", "补办"
    )
    r.refresh_from_db()
    assert r.status == RectificationStatus.IN_PROGRESS
    with pytest.raises(CommandError, match="请先上传整改证明材料"):
        call_command(
            "oversight", "action", str(r.pk), "submit", "--user", "clerk_a", "--evidence-note", "e"
        )
    with pytest.raises(CommandError, match="找不到整改事项"):
        call_command("oversight", "action", str(r.pk), "start", "--user", "clerk_b")
    bad = tmp_path / "f.csv"
    bad.write_text("发现的问题,责任人\n,钱某\n", encoding="utf-8")
    with pytest.raises(CommandError, match="1 处错误"):
        call_command(
            "oversight", "import-findings", str(r.inspection_id), str(bad), "--user", "supervisor"
        )
    assert Rectification.objects.count() == 1
