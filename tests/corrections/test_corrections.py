"""The special groups' roster: the dates the law sets, the late and overdue flags, the
restricted role (403 for a clerk without it, the nav entry hidden), an audit row for every
view of a record, masking, bad input, the indicators and the report sentence."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from fazhi.core.errors import DomainError, InvalidInput
from fazhi.core.models import AuditEvent
from fazhi.corrections import report, services
from fazhi.corrections.ledgers import PERSON
from fazhi.corrections.models import (
    Status,
    SupervisedPerson,
    report_due,
    years_after,
)
from fazhi.ledgers import fields as flow

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"
PHONE = "13800138000"
TODAY = timezone.localdate


def _community(world, *, days_ago=30, reported_after=None, **kw):
    eff = TODAY() - dt.timedelta(days=days_ago)
    data = dict(
        kind="community",
        name="王小明",
        id_number=ID,
        phone=PHONE,
        village=world.village_a.name,
        sentence_kind="probation",
        effective_on=eff,
        reported_on=None if reported_after is None else eff + dt.timedelta(days=reported_after),
        term_end=eff + dt.timedelta(days=365),
    )
    data.update(kw)
    return services.create_person(unit=world.township_a, actor=world.admin_a, **data)


# --------------------------------------------------------------------------- dates
def test_report_in_due_is_ten_calendar_days_after_the_judgment_takes_effect():
    assert report_due(dt.date(2026, 9, 28)) == dt.date(2026, 10, 8)  # over 国庆: calendar days
    assert report_due(dt.date(2026, 2, 25)) == dt.date(2026, 3, 7)
    assert report_due(None) is None
    assert years_after(dt.date(2024, 2, 29), 5) == dt.date(2029, 2, 28)


def test_created_pending_until_reported_and_overdue_after_the_ten_days(world):
    p = _community(world, days_ago=11)
    assert p.status == Status.PENDING
    assert p.report_due == p.effective_on + dt.timedelta(days=10)
    assert p.report_overdue(TODAY())
    assert not p.report_overdue(p.report_due)  # the tenth day itself is in time
    assert PERSON.filter_qs(SupervisedPerson.objects.all(), {"flag": "overdue"}).count() == 1


def test_report_step_on_time_and_late(world):
    p = _community(world, days_ago=20)
    on_time = p.effective_on + dt.timedelta(days=10)
    p = flow.step(PERSON, p, "report", user=world.admin_a, raw={"reported_on": str(on_time)})
    assert p.status == Status.ACTIVE and not p.reported_late
    q = _community(world, days_ago=20, id_number="")
    late = q.effective_on + dt.timedelta(days=13)
    q = flow.step(PERSON, q, "report", user=world.admin_a, raw={"reported_on": str(late)})
    assert q.reported_late
    from fazhi.corrections.ledgers import notes_for

    assert "超期报到（逾期3日）" in notes_for(q)
    assert list(PERSON.filter_qs(SupervisedPerson.objects.all(), {"flag": "late"})) == [q]


def test_report_before_the_judgment_or_in_the_future_is_refused(world):
    p = _community(world, days_ago=5)
    for day, msg in (
        (p.effective_on - dt.timedelta(days=1), "不能早于"),
        (TODAY() + dt.timedelta(days=1), "不能晚于今天"),
    ):
        with pytest.raises(DomainError) as exc:
            flow.step(PERSON, p, "report", user=world.admin_a, raw={"reported_on": str(day)})
        assert msg in exc.value.message


def test_release_only_when_the_term_has_ended(world):
    p = _community(world, days_ago=30, reported_after=2)
    with pytest.raises(DomainError) as exc:
        flow.step(PERSON, p, "release", user=world.admin_a, raw={})
    assert "届满后方可解除" in exc.value.message
    old = _community(world, days_ago=400, reported_after=2, id_number="")
    old = flow.step(PERSON, old, "release", user=world.admin_a, raw={})
    assert old.status == Status.RELEASED and old.ended_on == old.term_end


def test_visit_step_keeps_the_status_and_records_the_visit(world):
    p = _community(world, reported_after=2)
    p = flow.step(
        PERSON,
        p,
        "visit",
        user=world.admin_a,
        raw={"kind": "谈话", "visited_on": str(TODAY()), "notes": "思想稳定"},
    )
    assert p.status == Status.ACTIVE
    v = p.visits.get()
    assert v.kind == "talk" and v.notes == "思想稳定"


def test_resettlement_term_defaults_to_five_years_after_release(world):
    released = dt.date(2024, 2, 29)
    p = services.create_person(
        unit=world.township_a,
        actor=world.admin_a,
        kind="resettlement",
        name="李四",
        released_on=released,
    )
    assert p.status == Status.ACTIVE
    assert p.term_end == dt.date(2029, 2, 28) and p.term_start == released
    assert p.report_due is None


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "change, message",
    [
        ({"sentence_kind": ""}, "矫正类别"),
        ({"effective_on": None}, "生效日期"),
        ({"term_end": None}, "期限届满"),
        ({"id_number": "110105194912310021"}, "身份证号格式不正确"),
        ({"phone": "12345"}, "11位手机号码"),
        ({"village": "不存在村"}, "没有名为“不存在村”"),
        ({"effective_on": TODAY() + dt.timedelta(days=3)}, "不能晚于今天"),
        ({"name": " "}, "姓名"),
    ],
)
def test_bad_input_is_refused_with_a_reason(world, change, message):
    with pytest.raises(InvalidInput) as exc:
        _community(world, **change)
    assert message in exc.value.message


def test_bad_input_on_the_page_and_the_api(world, client_for, api_for):
    c = client_for(world.admin_a)
    resp = c.post(
        reverse("corrections:person_new"),
        {"unit": world.township_a.pk, "kind": "community", "name": "王五"},
    )
    assert resp.status_code == 400 and "矫正类别" in resp.content.decode()
    api = api_for(world.admin_a)
    body = {"unit_id": world.township_a.pk, "kind": "community", "name": "王五"}
    resp = api.post("/corrections/persons/", body)
    assert resp.status_code == 400 and "矫正类别" in resp.json()["error"]["message"]
    resp = api.post("/corrections/persons/", {**body, "effective_on": "x"})
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "validation_error"


# --------------------------------------------------------------------------- the role
def test_a_clerk_without_the_role_is_refused_everywhere(world, client_for, api_for):
    p = _community(world, reported_after=2)
    c = client_for(world.clerk_a)  # same township, no corrections role
    for name in ("corrections:index", "corrections:person_list", "corrections:person_new"):
        assert c.get(reverse(name)).status_code == 403, name
    assert c.get(reverse("corrections:person_list"), {"format": "xlsx"}).status_code == 403
    assert c.get(reverse("corrections:person_detail", args=[p.pk])).status_code == 404
    api = api_for(world.clerk_a)
    assert api.get("/corrections/persons/").status_code == 403
    assert api.get(f"/corrections/persons/{p.pk}").status_code == 404
    resp = api.post("/corrections/persons/", {"unit_id": world.township_a.pk, "kind": "x"})
    assert resp.status_code == 403
    with pytest.raises(CommandError):
        call_command("corrections", "person", "list", "--as", world.clerk_a.username)
    with pytest.raises(CommandError):
        call_command("corrections", "person", "show", str(p.pk), "--as", world.clerk_a.username)
    with pytest.raises(CommandError):  # and not without a user either
        call_command("corrections", "person", "list")
    # the nav entry is not shown to the clerk, and is to the role's holder
    home = c.get(reverse("web:home")).content.decode()
    assert 'data-nav="corrections"' not in home
    home = client_for(world.admin_a).get(reverse("web:home")).content.decode()
    assert 'data-nav="corrections"' in home


def test_the_service_refuses_a_clerk(world):
    with pytest.raises(Exception) as exc:
        services.create_person(
            unit=world.township_a, actor=world.clerk_a, kind="resettlement", name="甲"
        )
    assert "无权" in str(exc.value)


def test_the_county_supervisor_sees_no_record(world, client_for):
    _community(world, reported_after=2)
    assert client_for(world.supervisor).get(reverse("corrections:person_list")).status_code == 403


# --------------------------------------------------------------------------- audit, masking
def test_every_view_of_a_record_is_audited(world, client_for, api_for):
    p = _community(world, reported_after=2)
    views = AuditEvent.objects.filter(event="record_view", object_id=str(p.pk))
    assert (
        client_for(world.admin_a).get(reverse("corrections:person_detail", args=[p.pk])).status_code
        == 200
    )
    assert api_for(world.admin_a).get(f"/corrections/persons/{p.pk}").status_code == 200
    call_command(
        "corrections", "person", "show", str(p.pk), "--as", "admin_a", stdout=io.StringIO()
    )
    rows = list(views.order_by("id"))
    assert [r.channel for r in rows][-1] == "cli" and len(rows) == 3
    assert all(r.username == "admin_a" for r in rows)
    assert all(ID not in str(r.detail) and "王小明" not in r.object_label for r in rows)
    # a list is not a view of a record
    client_for(world.admin_a).get(reverse("corrections:person_list"))
    assert views.count() == 3


def test_identifiers_are_encrypted_and_masked(world, client_for, api_for):
    from django.db import connection

    p = _community(world, reported_after=2)
    with connection.cursor() as cur:
        cur.execute("SELECT id_number, phone FROM corrections_supervisedperson WHERE id=%s", [p.pk])
        raw_id, raw_phone = cur.fetchone()
    assert ID not in raw_id and PHONE not in raw_phone
    page = client_for(world.admin_a).get(reverse("corrections:person_detail", args=[p.pk]))
    body = page.content.decode()
    assert ID not in body and PHONE not in body and "138****8000" in body
    listing = client_for(world.admin_a).get(reverse("corrections:person_list")).content.decode()
    assert ID not in listing
    data = api_for(world.admin_a).get(f"/corrections/persons/{p.pk}").json()
    assert ID not in str(data) and PHONE not in str(data)
    out = io.StringIO()
    call_command(
        "corrections", "person", "show", str(p.pk), "--json", "--as", "admin_a", stdout=out
    )
    assert ID not in out.getvalue() and "王*明" in str(p)


def test_reveal_is_audited(world, client_for):
    p = _community(world, reported_after=2)
    c = client_for(world.admin_a)
    url = reverse("corrections:person_reveal", args=[p.pk, p.pk, "phone"])
    assert c.post(url).status_code == 302
    assert PHONE in c.get(reverse("corrections:person_detail", args=[p.pk])).content.decode()
    assert AuditEvent.objects.filter(event="pii_reveal", object_id=str(p.pk)).exists()


# --------------------------------------------------------------------------- import
def _xlsx(headers, rows) -> bytes:
    """A sheet as staff fill it in (export_xlsx masks identifiers, so not through it)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_excel_import_and_reimport(world):
    from fazhi.ledgers import importing

    headers = [c.header for c in importing.columns(PERSON.importer)]
    eff = (TODAY() - dt.timedelta(days=40)).isoformat()
    row = {h: "" for h in headers}
    row.update(
        {
            "类别": "社区矫正对象",
            "姓名": "赵六",
            "身份证号": ID,
            "居住村(社区)": world.village_a.name,
            "矫正类别": "缓刑",
            "判决(裁定、决定)生效日期": eff,
            "报到日期": (TODAY() - dt.timedelta(days=35)).isoformat(),
            "期限届满": (TODAY() + dt.timedelta(days=300)).isoformat(),
        }
    )
    data = _xlsx(headers, [[row[h] for h in headers]])
    r = importing.run(
        PERSON, root=world.township_a, actor=world.admin_a, data=data, filename="a.xlsx"
    )
    assert r.ok and r.created == 1, r.as_dict()
    r = importing.run(
        PERSON, root=world.township_a, actor=world.admin_a, data=data, filename="a.xlsx"
    )
    assert r.ok and r.skipped == 1
    row["矫正类别"] = "死缓"
    row["身份证号"] = ""
    bad = _xlsx(headers, [[row[h] for h in headers]])
    r = importing.run(
        PERSON, root=world.township_a, actor=world.admin_a, data=bad, filename="b.xlsx"
    )
    assert not r.ok and r.errors[0].row == 2


# --------------------------------------------------------------------------- report
def _ctx(world, year=None):
    from fazhi.indicators.registry import compute
    from fazhi.reports.contrib import Context
    from fazhi.reports.voice import for_unit

    year = year or TODAY().year
    values = compute(world.township_a, year, fresh=True)
    return Context(world.township_a, year, values, for_unit(world.township_a))


def test_indicators_and_the_sentence_say_no_lost_contact_only_when_true(world):
    if TODAY().month == 1 and TODAY().day < 25:
        pytest.skip("the fixtures' dates straddle the new year")
    p = _community(world, days_ago=20, reported_after=3)
    flow.step(PERSON, p, "visit", user=world.admin_a, raw={"kind": "走访"})
    services.create_person(
        unit=world.township_a,
        actor=world.admin_a,
        kind="resettlement",
        name="李四",
        released_on=TODAY() - dt.timedelta(days=100),
    )
    ctx = _ctx(world)
    assert ctx.n("corrections.community_total") == 1
    assert ctx.n("corrections.community_new") == 1
    assert ctx.n("corrections.released_total") == 1
    assert ctx.n("corrections.visits") == 1
    assert ctx.n("corrections.reported_on_time") == 100
    text = report.roster_text(ctx)
    assert text.startswith(ctx.voice.whole + "在册社区矫正对象{{corrections.community_total}}")
    assert text.endswith("无脱管漏管")
    assert "王" not in text and "李" not in text
    assert report.shortfalls(ctx) == []
    # one subject overdue to report in: no "无脱管漏管", a shortfall instead
    _community(world, days_ago=15, id_number="", name="张三")
    ctx = _ctx(world)
    assert ctx.n("corrections.report_overdue") == 1
    assert "无脱管漏管" not in report.roster_text(ctx)
    (found,) = report.shortfalls(ctx)
    assert "逾期未报到的社区矫正对象{{corrections.report_overdue}}" in found.text
    assert ctx.n("corrections.reported_on_time") == 50


def test_an_attachment_is_seen_only_with_its_record(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fazhi.core import attachments

    p = _community(world, reported_after=2)
    pdf = SimpleUploadedFile("判决书.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    att = attachments.attach(p, pdf, user=world.admin_a)
    url = reverse("web:attachment", args=[att.pk])
    assert client_for(world.admin_a).get(url).status_code == 200
    assert client_for(world.clerk_a).get(url).status_code == 404  # same township, no role
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(SupervisedPerson).pk
    upload = reverse("web:attachment_upload", args=[ct, p.pk])
    assert client_for(world.clerk_a).post(upload).status_code == 404


def test_landing_page_counts_and_flagged_list(world, client_for):
    _community(world, days_ago=15)  # overdue
    c = client_for(world.admin_a)
    resp = c.get(reverse("corrections:index"))  # the user's township, the default unit
    assert resp.status_code == 200
    assert '在册社区矫正对象</div><div class="fs-3">1 人' in resp.content.decode()
    assert 'text-danger">1 人' in resp.content.decode()  # overdue
    resp = c.get(reverse("corrections:person_list"), {"flag": "overdue"})
    body = resp.content.decode()
    assert resp.status_code == 200 and "逾期未报到（期限" in body
    assert c.get(reverse("corrections:person_list"), {"flag": "bogus"}).status_code < 500


def test_retention_anonymises_persons_ended_long_ago(world):
    from fazhi.corrections import retention as corrections_retention

    old = _community(world, days_ago=3000, reported_after=2)
    old = flow.step(PERSON, old, "release", user=world.admin_a, raw={})
    flow.step(
        PERSON,
        _community(world, reported_after=2, id_number=""),
        "visit",
        user=world.admin_a,
        raw={},
    )
    now = timezone.now()
    assert corrections_retention.persons(now - dt.timedelta(days=365 * 5)) == 1
    old.refresh_from_db()
    assert old.name == "（已匿名化）" and old.id_number == "" and old.anonymised_at
    assert old.term_end and old.status == Status.RELEASED  # the dates and counts stay
    assert not SupervisedPerson.history.model.objects.filter(id=old.pk, name="王小明").exists()
    assert corrections_retention.persons(now - dt.timedelta(days=365 * 5)) == 0


def test_edit_page_is_a_view_and_keeps_the_village(world, client_for):
    p = _community(world, reported_after=2)
    c = client_for(world.admin_a)
    url = reverse("corrections:person_edit", args=[p.pk])
    views = AuditEvent.objects.filter(event="record_view", object_id=str(p.pk))
    form = c.get(url).context["post"]
    assert views.count() == 1  # the form shows the record (in full: A's admin may reveal)
    data = {k: v for k, v in form.items() if v is not None}
    data["notes"] = "已转为日常监管"
    resp = c.post(url, data)
    assert resp.status_code == 302, resp.content.decode()[:500]
    p.refresh_from_db()
    assert p.village == world.village_a and p.id_number == ID and p.notes == "已转为日常监管"
