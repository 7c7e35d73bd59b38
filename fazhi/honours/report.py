"""Honours' and assessments' contribution to the annual report and their indicators.

What a report says of them — "2026年，本镇获评市级金牌调解室1个（红星村人民调解委员会）、
县级模范调解员1名", "在2025年度全县乡镇法治建设考核中位列第3名（共4个乡镇），考核等次为
优秀" — written from the ledgers:

- points (theme "organisation", after the leading group and funding): the unit's own
  latest assessment results (the year's, else the previous year's, announced in this one)
  with the score, grade and rank exactly as recorded; the titles won in the year in the
  unit's area, grouped by title, the units holding them named (model villages too:
  publicity's point names all the titles held and is often left out for length), a
  person's title counted, never named; the titles sought counted.

Indicators (group ``honours_report``): ``honours.won`` and ``honours.won_<level>`` (titles
won in the year, 项), ``honours.applying`` (titles sought in the year),
``honours.best_cases`` (优秀调解案例 won in the year; those naming their case are described
after the titles, the parties anonymised), and, from the unit's own latest result,
``assessment.rule_of_law_rank``/``_score`` (法治建设考核) and
``assessment.law_based_admin_rank``/``_score`` (依法行政考核); not applicable when there
is none.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.urls import reverse

from fazhi.disputes.models import DisputeParty
from fazhi.indicators.registry import LOWER, Indicator, Value, group, indicator
from fazhi.reports.contrib import Context, Contribution, Point, Source, anonymise, register

from . import services
from .models import (
    HELD,
    LEVEL_ORDER,
    MODEL_KINDS,
    PERSON_KINDS,
    AssessmentKind,
    Honour,
    HonourKind,
    HonourStatus,
    Level,
)

THEME = "organisation"
G = "honours_report"
ASSESSED = {
    AssessmentKind.RULE_OF_LAW: "assessment.rule_of_law",
    AssessmentKind.LAW_BASED_ADMIN: "assessment.law_based_admin",
}


# --------------------------------------------------------------------------- indicators
@group(G, "荣誉与考核（年度报告）", reads=("honours.Assessment", "honours.Honour"))
def _figures(unit, year):
    won = Honour.objects.in_subtree(unit).aggregate(
        won=Count("pk", filter=Q(status__in=HELD, year=year)),
        applying=Count("pk", filter=Q(status=HonourStatus.APPLYING, year=year)),
        best_cases=Count("pk", filter=Q(status__in=HELD, year=year, kind=HonourKind.BEST_CASE)),
        **{
            lv.value: Count("pk", filter=Q(status__in=HELD, year=year, level=lv))
            for lv in LEVEL_ORDER
        },
    )
    out = {
        "honours.won": Value.count(won["won"]),
        "honours.applying": Value.count(won["applying"]),
        "honours.best_cases": Value.count(won["best_cases"]),
        **{f"honours.won_{lv.value}": Value.count(won[lv.value]) for lv in LEVEL_ORDER},
    }
    latest = {a.kind: a for a in services.latest_assessments(unit, year)}
    for kind, code in ASSESSED.items():
        a = latest.get(kind)
        none = Value.na("未登记考核结果")
        out[f"{code}_rank"] = Value.count(a.rank) if a and a.rank else none
        out[f"{code}_score"] = Value.amount(a.score, 2) if a and a.score is not None else none
    return out


for _ind in (
    Indicator("honours.won", "获评各级荣誉", "项", G),
    *(
        Indicator(f"honours.won_{lv.value}", f"获评{lv.label}荣誉", "项", G, phrase=f"获评{lv.label}荣誉")
        for lv in LEVEL_ORDER
    ),
    Indicator("honours.applying", "申报中的荣誉称号", "项", G, phrase="申报各级荣誉称号"),
    Indicator("honours.best_cases", "获评优秀调解案例", "个", G),
    Indicator("assessment.rule_of_law_rank", "法治建设考核名次（最近一次）", "名", G, direction=LOWER, phrase="法治建设考核位列第"),
    Indicator("assessment.rule_of_law_score", "法治建设考核得分（最近一次）", "分", G, kind="amount", decimals=2, phrase="法治建设考核得分"),
    Indicator("assessment.law_based_admin_rank", "依法行政考核名次（最近一次）", "名", G, direction=LOWER, phrase="依法行政考核位列第"),
    Indicator("assessment.law_based_admin_score", "依法行政考核得分（最近一次）", "分", G, kind="amount", decimals=2, phrase="依法行政考核得分"),
):  # fmt: skip
    indicator(_ind)


# --------------------------------------------------------------------------- points
def _holder(h: Honour, ctx: Context) -> str:
    """The unit (or its mediation room …) a title is named for; a person is never named."""
    if h.kind in PERSON_KINDS:
        return ""
    name = h.holder_name.strip()
    if name and not name.startswith(h.unit.name) and h.unit_id != ctx.unit.pk:
        name = h.unit.name + name  # "红星村" + "人民调解委员会"
    return name or (ctx.voice.we if h.unit_id == ctx.unit.pk else h.unit.name)


def _named_title(h: Honour) -> str:
    """The title as recorded ("市级金牌调解室" by default, or as named: "全县平安建设先进集体")."""
    return h.title.strip() or services.default_title(h.kind, h.level, h.unit.kind)


def honours_text(ctx: Context) -> tuple[str, list[Source], int]:
    """ "市级金牌调解室1个（红星村人民调解委员会）、县级模范调解员1名、县级民主法治示范村1个
    （河口村）" for the titles won in the year in the unit's area, highest level first."""
    won = list(
        Honour.objects.in_subtree(ctx.unit)
        .filter(status__in=HELD, year=ctx.year)
        .select_related("unit")
        .order_by("id")[:200]
    )
    if not won:
        return "", [], 0
    rank = {lv: i for i, lv in enumerate(LEVEL_ORDER)}
    groups: dict[tuple, list[Honour]] = {}
    for h in sorted(won, key=lambda h: (rank[Level(h.level)], h.kind in MODEL_KINDS, h.pk)):
        title = _named_title(h)  # "市级金牌调解室", or as named: "全县平安建设先进集体"
        groups.setdefault((title, h.kind in PERSON_KINDS), []).append(h)
    own, parts = [], []
    for (title, person), hs in groups.items():
        if person:
            parts.append(f"{title}{len(hs)}名")
        else:
            mine = [h for h in hs if h.unit_id == ctx.unit.pk and not h.holder_name.strip()]
            for h in mine[:1]:  # the unit's own title: "我乡被……命名为“市级法治乡镇”"
                by = h.awarded_by.strip()
                own.append(
                    f"{ctx.voice.we}被{by}命名为“{title}”" if by else f"{ctx.voice.we}获评“{title}”"
                )
            rest = [h for h in hs if h not in mine]
            if rest and all(h.kind == HonourKind.BEST_CASE and h.dispute_id for h in rest):
                parts.append(f"{title}{len(rest)}个")  # best_cases_text names them with the case
            elif rest:
                names = list(dict.fromkeys(_holder(h, ctx) for h in rest))
                more = "等" if len(names) > 3 else ""
                parts.append(f"{title}{len(rest)}个（{'、'.join(names[:3])}{more}）")
    text = "，".join(own)
    if parts:
        text += ("，另获评" if own else "") + "、".join(parts)
    named = won[:5]
    sources = [
        Source(f"荣誉称号：{h.title}", reverse("honours:honour_detail", args=[h.pk])) for h in named
    ]
    return text, sources, len(named)


def _case_name(d) -> str:
    """ "范某与龚某邻里纠纷": the case by its parties (anonymised) and category; never the
    ledger's 纠纷简称, which names the parties in full."""
    people = list(d.parties.all())
    first = [p for p in people if p.side == "applicant"][:1]
    second = [p for p in people if p.side == "respondent"][:1]
    names = []
    for p in first + second:
        n = "某单位" if p.kind == "org" else anonymise(p.name)
        if n not in names:
            names.append(n)
    kind = (d.category.name if d.category_id else "").strip().removesuffix("纠纷") or "民间"
    return "与".join(names) + kind + "纠纷"


def best_cases_text(ctx: Context) -> tuple[str, list[Source]]:
    """ "红星村人民调解委员会调解的《范某与龚某邻里纠纷》获评市级优秀调解案例" for each
    优秀调解案例 won in the year in the unit's area that names its case (at most three);
    those that name none are counted in the titles above only."""
    parties = Prefetch("dispute__parties", queryset=DisputeParty.objects.order_by("id"))
    cases = list(
        Honour.objects.in_subtree(ctx.unit)
        .filter(status__in=HELD, year=ctx.year, kind=HonourKind.BEST_CASE, dispute__isnull=False)
        .select_related("unit", "dispute__committee", "dispute__category")
        .prefetch_related(parties)
        .order_by("level", "id")[:20]
    )
    rank = {lv: i for i, lv in enumerate(LEVEL_ORDER)}
    cases.sort(key=lambda h: (rank[Level(h.level)], h.pk))
    said, sources = [], []
    for h in cases[:3]:
        d = h.dispute
        by = d.committee.name if d.committee_id else _holder(h, ctx)
        said.append(f"{by}调解的《{_case_name(d)}》获评{_named_title(h)}")
        sources.append(
            Source(f"优秀调解案例：{d.number}", reverse("honours:honour_detail", args=[h.pk]))
        )
    return "；".join(said), sources


def _figure(ctx: Context, code: str | None, suffix: str, recorded: str, codes: list) -> str:
    """An assessment result as its indicator's figure where the kind has one (the code
    then cited in ``codes``), else as recorded."""
    if not code:
        return recorded
    codes.append(code + suffix)
    return ctx.fig(code + suffix)


def _assessment_text(ctx: Context) -> tuple[str, list[Source], list[str]]:
    """ "在2025年度全县乡镇法治建设考核中位列第3名（共4个乡镇），得分92.5分，考核等次为优秀"
    for the unit's own latest result of each kind, as recorded."""
    sentences, sources, codes = [], [], []
    order = [AssessmentKind.RULE_OF_LAW, AssessmentKind.LAW_BASED_ADMIN, AssessmentKind.OTHER]
    for a in sorted(
        services.latest_assessments(ctx.unit, ctx.year), key=lambda a: order.index(a.kind)
    ):
        code = ASSESSED.get(a.kind)
        said = []
        if a.rank:
            said.append(f"位列第{_figure(ctx, code, '_rank', f'{a.rank}名', codes)}")
            if a.among:
                said[-1] += f"（共{a.among}个{_peers(ctx)}）"
        if a.score is not None:
            full = "" if a.full_score == 100 else f"（满分{a.full_score.normalize():f}分）"
            score = _figure(ctx, code, "_score", f"{a.score.normalize():f}分", codes)
            said.append(f"得分{score}{full}")
        if a.grade:
            said.append(f"考核等次为{a.get_grade_display()}")
        name = a.name.strip()
        sentences.append(f"在{name}中" + "，".join(said))
        sources.append(
            Source(f"考核结果：{name}", reverse("honours:assessment_detail", args=[a.pk]))
        )
    return "；".join(sentences), sources, codes


def _peers(ctx: Context) -> str:
    kind = getattr(ctx.unit, "kind", "")
    return {"township": "乡镇", "county": "县(市、区)"}.get(kind, "参评单位")


def points(ctx: Context) -> list[Point]:
    """One point: the unit's latest assessment results, then the titles won in the year."""
    said, sources, records = [], [], 0
    text, named, codes = _assessment_text(ctx)
    assessed = bool(text)
    if text:
        said.append(text + "。")
        sources += named + [ctx.indicator_source(c) for c in codes]
        records += len(named)
    text, named, n = honours_text(ctx)
    if text:
        sentence = f"{ctx.year}年，{ctx.voice.whole}获评各级荣誉{ctx.fig('honours.won')}：{text}"
        cases, named_cases = best_cases_text(ctx)
        if cases:
            sentence += f"，其中{cases}"
            sources += named_cases + [ctx.indicator_source("honours.best_cases")]
        if ctx.n("honours.applying"):
            sentence += f"；正在申报各级荣誉称号{ctx.fig('honours.applying')}"
        said.append(sentence + "。")
        sources += named + [ctx.indicator_source("honours.won")]
        records += n
    if not said:
        return []
    if len(said) == 2:
        lead = "以考核和创建促进法治建设"
    else:
        lead = "接受法治建设考核" if assessed else "推进法治示范创建"
    return [
        Point(
            THEME,
            lead,
            "".join(said),
            sources=sources,
            # an assessment's result or a title won is what a writer keeps when the section
            # runs long (the seeds all say it); titles only applied for weigh less
            weight=75 if assessed or ctx.n("honours.won") else 65,
            key="honours",
            records=records,
        )
    ]


register(Contribution("honours", points=points, order=72))
