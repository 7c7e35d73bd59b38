from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fazhi.indicators import registry, services
from tests.reports.fixtures import EXPECTED, YEAR, seed_ledgers

REQUIRED = [
    "disputes.mediated",
    "disputes.succeeded",
    "disputes.success_rate",
    "disputes.amount_yuan",
    "disputes.resolved_in_village_rate",
    "disputes.overdue",
    "petitions.received",
    "petitions.replied_on_time_rate",
    "petitions.satisfaction_rate",
    "petitions.backlog_resolved",
    "hotline.received",
    "hotline.completion_rate",
    "hotline.satisfaction_rate",
    "decisions.legality_review_coverage",
    "documents.filed_on_time_rate",
    "reviews.conducted",
    "reviews.findings",
    "enforcement.published_on_time_rate",
    "litigation.lost_rate",
    "learning.sessions",
    "learning.cadres_40h_rate",
    "learning.exam_participation_rate",
    "publicity.events",
    "publicity.audience",
    "advisers.village_coverage",
    "advisers.consultations",
    "rectification.closed_rate",
]


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(YEAR + 1, 1, 15, 10, 0), tick=False):
        yield


def test_registry_has_every_required_code():
    codes = {i.code for i in registry.all_indicators()}
    assert set(REQUIRED) <= codes
    for ind in registry.all_indicators():
        assert ind.name and ind.measure and ind.direction in (registry.HIGHER, registry.LOWER)


def test_values_match_hand_computed(world, frozen):
    seed_ledgers(world)
    values = registry.compute(world.township_a, YEAR)
    for code, (status, value) in EXPECTED.items():
        v = values[code]
        assert (v.status, None if v.value is None else str(v.value)) == (status, value), code


def test_zero_denominator_is_not_applicable(world, frozen):
    values = registry.compute(world.township_a, YEAR)
    v = values["disputes.success_rate"]
    assert v.status == registry.NA and v.value is None
    ind = registry.get("disputes.success_rate")
    assert registry.format_value(ind, v) == "不适用"
    assert registry.meets_target(ind, v) is None


def test_county_sums_its_townships(world, frozen):
    seed_ledgers(world)
    county = registry.compute(world.county, YEAR)
    assert county["disputes.mediated"].value == 6  # 5 in A + 1 in B
    other = registry.compute(world.other_county, YEAR)
    assert other["disputes.mediated"].value == 0


def test_bounded_queries(world, frozen):
    seed_ledgers(world)
    registry.compute(world.township_a, YEAR, fresh=True)
    with CaptureQueriesContext(connection) as few:
        registry.compute(world.township_a, YEAR, fresh=True)
    seed_ledgers_more(world)
    with CaptureQueriesContext(connection) as many:
        registry.compute(world.township_a, YEAR, fresh=True)
    assert len(many) == len(few)
    # 58 with every app's report indicators (issue 14: each contribution's group adds a few
    # aggregate queries), then issue 16's new ledgers: corrections' one, enforcement
    # supervision's 6 (责任制, 案卷评查 and its rectifications, 裁量基准, 代表委员监督,
    # 培训考试), publicity's, legal services' and learning's new figures, and the
    # receptions' and judicial assistance's one each; the bound is on the count, which
    # does not grow with the records.
    assert len(few) <= 77


def seed_ledgers_more(world):
    from tests.reports.fixtures import _dispute

    for n in range(10, 30):
        _dispute(world.township_a, n % 28 + 1, number=f"more-{n}")


def test_snapshot_freezes_values(world, frozen):
    seed_ledgers(world)
    snap = services.take_snapshot(
        world.township_a, YEAR, actor=world.clerk_a, purpose="测试", frozen=True
    )
    assert snap.value("disputes.mediated").value == 5
    from tests.reports.fixtures import _dispute

    _dispute(world.township_a, 9)
    cmp = services.compare_years(world.township_a, [YEAR], ["disputes.mediated"])
    assert cmp["disputes.mediated"][YEAR].value == 5  # frozen
    assert registry.compute(world.township_a, YEAR)["disputes.mediated"].value == 6
