"""执法领域 (sector) on enforcement cases: set on create and edit (pages, API, CLI through
the ledger), filtered on the list, counted per sector and stated in the report."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

import fazhi.enforcement.report  # noqa: F401  (registers the indicators)
from fazhi.core.errors import InvalidInput
from fazhi.enforcement import services
from fazhi.enforcement.ledgers import CASE
from fazhi.enforcement.models import EnforcementCase
from fazhi.indicators import registry
from fazhi.reports import figures, voice
from fazhi.reports.contrib import REGISTRY, Context

from .helpers import case, officers

pytestmark = pytest.mark.django_db
Y = 2024


def _ctx(unit, year=Y):
    return Context(unit, year, registry.compute(unit, year, fresh=True), voice.for_unit(unit), {})


def _text(ctx):
    return "\n".join(
        figures.plain(p.text, ctx.values, {}) for p in REGISTRY["enforcement"].points(ctx)
    )


def test_sector_set_on_create_by_value_or_label_and_refused_when_unknown(world):
    certs = officers(world)
    c = case(world, certs=certs, sector="safety")
    assert c.sector == "safety" and c.get_sector_display() == "安全生产"
    c2 = case(world, certs=certs, sector="食品药品")
    assert c2.sector == "food_drug"
    assert case(world, certs=certs).sector == ""  # optional
    with pytest.raises(InvalidInput, match="执法领域"):
        case(world, certs=certs, sector="天文")


def test_sector_edited_and_filtered(world):
    certs = officers(world)
    c = case(world, certs=certs)
    c = services.update_case(c, actor=world.clerk_a, raw={"sector": "environment"})
    assert c.sector == "environment"
    case(world, certs=certs, sector="safety")
    qs = CASE.filter_qs(
        EnforcementCase.objects.all(), {"sector": "environment"}, user=world.clerk_a
    )
    assert list(qs) == [c]
    with pytest.raises(Exception):
        services.update_case(c, actor=world.outsider, raw={"sector": "safety"})


def test_edit_page_and_api_patch_set_the_sector(world, client_for, api_for):
    c = case(world)
    r = client_for(world.clerk_a).post(
        f"/enforcement/cases/{c.pk}/edit/", {"sector": "market", "facts": "x"}
    )
    assert r.status_code in (200, 302)
    c.refresh_from_db()
    assert c.sector == "market"
    r = client_for(world.clerk_a).post(f"/enforcement/cases/{c.pk}/edit/", {"sector": "bad"})
    assert r.status_code == 400 and "执法领域" in r.content.decode()
    r = client_for(world.clerk_a).get("/enforcement/cases/?sector=market")
    assert r.status_code == 200 and c.number in r.content.decode()


def test_indicators_and_sentence_per_sector(world):
    certs = officers(world)
    with time_machine.travel(dt.datetime(Y + 1, 1, 15, 10, 0), tick=False):
        for n in range(3):
            case(world, kind="inspection", certs=certs, sector="safety", opened=f"{Y}-05-0{n + 1}")
        case(world, kind="penalty", certs=certs, sector="safety", opened=f"{Y}-06-03")
        case(world, kind="penalty", certs=certs, sector="food_drug", opened=f"{Y}-06-04")
        case(world, kind="inspection", certs=certs, sector="other", opened=f"{Y}-06-05")
        ctx = _ctx(world.township_a)
        assert ctx.n("enforcement.inspections_safety") == 3
        assert ctx.n("enforcement.penalties_safety") == 1
        assert ctx.n("enforcement.penalties_food_drug") == 1
        assert ctx.n("enforcement.inspections_environment") == 0
        text = _text(ctx)
    assert (
        "开展安全生产执法检查3次，立案查处1起；立案查处食品药品违法案件1起；开展其他执法检查1次。"
        in text
    ), text
    assert not re.search(r"生态环境", text)
