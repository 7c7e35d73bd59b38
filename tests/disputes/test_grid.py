"""Grid cases (网格事件): report, deadlines, the disposal steps and their refusals, escalation
into a dispute, scoping, API, pages, CLI, Excel export and import, retention, indicators."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import load_workbook

from fazhi.core import retention
from fazhi.core.errors import InvalidInput, TransitionNotAllowed
from fazhi.core.models import AuditEvent, TransitionRecord
from fazhi.disputes.models import Dispute, GridCase
from fazhi.disputes.services import grid as gs
from tests.factories import member

from .helpers import PHONE_A

pytestmark = pytest.mark.django_db
FROZEN = dt.datetime(2024, 10, 12, 10)


def report(world, *, actor=None, unit=None, **data):
    return gs.report_case(
        actor=actor or world.clerk_a,
        unit=unit or world.township_a,
        data={
            "village": world.village_a.pk,
            "grid": "第3网格",
            "category": "sanitation",
            "summary": "垃圾收集点满溢",
            "reporter": "王网格",
            "reported_at": "2024-09-27T10:00",
            **data,
        },
    )


@time_machine.travel(FROZEN, tick=False)
def test_report_numbers_and_deadlines_in_working_days_over_a_holiday(world):
    # Friday 27 Sept 2024: 29 Sept (a make-up Sunday) and 30 Sept are working days, then the
    # National Day holiday (1–7 Oct). Ordinary events: 3 working days; safety hazards: 1.
    g = report(world)
    assert g.due_on == dt.date(2024, 10, 8) and g.due_date == g.due_on and not g.due_provisional
    safety = report(world, category="安全隐患")  # the Chinese name works too
    assert safety.category == "safety" and safety.due_on == dt.date(2024, 9, 29)
    late = report(world, category="safety", reported_at="2024-09-30T16:00")
    assert late.due_on == dt.date(2024, 10, 8)
    assert [g.number, safety.number] == ["网2024-00001", "网2024-00002"]
    # The case belongs to the village it happened in, so the village's users handle it.
    assert g.unit == world.village_a and g.village == world.village_a and g.status == "reported"
    assert g.reporter == "王网格" and AuditEvent.objects.filter(event="create").exists()
    no_village = report(world, village="", reporter="")
    assert no_village.unit == world.township_a and no_village.reporter == world.clerk_a.label
    assert g.history.count() == 1


@time_machine.travel(FROZEN, tick=False)
def test_report_refusals(world):
    for data, message in (
        ({"summary": " "}, "请填写事件概要"),
        ({"category": "天灾"}, "事件类别无效"),
        ({"reported_at": "2024-10-13T09:00"}, "不能晚于今天"),
        ({"reported_at": "昨天"}, "上报时间"),
        ({"phone": "12345"}, "联系电话无效"),
        ({"village": "乙村"}, "不在本乡镇"),
    ):
        with pytest.raises(InvalidInput, match=message):
            report(world, **data)
    viewer = member(world.township_a, "viewer", username="viewer_a")
    with pytest.raises(PermissionDenied):
        report(world, actor=viewer)
    with pytest.raises(PermissionDenied):  # a village mediator reports in their own village only
        report(world, actor=world.mediator_a, village="")
    assert GridCase.objects.count() == 0


@time_machine.travel(FROZEN, tick=False)
def test_handle_refer_close_and_their_refusals(world):
    g = report(world, person_name="赵六", phone=PHONE_A)
    with pytest.raises(InvalidInput, match="请填写“处置情况”"):
        gs.act(g, "handle", user=world.mediator_a, data={})
    with pytest.raises(InvalidInput, match="不能早于上报日期"):
        gs.act(
            g, "handle", user=world.mediator_a, data={"handling": "x", "handled_on": "2024-09-01"}
        )
    with pytest.raises(TransitionNotAllowed, match="当前状态为“待处置”，不能办结"):
        gs.act(g, "close", user=world.clerk_a)
    viewer = member(world.township_a, "viewer", username="viewer_a")
    with pytest.raises(TransitionNotAllowed, match="您的角色无权就地处置"):
        gs.act(g, "handle", user=viewer, data={"handling": "x"})
    with pytest.raises(TransitionNotAllowed, match="您的角色无权就地处置"):
        gs.act(g, "handle", user=world.clerk_b, data={"handling": "x"})
    with pytest.raises(TransitionNotAllowed, match="您的角色无权督办"):
        gs.act(g, "supervise", user=world.mediator_a, data={"note": "x"})
    # The village's mediator (a grid worker's login) disposes of it on the spot.
    g = gs.act(
        g, "handle", user=world.mediator_a, data={"handling": "已清运", "handled_on": "2024-09-30"}
    )
    assert (g.status, g.disposal, g.handler) == ("handled", "on_the_spot", world.mediator_a)
    assert g.handled_on_time and g.due_date is None and not g.overdue
    with pytest.raises(TransitionNotAllowed, match="不能转为矛盾纠纷"):
        gs.act(g, "escalate", user=world.clerk_a, data={"category": "邻里"})
    with pytest.raises(InvalidInput, match="办结日期不能早于处置日期"):
        gs.act(g, "close", user=world.clerk_a, data={"closed_on": "2024-09-29"})
    g = gs.act(g, "close", user=world.clerk_a, data={"note": "已复核"})
    assert g.status == "closed" and g.closed_on == dt.date(2024, 10, 12)
    steps = TransitionRecord.objects.filter(object_id=str(g.pk)).values_list("action", flat=True)
    assert list(steps) == ["handle", "close"]

    r = report(world)
    with pytest.raises(InvalidInput, match="请填写“转办单位”"):
        gs.act(r, "refer", user=world.clerk_a, data={})
    r = gs.act(r, "refer", user=world.clerk_a, data={"referred_to": "镇综合行政执法队"})
    assert r.status == "referred" and r.disposal == "referred" and "镇综合行政执法队" in r.handling
    r = gs.act(r, "supervise", user=world.admin_a, data={"note": "请三日内反馈"})
    assert r.supervised


@time_machine.travel(FROZEN, tick=False)
def test_escalation_registers_a_linked_dispute(world):
    g = report(world, category="dispute_lead", summary="张某与李某因排水沟发生争执", phone=PHONE_A)
    with pytest.raises(InvalidInput, match="请填写纠纷当事人"):
        gs.act(g, "escalate", user=world.mediator_a, data={"category": "邻里"})
    with pytest.raises(InvalidInput, match="纠纷类别"):
        gs.act(g, "escalate", user=world.mediator_a, data={"category": "不存在", "parties": "张某"})
    assert Dispute.objects.count() == 0
    g = gs.act(
        g, "escalate", user=world.mediator_a, data={"category": "邻里", "parties": "张某、李某"}
    )
    d = g.dispute
    assert g.status == "escalated" and g.disposal == "escalated" and d.number in g.handling
    assert (d.source, d.category.name, d.village, d.grid) == (
        "screening",
        "邻里",
        world.village_a,
        "第3网格",
    )
    assert d.title == "张某与李某因排水沟发生争执" and g.number in d.summary
    assert [(p.name, p.side) for p in d.parties.all()] == [
        ("张某", "applicant"),
        ("李某", "respondent"),
    ]
    assert d.status == "registered" and d.registered_on == dt.date(2024, 10, 12)
    # Closing the grid case leaves the dispute to its own procedure.
    g = gs.act(g, "close", user=world.clerk_a)
    assert g.status == "closed" and Dispute.objects.get(pk=d.pk).status == "registered"


@time_machine.travel(FROZEN, tick=False)
def test_escalation_is_atomic(world, monkeypatch):
    """A failure after the dispute is registered keeps neither the dispute nor the step."""
    from fazhi.core import procedures

    g = report(world, category="dispute_lead", person_name="赵六")

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(procedures, "record_step", boom)
    with pytest.raises(RuntimeError):
        gs.act(g, "escalate", user=world.clerk_a, data={"category": "邻里"})
    g.refresh_from_db()
    assert Dispute.objects.count() == 0 and g.status == "reported" and g.dispute is None
    monkeypatch.undo()
    g = gs.act(g, "escalate", user=world.clerk_a, data={"category": "邻里"})
    assert [p.name for p in g.dispute.parties.all()] == ["赵六"]  # the person concerned


def test_overdue_reminders_and_scoping_of_village_users(world):
    from fazhi.core import reminders

    with time_machine.travel(FROZEN, tick=False):
        g = report(world)
        township_case = report(world, village="")
    with time_machine.travel(dt.datetime(2024, 10, 9, 9), tick=False):
        g.refresh_from_db()
        assert g.overdue and g.due_date == dt.date(2024, 10, 8)
        items = [i for i in reminders.collect(dt.date(2024, 10, 9)) if i.kind == "网格事件"]
        assert {i.url for i in items} >= {f"/disputes/grid/{g.pk}/"}
    visible = set(GridCase.objects.visible_to(world.mediator_a).values_list("pk", flat=True))
    assert visible == {g.pk}  # the village's case, not the township's
    assert township_case.pk in set(
        GridCase.objects.visible_to(world.clerk_a).values_list("pk", flat=True)
    )
    assert not GridCase.objects.visible_to(world.clerk_b).exists()


@time_machine.travel(FROZEN, tick=False)
def test_other_township_gets_404_on_pages_and_api(world, client_for, api_for):
    g = report(world, person_name="赵六", phone=PHONE_A)
    c = client_for(world.clerk_b)
    assert c.get(f"/disputes/grid/{g.pk}/").status_code == 404
    assert c.post(f"/disputes/grid/{g.pk}/actions/handle/", {"handling": "x"}).status_code == 404
    assert c.post(f"/disputes/grid/{g.pk}/reveal/{g.pk}/phone/").status_code == 404
    assert g.number not in c.get("/disputes/grid/").content.decode()
    api = api_for(world.clerk_b)
    assert api.get(f"/disputes/grid/{g.pk}").status_code == 404
    assert api.post(f"/disputes/grid/{g.pk}/actions/handle", {"data": {}}).status_code == 404
    assert api.get("/disputes/grid").json()["count"] == 0
    g.refresh_from_db()
    assert g.status == "reported"


@time_machine.travel(FROZEN, tick=False)
def test_api_create_list_filter_detail_and_act(world, api_for):
    api = api_for(world.clerk_a)
    r = api.post(
        "/disputes/grid",
        {
            "unit_id": world.township_a.pk,
            "village": str(world.village_a.pk),
            "grid": "第1网格",
            "category": "safety",
            "summary": "村道边坡有落石",
            "reported_at": "2024-09-27T10:00:00+08:00",
            "person_name": "赵六",
            "phone": PHONE_A,
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["phone"] == "138****5678" and PHONE_A not in r.content.decode()
    assert body["due_on"] == "2024-09-29" and body["overdue"] and body["status"] == "reported"
    assert body["reporter"] == world.clerk_a.label and body["unit_id"] == world.village_a.pk
    pk = body["id"]
    other = report(world, category="policy", summary="咨询养老保险缴费", reported_at="2023-05-06")
    assert api.get("/disputes/grid").json()["count"] == 2
    for params, expected in (
        ({"status": "reported"}, {pk, other.pk}),
        ({"category": "safety"}, {pk}),
        ({"year": "2023"}, {other.pk}),
        ({"overdue": "1"}, {pk, other.pk}),
        ({"q": "落石"}, {pk}),
        ({"q": other.number}, {other.pk}),
        ({"q": PHONE_A}, {pk}),  # an exact mobile number, through the blind index
        ({"q": PHONE_A[:7]}, set()),
        ({"village": str(world.village_a.pk)}, {pk, other.pk}),
    ):
        items = api.get("/disputes/grid", **params).json()["items"]
        assert {i["id"] for i in items} == expected, params
    ordered = api.get("/disputes/grid", order="due").json()["items"]
    assert [i["id"] for i in ordered] == [other.pk, pk]
    assert api.get("/disputes/grid", limit=100000).status_code == 422
    assert api.get(f"/disputes/grid/{pk}").json()["summary"] == "村道边坡有落石"
    options = {o["action"]: o for o in api.get(f"/disputes/grid/{pk}/actions").json()}
    assert options["handle"]["allowed"] and options["supervise"]["reason"] == "您的角色无权督办"
    r = api.post(f"/disputes/grid/{pk}/actions/handle", {"data": {}})
    assert r.status_code == 400 and "处置情况" in r.json()["error"]["message"]
    r = api.post(f"/disputes/grid/{pk}/actions/close", {"data": {}})
    assert r.status_code == 409 and r.json()["error"]["code"] == "transition_not_allowed"
    r = api.post(f"/disputes/grid/{pk}/actions/fly", {"data": {}})
    assert r.status_code == 409 and r.json()["error"]["code"] == "unknown_action"
    r = api.post(
        f"/disputes/grid/{pk}/actions/handle", {"data": {"handling": "已清理"}, "version": 0}
    )
    assert r.status_code == 200 and r.json()["status"] == "handled" and r.json()["version"] == 1
    assert r.json()["handled_on_time"] is False and not r.json()["overdue"]
    r = api.post(f"/disputes/grid/{pk}/actions/close", {"data": {}, "version": 0})
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"
    r = api.post(f"/disputes/grid/{pk}/actions/escalate", {"data": {}})
    assert r.status_code == 409
    # Bad input: 4xx with a reason, never a 500.
    bad = {"unit_id": world.township_a.pk, "category": "x", "summary": "y"}
    assert api.post("/disputes/grid", bad).status_code == 400
    assert api.post("/disputes/grid", {**bad, "reported_at": "2024-13-01"}).status_code == 422
    assert api.post("/disputes/grid", {**bad, "unit_id": world.township_b.pk}).status_code == 400
    assert (
        api_for(world.supervisor).post("/disputes/grid", {**bad, "category": "safety"}).status_code
        == 403
    )


@time_machine.travel(FROZEN)  # ticking: the timeline tells history rows apart by their time
def test_pages_list_detail_form_steps_and_masked_phone(world, client_for):
    c = client_for(world.clerk_a)
    assert "没有符合条件的网格事件" in c.get("/disputes/grid/").content.decode()
    r = c.post(
        "/disputes/grid/new/",
        {
            "unit": world.township_a.pk,
            "village": world.village_a.pk,
            "grid": "第2网格",
            "category": "livelihood",
            "reported_at": "2024-10-11T08:30",
            "reporter": "李网格",
            "summary": "独居老人家中漏雨",
            "person_name": "孙七",
            "phone": PHONE_A,
        },
    )
    g = GridCase.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/disputes/grid/{g.pk}/"
    page = c.get(f"/disputes/grid/{g.pk}/").content.decode()
    assert "138****5678" in page and PHONE_A not in page and "独居老人家中漏雨" in page
    assert "就地处置" in page and "转为矛盾纠纷" in page and "当前状态为“待处置”，不能办结" in page
    assert "本地规定" in page  # the deadline is labelled local practice
    r = c.post(f"/disputes/grid/{g.pk}/reveal/{g.pk}/phone/", follow=True)
    assert PHONE_A in r.content.decode() and AuditEvent.objects.filter(event="pii_reveal").exists()
    assert c.post(f"/disputes/grid/{g.pk}/reveal/{g.pk}/id_number/").status_code == 404
    r = c.post(f"/disputes/grid/{g.pk}/actions/handle/", {"version": 0}, follow=True)
    assert "请填写“处置情况”" in r.content.decode()
    c.post(f"/disputes/grid/{g.pk}/actions/handle/", {"handling": "已维修", "version": 0})
    g.refresh_from_db()
    assert g.status == "handled"
    page = c.get(f"/disputes/grid/{g.pk}/").content.decode()
    assert "处置情况：（空） → 已维修" in page  # the timeline shows what the step changed
    r = c.post(
        "/disputes/grid/new/",
        {"unit": world.township_a.pk, "category": "safety", "summary": ""},
    )
    assert "请填写事件概要" in r.content.decode() and GridCase.objects.count() == 1
    lst = c.get("/disputes/grid/?status=handled&category=livelihood").content.decode()
    assert g.number in lst and "共 1 件" in lst
    assert g.number not in c.get("/disputes/grid/?category=safety").content.decode()
    for url in (
        "/disputes/grid/new/",
        "/disputes/grid/import/",
        "/disputes/grid/?overdue=1&supervised=1&late=1&order=due&year=2024&q=漏雨",
    ):
        assert c.get(url).status_code == 200, url
    index = c.get("/disputes/").content.decode()
    assert "网格事件" in index and 'id="grid-stats"' in index
    assert client_for(world.supervisor).get("/disputes/grid/new/").status_code == 403


@time_machine.travel(FROZEN, tick=False)
def test_export_round_trip_and_import(world, client_for):
    g = report(world, person_name="赵六", phone=PHONE_A)
    gs.act(g, "handle", user=world.clerk_a, data={"handling": "已清运"})
    report(world, category="safety", summary="电线裸露")
    c = client_for(world.clerk_a)
    r = c.get("/disputes/grid/export.xlsx")
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    head = rows[0]
    assert head[:6] == ("编号", "上报时间", "单位", "村(社区)", "网格", "事件类别")
    by_number = {row[0]: dict(zip(head, row, strict=True)) for row in rows[1:]}
    first = by_number[g.number]
    assert first["联系电话"] == "138****5678" and first["处置情况"] == "已清运"
    assert first["事件类别"] == "环境卫生" and first["按期处置"] == "否"  # 10-12 > 10-08
    assert AuditEvent.objects.filter(event="export").exists()
    # The export imported again changes nothing (numbers already in the ledger).
    again = gs.import_cases(
        actor=world.clerk_a, unit=world.township_a, data=r.content, filename="grid.xlsx"
    )
    assert (again.created, again.unchanged, again.errors) == (0, 2, [])
    # Imported into an empty ledger, the rows come back as they were (phones masked away).
    GridCase.objects.all().delete()
    back = gs.import_cases(
        actor=world.clerk_a, unit=world.township_a, data=r.content, filename="grid.xlsx"
    )
    assert (back.created, back.errors) == (2, [])
    g2 = GridCase.objects.get(number=g.number)
    assert (g2.status, g2.handling, g2.person_name, g2.phone) == ("handled", "已清运", "赵六", "")
    assert g2.village == world.village_a and g2.reported_at == g.reported_at
    assert GridCase.objects.get(summary="电线裸露").status == "reported"
    csv = (
        "上报时间,村(社区),网格,事件类别,事件概要,上报网格员,处置情况,转办单位,处置日期\n"
        "2024-10-10 09:00,甲村,第1网格,民生服务,路灯不亮,王五,,镇社会事务办公室,\n"
        "2024-10-10 09:00,甲村,,乱填,x,王五,,,\n"
        "2024-10-10 09:00,乙村,,民生服务,x,王五,,,\n"
        "2024-10-10 09:00,甲村,,民生服务,x,王五,已办,,2024-10-01\n"
        "2024-10-10,甲村,,安全隐患,井盖缺失,王五,已补装,,2024-10-11\n"
    ).encode("gb18030")
    result = gs.import_cases(actor=world.clerk_a, unit=world.township_a, data=csv, filename="a.csv")
    assert result.created == 2 and len(result.errors) == 3, result.errors
    text = "\n".join(result.errors)
    assert "第3行" in text and "第4行" in text and "第5行" in text and "不能早于上报日期" in text
    assert GridCase.objects.get(summary="路灯不亮").status == "referred"
    assert GridCase.objects.get(summary="井盖缺失").handled_on == dt.date(2024, 10, 11)
    assert client_for(world.mediator_a).get("/disputes/grid/export.xlsx").status_code == 403


@time_machine.travel(FROZEN, tick=False)
def test_cli_report_list_act_export_with_one_line_errors(world, tmp_path, capsys):
    call_command(
        "disputes", "report-grid", world.township_a.code, "--user", "mediator_a",
        "--village", "甲村", "--category", "安全隐患", "--summary", "电线裸露",
        "--phone", PHONE_A, "--person", "赵六", "--reported-at", "2024-10-11 09:00",
    )  # fmt: skip
    out = capsys.readouterr().out
    g = GridCase.objects.get()
    assert g.number in out and "处置期限 2024-10-12" in out and g.reporter == world.mediator_a.label
    with pytest.raises(CommandError, match="事件类别无效"):
        call_command(
            "disputes", "report-grid", world.township_a.code, "--user", "mediator_a",
            "--category", "天灾", "--summary", "x",
        )  # fmt: skip
    with pytest.raises(CommandError, match="您无权在该单位上报"):
        call_command(
            "disputes", "report-grid", world.township_b.code, "--user", "mediator_a",
            "--category", "safety", "--summary", "x",
        )  # fmt: skip
    call_command("disputes", "list", "grid", "--unit", "甲镇", "--format", "json")
    assert g.number in capsys.readouterr().out
    with pytest.raises(CommandError, match="请填写“处置情况”"):
        call_command("disputes", "act", "grid", str(g.pk), "handle", "--user", "mediator_a")
    call_command(
        "disputes", "act", "grid", str(g.pk), "handle", "--user", "mediator_a",
        "--set", "handling=已断电处理",
    )  # fmt: skip
    assert "已就地处置" in capsys.readouterr().out
    with pytest.raises(CommandError, match="找不到"):
        call_command("disputes", "act", "grid", str(g.pk), "close", "--user", "clerk_b")
    call_command("disputes", "export", "grid", "甲镇", "--out", str(tmp_path / "g.xlsx"))
    assert (tmp_path / "g.xlsx").stat().st_size > 1000
    f = tmp_path / "g.csv"
    f.write_text("上报时间,事件类别,事件概要,上报网格员\n2024-10-10,政策咨询,咨询低保,王五\n")
    call_command("disputes", "import-grid", world.township_a.code, str(f), "--user", "clerk_a")
    assert "新增 1 件" in capsys.readouterr().out


def test_retention_anonymises_the_person_of_long_closed_cases(world):
    long_ago = timezone.localdate() - dt.timedelta(days=365 * 4)
    cases = []
    for name in ("旧案", "保全", "无人"):
        g = report(
            world,
            reported_at=timezone.now(),
            summary=name,
            person_name="" if name == "无人" else "赵六",
            phone="" if name == "无人" else PHONE_A,
        )
        g.closed_on = long_ago
        g.legal_hold = name == "保全"
        g.save()
        cases.append(g)
    assert retention.run()["disputes.GridCase"] == 1
    old, held, nobody = (GridCase.objects.get(pk=g.pk) for g in cases)
    assert old.person_name == retention.ANONYMISED and old.phone == "" and old.anonymised_at
    assert all(h.phone in ("", None) for h in GridCase.history.filter(id=old.pk))
    assert held.person_name == "赵六" and held.phone == PHONE_A
    assert nobody.anonymised_at is None  # nothing personal to anonymise
    assert retention.run()["disputes.GridCase"] == 0


def test_indicators_from_the_grid_ledger(world):
    from fazhi.indicators import registry

    with time_machine.travel(FROZEN, tick=False):
        late = report(world)
        gs.act(late, "handle", user=world.clerk_a, data={"handling": "x"})  # 10-12 > 10-08
        quick = report(world, reported_at="2024-10-11T09:00")
        gs.act(quick, "handle", user=world.clerk_a, data={"handling": "x"})
        lead = report(world, reported_at="2024-10-11T09:00", person_name="赵六")
        gs.act(lead, "escalate", user=world.clerk_a, data={"category": "邻里"})
        report(world, reported_at="2024-10-11T09:00")  # open, not yet due
        report(world, reported_at="2023-10-11T09:00")  # another year
    with time_machine.travel(dt.datetime(2025, 1, 15, 10), tick=False):
        values = registry.compute(world.township_a, 2024)
        assert values["grid.reported"].value == 4
        assert values["grid.escalated"].value == 1
        assert (
            values["grid.on_the_spot_rate"].numerator,
            values["grid.on_the_spot_rate"].denominator,
        ) == (2, 3)
        # Due: the three disposed of and the open one (past its deadline by 31 Dec); on time: 2.
        v = values["grid.on_time_rate"]
        assert (v.numerator, v.denominator, str(v.value)) == (2, 4, "50.0")
        assert registry.compute(world.township_b, 2024)["grid.on_the_spot_rate"].status == "na"
