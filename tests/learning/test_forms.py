"""Study forms beside the routine sessions (issue 16 item 7): 专题研讨, 专题党课 and 法律讲座
as session kinds, counted apart (learning.seminars / party_lectures / law_lectures) with
the leadership team's study still its own figure (learning.leadership_sessions)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

import fazhi.learning.report as lreport
from fazhi.indicators import registry
from fazhi.learning import services
from fazhi.reports import voice
from fazhi.reports.contrib import Context

from .helpers import session

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2024, 9, 1, 10, tzinfo=dt.UTC), tick=False):
        yield


def _text(values, text):
    def fig(m):
        return registry.format_value(registry.get(m.group(1)), values[m.group(1)])

    return re.sub(r"\{\{([\w.]+)\}\}", fig, text)


def test_new_kinds_counted_and_leadership_apart(world):
    session(world, kind="seminar", leadership_group=True, topic="法治政府建设专题研讨")
    session(world, kind="seminar", topic="基层治理研讨")
    session(world, kind="party_lecture", topic="法治专题党课")
    session(world, kind="law_lecture", topic="民法典讲座")
    session(world, kind="law_lecture", topic="反诈讲座", date=dt.date(2024, 5, 1))
    session(world, kind="central_group")
    session(world, kind="law_lecture", date=dt.date(2023, 5, 1))  # another year
    summary = dict(services.session_summary(world.township_a, 2024)["by_kind"])
    assert summary["专题研讨"] == 2 and summary["专题党课"] == 1 and summary["法律讲座"] == 2
    values = registry.compute(world.township_a, 2024, fresh=True)
    assert values["learning.seminars"].value == 2
    assert values["learning.party_lectures"].value == 1
    assert values["learning.law_lectures"].value == 2
    assert values["learning.leadership_sessions"].value == 2
    ctx = Context(world.township_a, 2024, values, voice.for_unit(world.township_a))
    points = {p.key: p for p in lreport.points(ctx)}
    forms = _text(values, points["learning.forms"].text)
    assert "开展专题研讨2次、讲授专题党课1次、举办法律讲座2场" in forms
    lead = _text(values, points["learning.leadership"].text)
    assert "开展领导班子学法2次" in lead


def test_no_forms_sentence_without_such_sessions(world):
    session(world, kind="pre_meeting")
    values = registry.compute(world.township_a, 2024, fresh=True)
    ctx = Context(world.township_a, 2024, values, voice.for_unit(world.township_a))
    assert all(p.key != "learning.forms" for p in lreport.points(ctx))


def test_kind_through_the_page_and_filter(world, client):
    client.force_login(world.admin_a)
    session(world, kind="party_lecture", topic="专题党课甲")
    session(world, kind="pre_meeting", topic="会前学法乙")
    page = client.get(reverse("learning:session_list"), {"kind": "party_lecture"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "专题党课甲" in body and "会前学法乙" not in body
