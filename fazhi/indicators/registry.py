"""The indicator registry: named figures computed from the ledgers for a unit's subtree and a year.

Each indicator has a code ``<mechanism>.<name>``, a Chinese name, a unit of measure, a
direction (higher or lower is better), an optional target, and belongs to one *group*:
a function that computes every figure of its group for (unit, year) with a few aggregate
queries and returns ``{code: Value}``. ``compute(unit, year)`` runs each group once, so
the whole registry costs a bounded number of queries whatever the number of records.

A rate whose denominator is zero is ``Value.na()`` (not applicable), never 0 or 100%.
A group whose ledger is not built raises ``IndicatorUnavailable("…台账尚未建立")``.

The registry imports no definition: the definitions register themselves (``@group``,
``indicator(...)``) when ``IndicatorsConfig.ready`` imports them, the core ones in
``definitions`` first, then each app's ``report`` module (an app declares the indicators
its report contribution states there), so the registry is complete before any request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

OK = "ok"
NA = "na"
UNAVAILABLE = "unavailable"

HIGHER = "higher"
LOWER = "lower"


class IndicatorUnavailable(Exception):
    """The ledger an indicator reads is not there (yet)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    measure: str  # 件, %, 万元, 人次 …
    group: str
    direction: str = HIGHER
    target: Decimal | None = None
    kind: str = "count"  # count | rate | amount
    phrase: str = ""  # how the report's text names it: "调处矛盾纠纷" (not given: the name)
    decimals: int = 0

    def __post_init__(self):
        if not self.phrase:
            object.__setattr__(self, "phrase", self.name)

    @property
    def mechanism(self) -> str:
        return self.code.split(".", 1)[0]

    @property
    def is_rate(self) -> bool:
        return self.kind == "rate"


@dataclass
class Value:
    status: str = OK
    value: Decimal | None = None
    numerator: int | None = None
    denominator: int | None = None
    message: str = ""

    @classmethod
    def count(cls, n) -> Value:
        return cls(OK, Decimal(int(n or 0)))

    @classmethod
    def amount(cls, v, decimals: int = 1) -> Value:
        return cls(OK, _round(Decimal(v or 0), decimals))

    @classmethod
    def rate(cls, num, den, decimals: int = 1) -> Value:
        num, den = int(num or 0), int(den or 0)
        if den == 0:
            return cls(NA, None, num, den, "分母为零，不适用")
        return cls(OK, _round(Decimal(num) * 100 / Decimal(den), decimals), num, den)

    @classmethod
    def na(cls, message: str = "不适用") -> Value:
        return cls(NA, None, message=message)

    @classmethod
    def unavailable(cls, message: str) -> Value:
        return cls(UNAVAILABLE, None, message=message)

    @property
    def ok(self) -> bool:
        return self.status == OK

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "value": None if self.value is None else str(self.value),
            "numerator": self.numerator,
            "denominator": self.denominator,
            "message": self.message,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Value:
        v = d.get("value")
        return cls(
            d.get("status", OK),
            None if v in (None, "") else Decimal(str(v)),
            d.get("numerator"),
            d.get("denominator"),
            d.get("message", ""),
        )


def _round(v: Decimal, decimals: int) -> Decimal:
    q = Decimal(1).scaleb(-decimals) if decimals else Decimal(1)
    return v.quantize(q, rounding=ROUND_HALF_UP)


GroupFn = Callable[..., dict]


@dataclass
class Group:
    key: str
    label: str
    fn: GroupFn
    codes: list[str] = field(default_factory=list)
    # the models (``app.Model``) whose records the figures are computed from, besides the
    # unit tree; None: any model (fazhi/indicators/cache.py keeps the values until a
    # record of one of them changes in the unit's scope)
    reads: tuple[str, ...] | None = None


INDICATORS: dict[str, Indicator] = {}
GROUPS: dict[str, Group] = {}


def indicator(ind: Indicator) -> Indicator:
    INDICATORS[ind.code] = ind
    GROUPS[ind.group].codes.append(ind.code)
    return ind


def group(key: str, label: str, *, reads: tuple[str, ...] | None = None):
    """Decorate the function computing a group's figures: ``fn(unit, year) -> {code: Value}``.
    ``reads``: every model it queries (``tests/indicators/test_reads.py`` checks them)."""

    def deco(fn: GroupFn) -> GroupFn:
        from . import cache

        if reads is not None:
            cache.declare_reads(reads)
        codes = GROUPS[key].codes if key in GROUPS else []
        GROUPS[key] = Group(key, label, fn, codes, tuple(reads) if reads is not None else None)
        return fn

    return deco


def all_reads() -> set[str]:
    """Every model some group declares it reads."""
    return {label for g in GROUPS.values() for label in (g.reads or ())}


def all_indicators() -> list[Indicator]:
    return list(INDICATORS.values())


def get(code: str) -> Indicator:
    return INDICATORS[code]


def compute(
    unit, year: int, codes: Iterable[str] | None = None, *, fresh: bool = False
) -> dict[str, Value]:
    """Every indicator (or those named) for ``unit``'s subtree and ``year``.

    Each group's values are served from the cache until a write in the unit's subtree
    (``fazhi.indicators.cache``; inside ``cache.window`` a recent value is good enough);
    ``fresh=True`` always computes (snapshots taken for the record).
    """
    from . import cache

    wanted = set(codes) if codes is not None else set(INDICATORS)
    needed = [g.key for g in GROUPS.values() if any(c in wanted for c in g.codes)]
    if fresh:
        per_group = {key: _group_values(GROUPS[key], unit, year) for key in needed}
    else:
        per_group = cache.groups(
            unit,
            year,
            needed,
            lambda key: _group_values(GROUPS[key], unit, year),
            reads=lambda key: GROUPS[key].reads,
        )
    out: dict[str, Value] = {}
    for key in needed:
        for c, v in per_group[key].items():
            if c in wanted:
                out[c] = v
    return {c: out[c] for c in INDICATORS if c in out}


def _group_values(g: Group, unit, year: int) -> dict[str, Value]:
    """Every code of one group (a code its function left out: "未计算")."""
    try:
        values = g.fn(unit, year)
    except IndicatorUnavailable as exc:
        values = {c: Value.unavailable(exc.message) for c in g.codes}
    return {c: values.get(c) or Value.unavailable("未计算") for c in g.codes}


def year_records(model, unit, year: int, dated: str):
    """``model``'s records in ``unit``'s subtree whose ``dated`` field falls in ``year``."""
    return model.objects.in_subtree(unit).filter(**{f"{dated}__year": year})


def cutoff(year: int) -> dt.date:
    """The day a year's "still open and overdue" is judged on: 31 Dec, or today if earlier."""
    return min(dt.date(year, 12, 31), timezone.localdate())


def meets_target(ind: Indicator, v: Value) -> bool | None:
    """True/False against the target; None when there is no target or no value."""
    if ind.target is None or not v.ok or v.value is None:
        return None
    if ind.direction == LOWER:
        return v.value <= ind.target
    return v.value >= ind.target


def format_value(ind: Indicator, v: Value) -> str:
    """The figure as a report writes it: 553件, 98.5%, 2124.9万元; or why there is none."""
    if v.status == UNAVAILABLE:
        return "暂无数据（台账未建立）"
    if v.status == NA or v.value is None:
        return "不适用"
    return f"{number_text(v.value)}{ind.measure}"


def number_text(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
