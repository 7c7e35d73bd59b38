"""The draft writer: the five statutory sections, written from what every ledger contributes.

The engine knows no app by name. It asks each registered contribution
(``contrib.autodiscover``) for its points (section one), the heads' own acts (section
three), its shortfalls (section two) and its plan hints (section four), and writes them
the way the seeds are written:

- section one by theme ("（一）加强组织领导……。" then "一是……二是……"), each point
  naming the year's records, figures as ``{{code}}`` tokens (``figures``);
- section two as 3–5 themed points, each with the cause staff entered;
- section three head by head, each from their own acts, nothing shared between two heads;
- section four from the work plan (工作要点) grouped by theme, 4–7 points;
- every sentence once in the whole report.

Each writer returns ``(text, sources)``: the records and indicators it drew on, which the
editor lists beside the text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from . import contrib
from .contrib import INSPECTION_KINDS, THEMES, Context, Found, HeadAct, PlanHint, Point

NUMERALS = "一二三四五六七八九十"
MAX_POINTS = 5
MAX_PROBLEMS = 5
MAX_PLAN = 7


def numeral(n: int) -> str:
    if n <= 10:
        return NUMERALS[n - 1]
    if n < 20:
        return "十" + NUMERALS[n - 11]
    return str(n)


def headings(year: int) -> dict[int, str]:
    return {
        1: f"一、{year}年度推进法治政府建设的主要举措和成效",
        2: f"二、{year}年度推进法治政府建设存在的不足和原因",
        3: (
            f"三、{year}年度党政主要负责人履行推进法治建设第一责任人职责，"
            "加强法治政府建设的有关情况"
        ),
        4: f"四、{year + 1}年度推进法治政府建设的主要安排",
        5: "五、其他需要报告的情况",
    }


# --------------------------------------------------------------------------- material
@dataclass
class Material:
    points: list[Point]
    acts: list[HeadAct]
    found: list[Found]
    hints: list[PlanHint]


def collect(ctx: Context) -> Material:
    """Ask every contribution for its material (each one on its own: one failing app
    never stops the draft, it is left out and logged)."""
    import logging

    log = logging.getLogger("fazhi.reports")
    m = Material([], [], [], [])
    for c in contrib.autodiscover():
        for attr, bucket in (
            ("points", m.points),
            ("head_acts", m.acts),
            ("shortfalls", m.found),
            ("plans", m.hints),
        ):
            fn = getattr(c, attr)
            if fn is None:
                continue
            try:
                bucket.extend(fn(ctx) or [])
            except Exception:  # a contribution's bug must not lose the whole draft
                log.exception("report contribution %s.%s failed", c.name, attr)
    # An indicator below its target that no contribution reported is still a shortfall.
    from fazhi.indicators import registry

    covered = {f.key for f in m.found} | {f"indicator:{c}" for f in m.found for c in f.covers}
    rest = [i.code for i in registry.all_indicators() if f"indicator:{i.code}" not in covered]
    m.found.extend(contrib.below_target(ctx, rest, "oversight"))
    return m


def _sources(items) -> list[dict]:
    out, seen = [], set()
    for item in items:
        for s in item.sources:
            key = (s.label, s.url)
            if key not in seen:
                seen.add(key)
                out.append(s.as_dict())
    return out


# --------------------------------------------------------------------------- sentences
_SENT = re.compile(r"[^。！？；]*[。！？；]|[^。！？；]+$")


def normalised(sentence: str) -> str:
    """A sentence without spaces and punctuation: what "the same sentence" compares."""
    return re.sub(r"[\s，,、。；;：:“”\"'（）()《》]", "", sentence)


class Once:
    """Drops any sentence already written elsewhere in the report."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def __call__(self, text: str) -> str:
        out = []
        for s in _SENT.findall(text):
            key = normalised(s)
            if len(key) >= 8 and key in self.seen:
                continue
            self.seen.add(key)
            out.append(s)
        return "".join(out)


def _end(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in "。！？；" else text + "。"


# --------------------------------------------------------------------------- preamble
def preamble(ctx: Context, county_name: str = "") -> str:
    v = ctx.voice
    short = county_name[-1:] if county_name else ""
    above = f"在{short}委、{short}政府的坚强领导下，" if short in ("县", "区", "市") else ""
    return (
        f"{ctx.year}年，{above}{v.bodies}坚持以习近平新时代中国特色社会主义思想为指导，"
        "深入学习贯彻习近平法治思想，对照《法治政府建设实施纲要（2021—2025年）》各项任务，"
        f"推进{v.whole}法治政府建设。根据《法治政府建设与责任落实督察工作规定》，"
        f"现将{v.we}{ctx.year}年度法治政府建设情况报告如下："
    )


# --------------------------------------------------------------------------- section one
# One lead sentence per theme, in the unit's voice; each opens differently.
LEADS = {
    "organisation": "{bodies}把法治建设摆在全局工作的重要位置，与经济社会发展同部署、同推进。",
    "decisions": "{we}把依法决策作为依法行政的关键环节来抓。",
    "enforcement": "围绕严格规范公正文明执法，{we}从制度、队伍和监督三方面发力。",
    "disputes": "{we}把矛盾纠纷化解在基层、化解在萌芽状态，推动“{fengqiao}”。",
    "learning": "坚持领导干部带头学法和全民普法两手抓。",
    "services": "围绕群众身边的法律需求，{we}持续完善公共法律服务网络。",
    "openness": "以公开为常态、不公开为例外，{we}推进决策、执行、管理、服务、结果公开。",
}


# The oversight theme's lead names the inspections from above the year's records hold (its
# points then say what was found and rectified).
def _oversight_lead(ctx: Context) -> str:
    above = [label for code, label in INSPECTION_KINDS[:2] if ctx.n(code)]
    if above:
        return f"{ctx.voice.we}主动接受上级{'、'.join(above)}，以查促改、以改促建。"
    if ctx.n(INSPECTION_KINDS[2][0]):
        return "坚持以查促改、以改促建。"
    return ""


def _lead(key: str, ctx: Context) -> str:
    v = ctx.voice
    if key == "oversight":
        return _oversight_lead(ctx)
    return LEADS.get(key, "").format(
        we=v.we, whole=v.whole, bodies=v.bodies, fengqiao=v.fengqiao, party=v.party
    )


# Section one's length as the seeds write it: the whole report 3,000–10,000 characters
# (the seeds: 2,700, 2,800 and 9,600). 3,300 for the points (titles and lead sentences add
# about 400) keeps a township's draft near 6,000 with every mechanism's main point.
SECTION_ONE_BUDGET = 3300
MIN_POINTS = 2


def _length(p: Point) -> int:
    """The point's length as printed (a token prints as a short figure)."""
    from .figures import TOKEN

    return len(TOKEN.sub("0000", p.lead + p.text)) + 4


def _fit(by_theme: dict[str, list[Point]], budget: int) -> dict[str, list[Point]]:
    """Each theme's points by weight (at most five); while section one would run over
    ``budget``, the lightest point of a theme that has more than two goes."""
    chosen = {k: sorted(v, key=lambda p: -p.weight)[:MAX_POINTS] for k, v in by_theme.items() if v}
    total = sum(_length(p) for v in chosen.values() for p in v)
    while total > budget:
        spare = [
            (v[-1].weight, -_length(v[-1]), k) for k, v in chosen.items() if len(v) > MIN_POINTS
        ]
        if not spare:
            break
        _, _, k = min(spare)
        total -= _length(chosen[k].pop())
    return chosen


def _by_theme(points: list[Point]) -> dict[str, list[Point]]:
    by_theme: dict[str, list[Point]] = defaultdict(list)
    for p in points:
        by_theme[p.theme if p.theme in THEMES else "oversight"].append(p)
    return by_theme


def omitted(points: list[Point]) -> list[dict]:
    """The points section one leaves out for length (or beyond five a theme), in theme
    order and by weight: the editor offers them to the writer, who may put any back.
    Each ``{"theme", "theme_title", "lead", "text"}``, the text with ``{{code}}`` tokens."""
    by_theme = _by_theme(points)
    fitted = _fit(by_theme, SECTION_ONE_BUDGET)
    out = []
    for key, theme in THEMES.items():
        kept = {id(p) for p in fitted.get(key, [])}
        for p in sorted(by_theme.get(key, []), key=lambda p: -p.weight):
            if id(p) not in kept and p.text.strip():
                out.append(
                    {
                        "theme": key,
                        "theme_title": theme.title,
                        "lead": p.lead.rstrip("。"),
                        "text": _end(p.text),
                    }
                )
    return out


def section_one(ctx: Context, points: list[Point], once: Once) -> tuple[str, list[dict]]:
    fitted = _fit(_by_theme(points), SECTION_ONE_BUDGET)
    paragraphs, used = [], []
    for key, theme in THEMES.items():
        chosen = fitted.get(key, [])
        body, n = [], 0
        for p in chosen:
            text = once(_end(p.text))
            if not text.strip():
                continue
            n += 1
            body.append((p.lead.rstrip("。"), text))
            used.append(p)
        if not body:
            continue
        # "一是……二是……" when there are several points; a single point stands alone
        body = (
            [f"{lead}。{text}" for lead, text in body]
            if len(body) == 1
            else [f"{numeral(i)}是{lead}。{text}" for i, (lead, text) in enumerate(body, 1)]
        )
        paragraphs.append(
            f"（{numeral(len(paragraphs) + 1)}）{theme.title}。{_lead(key, ctx)}" + "".join(body)
        )
    if not paragraphs:
        paragraphs.append("本年度各项台账尚无数据，请在台账中登记后重新生成。")
    return "\n".join(paragraphs), _sources(used)


# --------------------------------------------------------------------------- section two
def group_shortfalls(ctx: Context, found: list[Found]) -> list[dict]:
    """Shortfalls grouped into at most five themed points, in theme order: each
    ``{"key", "theme", "description", "suggestions", "items", "sources"}``."""
    by_theme: dict[str, list[Found]] = defaultdict(list)
    for f in found:
        by_theme[f.theme if f.theme in THEMES else "oversight"].append(f)
    keys = [k for k in THEMES if by_theme.get(k)]
    problems = {k: [THEMES[k].problem] for k in keys}
    if len(keys) > MAX_PROBLEMS:
        # the largest groups keep their own point; the smallest join their neighbour
        # before them, and the point names both problems
        while len(keys) > MAX_PROBLEMS:
            k = min(reversed(keys[1:]), key=lambda k: len(by_theme[k]))
            into = keys[keys.index(k) - 1]
            by_theme[into].extend(by_theme.pop(k))
            problems[into].extend(problems.pop(k))
            keys.remove(k)
    out = []
    for k in keys:
        items = by_theme[k]
        detail = "；".join(dict.fromkeys(f.text.rstrip("。；") for f in items))
        suggestions = list(dict.fromkeys(s for f in items for s in f.suggestions))[:8]
        out.append(
            {
                "key": f"theme:{k}",
                "theme": k,
                "description": f"{'，'.join(problems[k])}。{detail}。",
                "suggestions": suggestions,
                "items": [f.key for f in items],
                "plans": [f.plan for f in items if f.plan],
                "sources": _sources(items),
            }
        )
    return out


def section_two(ctx: Context, rows, once: Once) -> str:
    """``rows``: Shortfall points (description, cause) in order."""
    v = ctx.voice
    if not rows:
        return (
            f"对照年度目标和台账数据逐项检查，{v.we}各项指标均已达到年度目标，"
            "未发现超期未办结事项和未整改问题。但对照上级要求和群众期待，法治政府建设仍需持续用力。"
        )
    lines = [
        f"{v.we}在推进法治政府建设中虽然取得了一定成效，但对照上级要求和群众期待，还存在一些不足："
    ]
    for i, item in enumerate(rows, 1):
        cause = (item.cause or "").strip().rstrip("。")
        cause_text = f"究其原因，{cause}。" if cause else "原因：（原因待填写）。"
        lines.append(once(f"{numeral(i)}是{item.description}") + cause_text)
    return "\n".join(lines)


# --------------------------------------------------------------------------- section three
KIND_ORDER = ["meeting", "instruction", "study", "lecture", "duty_report", "petition", "other"]
MAX_ACTS_PER_KIND = 3


def _heads(ctx: Context, acts: list[HeadAct]) -> list[tuple[str, str, list[HeadAct]]]:
    """(role, post, acts) for the party head, then the government head."""
    by_role: dict[str, dict] = {}
    for a in acts:
        role = ctx.voice.is_head_post(a.post)
        if not role:
            continue
        entry = by_role.setdefault(role, {"post": a.post, "name": a.name, "acts": []})
        if a.name == entry["name"]:
            entry["acts"].append(a)
    return [
        (role, by_role[role]["post"], by_role[role]["acts"])
        for role in ("party", "gov")
        if role in by_role
    ]


# The government head's acts of a kind, worded apart from the party head's (the same
# kind of record would otherwise give the two heads the same clause, which the review's
# ``heads_distinct`` check flags as boilerplate). Used for each act that has its topic.
SECOND_HEAD = {
    "study": lambda acts: f"{_when(acts)}围绕{_topics(acts)}带头学法",
    "lecture": lambda acts: f"{_days(acts)}以{_topics(acts)}为题为机关干部作辅导",
    "duty_report": lambda acts: (
        f"{_days(acts)}在年度述法中报告本人推进依法行政、落实第一责任人职责情况"
    ),
    "petition": lambda acts: (
        f"{_when(acts)}接访下访，当面听取群众诉求，协调解决{_topics(acts, '、')}等问题"
    ),
}


def _days(acts: list[HeadAct]) -> str:
    return "、".join(dict.fromkeys(contrib.day(a.date) for a in acts if a.date))


def _when(acts: list[HeadAct]) -> str:
    """ "先后于3月1日、5月8日" for several days, "3月1日" for one."""
    days = _days(acts)
    return f"先后于{days}" if "、" in days else days


def _topics(acts: list[HeadAct], sep: str = "") -> str:
    return sep.join(dict.fromkeys(a.topic for a in acts))


def _acts_text(acts: list[HeadAct], second: bool = False) -> str:
    by_kind: dict[str, list[HeadAct]] = defaultdict(list)
    for a in acts:
        by_kind[a.kind if a.kind in KIND_ORDER else "other"].append(a)
    sentences = []
    for kind in KIND_ORDER:
        items = sorted(by_kind.get(kind, []), key=lambda a: (a.date is None, a.date))
        if not items:
            continue
        shown = items[:MAX_ACTS_PER_KIND]
        reword = SECOND_HEAD.get(kind) if second else None
        topical = [a for a in shown if a.topic] if reword is not None else []
        parts = [reword(topical)] if topical else []
        parts += [
            (f"{contrib.day(a.date)}，" if a.date else "") + a.text.rstrip("。；")
            for a in shown
            if a not in topical
        ]
        sentence = "；".join(parts)
        if len(items) > len(shown):
            # "…等问题" already says there were more: no second 等
            more = "" if sentence.endswith("等问题") else "等"
            sentence += f"{more}，全年共{len(items)}次"
        sentences.append(sentence + "。")
    return "".join(sentences)


def section_three(ctx: Context, acts: list[HeadAct], once: Once) -> tuple[str, list[dict]]:
    v = ctx.voice
    heads = _heads(ctx, acts)
    if not heads:
        return (
            f"{v.bodies}主要负责人履行推进法治建设第一责任人职责的情况，台账中尚无记录"
            "（第一责任人述法、主持研究法治议题的会议、带头学法讲法、接访下访等），"
            "请在相应台账中登记后重新生成本部分。",
            [],
        )
    lines = [f"{v.bodies}主要负责人把推进法治建设第一责任人职责落实到具体工作中。"]
    used: list[HeadAct] = []
    for i, (role, _post, head_acts) in enumerate(heads, 1):
        label = v.party_head if role == "party" else v.gov_head
        title = f"{label}带头抓法治建设" if role == "party" else f"{label}推动依法行政落地见效"
        lines.append(f"（{numeral(i)}）{title}。" + once(_acts_text(head_acts, second=i > 1)))
        used.extend(head_acts)
    return "\n".join(lines), _sources(used)


# --------------------------------------------------------------------------- section four
def section_four(
    ctx: Context, plan_items, groups: list[dict], hints: list[PlanHint], once: Once
) -> tuple[str, list[dict]]:
    """Next year's work, grouped by theme: the work plan (工作要点) staff entered, or
    while there is none the items the shortfalls suggest; and the records' hints (next
    year's decision catalogue …)."""
    by_theme: dict[str, list[str]] = defaultdict(list)
    for it in plan_items:
        text = it.content.strip().rstrip("。；")
        if it.owner and it.when:
            text += f"（{it.owner}负责，{it.when}）"
        elif it.owner or it.when:
            text += f"（{it.owner + '负责' if it.owner else it.when}）"
        by_theme[it.theme if it.theme in THEMES else "oversight"].append(text)
    if not plan_items:
        for g in groups:
            by_theme[g["theme"]].extend(p.rstrip("。；") for p in g.get("plans", []))
    for h in hints:
        by_theme[h.theme if h.theme in THEMES else "oversight"].append(h.text.rstrip("。；"))
    keys = [k for k in THEMES if by_theme.get(k)][:MAX_PLAN]
    if not keys:
        return (
            f"{ctx.year + 1}年度工作要点尚未登记，请在“工作要点”中登记后重新生成本部分。",
            [],
        )
    lines = [f"{ctx.year + 1}年，{ctx.voice.we}将重点做好以下{_count(len(keys))}方面工作："]
    for i, k in enumerate(keys, 1):
        items = list(dict.fromkeys(by_theme[k]))
        lines.append(once(f"{numeral(i)}是{THEMES[k].plan}。" + "；".join(items) + "。"))
    sources = []
    if plan_items:
        sources.append(
            {
                "label": f"{ctx.year + 1}年度工作要点（{len(plan_items)}项）",
                "url": "",
                "kind": "record",
            }
        )
    return "\n".join(lines), sources + _sources(hints)


def _count(n: int) -> str:
    return numeral(n) if n <= 10 else str(n)


SECTION_FIVE = "无。"
