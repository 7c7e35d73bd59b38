"""Clean the extracted text of a report, keeping an offset map to the original.

Steps (each through :meth:`MText.edit`, so offsets survive):

1. line ends, NBSP/ideographic spaces, zero-width characters;
2. pinyin annotations after a Han character: ``稱(chēng)`` -> ``稱``;
3. Word artifacts: ``[bookmark: _GoBack]``, ``[image: ...]``, field codes; inline HTML
   tags left in Markdown or text (``<p align="right">``, ``<br>``, ``<strong>``);
4. traditional -> simplified (opencc ``t2s``, one converter per process);
5. full-width letters/digits/%/. -> ASCII; ASCII ``, ; : ( ) ? !`` next to Han text ->
   full-width (``1,000``, ``2.5``, ``09:32`` untouched);
6. page chrome lines removed (breadcrumbs, 扫一扫, 浏览次数, 字体 大中小, 打印/关闭,
   分享, page numbers, metadata tables, timestamps); they are kept in
   ``CleanResult.chrome`` so the metadata they carry is still read;
7. watermarks: short lines repeated 3+ times, and any strings passed by the caller,
   removed wherever they occur (also inside words);
8. lines broken inside a sentence (PDF, page breaks) joined (a Markdown heading line
   never is); then Markdown markup removed: ``#`` heading markers, ``**`` emphasis,
   ``>`` quotes (``## 一、……`` and ``**（一）……**`` are read as the headings they are);
9. spaces: runs removed next to Han text, else collapsed to one; empty lines dropped.

The result is one paragraph per line.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from .mtext import MText
from .rxfast import first_filtered

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Han plus CJK / full-width punctuation
WIDE = HAN + "\u3000-\u303f\uff00-\uffef\u2018-\u201f\u2026\u2014\u00b7"

# \r\n?|[\u2028…] written as one class first (a \n taken only after \r): the same
# matches, and ``re`` skips ahead to the class's characters
_NEWLINES = re.compile(r"[\r\u2028\u2029\u000b\u000c\u0085](?:(?<=\r)\n)?")
_SPACES1 = re.compile(r"[\u00a0\u3000\t\u2002-\u200a\u202f\u205f]")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_PINYIN = first_filtered(
    re.compile(rf"(?<=[{HAN}])[(（]\s*[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹḿêếề:]{{1,7}}\s*[)）]")
)
_WORD_ARTIFACTS = re.compile(
    r"\[(?:bookmark|image|footnoteref|footnote|comment|anchor|endnote)\s*:[^\]\n]{0,300}\]"
    r"|\{\s*(?:PAGE|NUMPAGES|HYPERLINK|TOC|REF|MERGEFORMAT)\b[^}\n]{0,300}\}",
    re.I,
)
_FULLWIDTH = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff05\uff0e]")
_ASCII_PUNCT = first_filtered(re.compile(r"[,;:?!]"))
_PARENS = re.compile(r"\(([^()\n]{0,60})\)")
_HAN_CHAR = re.compile(rf"[{HAN}]")
_WIDE_CHAR = re.compile(rf"[{WIDE}]")
_SPACE_RUN = first_filtered(re.compile(r"[ ]+"))
_MULTI_NL = re.compile(r"\n{2,}")

# headings (shared with sections.py)
# Markdown markup read as ordinary input: "## 一、……" headings, "**（一）……**" bold
# lead-ins, "> " quotes. Headings keep their lines; the markers are removed (step 8b).
MD_PREFIX = r"(?:#{1,6}[ \t]*|\*\*|>[ \t]?)*"
_MD_HEADING_LINE = re.compile(r"^[ \t]*#{1,6}[ \t]")
_MD_MARKUP = first_filtered(re.compile(r"^[ \t]*#{1,6}[ \t]+|^[ \t]*>[ \t]?|\*\*", re.M))
# inline HTML in Markdown or text (<p align="right">落款</p>, <br>, <strong>), removed
# with the Word artifacts (step 3), before lines are joined
_INLINE_HTML = re.compile(
    r"</?(?:p|div|span|br|strong|b|em|i|u|h[1-6]|font|center|sup|sub)\b[^<>\n]{0,200}>", re.I
)
HEADING_START = re.compile(
    rf"^\s*{MD_PREFIX}(?:[一二三四五六七八九十]{{1,3}}\s*[、.．]"
    r"|[（(]\s*[一二三四五六七八九十]{1,3}\s*[）)]"
    r"|\d{1,2}\s*[、．](?!\d)|\d{1,2}\s*\.(?![\d])"
    r"|[（(]\s*\d{1,2}\s*[）)]"
    r"|[①-⑳]"
    r"|第[一二三四五六七八九十]+(?:部分|章|节))"
)

_META_KEYS = (
    "索引号|发布日期|发布时间|成文日期|发文日期|文号|发文字号|发布机构|发文机关|"
    "名称|标题|主题分类|文件分类|所属机构|信息来源|来源|生效日期|有效性|主题词|体裁分类|公开方式|公开范围"
)
_CHROME_RES = [
    first_filtered(re.compile(p))
    for p in (
        r"扫一扫|手机(?:上)?(?:打开|查看|浏览|阅读)|二维码",
        r"(?:浏览|访问|阅读|点击)(?:次数|量|数)\s*[:：]?\s*\d*",
        r"字体?\s*[:：]?\s*[\[【]?\s*大\s*[\]】]?\s*[\[【]?\s*中\s*[\]】]?\s*[\[【]?\s*小",
        r"^(?:[\[【]?\s*(?:打印(?:本页|此页)?|关闭(?:窗口|本页)?|返回(?:顶部)?|收藏|分享|纠错|"
        r"保存|下载|我要纠错)\s*[\]】]?\s*[|/]?\s*){1,6}$",
        r"^分享到|^上一篇|^下一篇|^相关(?:链接|文件|阅读|稿件)|^附件下载|^【?相关解读",
        r"版权所有|主办单位|承办单位|ICP备|网站标识码|技术支持|公网安备|网站地图",
        r"^[-—－–\s]*\d{1,3}[-—－–\s]*$",
        r"^第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?$",
        r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$",
        r"^(?:[-:| ]*\|[-:| ]*)$",
        rf"^(?:{_META_KEYS})\s*[:：|]",
        rf"\|.*(?:{_META_KEYS})|(?:{_META_KEYS}).*\|",
        rf"(?:{_META_KEYS})\s*[:：].{{0,60}}(?:{_META_KEYS})\s*[:：]",
    )
]
# all of them in one search (a line is chrome when any one of them is found in it)
_CHROME_ANY = first_filtered(re.compile("|".join(f"(?:{rx.pattern})" for rx in _CHROME_RES)))
_BREADCRUMB = re.compile(r"^[^。；！？]{0,80}?\S\s*[>＞»›]\s*\S[^。；！？]{0,80}$")
_BREADCRUMB_LEAD = re.compile(
    r"^(?:首页|当前位置|您的位置|您现在的位置|位置|政务公开|信息公开|政府信息公开)"
)

_LINE_END_TERMINAL = "。！？；：…!?;:"
_NO_JOIN_NEXT = re.compile(
    rf"^(?:特此报告|此致|附件|附：|\d{{4}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日$"
    rf"|[〇零一二]{{4}}年|[{HAN}（）()]{{2,30}}(?:委员会|人民政府|政府|管委会|管理委员会|办事处|党工委|党委)$)"
)
_TITLEISH = re.compile(r"(?:报告|总结|情况|通知|意见|方案)$")


@dataclass
class ChromeLine:
    text: str
    start: int  # original offsets
    end: int


@dataclass
class CleanResult:
    mt: MText
    chrome: list[ChromeLine] = field(default_factory=list)
    watermarks: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.mt.text


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=4096)
def _t2s_char(ch: str) -> str:
    return _converter().convert(ch)


def t2s(mt: MText) -> MText:
    conv = _converter()
    text = mt.text
    out = conv.convert(text)
    if out == text:
        return mt
    if len(out) == len(text):
        return MText(out, mt.offs, mt.orig_len)
    # lengths differ (rare phrase conversions): convert per line, then per char
    edits = []
    pos = 0
    for line in text.split("\n"):
        conv_line = conv.convert(line)
        if conv_line != line:
            if len(conv_line) == len(line):
                edits.append((pos, pos + len(line), conv_line))
            else:
                for i, ch in enumerate(line):
                    c2 = _t2s_char(ch)
                    if c2 != ch:
                        edits.append((pos + i, pos + i + 1, c2))
        pos += len(line) + 1
    return mt.edit(edits)


def _fullwidth_repl(m: re.Match) -> str:
    return chr(ord(m.group(0)) - 0xFEE0)


_PUNCT_WIDE = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}


def _punct_edits(text: str) -> list[tuple[int, int, str]]:
    edits = []
    n = len(text)
    for m in _ASCII_PUNCT.finditer(text):
        i = m.start()
        ch = m.group(0)
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < n else ""
        if ch in ",:" and prev.isdigit() and nxt.isdigit():
            continue  # 1,000  09:32
        if ch == ":" and nxt == "/":
            continue  # http://
        near_han = bool(_WIDE_CHAR.match(prev or " ")) or bool(_WIDE_CHAR.match(nxt or " "))
        if ch in ",;" or near_han:
            if ch == "," and prev.isdigit() and nxt.isdigit():
                continue
            if (
                not near_han
                and (prev.isascii() and prev.isalpha())
                and (nxt in " " or nxt.isascii())
            ):
                continue  # English text
            edits.append((i, i + 1, _PUNCT_WIDE[ch]))
    for m in _PARENS.finditer(text):
        inner = m.group(1)
        s, e = m.start(), m.end()
        prev = text[s - 1] if s else ""
        nxt = text[e] if e < n else ""
        if _HAN_CHAR.search(inner) or _HAN_CHAR.match(prev or " ") or _HAN_CHAR.match(nxt or " "):
            edits.append((s, s + 1, "（"))
            edits.append((e - 1, e, "）"))
    edits.sort()
    return edits


def is_heading_line(line: str) -> bool:
    return bool(HEADING_START.match(line))


def _is_chrome(line: str) -> bool:
    s = line.strip()
    if not s:
        return False
    if len(s) <= 120:
        if _CHROME_ANY.search(s):
            # a long sentence that merely mentions 来源/名称 is not chrome
            return not ("。" in s and len(s) > 60 and "|" not in s)
        if (">" in s or "＞" in s or "»" in s or "›" in s) and _BREADCRUMB.match(s):
            if _BREADCRUMB_LEAD.match(s) or s.count(">") + s.count("＞") >= 2 or len(s) <= 40:
                return True
    return False


def _line_spans(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, pos + len(line), line
        pos += len(line) + 1


def _remove_chrome(mt: MText) -> tuple[MText, list[ChromeLine]]:
    chrome: list[ChromeLine] = []
    edits = []
    text = mt.text
    n = len(text)
    for s, e, line in _line_spans(text):
        if _is_chrome(line):
            os_, oe = mt.span(s, e) if e > s else (mt.offs[s] if s < n else 0, 0)
            chrome.append(ChromeLine(line.strip(), os_, oe))
            edits.append((s, min(e + 1, n), ""))
    return mt.edit(edits), chrome


def _find_watermarks(text: str) -> list[str]:
    counts = Counter(
        s
        for s in (line.strip() for line in text.split("\n"))
        if 2 <= len(s) <= 30 and not s.endswith(("。", "；", "：")) and not is_heading_line(s)
    )
    return sorted(
        (s for s, c in counts.items() if c >= 3 and not s.isdigit()), key=len, reverse=True
    )


def _remove_strings(mt: MText, strings: list[str]) -> MText:
    strings = [s for s in strings if s]
    if not strings:
        return mt
    rx = re.compile("|".join(re.escape(s) for s in sorted(set(strings), key=len, reverse=True)))
    return mt.sub(rx, "")


def _join_broken_lines(mt: MText) -> MText:
    text = mt.text
    spans = list(_line_spans(text))
    edits = []
    i = 0
    n = len(spans)
    while i < n - 1:
        s, e, line = spans[i]
        body = line.strip()
        j = i + 1
        while j < n and not spans[j][2].strip() and j - i <= 2:
            j += 1
        if j >= n or not body:
            i += 1
            continue
        nxt_line = spans[j][2]
        nxt = nxt_line.strip()
        if (
            nxt
            and body[-1] not in _LINE_END_TERMINAL
            and not (body[-1] in '”"」』' and len(body) > 1 and body[-2] in _LINE_END_TERMINAL)
            and not is_heading_line(body)
            and not is_heading_line(nxt)
            and not _MD_HEADING_LINE.match(line)
            and not _MD_HEADING_LINE.match(nxt_line)
            and " | " not in body
            and " | " not in nxt
            and not _NO_JOIN_NEXT.match(nxt)
            and not (nxt_line[:1] in (" ", "\u3000", "\t") and j == i + 1 and len(body) < 25)
            and (len(body) >= 16 or body[-1] in "，、,（(“")
            and not (_TITLEISH.search(body) and len(body) < 40)
        ):
            # delete from the end of the visible text of line i to the start of nxt
            cut_from = s + len(line.rstrip())
            cut_to = spans[j][0] + (len(nxt_line) - len(nxt_line.lstrip()))
            a = text[cut_from - 1] if cut_from else ""
            b = text[cut_to] if cut_to < len(text) else ""
            repl = " " if (a.isascii() and a.isalnum() and b.isascii() and b.isalnum()) else ""
            edits.append((cut_from, cut_to, repl))
        i = j
    return mt.edit(edits)


def _space_edits(text: str) -> list[tuple[int, int, str]]:
    edits = []
    n = len(text)
    for m in _SPACE_RUN.finditer(text):
        s, e = m.start(), m.end()
        prev = text[s - 1] if s else "\n"
        nxt = text[e] if e < n else "\n"
        if prev == "\n" or nxt == "\n" or _WIDE_CHAR.match(prev) or _WIDE_CHAR.match(nxt):
            edits.append((s, e, ""))
        elif e - s > 1:
            edits.append((s + 1, e, ""))
    return edits


def clean(
    text: str, *, watermarks: list[str] | None = None, to_simplified: bool = True
) -> CleanResult:
    mt = MText(text)
    mt = mt.sub(_NEWLINES, "\n")
    mt = mt.sub(_SPACES1, " ")
    mt = mt.sub(_ZERO_WIDTH, "")
    mt = mt.sub(_PINYIN, "")
    mt = mt.sub(_WORD_ARTIFACTS, "")
    if "<" in mt.text:
        mt = mt.sub(_INLINE_HTML, "")
    if to_simplified:
        mt = t2s(mt)
    mt = mt.sub(_FULLWIDTH, _fullwidth_repl)
    mt = mt.edit(_punct_edits(mt.text))
    mt, chrome = _remove_chrome(mt)
    found = _find_watermarks(mt.text)
    marks = list(watermarks or []) + found
    if marks:
        mt = _remove_strings(mt, marks)
    mt = _join_broken_lines(mt)
    if "#" in mt.text or "**" in mt.text or ">" in mt.text:
        mt = mt.sub(_MD_MARKUP, "")
    mt = mt.edit(_space_edits(mt.text))
    mt = mt.sub(_MULTI_NL, "\n")
    # trim leading/trailing newlines
    t = mt.text
    lead = len(t) - len(t.lstrip("\n"))
    trail = len(t) - len(t.rstrip("\n"))
    edits = []
    if lead:
        edits.append((0, lead, ""))
    if trail and len(t) - trail > lead:
        edits.append((len(t) - trail, len(t), ""))
    mt = mt.edit(edits)
    return CleanResult(mt, chrome, marks)
