"""The special groups' contribution to the annual report and their indicators: counts
only, never a name.

What a report says of them — "全镇在册社区矫正对象12人（全年新接收5人，期满解除4人），
安置帮教对象20人，开展走访、谈话和教育学习等86人次，无脱管漏管" — written from the roster:
the point (theme "services": 夯实法治基层基础, the 司法所's work) states the roster at the year's end, the
year's intake and releases and the visits; "无脱管漏管" only when the records show no one
overdue to report in at the year's end, no one reported in late during the year and no one
lost to contact. Overdue, late and lost persons and re-offending are section two's
shortfalls instead (theme "disputes": a gap in supervision is a stability matter).

Indicators (group ``corrections_report``), as at the year's end (today for the current
year): ``corrections.community_total`` (社区矫正对象 on the roster),
``corrections.community_new`` (judgments taking effect in the year),
``corrections.community_released`` (released at the term's end in the year),
``corrections.released_total`` (安置帮教对象 on the roster), ``corrections.released_new``
(released from prison in the year), ``corrections.reported_on_time`` (rate: reported in
within the ten days, of those whose ten days ended in the year), ``corrections.report_late``
(reported in late in the year), ``corrections.report_overdue`` (not reported in, the ten
days passed), ``corrections.lost`` (脱管), ``corrections.visits`` (visits, talks, reports,
study sessions and community service in the year, 人次), ``corrections.reoffended``
(ended in the year by a new crime, as recorded).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q
from django.utils import timezone

from fazhi.indicators.registry import LOWER, Indicator, Value, group, indicator
from fazhi.reports.contrib import Context, Contribution, Found, Point, register

from .models import GroupKind, Status, SupervisedPerson

# Section one: the 司法所's work at the grass roots (the disputes theme already holds its
# five points); section two: a gap in supervision is a stability matter.
THEME = "services"
SHORTFALL_THEME = "disputes"
G = "corrections_report"
COMMUNITY, RESETTLEMENT = GroupKind.COMMUNITY, GroupKind.RESETTLEMENT


def as_of(year: int, today: dt.date | None = None) -> dt.date:
    """The day the roster is counted on: the year's last day, or today in the current year."""
    today = today or timezone.localdate()
    return min(dt.date(year, 12, 31), today)


def _on_roll(day: dt.date) -> Q:
    """On the roster on ``day``: begun (judgment in effect / released) and not yet ended."""
    begun = Q(kind=COMMUNITY, effective_on__lte=day) | Q(kind=RESETTLEMENT, released_on__lte=day)
    return begun & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))


def roster_counts(qs, day: dt.date) -> dict:
    """The roster's counts on ``day`` over ``qs`` (the landing page's cards)."""
    on = _on_roll(day)
    return qs.aggregate(
        community_total=Count("pk", filter=on & Q(kind=COMMUNITY)),
        released_total=Count("pk", filter=on & Q(kind=RESETTLEMENT)),
        overdue=Count("pk", filter=Q(status=Status.PENDING, report_due__lt=day)),
        lost=Count("pk", filter=Q(status=Status.LOST)),
    )


@group(
    G,
    "社区矫正与安置帮教（年度报告）",
    reads=("corrections.SupervisedPerson", "corrections.SupervisionVisit"),
)
def _figures(unit, year):
    day = as_of(year)
    start = dt.date(year, 1, 1)
    on = _on_roll(day)
    in_year = Q(ended_on__range=(start, day))
    due_in_year = Q(kind=COMMUNITY, report_due__range=(start, day))
    n = SupervisedPerson.objects.in_subtree(unit).aggregate(
        community_total=Count("pk", distinct=True, filter=on & Q(kind=COMMUNITY)),
        community_new=Count(
            "pk", distinct=True, filter=Q(kind=COMMUNITY, effective_on__range=(start, day))
        ),
        community_released=Count(
            "pk", distinct=True, filter=in_year & Q(status=Status.RELEASED, kind=COMMUNITY)
        ),
        released_total=Count("pk", distinct=True, filter=on & Q(kind=RESETTLEMENT)),
        released_new=Count(
            "pk", distinct=True, filter=Q(kind=RESETTLEMENT, released_on__range=(start, day))
        ),
        # whose ten days ended in the year: reported in by then, or not (late or still out)
        due=Count(
            "pk",
            distinct=True,
            filter=due_in_year & Q(reported_on__isnull=False) | due_in_year & Q(report_due__lt=day),
        ),
        on_time=Count(
            "pk", distinct=True, filter=due_in_year & Q(reported_on__lte=F("report_due"))
        ),
        late=Count(
            "pk",
            distinct=True,
            filter=Q(
                kind=COMMUNITY, reported_on__range=(start, day), reported_on__gt=F("report_due")
            ),
        ),
        overdue=Count(
            "pk",
            distinct=True,
            filter=Q(kind=COMMUNITY, report_due__lt=day)
            & (Q(reported_on__isnull=True) | Q(reported_on__gt=day))
            & (Q(ended_on__isnull=True) | Q(ended_on__gt=day)),
        ),
        lost=Count("pk", distinct=True, filter=Q(status=Status.LOST, lost_on__lte=day)),
        reoffended=Count("pk", distinct=True, filter=in_year & Q(reoffended=True)),
        # one query for the group: the visits joined in (persons counted distinct)
        visits=Count("visits", filter=Q(visits__visited_on__range=(start, day))),
    )
    visits = n["visits"]
    out = {
        f"corrections.{k}": Value.count(n[k])
        for k in (
            "community_total",
            "community_new",
            "community_released",
            "released_total",
            "released_new",
            "lost",
            "reoffended",
        )
    }
    out["corrections.report_overdue"] = Value.count(n["overdue"])
    out["corrections.report_late"] = Value.count(n["late"])
    out["corrections.reported_on_time"] = Value.rate(n["on_time"], n["due"])
    out["corrections.visits"] = Value.count(visits)
    return out


for _ind in (
    Indicator("corrections.community_total", "在册社区矫正对象", "人", G),
    Indicator("corrections.community_new", "新接收社区矫正对象", "人", G),
    Indicator("corrections.community_released", "期满解除社区矫正", "人", G, phrase="期满解除矫正"),
    Indicator("corrections.released_total", "在册安置帮教对象", "人", G),
    Indicator("corrections.released_new", "新衔接刑满释放人员", "人", G),
    Indicator("corrections.reported_on_time", "社区矫正对象按期报到率", "%", G, kind="rate", decimals=1, phrase="按期报到率"),
    Indicator("corrections.report_late", "超期报到的社区矫正对象", "人", G, direction=LOWER, target=0, phrase="超期报到"),
    Indicator("corrections.report_overdue", "逾期未报到的社区矫正对象", "人", G, direction=LOWER, target=0, phrase="逾期未报到"),
    Indicator("corrections.lost", "脱管的社区矫正和安置帮教对象", "人", G, direction=LOWER, target=0, phrase="脱管"),
    Indicator("corrections.visits", "走访谈话和教育帮扶", "人次", G, phrase="开展走访、谈话和教育帮扶"),
    Indicator("corrections.reoffended", "重新犯罪的社区矫正和安置帮教对象", "人", G, direction=LOWER, target=0, phrase="重新犯罪"),
):  # fmt: skip
    indicator(_ind)


# --------------------------------------------------------------------------- points
def clean(ctx: Context) -> bool:
    """The records show no 脱管 and no 漏管: no one overdue to report in, none reported in
    late in the year, no one lost to contact (each figure computed, each zero)."""
    codes = ("corrections.report_overdue", "corrections.report_late", "corrections.lost")
    return all(ctx.zero(c) for c in codes)


def roster_text(ctx: Context) -> str:
    """ "全镇在册社区矫正对象12人（全年新接收5人，期满解除4人），安置帮教对象20人，开展走访、
    谈话和教育学习等86人次，无脱管漏管" (each part only where the records have it)."""
    fig, n = ctx.fig, ctx.n
    parts = []
    if n("corrections.community_total") or n("corrections.community_new"):
        text = f"{ctx.voice.whole}在册社区矫正对象{fig('corrections.community_total')}"
        year = []
        if n("corrections.community_new"):
            year.append(f"全年新接收{fig('corrections.community_new')}")
        if n("corrections.community_released"):
            year.append(f"期满解除{fig('corrections.community_released')}")
        if year:
            text += f"（{'，'.join(year)}）"
        parts.append(text)
    if n("corrections.released_total"):
        lead = "" if parts else f"{ctx.voice.whole}在册"
        text = f"{lead}安置帮教对象{fig('corrections.released_total')}"
        if n("corrections.released_new"):
            text += f"（全年新衔接刑满释放人员{fig('corrections.released_new')}）"
        parts.append(text)
    if not parts:
        return ""
    if n("corrections.visits"):
        parts.append(f"开展走访、谈话和教育学习等{fig('corrections.visits')}")
    if clean(ctx):
        parts.append("无脱管漏管")
    return "，".join(parts)


def points(ctx: Context) -> list[Point]:
    text = roster_text(ctx)
    if not text:
        return []
    return [
        Point(
            THEME,
            "加强特殊人群服务管理",
            text + "。",
            # The roster itself is restricted: the sources are the figures, not the records.
            sources=[
                ctx.indicator_source("corrections.community_total"),
                ctx.indicator_source("corrections.released_total"),
            ],
            weight=65,  # above the service centre (60): kept when section one runs long
            key="corrections.roster",
        )
    ]


# --------------------------------------------------------------------------- shortfalls
CAUSES = [
    "与人民法院、公安机关的衔接不够紧密，判决生效信息未及时掌握",
    "社区矫正工作人员力量不足，日常走访和信息化核查不到位",
    "对象流动性大，村(社区)协助监管的责任落实不够",
]
PLAN = "加强与法院、公安、监狱的衔接，落实报到期限提醒和日常走访，杜绝脱管漏管"


def shortfalls(ctx: Context) -> list[Found]:
    fig, n = ctx.fig, ctx.n
    parts = []
    if n("corrections.report_overdue"):
        parts.append(f"逾期未报到的社区矫正对象{fig('corrections.report_overdue')}")
    if n("corrections.report_late"):
        parts.append(f"超期报到{fig('corrections.report_late')}")
    if n("corrections.lost"):
        parts.append(f"脱管{fig('corrections.lost')}")
    if n("corrections.reoffended"):
        parts.append(f"重新犯罪{fig('corrections.reoffended')}")
    if not parts:
        return []
    return [
        Found(
            key="corrections.supervision",
            theme=SHORTFALL_THEME,
            text="特殊人群监督管理仍有漏洞，" + "，".join(parts),
            suggestions=list(CAUSES),
            sources=[ctx.indicator_source("corrections.report_overdue")],
            plan=PLAN,
            covers=[
                "corrections.reported_on_time",  # below 100% only when one is late or overdue
                "corrections.report_overdue",
                "corrections.report_late",
                "corrections.lost",
                "corrections.reoffended",
            ],
        )
    ]


register(Contribution("corrections", points=points, shortfalls=shortfalls, order=48))
