"""The publicity ledgers on fazhi/ledgers: every page of every ledger, the edit pages,
Excel import of liaisons and model villages (bad rows by row number, a second import of
the same file creates nothing), the API and the CLI the declarations give."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from fazhi.core.models import AuditEvent
from fazhi.ledgers import importing
from fazhi.publicity import services
from fazhi.publicity.ledgers import EVENT, LEDGERS, LIAISON, MODEL
from fazhi.publicity.models import LegalLiaison, ModelVillage, PublicityEvent
from tests.learning.helpers import xlsx

pytestmark = pytest.mark.django_db

D = dt.date
LIAISONS = [
    ["村(社区)", "姓名", "手机号码", "身份", "聘任日期"],
    ["甲村", "李明白", "13812345678", "村干部", "2024-03-01"],
    ["10000101", "王懂法", "", "网格员", ""],
]


def _records(world):
    a = world.clerk_a
    duty = services.create_duty(
        unit=world.township_a, actor=a, year=2024, body="派出所", laws="治安管理处罚法"
    )
    liaison = services.create_liaison(
        unit=world.village_a, actor=a, name="李明白", phone="13812345678"
    )
    return {
        "event": services.create_event(
            unit=world.township_a,
            actor=a,
            date=D(2024, 12, 4),
            title="宪法进校园",
            theme="constitution_124",
            place_kind="school",
            duty=duty,
        ),
        "duty": duty,
        "liaison": liaison,
        "training": services.create_training(
            unit=world.township_a,
            actor=a,
            date=D(2024, 5, 1),
            topic="民法典",
            liaisons=[liaison.pk],
        ),
        "model": services.create_model_village(
            unit=world.village_a, actor=a, level="county", year=2023
        ),
        "channel": services.create_channel(unit=world.village_a, actor=a, kind="board", count=2),
        "site": services.create_site(unit=world.village_a, actor=a, kind="park", name="法治公园"),
        "vice_principal": services.create_vice_principal(
            unit=world.township_a,
            actor=a,
            school="甲镇中心小学",
            holder="县公安局派出所所长",
            appointed_on=D(2023, 9, 1),
        ),
    }


def test_every_page_of_every_ledger(world, client_for):
    objs = _records(world)
    c = client_for(world.clerk_a)
    for lg in LEDGERS:
        base = f"/publicity/{lg.plural}/"
        pk = objs[lg.key].pk
        pages = [base, f"{base}new/", f"{base}{pk}/", f"{base}{pk}/edit/", f"{base}{pk}/history/"]
        if lg.importer is not None:
            pages += [f"{base}import/", f"{base}import/?template=1"]
        for url in pages:
            assert c.get(url).status_code == 200, url
        resp = c.get(base, {"format": "xlsx"})
        assert resp.status_code == 200 and resp.content.startswith(b"PK"), lg.key
    for old in ("events", "liaisons", "models"):
        assert c.get(f"/publicity/{old}/export/").content.startswith(b"PK"), old
    # The lists' own panels: villages without a liaison or a title.
    assert 'id="coverage"' in c.get("/publicity/liaisons/").content.decode()
    assert 'id="without-model"' in c.get("/publicity/models/").content.decode()
    # Filters and search.
    assert "宪法进校园" in c.get("/publicity/events/", {"q": "校园"}).content.decode()
    assert "宪法进校园" not in c.get("/publicity/events/", {"theme": "drugs_626"}).content.decode()


def test_a_themed_day_prefills_the_new_event(world, client_for):
    html = client_for(world.clerk_a).get(
        "/publicity/events/new/", {"theme": "drugs_626", "date": "2024-06-26"}
    )
    text = html.content.decode()
    assert '<option value="drugs_626" selected>' in text and 'value="2024-06-26"' in text


def test_edit_pages(world, client_for):
    objs = _records(world)
    c = client_for(world.clerk_a)
    duty = objs["duty"]
    resp = c.post(
        f"/publicity/duties/{duty.pk}/edit/",
        {"year": "2024", "body": " 市场监管所 ", "laws": "消费者权益保护法", "target_events": "4"},
    )
    assert resp.status_code == 302
    duty.refresh_from_db()
    assert (duty.body, duty.target_events) == ("市场监管所", 4)
    model = objs["model"]
    resp = c.post(f"/publicity/models/{model.pk}/edit/", {"level": "county", "year": "2999"})
    assert resp.status_code == 400 and "命名年度" in resp.content.decode()
    resp = c.post(
        f"/publicity/models/{model.pk}/edit/",
        {"level": "city", "year": "2022", "awarded_by": "市司法局"},
    )
    assert resp.status_code == 302
    model.refresh_from_db()
    assert (model.level, model.kind, model.awarded_by) == ("city", "village", "市司法局")
    # The training's attendees stay ticked on its edit page and are kept on save.
    t = objs["training"]
    liaison = objs["liaison"]
    html = c.get(f"/publicity/trainings/{t.pk}/edit/").content.decode()
    assert f'value="{liaison.pk}" id="edit-liaisons-{liaison.pk}" checked' in html
    resp = c.post(
        f"/publicity/trainings/{t.pk}/edit/",
        {"date": "2024-05-02", "topic": "民法典", "hours": "3", "liaisons": [liaison.pk]},
    )
    assert resp.status_code == 302 and list(t.liaisons.all()) == [liaison]
    # An event's duty is chosen from the duties the user sees.
    e = objs["event"]
    html = c.get(f"/publicity/events/{e.pk}/edit/").content.decode()
    assert f'<option value="{duty.pk}" selected>' in html


def test_liaison_import_reports_bad_rows_and_is_idempotent(world, client_for):
    bad = xlsx([*LIAISONS, ["乙乡的村", "外人", "", "", ""], ["甲村", "错号", "12345", "", ""]])
    r = importing.run(
        LIAISON, root=world.township_a, actor=world.clerk_a, data=bad, filename="l.xlsx"
    )
    assert [(e.row, e.column) for e in r.errors] == [(4, "单位"), (5, "")]
    assert "手机号码无效" in r.errors[1].message and LegalLiaison.objects.count() == 0
    c = client_for(world.clerk_a)
    page = c.post(
        "/publicity/liaisons/import/",
        {"unit": world.township_a.pk, "file": SimpleUploadedFile("l.xlsx", bad)},
    )
    assert page.status_code == 400 and "第4行" in page.content.decode()
    good = xlsx(LIAISONS)
    for created in (2, 0):
        resp = c.post(
            "/publicity/liaisons/import/",
            {"unit": world.township_a.pk, "file": SimpleUploadedFile("l.xlsx", good)},
        )
        assert resp.status_code == 302
        assert LegalLiaison.objects.count() == 2, created
    li = LegalLiaison.objects.get(name="李明白")
    assert li.unit == world.village_a and li.active and li.appointed_on == D(2024, 3, 1)


def test_model_village_and_event_imports_are_idempotent(world):
    data = xlsx(
        [
            ["村(社区)", "级别", "命名年度", "命名文号"],
            ["甲村", "省级", 2021, "X司〔2021〕1号"],
            ["甲村", "县级", 2019, ""],
        ]
    )
    for created, skipped in ((2, 0), (0, 2)):
        r = importing.run(
            MODEL, root=world.township_a, actor=world.clerk_a, data=data, filename="m.xlsx"
        )
        assert (r.ok, r.created, r.skipped) == (True, created, skipped)
    assert ModelVillage.objects.get(level="provincial").kind == "village"
    bad = xlsx([["村(社区)", "级别", "命名年度"], ["甲镇", "市级", 2020], ["甲村", "市级", 2999]])
    r = importing.run(
        MODEL, root=world.township_a, actor=world.clerk_a, data=bad, filename="m.xlsx"
    )
    assert [e.row for e in r.errors] == [2, 3] and ModelVillage.objects.count() == 2
    events = xlsx(
        [["日期", "活动名称", "主题", "形式"], ["2024-03-15", "3·15宣传", "3·15", "进企业"]]
    )
    for created in (1, 0):
        r = importing.run(
            EVENT, root=world.township_a, actor=world.clerk_a, data=events, filename="e.xlsx"
        )
        assert r.ok and r.created == created
    assert PublicityEvent.objects.count() == 1


def test_api_of_the_ledgers(world, api_for):
    objs = _records(world)
    api = api_for(world.clerk_a)
    li = objs["liaison"]
    resp = api.c.patch(
        f"/api/v1/publicity/liaisons/{li.pk}",
        {"occupation": "网格员", "phone": "138****5678"},
        content_type="application/json",
    )
    assert resp.status_code == 200 and resp.json()["phone"] == "138****5678"
    li.refresh_from_db()
    assert li.phone == "13812345678" and li.occupation == "网格员"
    duties = api.get("/publicity/duties/", year=2024).json()["items"]
    assert duties[0]["held"] == 1
    assert api.get(f"/publicity/duties/{objs['duty'].pk}").json()["held"] == 1
    assert api.get("/publicity/model-villages/").json()["items"][0]["level"] == "county"
    assert api.get("/publicity/models/", level="county").json()["count"] == 1
    assert api.get("/publicity/trainings/").json()["count"] == 1
    assert api.get("/publicity/liaisons/", active="false").json()["count"] == 0
    resp = api_for(world.supervisor).c.patch(
        f"/api/v1/publicity/models/{objs['model'].pk}",
        {"year": 2020},
        content_type="application/json",
    )
    assert resp.status_code == 403
    assert AuditEvent.objects.filter(event="permission_refused").exists()


def test_api_import(world, api_for):
    _records(world)
    resp = api_for(world.clerk_a).c.post(
        "/api/v1/publicity/liaisons/import",
        {"unit_id": world.township_a.pk, "file": SimpleUploadedFile("l.xlsx", xlsx(LIAISONS))},
    )
    assert resp.status_code == 200 and resp.json()["created"] == 1  # 李明白 was there


def test_cli_of_the_ledgers(world, tmp_path):
    f = tmp_path / "l.xlsx"
    f.write_bytes(xlsx(LIAISONS))
    out = io.StringIO()
    args = ("publicity", "liaison", "import", str(f), "--unit", "甲镇", "--as", "clerk_a")
    call_command(*args, stdout=out)
    assert "已导入 2 条" in out.getvalue()
    out = io.StringIO()
    call_command(*args, stdout=out)
    assert "跳过已导入的 2 条" in out.getvalue()
    out = io.StringIO()
    call_command("publicity", "liaison", "list", "--as", "clerk_a", stdout=out)
    assert "138****5678" in out.getvalue() and "13812345678" not in out.getvalue()
    target = tmp_path / "l-out.xlsx"
    call_command(
        "publicity", "liaison", "export", "--as", "clerk_a", "-o", str(target), stdout=io.StringIO()
    )
    assert target.read_bytes().startswith(b"PK")
    with pytest.raises(CommandError, match="无权"):
        call_command(
            "publicity", "model", "create", "--unit", "甲村", "--as", "clerk_b",
            "--set", "level=county", "--set", "year=2020",
        )  # fmt: skip
