"""Start this year's report from last year's: import it, map its figures, adapt, apply.

A writer imports last year's published report (DOCX, text or HTML; fazhi's own or one
written by hand). The review engine reads it (in the sandbox, as every upload is read):
its text is cut by statutory section (the part before section one is the preamble,
number 0) and every figure it finds is kept with its place. Each figure is mapped to an
indicator where the text just before it names one (the indicator's ``phrase`` or
``name``, or an alias kept here) and its measure agrees (件, %, 人次, 场, 万元 …).

``adapt`` then writes this year's draft in last year's structure and wording: a mapped
figure becomes its token ``{{code}}`` (rendered as this year's value, linked to the
indicator like every drafted figure); a figure no indicator holds is wrapped
``〔待核：256件〕`` for the writer to fill (a draft with one cannot go to approval:
``services.blocking_problems``); targets (“确保……达到100%”) stay as written; last year's
year numbers move on by one (2025年 → 2026年, and 2026年度 → 2027年度 in the plans), a
full date (2025年6月) moved on as well but marked 〔待核：…〕 because last year's event is
not this year's; titles in 《》 are left alone. ``apply_previous`` writes the adapted text
into the report's sections as edited text (a regenerate from the ledgers keeps it; the
generated ledger draft stays in ``generated``).

The page, the API and the CLI call these functions; nothing here knows a surface.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.db import transaction

from fazhi.core import audit, scoping
from fazhi.core.errors import DomainError, InvalidInput
from fazhi.core.roles import Perm
from fazhi.indicators import registry

from . import figures
from .models import AnnualReport, PreviousReport
from .services import MAX_SECTION_CHARS, PENDING_MARK, PREAMBLE, REFUSED, _bump, _editable

# --------------------------------------------------------------------------- words
#: The mark an unmapped figure (or a moved date) carries until the writer fills it.
PENDING = PENDING_MARK
PENDING_OPEN, PENDING_CLOSE = "〔待核：", "〕"

MAPPED, UNMAPPED, TARGET = "mapped", "unmapped", "target"


class NoPrevious(DomainError):
    status = 404
    code = "no_previous"


#: Other ways a report names an indicator's figure (the indicator's own phrase and name
#: are always tried). Keys are indicator codes; a code the registry does not hold is
#: skipped, so the list may name indicators other apps add.
ALIASES: dict[str, tuple[str, ...]] = {
    "disputes.mediated": (
        "调处矛盾纠纷", "调解矛盾纠纷", "化解矛盾纠纷", "调处各类矛盾纠纷", "调解各类矛盾纠纷",
        "化解各类矛盾纠纷", "排查调处矛盾纠纷", "受理矛盾纠纷", "调处纠纷", "调解纠纷",
    ),
    "disputes.succeeded": ("调解成功", "成功调解", "调处成功", "化解成功", "成功化解"),
    "disputes.success_rate": ("调解成功率", "调处成功率", "化解成功率", "成功率"),
    "disputes.amount_yuan": ("涉及金额", "涉及标的金额", "涉及标的额", "涉及资金"),
    "disputes.resolved_in_village_rate": ("村级化解率", "就地化解率", "村级调处率"),
    "petitions.received": (
        "受理信访件", "受理信访", "受理信访事项", "办理信访件", "办理信访事项",
        "受理群众来信来访", "接待群众来访", "信访件",
    ),
    "petitions.replied_on_time_rate": ("按期答复率", "按时答复率", "及时答复率", "信访按期答复率"),
    "petitions.satisfaction_rate": ("信访满意率", "信访事项满意率", "信访群众满意率"),
    "petitions.backlog_resolved": ("化解信访积案", "化解积案", "化解信访老案", "信访积案"),
    "hotline.received": (
        "受理热线诉求", "热线诉求", "受理12345热线", "12345热线", "热线工单", "受理热线",
    ),
    "hotline.completion_rate": ("热线诉求办结率", "热线办结率", "办结率"),
    "hotline.satisfaction_rate": ("热线满意率", "热线诉求满意率"),
    "decisions.legality_review_coverage": (
        "合法性审查率", "合法性审查覆盖率", "重大行政决策合法性审查率",
    ),
    "documents.filed_on_time_rate": ("按时备案率", "备案率", "报备率", "按时报备率"),
    "reviews.conducted": ("开展合法性审查", "合法性审查"),
    "reviews.findings": ("发现问题", "提出审查意见", "提出修改意见"),
    "enforcement.published_on_time_rate": ("按时公示率", "公示率", "执法决定公示率"),
    "litigation.lost_rate": ("败诉率", "行政诉讼败诉率"),
    "learning.sessions": (
        "组织学法", "集体学法", "集中学法", "领导班子学法", "开展学法", "会前学法",
    ),
    "learning.cadres_40h_rate": ("学法时长达标率", "学法达标率", "学时达标率"),
    "learning.exam_participation_rate": ("参考率", "学法考试参考率", "考试参考率"),
    "publicity.events": (
        "开展普法宣传活动", "普法宣传活动", "开展普法活动", "普法活动", "法治宣传活动",
        "开展法治宣传活动", "开展宣传活动", "宣传活动",
    ),
    "publicity.audience": ("受众", "受教育群众", "受教育", "覆盖群众", "惠及群众"),
    "advisers.village_coverage": ("法律顾问覆盖率", "覆盖率"),
    "advisers.consultations": ("提供法律咨询", "解答法律咨询", "法律咨询", "接受法律咨询"),
    "rectification.closed_rate": ("整改完成率", "整改率", "问题整改率", "整改销号率"),
}  # fmt: skip

#: Measures a report writes for the same quantity as an indicator's measure.
SAME_MEASURE = {"起": "件", "宗": "件", "件次": "件", "场次": "场"}

_CLAUSE_BREAK = "，。；：！？\n,;:!?、（）()"
#: What may stand between an indicator's words and its figure (“调解成功率达到96.1%”).
_FILLER = re.compile(r"(?:共计|总计|合计|累计|共|达到|达|为|是|计|有)*")
#: What may open a clause before a short key (“，其中受众…”).
_LEAD = re.compile(r"(?:全年|年内|其中|同时|并且|并|且|共|累计|全镇|全乡|全街道|全区|和|及)*")
_SHORT_KEY = 3  # a key this short must open its clause (“办结率” is not “按期办结率”)
#: A figure after these words is a target or a requirement, not last year's result.
_TARGET_BEFORE = re.compile(
    r"确保|力争|争取|目标|要求|未达到|未达|低于|高于|保持在|控制在|不低于|不少于|不超过"
)
_TARGET_AFTER = ("的目标", "目标", "的要求", "的标准")
_TARGET_QUALIFIERS = {"不少于", "不低于"}
#: Approximate qualifiers dropped with last year's figure (this year's value is exact).
_APPROX = {"近", "约", "逾", "超过", "累计超过", "不少于", "不低于", "将近", "大约", "多达"}
#: A figure followed by these describes something else (“50万元以上纠纷3起”).
_QUALIFIES_AFTER = ("的", "纠纷", "案件", "问题", "矛盾", "事件", "以上的")

_YEAR = re.compile(
    r"(?<![\d〔\[［—–\-~～至])((?:19|20)\d\d)(\s*年)(度)?(\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?"
)
_CN_DIGITS = "〇一二三四五六七八九"
_CN_YEAR = re.compile(r"([二][〇零○][〇零○一二三四五六七八九]{2})(年)(度)?")
_TITLES = re.compile(r"《[^《》\n]*》")


# --------------------------------------------------------------------------- reading
def _review(data: bytes, name: str) -> dict:
    """The review engine on the file, run in the sandbox child (no database here)."""
    from fazhi.review.engine import review_bytes
    from fazhi.review.engine.reader import ReviewInputError

    try:
        return review_bytes(
            data,
            name,
            options={"include_text": True, "boilerplate": False, "paragraphs": False},
        )
    except ReviewInputError as exc:  # crosses the process boundary as a DomainError
        raise InvalidInput(exc.message, code=exc.code)


def _chinese(message: str) -> str:
    """The engine's messages are “中文 / English”: the Chinese half for the writer."""
    return (message or "").split(" / ", 1)[0].strip() or "文件无法解析"


def read(data: bytes, name: str) -> dict:
    """The engine's result for an uploaded file (sandboxed); InvalidInput on a bad file."""
    from fazhi.core.sandbox import run_limited
    from fazhi.review.engine.reader import DEFAULT_MAX_BYTES

    if not data:
        raise InvalidInput("文件为空，请选择上一年度的年度报告文件", code="empty")
    if len(data) > DEFAULT_MAX_BYTES:
        raise InvalidInput(
            f"文件超过 {DEFAULT_MAX_BYTES // 1024 // 1024} MB，无法导入", code="too_large"
        )
    try:
        return run_limited(_review, data, name)
    except InvalidInput as exc:
        audit.record(
            audit.E.INPUT_REJECTED,
            outcome="refused",
            detail={"previous_report": exc.code, "file": name},
        )
        raise InvalidInput(f"无法读取“{name}”：{_chinese(exc.message)}", code=exc.code)


def clean_name(name: str) -> str:
    return ((name or "").replace("\\", "/").split("/")[-1].strip() or "上年报告")[:200]


# --------------------------------------------------------------------------- cutting
def _trim_preamble(text: str, title: str | None) -> str:
    """Keep the preamble's sentences; drop the title, dates and page furniture above it."""
    keep = []
    for line in text.splitlines():
        s = line.strip()
        if not s or (title and s == title.strip()):
            continue
        if len(s) < 15 or not re.search(r"[，。：:,]", s):
            continue
        keep.append(s)
    return "\n".join(keep)


_SIGN_LINE = re.compile(
    r"^(?:特此报告[。.]?|.{0,40}(?:委员会|人民政府|办事处|管委会|党工委)|"
    r"(?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{2}-\d{2}.*|扫一扫.*|.{0,30}[|｜].*)$"
)


def _trim_tail(text: str) -> str:
    """Drop the signature block and page furniture at the end of the last section."""
    lines = text.rstrip().splitlines()
    while lines:
        s = lines[-1].strip()
        if not s or (_SIGN_LINE.match(s) and len(s) <= 60):
            lines.pop()
            continue
        break
    return "\n".join(lines)


def _body_start(text: str, heading_end: int) -> int:
    """Where a section's body starts: after its heading (and the punctuation closing it)."""
    pos = heading_end
    while pos < len(text) and text[pos] in "：:。． \t\u3000":
        pos += 1
    if pos < len(text) and text[pos] == "\n":
        pos += 1
    return pos


def _subheading(heading: str, n: int) -> str:
    """A top-level part folded into a section keeps its heading as “（n）……。”."""
    from .drafting import numeral

    h = re.sub(
        r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|第[一二三四五六七八九十]+部分\s*[、：:]?)",
        "",
        heading,
    )
    return f"（{numeral(n)}）{h.strip().rstrip('。：:')}。"


def cut(result: dict) -> tuple[dict[int, str], list[tuple[int, int, int, int]]]:
    """Last year's text by section and, for each section, the pieces of the original it is
    made of: ``(number, original start, original end, offset in the section's text)``."""
    text = result.get("text") or ""
    parts = sorted((s for s in result["sections"] if s.get("part")), key=lambda s: s["start"])
    parts = [p for p in parts if p.get("statutory") in (1, 2, 3, 4, 5)]
    if not parts:
        return {}, []
    pieces: dict[int, list[tuple[int, int, str]]] = {}
    # The preamble: its kept lines are located in the original for figure offsets.
    pre_end = parts[0]["start"]
    pre_text = _trim_preamble(text[:pre_end], result.get("meta", {}).get("title"))
    per_number: dict[int, list[dict]] = {}
    for p in parts:
        per_number.setdefault(p["statutory"], []).append(p)
    for i, p in enumerate(parts):
        end = min(p["end"], parts[i + 1]["start"]) if i + 1 < len(parts) else p["end"]
        start = _body_start(text, p.get("heading_end", p["start"]))
        body = text[start:end]
        if i + 1 == len(parts):
            body = _trim_tail(body)
        lead = ""
        if len(per_number[p["statutory"]]) > 1:
            k = per_number[p["statutory"]].index(p) + 1
            lead = _subheading(p["heading"], k) + "\n"
        pieces.setdefault(p["statutory"], []).append((start, start + len(body), lead))
    sections: dict[int, str] = {}
    spans: list[tuple[int, int, int, int]] = []
    if pre_text:
        sections[PREAMBLE] = pre_text
        # Each kept line's place in the original, for the figures it holds.
        pos, off = 0, 0
        for line in pre_text.splitlines():
            at = text.find(line, pos, pre_end)
            if at >= 0:
                spans.append((PREAMBLE, at, at + len(line), off))
                pos = at + len(line)
            off += len(line) + 1
    for number in sorted(pieces):
        out = ""
        for start, end, lead in pieces[number]:
            if out:
                out += "\n"
            out += lead
            body = text[start:end]
            stripped = body.lstrip()
            skip = len(body) - len(stripped)
            spans.append((number, start + skip, start + skip + len(stripped.rstrip()), len(out)))
            out += stripped.rstrip()
        out = out.strip("\n")
        if out.strip():
            sections[number] = out
    return sections, spans


# --------------------------------------------------------------------------- mapping
def _keys() -> list[tuple[str, registry.Indicator]]:
    """(words, indicator) for every indicator, longest words first."""
    out = []
    for ind in registry.all_indicators():
        words = {ind.phrase, ind.name, *ALIASES.get(ind.code, ())}
        out.extend((w, ind) for w in words if w)
    out.sort(key=lambda kv: -len(kv[0]))
    return out


def _measure(fact: dict) -> tuple[str, Decimal | None]:
    """The figure's measure as an indicator states it, and its value in that measure."""
    unit = fact.get("unit") or ""
    try:
        value = Decimal(str(fact.get("value")))
    except (InvalidOperation, ValueError):
        value = None
    number_part = fact.get("text", "")
    if unit == "元" and "亿" in number_part:
        return "亿元", None if value is None else value / Decimal(100000000)
    if unit == "元" and "万" in number_part:
        return "万元", None if value is None else value / Decimal(10000)
    return unit, value


def _subject(fact: dict) -> str:
    """What the figure counts, as the engine read it (cut to its last 20 characters)."""
    subject = fact.get("subject") or ""
    return "…" + subject if len(subject) >= 20 else subject


def _same_measure(a: str, b: str) -> bool:
    return SAME_MEASURE.get(a, a) == SAME_MEASURE.get(b, b)


def _window(text: str, start: int) -> str:
    """The clause before a figure (at most 40 characters)."""
    cs = start
    while cs > 0 and text[cs - 1] not in _CLAUSE_BREAK and start - cs < 40:
        cs -= 1
    return text[cs:start]


def _sentence(text: str, start: int) -> str:
    """The sentence before a figure."""
    cs = start
    while cs > 0 and text[cs - 1] not in "。；！？\n":
        cs -= 1
    return text[cs:start]


def _in_context(ind: registry.Indicator, words: str, sentence: str) -> bool:
    """A short key (“办结率”) counts only where the sentence names what the indicator is
    about (“热线”): two characters of its name, not of the key itself."""
    name = ind.name
    pairs = {name[i : i + 2] for i in range(len(name) - 1)}
    pairs = {p for p in pairs if p not in words and not set(p) & set("（）()")}
    return not pairs or any(p in sentence for p in pairs)


def _phrase_then_number(window: str) -> bool:
    """Would the submit check read this figure as an indicator's (phrase + number)?"""
    for ind in registry.all_indicators():
        if ind.phrase and re.search(re.escape(ind.phrase) + r"(?:共|为|达到|达|是)?$", window):
            return True
    return False


def classify(text: str, fact: dict, number: int, keys) -> dict:
    """One figure of last year's text: mapped to an indicator, a target kept, or unmapped."""
    start, end = fact["start"], fact["end"]
    original = text[start:end]
    measure, value = _measure(fact)
    qualifier = fact.get("qualifier") or ""
    window = _window(text, start)
    after = text[end : end + 4]
    item = {
        "section": number,
        "start": start,
        "end": end,
        "text": original,
        "value": None if value is None else registry.number_text(value.normalize()),
        "measure": measure,
        "approx": bool(fact.get("approx")),
        "subject": _subject(fact),
        "qualifier": qualifier,
        "code": None,
        "name": "",
        "kind": UNMAPPED,
    }
    is_target = (
        number == 4
        or qualifier in _TARGET_QUALIFIERS
        or bool(_TARGET_BEFORE.search(window))
        or after.startswith(_TARGET_AFTER)
    )
    if is_target:
        # A target after an indicator's phrase would read as a wrong figure: the writer decides.
        if not _phrase_then_number(window + (qualifier if original.startswith(qualifier) else "")):
            item["kind"] = TARGET
        return item
    if fact.get("object") or after.startswith(_QUALIFIES_AFTER) or fact.get("count"):
        return item
    for words, ind in keys:
        if not _same_measure(measure, ind.measure):
            continue
        at = window.rfind(words)
        if at < 0:
            continue
        if not _FILLER.fullmatch(window[at + len(words) :]):
            continue
        if len(words) <= _SHORT_KEY and not (
            _LEAD.fullmatch(window[:at]) and _in_context(ind, words, _sentence(text, start))
        ):
            continue
        item.update(code=ind.code, name=ind.name, kind=MAPPED)
        break
    return item


def parse(result: dict) -> tuple[dict[int, str], list[dict]]:
    """Sections and classified figures (offsets relative to their section's text)."""
    text = result.get("text") or ""
    sections, spans = cut(result)
    keys = _keys()
    out = []
    for fact in sorted(result.get("facts", []), key=lambda f: f["start"]):
        for number, s, e, off in spans:
            if s <= fact["start"] and fact["end"] <= e:
                item = classify(text, fact, number, keys)
                item["start"] = fact["start"] - s + off
                item["end"] = fact["end"] - s + off
                if sections.get(number, "")[item["start"] : item["end"]] == item["text"]:
                    out.append(item)
                break
    return sections, out


# --------------------------------------------------------------------------- import
def import_previous(report: AnnualReport, data: bytes, name: str, *, actor) -> PreviousReport:
    """Read last year's report into ``report`` (a draft): its sections and mapped figures.
    Importing again replaces the earlier import."""
    scoping.require(actor, Perm.CHANGE, report, REFUSED)
    _editable(report)
    name = clean_name(name)
    result = read(data, name)
    sections, found = parse(result)
    if not any(n != PREAMBLE for n in sections):
        raise InvalidInput(
            f"“{name}”中没有找到年度报告的法定部分（如“一、……主要举措和成效”），"
            "请导入上一年度的法治政府建设年度报告",
            code="no_sections",
        )
    year = (result.get("meta") or {}).get("year")
    if year and int(year) != report.year - 1:
        raise InvalidInput(
            f"“{name}”是{year}年度的报告，本报告为{report.year}年度，"
            f"请导入{report.year - 1}年度的报告",
            code="wrong_year",
        )
    with transaction.atomic():
        previous, _ = PreviousReport.objects.update_or_create(
            report=report,
            defaults={
                "name": name,
                "text": (result.get("text") or "")[:200000],
                "sections": {str(k): v for k, v in sections.items()},
                "figures": found,
                "by_name": (getattr(actor, "label", "") or getattr(actor, "username", ""))[:50],
            },
        )
        audit.record(
            audit.E.UPDATE,
            obj=report,
            user=actor,
            detail={"action": "import_previous", "file": name, **counts(previous)},
        )
    return previous


def counts(previous: PreviousReport) -> dict:
    figs = previous.figures or []
    return {
        "mapped": sum(1 for f in figs if f.get("kind") == MAPPED),
        "unmapped": sum(1 for f in figs if f.get("kind") == UNMAPPED),
        "targets": sum(1 for f in figs if f.get("kind") == TARGET),
    }


def mapped(previous: PreviousReport) -> list[dict]:
    return [f for f in previous.figures or [] if f.get("kind") == MAPPED]


def unmapped(previous: PreviousReport) -> list[dict]:
    return [f for f in previous.figures or [] if f.get("kind") == UNMAPPED]


# --------------------------------------------------------------------------- adapting
def _sections(previous: PreviousReport) -> dict[int, str]:
    out = {}
    for k, v in (previous.sections or {}).items():
        try:
            out[int(k)] = v or ""
        except (TypeError, ValueError):
            continue
    return dict(sorted(out.items()))


def _cn_year(s: str) -> int | None:
    try:
        return int("".join(str(_CN_DIGITS.index("〇" if c in "零○" else c)) for c in s))
    except ValueError:
        return None


def _cn_text(year: int) -> str:
    return "".join(_CN_DIGITS[int(d)] for d in str(year))


def _years(text: str, year: int) -> list[dict]:
    """Last year's year numbers in plain ``text`` moved on by one: the report's own year
    and the year after it (section four); others (history) are left alone. A full date
    is marked for the writer to check."""
    old, out, pos = year - 1, [], 0
    moves = {old: year, old + 1: year + 1}
    titles = [(m.start(), m.end()) for m in _TITLES.finditer(text)]

    def in_title(i: int) -> bool:
        return any(s < i < e for s, e in titles)

    marks = []
    for m in _YEAR.finditer(text):
        y = int(m.group(1))
        if y in moves and not in_title(m.start()):
            new = str(moves[y]) + m.group(2) + (m.group(3) or "") + (m.group(4) or "")
            marks.append((m.start(), m.end(), "date" if m.group(4) else "year", m.group(0), new))
    for m in _CN_YEAR.finditer(text):
        y = _cn_year(m.group(1))
        if y in moves and not in_title(m.start()):
            new = _cn_text(moves[y]) + m.group(2) + (m.group(3) or "")
            marks.append((m.start(), m.end(), "year", m.group(0), new))
    for s, e, kind, was, new in sorted(marks):
        if s < pos:
            continue
        if s > pos:
            out.append({"kind": "text", "text": text[pos:s]})
        out.append({"kind": kind, "old": was, "new": new})
        pos = e
    if pos < len(text):
        out.append({"kind": "text", "text": text[pos:]})
    return out


def segments(previous: PreviousReport, year: int) -> dict[int, list[dict]]:
    """Each section of last year's text as pieces: plain text, figures (mapped, unmapped,
    target) and moved years/dates; ``seg_text`` gives this year's text of a piece."""
    by_section: dict[int, list[dict]] = {}
    for f in previous.figures or []:
        by_section.setdefault(int(f["section"]), []).append(f)
    out = {}
    for number, text in _sections(previous).items():
        pieces, pos = [], 0
        for f in sorted(by_section.get(number, []), key=lambda f: f["start"]):
            s, e = int(f["start"]), int(f["end"])
            if s < pos or text[s:e] != f["text"]:
                continue
            pieces.extend(_years(text[pos:s], year))
            pieces.append({"kind": f["kind"], "figure": f})
            pos = e
        pieces.extend(_years(text[pos:], year))
        out[number] = pieces
    return out


def _kept_qualifier(f: dict) -> str:
    """“共”“达到” before last year's figure stay; “近”“约”“超过” go with it."""
    q = f.get("qualifier") or ""
    return q if q and q not in _APPROX and f["text"].startswith(q) else ""


def seg_text(piece: dict) -> str:
    kind = piece["kind"]
    if kind == "text":
        return piece["text"]
    if kind == "year":
        return piece["new"]
    if kind == "date":
        return f"{PENDING_OPEN}{piece['new']}{PENDING_CLOSE}"
    f = piece["figure"]
    keep = _kept_qualifier(f)
    if kind == MAPPED:
        return f"{keep}{{{{{f['code']}}}}}"
    if kind == UNMAPPED:
        return f"{keep}{PENDING_OPEN}{f['text'][len(keep) :]}{PENDING_CLOSE}"
    return f["text"]  # a target, as written


def adapt(previous: PreviousReport, year: int) -> dict[int, str]:
    """This year's text of each section in last year's structure and wording."""
    return {
        number: "".join(seg_text(p) for p in pieces)
        for number, pieces in segments(previous, year).items()
    }


# --------------------------------------------------------------------------- applying
def _wanted(previous: PreviousReport, adapted: dict[int, str], sections) -> list[int]:
    if sections is None:
        return [n for n, t in adapted.items() if t.strip()]
    out = []
    for n in sections:
        try:
            n = int(n)
        except (TypeError, ValueError):
            raise InvalidInput(f"部分编号应为 0–5 的数字：{n}")
        if n not in adapted or not adapted[n].strip():
            raise InvalidInput(f"上年报告中没有第{n}部分" if n else "上年报告中没有开头语")
        out.append(n)
    return sorted(set(out))


def would_overwrite(report: AnnualReport, sections=None) -> list[int]:
    """Sections whose writer's edits applying last year's structure would replace."""
    previous = PreviousReport.objects.filter(report=report).first()
    if previous is None:
        return []
    adapted = adapt(previous, report.year)
    wanted = _wanted(previous, adapted, sections)
    return [
        s.number
        for s in report.sections.filter(number__in=wanted, edited=True)
        if s.text.strip() != adapted[s.number].strip()
    ]


@transaction.atomic
def apply_previous(report: AnnualReport, *, actor, sections=None, overwrite: bool = True):
    """Write the adapted text into the report's sections (all, or the numbers given) as
    edited text. With ``overwrite=False`` a section the writer has edited is not replaced
    (DomainError ``would_overwrite`` naming them). Returns the numbers written."""
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    scoping.require(actor, Perm.CHANGE, report, REFUSED)
    _editable(report)
    previous = PreviousReport.objects.filter(report=report).first()
    if previous is None:
        raise NoPrevious("尚未导入上一年度报告，请先上传上年报告")
    adapted = adapt(previous, report.year)
    wanted = _wanted(previous, adapted, sections)
    if not wanted:
        raise InvalidInput("上年报告中没有可采用的内容")
    clash = would_overwrite(report, wanted)
    if clash and not overwrite:
        names = "、".join("开头语" if n == PREAMBLE else f"第{n}部分" for n in clash)
        raise DomainError(
            f"{names}已人工修改，采用上年结构将覆盖这些修改；请确认后再操作",
            code="would_overwrite",
        )
    written = []
    for section in report.sections.filter(number__in=wanted):
        text = adapted[section.number].strip()
        if len(text) > MAX_SECTION_CHARS:
            raise InvalidInput(f"第{section.number}部分超过 {MAX_SECTION_CHARS} 字，无法采用")
        section.text, section.edited = text, True
        section.save()
        written.append(section.number)
    _bump(report)
    audit.record(
        audit.E.UPDATE,
        obj=report,
        user=actor,
        detail={"action": "apply_previous", "sections": written, "overwritten": clash},
    )
    return written


# --------------------------------------------------------------------------- side by side
def pending_in(text: str) -> list[str]:
    """The 〔待核：…〕 marks a section still holds."""
    return [m.group(1) for m in PENDING.finditer(text or "")]


def side_by_side(previous: PreviousReport, report: AnnualReport) -> dict:
    """Last year's text against this year's draft, section by section, for page and API."""
    values = figures.values_for(report)
    overrides = {o.code: o for o in report.overrides.all()}
    current = {s.number: s for s in report.sections.all()}
    rows = []
    for number, pieces in segments(previous, report.year).items():
        old, new = [], []
        for p in pieces:
            kind = p["kind"]
            if kind == "text":
                old.append({"kind": "text", "text": p["text"]})
                new.append({"kind": "text", "text": p["text"]})
            elif kind in ("year", "date"):
                old.append({"kind": "text", "text": p["old"]})
                new.append({"kind": kind, "old": p["old"], "text": p["new"]})
            else:
                f = p["figure"]
                old.append(
                    {"kind": kind, "text": f["text"], "code": f.get("code"), "name": f.get("name")}
                )
                if kind == MAPPED:
                    fig = figures.figure(f["code"], values, overrides)
                    changed = not (
                        fig.value is not None
                        and fig.value.ok
                        and f.get("value") is not None
                        and Decimal(f["value"]) == fig.value.value
                    )
                    q = _kept_qualifier(f)
                    new.append(
                        {
                            "kind": "figure",
                            "code": f["code"],
                            "name": f.get("name"),
                            "old": f["text"],
                            "text": q + fig.text,
                            "changed": changed,
                        }
                    )
                elif kind == UNMAPPED:
                    keep = _kept_qualifier(f)
                    if keep:
                        new.append({"kind": "text", "text": keep})
                    new.append({"kind": "pending", "text": f["text"][len(keep) :]})
                else:
                    new.append({"kind": "target", "text": f["text"]})
        section = current.get(number)
        adapted = "".join(seg_text(p) for p in pieces).strip()
        rows.append(
            {
                "number": number,
                "heading": (section.heading if section and number else "") or "开头语",
                "old": old,
                "new": new,
                "adapted": adapted,
                "applied": bool(section and section.text.strip() == adapted),
                "edited": bool(section and section.edited),
                "pending": len(pending_in(section.text)) if section else 0,
            }
        )
    return {
        "name": previous.name,
        "imported_at": previous.imported_at.isoformat() if previous.imported_at else None,
        "by": previous.by_name,
        "counts": counts(previous),
        "sections": rows,
    }
