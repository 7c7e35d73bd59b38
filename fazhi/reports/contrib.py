"""What each ledger contributes to the annual report, through one registry.

Every app that has something to say in the report declares it in ``<app>/report.py``::

    from fazhi.reports.contrib import Contribution, HeadAct, Found, Point, Source, register

    def points(ctx): ...        # section one: themed points naming the year's records
    def head_acts(ctx): ...     # section three: what each head did, from their own records
    def shortfalls(ctx): ...    # section two: what fell short (below target, overdue, open)
    def plans(ctx): ...         # section four: next-year items the records suggest

    register(Contribution("disputes", points=points, head_acts=head_acts, shortfalls=shortfalls))

The drafting engine (``drafting``) imports every installed app's ``report`` module
(``autodiscover``), asks each contribution for its material and writes the narrative;
it knows no app by name, so a new ledger plugs in by adding its ``report.py``.

Rules every contribution keeps (docs/reporting.md):

- a point states only what the records show: each figure is an indicator token
  (``ctx.fig("disputes.mediated")`` → ``{{disputes.mediated}}``) or a count read from
  the records it names in ``sources``; no fixed phrase claims work the records do not show;
- a zero is stated the way the reports state it ("全年未发生行政诉讼案件") when it is
  the statement a report makes, never silently dropped;
- records are named as the reports name them: events with date, place and title,
  documents and decisions in 《》, typical cases anonymised (某某村王某: ``anonymise``);
- the unit's voice comes from ``ctx.voice`` (全镇/全乡/街道/开发区…), never a fixed "镇".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count

from fazhi.core import discovery
from fazhi.indicators import registry
from fazhi.indicators.registry import Value

# --------------------------------------------------------------------------- themes
# Section one's themed subsections, in the order the seeds write them. ``plan`` opens the
# theme's point in section four (next year's work).


@dataclass(frozen=True)
class Theme:
    key: str
    title: str  # the subsection's heading phrase
    plan: str  # section four's opening phrase for the theme
    problem: str  # section two's opening phrase for the theme


THEMES: dict[str, Theme] = {
    t.key: t
    for t in [
        Theme(
            "organisation",
            "加强组织领导，强化责任落实和经费保障",
            "加强组织领导，压紧压实法治建设责任",
            "法治建设责任落实和保障还不够到位",
        ),
        Theme(
            "decisions",
            "坚持依法决策，规范行政决策和文件管理",
            "健全依法决策机制，严把合法性审查关",
            "依法决策和合法性审查还有薄弱环节",
        ),
        Theme(
            "enforcement",
            "严格规范公正文明执法，依法接受复议诉讼监督",
            "严格规范执法行为，落实行政执法“三项制度”",
            "行政执法规范化水平有待提高",
        ),
        Theme(
            "disputes",
            "坚持和发展新时代“枫桥经验”，依法化解矛盾纠纷",
            "做实矛盾纠纷排查化解，维护社会和谐稳定",
            "矛盾纠纷化解和信访工作还有短板",
        ),
        Theme(
            "learning",
            "抓好学法用法和普法宣传，营造浓厚法治氛围",
            "深化学法用法和普法宣传，提升全民法治素养",
            "学法用法和普法宣传的实效有待提升",
        ),
        Theme(
            "services",
            "完善公共法律服务体系，夯实法治基层基础",
            "健全公共法律服务，让群众就近获得法律服务",
            "公共法律服务的覆盖和质效还需加强",
        ),
        Theme(
            "oversight",
            "强化监督检查，抓实问题整改",
            "强化法治督察，确保问题整改到位",
            "问题整改和日常监督还不够有力",
        ),
        Theme(
            "openness",
            "深化政务公开，保障群众知情权监督权",
            "深化政务公开，推进权力公开透明运行",
            "政务公开的及时性和规范性有待加强",
        ),
    ]
}


def theme(key: str) -> Theme:
    return THEMES[key]


# --------------------------------------------------------------------------- material
@dataclass(frozen=True)
class Source:
    """A record or an indicator a passage was written from (the editor lists them)."""

    label: str
    url: str = ""
    kind: str = "record"  # record | indicator

    def as_dict(self) -> dict:
        return {"label": self.label, "url": self.url, "kind": self.kind}


@dataclass
class Point:
    """One "一是……" point of section one: a short lead phrase and its sentences.

    ``lead`` is the point's own heading phrase ("集中开展主题宣传"), ``text`` the
    sentences after it, with figures as ``{{code}}`` tokens. ``weight`` orders the
    points of a theme (higher first); ``records`` is how many named records the point
    cites (the closing note counts them)."""

    theme: str
    lead: str
    text: str
    sources: list[Source] = field(default_factory=list)
    weight: int = 50
    key: str = ""
    records: int = 0


@dataclass
class HeadAct:
    """Something one head (党政主要负责人) did, from their own records, for section three."""

    name: str  # the person, as recorded
    post: str  # 党委书记, 镇长 … as recorded
    text: str  # the act as a report writes it, without the date ("主持召开……")
    date: dt.date | None = None
    kind: str = "other"  # meeting | study | lecture | duty_report | petition | instruction
    sources: list[Source] = field(default_factory=list)
    # what the act was about, without the verb ("《行政复议法》", "征地补偿款未足额发放"):
    # lets the engine word the second head's acts of a kind differently from the first's
    topic: str = ""


@dataclass
class Found:
    """A shortfall: an indicator below target, overdue items, open findings.

    ``text`` describes it with its figures ("信访件按期答复率为{{petitions.…}}，
    未达到100%的目标"); ``suggestions`` are vetted causes staff may pick or edit."""

    key: str
    theme: str
    text: str
    suggestions: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    plan: str = ""  # a next-year work item this shortfall suggests (section four)
    covers: list[str] = field(default_factory=list)  # indicator codes this finding states


@dataclass
class Contribution:
    name: str
    points: Callable[[Context], list[Point]] | None = None
    head_acts: Callable[[Context], list[HeadAct]] | None = None
    shortfalls: Callable[[Context], list[Found]] | None = None
    plans: Callable[[Context], list[PlanHint]] | None = None
    order: int = 50


REGISTRY: dict[str, Contribution] = {}


def register(c: Contribution) -> Contribution:
    REGISTRY[c.name] = c
    return c


def autodiscover() -> list[Contribution]:
    """Every app's contribution, in order: ``<app>.report`` of each installed app is imported
    (``core.discovery``; once ``IndicatorsConfig.ready`` has, this only reads the registry)."""
    discovery.autodiscover("report")
    return sorted(REGISTRY.values(), key=lambda c: (c.order, c.name))


# --------------------------------------------------------------------------- context
@dataclass
class Context:
    """What a contribution reads: the unit, the year, this year's and last year's figures."""

    unit: object
    year: int
    values: dict[str, Value]
    voice: object  # reports.voice.Voice
    previous: dict[str, Value] = field(default_factory=dict)

    def value(self, code: str) -> Value | None:
        return self.values.get(code)

    def ok(self, code: str) -> bool:
        v = self.values.get(code)
        return v is not None and v.ok and v.value is not None

    def n(self, code: str) -> Decimal:
        """The figure's value, 0 when there is none."""
        v = self.values.get(code)
        return v.value if v is not None and v.ok and v.value is not None else Decimal(0)

    def zero(self, code: str) -> bool:
        """The ledger is kept and the count is zero: a "未发生……" statement is true."""
        v = self.values.get(code)
        return v is not None and v.ok and v.value == 0

    @staticmethod
    def fig(code: str) -> str:
        """The token a figure is written as (rendered from the report's snapshot)."""
        return f"{{{{{code}}}}}"

    def yoy(self, code: str) -> str:
        """The figure's change on last year as a report says it, or "" when unknown.

        Counts: "较上年增加5件" / "较上年减少5件"; rates: "较上年提高2.1个百分点";
        amounts and large counts (≥ 20 both years): "同比增长12.3%"."""
        cur, old = self.values.get(code), self.previous.get(code)
        if not (cur and old and cur.ok and old.ok) or cur.value is None or old.value is None:
            return ""
        if old.value == 0:
            return ""
        ind = registry.get(code)
        diff = cur.value - old.value
        if diff == 0:
            return "与上年持平"
        if ind.is_rate:
            pts = registry.number_text(abs(diff).quantize(Decimal("0.1")))
            return f"较上年{'提高' if diff > 0 else '下降'}{pts}个百分点"
        if old.value >= 20 and cur.value >= 20 or ind.kind == "amount" and old.value:
            pct = (abs(diff) * 100 / old.value).quantize(Decimal("0.1"))
            return f"同比{'增长' if diff > 0 else '下降'}{registry.number_text(pct)}%"
        return (
            f"较上年{'增加' if diff > 0 else '减少'}{registry.number_text(abs(diff))}{ind.measure}"
        )

    def records(self, model, dated: str):
        """``model``'s records in the unit's subtree whose ``dated`` field falls in the year."""
        return registry.year_records(model, self.unit, self.year, dated)

    def yoy_if_kept(self, code: str) -> str:
        """``yoy``, only against a year whose ledger held something (a change "from 0" more
        often means the ledger was not kept than that nothing happened)."""
        old = self.previous.get(code)
        return self.yoy(code) if old is not None and old.ok and old.value else ""

    def indicator_source(self, code: str) -> Source:
        ind = registry.get(code)
        return Source(
            ind.name,
            f"/indicators/?unit={self.unit.pk}&year={self.year}#{code}",
            kind="indicator",
        )


# --------------------------------------------------------------------------- helpers
def day(d: dt.date | None) -> str:
    """ "3月15日" (the year is the report's)."""
    return f"{d.month}月{d.day}日" if d else ""


def anonymise(name: str) -> str:
    """王小明 → 王某; a name the records hold never reaches the report in full."""
    name = (name or "").strip()
    return (name[0] + "某") if name else "某某"


def title(t: str) -> str:
    """A document's or decision's title in 《》 (once)."""
    t = (t or "").strip().strip("《》")
    return f"《{t}》" if t else ""


# The inspections a unit receives from above (督察, 巡察) or carries out itself (自查), by
# indicator, as a sentence names them.
INSPECTION_KINDS = (
    ("inspections.supervisions", "督察"),
    ("inspections.patrols", "巡察"),
    ("inspections.self_checks", "自查"),
)


def most_frequent(qs, field: str):
    """``field``'s values among the records of ``qs``, the most frequent first (ties in the
    field's order)."""
    return (
        qs.values(field).annotate(n=Count("pk")).order_by("-n", field).values_list(field, flat=True)
    )


def joined(items: list[str], limit: int = 3) -> str:
    """ "甲、乙和丙" (first ``limit``)."""
    items = [i for i in dict.fromkeys(items) if i][:limit]
    if len(items) <= 1:
        return "".join(items)
    return "、".join(items[:-1]) + "和" + items[-1]


def below_target(
    ctx: Context,
    codes: list[str],
    theme_key: str,
    suggestions: dict[str, list[str]] | None = None,
    plans: dict[str, str] | None = None,
) -> list[Found]:
    """A ``Found`` for each of ``codes`` whose value misses its target, with the vetted
    causes for it (``suggestions[code]``) and the next-year item it suggests."""
    out = []
    for code in codes:
        v = ctx.value(code)
        ind = registry.get(code)
        if v is None or registry.meets_target(ind, v) is not False:
            continue
        target = registry.number_text(ind.target) + ind.measure
        side = "高于" if ind.direction == registry.LOWER else "未达到"
        out.append(
            Found(
                key=f"indicator:{code}",
                theme=theme_key,
                text=f"{ind.name}为{ctx.fig(code)}，{side}{target}的目标",
                suggestions=list((suggestions or {}).get(code, [])),
                sources=[ctx.indicator_source(code)],
                plan=(plans or {}).get(code, ""),
            )
        )
    return out


@dataclass
class PlanHint:
    """A next-year work item the records suggest (next year's decision catalogue …)."""

    theme: str
    text: str
    sources: list[Source] = field(default_factory=list)
