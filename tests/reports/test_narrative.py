"""The narrative draft: the registry, the unit's voice, one section regenerated keeping the
writer's edits, causes blocking approval, the work plan, no sentence twice (issue 14)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command

from fazhi.core.errors import DomainError, InvalidInput
from fazhi.core.models.units import UnitKind
from fazhi.reports import contrib, drafting, render, services, voice
from fazhi.reports.contrib import Contribution, Found, HeadAct, Point, Source
from fazhi.reports.models import WorkPlanItem
from tests.factories import UnitFactory

from .fixtures import YEAR


@pytest.fixture
def report(seeded):
    return services.create_report(seeded.township_a, YEAR, actor=seeded.clerk_a)


@pytest.fixture
def plugged():
    """A contribution no app declares: the engine must take it as it takes the apps'."""
    contrib.autodiscover()

    def points(ctx):
        return [
            Point(
                "openness",
                "试点公开新台账",
                f"{ctx.voice.whole}在《测试公开目录》中公开试点事项。",
                [Source("测试记录", "/t/1")],
                weight=99,
            )
        ]

    def acts(ctx):
        return [
            HeadAct(
                "甲书记",
                f"{ctx.voice.party_head}",
                "主持召开专题会议研究《测试事项》",
                kind="meeting",
            ),
            HeadAct(
                "乙镇长",
                f"{ctx.voice.gov_head}",
                "带队检查《测试执法》落实情况",
                kind="instruction",
            ),
        ]

    def shortfalls(ctx):
        return [
            Found(
                "test:one",
                "openness",
                "测试公开事项未按期公开",
                ["测试原因甲"],
                plan="按期公开测试事项",
            )
        ]

    contrib.register(Contribution("zz_test", points=points, head_acts=acts, shortfalls=shortfalls))
    yield
    contrib.REGISTRY.pop("zz_test", None)


# --------------------------------------------------------------------------- registry
def test_a_new_contribution_plugs_in_without_the_engine_knowing_it(seeded, plugged):
    r = services.create_report(seeded.township_a, YEAR, actor=seeded.clerk_a)
    text = render.to_text(r)
    assert "试点公开新台账" in text and "《测试公开目录》" in text
    one = r.sections.get(number=1)
    assert {"label": "测试记录", "url": "/t/1", "kind": "record"} in one.sources
    point = r.shortfalls.get(key="theme:openness")
    assert "测试原因甲" in point.suggestions and "测试公开事项未按期公开" in point.description
    three = r.sections.get(number=3).text
    assert "主持召开专题会议研究《测试事项》" in three and "带队检查《测试执法》" in three


def test_engine_source_names_no_app():
    import inspect

    src = inspect.getsource(drafting) + inspect.getsource(contrib)
    for app in ("disputes", "decisions", "enforcement", "learning", "publicity", "legalservice"):
        assert f"fazhi.{app}" not in src and f"from fazhi.{app}" not in src


def test_a_failing_contribution_is_left_out_not_the_draft(seeded):
    def boom(ctx):
        raise RuntimeError("bug")

    contrib.autodiscover()
    contrib.register(Contribution("zz_boom", points=boom))
    try:
        r = services.create_report(seeded.township_a, YEAR, actor=seeded.clerk_a)
        assert r.sections.get(number=1).text
    finally:
        contrib.REGISTRY.pop("zz_boom", None)


# --------------------------------------------------------------------------- voice
@pytest.mark.parametrize(
    "kind,name,words,not_words,issuers",
    [
        (
            UnitKind.TOWNSHIP,
            "东风镇",
            ["我镇", "全镇", "镇党委、镇政府"],
            ["全乡", "街道"],
            ("中共东风镇委员会", "东风镇人民政府"),
        ),
        (
            UnitKind.TOWNSHIP,
            "清河乡",
            ["我乡", "全乡", "乡党委、乡政府"],
            ["全镇", "镇党委"],
            ("中共清河乡委员会", "清河乡人民政府"),
        ),
        (
            UnitKind.SUBDISTRICT,
            "城关街道",
            ["我街道", "全街道", "街道党工委、办事处"],
            ["全镇", "人民政府"],
            ("中共城关街道工作委员会", "城关街道办事处"),
        ),
        (
            UnitKind.DEVELOPMENT_ZONE,
            "示范经济开发区",
            ["开发区", "全区", "开发区党工委、管委会"],
            ["全镇", "镇党委", "人民政府"],
            ("示范经济开发区管委会",),
        ),
    ],
)
def test_the_draft_speaks_in_the_units_own_voice(
    world, frozen, kind, name, words, not_words, issuers
):
    from fazhi.core.roles import Role
    from tests.factories import member

    unit = UnitFactory(
        code=f"1000{abs(hash(name)) % 90 + 10}",
        name=name,
        kind=kind,
        parent=world.township_a.parent,
    )
    clerk = member(unit, Role.TOWNSHIP_STAFF, username=f"clerk_{unit.code}")
    r = services.create_report(unit, YEAR, actor=clerk)
    text = render.to_text(r)
    for w in words:
        assert w in text, w
    body = text.split("\n", 1)[1]
    for w in not_words:
        assert w not in body.replace(name, ""), w
    assert tuple(r.issuers.splitlines()) == issuers
    v = voice.for_unit(unit)
    assert r.title == v.title(YEAR)
    if kind == UnitKind.DEVELOPMENT_ZONE:
        assert r.title.startswith("示范经济开发区管委会关于") and v.fengqiao.endswith("大事不出区")
    if kind == UnitKind.SUBDISTRICT:
        assert v.fengqiao == "小事不出社区、大事不出街道"


# --------------------------------------------------------------------------- regenerate
def test_regenerate_one_section_keeps_the_edits_in_the_others(report, seeded):
    services.update_section(report, 5, "本年度无其他需要报告的情况。", actor=seeded.clerk_a)
    services.update_section(report, 3, "书记亲自抓。镇长具体抓。", actor=seeded.clerk_a)
    before = {s.number: s.text for s in report.sections.all()}
    services.generate(report, actor=seeded.clerk_a, sections=[1])
    after = {s.number: s.text for s in report.sections.all()}
    assert after[5] == "本年度无其他需要报告的情况。" and after[3] == "书记亲自抓。镇长具体抓。"
    assert all(after[n] == before[n] for n in (0, 2, 4))
    # An edited section is not overwritten without saying so …
    with pytest.raises(DomainError) as exc:
        services.generate(report, actor=seeded.clerk_a, sections=[3])
    assert exc.value.code == "edited" and "覆盖" in exc.value.message
    assert report.sections.get(number=3).text == "书记亲自抓。镇长具体抓。"
    # … and is, when the writer confirms; section five keeps its edit.
    services.generate(report, actor=seeded.clerk_a, sections=[3], overwrite=True)
    s3 = report.sections.get(number=3)
    assert not s3.edited and s3.text == s3.generated != "书记亲自抓。镇长具体抓。"
    assert report.sections.get(number=5).text == "本年度无其他需要报告的情况。"


def test_regenerate_refuses_a_section_that_does_not_exist(report, seeded):
    with pytest.raises(InvalidInput):
        services.generate(report, actor=seeded.clerk_a, sections=[9])


# --------------------------------------------------------------------------- causes
def test_approval_is_refused_while_a_point_has_no_cause(report, seeded):
    points = list(report.shortfalls.all())
    assert 1 <= len(points) <= 5
    assert all(p.key.startswith("theme:") for p in points)
    with pytest.raises(DomainError) as exc:
        services.run_action(report, "submit", actor=seeded.clerk_a)
    assert "尚未填写原因" in exc.value.message
    assert "（原因待填写）" in report.sections.get(number=2).text
    for p in points:
        services.set_cause(report, p.pk, "基层力量不足，工作机制还不健全", actor=seeded.clerk_a)
    two = report.sections.get(number=2).text
    assert "待填写" not in two and "究其原因，基层力量不足" in two
    assert not any("尚未填写原因" in p for p in services.blocking_problems(report))


def test_many_shortfalls_become_at_most_five_themed_points(seeded):
    ctx = contrib.Context(seeded.township_a, YEAR, {}, voice.for_unit(seeded.township_a))
    found = [Found(f"k{i}", key, f"问题{i}") for i, key in enumerate(list(contrib.THEMES) * 2)]
    groups = drafting.group_shortfalls(ctx, found)
    assert len(groups) == 5
    assert sum(len(g["items"]) for g in groups) == len(found)


# --------------------------------------------------------------------------- plan
def test_section_four_is_drafted_from_the_work_plan_grouped_by_theme(report, seeded):
    for theme, content in [
        ("learning", "组织宪法宣传周活动"),
        ("learning", "举办法律明白人培训"),
        ("disputes", "开展矛盾纠纷大排查"),
        ("decisions", "落实重大行政决策合法性审查"),
        ("services", "实现村法律顾问全覆盖"),
    ]:
        services.add_plan_item(
            report, actor=seeded.clerk_a, theme=theme, content=content, owner="司法所", when="全年"
        )
    four = report.sections.get(number=4).text
    lines = four.splitlines()
    assert lines[0].startswith(f"{YEAR + 1}年，我镇将重点做好以下四方面工作")
    assert len(lines) == 5  # four themed points, not one per item
    learning = next(line for line in lines if "组织宪法宣传周活动" in line)
    assert "举办法律明白人培训" in learning
    with pytest.raises(InvalidInput):
        services.add_plan_item(report, actor=seeded.clerk_a, theme="nope", content="内容内容")
    with pytest.raises(InvalidInput):
        services.add_plan_item(report, actor=seeded.clerk_a, theme="learning", content=" ")


def test_shortfalls_carry_into_the_plan_once(report, seeded):
    made = services.carry_shortfalls(report, actor=seeded.clerk_a)
    assert len(made) == report.shortfalls.count()
    assert services.carry_shortfalls(report, actor=seeded.clerk_a) == []
    assert WorkPlanItem.objects.filter(unit=report.unit, year=YEAR + 1).count() == len(made)


# --------------------------------------------------------------------------- sentences
def test_no_sentence_appears_twice(report):
    text = render.to_text(report)
    sentences = [s for s in re.split(r"[。；\n]", text) if len(s.strip()) >= 12]
    repeated = {s for s in sentences if sentences.count(s) > 1}
    assert not repeated


def test_once_drops_a_repeated_sentence():
    once = drafting.Once()
    assert once("甲乙丙丁戊己庚辛。") == "甲乙丙丁戊己庚辛。"
    assert once("甲乙丙丁，戊己庚辛。新的一句话在这里。") == "新的一句话在这里。"


def test_year_on_year_change_is_written_as_reports_write_it(seeded):
    from decimal import Decimal

    from fazhi.indicators.registry import Value

    v = voice.for_unit(seeded.township_a)
    ctx = contrib.Context(
        seeded.township_a,
        YEAR,
        {
            "disputes.mediated": Value.count(60),
            "disputes.success_rate": Value(value=Decimal("97.5")),
            "petitions.received": Value.count(3),
        },
        v,
        previous={
            "disputes.mediated": Value.count(50),
            "disputes.success_rate": Value(value=Decimal("95.0")),
            "petitions.received": Value.count(8),
        },
    )
    assert ctx.yoy("disputes.mediated") == "同比增长20%"
    assert ctx.yoy("disputes.success_rate") == "较上年提高2.5个百分点"
    assert ctx.yoy("petitions.received") == "较上年减少5件"
    assert ctx.yoy("hotline.received") == ""


# --------------------------------------------------------------------------- API and CLI
def test_api_for_every_drafting_step(report, seeded, api_for):
    api = api_for(seeded.clerk_a)
    c = api.c
    rid = report.pk
    r = c.get(f"/api/v1/reports/{rid}/shortfalls")
    assert r.status_code == 200 and r.json()[0]["suggestions"] is not None
    sid = r.json()[0]["id"]
    r = c.put(
        f"/api/v1/reports/{rid}/shortfalls/{sid}",
        {"cause": "人手不足"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["cause"] == "人手不足"
    r = c.post(
        f"/api/v1/reports/{rid}/plan",
        {"theme": "learning", "content": "开展宪法宣传周"},
        content_type="application/json",
    )
    assert r.status_code == 201
    item = r.json()["id"]
    r = c.post(
        f"/api/v1/reports/{rid}/plan",
        {"theme": "bad", "content": "开展宪法宣传周"},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["error"]
    assert len(c.get(f"/api/v1/reports/{rid}/plan").json()) == 1
    r = c.put(
        f"/api/v1/reports/{rid}/plan/{item}",
        {"theme": "services", "content": "法律顾问进村"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["theme"] == "services"
    services.update_section(report, 2, "手写的第二部分。", actor=seeded.clerk_a)
    r = c.post(
        f"/api/v1/reports/{rid}/regenerate", {"sections": [2]}, content_type="application/json"
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "edited"
    r = c.post(
        f"/api/v1/reports/{rid}/regenerate",
        {"sections": [2], "overwrite": True},
        content_type="application/json",
    )
    assert r.status_code == 200
    r = c.put(
        f"/api/v1/reports/{rid}/sections/5",
        {"text": "无。本年度无其他事项。"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["edited"]
    detail = c.get(f"/api/v1/reports/{rid}").json()
    assert all("sources" in s for s in detail["sections"])
    assert c.delete(f"/api/v1/reports/{rid}/plan/{item}").status_code == 204
    r = c.post(f"/api/v1/reports/{rid}/carry")
    assert r.status_code == 200 and len(r.json()) == report.shortfalls.count()
    # another township's user cannot touch it
    other = api_for(seeded.clerk_b).c
    assert other.get(f"/api/v1/reports/{rid}/plan").status_code == 404
    r = other.post(f"/api/v1/reports/{rid}/carry")
    assert r.status_code == 404


def test_cli_for_every_drafting_step(report, seeded):
    def run(*args):
        out = io.StringIO()
        call_command("draft", *args, "--user", seeded.clerk_a.username, stdout=out)
        return out.getvalue()

    unit, year = seeded.township_a.code, str(YEAR)
    assert "[1]" in run("show", unit, year)
    causes = run("causes", unit, year)
    sid = re.search(r"\[(\d+)\]", causes).group(1)
    assert "已保存原因" in run("cause", unit, year, sid, "人手不足")
    assert "已添加" in run(
        "plan-add", unit, year, "--theme", "learning", "--content", "开展宪法宣传周"
    )
    assert "开展宪法宣传周" in run("plan", unit, year)
    assert "已重新生成第4部分" in run("regenerate", unit, year, "--section", "4")
    assert "已生成" in run("carry", unit, year)
    with pytest.raises(CommandError, match="请选择工作要点所属方面"):
        run("plan-add", unit, year, "--theme", "x", "--content", "开展宪法宣传周")
    services.update_section(report, 3, "手写。", actor=seeded.clerk_a)
    with pytest.raises(CommandError, match="覆盖"):
        run("regenerate", unit, year, "--section", "3")


def test_two_heads_with_the_same_kind_of_record_share_no_clause(seeded):
    import datetime as dt

    v = voice.for_unit(seeded.township_a)
    ctx = contrib.Context(seeded.township_a, YEAR, {}, v)
    same = "参加镇党委理论学习中心组专题学法，学习《中华人民共和国民法典》"
    acts = [
        HeadAct(
            "甲", "党委书记", same, dt.date(YEAR, 3, 1), "study", topic="《中华人民共和国民法典》"
        ),
        HeadAct("乙", "镇长", same, dt.date(YEAR, 5, 1), "study", topic="《中华人民共和国民法典》"),
        HeadAct(
            "甲",
            "党委书记",
            "作年度述法报告，报告本人履行推进法治建设第一责任人职责情况",
            dt.date(YEAR, 12, 4),
            "duty_report",
            topic="述法",
        ),
        HeadAct(
            "乙",
            "镇长",
            "作年度述法报告，报告本人履行推进法治建设第一责任人职责情况",
            dt.date(YEAR, 12, 4),
            "duty_report",
            topic="述法",
        ),
    ]
    text, _ = drafting.section_three(ctx, acts, drafting.Once())
    first, second = text.split("（二）")
    assert "理论学习中心组专题学法" in first and "理论学习中心组专题学法" not in second
    assert "5月1日围绕《中华人民共和国民法典》带头学法" in second
    longest = max(
        (len(a) for a in [first[i : i + 15] for i in range(len(first) - 15)] if a in second),
        default=0,
    )
    assert longest == 0


def test_section_one_keeps_to_the_seeds_length():
    points = {
        k: [Point(k, f"要点{i}", "长" * 300, weight=100 - i) for i in range(5)]
        for k in ("disputes", "learning", "decisions")
    }
    fitted = drafting._fit(points, 2000)
    assert all(len(v) >= drafting.MIN_POINTS for v in fitted.values())
    assert sum(drafting._length(p) for v in fitted.values() for p in v) <= 2000 or all(
        len(v) == drafting.MIN_POINTS for v in fitted.values()
    )
    # the heaviest points stay
    assert all(v[0].lead == "要点0" for v in fitted.values())


# --------------------------------------------------------------------------- left out
@pytest.fixture
def crowded():
    """Six heavy points of one theme: the draft keeps at most five, the sixth is left out."""
    contrib.autodiscover()

    def points(ctx):
        return [
            Point(
                "openness",
                f"拥挤要点{i}",
                f"拥挤要点正文第{i}条，公开事项{{{{openness.disclosed}}}}。",
                weight=200 - i,
            )
            for i in range(6)
        ]

    contrib.register(Contribution("zz_crowded", points=points))
    yield
    contrib.REGISTRY.pop("zz_crowded", None)


def test_points_left_out_for_length_are_offered_back(seeded, crowded, api_for, monkeypatch):
    monkeypatch.setattr(drafting, "SECTION_ONE_BUDGET", 1200)
    r = services.create_report(seeded.township_a, YEAR, actor=seeded.clerk_a)
    one = r.sections.get(number=1)
    left = [p["lead"] for p in one.omitted]
    assert "拥挤要点5" in left and "拥挤要点0" not in left  # the lightest goes, not the heaviest
    for p in one.omitted:  # nothing left out is also in the text, nothing written is left out
        assert p["text"] not in one.text and p["lead"] not in one.text
    offered = services.omitted_points(r)
    assert [p["lead"] for p in offered] == left
    sixth = next(p for p in offered if p["lead"] == "拥挤要点5")
    assert "{{openness.disclosed}}" in sixth["text"] and "{{" not in sixth["plain"]
    # the writer puts it back: it is no longer offered
    services.update_section(
        r, 1, one.text + f"{sixth['lead']}。{sixth['text']}", actor=seeded.clerk_a
    )
    assert "拥挤要点5" not in [p["lead"] for p in services.omitted_points(r)]
    # the API and the CLI list them too
    detail = api_for(seeded.clerk_a).c.get(f"/api/v1/reports/{r.pk}").json()
    assert [p["lead"] for p in detail["omitted"]] == [p["lead"] for p in services.omitted_points(r)]
    out = io.StringIO()
    call_command(
        "draft",
        "show",
        seeded.township_a.code,
        str(YEAR),
        "--user",
        seeded.clerk_a.username,
        stdout=out,
    )
    shown = [p["lead"] for p in services.omitted_points(r)]
    assert all(f"｜{lead}。" in out.getvalue() for lead in shown)


def test_the_editor_offers_the_left_out_points(seeded, crowded, client, monkeypatch):
    monkeypatch.setattr(drafting, "SECTION_ONE_BUDGET", 1200)
    r = services.create_report(seeded.township_a, YEAR, actor=seeded.clerk_a)
    client.force_login(seeded.clerk_a)
    page = client.get(f"/reports/{r.pk}/edit/").content.decode()
    assert 'id="omitted-1"' in page and "拥挤要点5" in page and "insert-point" in page
    # a reader without the right to change sees the points but no button
    client.force_login(seeded.supervisor)
    page = client.get(f"/reports/{r.pk}/edit/").content.decode()
    assert "拥挤要点5" in page and "insert-point" not in page
