"""Review of a 政府信息公开工作年度报告 (条例 arts. 49–50, national fixed format
国办公开办函〔2021〕30号): the second statutory report a government publishes each year.

``review_text`` hands a text here when its title names that report (``is_openness``).
The checks are the format's own: its six sections present and in order; table three's
cross-footing per column (一 + 二 = 三（七） + 四, and （七） the sum of （一）…（六）), read
from the table rows as the reader gives them (a DOCX or HTML row is one line, cells
joined with ``|``; a Markdown row the same); sections 五 and 六 not empty; no
placeholder left; and publication by 31 January of the next year. The result has the
shape of the 法治 report's review (``file, kind, meta, sections, missing, facts,
checks, score, chars``) with ``report_type: "openness"``; ``missing`` numbers the six
sections of this format."""

from __future__ import annotations

import re
from datetime import date

from .checks import _check, check_placeholders, score
from .quality import find_placeholders

TITLE = re.compile(r"政府信息公开(?:工作)?年度报告")
SECTIONS = [
    "总体情况",
    "主动公开政府信息情况",
    "收到和处理政府信息公开申请情况",
    "政府信息公开行政复议、行政诉讼情况",
    "存在的主要问题及改进情况",
    "其他需要报告的事项",
]
NUMERALS = "一二三四五六"
_HEAD = re.compile(r"^[ \t\u3000#]*([一二三四五六])[、.．]\s*(\S[^\n|]{1,40}?)\s*$", re.M)
_CELL_SPLIT = re.compile(r"\s*[|\t]\s*")
_YEAR = re.compile(r"(20\d\d)\s*年(?:度)?[^\n]{0,30}政府信息公开")


def is_openness(text: str) -> bool:
    """The text is an openness annual report: its title (the first three lines that are
    not empty) names it, and not the 法治政府建设 report (which may mention it)."""
    head = "".join([line for line in text[:2000].splitlines() if line.strip()][:3])
    return bool(TITLE.search(head)) and "法治政府建设" not in head


def _sections(text: str) -> list[dict]:
    found = []
    for m in _HEAD.finditer(text):
        n = NUMERALS.index(m.group(1)) + 1
        name = m.group(2)
        if SECTIONS[n - 1][:4] in name or name[:4] in SECTIONS[n - 1]:
            found.append(
                {"number": n, "heading": m.group(0).strip(" \t\u3000#"), "start": m.start()}
            )
    return found


def _rows(text: str) -> dict[str, list[int]]:
    """Table three's rows by their label's start, each row's numbers (columns and total)."""
    rows: dict[str, list[int]] = {}
    for line in text.splitlines():
        if "|" not in line and "\t" not in line:
            continue
        cells = [c for c in _CELL_SPLIT.split(line.strip().strip("|")) if c != ""]
        if len(cells) < 2:
            continue
        label, values = cells[0].strip(), cells[1:]
        if not all(re.fullmatch(r"\d+", v) for v in values):
            continue
        for key in ("一、本年新收", "二、上年结转", "三、本年度办理结果（七）", "四、结转下年度"):
            if label.startswith(key):
                rows[key] = [int(v) for v in values]
        m = re.match(r"三、本年度办理结果（([一二三四五六])）", label)
        if m:
            rows[f"result{m.group(1)}"] = [int(v) for v in values]
    return rows


def check_balance(rows: dict[str, list[int]]) -> dict:
    keys = ("一、本年新收", "二、上年结转", "三、本年度办理结果（七）", "四、结转下年度")
    if not all(k in rows for k in keys):
        absent = [k for k in keys if k not in rows]
        return _check(
            "openness_balance",
            None,
            "未能读出“收到和处理政府信息公开申请情况”表的"
            + "、".join(absent)
            + "行，无法核对勾稽关系",
        )
    a, b, c, d = (rows[k] for k in keys)
    width = min(len(a), len(b), len(c), len(d))
    bad = [i for i in range(width) if a[i] + b[i] != c[i] + d[i]]
    results = [rows[f"result{n}"] for n in "一二三四五六" if f"result{n}" in rows]
    sums = []
    if len(results) == 6:
        sums = [i for i in range(width) if sum(r[i] for r in results if i < len(r)) != c[i]]
    if not bad and not sums:
        return _check(
            "openness_balance", True, "申请情况表勾稽关系成立：第一项加第二项等于第三项加第四项"
        )
    parts = []
    if bad:
        parts.append(f"第{'、'.join(str(i + 1) for i in bad)}列第一项加第二项不等于第三项加第四项")
    if sums:
        parts.append(f"第{'、'.join(str(i + 1) for i in sums)}列办理结果各项之和不等于总计")
    return _check("openness_balance", False, "申请情况表" + "；".join(parts), columns=bad + sums)


def _body(text: str, secs: list[dict], n: int) -> str | None:
    at = [s for s in secs if s["number"] == n]
    if not at:
        return None
    start = at[0]["start"]
    after = [s["start"] for s in secs if s["start"] > start]
    body = text[start : min(after) if after else len(text)]
    return body.split("\n", 1)[1] if "\n" in body else ""


def _meta(text: str) -> dict:
    """The 法治 report's metadata reader (units, dates, index number, title), with the
    year read from this report's title when that reader finds none."""
    from .clean import clean
    from .meta import extract_meta

    meta = extract_meta(clean(text))
    if not meta.get("year"):
        m = _YEAR.search(text[:400])
        meta["year"] = int(m.group(1)) if m else None
    return meta


def _day(value) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def review(text: str, filename: str = "-", *, kind: str = "txt") -> dict:
    secs = _sections(text)
    present = {s["number"] for s in secs}
    missing = [n for n in range(1, 7) if n not in present]
    meta = _meta(text)
    checks = []
    if missing:
        names = "、".join(f"{NUMERALS[n - 1]}、{SECTIONS[n - 1]}" for n in missing)
        checks.append(_check("openness_sections", False, f"缺少法定部分：{names}", missing=missing))
    else:
        checks.append(_check("openness_sections", True, "六个法定部分齐全"))
    order = [s["number"] for s in secs]
    if len(order) >= 2:
        ok = order == sorted(order)
        checks.append(
            _check(
                "openness_order",
                ok,
                "部分顺序正确" if ok else "部分顺序不符：" + "→".join(map(str, order)),
            )
        )
    checks.append(check_balance(_rows(text)))
    for n in (5, 6):
        body = _body(text, secs, n)
        if body is None:
            continue
        # a fill-in note in brackets (（待撰稿人填写）, 【请填写】) is not content
        content = re.sub(r"\s|[（(【\[][^）)】\]]{0,30}填写[^）)】\]]{0,30}[）)】\]]", "", body)
        ok = len(content) >= 4 and content not in ("无", "无。")
        checks.append(
            _check(
                f"openness_section{n}",
                ok,
                f"“{SECTIONS[n - 1]}”有内容" if ok else f"“{SECTIONS[n - 1]}”为空或只写“无”",
            )
        )
    phs = [
        {"start": p["start"], "end": p["end"], "text": p["text"]} for p in find_placeholders(text)
    ]
    checks.append(check_placeholders(phs))
    year, day = meta["year"], _day(meta.get("published")) or _day(meta.get("signed"))
    if year and day:
        due = date(year + 1, 1, 31)
        ok = day <= due
        checks.append(
            _check(
                "openness_deadline",
                ok,
                f"{day}公开，{'在' if ok else '晚于'}法定期限（{due}）{'前' if ok else ''}",
            )
        )
    else:
        checks.append(
            _check("openness_deadline", None, "未能识别年度或公开日期，无法判断是否按期公开")
        )
    return {
        "file": filename,
        "kind": kind,
        "report_type": "openness",
        "meta": meta,
        "sections": [
            {"statutory": s["number"], "heading": s["heading"], "start": s["start"], "part": True}
            for s in secs
        ],
        "missing": missing,
        "facts": [],
        "checks": checks,
        "score": score(checks),
        "chars": len(text),
    }
