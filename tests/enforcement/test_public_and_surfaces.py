"""The public page (no login; only published, not withdrawn, masked, within the period), the
API and pages of enforcement, certificate renewal reminders, the DOCX notice, and concurrency."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from fazhi.core import reminders
from fazhi.enforcement.models import EnforcementCase, EnforcementSettings

from .helpers import ID, act, case, cert, investigated, officers

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2024, 7, 1, 9, 0, tzinfo=SHANGHAI), tick=False)


def published(world, certs, subject_type="natural", name="王小明", on="2024-06-20", **over):
    c = investigated(
        world, case(world, certs=certs, subject_type=subject_type, subject_name=name, **over)
    )
    c = act(c, "notify", world.clerk_a, notified_on="2024-06-12")
    c = act(
        c,
        "decide",
        world.clerk_a,
        decided_on="2024-06-14",
        decision="罚款二千元",
        penalty_amount="2000",
    )
    return act(c, "publish", world.clerk_a, published_on=on)


@pytest.mark.django_db
def test_public_page_shows_only_published_masked_within_period(world):
    certs = officers(world)
    pub = published(world, certs)
    company = published(world, certs, subject_type="legal", name="甲镇鑫源食品店")
    case(world, certs=certs, subject_name="赵未决")  # not decided
    withdrawn = published(world, certs, name="钱撤销")
    withdrawn = act(
        withdrawn, "record_change", world.clerk_a, changed_on="2024-06-25", change_kind="revoked"
    )
    act(withdrawn, "withdraw", world.clerk_a, withdrawn_on="2024-06-26")
    changed = published(world, certs, name="孙变更")
    act(changed, "record_change", world.clerk_a, changed_on="2024-06-28", change_kind="varied")
    EnforcementSettings.objects.create(unit=world.county, display_days=90)
    old = published(world, certs, name="李过期", opened="2024-04-01", on="2024-06-20")
    EnforcementCase.objects.filter(pk=old.pk).update(
        published_on=dt.date(2024, 3, 20)
    )  # test set-up only

    page = Client().get(reverse("enforcement:public"))  # anonymous
    assert page.status_code == 200
    html = page.content.decode()
    assert "王**" in html and "王小明" not in html
    assert ID not in html and ID[:6] + "********" + ID[-4:] in html
    assert "甲镇鑫源食品店" in html
    for hidden in ("赵未决", "钱**", "孙**", "李**"):
        assert hidden not in html, hidden
    assert pub.number in html and company.number in html


@pytest.mark.django_db
def test_api_and_pages(world, api_for, client_for):
    certs = officers(world)
    c = case(world, certs=certs)
    api = api_for(world.clerk_a)
    r = api.post(
        f"/enforcement/cases/{c.pk}/actions/decide",
        {"data": {"decided_on": "2024-06-20", "decision": "x"}},
    )
    assert r.status_code == 409 and "当前状态为“已立案”" in r.json()["error"]["message"]
    r = api.post(
        f"/enforcement/cases/{c.pk}/actions/investigate",
        {"data": {"investigated_on": "2024-06-10", "evidence_summary": "x"}},
    )
    assert r.status_code == 409 and "全过程记录" in r.json()["error"]["message"]
    listed = api.get("/enforcement/cases/").json()
    assert (
        listed["count"] == 1
        and listed["items"][0]["fields"]["id_number"] == ID[:6] + "********" + ID[-4:]
    )
    body = api.get(f"/enforcement/cases/{c.pk}").json()
    assert body["fields"]["id_number"] == ID[:6] + "********" + ID[-4:]
    r = api.post(
        "/enforcement/cases/",
        {
            "unit_id": world.township_a.pk,
            "data": {
                "kind": "penalty",
                "subject_type": "legal",
                "subject_name": "某公司",
                "legal_basis": "x",
                "opened_on": "2024-06-20",
                "officers": [str(certs[0].pk)],
            },
        },
    )
    assert r.status_code == 400 and "不得少于两人" in r.json()["error"]["message"]
    cl = client_for(world.clerk_a)
    for name in (
        "index",
        "case_list",
        "certificate_list",
        "reconsideration_list",
        "litigation_list",
        "settings",
        "case_new",
        "certificate_new",
        "reconsideration_new",
        "litigation_new",
    ):
        assert cl.get(reverse(f"enforcement:{name}")).status_code == 200, name
    detail = cl.get(reverse("enforcement:case_detail", kwargs={"pk": c.pk})).content.decode()
    assert ID not in detail and "王小明" in detail
    r = cl.get(reverse("enforcement:case_list"), {"format": "xlsx"})
    assert r.status_code == 200
    assert ID.encode() not in r.content


@pytest.mark.django_db
def test_publication_notice_docx_is_masked(world, client_for):
    from docx import Document

    c = published(world, officers(world))
    r = client_for(world.clerk_a).get(
        reverse("enforcement:document", kwargs={"ledger": "case", "pk": c.pk, "key": "notice"})
    )
    assert r.status_code == 200
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(cell.text for t in doc.tables for row in t.rows for cell in row.cells)
    assert "王**" in text and ID not in text


@pytest.mark.django_db
def test_certificate_renewal_reminder_30_days_before(world):
    from fazhi.core.roles import Role
    from tests.factories import member

    holder = member(world.township_a, Role.TOWNSHIP_STAFF, username="officer_a")
    soon = cert(world, "张执法", "E010", expires="2024-07-25")
    soon.holder = holder
    soon.save()
    cert(world, "李执法", "E011", expires="2024-09-30")
    items = [i for i in reminders.collect(dt.date(2024, 7, 1)) if i.kind == "执法证件"]
    assert [i.label for i in items] == ["张执法的执法证件（E010）将于2024-07-25到期，请及时换发"]
    assert [i.kind for i in reminders.my_work(holder, dt.date(2024, 7, 1))] == ["执法证件"]


@pytest.mark.django_db
def test_cli(world):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    c = case(world, certs=officers(world))
    with pytest.raises(CommandError, match="全过程记录"):
        call_command(
            "enforcement",
            "act",
            "case",
            str(c.pk),
            "investigate",
            "--as",
            world.clerk_a.username,
            "--set",
            "investigated_on=2024-06-10",
            "--set",
            "evidence_summary=x",
        )
    out = io.StringIO()
    call_command(
        "enforcement", "actions", "case", str(c.pk), "--as", world.clerk_a.username, stdout=out
    )
    assert "investigate\t调查终结\t不可：" in out.getvalue()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_threads_transition_the_same_case(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    from fazhi.core.errors import DomainError
    from fazhi.enforcement import procedures as P
    from fazhi.ledgers.fields import perform

    c = investigated(world, case(world, certs=officers(world)))
    results, barrier = [], threading.Barrier(2)

    def run():
        from django.db import connections

        barrier.wait()
        try:
            perform(
                P.CASE,
                P.CASE_ACTIONS,
                c,
                "notify",
                user=world.clerk_a,
                raw={"notified_on": "2024-06-12"},
                expected_version=c.version,
            )
            results.append("ok")
        except DomainError as exc:
            results.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "ok"] or sorted(results) == [
        "ok",
        "transition_not_allowed",
    ]
    c.refresh_from_db()
    assert c.version == 2 and c.status == "notified"


@pytest.mark.django_db
def test_display_days_set_by_county_only(world):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="只有县级"):
        call_command(
            "enforcement",
            "settings",
            "--unit",
            world.county.code,
            "--as",
            world.admin_a.username,
            "--set",
            "display_days=90",
        )
    call_command(
        "enforcement",
        "settings",
        "--unit",
        world.county.code,
        "--as",
        world.supervisor.username,
        "--set",
        "display_days=90",
        stdout=io.StringIO(),
    )
    assert EnforcementSettings.objects.get(unit=world.county).display_days == 90
