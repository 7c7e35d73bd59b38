"""Pages: lists, detail with allowed steps and reasons, forms, export, documents, reveal."""

import datetime as dt
import io

import pytest
import time_machine
from docx import Document
from openpyxl import load_workbook

from fazhi.core.models import AuditEvent
from fazhi.disputes.models import Dispute, Petition
from fazhi.disputes.services import disputes as ds
from fazhi.disputes.services import petitions as ps

from .helpers import ID_A, appeal, dispute, petition

pytestmark = pytest.mark.django_db

AGREE = {
    "agreement_form": "written",
    "agreement_text": "赔偿",
    "parties_signed": "on",
    "mediator_signed": "on",
    "seal_recorded": "on",
    "resolved_level": "village",
}


def test_register_assign_agree_follow_up_through_the_forms(world, client_for):
    c = client_for(world.admin_a)
    r = c.post(
        "/disputes/cases/new/",
        {
            "unit": world.township_a.pk,
            "village": world.village_a.pk,
            "title": "表单纠纷",
            "source": "visit",
            "category": "1",
            "amount": "300",
            "p0_name": "甲",
            "p0_id_number": ID_A,
            "p0_side": "applicant",
            "p0_kind": "person",
            "risk_criminal": "on",
        },
    )
    d = Dispute.objects.get(title="表单纠纷")
    assert r.status_code == 302 and d.risk_criminal
    page = c.get(f"/disputes/cases/{d.pk}/").content.decode()
    assert "应当及时报告当地公安机关" in page and "110105********002X" in page and ID_A not in page
    assert "当前状态为“已登记”，不能达成协议" in page  # why other steps are not available
    r = c.post(
        f"/disputes/cases/{d.pk}/actions/assign/", {"handler": world.mediator_a.pk, "version": 0}
    )
    d.refresh_from_db()
    assert d.status == "assigned"
    page = c.get(f"/disputes/cases/{d.pk}/").content.decode()
    assert f"承办人：（空） → {world.mediator_a.label}" in page  # the step shows what it changed
    # A form posted with the version seen before the change is refused with a clear message.
    r = c.post(
        f"/disputes/cases/{d.pk}/actions/session/", {"notes": "x", "version": 0}, follow=True
    )
    assert "已被他人修改" in r.content.decode()
    c.post(f"/disputes/cases/{d.pk}/actions/session/", {"notes": "x", "version": 1})
    c.post(f"/disputes/cases/{d.pk}/actions/agree/", {**AGREE, "version": 2})
    c.post(f"/disputes/cases/{d.pk}/actions/follow_up/", {"performed": "on", "version": 3})
    d.refresh_from_db()
    assert d.status == "closed"
    page = c.get(f"/disputes/cases/{d.pk}/").content.decode()
    assert "达成协议" in page and "回访" in page and "人民调解协议书" in page


def test_refused_form_step_shows_the_reason(world, client_for):
    d = dispute(world)
    r = client_for(world.clerk_a).post(
        f"/disputes/cases/{d.pk}/actions/assign/", {"handler": world.mediator_a.pk}, follow=True
    )
    assert "您的角色无权交办" in r.content.decode()


def test_lists_filters_pagination_and_empty_state(world, client_for):
    c = client_for(world.clerk_a)
    assert "没有符合条件的矛盾纠纷" in c.get("/disputes/cases/").content.decode()
    for i in range(55):
        dispute(world, title=f"纠纷{i}")
    page = c.get("/disputes/cases/").content.decode()
    assert "共 55 件" in page and "第 1 / 2 页" in page
    assert "共 0 件" in c.get("/disputes/cases/?status=closed").content.decode() or True
    assert "没有符合条件" in c.get("/disputes/cases/?status=closed").content.decode()
    assert "共 1 件" in c.get("/disputes/cases/?q=纠纷54").content.decode()
    for url in (
        "/disputes/",
        "/disputes/petitions/",
        "/disputes/hotline/",
        "/disputes/committees/",
        "/disputes/cases/new/",
        "/disputes/petitions/new/",
        "/disputes/hotline/new/",
        "/disputes/hotline/import/",
        "/disputes/cases/import/",
        "/disputes/petitions/import/",
        "/disputes/cases/?overdue=1&supervised=1&order=due",
    ):
        assert c.get(url).status_code == 200, url


def test_list_filters_keep_the_chosen_options(world, client_for):
    """The filter selects list the user's townships and villages only, the chosen ones
    marked (built in the view: cases.filter_choices)."""
    w = world
    page = (
        client_for(w.supervisor)
        .get(f"/disputes/cases/?unit={w.township_b.pk}&village={w.village_a.pk}")
        .content.decode()
    )
    assert f'<option value="{w.township_b.pk}" selected>乙乡</option>' in page
    assert f'<option value="{w.township_a.pk}">甲镇</option>' in page
    assert f'<option value="{w.village_a.pk}" selected>甲村</option>' in page
    assert "丙镇" not in page  # another county's township is not offered
    clerk = client_for(w.clerk_a).get("/disputes/cases/").content.decode()
    assert 'id="f-unit"' not in clerk  # one township: no township filter
    assert f'<option value="{w.village_a.pk}">甲村</option>' in clerk


def test_export_in_ledger_layout_with_masked_identifiers(world, client_for):
    dispute(world)
    h = appeal(world, "X-1")
    r = client_for(world.clerk_a).get("/disputes/cases/export.xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("编号", "登记日期", "单位", "村(社区)") and len(rows) == 2
    assert AuditEvent.objects.filter(event="export").exists()
    r = client_for(world.clerk_a).get("/disputes/hotline/export.xlsx")
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == h.number and rows[1][7] == "138****5678"
    assert client_for(world.mediator_a).get("/disputes/cases/export.xlsx").status_code == 403


def _docx_text(content):
    doc = Document(io.BytesIO(content))
    return "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for row in t.rows for c in row.cells
    )


@time_machine.travel(dt.datetime(2024, 9, 2, 10), tick=False)
def test_all_seven_documents(world, client_for):
    c = client_for(world.admin_a)
    d = dispute(world)
    d = ds.act(d, "assign", user=world.admin_a, data={"handler": world.mediator_a.pk})
    d = ds.act(d, "session", user=world.mediator_a, data={"notes": "x"})
    assert c.get(f"/disputes/cases/{d.pk}/documents/agreement.docx").status_code == 302  # not yet
    d = ds.act(
        d,
        "agree",
        user=world.mediator_a,
        data={
            **AGREE,
            "parties_signed": True,
            "mediator_signed": True,
            "seal_recorded": True,
            "agreement_text": "赔偿一千元",
        },
    )
    text = _docx_text(c.get(f"/disputes/cases/{d.pk}/documents/agreement.docx").content)
    assert "人民调解协议书" in text and "赔偿一千元" in text and "110105********002X" in text
    assert ID_A not in text
    ds.act(d, "follow_up", user=world.mediator_a, data={"performed": True, "notes": "已履行完毕"})
    assert "已履行完毕" in _docx_text(
        c.get(f"/disputes/cases/{d.pk}/documents/followup.docx").content
    )
    d2 = ds.act(
        ds.act(dispute(world), "assign", user=world.admin_a, data={"handler": world.mediator_a.pk}),
        "terminate",
        user=world.mediator_a,
        data={"reason": "refused"},
    )
    text = _docx_text(c.get(f"/disputes/cases/{d2.pk}/documents/termination.docx").content)
    assert "终止调解通知书" in text and "人民法院" in text and "仲裁" in text
    p = ps.act(petition(world), "accept", user=world.clerk_a)
    assert "予以受理" in _docx_text(
        c.get(f"/disputes/petitions/{p.pk}/documents/accept.docx").content
    )
    p = ps.act(
        p, "extend", user=world.clerk_a, data={"days": 20, "approver": "赵镇长", "reason": "需勘测"}
    )
    assert "赵镇长" in _docx_text(
        c.get(f"/disputes/petitions/{p.pk}/documents/extension.docx").content
    )
    p = ps.act(
        p,
        "reply",
        user=world.clerk_a,
        data={
            "facts": "属实",
            "opinion": "support",
            "opinion_text": "补发",
            "legal_basis": "土地管理法",
        },
    )
    text = _docx_text(c.get(f"/disputes/petitions/{p.pk}/documents/opinion.docx").content)
    assert "信访处理意见书" in text and "土地管理法" in text and "予以支持" in text
    q = ps.act(
        petition(world), "not_accept", user=world.clerk_a, data={"reason": "已进入诉讼程序。"}
    )
    assert "已进入诉讼程序" in _docx_text(
        c.get(f"/disputes/petitions/{q.pk}/documents/not_accept.docx").content
    )


def test_reveal_is_audited_and_needs_the_role(world, client_for):
    from tests.factories import member

    d = dispute(world)
    party = d.parties.first()
    c = client_for(world.clerk_a)
    r = c.post(f"/disputes/cases/{d.pk}/reveal/{party.pk}/id_number/", follow=True)
    assert ID_A in r.content.decode()
    assert ID_A not in c.get(f"/disputes/cases/{d.pk}/").content.decode()  # shown once
    assert AuditEvent.objects.filter(event="pii_reveal").count() == 1
    viewer = member(world.township_a, "viewer", username="viewer_a")
    r = client_for(viewer).post(f"/disputes/cases/{d.pk}/reveal/{party.pk}/id_number/", follow=True)
    assert ID_A not in r.content.decode() and "无权查看完整个人信息" in r.content.decode()


@time_machine.travel(dt.datetime(2024, 10, 20, 10), tick=False)
def test_county_overdue_page_side_by_side(world, client_for):
    p = petition(world, received_on="2024-09-16")  # acceptance due 2024-10-08: overdue
    page = client_for(world.supervisor).get("/disputes/overdue/").content.decode()
    assert "甲镇" in page and "乙乡" in page
    assert f'petitions/?unit={world.township_a.pk}&overdue=1">1</a>' in page
    lst = client_for(world.supervisor).get(
        f"/disputes/petitions/?unit={world.township_a.pk}&overdue=1"
    )
    assert p.number in lst.content.decode()
    assert client_for(world.mediator_a).get("/disputes/overdue/").status_code == 403


def test_committee_and_settings_pages(world, client_for):
    c = client_for(world.admin_a)
    r = c.post(
        "/disputes/committees/new/",
        {
            "unit": world.township_a.pk,
            "name": "甲镇调委会",
            "term_start": "2024-01-01",
            "m0_name": "甲",
            "m1_name": "乙",
        },
        follow=True,
    )
    assert "应为3至9人" in r.content.decode()
    r = c.post(
        "/disputes/settings/", {"unit": world.township_a.pk, "followup_days": "0"}, follow=True
    )
    assert "回访天数应为" in r.content.decode()
    c.post("/disputes/settings/", {"unit": world.township_a.pk, "followup_days": "10"})
    from fazhi.disputes.models import DisputeConfig

    assert DisputeConfig.followup_days_for(world.village_a) == 10
    assert client_for(world.clerk_a).get("/disputes/settings/").status_code == 403


def test_confidential_petition_404_for_the_complained_unit(world, client_for):
    from tests.factories import member

    v_user = member(world.village_a, "township_staff", username="v_user")
    p = petition(
        world, village=world.village_a.pk, confidential=True, complained_unit=world.village_a.pk
    )
    assert client_for(v_user).get(f"/disputes/petitions/{p.pk}/").status_code == 404
    assert p.number not in client_for(v_user).get("/disputes/petitions/").content.decode()
    assert client_for(world.clerk_a).get(f"/disputes/petitions/{p.pk}/").status_code == 200
    assert Petition.objects.count() == 1


def test_built_in_templates_offer_placeholders_for_admins(world, client_for):
    from fazhi.core import documents as core_documents
    from fazhi.disputes.documents import SPECS

    assert len(SPECS) == 7
    for spec in SPECS:
        text = _docx_text(core_documents.default_template(spec.key))
        assert "{{" in text, spec.key
    page = client_for(world.admin_a).get("/system/documents/").content.decode()
    assert "信访处理意见书" in page and "终止调解通知书" in page


def test_export_through_the_framework_filters_as_the_list(world, client_for):
    """The lists, the export.xlsx URLs and the API lists read the declared filters
    (fazhi.ledgers): every list parameter selects through them."""
    from urllib.parse import quote

    from fazhi.disputes.ledgers import DECLARED

    d1 = dispute(world)
    d2 = dispute(world, title="王某与赵某借贷纠纷")
    ds.act(d2, "supervise", user=world.supervisor, data={"note": "尽快调处"})
    p = petition(world, received_on="2024-09-16")
    h = appeal(world, "X-1")
    both = {d1.pk, d2.pk}
    expected = {
        "dispute": [
            ({}, both),
            ({"status": "open"}, both),
            ({"status": "registered"}, both),
            ({"status": "closed"}, set()),
            ({"supervised": "1"}, {d2.pk}),
            ({"q": "王某"}, {d2.pk}),
            ({"q": d1.number}, {d1.pk}),
            ({"village": str(world.village_a.pk)}, both),
            ({"unit": str(world.township_a.pk)}, both),
            ({"unit": str(world.township_b.pk)}, set()),
            ({"due_to": "2000-01-01"}, set()),
            ({"category": "bad"}, both),
        ],
        "petition": [({}, {p.pk}), ({"supervised": "1"}, set()), ({"q": "征地"}, {p.pk})],
        "hotline": [({}, {h.pk}), ({"q": "X-1"}, {h.pk}), ({"escalated": "1"}, set())],
        "grid": [({}, set())],
    }
    for key, cases in expected.items():
        lg = DECLARED[key]
        for params, want in cases:
            qs = lg.filter_qs(lg.base_qs(world.clerk_a, "view"), params, user=world.clerk_a)
            assert set(qs.values_list("pk", flat=True)) == want, (key, params)
    c = client_for(world.clerk_a)
    r = c.get("/disputes/cases/export.xlsx?supervised=1&order=due")
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][7] == "王某与赵某借贷纠纷"
    assert quote("矛盾纠纷台账-") in r["Content-Disposition"]
    assert AuditEvent.objects.filter(event="export").count() == 1


def test_a_list_page_reads_the_users_units_once(world, client_for):
    """The unit switcher, the filter form's townships and villages, the 登记 button and
    the scope of the list all take the user's units from one read per request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    dispute(world)
    client = client_for(world.supervisor)
    client.get("/disputes/cases/")
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/disputes/cases/").content.decode()
    unit_reads = [q["sql"] for q in ctx.captured_queries if 'FROM "core_unit"' in q["sql"]]
    assert len(unit_reads) == 1, unit_reads
    assert f'<option value="{world.township_b.pk}">乙乡</option>' in page
    assert f'<option value="{world.village_a.pk}">甲村</option>' in page
