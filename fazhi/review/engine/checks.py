"""Compliance and quality checks. Each check is ``{code, ok, reason, ...details}``;
``ok`` is True, False, or None when it cannot be decided (the reason says why)."""

from __future__ import annotations

import re
from datetime import date

from .clean import HAN
from .facts import mechanisms_in
from .quality import SHARED_MIN, find_placeholders, placeholder_causes
from .rxfast import first_filtered
from .sections import STATUTORY_NAMES

SET_PHRASES = re.compile(
    r"有待(?:进一步)?(?:提高|提升|加强|增强|完善|深化|改进|健全)"
    r"|不够(?:平衡|深入|到位|完善|健全|全面|扎实|强|高|广泛|有力)"
    r"|(?:还)?存在(?:着)?一定(?:的)?差距|(?:意识|观念)(?:还)?(?:比较|较为)?(?:淡薄|薄弱|不强)"
    r"|(?:发展|工作)?不平衡|需(?:要)?进一步(?:加强|提高|提升|完善|加大|畅通)|[仍还]需(?:加强|提高|提升|加大)"
    r"|亟待(?:加强|提高|提升)|有所欠缺|参差不齐|存在短板|不够(?:到位)?|需加强|需提升|需加大|需贯通"
)
CAUSAL = re.compile(r"原因|由于|导致|因为|受[^，。；]{1,24}影响|造成|致使|以致|源于|究其")
NAMED_PLACE = first_filtered(
    re.compile(
        rf"(?<![各每全本该个部分])[{HAN}]{{2,4}}(?:村|社区|街道|站|所|中心|大队)(?![民级务委干组])"
    )
)
_SENT = re.compile(r"[^。！？；\n]+")

DENSITY_MIN = 0.5  # figures per 1000 characters
BOILERPLATE_MAX = 0.5


def _check(code: str, ok, reason: str, **extra) -> dict:
    d = {"code": code, "ok": ok, "reason": reason}
    d.update(extra)
    return d


def check_sections_present(present: set[int]) -> dict:
    required = [1, 2, 3, 4]
    missing = [n for n in required if n not in present]
    if not missing:
        return _check(
            "sections_present",
            True,
            "法定第1-4部分齐全"
            + ("，含第5部分" if 5 in present else "（第5部分“其他需要报告的情况”未单列，可选）"),
        )
    names = "、".join(f"{n}.{STATUTORY_NAMES[n]}" for n in missing)
    return _check("sections_present", False, f"缺少法定部分：{names}", missing=missing)


def check_sections_order(order: list[int]) -> dict:
    if len(order) < 2:
        return _check("sections_order", None, "可识别的法定部分不足两个，无法判断顺序")
    bad = [(a, b) for a, b in zip(order, order[1:], strict=False) if b < a]
    if not bad:
        return _check("sections_order", True, "法定部分顺序正确：" + "→".join(map(str, order)))
    a, b = bad[0]
    return _check(
        "sections_order",
        False,
        f"法定部分顺序不符：第{b}部分出现在第{a}部分之后（实际顺序 {'→'.join(map(str, order))}）",
    )


def check_shortcomings(text: str | None, n_figures: int, n_placeholders: int = 0) -> dict:
    """Part 2 is concrete and gives causes. A placeholder is not content: a cause that is
    only a placeholder (``原因：（原因待填写）``) is not a cause, and fails the check; so
    does any placeholder elsewhere in the report (``n_placeholders``: all of them) — a
    draft with a fill-in left never passes."""
    if text is None:
        return _check("shortcomings_concrete", False, "没有“存在的不足和原因”部分")
    ph = find_placeholders(text)
    n_ph_causes, text = placeholder_causes(text, ph)
    sents = [s for s in _SENT.findall(text) if len(s.strip()) >= 4]
    phrases = [m.group(0) for m in SET_PHRASES.finditer(text)]
    causal = [m.group(0) for m in CAUSAL.finditer(text)]
    mechs = [m for m in mechanisms_in(text) if m != "其他"]
    places = sorted({m.group(0) for m in NAMED_PLACE.finditer(text)})
    concrete = n_figures + len(places) + (1 if len(mechs) >= 2 else 0)
    ph_elsewhere = max(0, n_placeholders - len(ph))
    ok = (
        bool(causal)
        and concrete >= 1
        and (len(phrases) <= max(2, len(sents)))
        and not n_ph_causes
        and not ph
        and not ph_elsewhere
    )
    parts = [
        f"{len(sents)}句",
        f"套话{len(phrases)}处" + (f"（{'、'.join(dict.fromkeys(phrases))}）" if phrases else ""),
        f"数字{n_figures}个",
        f"涉及机制{len(mechs)}类" + (f"（{'、'.join(mechs)}）" if mechs else ""),
        f"具体地点/机构{len(places)}处",
        "原因分析：" + ("有（" + "、".join(dict.fromkeys(causal)) + "）" if causal else "无"),
    ]
    if ph:
        parts.append(
            f"占位符{len(ph)}处（{'、'.join('“' + t + '”' for t in dict.fromkeys(p['text'] for p in ph))}）"
            + (f"，其中{n_ph_causes}处原因只是占位符" if n_ph_causes else "")
        )
    if ph_elsewhere:
        parts.append(f"报告其他部分另有占位符{ph_elsewhere}处")
    if ok:
        verdict = "问题具体，有原因分析"
    elif n_ph_causes:
        verdict = f"{n_ph_causes}处原因未填写（只是占位符）"
    elif ph or ph_elsewhere:
        verdict = "报告有未填写的占位符，不能认定问题和原因已写实"
    elif not causal:
        verdict = "未分析原因"
    else:
        verdict = "问题多为套话，缺少具体事实"
    return _check(
        "shortcomings_concrete",
        ok,
        f"{verdict}：" + "，".join(parts),
        set_phrases=len(phrases),
        figures=n_figures,
        causal=len(causal),
        mechanisms=mechs,
        placeholder_causes=n_ph_causes,
    )


def check_first_responsible(found: bool, nested: bool, mentioned: bool) -> dict:
    if found:
        where = "（嵌套在其他部分内）" if nested else ""
        return _check(
            "first_responsible", True, "有党政主要负责人履行第一责任人职责情况部分" + where
        )
    if mentioned:
        return _check(
            "first_responsible", False, "正文提到“第一责任人”，但没有单独报告主要负责人履职情况"
        )
    return _check(
        "first_responsible", False, "没有报告党政主要负责人履行推进法治建设第一责任人职责的情况"
    )


def check_deadline(year: int | None, published: str | None, signed: str | None) -> dict:
    if year is None:
        return _check("publication_deadline", None, "无法确定报告年度，不能判断公开时限")
    deadline = date(year + 1, 4, 1)
    if not published:
        extra = f"；落款日期 {signed}（落款不等于公开日期）" if signed else ""
        return _check(
            "publication_deadline",
            None,
            f"未找到发布日期，无法核对是否在 {deadline.isoformat()} 前公开{extra}",
            deadline=deadline.isoformat(),
        )
    pub = date.fromisoformat(published)
    if pub <= deadline:
        return _check(
            "publication_deadline",
            True,
            f"{published} 公开，在法定时限 {deadline.isoformat()} 之前",
            deadline=deadline.isoformat(),
        )
    late = (pub - deadline).days
    return _check(
        "publication_deadline",
        False,
        f"{published} 公开，晚于法定时限 {deadline.isoformat()} {late} 天",
        deadline=deadline.isoformat(),
    )


def check_boilerplate(
    bp: dict, maximum: float = BOILERPLATE_MAX, items: list | None = None
) -> dict:
    """``items``: the boilerplate sentences, ``{text, start, end, section, heading}``."""
    share = bp["share"]
    items = items or []
    n_ref = bp["reference_docs"]
    if n_ref == 0 or bp["sentences"] == 0:
        return _check(
            "boilerplate", None, "参照语料为空或正文无可比句子，无法判断套话比例", share=share
        )
    ok = share <= maximum
    return _check(
        "boilerplate",
        ok,
        f"{bp['boilerplate_sentences']}/{bp['sentences']}句与参照语料（{n_ref}篇）高度重合，"
        f"占正文 {share:.0%}（上限 {maximum:.0%}）",
        share=round(share, 4),
        items=items,
    )


def check_density(n_facts: int, n_chars: int, minimum: float = DENSITY_MIN) -> dict:
    if n_chars == 0:
        return _check("figure_density", False, "正文为空", per_1000=0.0)
    d = n_facts * 1000 / n_chars
    ok = d >= minimum
    return _check(
        "figure_density",
        ok,
        f"每千字 {d:.2f} 个数据（{n_facts} 个 / {n_chars} 字，下限 {minimum}）",
        per_1000=round(d, 3),
    )


def check_metadata(meta: dict) -> dict:
    missing = [
        k
        for k, name in (("units", "报告单位"), ("year", "报告年度"), ("signed", "落款日期"))
        if not meta.get(k)
    ]
    if not missing:
        return _check(
            "metadata",
            True,
            f"报告单位 {'、'.join(meta['units'])}，年度 {meta['year']}，落款 {meta['signed']}",
        )
    names = {"units": "报告单位", "year": "报告年度", "signed": "落款日期"}
    return _check("metadata", False, "缺少：" + "、".join(names[k] for k in missing))


def _where(item: dict) -> str:
    sec = item.get("section")
    where = f"第{sec}部分" if sec else "正文"
    if item.get("heading"):
        where += f"“{item['heading'][:20]}”"
    return where


def check_placeholders(items: list[dict]) -> dict:
    """No fill-in left unfilled. ``items``: ``{text, start, end, section, heading}``."""
    if not items:
        return _check("placeholders", True, "没有未填写的占位符", items=[])
    by_sec: dict = {}
    for it in items:
        by_sec[it.get("section")] = by_sec.get(it.get("section"), 0) + 1
    secs = "，".join(
        f"{'第' + str(k) + '部分' if k else '其他位置'}{v}处"
        for k, v in sorted(by_sec.items(), key=lambda kv: kv[0] or 0)
    )
    kinds = "、".join(f"“{t}”" for t in dict.fromkeys(it["text"] for it in items))
    if len(kinds) > 60:
        kinds = kinds[:60] + "……"
    return _check(
        "placeholders",
        False,
        f"有{len(items)}处占位符未填写（{kinds}），{secs}；有占位符的报告不能评为完整",
        items=items,
    )


def check_repeated(items: list[dict], minimum: int) -> dict:
    """No sentence twice. ``items``: ``{text, count, occurrences: [{start, end, section, heading}]}``."""
    if not items:
        return _check("repeated_sentences", True, f"没有重复的句子（{minimum}字以上）", items=[])
    first = items[0]
    where = "、".join(_where(o) for o in first["occurrences"][:3])
    return _check(
        "repeated_sentences",
        False,
        f"{len(items)}个句子重复出现（共{sum(i['count'] for i in items)}次），"
        f"如“{first['text'][:30]}”见于{where}",
        items=items,
    )


def check_heads_shared(decided: bool, roles: dict, items: list[dict]) -> dict:
    """Section 三 does not give two heads the same text. ``roles``: class -> role word;
    ``items``: ``{text, length, occurrences: [{head, start, end}]}``."""
    if not decided:
        return _check(
            "heads_distinct",
            None,
            "第三部分未分别写党委、政府主要负责人的履职情况，无法比较",
            items=[],
        )
    names = f"{roles['party']}与{roles['gov']}"
    if not items:
        return _check(
            "heads_distinct",
            True,
            f"{names}分别撰写，没有共用的句子或{SHARED_MIN}字以上的相同表述",
            items=[],
        )
    return _check(
        "heads_distinct",
        False,
        f"{names}的履职情况有{len(items)}处相同表述，如“{items[0]['text'][:30]}”",
        items=items,
    )


def check_pledges(items: list[dict]) -> dict:
    """No goal written among the results: a figure after 力争/确保/争取/计划/预计/拟 in
    part 1 (what was done) or part 3 (what the heads did) is a target stated where results
    belong. ``items``: ``{text, start, end, section, heading, why}``."""
    if not items:
        return _check("targets_as_results", True, "成效部分没有以目标代替结果的数据", items=[])
    first = items[0]
    return _check(
        "targets_as_results",
        False,
        f"成效部分有{len(items)}个数据是目标而不是结果，如{_where(first)}“{first['statement'][:30]}”"
        "（“力争/确保/计划……”说的是要达到的数，不是已做到的数）",
        items=items,
    )


SUBJECTLESS_MAX = 0.1  # share of result figures that may lack a subject


def check_subjects(items: list[dict], n_results: int, maximum: float = SUBJECTLESS_MAX) -> dict:
    """Result figures say what they count. ``items``: the figures whose clause names
    nothing before the number (``全年共4次``, ``达到95%``), with offsets; a figure in a
    list (``分别为29件、28件``) takes the list's subject and is not one."""
    if n_results == 0:
        return _check("figures_with_subject", None, "没有结果数据，无法判断", items=[])
    share = len(items) / n_results
    ok = share <= maximum
    if not items:
        return _check(
            "figures_with_subject", True, f"{n_results}个结果数据都说明了统计对象", items=[]
        )
    first = items[0]
    return _check(
        "figures_with_subject",
        ok,
        f"{len(items)}/{n_results}个结果数据没有说明统计的是什么（上限 {maximum:.0%}），"
        f"如{_where(first)}“{first['statement'][:30]}”",
        items=items,
    )


# A failed blocking check keeps a report from scoring complete whatever else passes.
BLOCKING = ("placeholders",)


def score(checks: list[dict]) -> dict:
    parts = {c["code"]: (1 if c["ok"] else 0) for c in checks if c["ok"] is not None}
    total, maximum = sum(parts.values()), len(parts)
    blocking = [c["code"] for c in checks if c["code"] in BLOCKING and c["ok"] is False]
    complete = bool(maximum) and total == maximum and not blocking
    if complete:
        verdict = "完整：各项检查均通过"
    elif blocking:
        verdict = "不完整：有占位符未填写"
    else:
        failed = [c["code"] for c in checks if c["ok"] is False]
        verdict = f"不完整：{len(failed)}项检查未通过"
    return {
        "total": total,
        "max": maximum,
        "parts": parts,
        "complete": complete,
        "blocking": blocking,
        "verdict": verdict,
    }
