"""What stops an annual report going forward: the checks its procedure's guards run.

Read-only: figures that disagree with the ledgers, causes not written, figures carried from
last year's report not yet checked, ledger values changed since the snapshot. The pages,
the API and the CLI show the same lists (``services`` hands them on).
"""

from __future__ import annotations

import re

from fazhi.indicators import registry

from . import figures
from .models import AnnualReport, ReportSection


def overrides_of(report: AnnualReport) -> dict:
    return {o.code: o for o in report.overrides.all()}


def blocking_problems(report: AnnualReport) -> list[str]:
    """Why the report may not go forward: figures that disagree, causes not written …"""
    problems: list[str] = []
    values = figures.values_for(report)
    overrides = overrides_of(report)
    for section in report.sections.all():
        if section.number and not section.text.strip():
            problems.append(f"“{section.heading}”尚无内容")
        for code in figures.codes_in(section.text):
            v = values.get(code)
            if code in overrides:
                continue
            if v is None or v.status == registry.UNAVAILABLE:
                problems.append(f"数据“{code}”暂无台账数据，请删除该数据或登记数据更正说明")
        problems.extend(figures.typed_mismatches(section.text, values, overrides))
        problems.extend(_pending_problems(section))
    missing = [s for s in report.shortfalls.all() if not s.cause.strip()]
    if missing:
        problems.append(f"第二部分有 {len(missing)} 项不足尚未填写原因")
    return list(dict.fromkeys(problems))


PENDING_MARK = re.compile(r"〔待核：([^〔〕\n]*)〕")


def _pending_problems(section: ReportSection) -> list[str]:
    """Figures carried from last year's report that no indicator holds (``previous``):
    marked 〔待核：…〕 until the writer states this year's figure or deletes them."""
    found = PENDING_MARK.findall(section.text)
    if not found:
        return []
    head = section.heading.split("、", 1)[0] if "、" in section.heading else str(section.number)
    where = f"第{head}部分" if section.number else "开头语"
    examples = "、".join(f"“{x}”" for x in found[:3])
    return [
        f"{where}有 {len(found)} 处上年数据待核实（{examples}{'等' if len(found) > 3 else ''}），"
        "请改为本年数据或数据标记，或删除〔待核：〕标记"
    ]


def ledger_changes(report: AnnualReport) -> list[str]:
    """Figures used in the text whose ledger value changed since the report's snapshot."""
    values = figures.values_for(report)
    overrides = overrides_of(report)
    used = {c for s in report.sections.all() for c in figures.codes_in(s.text)} - set(overrides)
    if not used:
        return []
    live = registry.compute(report.unit, report.year, used)
    out = []
    for code in sorted(used):
        old, new = values.get(code), live.get(code)
        if old is None or new is None:
            continue
        if (old.status, old.value) != (new.status, new.value):
            ind = registry.get(code)
            out.append(
                f"台账数据已变化：{ind.name}由{registry.format_value(ind, old)}"
                f"变为{registry.format_value(ind, new)}，请退回重新生成，或登记数据更正说明"
            )
    return out
