"""The tables of the 政府信息公开工作年度报告 (条例 art. 50; national fixed format,
国办公开办函〔2021〕30号) drafted from the records: a service, read by the CLI
(``fazhi openness annual-report``). The report's prose, editing, DOCX and publication
are not built yet (docs/openness.md).

- 二、主动公开政府信息情况: 规章 (a township makes none: 0), 行政规范性文件 issued, repealed
  and in force (the decisions app's register), 行政许可 / 行政处罚 / 行政强制 decisions of
  the year (the enforcement app's cases); 行政事业性收费 is not recorded (None).
- 三、收到和处理政府信息公开申请情况: by applicant column, new in the year, carried over
  from the year before, the year's replies by type and reason, carried into next year.
- 四、政府信息公开行政复议、行政诉讼情况: the reconsiderations and suits linked to the
  requests, by result (维持, 纠正, 其他, 尚未审结) and, for suits, whether after a
  reconsideration."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Q

from .models import (
    REASONS_BY_TYPE,
    ApplicantKind,
    Category,
    Disclosure,
    InformationRequest,
    ReplyReason,
    ReplyType,
)

COLUMNS = [k for k, _ in ApplicantKind.choices]
ORG = [k for k in COLUMNS if k != ApplicantKind.PERSON]


def _row(label: str, counts: Counter) -> dict:
    cells = {k: counts.get(k, 0) for k in COLUMNS}
    return {"label": label, "cells": cells, "total": sum(cells.values())}


def _requests_table(unit, year: int) -> list[dict]:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    qs = InformationRequest.objects.in_subtree(unit)

    def by_kind(q) -> Counter:
        return Counter(qs.filter(q).values_list("applicant_kind", flat=True))

    rows = [
        _row("一、本年新收政府信息公开申请数量", by_kind(Q(received_on__range=(start, end)))),
        _row(
            "二、上年结转政府信息公开申请数量",
            by_kind(
                Q(received_on__lt=start) & (Q(replied_on__isnull=True) | Q(replied_on__gte=start))
            ),
        ),
    ]
    replied = list(
        qs.filter(replied_on__range=(start, end)).values_list(
            "applicant_kind", "reply_type", "reply_reason"
        )
    )
    numerals = "一二三四五六"
    for i, (kind, label) in enumerate(ReplyType.choices):
        of_kind = [(k, r) for k, t, r in replied if t == kind]
        head = f"三、本年度办理结果（{numerals[i]}）{label}"
        if kind == ReplyType.PARTIAL:
            head += "（区分处理的，只计这一情形，不计其他情形）"
        rows.append(_row(head, Counter(k for k, _ in of_kind)))
        for n, reason in enumerate(REASONS_BY_TYPE[kind], start=1):
            rows.append(
                _row(
                    f"　　{n}.{ReplyReason(reason).label}",
                    Counter(k for k, r in of_kind if r == reason),
                )
            )
    rows.append(_row("三、本年度办理结果（七）总计", Counter(k for k, _, _ in replied)))
    rows.append(
        _row(
            "四、结转下年度继续办理",
            by_kind(Q(received_on__lte=end) & (Q(replied_on__isnull=True) | Q(replied_on__gt=end))),
        )
    )
    return rows


def _result(outcome: str) -> str:
    from fazhi.enforcement.models import CORRECTING, Outcome

    if not outcome:
        return "pending"
    if outcome in (Outcome.UPHELD, Outcome.DISMISSED):
        return "upheld"
    if outcome in CORRECTING:
        return "corrected"
    return "other"


def _challenges_table(unit, year: int) -> dict:
    qs = InformationRequest.objects.in_subtree(unit).select_related("reconsideration", "litigation")
    rec, direct, after = Counter(), Counter(), Counter()
    for r in qs.filter(
        Q(reconsideration__received_on__year=year) | Q(litigation__received_on__year=year)
    ):
        if r.reconsideration_id and r.reconsideration.received_on.year == year:
            rec[_result(r.reconsideration.outcome)] += 1
        if r.litigation_id and r.litigation.received_on.year == year:
            (after if r.reconsideration_id else direct)[_result(r.litigation.outcome)] += 1
    keys = ["upheld", "corrected", "other", "pending"]

    def cells(c: Counter) -> dict:
        return {**{k: c.get(k, 0) for k in keys}, "total": sum(c.values())}

    return {
        "reconsideration": cells(rec),
        "litigation_direct": cells(direct),
        "litigation_after": cells(after),
    }


def _proactive_table(unit, year: int) -> list[dict]:
    from fazhi.decisions.models import NormativeDocument
    from fazhi.decisions.models.documents import DocStatus
    from fazhi.enforcement.models import CaseKind, EnforcementCase

    end = dt.date(year, 12, 31)
    docs = NormativeDocument.objects.in_subtree(unit)
    issued = docs.filter(published_on__year=year).count()
    repealed = docs.filter(status=DocStatus.REPEALED, ended_on__year=year).count()
    in_force = (
        docs.filter(published_on__lte=end)
        .exclude(ended_on__lte=end)
        .exclude(valid_until__lt=end)
        .count()
    )
    cases = EnforcementCase.objects.in_subtree(unit).filter(decided_on__year=year)
    decided = Counter(cases.values_list("kind", flat=True))
    return [
        {"item": "规章", "issued": 0, "repealed": 0, "in_force": 0},
        {"item": "行政规范性文件", "issued": issued, "repealed": repealed, "in_force": in_force},
        {"item": "行政许可", "decisions": decided.get(CaseKind.LICENSE, 0)},
        {"item": "行政处罚", "decisions": decided.get(CaseKind.PENALTY, 0)},
        {"item": "行政强制", "decisions": decided.get(CaseKind.COERCION, 0)},
        {"item": "行政事业性收费", "amount": None},
    ]


def annual_tables(unit, year: int) -> dict:
    """Every table of the national format for ``unit``'s subtree and ``year``, and the
    year's items disclosed by category for section 一 (总体情况)."""
    disclosed = Counter(
        Disclosure.objects.in_subtree(unit)
        .filter(published_on__year=year)
        .values_list("category", flat=True)
    )
    return {
        "unit": unit.name,
        "year": year,
        "disclosed": {
            "total": sum(disclosed.values()),
            "by_category": {str(label): disclosed.get(k, 0) for k, label in Category.choices},
        },
        "proactive": _proactive_table(unit, year),
        "requests": _requests_table(unit, year),
        "challenges": _challenges_table(unit, year),
    }


HEADERS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
RESULTS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def markdown(t: dict) -> str:
    """The tables as Markdown, in the format's order and wording."""
    out = [f"# {t['unit']}{t['year']}年政府信息公开工作年度报告（表格）", ""]
    out += ["## 一、总体情况", "", f"全年主动公开政府信息{t['disclosed']['total']}条。", ""]
    for label, n in t["disclosed"]["by_category"].items():
        if n:
            out.append(f"- {label}：{n}条")
    out += ["", "## 二、主动公开政府信息情况", ""]
    out += ["| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |", "|---|---|---|---|"]
    for r in t["proactive"][:2]:
        out.append(f"| {r['item']} | {r['issued']} | {r['repealed']} | {r['in_force']} |")
    out += ["", "| 信息内容 | 本年处理决定数量 |", "|---|---|"]
    for r in t["proactive"][2:5]:
        out.append(f"| {r['item']} | {r['decisions']} |")
    out += [
        "",
        "| 信息内容 | 本年收费金额（单位：万元） |",
        "|---|---|",
        "| 行政事业性收费 | 未登记 |",
    ]
    out += ["", "## 三、收到和处理政府信息公开申请情况", ""]
    out += [
        "| （本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | "
        + " | ".join(HEADERS)
        + " |"
    ]
    out.append("|---" * (len(HEADERS) + 1) + "|")
    for r in t["requests"]:
        cells = [str(r["cells"][k]) for k in COLUMNS] + [str(r["total"])]
        out.append(f"| {r['label']} | " + " | ".join(cells) + " |")
    c = t["challenges"]
    out += ["", "## 四、政府信息公开行政复议、行政诉讼情况", ""]
    out += [
        "| 行政复议 | | | | | 行政诉讼（未经复议直接起诉） | | | | | 行政诉讼（复议后起诉） | | | | |"
    ]
    out.append("|---" * 15 + "|")
    out.append("| " + " | ".join(RESULTS * 3) + " |")
    keys = ["upheld", "corrected", "other", "pending", "total"]
    vals = [
        str(c[g][k])
        for g in ("reconsideration", "litigation_direct", "litigation_after")
        for k in keys
    ]
    out.append("| " + " | ".join(vals) + " |")
    return "\n".join(out) + "\n"
