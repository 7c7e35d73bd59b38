"""The study and publicity ledgers' contributions to the annual report (theme "learning")."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import resolve

import fazhi.learning.report as lreport  # registers the contribution and its indicators
import fazhi.publicity.report as preport
from fazhi.core.models import UnitKind
from fazhi.indicators import registry
from fazhi.learning import services as learning
from fazhi.learning.models import ExamResult, LearningSettings
from fazhi.publicity import services as publicity
from fazhi.publicity.models import ModelVillage
from fazhi.reports import contrib, voice
from fazhi.reports.contrib import Context
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

YEAR = 2024
D = dt.date


def ctx_for(unit, year=YEAR) -> Context:
    return Context(unit, year, registry.compute(unit, year, fresh=True), voice.for_unit(unit))


def rendered(ctx: Context, text: str) -> str:
    """Tokens replaced by their figures, as the report prints them."""

    def fig(m):
        code = m.group(1)
        return registry.format_value(registry.get(code), ctx.values[code])

    return re.sub(r"\{\{([\w.]+)\}\}", fig, text)


# --------------------------------------------------------------------------- fixtures
def _actor(world, unit):
    return world.admin_a if unit.is_within(world.township_a) else world.clerk_b


def _cadre(world, name, post, unit=None, **kw):
    unit = unit or world.township_a
    return learning.create_cadre(unit=unit, actor=_actor(world, unit), name=name, post=post, **kw)


def _session(world, unit=None, **kw):
    unit = unit or world.township_a
    data = {"kind": "central_group", "date": D(YEAR, 3, 1), "topic": "学法", "hours": Decimal(2)}
    data.update(kw)
    return learning.create_session(unit=unit, actor=_actor(world, unit), **data)


def _exam(world, cadre, **kw):
    return learning.record_exam_result(cadre, year=YEAR, actor=world.admin_a, **kw)


@pytest.fixture
def study(world):
    """Township A's study ledger for 2024 (and noise: 2023, township B)."""
    secretary = _cadre(world, "李某", "党委书记", in_leadership_group=True)
    head = _cadre(world, "刘某", "镇长", in_leadership_group=True)
    discipline = _cadre(world, "王某", "纪委书记", in_leadership_group=True)
    office = _cadre(world, "赵某", "党政办主任")
    lectured = _session(
        world,
        date=D(YEAR, 3, 5),
        topic="习近平法治思想专题学习",
        laws="《中华人民共和国宪法》",
        lecturer="镇党委书记",
    )
    attended = _session(
        world,
        date=D(YEAR, 6, 12),
        topic="民法典婚姻家庭编解读",
        laws="中华人民共和国民法典",
        lecturer="县法院 法官张三",
    )
    meeting = _session(
        world,
        kind="pre_meeting",
        leadership_group=True,
        date=D(YEAR, 9, 2),
        topic="信访工作条例学习",
        laws="《信访工作条例》",
        hours=Decimal("0.5"),
    )
    lecture = _session(
        world, kind="lecture", date=D(YEAR, 10, 9), topic="安全生产法专题讲座", laws=""
    )
    given_by_head = _session(
        world,
        kind="lecture",
        date=D(YEAR, 11, 3),
        topic="优化营商环境条例解读",
        laws="《优化营商环境条例》",
        lecturer="镇长 刘某",
    )
    _session(world, date=D(YEAR - 1, 5, 1), topic="去年的学法")  # noise: another year
    _session(world, unit=world.township_b, topic="乙乡学法")  # noise: the sibling
    for s, people in (
        (lectured, [secretary, discipline]),
        (attended, [head, discipline, office]),
        (meeting, [secretary, head]),
        (lecture, [secretary]),
        (given_by_head, [office]),
    ):
        for c in people:
            learning.check_in(s, c, actor=world.admin_a)
    _exam(world, secretary, studied_online=True, score=Decimal(95))
    _exam(world, head, studied_online=True, score=Decimal(85))
    _exam(world, discipline, studied_online=True)
    return {
        "secretary": secretary,
        "head": head,
        "office": office,
        "lectured": lectured,
        "attended": attended,
        "meeting": meeting,
        "lecture": lecture,
        "given_by_head": given_by_head,
    }


@pytest.fixture
def pub(world):
    """Township A's publicity ledger for 2024 (and noise)."""
    a, v = world.township_a, world.village_a
    v2 = UnitFactory(code="10000102", name="乙村", kind=UnitKind.VILLAGE, parent=a)
    clerk = world.clerk_a
    police = publicity.create_duty(
        unit=a, actor=clerk, year=YEAR, body="派出所", laws="《反电信网络诈骗法》"
    )
    publicity.create_duty(
        unit=a, actor=clerk, year=YEAR, body="市场监督管理所", laws="《消费者权益保护法》"
    )
    publicity.create_duty(unit=a, actor=clerk, year=YEAR - 1, body="派出所", laws="x")

    def event(unit=a, **kw):
        data = {"date": D(YEAR, 3, 15), "title": "宣传", "place_kind": "village", **kw}
        return publicity.create_event(
            unit=unit, actor=clerk if unit != world.township_b else world.clerk_b, **data
        )

    consumer = event(
        title="3·15 消费者权益保护宣传",
        theme="consumer_315",
        place="东风农贸市场",
        audience=200,
        materials=100,
        consultations=5,
        partners="市场监督管理所、妇联",
    )
    constitution = event(
        v,
        date=D(YEAR, 12, 4),
        title="国家宪法日集中宣传",
        theme="constitution_124",
        place_kind="school",
        place="中心学校",
        audience=300,
        materials=50,
        consultations=3,
    )
    free = event(
        date=D(YEAR, 5, 20),
        title="反电信诈骗宣传",
        theme="free",
        free_theme="反电信诈骗",
        place_kind="enterprise",
        place="工业园区",
        audience=80,
        materials=10,
        duty=police,
    )
    event(date=D(YEAR - 1, 3, 15), theme="consumer_315", materials=999, consultations=99)
    event(world.township_b, theme="consumer_315", materials=999, consultations=99)
    l1 = publicity.create_liaison(unit=v, actor=clerk, name="甲一", appointed_on=D(YEAR - 1, 2, 1))
    l2 = publicity.create_liaison(unit=v, actor=clerk, name="甲二")
    publicity.create_liaison(unit=v, actor=clerk, name="离任", active=False)
    publicity.create_liaison(unit=v, actor=clerk, name="明年", appointed_on=D(YEAR + 1, 2, 1))
    training = publicity.create_training(
        unit=a,
        actor=clerk,
        date=D(YEAR, 4, 10),
        topic="法律明白人骨干培训",
        trainer="县司法局 王五",
        liaisons=[l1.pk, l2.pk],
    )
    publicity.create_training(
        unit=a, actor=clerk, date=D(YEAR - 1, 4, 10), topic="去年培训", liaisons=[l1.pk]
    )
    for unit, level, year in ((v, "county", YEAR - 2), (v, "city", YEAR), (v2, "county", YEAR + 1)):
        ModelVillage.objects.create(
            unit=unit, kind="village", level=level, year=year, awarded_by="市司法局"
        )
    return {
        "consumer": consumer,
        "constitution": constitution,
        "free": free,
        "training": training,
        "village2": v2,
    }


# --------------------------------------------------------------------------- indicators
def test_registered_in_order():
    assert contrib.REGISTRY["learning"].order == 50
    assert contrib.REGISTRY["publicity"].order == 55
    assert contrib.REGISTRY["learning"].head_acts is lreport.head_acts
    assert contrib.REGISTRY["publicity"].points is preport.points


def test_learning_indicators(world, study):
    values = registry.compute(world.township_a, YEAR, fresh=True)
    assert values["learning.leadership_sessions"].value == 3  # 2 central groups + 1 meeting
    assert values["learning.sessions"].value == 5
    # 4 active cadres: 3 studied online; 2 took the exam, 1 of them ≥ 90
    assert values["learning.study_rate"].value == Decimal("75.0")
    assert values["learning.excellent_rate"].value == Decimal("50.0")
    # the excellent mark is the county's setting, as on the exam page
    LearningSettings.objects.create(unit=world.county, exam_excellent=Decimal(80))
    values = registry.compute(world.township_a, YEAR, fresh=True)
    assert values["learning.excellent_rate"].value == Decimal("100.0")
    rates = learning.exam_rates(world.township_a, YEAR)
    assert values["learning.excellent_rate"].value == rates.excellent_rate
    assert values["learning.study_rate"].value == rates.study_rate
    # nobody took the exam in B: 优秀率 is not applicable, never 0
    b = registry.compute(world.township_b, YEAR, fresh=True)
    assert b["learning.excellent_rate"].status == registry.NA
    assert b["learning.leadership_sessions"].value == 1


OLD_PUBLICITY_CODES = {
    "publicity.events",
    "publicity.audience",
    "publicity.themed_events",
    "publicity.materials",
    "publicity.consultations",
    "publicity.duties",
    "publicity.duty_events",
    "publicity.liaisons",
    "publicity.liaison_trainings",
    "publicity.liaisons_trained",
    "publicity.model_villages",
}


def test_publicity_indicators(world, pub):
    v = registry.compute(world.township_a, YEAR, fresh=True)
    figures = {c: v[c].value for c in v if c.startswith("publicity.")}
    assert figures == {
        "publicity.events": 3,
        "publicity.audience": 580,
        "publicity.themed_events": 2,
        "publicity.materials": 160,
        "publicity.consultations": 8,
        "publicity.duties": 2,
        "publicity.duty_events": 1,
        "publicity.liaisons": 2,  # not the one who left, nor one appointed next year
        "publicity.liaison_trainings": 1,
        "publicity.liaisons_trained": 2,
        "publicity.model_villages": 1,  # one village, two titles; 乙村's is next year's
        # materials by kind, the standing inventory and 法治副校长: none recorded here
        **{c: 0 for c in figures if c not in OLD_PUBLICITY_CODES},
    }
    assert "publicity.materials_banners" in figures and "publicity.vice_principals" in figures
    assert (
        registry.compute(world.township_a, YEAR + 1, fresh=True)["publicity.model_villages"].value
        == 2
    )


# --------------------------------------------------------------------------- points
def _check_point(ctx, p):
    assert p.theme == "learning" and p.lead and p.text.endswith("。")
    assert "待填写" not in p.text and "镇" not in p.lead
    for code in re.findall(r"\{\{([\w.]+)\}\}", p.text):
        assert ctx.ok(code), code
    for s in p.sources:
        if s.kind == "record":
            resolve(s.url.split("?")[0])
    named = [s for s in p.sources if s.kind == "record"]
    assert p.records <= len(named)


def test_points_name_the_records(world, study, pub):
    ctx = ctx_for(world.township_a)
    pts = lreport.points(ctx) + preport.points(ctx)
    assert 3 <= len(pts) <= 5
    by_key = {p.key: p for p in pts}
    for p in pts:
        _check_point(ctx, p)
    openings = [p.text[:4] for p in pts] + [p.lead[:4] for p in pts]
    assert len(openings) == len(set(openings)), openings

    lead = by_key["learning.leadership"]
    text = rendered(ctx, lead.text)
    assert "全年组织学法5次，其中开展领导班子学法3次" in text
    assert "3月5日，镇党委书记围绕“习近平法治思想专题学习”为班子成员讲授专题法治课" in text
    assert "《中华人民共和国宪法》" in text
    assert "张三" not in text  # a lecturer's name is never printed, only the post
    assert lead.records == 2
    assert any(s.url.endswith(f"/sessions/{study['lectured'].pk}/") for s in lead.sources)

    exam = rendered(ctx, by_key["learning.cadres"].text)
    assert "通过“法宣在线”平台" in exam
    assert "参学率75%、参考率50%、优秀率50%" in exam

    themed = by_key["publicity.themed_days"]
    text = rendered(ctx, themed.text)
    assert text.startswith("结合3·15国际消费者权益日、12·4国家宪法日等重要节点")
    assert "3月15日在东风农贸市场开展“3·15 消费者权益保护宣传”活动" in text
    assert "12月4日在甲村中心学校开展“国家宪法日集中宣传”活动" in text  # a village's event
    assert "进校园、进企业、进农村" in text
    assert "开展主题日集中宣传2场" in text
    assert "受众580人次，发放各类宣传材料160份，现场接待群众法律咨询8起" in text
    assert themed.records == 2

    duties = rendered(ctx, by_key["publicity.duties"].text)
    assert "派出所和市场监督管理所2个执法单位" in duties
    assert "派出所开展“反电信诈骗宣传”活动" in duties
    assert "按责任清单开展普法活动1场" in duties

    people = rendered(ctx, by_key["publicity.liaisons"].text)
    assert "全镇现有在册法律明白人2名" in people
    assert "4月10日举办“法律明白人骨干培训”，由县司法局授课" in people
    assert "王五" not in people
    assert "甲村被市司法局命名为市级民主法治示范村" in people
    assert "累计创建民主法治示范村（社区）1个（市级：甲村）" in people


def test_points_in_the_units_voice(world):
    b = world.township_b
    s = _session(world, unit=b, topic="宪法学习", laws="《宪法》", lecturer="乡党委书记")
    learning.check_in(s, _cadre(world, "周某", "党委书记", unit=b), actor=world.clerk_b)
    publicity.create_event(
        unit=b,
        actor=world.clerk_b,
        date=D(YEAR, 3, 15),
        title="消费者权益宣传",
        theme="consumer_315",
        place_kind="village",
        place="集市",
    )
    ctx = ctx_for(b)
    text = " ".join(p.text for p in lreport.points(ctx) + preport.points(ctx))
    assert "乡党委理论学习中心组" in text and "乡党委书记围绕“宪法学习”" in text
    assert "镇" not in text


def test_nothing_recorded_nothing_said(world):
    ctx = ctx_for(world.township_a)
    assert lreport.points(ctx) == [] and preport.points(ctx) == []
    assert lreport.head_acts(ctx) == [] and lreport.plans(ctx) == []


# --------------------------------------------------------------------------- heads
def test_head_posts():
    v = voice.for_unit(type("U", (), {"name": "城关街道", "kind": UnitKind.SUBDISTRICT})())
    assert lreport.head_kind(v, "党工委书记") == "party"
    assert lreport.head_kind(v, "街道办事处主任") == "gov"
    assert lreport.head_kind(v, "主任") == "gov"
    for post in ("纪委书记", "党委副书记", "党政办主任", "综治办主任", "副主任", "村党支部书记"):
        assert lreport.head_kind(v, post) == "", post


def test_head_acts_from_their_own_records(world, study):
    acts = lreport.head_acts(ctx_for(world.township_a))
    by_person: dict[str, list] = {}
    for a in acts:
        by_person.setdefault(a.name, []).append((a.kind, a.date, a.text))
    assert set(by_person) == {"李某", "刘某"}  # 纪委书记 and 党政办主任 are not heads
    assert by_person["李某"] == [
        ("lecture", D(YEAR, 3, 5), "为班子成员讲授《中华人民共和国宪法》专题法治课"),
        ("study", D(YEAR, 9, 2), "参加领导班子会前学法，学习《信访工作条例》"),
        ("study", D(YEAR, 10, 9), "参加专题法治讲座，围绕“安全生产法专题讲座”开展学习"),
    ]
    # the lecturer "镇长 刘某" names him; the 会前学法 both attended went to the secretary
    assert sorted(by_person["刘某"], key=lambda x: x[1]) == [
        ("study", D(YEAR, 6, 12), "参加镇党委理论学习中心组专题学法，学习《中华人民共和国民法典》"),
        ("lecture", D(YEAR, 11, 3), "为机关干部讲授《优化营商环境条例》专题法治课"),
    ]
    # the meeting both attended is given to one head only: no shared sentence
    texts = [{t for _, _, t in v} for v in by_person.values()]
    assert not (texts[0] & texts[1])
    for a in acts:
        assert a.post in ("党委书记", "镇长") and a.sources


# --------------------------------------------------------------------------- shortfalls, plans
def test_shortfalls_with_causes(world, study):
    ctx = ctx_for(world.township_a)
    found = {f.key: f for f in lreport.shortfalls(ctx)}
    assert set(found) == {
        "indicator:learning.cadres_40h_rate",
        "indicator:learning.exam_participation_rate",
        "indicator:learning.study_rate",
    }
    for f in found.values():
        assert f.theme == "learning" and 3 <= len(f.suggestions) <= 4 and f.plan
        assert "{{" in f.text and "未达到100%的目标" in f.text
    _exam(world, study["office"], studied_online=True, score=Decimal(70))
    ExamResult.objects.filter(cadre__unit=world.township_a).update(
        studied_online=True, took_exam=True, score=Decimal(99)
    )
    ctx = ctx_for(world.township_a)
    assert {f.key for f in lreport.shortfalls(ctx)} == {"indicator:learning.cadres_40h_rate"}


def test_plans_from_the_records(world, study, pub):
    ctx = ctx_for(world.township_a)
    (hours,) = lreport.plans(ctx)
    assert "学法时长未达到要求的4名干部" in hours.text  # nobody reached 40 hours
    texts = [p.text for p in preport.plans(ctx)]
    assert any(t.startswith("为乙村选聘培育法律明白人") for t in texts)
    # each duty planned 1 event; 市场监督管理所 held none under it
    assert any(t.startswith("督促市场监督管理所按照普法责任清单") for t in texts)


# --------------------------------------------------------------------------- demo
def test_demo_gives_every_township_the_reports_material(monkeypatch):
    import time_machine

    import fazhi.learning.demo as ldemo
    import fazhi.oversight.demo as odemo
    import fazhi.publicity.demo as pdemo
    from fazhi.core import demo
    from fazhi.oversight.models import DutyReport

    monkeypatch.setattr(demo, "_discover", lambda: None)
    monkeypatch.setattr(
        demo,
        "_GENERATORS",
        [
            (40, "l", ldemo.gen),
            (45, "p", pdemo.gen),
            (70, "o", odemo.gen),
            (75, "h", ldemo.align_heads),
        ],
    )
    with time_machine.travel(dt.datetime(2026, 12, 20, 10, 0), tick=False):
        built = demo.build(log=lambda s: None)
    for t in built.townships:
        ctx = ctx_for(t, built.year)
        keys = {p.key for p in lreport.points(ctx) + preport.points(ctx)}
        assert keys == {
            "learning.leadership",
            "learning.forms",
            "learning.cadres",
            "publicity.themed_days",
            "publicity.duties",
            "publicity.liaisons",
            "publicity.positions",
            "publicity.schools",
        }, t.name
        themed = next(p for p in preport.points(ctx) if p.key == "publicity.themed_days")
        assert f"在{t.name[:2]}农贸市场开展“3·15 消费者权益保护宣传”活动" in themed.text
        heads = {
            lreport.head_kind(ctx.voice, r.post): (r.person_name, r.post)
            for r in DutyReport.objects.filter(unit=t, year=built.year)
        }
        acts = lreport.head_acts(ctx)
        party = [a for a in acts if (a.name, a.post) == heads["party"]]
        gov = [a for a in acts if (a.name, a.post) == heads["gov"]]
        assert any(a.kind == "lecture" and "为班子成员讲授" in a.text for a in party), t.name
        assert any(a.kind == "study" and "中心组专题学法" in a.text for a in gov), t.name
        assert len(acts) == len(party) + len(gov)
        v = ctx.values
        for code in (
            "publicity.materials",
            "publicity.consultations",
            "publicity.liaisons",
            "publicity.liaison_trainings",
            "publicity.model_villages",
            "publicity.duties",
            "learning.excellent_rate",
        ):
            assert v[code].ok and v[code].value > 0, (t.name, code)


def test_county_names_each_body_and_training_once(world, study, pub):
    b = world.township_b
    police_b = publicity.create_duty(
        unit=b, actor=world.clerk_b, year=YEAR, body="派出所", laws="x"
    )
    publicity.create_event(
        unit=b,
        actor=world.clerk_b,
        date=D(YEAR, 6, 26),
        title="禁毒宣传",
        theme="drugs_626",
        place_kind="school",
        duty=police_b,
    )
    publicity.create_training(
        unit=b, actor=world.clerk_b, date=D(YEAR, 5, 1), topic="法律明白人骨干培训"
    )
    ctx = ctx_for(world.county)
    by_key = {p.key: p for p in lreport.points(ctx) + preport.points(ctx)}
    duties = rendered(ctx, by_key["publicity.duties"].text)
    assert duties.count("派出所") == 2  # the list and what it did, not once per township
    assert "将派出所和市场监督管理所等3个执法单位" in duties
    assert "派出所开展“反电信诈骗宣传”“禁毒宣传”活动" in duties
    people = rendered(ctx, by_key["publicity.liaisons"].text)
    assert people.count("法律明白人骨干培训") == 1
    # the county's own leadership team held no session: none of a township's is named
    lead = rendered(ctx, by_key["learning.leadership"].text)
    assert "坚持领导班子集体学法制度" in lead and "月" not in lead
