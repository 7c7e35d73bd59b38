"""Indicator values are cached until a write can change them (fazhi/indicators/cache.py)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fazhi.indicators import cache, registry
from tests.reports.fixtures import YEAR, _dispute, seed_ledgers


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(YEAR, 12, 20, 10, 0), tick=False):
        yield


def _queries(unit, codes=None) -> tuple[int, dict]:
    """Queries on the ledgers (a county's key lists its townships: one query on units)."""
    with CaptureQueriesContext(connection) as ctx:
        values = registry.compute(unit, YEAR, codes)
    ledger = [
        q for q in ctx.captured_queries if not q["sql"].split(" WHERE ")[0].endswith('"core_unit"')
    ]
    return len(ledger), values


def test_second_read_is_served_from_the_cache(world, frozen):
    seed_ledgers(world)
    n_first, first = _queries(world.township_a)
    n_again, again = _queries(world.township_a)
    assert n_first > 10
    assert n_again == 0
    assert {c: v.as_dict() for c, v in again.items()} == {c: v.as_dict() for c, v in first.items()}


def test_a_write_in_the_township_invalidates_it_and_its_county_only(world, frozen):
    seed_ledgers(world)
    before_a = registry.compute(world.township_a, YEAR)["disputes.mediated"].value
    before_county = registry.compute(world.county, YEAR)["disputes.mediated"].value
    registry.compute(world.township_b, YEAR)
    _dispute(world.township_a, 3, number="cache-1")
    n_a, after_a = _queries(world.township_a)
    assert n_a > 0 and after_a["disputes.mediated"].value == before_a + 1
    n_county, after_county = _queries(world.county)
    assert n_county > 0 and after_county["disputes.mediated"].value == before_county + 1
    n_b, _ = _queries(world.township_b)
    assert n_b == 0  # 清河乡's values did not change, and are still served from the cache


def test_a_write_in_another_county_leaves_this_one_cached(world, frozen):
    seed_ledgers(world)
    registry.compute(world.county, YEAR)
    other_township = world.other_county.children.first()
    _dispute(other_township or world.other_county, 3, number="cache-2")
    n, _ = _queries(world.county)
    assert n == 0


def test_a_child_record_invalidates_through_its_parent(world, frozen):
    """A dispute's party has no unit of its own: its dispute's township is invalidated (a
    figure read from any model), not the other township's."""
    from fazhi.disputes.models import Dispute, DisputeParty

    seed_ledgers(world)
    computed = []

    def figure(unit):
        return cache.remember(unit, "parties", lambda: computed.append(unit) or len(computed))

    figure(world.township_a), figure(world.township_b)
    d = Dispute.objects.filter(unit__path__startswith=world.township_a.path).first()
    DisputeParty.objects.create(dispute=d, side="respondent", name="某某")
    figure(world.township_a), figure(world.township_b)
    assert computed == [world.township_a, world.township_b, world.township_a]


def test_the_token_changes_again_on_commit(world, frozen, django_capture_on_commit_callbacks):
    """A reader between the write and the commit cannot leave a stale value behind."""
    seed_ledgers(world)
    key_before = cache.key_for(world.township_a, YEAR, None)
    with django_capture_on_commit_callbacks() as callbacks:
        _dispute(world.township_a, 4, number="cache-3")
        key_inside = cache.key_for(world.township_a, YEAR, None)
    assert key_inside != key_before
    assert callbacks
    for callback in callbacks:
        callback()
    assert cache.key_for(world.township_a, YEAR, None) not in (key_before, key_inside)


def test_tomorrow_is_a_new_key(world):
    seed_ledgers(world)
    with time_machine.travel(dt.datetime(YEAR, 12, 20, 10, 0), tick=False):
        registry.compute(world.township_a, YEAR)
        assert _queries(world.township_a)[0] == 0
    with time_machine.travel(dt.datetime(YEAR, 12, 21, 10, 0), tick=False):
        assert _queries(world.township_a)[0] > 0  # "overdue" and pace move with the date


def test_fresh_always_computes_and_clear_forgets(world, frozen):
    seed_ledgers(world)
    registry.compute(world.township_a, YEAR)
    with CaptureQueriesContext(connection) as ctx:
        registry.compute(world.township_a, YEAR, fresh=True)
    assert len(ctx) > 0
    cache.clear()
    assert _queries(world.township_a)[0] > 0


def test_data_replaced_forgets(world, frozen):
    """Core's demo load and restore say so through ``core.hooks`` (core imports no app)."""
    from fazhi.core import backup, hooks

    seed_ledgers(world)
    registry.compute(world.township_a, YEAR)
    assert _queries(world.township_a)[0] == 0
    hooks.data_replaced.send(sender=backup.restore)
    assert _queries(world.township_a)[0] > 0


def test_codes_are_part_of_the_key(world, frozen):
    seed_ledgers(world)
    some = registry.compute(world.township_a, YEAR, ["disputes.mediated"])
    assert list(some) == ["disputes.mediated"]
    n, everything = _queries(world.township_a)
    assert n > 0 and len(everything) > 1


def test_dashboard_monthly_series_follows_writes(world, frozen):
    from fazhi.reports import dashboard

    seed_ledgers(world)
    before = dashboard.monthly(world.township_a, YEAR)["矛盾纠纷"]
    with CaptureQueriesContext(connection) as ctx:
        assert dashboard.monthly(world.township_a, YEAR)["矛盾纠纷"] == before
    assert len(ctx) == 0
    _dispute(world.township_a, 5, number="cache-4")
    after = dashboard.monthly(world.township_a, YEAR)["矛盾纠纷"]
    assert sum(after) == sum(before) + 1


def test_a_new_township_joins_the_county_key(world, frozen):
    """The county's list of townships is remembered until the unit tree changes."""
    from fazhi.core.models import Unit, UnitKind

    seed_ledgers(world)
    registry.compute(world.county, YEAR)
    with CaptureQueriesContext(connection) as ctx:
        registry.compute(world.county, YEAR)
    assert len(ctx) == 0  # not even the townships are looked up again
    new = Unit.objects.create(
        code="t-new", name="新镇", kind=UnitKind.TOWNSHIP, parent=world.county
    )
    registry.compute(world.county, YEAR)
    _dispute(new, 2, number="cache-5")
    n, values = _queries(world.county)
    assert n > 0


def test_dashboard_overdue_list_reads_only_the_longest_overdue(world, frozen):
    """The dashboard asks the providers for the oldest overdue items, not every open one."""
    from fazhi.core import reminders

    for n, due in ((1, dt.date(YEAR, 11, 1)), (2, dt.date(YEAR, 10, 1)), (3, dt.date(YEAR, 12, 1))):
        _dispute(world.township_a, n, number=f"od-{n}", status="assigned", due_date=due)
    _dispute(world.township_a, 4, number="od-4", status="assigned", due_date=dt.date(YEAR, 12, 30))
    today = dt.date(YEAR, 12, 20)
    items = reminders.collect(today, units=[world.township_a], overdue_only=True, limit=2)
    assert [i.due for i in items] == [dt.date(YEAR, 10, 1), dt.date(YEAR, 11, 1)]
    everything = reminders.collect(today, units=[world.township_a])
    assert dt.date(YEAR, 12, 30) not in [i.due for i in items]
    assert {i.due for i in items} <= {i.due for i in everything}


def test_groups_are_shared_between_code_lists(world, frozen):
    """A page asking for a few codes and one asking for all share each group's entry."""
    seed_ledgers(world)
    n_all, _ = _queries(world.township_a)
    cache.clear()
    n_some, _ = _queries(world.township_a, ["disputes.mediated", "hotline.received"])
    n_rest, everything = _queries(world.township_a)
    assert 0 < n_some < n_all
    assert n_rest == n_all - n_some  # the two groups already computed are not read again
    assert _queries(world.township_a, ["hotline.received"])[0] == 0


def test_inside_a_window_a_recent_value_survives_a_write(world):
    seed_ledgers(world)
    with time_machine.travel(dt.datetime(YEAR, 12, 20, 10, 0), tick=False) as clock:
        first = registry.compute(world.township_a, YEAR)["disputes.mediated"].value
        computed_at = time.time()
        clock.move_to(dt.datetime(YEAR, 12, 20, 10, 0, 30))
        _dispute(world.township_a, 3, number="win-1")
        with cache.window(60) as w:
            n, values = _queries(world.township_a)
        assert n == 0 and values["disputes.mediated"].value == first
        assert w.as_of == pytest.approx(computed_at)
        # outside the window the same read is exact
        assert registry.compute(world.township_a, YEAR)["disputes.mediated"].value == first + 1

        # a value older than the window is computed again
        _dispute(world.township_a, 3, number="win-2")
        clock.move_to(dt.datetime(YEAR, 12, 20, 10, 2))
        with cache.window(60) as w:
            n, values = _queries(world.township_a)
        assert n > 0 and values["disputes.mediated"].value == first + 2
        assert w.as_of is None  # every value served is exact

        # an exact hit inside a window: true now, whenever it was computed
        clock.move_to(dt.datetime(YEAR, 12, 20, 10, 30))
        with cache.window(60) as w:
            assert _queries(world.township_a)[0] == 0
        assert w.as_of is None

        # a window of 0 is exact
        _dispute(world.township_a, 3, number="win-3")
        with cache.window(0):
            assert registry.compute(world.township_a, YEAR)["disputes.mediated"].value == first + 3


def test_dashboard_shows_when_its_figures_were_computed(world, settings):
    from fazhi.reports import dashboard

    seed_ledgers(world)
    settings.FAZHI_DASHBOARD_MAX_AGE = 60
    with time_machine.travel(dt.datetime(YEAR, 12, 20, 10, 0), tick=False) as clock:
        first = dashboard.context(world.township_a, YEAR)
        computed = timezone.localtime().strftime("%H:%M:%S")
        clock.move_to(dt.datetime(YEAR, 12, 20, 10, 0, 20))
        _dispute(world.township_a, 4, number="win-4")
        again = dashboard.context(world.township_a, YEAR)
        assert again["as_of"] == first["as_of"]
        assert again["as_of"].strftime("%H:%M:%S") == computed
        assert again["monthly"] == first["monthly"]
        settings.FAZHI_DASHBOARD_MAX_AGE = 0
        exact = dashboard.context(world.township_a, YEAR)
        assert sum(exact["monthly"]["series"]["矛盾纠纷"]) == (
            sum(first["monthly"]["series"]["矛盾纠纷"]) + 1
        )
        assert exact["as_of"] > first["as_of"]
        assert exact["as_of"].strftime("%H:%M:%S") == timezone.localtime().strftime("%H:%M:%S")


# ---- one computation at a time (several processes asking at once) ----------------------


def _claim_all(unit, year=YEAR):
    """Claim every group's computation as another process would while computing it."""
    stamps = cache._stamps(unit, {f"{year}:g:{key}": g.reads for key, g in registry.GROUPS.items()})
    for what, stamp in stamps.items():
        assert cache.cache.add(cache._lock_key(unit, what, stamp), 1)
    return stamps


def test_a_reader_waits_for_the_process_computing_the_same_values(world, frozen, monkeypatch):
    seed_ledgers(world)
    unit = world.township_a
    expected = registry.compute(unit, YEAR, fresh=True)
    theirs = {
        f"{YEAR}:g:{key}": registry._group_values(group, unit, YEAR)
        for key, group in registry.GROUPS.items()
    }
    stamps = _claim_all(unit)

    def other_process_finishes(_seconds):
        # the claiming process stores its values, as _fill does, and releases its claims
        for what, stamp in stamps.items():
            cache._write(unit, what, theirs[what], stamp)
            cache.cache.delete(cache._lock_key(unit, what, stamp))

    monkeypatch.setattr(cache.time, "sleep", other_process_finishes)
    n, values = _queries(unit)
    assert n == 0  # nothing computed here: the other process's values were taken
    assert {c: v.as_dict() for c, v in values.items()} == {
        c: v.as_dict() for c, v in expected.items()
    }


def test_a_failed_claim_leaves_the_reader_to_compute(world, frozen, monkeypatch):
    seed_ledgers(world)
    stamps = _claim_all(world.township_a)

    def other_process_fails(_seconds):
        for what, stamp in stamps.items():  # it released its claims without storing anything
            cache.cache.delete(cache._lock_key(world.township_a, what, stamp))

    monkeypatch.setattr(cache.time, "sleep", other_process_fails)
    n, values = _queries(world.township_a)
    assert n > 10 and values["disputes.mediated"].ok


def test_inside_a_window_an_older_value_is_served_while_another_process_computes(world):
    seed_ledgers(world)
    with time_machine.travel(dt.datetime(YEAR, 12, 20, 10, 0), tick=False) as clock:
        first = registry.compute(world.township_a, YEAR)["disputes.mediated"].value
        computed_at = time.time()
        _dispute(world.township_a, 3, number="busy-1")
        clock.move_to(dt.datetime(YEAR, 12, 20, 10, 5))  # older than the window
        _claim_all(world.township_a)
        with cache.window(60) as w:
            n, values = _queries(world.township_a)
        assert n == 0 and values["disputes.mediated"].value == first
        assert w.as_of == pytest.approx(computed_at)  # the page says how old it is


def test_a_token_the_cache_does_not_give_makes_a_read_of_its_own(world, frozen, monkeypatch):
    """diskcache answers a read that waited too long for a writer's lock with a miss: the
    read then computes exact values under a token no one else holds, never fails."""
    seed_ledgers(world)
    registry.compute(world.township_a, YEAR)
    monkeypatch.setattr(cache.cache, "get_many", lambda keys, **kw: {})
    monkeypatch.setattr(cache.cache, "get", lambda key, default=None, **kw: default)
    assert all(t.startswith("miss-") for t in cache._tokens([cache.GLOBAL, "1:*"]).values())
    n, values = _queries(world.township_a)
    assert n > 10 and values["disputes.mediated"].ok


_CACHE_SCRIPT = """
import django, sys
django.setup()
from django.conf import settings
from django.core.cache import cache
print(settings.CACHES["default"]["BACKEND"], settings.CACHES["default"]["LOCATION"])
if sys.argv[1] == "write":
    cache.set("fazhi:test:value", {"n": 42}, timeout=None)
    print(cache.add("fazhi:test:claim", 1, timeout=60))
else:
    print(cache.get("fazhi:test:value"), cache.add("fazhi:test:claim", 1, timeout=60))
"""


def test_without_redis_every_process_of_the_machine_shares_one_cache(tmp_path):
    """The production settings without FAZHI_REDIS_URL: diskcache under the var directory,
    so a value one worker stores is read by another and a claim (``add``) is exclusive."""
    import os
    import subprocess
    import sys

    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("FAZHI_", "DJANGO_")) and k != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="fazhi.settings",
        FAZHI_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )

    def run(arg):
        out = subprocess.run(
            [sys.executable, "-c", _CACHE_SCRIPT, arg],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert out.returncode == 0, out.stderr[-2000:]
        return out.stdout.split("\n")

    first = run("write")
    assert first[0] == f"fazhi.core.diskcache_backend.DiskCache {tmp_path / 'cache'}"
    assert first[1] == "True"
    assert run("read")[1] == "{'n': 42} False"


def test_the_machines_cache_stays_open_between_requests(tmp_path):
    """Django closes caches after every request; diskcache's SQLite connections stay open
    (reopening its shards cost 3.7 % of a working day), and close for real before a fork."""
    from fazhi.core.diskcache_backend import DiskCache

    c = DiskCache(str(tmp_path), {})
    c.set("fazhi:test", 1)

    def open_shards():
        return [s for s in c._cache._shards if getattr(s._local, "con", None) is not None]

    assert open_shards()
    c.close()  # what Django's close_caches calls when a request finishes
    assert open_shards() and c.get("fazhi:test") == 1
    c.close_connections()
    assert not open_shards()
