"""The draft generator: the five statutory sections, written from the indicators and records.

Section one is written mechanism by mechanism in the register of the published reports
("全年共调处矛盾纠纷{{disputes.mediated}}，调解成功率{{disputes.success_rate}}…"), each
figure a token linked to its indicator (see ``figures``). Section two lists indicators
below target (and overdue items) as shortfalls whose cause staff write; section three
covers the heads' duty; section four next year's decision catalog and the plans staff
enter; section five defaults to 无.
"""

from __future__ import annotations

from dataclasses import dataclass

from fazhi.indicators import registry
from fazhi.indicators.registry import Value

NUMERALS = "一二三四五六七八九十"


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


@dataclass
class Part:
    title: str
    lead: str  # first words of the paragraph before the figures
    groups: list[list[str]]  # sentences of indicator codes
    tail: str = ""


# Section one, mechanism by mechanism: the codes each sentence reports, in order.
PARTS = [
    Part(
        "化解矛盾纠纷，维护社会和谐稳定",
        "坚持和发展新时代“枫桥经验”，落实“小事不出村、大事不出镇”，",
        [
            [
                "disputes.mediated",
                "disputes.succeeded",
                "disputes.success_rate",
                "disputes.amount_yuan",
                "disputes.resolved_in_village_rate",
            ],
            [
                "petitions.received",
                "petitions.replied_on_time_rate",
                "petitions.satisfaction_rate",
                "petitions.backlog_resolved",
            ],
            ["hotline.received", "hotline.completion_rate", "hotline.satisfaction_rate"],
        ],
    ),
    Part(
        "坚持依法决策，规范行政执法",
        "严格落实重大行政决策程序和规范性文件管理制度，",
        [
            [
                "decisions.legality_review_coverage",
                "documents.filed_on_time_rate",
                "reviews.conducted",
                "reviews.findings",
            ],
            ["enforcement.published_on_time_rate", "litigation.lost_rate"],
        ],
    ),
    Part(
        "抓好学法普法，营造浓厚法治氛围",
        "坚持领导干部带头学法，深入实施“八五”普法规划，",
        [
            ["learning.sessions", "learning.cadres_40h_rate", "learning.exam_participation_rate"],
            ["publicity.events", "publicity.audience"],
        ],
    ),
    Part(
        "完善公共法律服务，夯实法治基层基础",
        "深化“一村（社区）一法律顾问”工作，",
        [["advisers.village_coverage", "advisers.consultations"]],
    ),
    Part(
        "抓实问题整改，压实工作责任",
        "对督察、自查发现的问题建立台账、限期整改，",
        [["rectification.closed_rate"]],
    ),
]

FIRST = {"disputes.mediated": "全年共", "petitions.received": "", "hotline.received": ""}


def clause(code: str) -> str:
    ind = registry.get(code)
    return f"{ind.phrase}{{{{{code}}}}}"


def _worth_saying(code: str, v: Value | None) -> bool:
    """A figure the text states: known, and not a count of nothing."""
    if v is None or not v.ok:
        return False
    return registry.get(code).is_rate or v.value != 0


def section_one(values: dict[str, Value], notes: dict[str, list[str]]) -> str:
    paragraphs = []
    n = 0
    for part in PARTS:
        sentences = []
        for codes in part.groups:
            usable = [c for c in codes if _worth_saying(c, values.get(c))]
            if not usable:
                continue
            prefix = FIRST.get(usable[0], "")
            sentences.append(prefix + "，".join(clause(c) for c in usable) + "。")
        extra = [s for c in (c for g in part.groups for c in g) for s in notes.get(c, [])]
        if not sentences and not extra:
            continue
        n += 1
        body = part.lead + "".join(sentences) if sentences else part.lead.rstrip("，") + "。"
        body += "".join(dict.fromkeys(extra))
        paragraphs.append(f"（{numeral(n)}）{part.title}。{body}")
    if not paragraphs:
        paragraphs.append("本年度各项台账尚无数据，请在台账中登记后重新生成。")
    return "\n".join(paragraphs)


def shortfalls(values: dict[str, Value]) -> list[tuple[str, str]]:
    """(key, description) of each indicator below its target."""
    out = []
    for ind in registry.all_indicators():
        v = values.get(ind.code)
        if v is None or registry.meets_target(ind, v) is not False:
            continue
        target = registry.number_text(ind.target) + ind.measure
        if ind.direction == registry.LOWER:
            desc = f"{ind.phrase}{{{{{ind.code}}}}}，高于{target}的目标"
        else:
            desc = f"{ind.phrase}{{{{{ind.code}}}}}，未达到{target}的目标"
        out.append((f"indicator:{ind.code}", desc))
    return out


def section_two(items) -> str:
    """``items``: Shortfall rows (description, cause)."""
    if not items:
        return (
            "对照年度目标逐项检查，本年度各项指标均已达到目标，但距离群众期待仍有差距，需持续用力。"
        )
    lines = ["对照年度目标和台账数据，我们的工作还存在以下不足："]
    for i, item in enumerate(items, 1):
        cause = item.cause.strip() or "（原因待填写）"
        lines.append(f"{numeral(i)}是{item.description}。原因：{cause.rstrip('。')}。")
    return "\n".join(lines)


def section_three(unit, values: dict[str, Value], facts: dict) -> str:
    head = (
        f"{unit.name}党政主要负责人认真履行推进法治建设第一责任人职责，"
        "把法治建设与经济社会发展同部署、同推进、同督促、同考核，"
        "亲自部署重要工作、过问重大问题、协调重要环节、督办重要任务。"
    )
    lines = [head]
    group = facts.get("leading_group")
    if group:
        lines.append(group)
    if _worth_saying("learning.sessions", values.get("learning.sessions")):
        lines.append(
            "坚持党委理论学习中心组学法和会前学法制度，全年"
            + clause("learning.sessions")
            + "，主要负责人带头讲法治课。"
        )
    duty = facts.get("duty_reports")
    if duty:
        lines.append(duty)
    else:
        lines.append("年终按要求将履行推进法治建设第一责任人职责情况列入年终述职内容。")
    return "\n".join(lines)


def section_four(year: int, facts: dict, shortfall_items, plans: str) -> str:
    items: list[str] = []
    titles = facts.get("next_decisions") or []
    if titles:
        names = "、".join(f"《{t}》" for t in titles[:5])
        items.append(f"严格执行{year + 1}年度重大行政决策目录，依法推进{names}等事项的决策程序")
    for _pk, rect in facts.get("open_rectifications") or []:
        items.append(f"持续抓好“{rect}”问题整改，确保按期整改到位")
    for s in shortfall_items:
        ind_code = s.key.split(":", 1)[1] if s.key.startswith("indicator:") else ""
        if ind_code:
            ind = registry.get(ind_code)
            items.append(f"针对{ind.name}未达目标的问题，查找原因、补齐短板")
    for line in plans.splitlines():
        line = line.strip().rstrip("。；;")
        if line:
            items.append(line)
    if not items:
        items.append("持续深化法治政府建设，推动各项工作再上新台阶")
    items = list(dict.fromkeys(items))
    return "\n".join(f"{numeral(i)}是{t}。" for i, t in enumerate(items, 1))


SECTION_FIVE = "无。"
