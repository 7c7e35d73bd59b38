"""调解组织 (committees, centres, rooms, professional committees, 行政调解 bodies, 诉调对接)
and a dispute's route (化解途径): the rules, the migration of kinds, the route's defaulting
and refusals, the pages, API and CLI, the indicators and the report's sentences."""

import datetime as dt
import importlib
import io

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from fazhi.core.errors import InvalidInput
from fazhi.disputes import report as contribution
from fazhi.disputes.models import Dispute, DisputeCategory, MediationCommittee
from fazhi.disputes.services import disputes as ds
from fazhi.indicators import registry
from fazhi.reports import figures, voice
from fazhi.reports.contrib import Context

from .helpers import dispute

pytestmark = pytest.mark.django_db

MEMBERS = [{"name": "甲"}, {"name": "乙", "gender": "female"}, {"name": "丙"}]


def org(world, unit=None, **data):
    data.setdefault("name", "组织")
    return ds.save_committee(
        actor=world.admin_a, unit=unit or world.township_a, data=data, members=[]
    )


def committee(world, unit=None, name="甲村人民调解委员会", **data):
    return ds.save_committee(
        actor=world.admin_a,
        unit=unit or world.village_a,
        data={"name": name, "term_start": "2024-01-01", **data},
        members=MEMBERS,
    )


# --------------------------------------------------------------------------- the model
def test_a_committee_without_kind_takes_its_units(world):
    village = committee(world)
    township = committee(world, unit=world.township_a, name="甲镇人民调解委员会")
    assert (village.kind, township.kind) == ("village", "township")
    assert village.is_committee and village.kind_label == "村(社区)人民调解委员会"


def test_other_kinds_need_no_term_and_get_no_statutory_warnings(world):
    centre = org(world, kind="centre", name="甲镇综治中心")
    assert centre.term_start is None and centre.term_end is None
    assert not centre.is_committee and centre.warnings(dt.date(2024, 1, 1)) == []
    with pytest.raises(InvalidInput, match="任期开始"):
        org(world, kind="township", name="甲镇调委会")  # a committee needs its term


def test_professional_committees_have_a_sector_and_the_committee_rules(world):
    with pytest.raises(InvalidInput, match="请选择行业性专业性人民调解委员会的领域"):
        org(world, kind="professional", name="交调委", term_start="2024-01-01")
    c = ds.save_committee(
        actor=world.admin_a,
        unit=world.township_a,
        data={
            "kind": "professional",
            "sector": "traffic",
            "name": "甲镇道路交通事故人民调解委员会",
            "term_start": "2024-01-01",
        },
        members=[{"name": "甲"}],
    )
    assert c.kind_label == "行业性专业性人民调解委员会（道路交通）"
    assert any("3至9人" in w for w in c.warnings(dt.date(2024, 6, 1)))
    with pytest.raises(InvalidInput, match="只有行业性专业性人民调解委员会填写领域"):
        org(world, kind="centre", sector="traffic")


def test_rooms_need_a_parent_in_the_same_township(world):
    parent = committee(world)
    with pytest.raises(InvalidInput, match="调解工作室请选择所属调解组织"):
        org(world, unit=world.village_a, kind="room", name="老张调解室")
    other = MediationCommittee.objects.create(
        unit=world.township_b, name="乙乡人民调解委员会", term_start=dt.date(2024, 1, 1)
    )
    with pytest.raises(InvalidInput, match="不在甲镇，应选择本乡镇的调解组织"):
        org(world, unit=world.village_a, kind="room", name="老张调解室", parent=other.pk)
    room = org(world, unit=world.village_a, kind="room", name="老张调解室", parent=parent.pk)
    assert room.parent == parent and list(parent.rooms.all()) == [room]
    with pytest.raises(InvalidInput, match="不能是另一个调解工作室"):
        org(world, unit=world.village_a, kind="room", name="小调解室", parent=room.pk)
    with pytest.raises(InvalidInput, match="只有调解工作室、诉调对接工作室填写所属调解组织"):
        org(world, kind="centre", name="甲镇综治中心", parent=parent.pk)
    with pytest.raises(InvalidInput, match="所属调解组织不存在"):
        org(world, unit=world.village_a, kind="room", name="老张调解室", parent="x")
    with pytest.raises(InvalidInput, match="调解组织类型应为以下之一"):
        org(world, kind="club")
    with pytest.raises(InvalidInput, match="村\\(社区\\)人民调解委员会应登记在村"):
        committee(world, unit=world.township_a, kind="village")


def test_the_migration_sets_kinds_from_units_and_routes_from_committees(world):
    migration = importlib.import_module("fazhi.disputes.migrations.0009_mediation_organisations")
    village = committee(world)
    township = committee(world, unit=world.township_a, name="甲镇人民调解委员会")
    d = dispute(world)
    Dispute.objects.filter(pk=d.pk).update(committee=village)
    MediationCommittee.objects.update(kind="")
    migration.kinds_from_units(apps, None)
    migration.routes_from_committees(apps, None)
    kinds = dict(MediationCommittee.objects.values_list("pk", "kind"))
    assert kinds == {village.pk: "village", township.pk: "township"}
    assert Dispute.objects.get(pk=d.pk).route == "people"


# --------------------------------------------------------------------------- the route
@time_machine.travel(dt.datetime(2024, 9, 2, 10), tick=False)
def test_the_route_defaults_from_the_organisations_kind(world):
    police = org(world, kind="administrative", name="甲镇派出所")
    traffic = org(
        world, kind="professional", sector="traffic", name="交调委", term_start="2024-01-01"
    )
    village = committee(world)
    for organisation, route in (
        (village, "people"),
        (police, "administrative"),
        (traffic, "professional"),
    ):
        d = ds.act(
            dispute(world),
            "assign",
            user=world.admin_a,
            data={"handler": world.mediator_a.pk, "committee": organisation.pk},
        )
        assert d.route == route and d.court_case_number == ""
    d = ds.act(dispute(world), "assign", user=world.admin_a, data={"handler": world.mediator_a.pk})
    assert d.route == ""  # no organisation, no route chosen: nothing claimed


@time_machine.travel(dt.datetime(2024, 9, 2, 10), tick=False)
def test_court_referred_cases_need_a_case_number(world):
    link = org(world, kind="court_link", name="甲镇诉调对接工作室")
    d = dispute(world)
    with pytest.raises(InvalidInput, match="法院委派/委托调解的纠纷请填写法院案号"):
        ds.act(
            d,
            "assign",
            user=world.admin_a,
            data={"handler": world.mediator_a.pk, "committee": link.pk},
        )
    with pytest.raises(InvalidInput, match="法院委派/委托调解的纠纷请填写法院案号"):
        ds.act(
            d, "assign", user=world.admin_a, data={"handler": world.mediator_a.pk, "route": "court"}
        )
    with pytest.raises(InvalidInput, match="不能晚于今天"):
        ds.act(
            d,
            "assign",
            user=world.admin_a,
            data={
                "handler": world.mediator_a.pk,
                "route": "court",
                "court_case_number": "（2024）甲0101民诉前调1号",
                "court_referred_on": "2024-09-03",
            },
        )
    d.refresh_from_db()
    assert d.status == "registered" and d.route == ""  # nothing half-written
    d = ds.act(
        d,
        "assign",
        user=world.admin_a,
        data={
            "handler": world.mediator_a.pk,
            "committee": committee(world).pk,
            "route": "court",
            "court_case_number": "（2024）甲0101民诉前调1号",
            "court_referred_on": "2024-08-30",
        },
    )
    assert (d.route, d.court_case_number, d.court_referred_on) == (
        "court",
        "（2024）甲0101民诉前调1号",
        dt.date(2024, 8, 30),
    )


@time_machine.travel(dt.datetime(2024, 9, 2, 10), tick=False)
def test_inconsistent_routes_are_refused(world):
    police = org(world, kind="administrative", name="甲镇派出所")
    village = committee(world)
    d = dispute(world)
    with pytest.raises(InvalidInput, match="“甲镇派出所”是行政调解机构，不能以“人民调解”途径办理"):
        ds.act(
            d,
            "assign",
            user=world.admin_a,
            data={"handler": world.mediator_a.pk, "committee": police.pk, "route": "people"},
        )
    with pytest.raises(InvalidInput, match="只有法院委派/委托调解（诉调对接）的纠纷填写法院案号"):
        ds.act(
            d,
            "assign",
            user=world.admin_a,
            data={
                "handler": world.mediator_a.pk,
                "route": "people",
                "court_case_number": "（2024）甲0101民初1号",
            },
        )
    with pytest.raises(InvalidInput, match="化解途径"):
        ds.act(d, "assign", user=world.admin_a, data={"handler": world.mediator_a.pk, "route": "x"})
    # a reassignment to another organisation takes its route
    d = ds.act(
        d,
        "assign",
        user=world.admin_a,
        data={"handler": world.mediator_a.pk, "committee": village.pk},
    )
    assert d.route == "people"
    d = ds.act(
        d,
        "reassign",
        user=world.admin_a,
        data={"handler": world.clerk_a.pk, "committee": police.pk},
    )
    assert d.route == "administrative" and d.committee == police
    with pytest.raises(InvalidInput, match="只有法院委派/委托调解（诉调对接）的纠纷填写"):
        ds.act(
            d,
            "reassign",
            user=world.admin_a,
            data={"handler": world.clerk_a.pk, "court_referred_on": "2024-09-01"},
        )


@time_machine.travel(dt.datetime(2024, 9, 2, 10), tick=False)
def test_a_county_professional_committee_may_take_a_townships_case(world):
    traffic = MediationCommittee.objects.create(
        unit=world.county,
        kind="professional",
        sector="traffic",
        name="甲县道路交通事故人民调解委员会",
        term_start=dt.date(2024, 1, 1),
        term_end=dt.date(2027, 1, 1),
    )
    d = ds.act(
        dispute(world),
        "assign",
        user=world.admin_a,
        data={"handler": world.mediator_a.pk, "committee": traffic.pk},
    )
    assert d.committee == traffic and d.route == "professional"


# --------------------------------------------------------------------------- surfaces
def test_the_organisation_form_and_list(world, client_for):
    c = client_for(world.admin_a)
    page = c.get("/disputes/committees/new/").content.decode()
    assert "诉调对接工作室" in page and "道路交通" in page and 'name="parent"' in page
    r = c.post(
        "/disputes/committees/new/",
        {"unit": world.village_a.pk, "kind": "room", "name": "老张调解室"},
        follow=True,
    )
    body = r.content.decode()
    assert r.status_code == 200 and "调解工作室请选择所属调解组织" in body
    assert not MediationCommittee.objects.exists()  # nothing half-written
    r = c.post(
        "/disputes/committees/new/",
        {"unit": world.township_a.pk, "kind": "centre", "name": "甲镇综治中心", "sector": "labour"},
        follow=True,
    )
    assert "只有行业性专业性人民调解委员会填写领域" in r.content.decode()
    r = c.post(
        "/disputes/committees/new/",
        {"unit": world.township_a.pk, "kind": "centre", "name": "甲镇综治中心"},
        follow=True,
    )
    assert "已保存 甲镇综治中心" in r.content.decode()
    centre = MediationCommittee.objects.get()
    r = c.post(
        "/disputes/committees/new/",
        {
            "unit": world.township_a.pk,
            "kind": "room",
            "name": "金牌调解室",
            "parent": centre.pk,
            "m0_name": "老张",
        },
        follow=True,
    )
    assert "已保存 金牌调解室" in r.content.decode()
    room = MediationCommittee.objects.get(kind="room")
    assert room.parent == centre and room.members.count() == 1
    listing = c.get("/disputes/committees/").content.decode()
    assert "综治中心（矛盾纠纷调处化解中心）" in listing and "调解工作室" in listing
    assert "应为3至9人" not in listing  # no statutory warnings for these kinds
    edit = c.get(f"/disputes/committees/{room.pk}/").content.decode()
    assert f'<option value="{centre.pk}" selected>' in edit


@time_machine.travel(dt.datetime(2024, 9, 2, 10), tick=False)
def test_the_route_over_the_api_detail_and_list(world, api_for, client_for):
    link = org(world, kind="court_link", name="甲镇诉调对接工作室")
    api = api_for(world.admin_a)
    d = dispute(world)
    r = api.post(
        f"/disputes/disputes/{d.pk}/actions/assign",
        {"data": {"handler": world.mediator_a.username, "committee": link.pk}},
    )
    assert r.status_code == 400 and "请填写法院案号" in r.json()["error"]["message"]
    r = api.post(
        f"/disputes/disputes/{d.pk}/actions/assign",
        {
            "data": {
                "handler": world.mediator_a.username,
                "committee": link.pk,
                "court_case_number": "（2024）甲0101民诉前调7号",
                "court_referred_on": "2024-08-28",
            }
        },
    )
    assert r.status_code == 200, r.content
    detail = api.get(f"/disputes/disputes/{d.pk}").json()["detail"]
    assert detail["route"] == "court" and detail["court_referred_on"] == "2024-08-28"
    assert detail["court_case_number"] == "（2024）甲0101民诉前调7号"
    c = client_for(world.admin_a)
    page = c.get(f"/disputes/cases/{d.pk}/").content.decode()
    assert "法院委派/委托调解（诉调对接）" in page and "（2024）甲0101民诉前调7号" in page
    assert "化解途径" in c.get("/disputes/cases/").content.decode()


def test_the_cli_lists_organisations_by_kind_and_refuses_a_court_route_without_number(world):
    committee(world)
    org(world, kind="administrative", name="甲镇派出所")
    out = io.StringIO()
    call_command("disputes", "committees", stdout=out)
    text = out.getvalue()
    assert "甲镇 甲镇派出所（行政调解机构）" in text
    assert "共 1 个调委会、1 个其他调解组织" in text
    out = io.StringIO()
    call_command("disputes", "committees", "--kind", "administrative", stdout=out)
    assert "甲村人民调解委员会" not in out.getvalue()
    d = dispute(world)
    with pytest.raises(CommandError, match="法院委派/委托调解的纠纷请填写法院案号"):
        call_command(
            "disputes", "dispute", "act", str(d.pk), "assign", "--as", "admin_a",
            "--set", f"handler={world.clerk_a.username}", "--set", "route=court",
            stdout=io.StringIO(),
        )  # fmt: skip
    d.refresh_from_db()
    assert d.status == "registered"


# --------------------------------------------------------------------------- indicators, report
YEAR = 2024


def _case(world, n, organisation, **kw):
    cat = DisputeCategory.objects.get_or_create(name="邻里")[0]
    return Dispute.objects.create(
        unit=world.village_a,
        village=world.village_a,
        number=f"调{YEAR}-{n:04d}",
        title="x",
        source="visit",
        category=cat,
        registered_on=dt.date(YEAR, 5, 1),
        committee=organisation,
        route=kw.pop("route", "people"),
        **kw,
    )


def _world_with_organisations(world):
    village = committee(world)
    centre = org(world, kind="centre", name="甲镇综治中心")
    room = org(world, unit=world.village_a, kind="room", name="甲村金牌调解室", parent=village.pk)
    police = org(world, kind="administrative", name="甲镇派出所")
    traffic = org(
        world, kind="professional", sector="traffic", name="甲镇交调委", term_start="2024-01-01"
    )
    n = 0
    for organisation, count, extra in (
        (village, 1, {}),
        (centre, 3, {}),
        (room, 2, {}),
        (police, 1, {"route": "administrative"}),
        (traffic, 1, {"route": "professional"}),
        (
            village,
            2,
            {
                "route": "court",
                "court_case_number": "（2024）甲0101民诉前调1号",
                "judicial_confirmed_on": dt.date(YEAR, 6, 1),
            },
        ),
    ):
        for _ in range(count):
            n += 1
            _case(world, n, organisation, **extra)


def _ctx(unit):
    values = registry.compute(unit, YEAR, fresh=True)
    return Context(unit, YEAR, values, voice.for_unit(unit))


def _mediation_text(ctx):
    p = next((p for p in contribution.points(ctx) if p.key == "disputes.committees"), None)
    return p and figures.plain(p.text, ctx.values, {})


@time_machine.travel(dt.datetime(2024, 12, 20, 10), tick=False)
def test_indicators_count_organisations_and_routes(world):
    _world_with_organisations(world)
    values = registry.compute(world.township_a, YEAR, fresh=True)
    got = {
        code: int(values[code].value)
        for code in values
        if code.startswith(
            ("mediation.", "disputes.route", "disputes.court", "disputes.judicial_confirmed")
        )
    }
    assert got == {
        "mediation.committees": 1,  # the village committee; the professional one apart
        "mediation.mediators": 3,
        "mediation.organisations": 5,
        "mediation.professional_committees": 1,
        "mediation.centres": 1,
        "mediation.rooms": 1,
        "mediation.administrative_bodies": 1,
        "mediation.court_links": 0,
        "disputes.route_people": 6,
        "disputes.route_administrative": 1,
        "disputes.route_professional": 1,
        "disputes.court_referred": 2,
        "disputes.judicial_confirmed": 2,
        "mediation.trainings": 0,  # none held (tests/disputes/test_training.py)
        "mediation.trained": 0,
    }
    other = registry.compute(world.township_b, YEAR, fresh=True)
    assert other["mediation.organisations"].value == 0


@time_machine.travel(dt.datetime(2024, 12, 20, 10), tick=False)
def test_the_report_names_organisations_and_court_referred_cases(world):
    _world_with_organisations(world)
    text = _mediation_text(_ctx(world.township_a))
    assert "全镇建立人民调解委员会1个，配备人民调解员3名" in text
    assert "全年村（社区）调委会调处3件" in text  # the room's and centre's not among them
    assert (
        "全镇建有综治中心1个、行业性专业性人民调解委员会1个、调解工作室1个、行政调解机构1个" in text
    )
    assert "诉调对接工作室" not in text  # none recorded
    # the three busiest by name, the rest together; the organisations named say the routes
    assert (
        "甲镇综治中心调处3件、甲村金牌调解室调处2件、甲镇交调委调处1件，其他调解组织调处1件" in text
    )
    assert "通过行政调解办理纠纷" not in text
    assert "受理法院委派委托调解2件，调解协议申请司法确认2件" in text


@time_machine.travel(dt.datetime(2024, 12, 20, 10), tick=False)
def test_no_organisation_sentences_without_records(world):
    committee(world)
    text = _mediation_text(_ctx(world.township_a))
    assert text == "全镇建立人民调解委员会1个，配备人民调解员3名。"
    assert _mediation_text(_ctx(world.township_b)) is None


def test_the_organisations_ledger_counts_each_ones_disputes_of_the_year(world, api_for, client_for):
    """调解组织 as a framework ledger for reading: list (kind filter, the disputes each
    handled in the year, the committees' warnings), detail, API, CLI; scoped."""
    centre = org(world, kind="centre", name="甲镇综治中心")
    village = committee(world)
    for _ in range(2):  # handled by the village committee (as 交办 records it)
        Dispute.objects.filter(pk=dispute(world).pk).update(committee=village)
    api = api_for(world.clerk_a)
    rows = api.get("/disputes/organisations/", year=dt.date.today().year).json()
    items = rows["items"] if isinstance(rows, dict) else rows
    names = {r["id"]: r for r in items}
    assert set(names) == {centre.pk, village.pk}
    centres = api.get("/disputes/organisations/", kind="centre").json()
    assert [r["id"] for r in centres["items"]] == [centre.pk]
    r = api.get(f"/disputes/organisations/{village.pk}")
    assert r.status_code == 200
    page = client_for(world.clerk_a).get("/disputes/organisations/").content.decode()
    assert "甲镇综治中心" in page and "本年调处纠纷" in page
    detail = client_for(world.clerk_a).get(f"/disputes/organisations/{village.pk}/")
    assert "修改名称、类型和成员" in detail.content.decode()
    assert (
        client_for(world.outsider).get(f"/disputes/organisations/{village.pk}/").status_code == 404
    )
    out = io.StringIO()
    call_command("disputes", "organisation", "list", "--as", "clerk_a", stdout=out)
    lines = [line for line in out.getvalue().splitlines() if "甲村人民调解委员会" in line]
    assert lines and "\t2\t" in lines[0], out.getvalue()
