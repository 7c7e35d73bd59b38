"""Heading hierarchy and mapping of parts to the five statutory sections.

Levels: 1 ``一、``; 2 ``（一）``; 3 ``1.``/``1、``; 4 ``（1）``/``①``; 5 inline ``一是…二是…``.
The statutory sections (《法治政府建设与责任落实督察工作规定》第二十五条):
1 主要举措和成效, 2 存在的不足和原因, 3 党政主要负责人履行推进法治建设第一责任人职责的情况,
4 下一年度主要安排, 5 其他需要报告的情况.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .clean import HAN
from .rxfast import first_filtered

STATUTORY_NAMES = {
    1: "主要举措和成效",
    2: "存在的不足和原因",
    3: "党政主要负责人履行推进法治建设第一责任人职责的情况",
    4: "下一年度主要安排",
    5: "其他需要报告的情况",
}

_L1 = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|第[一二三四五六七八九十]+部分\s*[、：:]?)"
)
_L2 = re.compile(r"^\s*[（(]\s*[一二三四五六七八九十]{1,3}\s*[）)]\s*[、.．]?")
_L3 = re.compile(r"^\s*\d{1,2}\s*(?:[、．]|\.(?!\d))\s*[、.．]?")
_L4 = re.compile(r"^\s*(?:[（(]\s*\d{1,2}\s*[）)]|[①-⑳])\s*[、.．]?")
_INLINE = first_filtered(
    re.compile(r"(?:^|(?<=[。；：！？，\n]))\s*([一二三四五六七八九十]{1,2})是")
)
_HEAD_END = re.compile(r"[。；！？：:]")
_UNNUMBERED_STAT = re.compile(
    r"^(?:存在的(?:主要)?(?:问题|不足)|下一步(?:工作)?(?:打算|计划|安排|思路)|"
    r"(?:20\d\d年(?:度)?)?(?:主要)?(?:工作)?(?:安排|打算|计划)|主要举措(?:和|与|及)成效|"
    r"(?:党政)?主要负责人履行.*职责.*|其他需要报告的(?:事项|情况))[：:]?$"
)

_S2 = re.compile(
    r"不足|存在的(?:主要)?问题|存在问题|问题(?:和|与|及)(?:不足|差距|原因)|差距|短板|薄弱环节|困难和问题"
)
_S3 = re.compile(
    r"第一责任人|主要负责人.{0,20}职责|履行.{0,12}法治.{0,6}职责|党政主要负责人|"
    r"(?:主要负责人|主要负责同志|主要领导|党政正职).{0,12}(?:履职|述法)"
)
_S4 = re.compile(
    r"下一步|下步|下一年|明年|今后|来年|工作(?:打算|计划|思路|安排)|主要(?:安排|打算|思路|计划)|"
    r"(?:思路|目标)(?:和|与|及)(?:打算|举措|措施)|工作展望|努力方向|打算|(?:重点)?工作安排"
)
_S1 = re.compile(
    r"举措|成效|主要工作|工作(?:开展|完成)情况|主要做法|做法和成效|工作成绩|取得的成绩|工作情况"
)
_S5 = re.compile(r"其他需要报告|其他(?:事项|情况)$|需要报告的")
_EXTRA = first_filtered(re.compile(r"学习(?:宣传)?贯彻.{0,10}(?:思想|精神)|基本情况|总体情况|概况"))
_YEAR = re.compile(r"(20\d\d)\s*年")


@dataclass
class Heading:
    level: int
    start: int  # clean offsets of the heading line/item start
    head_end: int  # end of the heading text
    text: str
    end: int = 0  # end of the part (clean)
    statutory: int | None = None


def heading_text(line: str, start_in_line: int = 0) -> tuple[str, int]:
    rest = line[start_in_line:]
    m = _HEAD_END.search(rest)
    cut = m.start() if m else len(rest)
    cut = min(cut, 80)
    return rest[:cut].strip(), start_in_line + cut


def _level(line: str) -> int | None:
    if _L2.match(line):
        return 2
    if _L4.match(line):
        return 4
    if _L1.match(line):
        return 1
    if _L3.match(line):
        return 3
    return None


def find_headings(text: str, *, inline: bool = True) -> list[Heading]:
    heads: list[Heading] = []
    pos = 0
    for line in text.split("\n"):
        lvl = _level(line)
        if lvl is not None:
            t, e = heading_text(line)
            # a level-3 "1." line that is a long sentence about a number is still a heading
            heads.append(Heading(lvl, pos, pos + e, t))
        elif len(line) <= 40 and _UNNUMBERED_STAT.match(line.strip()):
            heads.append(Heading(1, pos, pos + len(line), line.strip().rstrip("：:")))
        if inline and "是" in line:
            for m in _INLINE.finditer(line):
                s = m.start(1)
                t, e = heading_text(line, s)
                if len(t) > 60:
                    t = t[:60]
                heads.append(Heading(5, pos + s, pos + e, t))
        pos += len(line) + 1
    heads.sort(key=lambda h: (h.start, h.level))
    # close each part at the next heading of the same or a higher level
    n_text = len(text)
    stack: list[Heading] = []
    for h in heads:
        while stack and stack[-1].level >= h.level:
            stack.pop().end = h.start
        stack.append(h)
    for h in stack:
        h.end = n_text
    return heads


def classify(text: str, year: int | None, *, strict: bool = False) -> int | None:
    t = re.sub(r"^[（(]?[一二三四五六七八九十\d]{1,3}[）)]?[、.．]?\s*", "", text)
    if _S5.search(t):
        return 5
    if _S3.search(t):
        return 3
    if _S2.search(t) and not re.search(r"(?:解决|化解|整改|破解).{0,8}(?:问题|难题)", t):
        return 2
    if _S4.search(t):
        return 4
    m = _YEAR.search(t)
    if m and year and int(m.group(1)) > year and not strict:
        return 4
    if _S1.search(t):
        return 1
    return None


def map_statutory(heads: list[Heading], year: int | None, body_end: int) -> list[Heading]:
    """Assign statutory numbers to the top-level parts; return the headings used as
    sections (top-level parts plus nested statutory headings)."""
    levels = [h.level for h in heads if h.level <= 4]
    if not levels:
        return []
    top = min(levels)
    parts = [h for h in heads if h.level == top]
    for h in parts:
        h.statutory = classify(h.text, year)
    first1 = next((i for i, h in enumerate(parts) if h.statutory == 1), None)
    first_other = next((i for i, h in enumerate(parts) if h.statutory in (2, 3, 4)), len(parts))
    # thematic parts (work done) before the first problem/duty/plan part belong to part 1,
    # except extra parts such as 学习贯彻习近平法治思想的情况
    del first1
    for h in parts[:first_other]:
        if h.statutory is None and not _EXTRA.search(h.text):
            h.statutory = 1
    present = {h.statutory for h in parts}
    nested = []
    for num in (3, 2, 4, 1, 5):
        if num in present:
            continue
        for h in heads:
            if h.level > top and h.level <= 4 and classify(h.text, year, strict=True) == num:
                if num != 3 and not re.search(_STRICT_NESTED[num], h.text):
                    continue
                h.statutory = num
                nested.append(h)
                present.add(num)
                break
    return sorted(parts + nested, key=lambda h: h.start)


_STRICT_NESTED = {
    2: r"存在的(?:主要)?(?:问题|不足)|不足(?:和|与|及)原因|问题(?:和|与|及)不足",
    4: r"下一步|下步|下一年度|(?:20\d\d)年(?:度)?.{0,12}(?:安排|打算|计划)",
    1: r"(?:主要)?举措(?:和|与|及)成效|主要做法(?:和|与|及)成效",
    5: r"其他需要报告",
}


def statutory_order(parts: list[Heading]) -> list[int]:
    """The order of the statutory parts found, for the order check: every top-level
    part, and a part given as a sub-part when the part around it is not itself a
    statutory part (a "（二）……主要举措和成效" under a part on 习近平法治思想 stands
    where that part stands; a first-responsible sub-part inside part 1 is judged with
    part 1). Consecutive repeats are merged."""
    if not parts:
        return []
    top = min(h.level for h in parts)
    tops = [h for h in parts if h.level == top]
    order: list[int] = []
    for h in parts:
        if h.level != top:
            outer = next((t for t in reversed(tops) if t.start <= h.start < t.end), None)
            if outer is not None and outer.statutory:
                continue
        if h.statutory and (not order or order[-1] != h.statutory):
            order.append(h.statutory)
    return order


def _han_only(s: str) -> str:
    return re.sub(rf"[^{HAN}\d]", "", s)
