"""The same rules on every surface: API (409 with the reason), pages (409 re-render, buttons
only for allowed steps with the reasons for the others), CLI (one line on stderr), Excel, DOCX,
reminders."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from fazhi.core import reminders
from fazhi.decisions import services

from .helpers import catalog, decision, to_review

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2024, 6, 3, 9, 0, tzinfo=SHANGHAI), tick=False)


def test_api_refuses_a_step_out_of_order_with_409(world, api_for):
    catalog(world)
    d = decision(world)
    api = api_for(world.clerk_a)
    r = api.post(f"/decisions/major/{d.pk}/actions/submit", {"data": {}})
    assert r.status_code == 409
    assert (
        r.json()["error"]["message"] == "尚未确定是否需要公众参与（请先记录各环节是否适用及理由）"
    )
    r = api.post(f"/decisions/major/{d.pk}/actions/decide", {"data": {"decided_on": "2024-06-01"}})
    assert r.status_code == 409 and "起草论证" in r.json()["error"]["message"]
    r = api.post(
        f"/decisions/major/{d.pk}/actions/set_applicability",
        {"data": {"participation_applies": "maybe"}},
    )
    assert r.status_code == 400
    r = api.get(f"/decisions/major/{d.pk}")
    body = r.json()
    assert body["checklist"][1]["state"] == "next"
    refused = {a["action"]: a["reason"] for a in body["actions"] if not a["allowed"]}
    assert "submit" in refused


def test_api_version_conflict(world, api_for):
    catalog(world)
    d = decision(world)
    api = api_for(world.clerk_a)
    data = {
        "participation_applies": "yes",
        "expert_applies": "no",
        "expert_reason": "常规事项",
        "risk_applies": "no",
        "risk_reason": "不涉及稳定",
        "hearing_applies": "no",
        "hearing_reason": "无分歧",
    }
    r = api.post(
        f"/decisions/major/{d.pk}/actions/set_applicability", {"data": data, "expected_version": 0}
    )
    assert r.status_code == 200 and r.json()["version"] == 1
    r = api.post(
        f"/decisions/major/{d.pk}/actions/set_applicability", {"data": data, "expected_version": 0}
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"


def test_api_create_and_list(world, api_for):
    api = api_for(world.clerk_a)
    r = api.post("/decisions/catalogs/", {"unit_id": world.township_a.pk, "data": {"year": "2024"}})
    assert r.status_code == 201, r.content
    r = api.post("/decisions/catalogs/", {"unit_id": world.township_a.pk, "data": {"year": "2024"}})
    assert r.status_code == 400 and "已存在" in r.json()["error"]["message"]
    r = api.post("/decisions/catalogs/", {"unit_id": world.township_b.pk, "data": {"year": "2024"}})
    assert r.status_code == 404
    assert api.get("/decisions/catalogs/").json()["count"] == 1
    assert api_for(world.clerk_b).get("/decisions/catalogs/").json()["count"] == 0


def test_page_shows_checklist_and_refuses_with_409(world, client_for):
    catalog(world)
    d = decision(world)
    c = client_for(world.clerk_a)
    page = c.get(reverse("decisions:decision_detail", kwargs={"pk": d.pk})).content.decode()
    assert 'id="checklist"' in page and "尚未确定是否适用" in page
    assert 'data-refused="submit"' in page  # shown with its reason, no button
    r = c.post(
        reverse("decisions:decision_act", kwargs={"pk": d.pk, "action": "submit"}), {"version": "0"}
    )
    assert r.status_code == 409
    assert "尚未确定是否需要公众参与" in r.content.decode()
    r = c.post(
        reverse("decisions:decision_act", kwargs={"pk": d.pk, "action": "set_applicability"}),
        {
            "version": "0",
            "participation_applies": "yes",
            "expert_applies": "no",
            "expert_reason": "常规",
            "risk_applies": "no",
            "risk_reason": "不涉及",
            "hearing_applies": "no",
            "hearing_reason": "无",
        },
    )
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.participation_applies is True


def test_viewer_cannot_act(world, client_for):
    from fazhi.core.roles import Role
    from tests.factories import member

    catalog(world)
    d = decision(world)
    viewer = member(world.township_a, Role.VIEWER, username="viewer_a")
    r = client_for(viewer).post(
        reverse("decisions:decision_act", kwargs={"pk": d.pk, "action": "submit"})
    )
    assert r.status_code == 403


def test_lists_filters_and_excel(world, client_for):
    catalog(world)
    decision(world, title="农贸市场改造")
    decision(world, title="污水治理")
    c = client_for(world.clerk_a)
    page = c.get(reverse("decisions:decision_list"), {"q": "污水"}).content.decode()
    assert "污水治理" in page and "农贸市场改造" not in page
    r = c.get(reverse("decisions:decision_list"), {"format": "xlsx", "status": "drafting"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(r.content)).active
    assert [c.value for c in ws[1]][:2] == ["决策事项", "单位"]
    assert ws.max_row == 3
    for name in (
        "catalog_list",
        "document_list",
        "review_list",
        "contract_list",
        "matter_list",
        "index",
        "cleanup",
        "settings",
        "catalog_new",
        "decision_new",
        "document_new",
        "contract_new",
        "matter_new",
    ):
        assert c.get(reverse(f"decisions:{name}")).status_code == 200, name


def test_create_form_shows_the_reason(world, client_for):
    c = client_for(world.clerk_a)
    r = c.post(
        reverse("decisions:decision_new"),
        {"unit": world.township_a.pk, "title": "x", "year": "2024", "drafting_office": "党政办"},
    )
    assert r.status_code == 400 and "请先建立" in r.content.decode()


def test_docx_documents(world, client_for):
    from docx import Document

    catalog(world)
    d = to_review(world, decision(world))
    d = services.latest_review(d) or d
    from .helpers import act

    dd = decision(world, title="另一事项")
    dd = act(
        dd,
        "set_applicability",
        world.clerk_a,
        participation_applies="no",
        participation_reason="依法不予公开",
        expert_applies="no",
        expert_reason="x",
        risk_applies="no",
        risk_reason="x",
        hearing_applies="no",
        hearing_reason="x",
    )
    dd = act(dd, "request_review", world.clerk_a, requested_on="2024-05-06", days="7")
    review = services.latest_review(dd)
    c = client_for(world.clerk_a)
    r = c.get(
        reverse(
            "decisions:document", kwargs={"ledger": "review", "pk": review.pk, "key": "opinion"}
        )
    )
    assert r.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert "合法性审查意见书" in text
    r = c.get(
        reverse("decisions:document", kwargs={"ledger": "decision", "pk": dd.pk, "key": "minutes"})
    )
    assert r.status_code == 302  # not discussed yet: back to the page with the reason


def test_cli_refuses_with_one_line(world):
    catalog(world)
    d = decision(world)
    with pytest.raises(CommandError, match="尚未确定是否需要公众参与"):
        call_command(
            "decisions", "act", "decision", str(d.pk), "submit", "--as", world.clerk_a.username
        )
    out = io.StringIO()
    call_command(
        "decisions",
        "act",
        "decision",
        str(d.pk),
        "set_applicability",
        "--as",
        world.clerk_a.username,
        "--set",
        "participation_applies=yes",
        "--set",
        "expert_applies=no",
        "--set",
        "expert_reason=常规",
        "--set",
        "risk_applies=no",
        "--set",
        "risk_reason=不涉及",
        "--set",
        "hearing_applies=no",
        "--set",
        "hearing_reason=无",
        stdout=out,
    )
    assert "起草论证" in out.getvalue()
    out = io.StringIO()
    call_command("decisions", "show", "decision", str(d.pk), stdout=out)
    assert "[next]" in out.getvalue()
    with pytest.raises(CommandError, match="不存在或无权查看"):
        call_command("decisions", "show", "decision", str(d.pk), "--as", world.clerk_b.username)


def test_reminders_include_reviews_and_filings(world):
    catalog(world)
    d = to_review(world, decision(world))
    from .helpers import act, adviser

    act(d, "request_review", world.clerk_a, requested_on="2024-05-31", days="7")
    review = services.latest_review(d)
    who = adviser(world)
    act(review, "assign", world.admin_a, reviewer=str(who.pk), reviewer_office="镇司法所")
    items = [i for i in reminders.my_work(who, dt.date(2024, 6, 3)) if i.kind == "合法性审查"]
    assert len(items) == 1 and items[0].due == dt.date(2024, 6, 12)  # 端午 6-10 is a holiday


def test_cli_settings_only_by_county_configure(world):
    from fazhi.decisions.models.settings import filing_days_for

    with pytest.raises(CommandError, match="只有县级"):
        call_command(
            "decisions",
            "settings",
            "--unit",
            world.county.code,
            "--as",
            world.clerk_a.username,
            "--set",
            "filing_days=15",
        )
    with pytest.raises(CommandError, match="15或30"):
        call_command(
            "decisions",
            "settings",
            "--unit",
            world.county.code,
            "--as",
            world.supervisor.username,
            "--set",
            "filing_days=x",
        )
    out = io.StringIO()
    call_command(
        "decisions",
        "settings",
        "--unit",
        world.county.code,
        "--as",
        world.supervisor.username,
        "--set",
        "filing_days=15",
        stdout=out,
    )
    assert "15 日" in out.getvalue() and filing_days_for(world.township_a) == 15
