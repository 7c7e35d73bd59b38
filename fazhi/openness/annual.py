"""The tables of the 政府信息公开工作年度报告 (条例 art. 50; national fixed format,
国办公开办函〔2021〕30号) drafted from the records: a service, kept with the report
(``models.OpennessReport``) and printed by the CLI (``fazhi openness annual-report``);
``draft_sections`` writes the prose of sections 一 and 五 from the same records, and
``balance`` checks the format's cross-footing (一 + 二 = 三（七） + 四) before publication.

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


# --------------------------------------------------------------------------- the prose


def _list(parts: list[str]) -> str:
    return "、".join(parts)


def _counted(pairs, unit: str, limit: int = 4) -> str:
    """ "社会救助12条、政策文件9条和行政处罚8条等" from (label, n) pairs, largest first."""
    pairs = sorted(((label, n) for label, n in pairs if n), key=lambda x: -x[1])
    shown = [f"{label}{n}{unit}" for label, n in pairs[:limit]]
    if not shown:
        return ""
    text = shown[0] if len(shown) == 1 else "、".join(shown[:-1]) + "和" + shown[-1]
    return text + ("等" if len(pairs) > limit else "")


def _find(t: dict, prefix: str) -> dict | None:
    return next((r for r in t["requests"] if r["label"].startswith(prefix)), None)


def _overview(unit, year: int, t: dict) -> str:
    from fazhi.reports.voice import for_unit

    from .models import DisclosureChannel, InformationRequest

    whole = for_unit(unit).whole
    paras = []
    d = t["disclosed"]
    if d["total"]:
        cats = _counted(d["by_category"].items(), "条")
        channels = Counter(
            Disclosure.objects.in_subtree(unit)
            .filter(published_on__year=year)
            .values_list("channel", flat=True)
        )
        ch = _counted(((DisclosureChannel(k).label, n) for k, n in channels.items()), "条", 3)
        text = f"（一）主动公开。{year}年{whole}主动公开政府信息{d['total']}条，其中{cats}。"
        if ch:
            text += f"按发布渠道，{ch}。"
        docs = t["proactive"][1]
        extra = []
        if docs["issued"]:
            extra.append(f"制发行政规范性文件{docs['issued']}件")
        decided = _counted(
            ((f"{r['item']}决定", r["decisions"]) for r in t["proactive"][2:5]), "件"
        )
        if decided:
            extra.append(f"作出{decided}")
        if extra:
            text += "本年" + "，".join(extra) + "。"
        paras.append(text)
    else:
        paras.append(f"（一）主动公开。{year}年台账中未登记主动公开的政府信息。")

    new, carried = _find(t, "一、"), _find(t, "二、")
    total, forward = _find(t, "三、本年度办理结果（七）"), _find(t, "四、")
    received = new["total"] if new else 0
    if received or (carried and carried["total"]):
        persons = new["cells"].get(ApplicantKind.PERSON, 0) if new else 0
        orgs = received - persons
        who = []
        if persons:
            who.append(f"自然人申请{persons}件")
        if orgs:
            who.append(f"法人或其他组织申请{orgs}件")
        text = f"（二）依申请公开。全年新收政府信息公开申请{received}件"
        text += f"（{_list(who)}）" if who else ""
        if carried and carried["total"]:
            text += f"，上年结转{carried['total']}件"
        text += f"；本年度办结{total['total'] if total else 0}件"
        outcomes = []
        for kind, label in ReplyType.choices:
            row = _find(t, f"三、本年度办理结果（{'一二三四五六'[ReplyType.values.index(kind)]}）")
            if row and row["total"]:
                outcomes.append((str(label), row["total"]))
        made = _counted(outcomes, "件", 6)
        if made:
            text += f"，其中{made}"
        text += "。"
        qs = InformationRequest.objects.in_subtree(unit)
        year_qs = qs.filter(received_on__year=year)
        corrected = year_qs.filter(correction_on__isnull=False).count()
        extended = year_qs.filter(extension_days__isnull=False).count()
        steps = []
        if corrected:
            steps.append(f"一次性告知补正{corrected}件")
        if extended:
            steps.append(f"经批准延期答复{extended}件")
        if steps:
            text += "办理中" + "，".join(steps) + "。"
        replied = qs.filter(replied_on__year=year)
        late = replied.filter(replied_on_time=False).count()
        if replied.exists():
            text += "均在法定期限内答复。" if not late else f"有{late}件未在法定期限内答复。"
        if forward and forward["total"]:
            text += f"结转下年度继续办理{forward['total']}件。"
        paras.append(text)
    else:
        paras.append(f"（二）依申请公开。{year}年未收到政府信息公开申请。")

    c = t["challenges"]
    rec = c["reconsideration"]["total"]
    lit = c["litigation_direct"]["total"] + c["litigation_after"]["total"]
    if rec or lit:
        parts = []
        if rec:
            parts.append(f"被申请行政复议{rec}件")
        if lit:
            parts.append(f"被提起行政诉讼{lit}件")
        results = [
            (label, sum(c[g][k] for g in c))
            for k, label in (
                ("upheld", "结果维持"),
                ("corrected", "结果纠正"),
                ("other", "其他结果"),
                ("pending", "尚未审结"),
            )
        ]
        text = f"（三）监督保障。全年因政府信息公开{_list(parts)}"
        text += "，" + "、".join(f"{label}{n}件" for label, n in results if n) + "。"
        paras.append(text)
    else:
        paras.append("（三）监督保障。全年未发生因政府信息公开引起的行政复议、行政诉讼。")
    return "\n".join(paras)


def _problems(unit, year: int, t: dict) -> str:
    from .models import InformationRequest

    qs = InformationRequest.objects.in_subtree(unit)
    late = qs.filter(replied_on__year=year, replied_on_time=False).count()
    end = dt.date(year, 12, 31)
    overdue = (
        qs.filter(received_on__lte=end, reply_due__lt=end, replied_on__isnull=True)
        .exclude(status="correction")
        .count()
    )
    c = t["challenges"]
    corrected = sum(c[g]["corrected"] for g in c)
    found = []
    if late:
        found.append(f"{late}件申请未在法定期限内答复")
    if overdue:
        found.append(f"截至年底{overdue}件申请超过答复期限仍未答复")
    if corrected:
        found.append(f"{corrected}件答复在行政复议或行政诉讼中被纠正")
    if not found:
        return ""
    return (
        "依申请公开办理还有不足，" + "，".join(found) + "。下一步，将严格执行答复期限，"
        "加强对申请办理的跟踪督办和答复文书的审核。"
    )


def draft_sections(unit, year: int, tables: dict) -> dict[str, str]:
    """Sections 一 (总体情况) and 五 (问题和改进) from the records; 六 is left to the writer
    (the fees charged are not recorded), as is 五 when the records show no problem."""
    return {
        "overview": _overview(unit, year, tables),
        "problems": _problems(unit, year, tables),
        "other": "",
    }


def balance(tables: dict) -> list[str]:
    """The format's cross-footing per column: 一 + 二 = 三（七） + 四, and 三（七） the sum of
    三（一）…（六）. Each failure as a sentence (empty when the table holds)."""
    rows = tables.get("requests") or []
    if not rows:
        return ["缺少“收到和处理政府信息公开申请情况”表"]
    first, second = _find(tables, "一、"), _find(tables, "二、")
    total, fourth = _find(tables, "三、本年度办理结果（七）"), _find(tables, "四、")
    heads = [r for r in rows if r["label"].startswith("三、本年度办理结果（") and r is not total]
    errors = []
    names = dict(zip(COLUMNS + ["total"], HEADERS, strict=True))
    for k in COLUMNS + ["total"]:

        def v(r, k=k):
            return (r["total"] if k == "total" else r["cells"].get(k, 0)) if r else 0

        if v(first) + v(second) != v(total) + v(fourth):
            errors.append(f"“{names[k]}”列：第一项加第二项不等于第三项加第四项")
        if sum(v(r) for r in heads) != v(total):
            errors.append(f"“{names[k]}”列：办理结果各项之和不等于总计")
    return errors
