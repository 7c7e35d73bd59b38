"""Each indicator group declares the models it reads (``registry.group(…, reads=…)``), and
its cached values are kept until a record of one of them changes (fazhi/indicators/cache.py).
A model read but not declared would leave a stale figure behind, so every group is run
here over the small demo county, for the county and a township, and every table it queries
must belong to a declared model (or the unit tree, which every value follows)."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from fazhi.core import demo
from fazhi.indicators import cache, registry

_TABLE = re.compile(r'(?:FROM|JOIN)\s+"([A-Za-z0-9_]+)"')


def _labels_by_table() -> dict[str, str]:
    """Each table's model; a many-to-many link's table: the model declaring the field."""
    out = {}
    for model in apps.get_models(include_auto_created=True):
        owner = model._meta.auto_created or model
        out[model._meta.db_table] = owner._meta.label
    return out


@pytest.fixture(scope="module")
def demo_county(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            cache.cache.clear()
            yield demo.build(scale="small", seed=2026, log=lambda s: None)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            cache.cache.clear()


@pytest.mark.parametrize("key", sorted(registry.GROUPS))
def test_a_group_queries_only_the_models_it_declares(key, demo_county, db):
    group = registry.GROUPS[key]
    assert group.reads, f"{key}: declare reads=(…) (the models its figures come from)"
    tables = _labels_by_table()
    read = set()
    for unit in (demo_county.county, demo_county.townships[0]):
        for year in demo_county.years[-2:]:
            with CaptureQueriesContext(connection) as ctx:
                registry._group_values(group, unit, year)
            for q in ctx.captured_queries:
                read.update(tables.get(t, t) for t in _TABLE.findall(q["sql"]))
    undeclared = read - set(group.reads) - {"core.Unit"}
    assert not undeclared, f"{key} reads {sorted(undeclared)} without declaring them"


def test_every_declared_model_exists_and_its_writes_reach_the_cache():
    for label in registry.all_reads():
        model = apps.get_model(label)
        assert model._meta.app_label in cache._APPS, label
        assert model._meta.label not in cache._IGNORED, label


def test_a_write_invalidates_the_groups_reading_its_model_only(demo_county, db):
    """A hotline appeal registered in a township: the county's and the township's hotline
    figures are computed again, their grid figures are still served from the cache."""
    from fazhi.disputes.models import HotlineAppeal

    county, township = demo_county.county, demo_county.townships[0]
    year = demo_county.years[-1]
    for unit in (county, township):
        registry.compute(unit, year, ["hotline.received", "grid.reported"])
    appeal = HotlineAppeal.objects.filter(unit__path__startswith=township.path).first()
    appeal.save()
    for unit in (county, township):
        with CaptureQueriesContext(connection) as ctx:
            registry.compute(unit, year, ["grid.reported"])
        assert not [q for q in ctx.captured_queries if "disputes_gridcase" in q["sql"]]
        with CaptureQueriesContext(connection) as ctx:
            registry.compute(unit, year, ["hotline.received"])
        assert [q for q in ctx.captured_queries if "disputes_hotlineappeal" in q["sql"]]


def test_a_link_between_records_invalidates_the_groups_reading_it(demo_county, db):
    """An adviser of the county starts serving a village: no record is saved, the link is
    (many-to-many); the township's adviser figures are computed again."""
    from fazhi.legalservice.models import LegalAdviser

    township = demo_county.townships[0]
    year = demo_county.years[-1]
    codes = registry.GROUPS["advisers"].codes
    registry.compute(township, year, codes)
    with CaptureQueriesContext(connection) as ctx:
        registry.compute(township, year, codes)
    assert len(ctx) <= 2  # served from the cache (the tokens only)
    adviser = LegalAdviser.objects.first()
    village = demo_county.villages[township.pk][-1]
    adviser.units_served.add(village)
    with CaptureQueriesContext(connection) as ctx:
        registry.compute(township, year, codes)
    assert [q for q in ctx.captured_queries if "legalservice_legaladviser" in q["sql"]]


def test_a_write_of_an_unnamed_model_reaches_every_declared_group():
    """``bump_for_path(path)`` (a write of some model: the benchmarks' "after a write")
    replaces the token of every model a group declares."""
    assert registry.all_reads() == cache._DECLARED
