"""What the openness ledgers contribute to the annual 法治 report (theme "openness"), and
the indicators they state.

Section one: the items disclosed proactively in the year (their main categories and
channels, as recorded) and the requests received and how they were answered — "均在法定
期限内答复" only when every request of the year was answered within its deadline.
Section two: a reply rate on time below 100% or requests overdue; section four: nothing
of its own (the theme's plan phrase opens the point)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from fazhi.indicators.registry import LOWER, Indicator, Value, group, indicator, year_records
from fazhi.reports.contrib import (
    Context,
    Contribution,
    Found,
    Point,
    Source,
    below_target,
    joined,
    most_frequent,
    register,
)

from .models import OPEN_STATES, Category, Disclosure, DisclosureChannel, ReplyType
from .models import InformationRequest as Request

THEME = "openness"
G = "openness_records"
OUTCOME_CODES = {
    ReplyType.GRANTED: "openness.granted",
    ReplyType.PARTIAL: "openness.partial",
    ReplyType.REFUSED: "openness.refused",
    ReplyType.UNABLE: "openness.unable",
    ReplyType.NOT_HANDLED: "openness.not_handled",
    ReplyType.OTHER: "openness.other_handling",
}


# --------------------------------------------------------------------------- indicators
@group(G, "政务公开", reads=("openness.Disclosure", "openness.InformationRequest"))
def _figures(unit, year):
    end = min(dt.date(year, 12, 31), timezone.localdate())
    disclosed = year_records(Disclosure, unit, year, "published_on").count()
    qs = year_records(Request, unit, year, "received_on")
    agg = qs.aggregate(
        received=Count("pk"),
        replied=Count("pk", filter=Q(replied_on__isnull=False)),
        on_time=Count("pk", filter=Q(replied_on_time=True)),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATES, reply_due__lt=end)),
        challenged=Count(
            "pk", filter=Q(reconsideration__isnull=False) | Q(litigation__isnull=False)
        ),
    )
    outcomes = dict(qs.exclude(reply_type="").values_list("reply_type").annotate(n=Count("pk")))
    out = {
        "openness.disclosed": Value.count(disclosed),
        "openness.requests": Value.count(agg["received"]),
        "openness.replied": Value.count(agg["replied"]),
        "openness.on_time_rate": Value.rate(agg["on_time"], agg["replied"]),
        "openness.overdue": Value.count(agg["overdue"]),
        "openness.challenged": Value.count(agg["challenged"]),
    }
    for kind, code in OUTCOME_CODES.items():
        out[code] = Value.count(outcomes.get(kind, 0))
    return out


for ind in [
    Indicator("openness.disclosed", "主动公开政府信息", "条", G),
    Indicator("openness.requests", "受理政府信息公开申请", "件", G, phrase="受理依申请公开"),
    Indicator("openness.replied", "答复政府信息公开申请", "件", G, phrase="已答复"),
    Indicator(
        "openness.on_time_rate",
        "政府信息公开申请按期答复率",
        "%",
        G,
        target=Decimal("100"),
        kind="rate",
        phrase="按期答复率",
        decimals=1,
    ),
    Indicator(
        "openness.overdue",
        "政府信息公开申请逾期未答复",
        "件",
        G,
        direction=LOWER,
        target=Decimal("0"),
        phrase="逾期未答复",
    ),
    Indicator("openness.granted", "政府信息公开申请予以公开", "件", G, phrase="予以公开"),
    Indicator("openness.partial", "政府信息公开申请部分公开", "件", G, phrase="部分公开"),
    Indicator("openness.refused", "政府信息公开申请不予公开", "件", G, phrase="不予公开"),
    Indicator("openness.unable", "政府信息公开申请无法提供", "件", G, phrase="无法提供"),
    Indicator("openness.not_handled", "政府信息公开申请不予处理", "件", G, phrase="不予处理"),
    Indicator("openness.other_handling", "政府信息公开申请其他处理", "件", G, phrase="其他处理"),
    Indicator(
        "openness.challenged",
        "因政府信息公开答复被申请复议或起诉",
        "件",
        G,
        phrase="被申请行政复议或提起行政诉讼",
    ),
]:
    indicator(ind)


# --------------------------------------------------------------------------- points
def _top(qs, field: str, labels, n: int = 3) -> list[str]:
    return [str(labels(v).label) for v in most_frequent(qs, field)[:n] if v and v != "other"]


def _disclosed(ctx: Context) -> str:
    qs = ctx.records(Disclosure, "published_on")
    text = f"全年主动公开政府信息{ctx.fig('openness.disclosed')}"
    cats = _top(qs, "category", Category)
    if cats:
        text += f"，主要涉及{joined(cats)}等方面"
    chans = _top(qs, "channel", DisclosureChannel, 2)
    if chans:
        text += f"，通过{joined(chans)}{'等渠道' if len(chans) > 1 else ''}发布"
    return text


def _requests(ctx: Context) -> str:
    text = f"受理依申请公开{ctx.fig('openness.requests')}"
    replied, received = ctx.n("openness.replied"), ctx.n("openness.requests")
    if not replied:
        return text + "，均在办理期限内" if not ctx.n("openness.overdue") else text
    all_on_time = ctx.ok("openness.on_time_rate") and ctx.n("openness.on_time_rate") == 100
    if all_on_time and replied == received:
        text += "，均在法定期限内答复"
    elif all_on_time and not ctx.n("openness.overdue"):
        text += f"，已答复{ctx.fig('openness.replied')}且均在法定期限内，其余尚在办理期限内"
    else:
        text += (
            f"，已答复{ctx.fig('openness.replied')}，按期答复率{ctx.fig('openness.on_time_rate')}"
        )
    parts = [
        f"{ReplyType(k).label}{ctx.fig(code)}" for k, code in OUTCOME_CODES.items() if ctx.n(code)
    ]
    if len(parts) > 1:
        text += f"，其中{'、'.join(parts)}"
    if ctx.n("openness.challenged"):
        text += f"；因答复被申请行政复议或提起行政诉讼{ctx.fig('openness.challenged')}"
    return text


def points(ctx: Context) -> list[Point]:
    sentences = []
    sources = []
    if ctx.n("openness.disclosed"):
        sentences.append(_disclosed(ctx))
        sources.append(Source("主动公开台账", reverse("openness:disclosures")))
    if ctx.n("openness.requests"):
        sentences.append(_requests(ctx))
        sources.append(Source("依申请公开台账", reverse("openness:requests")))
    if not sentences:
        return []
    return [
        Point(
            THEME,
            "规范主动公开和依申请公开",
            "。".join(sentences) + "。",
            sources=[*sources, ctx.indicator_source("openness.disclosed")],
            weight=70,
            key="openness.records",
        )
    ]


# --------------------------------------------------------------------------- shortfalls
CAUSES = {
    "openness.on_time_rate": [
        "政府信息公开申请的登记、转办和答复环节衔接不畅",
        "涉及多个部门的申请会商时间过长，未及时办理延期手续",
        "政府信息公开工作人员变动频繁，业务不够熟悉",
    ],
    "openness.overdue": [
        "对答复期限缺少跟踪提醒，个别申请超过法定期限仍未答复",
        "申请内容涉及历史档案，查找信息耗时较长",
        "政府信息公开工作机构人手不足",
    ],
}
PLANS = {
    "openness.on_time_rate": "严格执行政府信息公开申请办理时限，做到按期答复",
    "openness.overdue": "建立依申请公开办理台账和期限预警，逾期未答复的限期办结",
}


def shortfalls(ctx: Context) -> list[Found]:
    return below_target(ctx, list(CAUSES), THEME, CAUSES, PLANS)


register(Contribution("openness", points=points, shortfalls=shortfalls, order=75))
