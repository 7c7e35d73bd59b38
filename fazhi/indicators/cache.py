"""Indicator values cached until a write can change them.

Computing a county-year reads every ledger of the county (hundreds of thousands of rows at
county scale), and the home page's dashboard asks for five years and twenty townships. So
``registry.compute`` keeps its results in Django's cache under *data tokens*:

* every township-level unit (a *branch*: the units directly under a county) and every
  county has a token; a saved or deleted ledger record replaces the token of its branch
  (a record of the county itself: the county's token); a change to the unit tree or to a
  record without a unit replaces the global token;
* a value for a unit is stored under the global token, its county's token and the tokens
  of the branches it covers (its own branch, or every branch of a county), and today's
  date (figures such as "overdue" and pro-rata pace move with the calendar).

A write therefore makes unreachable exactly the values it can change: a clerk registering
a dispute in 东风镇 invalidates 东风镇 and the county, not 清河乡. The token is replaced
when the write happens and again when its transaction commits, so a reader that computed
from the pre-commit state cannot leave a stale value under the new token. Tokens are
random, never counters, so no increment can be lost between processes.

Values are kept per indicator *group* (one entry for a unit, a year and a group), so a
page asking for a few codes and a page asking for all of them share what was computed, and
each entry carries the time it was computed.

**The dashboard's window.** A county's dashboard reads every ledger of the county, and in
a working day some record of the county is saved every few seconds, so exact values would
be computed again for almost every view. Inside ``with cache.window(seconds)`` (the home
page's dashboard, ``FAZHI_DASHBOARD_MAX_AGE``, default 60 s) a value whose tokens have
changed is still served if it was computed less than that long ago; the page shows the
time of its oldest value. Everything else (the indicators page and API, reports, snapshots,
the CLI) reads exact values: outside a window, a changed token is a miss.

The cache must be shared by every process that serves requests (``FAZHI_REDIS_URL``, or
the file cache under the var directory that settings use by default); a per-process
memory cache would miss other processes' writes (``docs/DEPLOY.md``).
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import secrets
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from fazhi.core import hooks

PREFIX = "fazhi:ind2:"  # 2: entries are (computed at, value), per group
TIMEOUT = 6 * 3600  # values; tokens never expire (an evicted token is simply replaced)
GLOBAL = "all"

# Saves that cannot change an indicator (logins, notifications, tokens, audit, reports'
# own text): skipping them keeps the cache warm while people work.
_IGNORED = frozenset(
    {
        "core.User",
        "core.Notification",
        "core.TotpDevice",
        "core.ApiToken",
        "core.AuditChainHead",
        "core.AuditEvent",
        "core.DocumentTemplate",
        "core.Attachment",
        "reports.ReportSection",
        "reports.Shortfall",
        "reports.FigureOverride",
        "indicators.IndicatorSnapshot",
        "reports.AnnualReport",
    }
)
_APPS = frozenset(
    {
        "core",
        "disputes",
        "decisions",
        "enforcement",
        "learning",
        "publicity",
        "legalservice",
        "oversight",
        "indicators",
        "reports",
    }
)


def _token_key(name) -> str:
    return f"{PREFIX}tok:{name}"


def _segments(path: str) -> list[int]:
    return [int(s) for s in path.strip("/").split("/") if s]


def _tokens(names: list) -> list[str]:
    keys = [_token_key(n) for n in names]
    found = cache.get_many(keys)
    out = []
    for key in keys:
        tok = found.get(key)
        if tok is None:
            # never start from a fixed value: an evicted token must not bring back values
            # stored under an earlier one
            cache.add(key, secrets.token_hex(8), timeout=None)
            tok = cache.get(key)
            if tok is None:
                # the cache did not answer in time (a busy writer): a token of this read's
                # own, so that it computes exact values and serves nothing stored before
                tok = "miss-" + secrets.token_hex(8)
        out.append(tok)
    return out


def key_for(unit, year: int, codes) -> str:
    """The exact key of ``codes``' values (None: all) for ``unit`` and ``year`` now."""
    wanted = "*" if codes is None else ",".join(sorted(codes))
    return _key(unit, f"{year}:{wanted}")


def _stamp(unit) -> str:
    """The unit, today's date and a digest of every token its values depend on."""
    segs = _segments(unit.path)
    names: list = [GLOBAL, segs[0]]
    tokens = _tokens(names)
    if len(segs) >= 2:
        tokens += _tokens([segs[1]])
    else:
        tokens += _tokens(_branches(unit, tokens[0]))
    digest = hashlib.sha1("|".join(tokens).encode()).hexdigest()  # noqa: S324 - a cache key
    return f"{unit.pk}:{timezone.localdate().isoformat()}:{digest}"


def _key(unit, what: str, stamp: str | None = None) -> str:
    return f"{PREFIX}v:{stamp or _stamp(unit)}:{_what(what)}"


def _latest_key(unit, what: str) -> str:
    """Where the newest value of ``what`` is kept whatever the tokens (for windows)."""
    return f"{PREFIX}latest:{unit.pk}:{timezone.localdate().isoformat()}:{_what(what)}"


def _what(what: str) -> str:
    if len(what) <= 64:
        return what
    return hashlib.sha1(what.encode()).hexdigest()  # noqa: S324 - a cache key


# ---- the dashboard's window ------------------------------------------------------------


@dataclass
class Window:
    """Values up to ``max_age`` seconds old are good enough; ``as_of`` is the computation
    time (epoch seconds) of the oldest value served although a write has changed its
    tokens since, or None when every value served is exact."""

    max_age: int
    as_of: float | None = None

    def saw(self, computed_at: float) -> None:
        if self.as_of is None or computed_at < self.as_of:
            self.as_of = computed_at


_window: contextvars.ContextVar[Window | None] = contextvars.ContextVar(
    "fazhi_indicator_window", default=None
)


@contextlib.contextmanager
def window(max_age: int):
    """Serve values computed up to ``max_age`` seconds ago even if a write changed their
    tokens since (0: exact values only, as outside any window)."""
    w = Window(max(0, int(max_age or 0)))
    token = _window.set(w)
    try:
        yield w
    finally:
        _window.reset(token)


def _read(unit, whats: list[str], stamp: str) -> tuple[dict[str, object], dict]:
    """The cached values of ``whats`` for ``unit``: exact hits, then (inside a window)
    recent enough values stored under earlier tokens. Second: the older ones a window may
    still serve while another process computes their replacement, ``{what: (computed at,
    value)}``."""
    keys = {what: _key(unit, what, stamp) for what in whats}
    found = cache.get_many(list(keys.values()))
    out: dict[str, object] = {}
    stale: dict[str, tuple[float, object]] = {}
    w = _window.get()
    for what, key in keys.items():
        if key in found:
            # an exact hit: no write since it was computed, so it is true now
            out[what] = found[key][1]
    missing = [what for what in whats if what not in out]
    if missing and w is not None and w.max_age > 0:
        latest = {what: _latest_key(unit, what) for what in missing}
        found = cache.get_many(list(latest.values()))
        now = time.time()
        for what, key in latest.items():
            if key in found:
                computed_at, value = found[key]
                if now - computed_at <= w.max_age:
                    out[what] = value
                    w.saw(computed_at)
                else:
                    stale[what] = found[key]
    return out, stale


def _write(unit, values: dict[str, object], stamp: str) -> None:
    now = time.time()
    entries = {}
    for what, value in values.items():
        entries[_key(unit, what, stamp)] = (now, value)
        entries[_latest_key(unit, what)] = (now, value)
    cache.set_many(entries, timeout=TIMEOUT)


# ---- one computation at a time ----------------------------------------------------------
# A county's values take seconds to compute, and many people ask for them at once (every
# supervisor's dashboard after the same write, every worker after a restart). Without a
# guard each of them computed the same values side by side, which under a working day's
# load kept every worker busy with copies (bench/load.py: docs/BENCH.md). So the first
# reader to miss claims the computation; the others wait for its result, or, inside the
# dashboard's window, are served the newest earlier value at once (the page says how old).

LOCK_TIMEOUT = 60  # a claim outlives a process that died while computing by this long
WAIT_LIMIT = 30.0  # then a waiting reader computes the value itself
POLL = 0.05


def _lock_key(unit, what: str, stamp: str) -> str:
    return f"{PREFIX}busy:{stamp}:{_what(what)}"


def _fill(unit, stamp: str, missing: dict[str, object], stale: dict) -> dict[str, object]:
    """Values for the ``missing`` entries (``{what: compute}``), each computed once across
    processes: claimed and computed here, or taken from the process that claimed it."""
    out: dict[str, object] = {}
    waiting = {}
    for what, compute in missing.items():
        lock = _lock_key(unit, what, stamp)
        if cache.add(lock, 1, timeout=LOCK_TIMEOUT):
            try:
                out[what] = compute()
                _write(unit, {what: out[what]}, stamp)
            finally:
                cache.delete(lock)
        elif what in stale:
            computed_at, out[what] = stale[what]
            _window.get().saw(computed_at)
        else:
            waiting[what] = compute
    deadline = time.monotonic() + WAIT_LIMIT
    while waiting:
        keys = {what: _key(unit, what, stamp) for what in waiting}
        found = cache.get_many(list(keys.values()))
        for what, key in keys.items():
            if key in found:
                out[what] = found[key][1]
                del waiting[what]
        if not waiting:
            break
        locks = cache.get_many([_lock_key(unit, what, stamp) for what in waiting])
        if time.monotonic() > deadline or not locks:
            # the claim expired or was released without a value (the computation failed):
            # compute what is still missing here
            for what, compute in waiting.items():
                out[what] = compute()
                _write(unit, {what: out[what]}, stamp)
            break
        time.sleep(POLL)
    return out


def groups(unit, year: int, names: list[str], compute) -> dict[str, dict]:
    """Each named indicator group's values for ``unit`` and ``year``: from the cache, and
    ``compute(name)`` for the ones it does not hold (stored for the next reader)."""
    stamp = _stamp(unit)
    whats = {f"{year}:g:{name}": name for name in names}
    found, stale = _read(unit, list(whats), stamp)
    missing = {
        what: (lambda name=name: compute(name)) for what, name in whats.items() if what not in found
    }
    if missing:
        found.update(_fill(unit, stamp, missing, stale))
    return {whats[what]: value for what, value in found.items()}


def _branches(county, global_token: str) -> list[int]:
    """The units directly under a county; remembered until the unit tree changes (a unit's
    save replaces the global token)."""
    key = f"{PREFIX}branches:{county.pk}:{global_token}"
    found = cache.get(key)
    if found is None:
        from fazhi.core.models import Unit

        found = list(
            Unit.objects.filter(path__startswith=county.path, depth=1)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        cache.set(key, found, timeout=TIMEOUT)
    return found


def remember(unit, what: str, compute):
    """Any other figure read from ``unit``'s ledgers (the dashboard's monthly series and
    overdue list), cached under the same tokens as the indicators."""
    stamp = _stamp(unit)
    found, stale = _read(unit, [what], stamp)
    if what in found:
        return found[what]
    return _fill(unit, stamp, {what: compute}, stale)[what]


def bump(name) -> None:
    key = _token_key(name)
    cache.set(key, secrets.token_hex(8), timeout=None)
    transaction.on_commit(lambda: cache.set(key, secrets.token_hex(8), timeout=None))


def bump_for_path(path: str) -> None:
    segs = _segments(path)
    bump(segs[1] if len(segs) >= 2 else segs[0])


# ---- signal wiring -------------------------------------------------------------------

_paths: dict[int, str] = {}


def _unit_path(unit_id: int) -> str | None:
    path = _paths.get(unit_id)
    if path is None:
        from fazhi.core.models import Unit

        path = Unit.objects.filter(pk=unit_id).values_list("path", flat=True).first()
        if path:
            _paths[unit_id] = path
    return path


def _unit_id_of(instance) -> int | None:
    unit_id = getattr(instance, "unit_id", None)
    if unit_id is not None:
        return unit_id
    # a child record (a party of a dispute, a member of a committee): its parent's unit
    for f in instance._meta.concrete_fields:
        if f.is_relation and f.many_to_one:
            target = f.related_model
            if any(g.attname == "unit_id" for g in target._meta.concrete_fields):
                parent = getattr(instance, f.name, None)
                if parent is not None:
                    return parent.unit_id
    return None


def _changed(sender, instance, **kwargs) -> None:
    meta = sender._meta
    if meta.app_label not in _APPS or meta.label in _IGNORED:
        return
    if sender.__name__.startswith("Historical"):
        return  # the record itself was saved too
    if meta.label == "core.Unit":
        _paths.clear()
        bump(GLOBAL)
        return
    unit_id = _unit_id_of(instance)
    path = _unit_path(unit_id) if unit_id else None
    if path:
        bump_for_path(path)
    else:
        bump(GLOBAL)


def connect() -> None:
    post_save.connect(_changed, dispatch_uid="fazhi.indicators.cache.save")
    post_delete.connect(_changed, dispatch_uid="fazhi.indicators.cache.delete")
    hooks.data_replaced.connect(_replaced, dispatch_uid="fazhi.indicators.cache.replaced")


def _replaced(sender, **kwargs) -> None:
    clear()


def clear() -> None:
    """Forget every cached value (after a bulk import; after the demo's load and a restore
    through ``core.hooks.data_replaced``)."""
    bump(GLOBAL)
