"""The disputes app's contribution to the annual report (``fazhi/disputes/report.py``):
points written from the records, zero statements only where the ledger proves them, the
heads' receptions of petitioners, shortfalls with vetted causes, next-year items; and
the petition's 接访领导 fields through the form, the API, the detail page and Excel."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from fazhi.core.models import Unit, UnitKind
from fazhi.disputes import report as contribution
from fazhi.disputes.models import (
    CommitteeMember,
    Dispute,
    DisputeCategory,
    DisputeParty,
    GridCase,
    HotlineAppeal,
    HotlineCategory,
    MediationCommittee,
    Petition,
)
from fazhi.indicators import registry
from fazhi.reports import figures, voice
from fazhi.reports.contrib import REGISTRY, Context

from .fixtures import YEAR

pytestmark = pytest.mark.django_db


def ctx_for(unit, year: int = YEAR) -> Context:
    values = registry.compute(unit, year, fresh=True)
    return Context(unit, year, values, voice.for_unit(unit))


def plain(ctx: Context, text: str) -> str:
    return figures.plain(text, ctx.values, {})


def point_texts(ctx: Context) -> dict[str, str]:
    return {p.key: plain(ctx, f"{p.lead}。{p.text}") for p in contribution.points(ctx)}


def _committee(unit, name, members):
    c = MediationCommittee.objects.create(
        unit=unit, name=name, term_start=dt.date(YEAR - 1, 3, 1), term_end=dt.date(YEAR + 2, 3, 1)
    )
    for i, (person, gender) in enumerate(members):
        CommitteeMember.objects.create(
            committee=c, name=person, gender=gender, position="chair" if i == 0 else "member"
        )
    return c


@pytest.fixture
def rich(seeded):
    """The reports fixture's ledgers (township A, 2024) with what a real year holds besides:
    committees that mediated them, named parties, a second category, a head's reception,
    hotline appeals and grid cases."""
    w = seeded
    a, v = w.township_a, w.village_a
    town_c = _committee(
        a, "甲镇人民调解委员会", [("赵一", "male"), ("钱二", "female"), ("孙三", "male")]
    )
    village_c = _committee(v, "甲村人民调解委员会", [("李四", "male"), ("周五", "female")])
    land = DisputeCategory.objects.get_or_create(name="宅基地")[0]
    d1, d2, d3 = (
        Dispute.objects.get(number=f"{a.code if n == 3 else v.code}-{n}") for n in (1, 2, 3)
    )
    Dispute.objects.filter(pk__in=[d1.pk, d2.pk]).update(committee=village_c)
    Dispute.objects.filter(pk=d2.pk).update(category=land, village=v)
    Dispute.objects.filter(pk=d3.pk).update(committee=town_c, village=v)
    for d, (first, second, kind) in (
        (d3, ("王小明", "李大华", "person")),
        (d2, ("张三丰", "示范建材有限公司", "org")),
    ):
        DisputeParty.objects.create(dispute=d, side="applicant", name=first)
        DisputeParty.objects.create(dispute=d, side="respondent", name=second, kind=kind)
    Petition.objects.filter(number="XF-1").update(
        leader_name="刘某",
        leader_post="党委书记",
        channel="visit",
        village=v,
        matter="反映征地补偿款未足额发放",
    )
    cats = {c.name: c for c in HotlineCategory.objects.all()}
    for n, cat in enumerate(("咨询", "咨询", "投诉"), 1):
        at = timezone.make_aware(dt.datetime(YEAR, 7, n, 9))
        HotlineAppeal.objects.create(
            unit=a,
            number=f"12345-{n}",
            category=cats[cat],
            received_at=at,
            received_on=at.date(),
            content="路灯损坏",
            deadline=dt.date(YEAR, 7, 20),
            status="completed",
            completed_on=dt.date(YEAR, 7, 10),
            satisfaction="satisfied",
        )
    for n, (cat, disposal) in enumerate(
        (
            ("sanitation", "on_the_spot"),
            ("sanitation", "on_the_spot"),
            ("dispute_lead", "escalated"),
        ),
        1,
    ):
        at = timezone.make_aware(dt.datetime(YEAR, 8, n, 9))
        GridCase.objects.create(
            unit=v,
            village=v,
            number=f"网{n}",
            grid="第1网格",
            reported_at=at,
            reported_on=at.date(),
            category=cat,
            summary="巡查发现",
            reporter="网格员甲",
            status="closed",
            due_on=dt.date(YEAR, 8, 10),
            disposal=disposal,
            handled_on=dt.date(YEAR, 8, n + 1),
        )
    return w


def test_registered_for_the_disputes_theme():
    c = REGISTRY["disputes"]
    assert c.points is contribution.points and c.head_acts is contribution.head_acts
    assert c.shortfalls is contribution.shortfalls and c.plans is contribution.plans
    assert c.order == 40


def test_points_name_the_years_records(rich):
    ctx = ctx_for(rich.township_a)
    points = contribution.points(ctx)
    assert 3 <= len(points) <= 5
    texts = point_texts(ctx)
    assert set(texts) == {
        "disputes.mediation",
        "disputes.committees",
        "petitions",
        "hotline",
        "grid",
    }
    mediation = texts["disputes.mediation"]
    # totals are indicator tokens (rendered); the 枫桥 saying is the theme's lead, not here
    assert mediation.startswith("健全矛盾纠纷多元化解机制。全年共调处矛盾纠纷5件，调解成功3件")
    assert "调解成功率75%" in mediation and "小事不出村" not in mediation
    assert "婚姻家庭和宅基地纠纷居前两位，分别为4件、1件" in mediation  # counts from the records
    committees = texts["disputes.committees"]
    assert "全镇建立人民调解委员会2个，配备人民调解员5名" in committees
    assert "镇调委会调处1件、村（社区）调委会调处2件" in committees
    assert "最多" not in committees  # one village committee: none stands out
    # typical cases: the largest agreed dispute of each category, anonymised
    assert "如甲村王某与李某婚姻家庭纠纷，涉案金额3.05万元，经甲镇人民调解委员会调解" in committees
    assert "又如甲村张某与某公司宅基地纠纷，涉案金额2万元" in committees
    assert "王小明" not in committees and "示范建材" not in committees
    p = next(p for p in points if p.key == "disputes.committees")
    urls = {s.url for s in p.sources}
    d3 = Dispute.objects.get(number=f"{rich.township_a.code}-3")
    assert f"/disputes/cases/{d3.pk}/" in urls
    assert p.records == 2  # the two cases
    assert "12345热线" in texts["hotline"] and "咨询类2件和投诉类1件居多" in texts["hotline"]
    assert "网格员上报事件3件，处置网格事件3件" in texts["grid"]
    assert "转为矛盾纠纷1件" in texts["grid"] and "环境卫生类2件" in texts["grid"]
    # a head receiving petitioners is counted, by post
    assert "党委书记带头接访下访1批次" in texts["petitions"]


def test_every_point_is_its_own_and_passes_the_figure_check(rich):
    ctx = ctx_for(rich.township_a)
    points = contribution.points(ctx)
    openings = [p.text[:4] for p in points]
    assert len(set(openings)) == len(openings), openings
    assert len({p.lead for p in points}) == len(points)
    for p in points:
        assert p.theme == "disputes" and p.lead and "。" not in p.lead
        assert figures.typed_mismatches(p.text, ctx.values, {}) == [], p.text
        assert all(c in registry.INDICATORS for c in figures.codes_in(p.text))
        assert "进京" not in p.text and "到省" not in p.text  # the records cannot tell


def test_source_pages_open(rich, client_for):
    ctx = ctx_for(rich.township_a)
    c = client_for(rich.clerk_a)
    urls = {s.url for p in contribution.points(ctx) for s in p.sources if s.kind == "record"}
    assert urls
    for url in urls:
        assert c.get(url).status_code == 200, url


def test_zero_statements_only_where_the_ledger_is_kept(rich):
    # township A keeps the petitions ledger: no group visit, no backlog left → stated
    text = point_texts(ctx_for(rich.township_a))["petitions"]
    assert "年末无信访积案" in text and "全年未发生集体访" in text
    # a backlog resolved in the year and none open: said so
    Petition.objects.filter(number="XF-2").update(
        backlog=True,
        backlog_since=dt.date(YEAR, 5, 2),
        backlog_resolved_at=timezone.make_aware(dt.datetime(YEAR, 9, 1, 10)),
    )
    text = point_texts(ctx_for(rich.township_a))["petitions"]
    assert "化解信访积案1件，年末信访积案全部化解" in text
    # a backlog still open: no zero statement, a shortfall and a plan instead
    Petition.objects.filter(number="XF-2").update(backlog_resolved_at=None)
    ctx = ctx_for(rich.township_a)
    text = point_texts(ctx)["petitions"]
    assert "无信访积案" not in text and "全部化解" not in text
    found = {f.key: f for f in contribution.shortfalls(ctx)}
    assert "年末仍有1件积案未化解" in plain(ctx, found["indicator:petitions.backlog_open"].text)
    assert any("1件信访积案" in h.text for h in contribution.plans(ctx))
    # township B has disputes but never kept a petition: nothing is claimed about petitions
    ctx_b = ctx_for(rich.township_b)
    assert ctx_b.value("petitions.backlog_open").status == registry.UNAVAILABLE
    texts_b = point_texts(ctx_b)
    assert "petitions" not in texts_b
    joined_b = "".join(texts_b.values())
    assert "未发生" not in joined_b and "信访" not in joined_b


def test_a_year_without_petitions_in_a_kept_ledger_is_stated(rich):
    Petition.objects.update(received_on=dt.date(YEAR - 1, 5, 1))
    text = point_texts(ctx_for(rich.township_a))["petitions"]
    assert "全年未收到信访件" in text and "全年未发生集体访" in text


def test_the_units_own_voice():
    county = Unit.objects.create(code="300000", name="丁县", kind=UnitKind.COUNTY)
    street = Unit.objects.create(
        code="300001", name="城北街道", kind=UnitKind.SUBDISTRICT, parent=county
    )
    community = Unit.objects.create(
        code="30000101", name="北门社区", kind=UnitKind.COMMUNITY, parent=street
    )
    cat = DisputeCategory.objects.get_or_create(name="邻里")[0]
    c = _committee(
        street, "城北街道人民调解委员会", [("甲", "male"), ("乙", "female"), ("丙", "male")]
    )
    d = Dispute.objects.create(
        unit=community,
        village=community,
        number="J-1",
        title="x",
        source="visit",
        category=cat,
        registered_on=dt.date(YEAR, 3, 1),
        mediation_due=dt.date(YEAR, 4, 1),
        status="closed",
        outcome="succeeded",
        resolved_level="village",
        amount=Decimal("150000"),
        agreement_on=dt.date(YEAR, 3, 9),
        agreement_form="written",
        committee=c,
    )
    DisputeParty.objects.create(dispute=d, side="applicant", name="欧阳明")
    DisputeParty.objects.create(dispute=d, side="respondent", name="黄晓")
    # two community committees, the north one busier
    south = Unit.objects.create(
        code="30000102", name="南门社区", kind=UnitKind.COMMUNITY, parent=street
    )
    for n, (place, disputes) in enumerate(((community, 2), (south, 1)), start=2):
        committee = _committee(place, f"{place.name}人民调解委员会", [("丁", "female")])
        for k in range(disputes):
            Dispute.objects.create(
                unit=place,
                village=place,
                number=f"J-{n}{k}",
                title="x",
                source="visit",
                category=cat,
                registered_on=dt.date(YEAR, 5, 1),
                committee=committee,
            )
    ctx = ctx_for(street)
    texts = point_texts(ctx)
    body = "".join(texts.values())
    assert "全街道建立人民调解委员会3个" in body
    assert "街道调委会调处1件、社区（村）调委会调处3件" in body
    assert "其中北门社区人民调解委员会调处2件，在社区（村）调委会中最多" in body
    assert "涉案金额10万元以上的纠纷1件" in body
    assert "镇" not in body
    assert "如北门社区欧某与黄某邻里纠纷，涉案金额15万元" in body
    p = next(p for p in contribution.points(ctx) if p.key == "disputes.committees")
    assert p.records == 2  # the committee and the case


def test_head_acts_from_the_petitions_heads_received(rich):
    ctx = ctx_for(rich.township_a)
    acts = contribution.head_acts(ctx)
    assert len(acts) == 1
    act = acts[0]
    p = Petition.objects.get(number="XF-1")
    assert (act.name, act.post, act.date, act.kind) == (
        "刘某",
        "党委书记",
        p.received_on,
        "petition",
    )
    assert act.text == "接待甲村来访群众，协调解决征地补偿款未足额发放问题"
    assert act.sources[0].url == f"/disputes/petitions/{p.pk}/"
    assert ctx.voice.is_head_post(act.post) == "party"
    # another year's reception is not this year's act
    Petition.objects.filter(pk=p.pk).update(received_on=dt.date(YEAR - 1, 5, 1))
    assert contribution.head_acts(ctx) == []


@pytest.mark.parametrize(
    "matter, core",
    [
        ("反映征地补偿款未足额发放", "征地补偿款未足额发放"),
        ("要求解决饮水困难", "饮水困难"),
        ("对宅基地审批有异议", "宅基地审批异议"),
        ("村干部作风问题", "村干部作风"),
    ],
)
def test_matter_as_a_report_takes_it(matter, core):
    assert contribution.matter_core(matter) == core


def test_shortfalls_carry_vetted_causes(rich):
    ctx = ctx_for(rich.township_a)
    found = {f.key: f for f in contribution.shortfalls(ctx)}
    rate = found["indicator:disputes.success_rate"]
    assert plain(ctx, rate.text) == "调解成功率为75%，未达到95%的目标"
    assert 3 <= len(rate.suggestions) <= 4 and all(s and "镇" not in s for s in rate.suggestions)
    assert rate.plan and rate.theme == "disputes"
    assert 3 <= len(found["indicator:petitions.replied_on_time_rate"].suggestions) <= 4
    overdue = found["indicator:disputes.overdue"]
    assert "截至年底有1件纠纷超过调解期限未调结" in plain(ctx, overdue.text)
    assert overdue.suggestions and any("overdue=1" in s.url for s in overdue.sources)
    # village resolution 66.7% is below 80%: its causes speak of the unit's villages
    village = found["indicator:disputes.resolved_in_village_rate"]
    assert any("村（社区）" in s for s in village.suggestions)
    # every cause is a sentence a writer can pick, none repeated within a shortfall
    for f in found.values():
        assert len(set(f.suggestions)) == len(f.suggestions)


def test_plans_from_the_committees_roster(rich):
    ctx = ctx_for(rich.township_a)
    texts = [h.text for h in contribution.plans(ctx)]
    assert texts == ["规范人民调解委员会建设，充实甲村人民调解委员会组成人员至3人以上"]
    MediationCommittee.objects.filter(name="甲镇人民调解委员会").update(
        term_end=dt.date(YEAR + 1, 3, 1)
    )
    texts = [h.text for h in contribution.plans(ctx_for(rich.township_a))]
    assert "指导甲镇人民调解委员会依法按期完成换届" in texts


def test_bounded_queries(rich, django_assert_max_num_queries):
    ctx = ctx_for(rich.township_a)
    with django_assert_max_num_queries(40):
        contribution.points(ctx)
        contribution.head_acts(ctx)
        contribution.shortfalls(ctx)
        contribution.plans(ctx)


# --------------------------------------------------------------------------- 接访领导
PETITION = {
    "channel": "visit",
    "petition_type": "claim",
    "matter": "要求解决饮水困难",
    "received_on": f"{YEAR}-06-03",
}


def test_leader_fields_round_trip_through_the_api(world, frozen, api_for):
    api = api_for(world.clerk_a)
    r = api.post(
        "/disputes/petitions",
        {
            **PETITION,
            "unit_id": world.township_a.pk,
            "leader_name": "刘某",
            "leader_post": "党委书记",
            "petitioners": [{"name": "王五"}],
        },
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    detail = api.get(f"/disputes/petitions/{pk}").json()["detail"]
    assert (detail["leader_name"], detail["leader_post"]) == ("刘某", "党委书记")
    # recorded later as a step
    r = api.post(
        f"/disputes/petitions/{pk}/actions/leader",
        {"data": {"leader_name": "陈某", "leader_post": "镇长"}},
    )
    assert r.status_code == 200 and r.json()["detail"]["leader_name"] == "陈某"
    # a post without a name: refused with the reason
    r = api.post(
        "/disputes/petitions",
        {
            **PETITION,
            "unit_id": world.township_a.pk,
            "leader_post": "镇长",
            "petitioners": [{"name": "王五"}],
        },
    )
    assert r.status_code == 400 and "接访领导姓名" in r.json()["error"]["message"]
    r = api.post(f"/disputes/petitions/{pk}/actions/leader", {"data": {"leader_post": "镇长"}})
    assert r.status_code == 400 and "接访领导" in r.json()["error"]["message"]
    assert Petition.objects.get(pk=pk).leader_name == "陈某"


def test_leader_fields_through_the_form_detail_and_excel(world, frozen, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = client_for(world.clerk_a)
    assert 'name="leader_name"' in c.get("/disputes/petitions/new/").content.decode()
    r = c.post(
        "/disputes/petitions/new/",
        {
            **PETITION,
            "unit": world.township_a.pk,
            "first_petition": "on",
            "leader_name": "刘某",
            "leader_post": "党委书记",
            "p0_name": "王五",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    p = Petition.objects.get()
    assert (p.leader_name, p.leader_post) == ("刘某", "党委书记")
    page = c.get(f"/disputes/petitions/{p.pk}/").content.decode()
    assert "接访领导" in page and "党委书记 刘某" in page
    rows = list(
        load_workbook(
            io.BytesIO(c.get("/disputes/petitions/export.xlsx").content)
        ).active.iter_rows(values_only=True)
    )
    head = list(rows[0])
    assert rows[1][head.index("接访领导")] == "刘某"
    assert rows[1][head.index("接访领导职务")] == "党委书记"
    r = c.post(
        "/disputes/petitions/import/",
        {
            "unit": world.township_a.pk,
            "file": SimpleUploadedFile(
                "p.csv",
                "收到日期,信访形式,信访类型,信访人,信访事项,接访领导,接访领导职务\n"
                f"{YEAR}-05-06,来访,申诉求决,赵六,要求修路,陈某,镇长\n".encode(),
            ),
        },
        follow=True,
    )
    assert "已导入 1 件" in r.content.decode()
    imported = Petition.objects.get(matter="要求修路")
    assert (imported.leader_name, imported.leader_post) == ("陈某", "镇长")
