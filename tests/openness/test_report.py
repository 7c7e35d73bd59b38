"""The openness theme of the annual report: sentences state only what the records show."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from fazhi.indicators import registry
from fazhi.openness import services
from fazhi.reports import figures, voice
from fazhi.reports.contrib import REGISTRY, Context, autodiscover

from .helpers import act, request

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel("2024-12-20 10:00 +0800", tick=False):
        yield


def _ctx(world) -> Context:
    values = registry.compute(world.township_a, 2024, fresh=True)
    return Context(world.township_a, 2024, values, voice.for_unit(world.township_a), {})


def _text(ctx, fn) -> str:
    return "".join(figures.plain(p.text, ctx.values, {}) for p in fn(ctx))


def _disclose(world, title, category, channel, day):
    services.record_disclosure(
        unit=world.township_a, actor=world.clerk_a, title=title, category=category,
        channel=channel, published_on=day,
    )  # fmt: skip


def _seed(world, *, late=False):
    _disclose(world, "2024年部门预算", "finance", "website", D(2024, 3, 1))
    _disclose(world, "2023年部门决算", "finance", "website", D(2024, 8, 1))
    _disclose(world, "低保对象名单公示", "livelihood", "board", D(2024, 4, 1))
    _disclose(world, "2023年预算（上年）", "finance", "website", D(2023, 3, 1))  # another year
    a = request(world, received=D(2024, 4, 1))
    act(a, "reply", world.clerk_a, reply_type="granted", content="见附件", date="2024-04-20")
    b = request(world, received=D(2024, 9, 2))
    day = "2024-10-30" if late else "2024-09-20"
    act(b, "reply", world.clerk_a, reply_type="unable", reason="not_held", content="x", date=day)


def test_the_sentence_reads_like_the_seeds(world):
    autodiscover()
    _seed(world)
    ctx = _ctx(world)
    text = _text(ctx, REGISTRY["openness"].points)
    assert text.startswith("全年主动公开政府信息3条，主要涉及财政预决算和社会救助等方面")
    assert "通过政府网站和政务公开栏等渠道发布" in text
    assert "受理依申请公开2件，均在法定期限内答复，其中予以公开1件、无法提供1件。" in text
    assert REGISTRY["openness"].shortfalls(ctx) == []


def test_a_late_reply_is_not_called_on_time(world):
    autodiscover()
    _seed(world, late=True)
    ctx = _ctx(world)
    text = _text(ctx, REGISTRY["openness"].points)
    assert "均在法定期限内" not in text
    assert "受理依申请公开2件，已答复2件，按期答复率50%" in text
    found = REGISTRY["openness"].shortfalls(ctx)
    assert [f.key for f in found] == ["indicator:openness.on_time_rate"]


def test_open_requests_within_their_deadline_are_said_so(world):
    autodiscover()
    _seed(world)
    request(world, received=D(2024, 12, 16))  # due in January
    ctx = _ctx(world)
    text = _text(ctx, REGISTRY["openness"].points)
    assert "受理依申请公开3件，已答复2件且均在法定期限内，其余尚在办理期限内" in text
    assert ctx.values["openness.overdue"].value == 0


def test_no_records_no_point(world):
    autodiscover()
    assert REGISTRY["openness"].points(_ctx(world)) == []
