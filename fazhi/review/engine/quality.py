"""Checks a draft cannot fool: placeholders, repeated sentences, text shared by two heads.

Every function takes the clean text (and clean offsets) and returns items in clean
offsets; ``api.py`` maps them to the original and adds the section each item is in.

* **Placeholders** are fill-ins a writer has not filled: ``待填写``, ``待核``, a bracketed
  fill-in (``（原因待填写）``, ``〔待核：……〕``, ``【单位名称】``, ``【】``), ``XX``/``xx``/``××``,
  ``X月X日``/``20XX年``/``X件``, ``○○`` (not the 〇 of a date such as 二〇〇九年), runs of
  ``□`` or underscores. ``某某``/``王某`` are anonymisation, not placeholders.
* **Repeated sentences**: sentences equal after removing whitespace, punctuation and a
  leading enumerator (``一是``, ``（一）``, ``1.``), at least :data:`REPEAT_MIN` characters.
* **Text shared by two heads** (section 三): when the section gives the party secretary
  and the government head (镇长/乡长/主任/局长…) a part each (a sub-heading, or
  paragraphs and sentences that open with the role), a sentence or a clause of at least
  :data:`SHARED_MIN` characters found in both parts. Document titles in 《》 are masked
  (both heads may name the same document); quoted topics are not.
"""

from __future__ import annotations

import re

from .clean import HAN
from .reference import _NON_HAN, MIN_SENTENCE, han_sentences
from .rxfast import first_filtered

REPEAT_MIN = MIN_SENTENCE  # Han characters and digits; shorter sentences are not compared (12)
SHARED_MIN = 15  # a clause shared by two heads
SHARED_SENTENCE_MIN = 8  # a whole sentence shared by two heads

_FILL = r"待填写|待填|待核|待补充|待补|待定|待确认|待更新|请填写|需填写|此处填|TODO|TBD"
_BR_IN = r"[^（）()〔〕【】\[\]\n]{0,30}?"
_FIELD = r"名称|单位|日期|时间|年份|数字|数值|数量|金额|姓名|人数|件数|次数|地点|比例"
_CN_NUM = "一二三四五六七八九十零〇○◯Ｏ"
PLACEHOLDER_RE = first_filtered(
    re.compile(
        # a bracketed fill-in: （原因待填写） 〔待核：全年受理数〕 【请填写】
        rf"[（(〔【\[]{_BR_IN}(?:{_FILL}){_BR_IN}[）)〕】\]]"
        # a 【】 field: 【】 【单位名称】 【日期】
        rf"|【\s*(?:[^【】\n]{{0,8}}(?:{_FIELD}))?\s*】"
        # X月X日, 20XX年X月
        r"|(?:19|20)?(?:[Xx×]{1,4}|[○◯]{1,4})年(?:[Xx×]{1,2}|[○◯]{1,2})月(?:(?:[Xx×]{1,2}|[○◯]{1,2})日)?"
        r"|(?:[Xx×]{1,2}|[○◯]{1,2})月(?:[Xx×]{1,2}|[○◯]{1,2})日"
        # bare fill-in words (not 有待/亟待, not 待核查/待核销)
        r"|(?<![有亟尚正等仍还对接期])待(?:填写|填入|核(?![实查销对办发准]))"
        # XX xx ×× 20XX
        r"|(?:19|20)?(?<![A-Za-z])[Xx×]{2,}(?![A-Za-z])"
        # a single X before a date part, measure word or place: X件 X镇 X%
        r"|(?<![A-Za-z0-9])[Xx×](?=[年月日号时件个名人次场份起条户家所项元万%镇乡村区县市局])"
        # ○○ (not the 〇 of 二〇〇九年)
        rf"|(?<![{_CN_NUM}])[○〇◯]{{2,}}(?![{_CN_NUM}])"
        r"|□{2,}|(?<=[^\s_＿])[_＿]{3,}|[_＿]{3,}(?=[^\s_＿])"
    )
)
# Every placeholder contains one of these; the full pattern (lookarounds at every
# position, ~4 M chars/s) runs only in a window around each, so a clean report is one
# fast pass.
_PH_ANCHOR = re.compile(
    r"待[填核补定确更]|请填写|需填写|此处填|TODO|TBD|【|[Xx×]|[○〇◯]{2}|[○◯](?=[年月日])|□□|[_＿]{3}"
)
_PH_WINDOW = 48
# the anchors' rarest characters, a single class (one fast scan, ~300 M chars/s)
_PH_CHARS = first_filtered(re.compile(r"[待填【Xx×○〇◯□_＿T]"))
_CAUSE_LABEL = re.compile(r"(?:原因|成因|究其原因)(?:主要)?(?:是|在于|为|有)?[：:]?\s*$")

_SENT = re.compile(r"[^。！？；\n]+")
_ENUM = re.compile(
    r"\s*(?:[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[）)]\s*[、.．]?|[一二三四五六七八九十]{1,3}\s*[、.．]"
    r"|\d{1,2}\s*[、.．]|[①-⑳]|[一二三四五六七八九十]{1,3}是|第[一二三四五六七八九十]+[，,、]"
    r"|首先|其次|再次|最后)"
)
_ENUM_FIRST = frozenset("（(一二三四五六七八九十0123456789①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳第首其再最 \t")


def find_placeholders(text: str) -> list[dict]:
    """Every placeholder in ``text``: ``{"text", "start", "end"}`` (offsets into ``text``)."""
    out: list[dict] = []
    last_end = 0
    n = len(text)
    for c in _PH_CHARS.finditer(text):
        p = c.start()
        if p < last_end:
            continue
        # 填 is the third character of 请填写/需填写/此处填
        a = _PH_ANCHOR.match(text, p) or (
            text[p] == "填" and (_PH_ANCHOR.match(text, p - 1) or _PH_ANCHOR.match(text, p - 2))
        )
        if not a or a.start() < last_end:
            continue
        lo = max(last_end, a.start() - _PH_WINDOW)
        for m in PLACEHOLDER_RE.finditer(text, lo, min(n, a.end() + _PH_WINDOW)):
            if m.end() <= a.start():
                continue
            if m.start() <= a.start():
                out.append({"text": m.group(0), "start": m.start(), "end": m.end()})
                last_end = m.end()
            break
    return out


def placeholder_causes(text: str, placeholders: list[dict]) -> tuple[int, str]:
    """Causes that are only placeholders, and ``text`` with every placeholder and every
    empty cause label (``原因：`` followed by nothing but placeholders) blanked out."""
    if not placeholders:
        return 0, text
    out = []
    pos = 0
    n_causes = 0
    for ph in placeholders:
        before = text[pos : ph["start"]]
        lm = _CAUSE_LABEL.search(before)
        if lm:
            before = before[: lm.start()]
        if lm or "原因" in ph["text"]:
            n_causes += 1
        out.append(before)
        out.append(" ")
        pos = ph["end"]
    out.append(text[pos:])
    return n_causes, "".join(out)


def repeated_sentences(text: str, han: list | None = None) -> list[dict]:
    """Sentences that occur more than once: ``{"text", "count", "spans": [(s, e), ...]}``,
    in order of first occurrence. Sentences are compared by their Han characters and
    digits (``han``: :func:`reference.han_sentences`, computed here when not given),
    without a leading enumerator, at least :data:`REPEAT_MIN` of them."""
    if han is None:
        han = han_sentences(text, REPEAT_MIN)
    seen: dict[str, int] = {}  # sentence -> index of its first occurrence in han
    reps: dict[str, list[int]] = {}
    enum_first = _ENUM_FIRST
    for i, (s, e, norm) in enumerate(han):
        if text[s] in enum_first:
            m = _ENUM.match(text, s, e)
            if m:
                norm = norm[len(_NON_HAN.sub("", m.group(0))) :]
                if len(norm) < REPEAT_MIN:
                    continue
        j = seen.setdefault(norm, i)
        if j != i:
            reps.setdefault(norm, [j]).append(i)
    out = []
    for idx in reps.values():
        if len(idx) > 1:
            spans = [_visible(text, han[i][0], han[i][1]) for i in idx]
            a, b = spans[0]
            out.append({"text": text[a:b], "count": len(spans), "spans": spans})
    return out


def _visible(text: str, s: int, e: int) -> tuple[int, int]:
    raw = text[s:e]
    return s + len(raw) - len(raw.lstrip()), e - (len(raw) - len(raw.rstrip()))


# ---------------------------------------------------------------- heads' parts of section 三

_ROLE_LEAD = re.compile(
    rf"^(?:作为)?(?:[{HAN}]{{0,10}}?(?:镇|乡|街道|开发区|园区|区|县|市|局|管委会|办事处))?"
    r"(?:(?:党委|党工委|党组|委)?(?P<party>书记)"
    r"|(?P<gov>镇长|乡长|区长|县长|市长|局长|主任))"
)
# the lookbehinds after the role word (not before it), every alternative starting with
# a literal: the same matches, and ``re`` skips ahead to the words' first characters
_ROLE_PARTY = re.compile(r"书记(?<![副总]书记)")
_ROLE_GOV = re.compile(
    "|".join(f"{w}(?<!副{w})" for w in ("镇长", "乡长", "区长", "县长", "局长"))
    + "|"
    + "|".join(f"{w}主任" for w in ("办事处", "管委会", "管理委员会", "街道"))
)


def _role(s: str) -> tuple[str, str] | None:
    """(class, role word) when ``s`` opens with a head's role: ("party", "书记")."""
    s = s.lstrip()
    e = _ENUM.match(s)
    m = _ROLE_LEAD.match(s[e.end() :] if e else s)
    if not m:
        return None
    if m.group("party"):
        return "party", "书记"
    return "gov", m.group("gov")


def _names_both(s: str) -> bool:
    return bool(_ROLE_PARTY.search(s)) and bool(_ROLE_GOV.search(s))


def head_parts(text: str, spans: list[tuple[int, int]], subheads: list) -> dict:
    """The sentences of section 三 attributed to each head.

    ``spans``: the clean spans of the section-3 parts; ``subheads``: the headings inside
    them (objects with ``start``, ``end``, ``text``, ``level``). Returns
    ``{"party": {"role": "书记", "spans": [...]}, "gov": {...}}`` for the heads found.
    """
    parts: dict[str, dict] = {}

    def add(cls: str, role: str, s: int, e: int) -> None:
        p = parts.setdefault(cls, {"role": role, "spans": []})
        p["spans"].append((s, e))

    # 1. sub-headings naming a head: the whole sub-part is that head's
    head_heads = []
    for h in subheads:
        if h.level > 4:
            continue
        r = _role(h.text)
        if r and not _names_both(h.text):
            head_heads.append((h, r))
    if head_heads:
        for h, (cls, role) in head_heads:
            for m in _SENT.finditer(text, h.start, h.end):
                add(cls, role, m.start(), m.end())
        return parts
    # 2. paragraphs and sentences opening with a head's role; a sentence that follows in
    #    the same paragraph belongs to the same head, a paragraph starts afresh
    for ss, se in spans:
        cur = None
        for m in _SENT.finditer(text, ss, se):
            s = m.group(0)
            if m.start() == 0 or text[m.start() - 1] == "\n":
                cur = None
            if "书记" in s or "长" in s or "主任" in s:  # else no role: skip the regexes
                if _names_both(s):
                    cur = None
                    continue
                r = _role(s)
                if r:
                    cur = r
            if cur:
                add(cur[0], cur[1], m.start(), m.end())
    return parts


# a 《title》 or one word character ([^\W_] is exactly str.isalnum): one scan gives both
_WORD_OR_TITLE = re.compile(r"《[^《》\n]{0,80}》|[^\W_]")


def _norm_with_map(text: str, s: int, e: int, tag: list[int]) -> tuple[str, list[int]]:
    """Word characters of ``text[s:e]`` with their offsets; a 《title》 becomes one
    private-use character unique to it (so titles never match each other). One regex
    scan, the characters and offsets taken from its matches in C."""
    ms = list(_WORD_OR_TITLE.finditer(text, s, e))
    chars = list(map(re.Match.group, ms))
    if "《" in text[s:e]:
        for k, ch in enumerate(chars):
            if len(ch) > 1:  # a title
                chars[k] = chr(0xE000 + (tag[0] % 6000))
                tag[0] += 1
    return "".join(chars), list(map(re.Match.start, ms))


def shared_by_heads(text: str, parts: dict) -> list[dict]:
    """Sentences and clauses found in both heads' parts:
    ``{"text", "length", "spans": {"party": (s, e), "gov": (s, e)}}``."""
    if "party" not in parts or "gov" not in parts:
        return []
    tag = [0]
    a = [_norm_with_map(text, s, e, tag) for s, e in parts["party"]["spans"]]
    b = [_norm_with_map(text, s, e, tag) for s, e in parts["gov"]["spans"]]
    k = SHARED_MIN
    grams: dict[str, tuple[int, int]] = {}
    whole: dict[str, int] = {}
    for ai, (na, _) in enumerate(a):
        if SHARED_SENTENCE_MIN <= len(na) < k:
            whole.setdefault(na, ai)
        for i in range(len(na) - k + 1):
            grams.setdefault(na[i : i + k], (ai, i))
    out = []
    for nb, ob in b:
        if SHARED_SENTENCE_MIN <= len(nb) < k and nb in whole:
            na, oa = a[whole[nb]]
            out.append(_shared_item(text, nb, oa[0], oa[-1] + 1, ob[0], ob[-1] + 1))
            continue
        i = 0
        while i <= len(nb) - k:
            hit = grams.get(nb[i : i + k])
            if hit is None:
                i += 1
                continue
            ai, j = hit
            na, oa = a[ai]
            n = k
            while i + n < len(nb) and j + n < len(na) and nb[i + n] == na[j + n]:
                n += 1
            if nb[i] == "某" and n > k:  # the tail of two anonymised names (李某/刘某)
                i, j, n = i + 1, j + 1, n - 1
            out.append(
                _shared_item(
                    text, nb[i : i + n], oa[j], oa[j + n - 1] + 1, ob[i], ob[i + n - 1] + 1
                )
            )
            i += n
    return out


def _shared_item(text: str, norm: str, as_: int, ae: int, bs: int, be: int) -> dict:
    return {
        "text": text[bs:be],
        "length": len(norm),
        "spans": {"party": (as_, ae), "gov": (bs, be)},
    }
