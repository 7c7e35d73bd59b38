"""Issue 21 L1: identifiers typed into free text are masked for roles that may not reveal.

One function (``pii.mask_free_text``) masks them; pages and API answers go through it in
``PiiTextMiddleware``, Excel exports in ``core.excel.export_xlsx``, DOCX documents in
``core.documents.render``, the annual report in ``reports.render``. A role that may reveal
sees the text whole; a text saved back with the masks in it keeps the stored numbers; the
entry forms warn (请将身份证号填入当事人信息).
"""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from openpyxl import load_workbook

from fazhi.core import context, excel, pii
from fazhi.core.roles import Role
from fazhi.disputes.models import Dispute
from tests.disputes.helpers import ID_A, PHONE_A, dispute
from tests.factories import member

ID_MASKED = pii.mask_resident_id(ID_A)
PHONE_MASKED = pii.mask_mobile(PHONE_A)
TEXT = f"申请人身份证{ID_A}，电话{PHONE_A}，要求调解。"


def test_mask_free_text():
    assert pii.mask_free_text(TEXT) == f"申请人身份证{ID_MASKED}，电话{PHONE_MASKED}，要求调解。"
    assert pii.mask_free_text(f"tel:{PHONE_A}") == f"tel:{PHONE_MASKED}"
    assert pii.mask_free_text(ID_A.lower()) == ID_MASKED
    # a longer run of digits (a bank account, a hash) is not an identifier
    assert pii.mask_free_text("6222021234567890123") == "6222021234567890123"
    assert pii.mask_free_text("a13812345678b") == "a13812345678b"
    assert pii.mask_free_text(None) is None and pii.mask_free_text(12) == 12
    assert pii.contains_identifier(TEXT) and not pii.contains_identifier("第12号")
    assert pii.free_text_warnings("x", TEXT) == ["请将身份证号填入当事人信息"]


def test_restore_masked_puts_back_only_what_it_stands_for():
    masked = pii.mask_free_text(TEXT)
    assert pii.restore_masked(masked + "补充。", TEXT) == TEXT + "补充。"
    # a mask of some other number stays a mask
    assert pii.restore_masked("139****5678", TEXT) == "139****5678"
    assert pii.restore_masked("no masks", TEXT) == "no masks"


def test_the_report_renderer_uses_the_core_function():
    from fazhi.reports import render

    assert not hasattr(render, "_mask")
    assert render.pii.mask_free_text is pii.mask_free_text


@pytest.mark.django_db
def test_case_summary_masked_for_leader_on_page_api_export_whole_for_clerk(
    world, client_for, api_for
):
    d = dispute(world, summary=TEXT)
    leader = member(world.township_a, Role.LEADER, username="leader_a")
    page = client_for(leader).get(f"/disputes/cases/{d.pk}/").content.decode()
    assert ID_MASKED in page and PHONE_MASKED in page
    assert ID_A not in page and PHONE_A not in page
    api = api_for(leader)
    for body in (
        api.get(f"/disputes/disputes/{d.pk}").content.decode(),
        api.get("/disputes/disputes").content.decode(),
    ):
        assert ID_MASKED in body and ID_A not in body and PHONE_A not in body
    xlsx = client_for(leader).get("/disputes/cases/export.xlsx")
    cells = [
        c.value for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows() for c in row
    ]
    text = " ".join(str(c) for c in cells if c)
    assert ID_A not in text and PHONE_A not in text
    # the revealing clerk sees the text as written
    page = client_for(world.clerk_a).get(f"/disputes/cases/{d.pk}/").content.decode()
    assert ID_A in page and PHONE_A in page


@pytest.mark.django_db
def test_partial_reveal_masks_free_text_but_keeps_a_revealed_number(world, client_for):
    """Reveal in A, view only in B: free text is masked; a number revealed on A's case is not."""
    from fazhi.core.models import Membership

    d = dispute(world, summary=TEXT)
    user = member(world.township_a, Role.TOWNSHIP_STAFF, username="a_staff_b_viewer")
    Membership.objects.create(user=user, unit=world.township_b, role=Role.VIEWER)
    assert pii.masks_free_text(user) and not pii.masks_free_text(world.clerk_a)
    c = client_for(user)
    page = c.get(f"/disputes/cases/{d.pk}/").content.decode()
    assert ID_A not in page
    party = d.parties.first()
    c.post(f"/disputes/cases/{d.pk}/reveal/{party.pk}/id_number/")
    page = c.get(f"/disputes/cases/{d.pk}/").content.decode()
    assert page.count(ID_A) == 1  # the revealed party number, not the summary's


@pytest.mark.django_db
def test_exports_and_documents_mask(world):
    leader = member(world.township_a, Role.LEADER, username="leader_x")
    with context.acting(leader, channel="web"):
        data = excel.export_xlsx("t", ["a"], [[TEXT]])
    assert load_workbook(io.BytesIO(data)).active["A2"].value == pii.mask_free_text(TEXT)
    with context.acting(world.clerk_a, channel="web"):
        data = excel.export_xlsx("t", ["a"], [[TEXT]])
    assert load_workbook(io.BytesIO(data)).active["A2"].value == TEXT
    # DOCX documents show identifiers masked, for everyone
    from docx import Document

    from fazhi.core import documents
    from fazhi.disputes import documents as dispute_documents  # noqa: F401  (registers)

    key = next(k for k in documents.REGISTRY if k.startswith("disputes."))
    fields = dict(documents.get_spec(key).fields)
    data = documents.render(key, {k: TEXT for k in fields})
    doc = Document(io.BytesIO(data))
    xml = "".join(p.text for p in doc.paragraphs) + "".join(
        cell.text for t in doc.tables for row in t.rows for cell in row.cells
    )
    assert ID_A not in xml and PHONE_A not in xml and ID_MASKED in xml


@pytest.mark.django_db
def test_saving_a_masked_text_back_keeps_the_numbers(world, api_for):
    d = dispute(world, summary=TEXT)
    d.refresh_from_db()
    d.summary = pii.mask_free_text(TEXT) + "补充。"
    d.save()
    d.refresh_from_db()
    assert d.summary == TEXT + "补充。"


@pytest.mark.django_db
def test_entry_form_warns_when_a_summary_holds_an_identifier(world, api_for, client_for):
    api = api_for(world.clerk_a)
    body = {
        "unit_id": world.township_a.pk,
        "title": "水渠纠纷",
        "source": "screening",
        "category": "山林水利",
        "summary": TEXT,
        "parties": [{"name": "甲"}],
    }
    r = api.post("/disputes/disputes", body)
    assert r.status_code == 201 and r.json()["warnings"] == [pii.FREE_TEXT_WARNING]
    r = api.post("/disputes/disputes", {**body, "summary": "无"})
    assert r.status_code == 201 and "warnings" not in r.json()
    # the web form: the message is on the page after saving
    c = client_for(world.clerk_a)
    r = c.post(
        "/disputes/cases/new/",
        {
            "unit": world.township_a.pk,
            "title": "水渠纠纷",
            "source": "screening",
            "category": Dispute.objects.first().category_id,
            "summary": TEXT,
            "amount": "0",
            "p0_name": "甲",
        },
        follow=True,
    )
    assert pii.FREE_TEXT_WARNING in r.content.decode(), r.content.decode()[:3000]


def free_text_fields():
    return [
        (m._meta.label, f)
        for m in apps.get_models()
        if m.__module__.startswith("fazhi.") and "Historical" not in m.__name__
        for f in pii.free_text_fields(m)
    ]


def test_free_text_fields_are_enumerated():
    """The fields the restore and the warning read, found from the models (not listed by
    hand): every app's summaries, notes and descriptions are among them."""
    found = set(free_text_fields())
    for label, field in [
        ("disputes.Dispute", "summary"),
        ("disputes.HotlineAppeal", "content"),
        ("disputes.GridCase", "summary"),
        ("disputes.Petition", "matter"),
        ("decisions.MajorDecision", "summary"),
        ("enforcement.EnforcementCase", "facts"),
        ("learning.StudySession", "notes"),
        ("publicity.PublicityEvent", "notes"),
        ("legalservice.Consultation", "answer"),
        ("oversight.Rectification", "problem"),
        ("reports.ReportSection", "text"),
        ("core.TransitionRecord", "comment"),
    ]:
        assert (label, field) in found, (label, field)
    # identifiers themselves are encrypted fields, not free text
    assert not [f for f in found if f[1] in ("id_number", "phone", "id_number_bidx")]


@pytest.mark.django_db
def test_every_page_and_api_answer_masks_numbers_in_every_free_text(world, client_for, api_for):
    """Every free-text field of every record of every app (enumerated from the models) holds
    an ID and a mobile number; every page and every API GET, with and without a record in
    its path (the scoping cases name one of each kind), shows them only masked to a leader
    of the township. A revealing clerk sees them on the same pages."""
    import re

    from django.urls import reverse

    from fazhi.api import api as ninja_api
    from tests import scoping

    objs = scoping.seed(world)
    for label, fields in _business_free_text():
        model = apps.get_model(label)
        for pk in model._base_manager.values_list("pk", flat=True):
            model._base_manager.filter(pk=pk).update(
                **{f: f"{ID_A} {PHONE_A} {pk}" for f in fields}
            )
    leader = member(world.township_a, Role.LEADER, username="leader_crawl")
    pages, clerk_pages = client_for(leader), client_for(world.clerk_a)
    seen, shown_to_clerk, problems = 0, 0, []
    for name, _pattern, params in scoping.iter_url_patterns():
        if params and name not in scoping.ROUTES:
            continue
        url = reverse(name, kwargs=scoping.ROUTES[name](world, objs) if params else None)
        r = pages.get(url)
        if r.status_code != 200 or not r["Content-Type"].startswith("text/html"):
            continue
        seen += 1
        body = r.content.decode()
        if ID_A in body or PHONE_A in body:
            problems.append(url)
        if params and ID_A in clerk_pages.get(url).content.decode():
            shown_to_clerk += 1
    api = api_for(leader)
    for path, ops in ninja_api.get_openapi_schema(path_prefix="/api/v1/")["paths"].items():
        if "get" not in ops:
            continue
        names = re.findall(r"{(\w+)}", path)
        if names and path not in scoping.API_ROUTES:
            continue
        url = path.format(**scoping.API_ROUTES[path](world, objs)) if names else path
        r = api.c.get(url)
        if r.status_code == 200 and r["Content-Type"].startswith("application/json"):
            seen += 1
            body = r.content.decode()
            if ID_A in body or PHONE_A in body:
                i = max(body.find(ID_A), body.find(PHONE_A))
                problems.append(f"{url}: {body[max(0, i - 80) : i + 40]}")
    assert not problems, problems
    assert seen > 100 and shown_to_clerk > 10, (seen, shown_to_clerk)


def _business_free_text():
    out: dict[str, list[str]] = {}
    structural = {"object_id", "key", "code", "prefix"}  # references and lookup keys
    for label, field in free_text_fields():
        if not label.startswith("core.") and field not in structural:
            out.setdefault(label, []).append(field)
    return sorted(out.items())


@pytest.mark.django_db
def test_edit_page_round_trip_keeps_the_numbers_it_masked(world, client_for):
    """An adviser (may change, may not reveal) opens the dispute edit page: the summary is
    masked there; saving it back with a sentence added keeps the ID and phone stored."""
    import re

    d = dispute(world, summary=TEXT)
    adviser = member(world.township_a, Role.LEGAL_ADVISER, username="adviser_edit")
    c = client_for(adviser)
    html = c.get(f"/disputes/cases/{d.pk}/edit/").content.decode()
    assert ID_A not in html and ID_MASKED in html
    shown = re.search(r'<textarea[^>]*name="summary"[^>]*>([^<]*)</textarea>', html).group(1)
    r = c.post(
        f"/disputes/cases/{d.pk}/edit/",
        {
            "title": d.title,
            "summary": shown.strip() + "补充。",
            "amount": str(d.amount),
            "category": d.category_id,
            "grid": d.grid,
            "version": d.version,
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    d.refresh_from_db()
    assert d.summary == TEXT + "补充。"
