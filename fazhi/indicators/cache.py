"""Indicator values cached until a write can change them.

Computing a county-year reads every ledger of the county (hundreds of thousands of rows at
county scale), and the home page's dashboard asks for five years and twenty townships. So
``registry.compute`` keeps its results in Django's cache under *data tokens*:

* every township-level unit (a *branch*: the units directly under a county) and every
  county has a token per model (``disputes.HotlineAppeal``) and one for any model
  (``*``); a saved or deleted ledger record replaces its model's token and the ``*``
  token of its branch and of its county (a record of the county itself: the county's
  only); a change to the unit tree or to a record without a unit replaces the global
  token;
* a group of indicators declares the models it reads (``registry.group(…, reads=…)``;
  ``tests/indicators/test_reads.py`` checks every table a group queries against its
  declaration); its value for a unit is stored under the global token, the tokens of
  those models for the unit's branch (a county: the county's), and today's date (figures
  such as "overdue" and pro-rata pace move with the calendar). A group that declares
  nothing, and every other figure (``remember``), reads the ``*`` tokens.

A write therefore makes unreachable exactly the values it can change: a clerk registering
a hotline appeal in 东风镇 invalidates 东风镇's and the county's hotline figures, not
their grid or learning figures, and nothing of 清河乡. The token is replaced
when the write happens and again when its transaction commits, so a reader that computed
from the pre-commit state cannot leave a stale value under the new token. Tokens are
random, never counters, so no increment can be lost between processes.

Values are kept per indicator *group* (one entry for a unit, a year and a group), so a
page asking for a few codes and a page asking for all of them share what was computed, and
each entry carries the time it was computed.

**The dashboard's window.** A county's dashboard reads every ledger of the county, and in
a working day some record of the county is saved every few seconds, so exact values would
be computed again for almost every view. Inside ``with cache.window(seconds)`` (the home
page's dashboard, ``FAZHI_DASHBOARD_MAX_AGE``, default 60 s) a value computed less than
that long ago is served as it is, without reading its tokens (whether a write changed them
since or not); the page shows the time of its oldest value. An older value is served if
its tokens have not changed, else computed again. Everything else (the indicators page and API, reports, snapshots,
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
from django.db.models.signals import m2m_changed, post_delete, post_save
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
        "openness",
        "honours",
        "corrections",
        "indicators",
        "reports",
    }
)  # every app whose models a group reads (tests/indicators/test_reads.py)


ANY = "*"


def _token_key(name) -> str:
    return f"{PREFIX}tok:{name}"


def _segments(path: str) -> list[int]:
    return [int(s) for s in path.strip("/").split("/") if s]


def _tokens(names: list) -> dict:
    """The current token of each name (a new random one where there is none yet)."""
    keys = {n: _token_key(n) for n in names}
    found = cache.get_many(list(keys.values()))
    out = {}
    for name, key in keys.items():
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
        out[name] = tok
    return out


def _names(unit, reads) -> list[str]:
    """The tokens a unit's values of ``reads`` depend on. A county's: its own, which every
    write in the county replaces. A township's (and a village's): its branch's, and the
    county's *own* records' (a legal adviser of the county serves the townships)."""
    segs = _segments(unit.path)
    labels = reads or (ANY,)
    if len(segs) >= 2:
        scopes = (str(segs[1]), f"{segs[0]}:own")
    else:
        scopes = (str(segs[0]),)
    return [GLOBAL, *(f"{scope}:{label}" for scope in scopes for label in labels)]


def _stamps(unit, reads_by_what: dict) -> dict[str, str]:
    """``{what: stamp}``: the unit, today's date and a digest of the tokens each value
    depends on (``reads_by_what[what]``: model labels, or None for any model)."""
    names = {what: _names(unit, reads) for what, reads in reads_by_what.items()}
    tokens = _tokens(sorted({n for ns in names.values() for n in ns}))
    head = f"{unit.pk}:{timezone.localdate().isoformat()}"
    out = {}
    for what, ns in names.items():
        digest = hashlib.sha1("|".join(tokens[n] for n in ns).encode()).hexdigest()  # noqa: S324
        out[what] = f"{head}:{digest}"
    return out


def key_for(unit, year: int, codes) -> str:
    """The exact key of ``codes``' values (None: all) for ``unit`` and ``year`` now, as a
    value read from any model is stored."""
    wanted = "*" if codes is None else ",".join(sorted(codes))
    return _key(unit, f"{year}:{wanted}")


def _stamp(unit) -> str:
    return _stamps(unit, {"": None})[""]


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


def _read(unit, stamps: dict[str, str]) -> tuple[dict[str, object], dict]:
    """The cached values of the ``whats`` (``{what: stamp}``) for ``unit``: exact hits,
    then (inside a window) recent enough values stored under earlier tokens. Second: the
    older ones a window may still serve while another process computes their replacement,
    ``{what: (computed at, value)}``."""
    keys = {what: _key(unit, what, stamp) for what, stamp in stamps.items()}
    found = cache.get_many(list(keys.values()))
    out: dict[str, object] = {}
    stale: dict[str, tuple[float, object]] = {}
    w = _window.get()
    for what, key in keys.items():
        if key in found:
            # an exact hit: no write since it was computed, so it is true now
            out[what] = found[key][1]
    missing = [what for what in stamps if what not in out]
    if missing and w is not None and w.max_age > 0:
        recent, stale = _latest(unit, missing, w)
        out.update(recent)
    return out, stale


def _write(unit, what: str, value, stamp: str) -> None:
    entry = (time.time(), value)
    cache.set_many(
        {_key(unit, what, stamp): entry, _latest_key(unit, what): entry}, timeout=TIMEOUT
    )


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


def _fill(unit, missing: dict[str, tuple], stale: dict) -> dict[str, object]:
    """Values for the ``missing`` entries (``{what: (stamp, compute)}``), each computed
    once across processes: claimed and computed here, or taken from the process that
    claimed it."""
    out: dict[str, object] = {}
    waiting = {}
    for what, (stamp, compute) in missing.items():
        lock = _lock_key(unit, what, stamp)
        if cache.add(lock, 1, timeout=LOCK_TIMEOUT):
            try:
                out[what] = compute()
                _write(unit, what, out[what], stamp)
            finally:
                cache.delete(lock)
        elif what in stale:
            computed_at, out[what] = stale[what]
            _window.get().saw(computed_at)
        else:
            waiting[what] = (stamp, compute)
    deadline = time.monotonic() + WAIT_LIMIT
    while waiting:
        keys = {what: _key(unit, what, stamp) for what, (stamp, _c) in waiting.items()}
        found = cache.get_many(list(keys.values()))
        for what, key in keys.items():
            if key in found:
                out[what] = found[key][1]
                del waiting[what]
        if not waiting:
            break
        locks = cache.get_many(
            [_lock_key(unit, what, stamp) for what, (stamp, _c) in waiting.items()]
        )
        if time.monotonic() > deadline or not locks:
            # the claim expired or was released without a value (the computation failed):
            # compute what is still missing here
            for what, (stamp, compute) in waiting.items():
                out[what] = compute()
                _write(unit, what, out[what], stamp)
            break
        time.sleep(POLL)
    return out


def _latest(unit, whats, w: Window) -> tuple[dict[str, object], dict]:
    """The newest values of ``whats`` whatever their tokens: those computed less than the
    window's age ago (``w`` notes their time), and the older ones ``{what: (computed at,
    value)}``."""
    latest = {what: _latest_key(unit, what) for what in whats}
    found = cache.get_many(list(latest.values()))
    now = time.time()
    recent, older = {}, {}
    for what, key in latest.items():
        if key in found:
            computed_at, value = found[key]
            if now - computed_at <= w.max_age:
                recent[what] = value
                w.saw(computed_at)
            else:
                older[what] = found[key]
    return recent, older


def _recent(unit, whats) -> dict[str, object]:
    """Inside a window: the values of ``whats`` computed less than its age ago, read
    without the tokens (whatever a write has changed since, the window may serve them).
    A county's dashboard asks for 20 townships' groups; reading their tokens first was a
    thousand cache reads a view."""
    w = _window.get()
    if w is None or w.max_age <= 0 or not whats:
        return {}
    return _latest(unit, whats, w)[0]


def _confirmed(unit, exact: dict[str, object]) -> None:
    """Inside a window: exact hits (true now, whenever computed) become the recent values,
    so that the next views in the window read them without the tokens."""
    w = _window.get()
    if w is None or w.max_age <= 0 or not exact:
        return
    now = time.time()
    cache.set_many(
        {_latest_key(unit, what): (now, value) for what, value in exact.items()}, timeout=TIMEOUT
    )


def groups(unit, year: int, names: list[str], compute, reads=None) -> dict[str, dict]:
    """Each named indicator group's values for ``unit`` and ``year``: from the cache, and
    ``compute(name)`` for the ones it does not hold (stored for the next reader).
    ``reads(name)``: the model labels the group reads (None: any model)."""
    whats = {f"{year}:g:{name}": name for name in names}
    recent = _recent(unit, list(whats))
    if len(recent) == len(whats):
        return {whats[what]: value for what, value in recent.items()}
    stamps = _stamps(
        unit, {w: (reads(n) if reads else None) for w, n in whats.items() if w not in recent}
    )
    found, stale = _read(unit, stamps)
    _confirmed(unit, found)
    found.update(recent)
    missing = {
        what: (stamps[what], (lambda name=name: compute(name)))
        for what, name in whats.items()
        if what not in found
    }
    if missing:
        found.update(_fill(unit, missing, stale))
    return {whats[what]: value for what, value in found.items()}


def remember(unit, what: str, compute):
    """Any other figure read from ``unit``'s ledgers (the dashboard's monthly series and
    overdue list), cached under the ``*`` tokens (any write in its scope changes it)."""
    recent = _recent(unit, [what])
    if what in recent:
        return recent[what]
    stamp = _stamp(unit)
    found, stale = _read(unit, {what: stamp})
    if what in found:
        _confirmed(unit, found)
        return found[what]
    return _fill(unit, {what: (stamp, compute)}, stale)[what]


# every model some indicator group reads (``registry.group`` declares them here)
_DECLARED: set[str] = set()


def declare_reads(labels) -> None:
    _DECLARED.update(labels)


def bump(name) -> None:
    key = _token_key(name)
    cache.set(key, secrets.token_hex(8), timeout=None)
    transaction.on_commit(lambda: cache.set(key, secrets.token_hex(8), timeout=None))


def bump_for_path(path: str, label: str | None = None) -> None:
    """A record of model ``label`` (None: of some model) under ``path`` changed: the
    tokens of that model and of any model of its branch and its county (a record of the
    county itself: the county's and the county's own)."""
    segs = _segments(path)
    if label is None:
        labels = (*sorted(_DECLARED), ANY)
    else:
        labels = (label, ANY)
    scopes = [str(segs[0])] + ([str(segs[1])] if len(segs) >= 2 else [f"{segs[0]}:own"])
    for scope in scopes:
        for lab in labels:
            bump(f"{scope}:{lab}")


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
    if meta.label == "core.Unit" or _reaches_other_units(sender):
        _paths.clear()
        bump(GLOBAL)
        return
    unit_id = _unit_id_of(instance)
    path = _unit_path(unit_id) if unit_id else None
    if path:
        bump_for_path(path, meta.label)
    else:
        bump(GLOBAL)


_reaches: dict[type, bool] = {}


def _reaches_other_units(model) -> bool:
    """True for a model linked to units besides its own (a legal adviser and the villages
    it serves, which may lie in another township): its records change other branches'
    figures, so a write replaces the global token."""
    if model not in _reaches:
        from fazhi.core.models import Unit

        _reaches[model] = any(f.related_model is Unit for f in model._meta.many_to_many)
    return _reaches[model]


def _m2m_changed(sender, instance, action, model=None, pk_set=None, **kwargs) -> None:
    """A many-to-many change (the villages an adviser serves, the petitions a reception
    took) saves no record: it changes the model that declares the field (a group reading
    the link declares that model), in the units of the records on both sides."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    owner = sender._meta.auto_created or sender
    if owner._meta.app_label not in _APPS:
        return
    if pk_set is None or _reaches_other_units(owner):
        bump(GLOBAL)  # a clear names no records; links to units reach other branches
        return
    _changed(owner, instance)
    for other in model.objects.filter(pk__in=pk_set):
        _changed(owner, other)


def connect() -> None:
    post_save.connect(_changed, dispatch_uid="fazhi.indicators.cache.save")
    post_delete.connect(_changed, dispatch_uid="fazhi.indicators.cache.delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="fazhi.indicators.cache.m2m")
    hooks.data_replaced.connect(_replaced, dispatch_uid="fazhi.indicators.cache.replaced")


def _replaced(sender, **kwargs) -> None:
    clear()


def clear() -> None:
    """Forget every cached value (after a bulk import; after the demo's load and a restore
    through ``core.hooks.data_replaced``)."""
    bump(GLOBAL)
