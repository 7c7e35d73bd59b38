"""Quantitative statements (facts) and mechanism tags.

A fact is a number with a measure word or a percentage/money unit, e.g. ``调解矛盾纠纷100余起``
-> value 100, unit 起, approx True, subject 调解矛盾纠纷, mechanism 调解. Dates, years,
ordinals (第一), document numbers, law names, phone numbers, section numbers and slogans
(四个意识, 十九大, "三项制度") are not facts.

Each fact has a ``kind``: ``result`` (what was done), ``target`` (a goal: "未达到80%的目标",
"目标为95%") or ``threshold`` (a bound, with ``bound`` min/max: "不少于40小时",
"50万元以上纠纷", "3万元以下罚款"). Targets and thresholds stay in the list so a caller can
show them, but they are not results: the checks count results only.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from itertools import accumulate, compress, repeat
from operator import add

from .clean import HAN
from .rxfast import first_filtered, min_width

MECHANISMS = (
    "学法", "普法", "决策", "规范性文件", "执法", "调解", "信访", "热线", "法律顾问",
    "公共法律服务", "政务公开", "整改", "领导责任", "经费", "复议诉讼", "其他",
)  # fmt: skip

# priority order: the more specific mechanisms first
_MECH_RULES = [
    (name, re.compile(rx))
    for name, rx in (
        ("法律顾问", r"法律顾问"),
        ("热线", r"12345|8890|热线|市长信箱|网络问政|诉求"),
        ("信访", r"信访|上访|接访|下访|来访|访件|积案|越级访"),
        ("复议诉讼", r"复议|诉讼|应诉|败诉|出庭|行政案件"),
        ("规范性文件", r"规范性文件|备案审查|红头文件"),
        (
            "决策",
            r"决策|集体讨论|三重一大|风险评估|专家论证|公众参与|合同审查|合法性审查|"
            # the lookbehinds after 合同 (not before it), so that every alternative
            # starts with a literal and ``re`` skips ahead to the first characters
            r"审查.{0,4}合同|合同(?<!劳动合同)(?<!劳务合同)(?!纠纷|争议|诈骗)",
        ),
        (
            "执法",
            r"执法|处罚|罚款|罚没|行政检查|行政强制|行政许可|三项制度|执法证|"
            r"安全.{0,4}(?:检查|排查|隐患)|隐患|消防检查",
        ),
        ("调解", r"调解|纠纷|调处|排查|矛盾|调委会|化解率"),
        (
            "公共法律服务",
            r"公共法律服务|法律援助|法律咨询|法律服务|公证|司法救助|法治体检|"
            r"农民工|欠薪|讨薪|追回.{0,6}工资|挽回.{0,6}损失",
        ),
        (
            "学法",
            r"学法|学习.{0,6}法|法治讲座|法律讲座|专题讲座|中心组|专题研讨|专题学习|集中学习|"
            r"党课|培训|考试|"
            r"参学率|参考率|优秀率|学时|旁听庭审|法治课",
        ),
        (
            "普法",
            r"普法|宣传|法治文化|法律明白人|宪法|民主法治|宣讲|手册|读本|"
            # (?:宣传|普法|法治|法律|发放)X written out as 宣传X|普法X|…: the same
            # matches in the same order, each alternative starting with a literal
            + "|".join(
                f"{w}[^，。；]{{0,6}}(?:资料|材料)"
                for w in ("宣传", "普法", "法治", "法律", "发放")
            )
            + "|"
            r"法治教育|法制教育|法治副校长|法制副校长",
        ),
        ("政务公开", r"政务公开|信息公开|公开|公示"),
        ("整改", r"整改|督察|督查|问题清单|反馈问题"),
        (
            "领导责任",
            r"第一责任人|领导小组|主要负责人|述法|专题会议|常务会议|党委会|党工委会|"
            r"领导班子|书记",
        ),
        ("经费", r"经费|预算|专项资金|资金保障|财政投入|拨付"),
    )
]

_ARABIC = r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CN = r"[一二两三四五六七八九十][零〇一二两三四五六七八九十百千]*"
_UNITS = (
    "人次|件次|户次|场次|批次|个百分点|百分点|平方米|公里|小时|学时|课时|余人|"
    "元|%|件|起|次|场|份|个|条|名|户|人|期|篇|家|所|处|项|批|轮|天|册|本|张|幅|块|宗|位|支|"
    "套|台|部|节|堂|趟|类|期|万册|座|间|亩|吨|辆"
)
FACT_RE = re.compile(
    r"(?P<pre>累计超过|累计达到|累计达|共计|总计|合计|不超过|不高于|不多于|超过|达到|不少于|不低于|"
    r"将近|大约|多达|高达|"
    r"近|约|逾|超|共|累计|达)?"
    r"(?:(?P<cnt>[一二两三四五六七八九十])个(?=\d))?"
    rf"(?P<num>{_ARABIC}|{_CN})"
    r"(?P<ap1>余|多|来)?"
    r"(?P<mult>万|亿)?"
    r"(?P<ap1b>余|多)?"
    rf"(?P<unit>{_UNITS})"
    r"(?P<ap2>以上|以下|以内|左右|上下|余|多)?"
)
FACT_RE = first_filtered(FACT_RE)  # the same matches, most positions rejected by one test
_PERCENT_CN = re.compile(rf"百分之(?P<num>{_CN}(?:点[零〇一二三四五六七八九]+)?)")
_APPROX_WORDS = {"余", "多", "来", "以上", "以下", "以内", "左右", "上下", "近", "约", "逾", "超过",
                 "累计超过", "将近", "大约", "多达", "超"}  # fmt: skip
# Targets and thresholds are figures of another kind, not results: "未达到80%的目标",
# "目标为95%", "不少于40小时", "50万元以上纠纷" (以上/以下 before the noun it bounds).
# "接受宣传的人数在1000人以上，" ends its clause: a result, approximate.
KINDS = ("result", "target", "threshold", "rank", "count", "structure")
_THRESHOLD_PRE = {
    "不少于": "min",
    "不低于": "min",
    "不超过": "max",
    "不高于": "max",
    "不多于": "max",
}
_THRESHOLD_AP2 = {"以上": "min", "以下": "max", "以内": "max"}
_TARGET_BEFORE = re.compile(r"目标(?:值|任务)?(?:为|是|设定为|定为|确定为)?[：:]?\s*[（(]?$")
_TARGET_AFTER = re.compile(r"(?:的)?(?:年度|工作|考核)?目标")
_ATTRIBUTIVE = re.compile(rf"[{HAN}]")
_CLASSIFIERS = set("个名家所处支项条批位户件起场份期篇座间辆台部套")
_SLOGAN_AFTER = re.compile(
    r"(?:制度|意识|自信|维护|全面|务必|确保|坚持|代表|一|到位|服务|机制|清单|结合|联动|率先|"
    r"不出|化|体系|工程|行动|目标|作风|基本|原则|方面|关键|环节|责任|覆盖)"
)
_SKIP_BEFORE = re.compile(r"(?:第|以下|下列|如下|这|那|上述|前|后|每|其中之|各|逐|哪)$")
_MASK_PAIRS = re.compile(
    r"《[^《》\n]{0,60}》|〔[^〔〕\n]{0,20}〕|“[^“”\n]{0,12}”|\"[^\"\n]{0,12}\""
)
_CLAUSE_BREAK = re.compile(r"[，。；：！？\n,;:!?]")
_SENT_BREAK = "。！？；\n"
# leading words, not characters: "其中来访34件" keeps 来访 (a class of characters cut it)
_LEAD_STRIP = re.compile(
    r"^(?:[、和及与共已还]|并且|同时|此外|另外|其中|全年|今年以来|今年|年内|截至目前|目前|为止|"
    r"我镇|我区|我街道|我乡|全镇|全区|全乡|一年来|累计|先后|"
    r"20\d\d年(?:度)?(?:以来)?|\d{1,2}月(?:份)?(?:以来)?)+"
)
_TRAIL_STRIP = first_filtered(
    re.compile(
        r"(?:共计|总计|合计|累计|均达到|均达|分别为|分别|达到|超过|共|均|达|为|在|有|约|近|了|计|是|的|已)+$"
    )
)
_MONEY_FUNDING = re.compile(r"经费|预算|资金|投入|拨付|财政|列支|支出|补助|奖补")
_OBJECT = re.compile(rf"[{HAN}]{{1,8}}(?:（[^（）\n]{{1,8}}）)?")
_OBJECT_STOP = first_filtered(re.compile(r"[的和及与在中分都均共等以进被]"))

# --- ranks, positions and batches: "在全市年度考核中位列第三名", "综合排名全省第2位",
# "获评第五批全国法治创建先进县", "8月全区排名第4", "全省第10名". One pass finds 第N; the
# few hits are judged by the words around them (a verb of ranking or a scope before,
# a list of honours after a batch).
_CN_SMALL = r"[一二三四五六七八九十]{1,3}"
RANK_RE = re.compile(rf"第(?P<num>\d{{1,3}}|{_CN_SMALL})(?P<unit>名|位|批(?!次)|)")
_SCOPE = r"全国|全省|全市|全州|全盟|全区|全县|全旗|全镇|全乡|全街道|省|市|州|区|县"
_SCOPE_RE = re.compile(rf"(?:{_SCOPE})(?:级|内|范围内)?")
_RANK_VERB = re.compile(r"排名|排位|排在|排|位列|位居|名列|列|居|位次")
_RANK_CONTEXT = first_filtered(
    re.compile(
        rf"(?:排名|排位|排在|位列|位居|名列|居|列|考核|考评|测评|评比|评估|评议|竞赛|比赛|荣获|获得|获)"
        rf"[^，。；：\n]{{0,14}}$|(?:{_SCOPE})(?:排名)?$"
    )
)
_RANK_BARE_BEFORE = re.compile(rf"(?:排名|排位|排在|位列|位居|名列)(?:{_SCOPE})?$")
_BATCH_CONTEXT = re.compile(
    r"示范|先进|试点|名单|创建|民主法治|命名|称号|荣誉|单位|优秀|标杆|品牌|基地"
)
_BATCH_BEFORE = re.compile(r"(?:获评|入选|命名为|被命名|评为|列入|获得|荣获|成功创建|创成|获批)$")
_NOT_RANK_AFTER = re.compile(r"[次届期季章条款项节部篇款步轮阶次个年号天]")
_RANK_LEAD = re.compile(r"^(?:在|于|经|被|我镇|我区|我县|我乡|我街道|全年|年度)+")
_RANK_TRAIL = re.compile(r"(?:中|里|上)?(?:排在|位列|位居|名列|居|列|获评|荣获|获得|获)*$")

# --- counts of the report's own parts: "3大行动", "六方面", "七方面21个要点",
# "做好以下三项工作". They count headings, not work done.
# (?P<num>\d{1,2}|[一…十]{1,3}|两) written as its first character, then the rest of the
# one alternative that character opens: the same matches, and ``re`` skips ahead to
# those characters instead of trying the pattern at every position
COUNT_RE = re.compile(
    r"(?P<num>[\d一二三四五六七八九十两]"
    r"(?:(?<=\d)\d?|(?<=[一二三四五六七八九十])[一二三四五六七八九十]{0,2}|(?<=两)))"
    rf"(?P<unit>个方面|方面|大(?=[{HAN}])|项(?=(?:重点)?(?:工作|举措|措施|任务|行动|内容|要求)))"
)
_NOT_COUNT_BEFORE = re.compile(r"(?:党的|第|届|十|二十)$")
_NOT_COUNT_AFTER = re.compile(r"精神|报告|以来|召开|胜利|代表|期间|会议|和|、|）|”")
_COUNT_TAIL = re.compile(r"\d{1,3}(?:个|项|条)")

# --- organisation make-up: "组建1支……队伍", "由12名律师组成", "4名……为成员", "下设3个"
_STRUCT_AFTER = re.compile(r"[^，。；\n]{0,16}?(?:组成|构成|为成员|任成员|为组员|任副组长|任组长)")
_STRUCT_TEAM = re.compile(r"[^，。；\n]{0,24}?(?:队伍|分队|服务队|宣讲队|小分队|队)")
_STRUCT_BEFORE = re.compile(r"(?:由|下设|设立|内设)[^，。；\n]{0,6}$")
# --- a plan or pledge: "力争……达到98%以上", "确保……达到三个100%" state a goal
# (a pledge word governs its sentence; 计划/预计/拟 only their clause)
_PLEDGE_BEFORE = first_filtered(
    re.compile(
        r"(?:力争|争取|确保|力求)[^。；！？\n]*$|(?:(?<![按照])计划(?![内外生])|预计|拟)[^，。；：！？\n]*$"
    )
)


@lru_cache(maxsize=4096)
def cn_to_number(s: str) -> float | None:
    try:
        import cn2an

        return cn2an.cn2an(s, "smart")
    except Exception:
        return None


def _num(s: str) -> Decimal | None:
    if s[0].isdigit():
        try:
            return Decimal(s.replace(",", ""))
        except InvalidOperation:
            return None
    v = cn_to_number(s)
    return None if v is None else Decimal(str(v))


def _clean_value(d: Decimal) -> int | float:
    return int(d) if d == d.to_integral_value() else float(d)


# all rules in one alternation (priority order at equal positions): one pass per text
_MECH_ANY = re.compile("|".join(f"(?P<m{i}>{rx.pattern})" for i, (_, rx) in enumerate(_MECH_RULES)))
_MECH_ANY = first_filtered(_MECH_ANY)
_MECH_MIN = min_width(_MECH_ANY)  # no rule names a mechanism in fewer characters (2)
# each rule with its first-character filter, for the rule-by-rule searches
_MECH_RULES_FAST = [(name, first_filtered(rx)) for name, rx in _MECH_RULES]
_MECH_NAMES = {f"m{i}": name for i, (name, _) in enumerate(_MECH_RULES)}


def mechanism_of(*texts: str) -> str | None:
    """The first rule (in priority order) found in the first text that has one."""
    for t in texts:
        if not t:
            continue
        for name, rx in _MECH_RULES_FAST:
            if rx.search(t):
                return name
    return None


def nearest_mechanism(text: str, end: int, start: int = 0) -> str | None:
    """The mechanism named most often in ``text[start:end]``, the one nearest ``end``
    among equals — the words before a figure name what it counts ("组织法律顾问……开展
    宣讲36场" is 普法, not 法律顾问; "接访和下访……提供法律咨询服务，解决问题100余件" is
    信访)."""
    if min(end, len(text)) - start < _MECH_MIN:
        return None  # too short to name one (most figures have no subject)
    counts: dict[str, int] = {}
    last: dict[str, int] = {}
    for m in _MECH_ANY.finditer(text, start, end):
        g = m.lastgroup
        counts[g] = counts.get(g, 0) + 1
        last[g] = m.end()
    if not counts:
        return None
    return _MECH_NAMES[max(counts, key=lambda g: (counts[g], last[g]))]


def mechanisms_in(text: str) -> list[str]:
    return [name for name, rx in _MECH_RULES_FAST if rx.search(text)]


def _masked_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _MASK_PAIRS.finditer(text)]


def _in_spans(pos: int, starts: list[int], spans: list[tuple[int, int]]) -> bool:
    i = bisect_right(starts, pos) - 1
    return i >= 0 and spans[i][0] < pos < spans[i][1]


def _span_at(pos: int, starts: list[int], spans: list[tuple[int, int]]) -> int:
    return spans[bisect_right(starts, pos) - 1][0]


def _bounds(text: str, pos: int, chars: str) -> tuple[int, int]:
    """``[s, e)`` around ``pos`` up to the nearest characters of ``chars`` (excluded):
    the line (``"\\n"``) or the sentence (:data:`_SENT_BREAK`), found without a loop."""
    if chars == "\n":
        e = text.find("\n", pos)
        return text.rfind("\n", 0, pos) + 1, (len(text) if e < 0 else e)
    if chars != _SENT_BREAK:
        raise ValueError(chars)
    brk = _breaks(text)[0]
    i = bisect_left(brk, pos)
    return (brk[i - 1] + 1 if i else 0), (brk[i] if i < len(brk) else len(text))


_SENT_BREAK_SET = frozenset(_SENT_BREAK)
_CLAUSE_SPLIT = re.compile(f"({_CLAUSE_BREAK.pattern})")
_last_breaks: tuple = (None, ([], []))


def _breaks(text: str) -> tuple[list[int], list[int]]:
    """Offsets of the sentence breaks and of the clause breaks in ``text``, from one
    regex split (offsets as running sums, no Match object per break), kept for the
    last text seen (every fact of a text asks for them)."""
    global _last_breaks
    last = _last_breaks
    if last[0] is text:
        return last[1]
    # one split: every sentence break is a clause break, told apart by its character
    parts = _CLAUSE_SPLIT.split(text)
    seps = parts[1::2]
    clause = list(accumulate(map(len, parts)))[0:-1:2]
    res = (list(compress(clause, map(_SENT_BREAK_SET.__contains__, seps))), clause)
    _last_breaks = (text, res)
    return res


def extract_facts(text: str) -> list[dict]:
    """Facts in clean ``text``; offsets are clean offsets (the caller maps them)."""
    spans = _masked_spans(text)
    starts = [s for s, _ in spans]
    facts: list[dict] = []
    last_end = 0
    n = len(text)
    matches = list(FACT_RE.finditer(text))
    for m in _PERCENT_CN.finditer(text):
        matches.append(m)
    matches.sort(key=lambda m: m.start())
    has_goal = "目标" in text  # most reports state no target next to a figure
    special = _ranks(text, spans, starts) + _counts(text, spans, starts)
    special.sort(key=lambda f: f["start"])
    sp_starts = [f["start"] for f in special]
    for m in matches:
        gd = m.groupdict()
        num_s = gd["num"]
        num_start = m.start("num")
        start, end = m.start(), m.end()
        if start < last_end:
            continue
        before = text[max(0, start - 4) : start]
        after = text[end : end + 4]
        is_cn = not num_s[0].isdigit()
        cn_percent = "unit" not in gd
        unit = "%" if cn_percent else gd["unit"]
        # --- exclusions
        if _in_spans(num_start, starts, spans):
            continue
        if special:
            i = bisect_right(sp_starts, start) - 1
            if i >= 0 and special[i]["end"] > start:
                continue  # inside a rank or a count
            if i + 1 < len(special) and special[i + 1]["start"] < end:
                continue
        if _SKIP_BEFORE.search(before) and not gd.get("pre"):
            continue
        prev_ch = text[start - 1] if start else " "
        if prev_ch.isascii() and (prev_ch.isalnum() or prev_ch in "-_/.·"):
            continue
        if prev_ch in "·．" or (after[:1].isascii() and after[:1].isalnum() and unit != "%"):
            continue
        if not is_cn and len(num_s.replace(".", "").replace(",", "")) >= 7 and unit not in ("元",):
            continue  # phone numbers, ids
        if is_cn and not cn_percent:
            if num_s == "一" and not gd.get("pre"):
                continue
            if _SLOGAN_AFTER.match(after) or (unit in ("个", "项") and after[:1] in "“\"'"):
                continue
            if (
                unit in ("个", "项", "条", "类", "批")
                and not gd.get("pre")
                and after[:1] in "方面大"
            ):
                continue
        value = _num(num_s) if not cn_percent else None
        if cn_percent:
            s_num = num_s.replace("点", ".")
            if "." in s_num:
                a, b = s_num.split(".", 1)
                iv = cn_to_number(a)
                frac = "".join(str(int(cn_to_number(c) or 0)) for c in b)
                value = None if iv is None else Decimal(f"{int(iv)}.{frac}")
            else:
                v = cn_to_number(s_num)
                value = None if v is None else Decimal(str(v))
        if value is None:
            continue
        mult = gd.get("mult")
        if mult == "万":
            value *= 10000
        elif mult == "亿":
            value *= 100000000
        if unit == "余人":
            unit, ap_extra = "人", True
        else:
            ap_extra = False
        if unit in ("万元", "亿元"):  # pragma: no cover - handled through mult
            unit = "元"
        pre = gd.get("pre") or ""
        ap1, ap2 = (gd.get("ap1") or "") + (gd.get("ap1b") or ""), gd.get("ap2") or ""
        approx = bool(
            ap_extra or ap1 or ap2 in _APPROX_WORDS or pre in _APPROX_WORDS or "超过" in pre
        )
        kind, bound, pledge = "result", None, False
        if has_goal and (
            _TARGET_AFTER.match(text, end) or _TARGET_BEFORE.search(text, max(0, start - 10), start)
        ):
            kind = "target"
        elif pre in _THRESHOLD_PRE:
            kind, bound = "threshold", _THRESHOLD_PRE[pre]
        elif ap2 in _THRESHOLD_AP2 and end < n and _ATTRIBUTIVE.match(text, end):
            kind, bound = "threshold", _THRESHOLD_AP2[ap2]
        elif unit in ("支", "名", "个", "人") and (
            (unit == "支" and _STRUCT_TEAM.match(text, end))
            or _STRUCT_AFTER.match(text, end)
            or _STRUCT_BEFORE.search(text, max(0, start - 8), start)
        ):
            kind = "structure"  # how a body is made up, not work done
        else:
            if _PLEDGE_BEFORE.search(text, max(0, start - 60), start):
                kind, pledge = "target", True  # a pledge: 力争……达到98%
        if kind != "result":
            approx = False  # a bound or a goal, not an approximate result
        if unit == "百分点":
            unit = "个百分点"
        # --- subject: the phrase before the figure within its clause
        cs = _clause_start(text, start)
        if last_end > cs:
            cs = last_end
        subject = text[cs:start]
        subject = _LEAD_STRIP.sub("", subject)
        subject = _TRAIL_STRIP.sub("", subject).strip("、 ")
        if len(subject) > 20:
            subject = subject[-20:]
        obj = None
        if unit in _CLASSIFIERS and end < n:
            om = _OBJECT.match(text, end)
            if om:
                o = om.group(0)
                stop = _OBJECT_STOP.search(o, 1)
                if stop and "（" not in o[: stop.start()]:
                    o = o[: stop.start()]
                obj = o or None
        if not subject and obj:
            subject = obj
        ss, se = _bounds(text, start, _SENT_BREAK)
        ps, pe = _bounds(text, start, "\n")
        # topic: the subject's and the sentence's words nearest the figure, read with
        # the unit: an amount is 经费 only when it is money spent or budgeted on the work
        # (a dispute's amount involved, a contract's value, a fine are not)
        if unit == "元" and _MONEY_FUNDING.search(text, cs, start):
            mech = "经费"
        else:
            mech = (
                nearest_mechanism(subject + (obj or ""), len(subject) + len(obj or ""))
                or nearest_mechanism(text, start, ss)
                or mechanism_of(text[ss:se], text[ps:pe])
                or "其他"
            )
        fact = {
            "text": text[start:end],
            "subject": subject or None,
            "value": _clean_value(value),
            "unit": unit,
            "approx": approx,
            "mechanism": mech,
            "start": start,
            "end": end,
            "qualifier": pre or None,
            "object": obj,
            "statement": text[cs:end],
            "kind": kind,
        }
        if bound:
            fact["bound"] = bound
        if pledge:
            fact["pledge"] = True
        if gd.get("cnt"):
            c = cn_to_number(gd["cnt"])
            fact["count"] = int(c) if c is not None else None
        facts.append(fact)
        last_end = end
    if special:
        facts.extend(special)
        facts.sort(key=lambda f: f["start"])
    return facts


def _scope(s: str) -> str | None:
    m = _SCOPE_RE.search(s)
    if not m:
        return None
    w = m.group(0)
    return w if w.startswith("全") else "全" + w.rstrip("级内范围")


def _clause_start(text: str, pos: int) -> int:
    brk = _breaks(text)[1]
    i = bisect_left(brk, pos)
    return brk[i - 1] + 1 if i else 0


def _clause_end(text: str, pos: int) -> int:
    m = _CLAUSE_BREAK.search(text, pos)
    return m.start() if m else len(text)


def _special_fact(text, start, end, value, unit, kind, subject, **extra) -> dict:
    ss, se = _bounds(text, start, _SENT_BREAK)
    cs = _clause_start(text, start)
    f = {
        "text": text[start:end],
        "subject": subject or None,
        "value": value,
        "unit": unit,
        "approx": False,
        "mechanism": nearest_mechanism(text, start, ss) or mechanism_of(text[ss:se]) or "其他",
        "start": start,
        "end": end,
        "qualifier": None,
        "object": None,
        "statement": text[cs:end],
        "kind": kind,
    }
    f.update(extra)
    return f


def _ranks(text: str, spans, starts) -> list[dict]:
    """Ranks, positions and batches: ``kind`` "rank", ``value`` the place, ``unit``
    名/位/批, ``ranked`` what is ranked, ``among`` the scope (全省, 全市…)."""
    if "第" not in text:
        return []
    out = []
    for m in RANK_RE.finditer(text):
        s, e = m.start(), m.end()
        if _in_spans(s, starts, spans) or _in_spans(m.start("num"), starts, spans):
            continue
        unit = m.group("unit")
        nxt = text[e : e + 1]
        cs = _clause_start(text, s)
        before = text[cs:s]
        if unit == "批":
            ce = _clause_end(text, e)
            after = text[e:ce]
            if not (_BATCH_CONTEXT.search(after) or _BATCH_BEFORE.search(before)):
                continue
            ranked = after.lstrip('的“"')[:24] or None
            among = _scope(after[:4]) or _scope(before[-6:])
        else:
            if unit == "" and not _RANK_BARE_BEFORE.search(before):
                continue
            if unit == "" and nxt and (_NOT_RANK_AFTER.match(nxt) or nxt in "名位批"):
                continue
            if unit and not _RANK_CONTEXT.search(before):
                continue
            among = _scope(before)
            ranked = _RANK_LEAD.sub("", before)
            if among:
                ranked = ranked.replace(among, "").replace(among[1:], "", 1) if ranked else ranked
            ranked = _RANK_TRAIL.sub("", ranked or "").strip("在中 ") or None
        v = _num(m.group("num"))
        if v is None:
            continue
        out.append(
            _special_fact(
                text,
                s,
                e,
                _clean_value(v),
                unit or "名",
                "rank",
                ranked,
                ranked=ranked,
                among=among,
            )  # fmt: skip
        )
    return out


def _counts(text: str, spans, starts) -> list[dict]:
    """Counts of parts: "3大行动", "六方面", "七方面21个要点", "以下三项工作" (``kind``
    "count")."""
    if "方面" not in text and "大" not in text and "项" not in text:
        return []
    out = []
    for m in COUNT_RE.finditer(text):
        s, e = m.start(), m.end()
        if _in_spans(s, starts, spans) and text[_span_at(s, starts, spans)] not in '“"':
            continue  # quoted counts ("“3大行动”") are still counts; titles are not
        prev = text[s - 1 : s]
        if prev and (prev.isdigit() or prev in "第."):
            continue
        if _NOT_COUNT_BEFORE.search(text, max(0, s - 3), s):
            continue
        unit = m.group("unit")
        if m.group("num") == "一":
            continue  # 一方面……另一方面, 一项重要工作: an article, not a count
        if unit == "大" and _NOT_COUNT_AFTER.match(text, e):
            continue
        v = _num(m.group("num"))
        if v is None:
            continue
        ce = _clause_end(text, e)
        obj = text[e:ce][:12] or None
        out.append(_special_fact(text, s, e, _clean_value(v), unit.lstrip("个"), "count", obj))
        t = _COUNT_TAIL.match(text, e)
        if t:  # 七方面21个要点: the figure after a count of parts counts them too
            tv = _num(t.group(0)[:-1])
            out.append(
                _special_fact(text, e, t.end(), _clean_value(tv), t.group(0)[-1], "count", obj)
            )
    return out


def not_counted_thing(f: dict) -> bool:
    """A result figure whose clause names nothing it counts (``全年共4次``), unless it
    continues a list that does (``分别为29件、28件``, ``其中……、来信15件``)."""
    subj = f.get("subject") or ""
    if len(subj) >= 2 or f.get("object"):
        return False
    st = f.get("statement") or ""
    return not (st[:1] in "、和及与" or st.startswith(("分别", "均", "各")))


# each rule wrapped in one group: ``split`` gives the pieces between its matches and the
# matches themselves, so their offsets come from running sums computed in C
_MECH_RULES_SPLIT = [(name, re.compile(f"({rx.pattern})")) for name, rx in _MECH_RULES_FAST]


def tag_paragraphs(text: str) -> list[dict]:
    """The mechanisms each paragraph (line) names, in rule order; ``["其他"]`` if none.

    One ``split`` per rule over the whole text instead of one search per rule and line:
    the running sum of the pieces' lengths gives each match's start, its line is found
    by bisection, both in C. A match that lies within a line is a match of that line
    (the rules' lookarounds read a line end as they read the text's end); a match that
    runs across a line end can hide one inside the line, so those lines are searched on
    their own."""
    lines = text.split("\n")
    starts = list(accumulate(map(add, map(len, lines), repeat(1)), initial=0))[:-1]
    found: list[list[str]] = [[] for _ in lines]
    for (name, rx), (_, srx) in zip(_MECH_RULES_FAST, _MECH_RULES_SPLIT, strict=True):
        parts = srx.split(text)
        if len(parts) == 1:
            continue
        matched = parts[1::2]
        ends = list(accumulate(map(len, parts)))
        # match k starts where piece k ends (ends[2k]); its line by bisection
        lno = list(map(bisect_right, repeat(starts), ends[0::2][: len(matched)]))  # line + 1
        if "\n" not in "".join(matched):  # no match runs across a line end
            for i in sorted(set(lno)):
                found[i - 1].append(name)
            continue
        within = {lno[k] - 1 for k, m in enumerate(matched) if "\n" not in m}
        recheck: set[int] = set()
        for k in (k for k, m in enumerate(matched) if "\n" in m):
            recheck.update(range(lno[k] - 1, bisect_right(starts, ends[2 * k + 1] - 1)))
        for i in sorted(within | recheck):
            if i in within or rx.search(lines[i]):
                found[i].append(name)
    out = []
    for i, line in enumerate(lines):
        if line.strip():
            out.append(
                {
                    "start": starts[i],
                    "end": starts[i] + len(line),
                    "mechanisms": found[i] or ["其他"],
                }
            )
    return out
