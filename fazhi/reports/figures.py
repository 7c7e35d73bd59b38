"""Figures in a report's text.

The drafted text never holds a bare number for an indicator: it holds a token
``{{disputes.mediated}}`` that renders as the value from the report's snapshot
("553件"), or from an explicit, recorded override. Every rendered figure therefore
knows its indicator and snapshot (the HTML links them), and a number staff type by hand
next to an indicator's phrase ("调处矛盾纠纷560件") is caught at submission and
publication when it disagrees with the ledgers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from fazhi.indicators import registry
from fazhi.indicators.registry import Indicator, Value

TOKEN = re.compile(r"{{\s*([a-z_]+\.[a-z0-9_]+)\s*}}")
NUMBER = r"(\d+(?:\.\d+)?)"


@dataclass
class Figure:
    code: str
    indicator: Indicator | None
    value: Value | None
    text: str
    overridden: bool = False
    override_reason: str = ""
    ledger_text: str = ""

    @property
    def known(self) -> bool:
        return self.indicator is not None


def values_for(report) -> dict[str, Value]:
    snap = report.snapshot
    if snap is None:
        return {}
    return {c: Value.from_dict(d) for c, d in snap.values.items()}


def figure(code: str, values: dict[str, Value], overrides: dict) -> Figure:
    try:
        ind = registry.get(code)
    except KeyError:
        return Figure(code, None, None, f"【未知指标 {code}】")
    v = values.get(code) or Value.unavailable("尚未取数")
    ledger_text = registry.format_value(ind, v)
    ov = overrides.get(code)
    if ov is not None:
        shown = Value(registry.OK, Decimal(ov.value))
        return Figure(
            code,
            ind,
            shown,
            registry.format_value(ind, shown),
            True,
            ov.reason,
            ledger_text,
        )
    return Figure(code, ind, v, ledger_text, ledger_text=ledger_text)


def split(text: str, values: dict[str, Value], overrides: dict) -> list[str | Figure]:
    """The text cut into plain strings and figures."""
    out: list[str | Figure] = []
    pos = 0
    for m in TOKEN.finditer(text):
        if m.start() > pos:
            out.append(text[pos : m.start()])
        out.append(figure(m.group(1), values, overrides))
        pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
    return out


def plain(text: str, values: dict[str, Value], overrides: dict) -> str:
    return "".join(p if isinstance(p, str) else p.text for p in split(text, values, overrides))


def codes_in(text: str) -> list[str]:
    return [m.group(1) for m in TOKEN.finditer(text)]


def typed_mismatches(text: str, values: dict[str, Value], overrides: dict) -> list[str]:
    """Numbers typed by hand after an indicator's phrase that disagree with the figure.

    "调处矛盾纠纷560件" when the ledgers say 553 → one message naming both numbers.
    """
    problems: list[str] = []
    stripped = TOKEN.sub("〔数据〕", text)
    for ind in registry.all_indicators():
        if not ind.phrase:
            continue
        pattern = re.compile(
            re.escape(ind.phrase) + r"(?:共|为|达到|达|是)?" + NUMBER + re.escape(ind.measure)
        )
        for m in pattern.finditer(stripped):
            try:
                typed = Decimal(m.group(1))
            except InvalidOperation:
                continue
            ov = overrides.get(ind.code)
            if ov is not None:
                expected = Decimal(ov.value)
            else:
                v = values.get(ind.code)
                expected = v.value if v is not None and v.ok else None
            if expected is None or typed != expected:
                ledger = (
                    registry.format_value(ind, values[ind.code])
                    if ind.code in values
                    else "暂无数据"
                )
                problems.append(
                    f"“{m.group(0)}”与台账不一致（台账：{ledger}），"
                    f"请改用数据标记 {{{{{ind.code}}}}}，或登记数据更正说明"
                )
    return problems
