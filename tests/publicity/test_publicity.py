"""Publicity rules, imports, pages, API and CLI."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from fazhi.core.errors import InvalidInput
from fazhi.core.models import AuditEvent, Unit, UnitKind
from fazhi.ledgers import importing
from fazhi.publicity import services
from fazhi.publicity.ledgers import EVENT
from fazhi.publicity.models import LegalLiaison, PublicityEvent
from tests.learning.helpers import xlsx

pytestmark = pytest.mark.django_db

D = dt.date


def event(world, unit=None, **kw):
    data = {
        "date": kw.pop("date", D(2024, 12, 4)),
        "title": kw.pop("title", "宪法宣传"),
        "theme": kw.pop("theme", "constitution_124"),
        "place_kind": kw.pop("place_kind", "school"),
        **kw,
    }
    return services.create_event(unit=unit or world.township_a, actor=world.clerk_a, **data)


# --------------------------------------------------------------------------- themed days
def test_themed_days_from_a_date():
    days = services.themed_days(D(2024, 4, 16))
    assert [(d.label[:4], d.start) for d in days[:3]] == [
        ("4·26", D(2024, 4, 26)),
        ("6·26", D(2024, 6, 26)),
        ("宪法宣传", D(2024, 11, 28)),
    ]
    assert days[2].end == D(2024, 12, 4) and days[2].is_week
    assert days[3].start == D(2024, 12, 4)
    assert days[4].start == D(2025, 3, 15)  # next year's days follow
    assert days[0].days_until == 10


def test_constitution_week_under_way_and_the_day_itself():
    days = services.themed_days(D(2024, 12, 1))
    assert days[0].theme == "constitution_week" and days[0].ongoing
    assert days[1].start == D(2024, 12, 4) and days[1].days_until == 3
    on_the_day = services.themed_days(D(2024, 3, 15))
    assert on_the_day[0].start == D(2024, 3, 15) and on_the_day[0].ongoing


# --------------------------------------------------------------------------- events
def test_event_rules(world):
    with pytest.raises(InvalidInput, match="自定主题"):
        event(world, theme="free")
    e = event(world, theme="free", free_theme="反诈宣传", partners="派出所, 妇联，团委")
    assert e.partners == "派出所、妇联、团委" and e.theme_label == "反诈宣传"
    future = timezoneless_future()
    with pytest.raises(InvalidInput, match="尚未举行"):
        event(world, date=future, audience=10)
    assert event(world, date=future).audience == 0  # a planned event is fine
    with pytest.raises(PermissionDenied):
        services.create_event(
            unit=world.township_b,
            actor=world.clerk_a,
            date=D(2024, 1, 1),
            title="x",
            place_kind="online",
        )
    duty_b = services.create_duty(
        unit=world.township_b, actor=world.clerk_b, year=2024, body="派出所", laws="x"
    )
    with pytest.raises(InvalidInput, match="不属于本单位"):
        event(world, duty=duty_b)
    duty_a = services.create_duty(
        unit=world.township_a, actor=world.clerk_a, year=2023, body="派出所", laws="x"
    )
    with pytest.raises(InvalidInput, match="年度不一致"):
        event(world, duty=duty_a)


def timezoneless_future():
    from django.utils import timezone

    return timezone.localdate() + dt.timedelta(days=5)


def test_summary_duties_and_indicators(world):
    duty = services.create_duty(
        unit=world.township_a,
        actor=world.clerk_a,
        year=2024,
        body="派出所",
        laws="治安管理处罚法",
        target_events=3,
    )
    event(world, audience=1000, materials=500, consultations=30, duty=duty)
    event(
        world, unit=world.village_a, audience=50, theme="drugs_626", date=D(2024, 6, 26), duty=duty
    )
    event(world, date=D(2023, 12, 4), audience=999)
    services.create_event(
        unit=world.township_b,
        actor=world.clerk_b,
        date=D(2024, 3, 15),
        title="b",
        theme="consumer_315",
        place_kind="online",
        audience=7,
    )
    s = services.event_summary(world.township_a, 2024)
    assert (s["events"], s["audience"], s["materials"], s["consultations"]) == (2, 1050, 500, 30)
    assert dict(s["by_theme"])["6·26 国际禁毒日"] == 1
    assert services.indicator_events(world.county, 2024) == 3
    assert services.indicator_audience(world.county, 2024) == 1057
    assert services.indicator_audience(world.other_county, 2024) == 0
    [row] = services.duty_fulfilment(world.township_a, 2024)
    assert row.held == 2 and row.target_events == 3


# --------------------------------------------------------------------------- liaisons and model villages
def test_liaison_coverage_gaps(world):
    village_2 = Unit.objects.create(
        code="10000102", name="乙村", kind=UnitKind.VILLAGE, parent=world.township_a
    )
    assert set(services.villages_without_liaison(world.township_a)) == {world.village_a, village_2}
    p = services.create_liaison(
        unit=world.village_a, actor=world.clerk_a, name="李明白", phone="138 1234 5678"
    )
    assert p.phone == "13812345678"
    assert list(services.villages_without_liaison(world.township_a)) == [village_2]
    services.update_liaison(p, actor=world.clerk_a, active=False)
    assert len(services.villages_without_liaison(world.township_a)) == 2  # left: not covered
    with pytest.raises(InvalidInput, match="手机号码无效"):
        services.create_liaison(unit=world.village_a, actor=world.clerk_a, name="x", phone="12345")
    with pytest.raises(InvalidInput, match="村\\(社区\\)"):
        services.create_liaison(unit=world.township_a, actor=world.clerk_a, name="x")


def test_training_records_and_coverage(world):
    a = services.create_liaison(unit=world.village_a, actor=world.clerk_a, name="甲")
    services.create_liaison(unit=world.village_a, actor=world.clerk_a, name="乙")
    b_village = Unit.objects.create(
        code="10000201", name="丁村", kind=UnitKind.VILLAGE, parent=world.township_b
    )
    other = services.create_liaison(unit=b_village, actor=world.clerk_b, name="外")
    t = services.create_training(
        unit=world.township_a,
        actor=world.clerk_a,
        date=D(2024, 5, 1),
        topic="民法典",
        liaisons=[a.pk],
    )
    assert list(t.liaisons.all()) == [a]
    with pytest.raises(InvalidInput, match="不属于"):
        services.update_training(t, actor=world.clerk_a, liaisons=[other.pk])
    [row] = services.liaison_coverage(world.township_a, 2024)
    assert row == {"village": world.village_a, "liaisons": 2, "trained": 1}
    assert services.liaison_coverage(world.township_a, 2025)[0]["trained"] == 0


def test_model_villages(world):
    assert list(services.villages_without_model(world.township_a)) == [world.village_a]
    services.create_model_village(
        unit=world.village_a, actor=world.clerk_a, kind="village", level="provincial", year=2021
    )
    assert list(services.villages_without_model(world.township_a)) == []
    with pytest.raises(InvalidInput, match="已有省级称号"):
        services.create_model_village(
            unit=world.village_a, actor=world.clerk_a, kind="village", level="provincial", year=2022
        )
    with pytest.raises(InvalidInput, match="命名年度"):
        services.create_model_village(
            unit=world.village_a, actor=world.clerk_a, kind="village", level="national", year=2999
        )
    m = services.model_summary(world.township_a)
    assert (m["villages"], m["titled"], m["without"], m["coverage_rate"]) == (1, 1, 0, 100)
    assert services.model_summary(world.township_b)["coverage_rate"] is None  # no villages: n/a


# --------------------------------------------------------------------------- import
def test_event_import(world):
    data = xlsx(
        [
            [
                "日期",
                "活动名称",
                "主题",
                "形式",
                "联合单位",
                "受众人数",
                "发放材料",
                "现场咨询",
                "单位",
            ],
            [
                "2024-12-04",
                "宪法日宣传",
                "12·4 国家宪法日",
                "进社区",
                "司法所、派出所",
                300,
                200,
                12,
                "",
            ],
            ["2024/6/26", "禁毒宣传", "6.26禁毒日", "进校园", "", 150, 100, 0, "甲村"],
            ["2024-05-10", "反诈宣传", "反电信诈骗", "线上", "", 800, 0, 3, "10000101"],
        ]
    )
    result = importing.run(
        EVENT, root=world.township_a, actor=world.clerk_a, data=data, filename="活动.xlsx"
    )
    assert result.ok and result.created == 3
    by_title = {e.title: e for e in PublicityEvent.objects.all()}
    assert by_title["宪法日宣传"].theme == "constitution_124"
    assert (
        by_title["禁毒宣传"].theme == "drugs_626" and by_title["禁毒宣传"].unit == world.village_a
    )
    assert by_title["反诈宣传"].theme == "free" and by_title["反诈宣传"].free_theme == "反电信诈骗"


def test_event_import_with_bad_rows_writes_nothing(world):
    data = xlsx(
        [
            ["日期", "活动名称", "主题", "形式", "受众人数", "单位"],
            ["2024-12-04", "好的一行", "12·4", "进社区", 300, ""],
            ["2024-02-30", "坏日期", "12·4", "进社区", 300, ""],
            ["2024-03-01", "坏形式", "其他", "进太空", 300, ""],
            ["2024-03-01", "负人数", "其他", "线上", -3, ""],
            ["2024-03-01", "别人的村", "其他", "线上", 3, "乙乡"],
            ["2099-03-01", "未来", "其他", "线上", 3, ""],
            ["2024-03-01", "", "其他", "线上", 3, ""],
        ]
    )
    result = importing.run(
        EVENT, root=world.township_a, actor=world.clerk_a, data=data, filename="活动.xlsx"
    )
    assert sorted({e.row for e in result.errors}) == [3, 4, 5, 6, 7, 8]
    assert PublicityEvent.objects.count() == 0


# --------------------------------------------------------------------------- pages, API, CLI
def test_pages(world, client_for):
    c = client_for(world.clerk_a)
    html = c.get("/publicity/").content.decode()
    assert "登记一次普法宣传活动。" in html and "即将到来的主题宣传日" in html
    assert "甲村" in html  # a village without a liaison and without a title
    resp = c.post(
        "/publicity/events/new/",
        {
            "unit": world.township_a.pk,
            "date": "2024-12-04",
            "title": "宪法进校园",
            "theme": "constitution_124",
            "place_kind": "school",
            "audience": "120",
            "materials": "50",
            "consultations": "3",
        },
    )
    assert resp.status_code == 302
    e = PublicityEvent.objects.get()
    assert "宪法进校园" in c.get(f"/publicity/events/{e.pk}/").content.decode()
    resp = c.post(
        f"/publicity/events/{e.pk}/edit/",
        {
            "date": "2024-12-04",
            "title": "宪法进校园",
            "theme": "free",
            "place_kind": "school",
            "audience": "120",
            "materials": "50",
            "consultations": "3",
        },
    )
    assert "请填写自定主题" in resp.content.decode()
    c.post("/switch/", {"year": "2024"})
    assert "宪法进校园" in c.get("/publicity/events/?theme=constitution_124").content.decode()
    assert "宪法进校园" not in c.get("/publicity/events/?place_kind=online").content.decode()
    assert c.get("/publicity/events/export/").status_code == 200
    resp = c.post(
        "/publicity/liaisons/new/",
        {"unit": world.village_a.pk, "name": "李明白", "phone": "13812345678", "active": "on"},
    )
    assert resp.status_code == 302
    p = LegalLiaison.objects.get()
    page = c.get(f"/publicity/liaisons/{p.pk}/").content.decode()
    assert "138****5678" in page and "13812345678" not in page
    page = c.post(f"/publicity/liaisons/{p.pk}/", {"reveal": "phone"}).content.decode()
    assert "13812345678" in page
    assert AuditEvent.objects.filter(event="pii_reveal").count() == 1
    assert "13812345678" not in c.get("/publicity/liaisons/export/").content.decode("latin-1")
    for url in (
        "/publicity/duties/",
        "/publicity/liaisons/",
        "/publicity/models/",
        "/publicity/models/export/",
        "/publicity/duties/new/",
        "/publicity/trainings/new/",
        "/publicity/models/new/",
    ):
        assert c.get(url).status_code == 200, url


def test_api(world, api_for):
    api = api_for(world.clerk_a)
    resp = api.post(
        "/publicity/events/",
        {
            "unit_id": world.township_a.pk,
            "date": "2024-04-15",
            "title": "国家安全宣传",
            "theme": "security_415",
            "place_kind": "community",
            "audience": 200,
        },
    )
    assert resp.status_code == 201
    eid = resp.json()["id"]
    resp = api.c.patch(
        f"/api/v1/publicity/events/{eid}", {"theme": "free"}, content_type="application/json"
    )
    assert resp.status_code == 400 and "自定主题" in resp.json()["error"]["message"]
    resp = api.c.patch(
        f"/api/v1/publicity/events/{eid}", {"audience": 250}, content_type="application/json"
    )
    assert resp.status_code == 200 and resp.json()["audience"] == 250
    assert (
        api.get("/publicity/summary", unit_id=world.township_a.pk, year=2024).json()["audience"]
        == 250
    )
    assert (
        api.get("/publicity/themed-days", date="2024-12-01").json()[0]["theme"]
        == "constitution_week"
    )
    # A missing required field: 400 with the reason (the ledgers' API reads the declared
    # fields; it answered 422 from the hand-written schema before).
    resp = api.post("/publicity/events/", {"unit_id": world.township_a.pk, "title": "x"})
    assert resp.status_code == 400 and "日期" in resp.json()["error"]["message"]
    services.create_liaison(
        unit=world.village_a, actor=world.clerk_a, name="李", phone="13812345678"
    )
    items = api.get("/publicity/liaisons/").json()["items"]
    assert items[0]["phone"] == "138****5678"
    cov = api.get("/publicity/coverage", unit_id=world.township_a.pk).json()
    assert cov["without_liaison"] == [] and cov["without_model_title"][0]["name"] == "甲村"
    resp = api_for(world.supervisor).c.patch(
        f"/api/v1/publicity/events/{eid}", {"audience": 1}, content_type="application/json"
    )
    assert resp.status_code == 403


def test_cli(world, tmp_path):
    out = io.StringIO()
    call_command("publicity", "calendar", "--date", "2024-11-30", stdout=out)
    assert out.getvalue().splitlines()[0].startswith("2024-11-28–2024-12-04\t宪法宣传周\t进行中")
    out = io.StringIO()
    call_command("publicity", "gaps", "甲镇", stdout=out)
    assert "没有法律明白人的村(社区)：甲村" in out.getvalue()
    f = tmp_path / "e.xlsx"
    f.write_bytes(
        xlsx(
            [
                ["日期", "活动名称", "主题", "形式", "受众人数"],
                ["2024-03-15", "3·15宣传", "3·15", "进企业", 80],
            ]
        )
    )
    call_command(
        "publicity", "import-events", "甲镇", str(f), "--user", "clerk_a", stdout=io.StringIO()
    )
    out = io.StringIO()
    call_command("publicity", "summary", "甲县", "--year", "2024", stdout=out)
    assert "普法活动 1 次，受众 80 人" in out.getvalue()
    with pytest.raises(CommandError, match="无权"):
        call_command("publicity", "import-events", "甲镇", str(f), "--user", "clerk_b")
    with pytest.raises(CommandError, match="日期格式"):
        call_command("publicity", "calendar", "--date", "明天")
    target = tmp_path / "out.xlsx"
    call_command(
        "publicity", "export", "甲镇", "--year", "2024", "--out", str(target), stdout=io.StringIO()
    )
    assert target.read_bytes().startswith(b"PK")
