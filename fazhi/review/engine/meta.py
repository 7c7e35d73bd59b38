"""Metadata of a report: issuing units, year covered, dates, 文号, 索引号, title."""

from __future__ import annotations

import re
from datetime import date

from .clean import _META_KEYS, HAN, CleanResult, is_heading_line

_CN_DIGIT = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip

_CN_NUM = "〇零○一二三四五六七八九十"
DATE_RE = re.compile(
    r"(?P<y>20\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    rf"|(?P<cy>[{_CN_NUM}Ｏ]{{4}})\s*年\s*(?P<cm>[{_CN_NUM}]{{1,2}})\s*月\s*(?P<cd>[{_CN_NUM}]{{1,3}})\s*日"
    r"|(?P<iy>20\d{2})[-/.](?P<im>\d{1,2})[-/.](?P<id>\d{1,2})"
)
_UNIT_SUFFIX = (
    r"(?:委员会|人民政府|管委会|管理委员会|街道办事处|办事处|党工委|工作委员会|人民政府办公室|"
    r"司法所|司法局|政府|党委)"
)
UNIT_RE = re.compile(rf"(?:中共|中国共产党)?[{HAN}（）()]{{2,30}}?{_UNIT_SUFFIX}(?![{HAN}])")
_UNIT_LINE = re.compile(rf"^(?:(?:中共|中国共产党)?[{HAN}（）()]{{2,30}}?{_UNIT_SUFFIX}\s*)+$")
_YEAR_TITLE = re.compile(r"(20\d{2})\s*年")
_YEAR_BODY = re.compile(r"(20\d{2})\s*年(?:度)?\s*[，,以来]|(20\d{2})\s*年度")
_DOC_NO = re.compile(
    rf"[{HAN}]{{1,12}}\s*[〔\[［(（【]\s*(20\d{{2}}|19\d{{2}})\s*[〕\]］)）】]\s*\d{{1,4}}\s*号"
)
_META_FIELD_KEYS = {
    "索引号": "index_number",
    "发布日期": "published",
    "发布时间": "published",
    "成文日期": "signed",
    "发文日期": "signed",
    "文号": "doc_number",
    "发文字号": "doc_number",
    "发布机构": "publisher",
    "发文机关": "publisher",
    "名称": "title",
    "标题": "title",
    "所属机构": "owner",
}
_ALL_KEYS = set(_META_KEYS.split("|"))
_KV = re.compile(
    r"(索引号|发布日期|发布时间|成文日期|发文日期|文号|发文字号|发布机构|发文机关|名称|标题|所属机构|来源)"
    r"\s*[:：]\s*([^\s|]+(?:\s\d{1,2}:\d{2}(?::\d{2})?)?)"
)
_INDEX_NO = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_\-/.]{5,60}$")
_TITLE_HINT = re.compile(r"(?:报告|总结|情况)$|法治(?:政府)?建设|法制建设|依法行政")


def cn_date_to_iso(m: re.Match) -> str | None:
    try:
        if m.group("y"):
            y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
        elif m.group("iy"):
            y, mo, d = int(m.group("iy")), int(m.group("im")), int(m.group("id"))
        else:
            y = int("".join(str(_CN_DIGIT.get(c, 0)) for c in m.group("cy")))
            mo = _cn_small(m.group("cm"))
            d = _cn_small(m.group("cd"))
        return date(y, mo, d).isoformat()
    except (ValueError, TypeError):
        return None


def _cn_small(s: str) -> int:
    """一..三十一"""
    if "十" in s:
        a, _, b = s.partition("十")
        return (_CN_DIGIT.get(a, 1) if a else 1) * 10 + (_CN_DIGIT.get(b, 0) if b else 0)
    return _CN_DIGIT[s]


def _table_fields(line: str) -> dict:
    cells = [c.strip() for c in line.split("|")]
    out = {}
    for i, c in enumerate(cells):
        key = c.rstrip("：:").strip()
        if key in _META_FIELD_KEYS:
            val = cells[i + 1].strip() if i + 1 < len(cells) else ""
            if val.rstrip("：:") in _ALL_KEYS:
                val = ""
            out.setdefault(key, val)
    return out


def chrome_fields(cr: CleanResult) -> dict:
    fields: dict[str, str] = {}
    stamps = []
    for ch in cr.chrome:
        line = ch.text
        if "|" in line:
            for k, v in _table_fields(line).items():
                if v:
                    fields.setdefault(k, v)
        for m in _KV.finditer(line):
            fields.setdefault(m.group(1), m.group(2))
        if re.fullmatch(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?", line):
            stamps.append(line)
    if stamps and "发布日期" not in fields and "发布时间" not in fields:
        fields["发布时间"] = stamps[0]
    return fields


def _iso(s: str | None) -> str | None:
    if not s:
        return None
    m = DATE_RE.search(s)
    return cn_date_to_iso(m) if m else None


def _split_units(line: str) -> list[str]:
    return [m.group(0).strip() for m in UNIT_RE.finditer(line.replace(" ", "  "))]


def extract_meta(cr: CleanResult, body_end: int | None = None) -> dict:
    text = cr.text
    lines = text.split("\n")
    fields = chrome_fields(cr)

    # title
    title = fields.get("名称") or fields.get("标题")
    title_line_idx = None
    if not title:
        for i, line in enumerate(lines[:8]):
            s = line.strip()
            if 4 <= len(s) <= 60 and not is_heading_line(s) and _TITLE_HINT.search(s):
                if not s.endswith(("。", "：", ":")) and "，" not in s:
                    title, title_line_idx = s, i
                    break
    title = title or None

    # year covered
    year = None
    if title:
        m = _YEAR_TITLE.search(title)
        if m:
            year = int(m.group(1))
    if year is None:
        m = _YEAR_BODY.search(text[:3000])
        if m:
            year = int(m.group(1) or m.group(2))

    # signature block: the last lines
    tail = [s.strip() for s in lines[-8:]]
    signed = None
    units: list[str] = []
    for s in reversed(tail):
        if signed is None and len(s) <= 24:
            m = DATE_RE.search(s)
            if m and m.start() <= 2:
                signed = cn_date_to_iso(m)
                continue
        if _UNIT_LINE.match(s) and len(s) <= 80:
            units = _split_units(s) + units
        elif units:
            break
    if not units:
        # a heading line at the top, before or after the title
        for i, line in enumerate(lines[:4]):
            s = line.strip()
            if i != title_line_idx and _UNIT_LINE.match(s) and len(s) <= 80:
                units = _split_units(s)
                break
    if not units and fields.get("发布机构"):
        units = [fields["发布机构"]]
    if signed is None and fields.get("成文日期"):
        signed = _iso(fields["成文日期"])

    published = _iso(fields.get("发布日期") or fields.get("发布时间"))

    doc_number = fields.get("文号") or fields.get("发文字号") or None
    if not doc_number:
        m = _DOC_NO.search(text[:600]) or _DOC_NO.search(" ".join(c.text for c in cr.chrome))
        if m:
            doc_number = m.group(0).replace(" ", "")
    index_number = fields.get("索引号")
    if index_number and not _INDEX_NO.match(index_number):
        index_number = index_number.strip() or None

    return {
        "units": units,
        "year": year,
        "signed": signed,
        "published": published,
        "doc_number": doc_number,
        "index_number": index_number or None,
        "title": title,
        "publisher": fields.get("发布机构"),
    }
