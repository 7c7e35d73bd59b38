"""Publicity details (issue 16 item 7): the event's 宣传形式 and materials by kind
(横幅, 海报, LED屏 beside the 份 handed out), the standing channels (村村响, 宣传栏,
宣传车, 微信群) and 法治文化阵地 per village, and 法治副校长 per school; their
indicators and the report sentences."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

import fazhi.publicity.report as preport
from fazhi.core.errors import InvalidInput
from fazhi.indicators import registry
from fazhi.ledgers import importing
from fazhi.publicity import services
from fazhi.publicity.ledgers import CHANNEL, EVENT, SITE, VICE_PRINCIPAL
from fazhi.publicity.models import CultureSite, PublicityChannel, PublicityEvent, VicePrincipal
from fazhi.reports import voice
from fazhi.reports.contrib import Context
from tests.learning.helpers import xlsx

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2024, 9, 1, 10, tzinfo=dt.UTC), tick=False):
        yield


def _event(world, **kw):
    data = {
        "date": D(2024, 3, 15),
        "title": "消费者权益保护宣传",
        "place_kind": "village",
        "theme": "consumer_315",
    }
    data.update(kw)
    return services.create_event(unit=world.township_a, actor=world.admin_a, **data)


def _ctx(unit, year=2024):
    values = registry.compute(unit, year, fresh=True)
    return Context(unit, year, values, voice.for_unit(unit))


def _text(ctx, text):
    def fig(m):
        return registry.format_value(registry.get(m.group(1)), ctx.values[m.group(1)])

    return re.sub(r"\{\{([\w.]+)\}\}", fig, text)


def test_event_form_and_materials(world):
    ev = _event(world, form="performance", materials=300, banners=4, posters=20, led_screens=2)
    assert (ev.form, ev.banners, ev.posters, ev.led_screens) == ("performance", 4, 20, 2)
    assert _event(world, title="默认").form == "other"
    with pytest.raises(InvalidInput, match="尚未举行"):
        _event(world, title="将来", date=D(2024, 12, 4), banners=1)
    services.update_event(ev, actor=world.admin_a, banners=6)
    ev.refresh_from_db()
    assert ev.banners == 6 and ev.posters == 20


def test_event_form_filter_and_import(world, client):
    _event(world, title="演出甲", form="performance")
    _event(world, title="推送乙", form="new_media", place_kind="online")
    client.force_login(world.admin_a)
    page = client.get(reverse("publicity:event_list"), {"form": "performance"})
    body = page.content.decode()
    assert "演出甲" in body and "推送乙" not in body
    data = xlsx(
        [
            [
                "日期",
                "活动名称",
                "主题",
                "形式",
                "宣传形式",
                "发放材料",
                "悬挂横幅",
                "张贴海报",
                "LED屏",
            ],
            ["2024-05-01", "普法文艺演出", "法治文艺", "进农村", "文艺演出", 200, 3, 10, 1],
        ]
    )
    r = importing.run(
        EVENT, root=world.township_a, actor=world.admin_a, data=data, filename="e.xlsx"
    )
    assert r.ok, r.errors
    ev = PublicityEvent.objects.get(title="普法文艺演出")
    assert (ev.form, ev.materials, ev.banners, ev.posters, ev.led_screens) == (
        "performance",
        200,
        3,
        10,
        1,
    )


def test_channel_one_row_per_kind_and_import(world):
    services.create_channel(unit=world.village_a, actor=world.admin_a, kind="board", count=3)
    with pytest.raises(InvalidInput, match="已登记"):
        services.create_channel(unit=world.village_a, actor=world.admin_a, kind="board", count=1)
    data = xlsx(
        [["村(社区)", "渠道类别", "数量"], ["甲村", "微信群", 2], ["甲村", "村村响（广播）", 1]]
    )
    for created in (2, 0):
        r = importing.run(
            CHANNEL, root=world.township_a, actor=world.admin_a, data=data, filename="c.xlsx"
        )
        assert r.ok and r.created == created, r.errors
    assert PublicityChannel.objects.count() == 3
    bad = xlsx([["村(社区)", "渠道类别", "数量"], ["甲村", "飞艇", 2]])
    r = importing.run(CHANNEL, root=world.township_a, actor=world.admin_a, data=bad, filename="c")
    assert not r.ok and r.errors[0].row == 2


def test_sites_and_vice_principals_rules(world):
    services.create_site(
        unit=world.village_a, actor=world.admin_a, kind="park", name="甲村法治公园"
    )
    with pytest.raises(InvalidInput, match="已登记名为"):
        services.create_site(
            unit=world.village_a, actor=world.admin_a, kind="park", name="甲村法治公园"
        )
    with pytest.raises(InvalidInput, match="建成年度"):
        services.create_site(
            unit=world.village_a, actor=world.admin_a, kind="park", name="新园", built_year=2030
        )
    with pytest.raises(InvalidInput, match="不能早于"):
        services.create_vice_principal(
            unit=world.township_a,
            actor=world.admin_a,
            school="甲镇中心小学",
            holder="县法院法官",
            appointed_on=D(2024, 3, 1),
            term_end=D(2023, 3, 1),
        )
    data = xlsx(
        [
            ["单位", "学校", "担任人（单位及职务）", "聘任日期"],
            ["甲镇", "甲镇初级中学", "县公安局派出所所长", "2023-09-01"],
        ]
    )
    r = importing.run(
        VICE_PRINCIPAL, root=world.township_a, actor=world.admin_a, data=data, filename="v.xlsx"
    )
    assert r.ok, r.errors
    assert VicePrincipal.objects.get().holder == "县公安局派出所所长"
    assert SITE.model is CultureSite


def test_indicators_and_report_sentences(world):
    _event(world, materials=300, banners=4, posters=20, led_screens=2, form="consultation")
    _event(world, title="法治讲座", materials=50, banners=1, form="lecture", place_kind="school")
    _event(world, title="去年", date=D(2023, 3, 15), materials=999, banners=99)
    a = world.admin_a
    services.create_channel(unit=world.village_a, actor=a, kind="loudspeaker", count=1)
    services.create_channel(unit=world.village_a, actor=a, kind="board", count=3)
    services.create_channel(unit=world.township_a, actor=a, kind="van", count=1)
    services.create_channel(unit=world.village_a, actor=a, kind="wechat", count=2, active=False)
    services.create_site(
        unit=world.village_a, actor=a, kind="corridor", name="长廊", built_year=2022
    )
    services.create_site(unit=world.township_a, actor=a, kind="square", name="广场")
    services.create_site(unit=world.township_a, actor=a, kind="park", name="公园", built_year=2024)
    for school, holder in (
        ("甲镇中心小学", "派出所所长"),
        ("甲镇中心小学", "法官"),
        ("甲镇中学", "检察官"),
    ):
        services.create_vice_principal(
            unit=world.township_a, actor=a, school=school, holder=holder, appointed_on=D(2023, 9, 1)
        )
    services.create_vice_principal(
        unit=world.township_a,
        actor=a,
        school="甲镇幼儿园",
        holder="司法所长",
        appointed_on=D(2020, 9, 1),
        term_end=D(2022, 8, 31),
    )
    ctx = _ctx(world.township_a)
    v = ctx.values
    assert v["publicity.materials"].value == 350
    assert v["publicity.materials_banners"].value == 5
    assert v["publicity.materials_posters"].value == 20
    assert v["publicity.materials_led"].value == 2
    assert v["publicity.channel_loudspeaker"].value == 1
    assert v["publicity.channel_board"].value == 3
    assert v["publicity.channel_van"].value == 1
    assert v["publicity.channel_wechat"].value == 0  # not in use
    assert v["publicity.culture_sites"].value == 3
    assert v["publicity.vice_principals"].value == 3
    assert v["publicity.vice_principal_schools"].value == 2
    assert _ctx(world.township_a, 2023).values["publicity.culture_sites"].value == 2
    points = {p.key: p for p in preport.points(ctx)}
    themed = _text(ctx, points["publicity.themed_days"].text)
    assert "发放各类宣传材料350份，悬挂横幅5条，张贴海报20张" in themed
    assert "张贴海报20张，LED显示屏滚动播放法治标语2块次" in themed
    assert "采取法治讲座、法律咨询等形式" in themed
    positions = _text(ctx, points["publicity.positions"].text)
    assert "依托“村村响”广播1套、普法宣传栏3个、法治宣传车1辆等渠道" in positions
    assert "建成法治文化长廊1条、法治文化广场1个、法治文化公园1个" not in positions  # kind order
    assert "建成法治文化公园1个、法治文化长廊1条、法治文化广场1个" in positions
    schools = _text(ctx, points["publicity.schools"].text)
    assert "为辖区2所学校配备法治副校长3名，开展法治进校园活动" in schools


def test_no_position_or_school_point_without_records(world):
    _event(world)
    keys = {p.key for p in preport.points(_ctx(world.township_a))}
    assert "publicity.positions" not in keys and "publicity.schools" not in keys


def test_a_channel_site_or_vice_principal_registered_through_the_form_is_in_use(world):
    """The create forms do not show the in-use box: what they register is in use (the form's
    missing box is not an unchecked one)."""
    for ledger, raw in (
        (CHANNEL, {"kind": "board", "count": "2"}),
        (SITE, {"kind": "park", "name": "甲村法治公园"}),
    ):
        obj = ledger.create(unit=world.village_a, actor=world.admin_a, raw=raw)
        obj.refresh_from_db()
        assert obj.active, ledger.key
