"""Pages, API, CLI, Excel and DOCX of the openness ledgers: bad input refused with a
Chinese message and nothing written, personal data masked, notices from the record."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
import time_machine
from django.core.management import CommandError, call_command

from fazhi.core import excel
from fazhi.core.models import AuditEvent
from fazhi.openness import ledgers
from fazhi.openness.models import Disclosure, InformationRequest

from .helpers import ID, PHONE, act, request

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel("2024-06-20 10:00 +0800", tick=False):
        yield


NEW = {
    "applicant_kind": "person",
    "applicant_name": "王小五",
    "id_number": ID,
    "phone": PHONE,
    "content": "本村土地征收补偿明细",
    "channel": "in_person",
    "received_on": "2024-06-03",
}


# ---------------------------------------------------------------- bad input


def test_page_refuses_bad_input_in_chinese_and_writes_nothing(world, client_for):
    c = client_for(world.clerk_a)
    bad = {**NEW, "unit": world.township_a.pk, "id_number": "110105194912310022"}
    resp = c.post("/openness/requests/new/", bad)
    assert resp.status_code in (200, 400)
    assert "身份证号码无效" in resp.content.decode()
    resp = c.post("/openness/requests/new/", {**bad, "id_number": "", "received_on": "2024-07-01"})
    assert "不能晚于今天" in resp.content.decode()
    assert InformationRequest.objects.count() == 0
    resp = c.post("/openness/requests/new/", {**bad, "id_number": ID})
    assert resp.status_code == 302
    r = InformationRequest.objects.get()
    resp = c.post(
        f"/openness/requests/{r.pk}/actions/extend/",
        {"days": "30", "approver": "主任", "reason": "x"},
    )
    assert resp.status_code == 409 and "1 到 20 个工作日" in resp.content.decode()
    r.refresh_from_db()
    assert r.extension_days is None


def test_api_refuses_bad_input_with_a_code(world, api_for):
    api = api_for(world.clerk_a)
    resp = api.post(
        "/openness/requests/", {**NEW, "unit_id": world.township_a.pk, "phone": "12345"}
    )
    assert resp.status_code == 400
    assert resp.json()["error"]["code"] and "联系电话无效" in resp.json()["error"]["message"]
    assert InformationRequest.objects.count() == 0
    resp = api.post("/openness/requests/", {**NEW, "unit_id": world.township_a.pk})
    assert resp.status_code == 201, resp.content
    pk = resp.json()["id"]
    resp = api.post(
        f"/openness/requests/{pk}/actions/extend", {"data": {"days": 10, "reason": "x"}}
    )
    assert resp.status_code == 409 and "批准人" in resp.json()["error"]["message"]
    resp = api.post(
        f"/openness/requests/{pk}/actions/extend",
        {"data": {"days": 10, "reason": "会商", "approver": "党政办主任"}},
    )
    assert resp.status_code == 200, resp.content
    assert resp.json()["fields"]["extension_days"] == 10


def test_cli_refuses_bad_input_with_one_line(world):
    args = ["openness", "request", "create", "--as", "clerk_a", "--unit", world.township_a.code]
    sets = [f"--set={k}={v}" for k, v in {**NEW, "channel": "飞鸽"}.items()]
    with pytest.raises(CommandError, match="申请方式”不是有效选项"):
        call_command(*args, *sets)
    assert InformationRequest.objects.count() == 0
    out = io.StringIO()
    call_command(*args, *[f"--set={k}={v}" for k, v in NEW.items()], stdout=out)
    r = InformationRequest.objects.get()
    with pytest.raises(CommandError, match="1 到 20 个工作日"):
        call_command("openness", "request", "act", str(r.pk), "extend", "--as", "clerk_a",
                     "--set", "days=25", "--set", "approver=主任", "--set", "reason=x")  # fmt: skip
    with pytest.raises(CommandError, match="尚未告知补正"):
        call_command("openness", "document", str(r.pk), "correction", "--as", "clerk_a",
                     "-o", "/tmp/openness-test.docx")  # fmt: skip


# ---------------------------------------------------------------- masking


def test_personal_data_is_masked_and_the_reveal_audited(world, client_for, api_for):
    r = request(world)
    body = client_for(world.clerk_a).get("/openness/requests/").content.decode()
    assert "王*五" in body and "王小五" not in body
    c = client_for(world.supervisor)  # the county sees the township's ledger, may not reveal
    detail = c.get(f"/openness/requests/{r.pk}/").content.decode()
    assert "王小五" not in detail and PHONE not in detail and ID not in detail
    assert "139****5678" in detail
    fields = api_for(world.supervisor).get(f"/openness/requests/{r.pk}").json()["fields"]
    assert fields["applicant_name"] == "王*五" and fields["phone"] == "139****5678"
    assert fields["id_number"] == "110105********002X"
    before = AuditEvent.objects.filter(event="pii_reveal").count()
    admin = client_for(world.admin_a)
    admin.post(f"/openness/requests/{r.pk}/reveal/{r.pk}/phone/")
    assert PHONE in admin.get(f"/openness/requests/{r.pk}/").content.decode()
    assert AuditEvent.objects.filter(event="pii_reveal").count() == before + 1
    # Stored encrypted: the raw column holds neither the name nor the number.
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT applicant_name, phone FROM openness_informationrequest")
        name, phone = cur.fetchone()
    assert "王小五" not in name and PHONE not in phone


def test_an_organisations_name_is_shown_as_it_is(world, client_for):
    request(world, applicant_kind="business", applicant_name="某某建筑工程有限公司", id_number="")
    body = client_for(world.clerk_a).get("/openness/requests/").content.decode()
    assert "某某建筑工程有限公司" in body


# ---------------------------------------------------------------- documents


def _docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/document.xml").decode()


def test_notices_are_filled_from_the_record(world, client_for, tmp_path):
    r = request(world)
    c = client_for(world.clerk_a)
    resp = c.get(f"/openness/docs/request/{r.pk}/extension.docx")
    assert resp.status_code == 302  # not extended: back to the record with the reason
    r = act(r, "correct", world.clerk_a, date="2024-04-03", items="请写明所需信息的文号")
    text = _docx_text(c.get(f"/openness/docs/request/{r.pk}/correction.docx").content)
    assert "补正告知书" in text and "请写明所需信息的文号" in text and "2024年4月3日" in text
    r = act(r, "complete", world.clerk_a, date="2024-04-15")
    r = act(r, "extend", world.clerk_a, days=10, approver="党政办主任", reason="需会商相关部门",
            approved_on="2024-05-08", notified_on="2024-05-09")  # fmt: skip
    text = _docx_text(c.get(f"/openness/docs/request/{r.pk}/extension.docx").content)
    assert "延长10个工作日" in text and "需会商相关部门" in text and "第三十三条" in text
    r = act(r, "reply", world.clerk_a, reply_type="unable", reason="not_held",
            content="经检索未制作该信息", date="2024-05-20")  # fmt: skip
    text = _docx_text(c.get(f"/openness/docs/request/{r.pk}/reply.docx").content)
    assert "答复书" in text and "本机关不掌握相关政府信息" in text and ID not in text
    out = tmp_path / "reply.docx"
    call_command("openness", "document", str(r.pk), "reply", "--as", "clerk_a", "-o", str(out))
    assert "经检索未制作该信息" in _docx_text(out.read_bytes())
    # A sibling township's clerk gets no notice of A's request.
    assert (
        client_for(world.clerk_b).get(f"/openness/docs/request/{r.pk}/reply.docx").status_code
        == 404
    )


# ---------------------------------------------------------------- disclosure, import, summary


def test_disclosure_import_all_or_nothing_and_counts_per_category(world, client_for):
    headers = ["公开日期", "信息名称", "公开类别", "公开渠道", "文号/索引号"]
    bad = excel.export_xlsx("t", headers, [
        ["2024-03-01", "2024年部门预算", "财政预决算", "政府网站", "A-1"],
        ["2024-03-02", "低保名单公示", "社会救助", "飞鸽传书", "A-2"],
    ])  # fmt: skip
    result = ledgers.import_disclosures(world.township_a, bad, "d.xlsx", actor=world.clerk_a)
    assert not result.ok and Disclosure.objects.count() == 0
    assert any(str(e).startswith("第3行“公开渠道”") for e in result.errors)
    good = excel.export_xlsx("t", headers, [
        ["2024-03-01", "2024年部门预算", "财政预决算", "政府网站", "A-1"],
        ["2024-03-02", "低保名单公示", "社会救助", "政务公开栏", "A-2"],
        ["2024-04-02", "2023年部门决算", "财政预决算", "政府网站", "A-3"],
    ])  # fmt: skip
    assert (
        ledgers.import_disclosures(world.township_a, good, "d.xlsx", actor=world.clerk_a).created
        == 3
    )
    again = ledgers.import_disclosures(world.township_a, good, "d.xlsx", actor=world.clerk_a)
    assert again.created == 0 and again.skipped == 3
    out = io.StringIO()
    call_command("openness", "summary", world.township_a.code, "--year", "2024", stdout=out)
    assert "主动公开政府信息 3 条" in out.getvalue()
    assert re.search(r"财政预决算\s+2", out.getvalue())
    page = client_for(world.clerk_a).get("/openness/?year=2024").content.decode()
    assert 'id="disclosed-total">3 条' in page
