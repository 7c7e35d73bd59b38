"""What the legal-service ledgers contribute to the annual report (theme "services").

Section one: the advisers and the villages they serve (一村（社区）一法律顾问), their duty
shifts and hours, the consultations answered in 人次 (``Consultation.persons``, not the
number of records), the service station's days, visits and self-service uses, and legal
aid referrals. Section two: coverage below target and missed shifts; section four: the
villages still without an adviser.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from fazhi.core.models import Unit
from fazhi.core.models.units import VILLAGE_KINDS
from fazhi.indicators.registry import LOWER, Indicator, Value, group, indicator, year_records
from fazhi.reports.contrib import (
    Context,
    Contribution,
    Found,
    PlanHint,
    Point,
    Source,
    below_target,
    joined,
    most_frequent,
    register,
)

from . import services
from .models import (
    BUSINESS_CATEGORIES,
    AidOutcome,
    Consultation,
    DutyShift,
    EnterpriseVisit,
    LegalAdviser,
    LegalAidReferral,
    ServiceCenterDay,
    ShiftStatus,
)

D = Decimal
THEME = "services"


def _in_force(unit, year):
    """Advisers whose contract overlaps the year."""
    return LegalAdviser.objects.in_subtree(unit).filter(
        active=True,
        contract_start__lte=dt.date(year, 12, 31),
        contract_end__gte=dt.date(year, 1, 1),
    )


def _covered(unit, year) -> int:
    """Villages with an adviser in force on the year's last day (or today): the numerator
    of ``advisers.village_coverage`` (``services.village_coverage``), in one query."""
    day = min(dt.date(year, 12, 31), timezone.localdate())
    villages = Unit.objects.subtree(unit).filter(kind__in=VILLAGE_KINDS, active=True)
    return services.covered_count(villages.values("pk"), day)


# --------------------------------------------------------------------------- indicators
@group(
    "legalservice_records",
    "公共法律服务（年度报告）",
    reads=(
        "legalservice.Consultation",
        "legalservice.DutyShift",
        "legalservice.EnterpriseVisit",
        "legalservice.LegalAdviser",
        "legalservice.LegalAidReferral",
        "legalservice.ServiceCenterDay",
    ),
)
def _figures(unit, year):
    advisers = _in_force(unit, year).count()
    covered = _covered(unit, year)
    shifts = year_records(DutyShift, unit, year, "date").aggregate(
        held=Count("pk", filter=Q(status=ShiftStatus.HELD)),
        hours=Sum("hours", filter=Q(status=ShiftStatus.HELD)),
        missed=Count("pk", filter=Q(status=ShiftStatus.MISSED)),
    )
    consult = year_records(Consultation, unit, year, "date").aggregate(
        all_persons=Sum("persons"),
        business=Sum("persons", filter=Q(category__in=BUSINESS_CATEGORIES)),
    )
    persons = consult["all_persons"]
    visits = year_records(EnterpriseVisit, unit, year, "date").aggregate(
        n=Count("pk"),
        enterprises=Count("enterprise", distinct=True),
        served=Sum("persons"),
    )
    center = year_records(ServiceCenterDay, unit, year, "date").aggregate(
        days=Count("pk"), visits=Sum("visits"), self_service=Sum("self_service")
    )
    aid = year_records(LegalAidReferral, unit, year, "date").aggregate(
        n=Count("pk"),
        accepted=Count("pk", filter=Q(outcome__in=(AidOutcome.ACCEPTED, AidOutcome.CLOSED))),
    )
    return {
        "advisers.count": Value.count(advisers),
        "advisers.villages_covered": Value.count(covered),
        "advisers.duty_shifts": Value.count(shifts["held"]),
        "advisers.duty_hours": Value.amount(shifts["hours"] or 0, 1),
        "advisers.shifts_missed": Value.count(shifts["missed"]),
        "advisers.consultation_persons": Value.count(persons),
        "legalservice.consultations_business": Value.count(consult["business"] or 0),
        "legalservice.enterprise_visits": Value.count(visits["n"]),
        "legalservice.enterprises_served": Value.count(visits["enterprises"]),
        "legalservice.enterprise_visit_persons": Value.count(visits["served"] or 0),
        "legalservice.center_days": Value.count(center["days"]),
        "legalservice.center_visits": Value.count(center["visits"]),
        "legalservice.self_service": Value.count(center["self_service"]),
        "legalaid.referrals": Value.count(aid["n"]),
        "legalaid.accepted": Value.count(aid["accepted"]),
    }


G = "legalservice_records"
for ind in [
    Indicator("advisers.count", "聘请法律顾问", "名", G),
    Indicator("advisers.villages_covered", "配备法律顾问的村（社区）", "个", G),
    Indicator("advisers.duty_shifts", "法律顾问坐班值班", "次", G, phrase="坐班值班"),
    Indicator(
        "advisers.duty_hours",
        "法律顾问坐班服务时长",
        "小时",
        G,
        kind="amount",
        phrase="累计服务",
        decimals=1,
    ),
    Indicator(
        "advisers.shifts_missed", "法律顾问未按计划坐班", "次", G, direction=LOWER, target=D("0")
    ),
    Indicator("advisers.consultation_persons", "解答法律咨询", "人次", G),
    Indicator(
        "legalservice.consultations_business",
        "提供商事（涉企）法律咨询",
        "人次",
        G,
        phrase="提供商事法律咨询",
    ),
    Indicator("legalservice.enterprise_visits", "开展入企法律服务", "次", G),
    Indicator("legalservice.enterprises_served", "入企服务企业", "家", G, phrase="走访企业"),
    Indicator(
        "legalservice.enterprise_visit_persons",
        "入企服务企业经营者和职工",
        "人次",
        G,
        phrase="服务企业经营者和职工",
    ),
    Indicator(
        "legalservice.center_days",
        "公共法律服务工作站开放",
        "天",
        G,
        phrase="公共法律服务工作站全年开放",
    ),
    Indicator(
        "legalservice.center_visits", "公共法律服务站接待群众", "人次", G, phrase="接待办事群众"
    ),
    Indicator("legalservice.self_service", "自助服务终端使用", "件", G),
    Indicator("legalaid.referrals", "转介法律援助", "件", G),
    Indicator("legalaid.accepted", "法律援助已受理或办结", "件", G, phrase="已受理或办结"),
]:
    indicator(ind)


# --------------------------------------------------------------------------- points
def _top(qs, field: str, n: int = 3) -> list[str]:
    return list(most_frequent(qs.exclude(**{field: ""}), field)[:n])


def _advisers_point(ctx: Context) -> Point | None:
    if not ctx.n("advisers.count"):
        return None
    v = ctx.voice
    advisers = list(_in_force(ctx.unit, ctx.year).order_by("firm", "pk"))
    firms = list(dict.fromkeys(a.firm for a in advisers if a.firm))[:3]
    s1 = f"{v.whole}聘请"
    if firms:
        s1 += f"{joined(firms)}的"
    s1 += f"{ctx.fig('advisers.count')}律师担任法律顾问"
    if ctx.n("advisers.villages_covered"):
        s1 += f"，为{ctx.fig('advisers.villages_covered')}{v.grassroots}提供法律服务"
        cov = ctx.value("advisers.village_coverage")
        if cov is not None and cov.ok and cov.value == 100:
            s1 += "，实现“一村（社区）一法律顾问”全覆盖"
        elif ctx.ok("advisers.village_coverage"):
            s1 += f"，法律顾问覆盖率{ctx.fig('advisers.village_coverage')}"
    sentences = [s1 + "。"]
    clauses = []
    if ctx.n("advisers.duty_shifts"):
        clauses.append(
            f"法律顾问全年驻{ctx.voice.grassroots}坐班值班{ctx.fig('advisers.duty_shifts')}、"
            f"累计服务{ctx.fig('advisers.duty_hours')}"
        )
    if ctx.n("advisers.consultation_persons"):
        s = f"解答群众法律咨询{ctx.fig('advisers.consultation_persons')}"
        yoy = ctx.yoy_if_kept("advisers.consultation_persons")
        if yoy:
            s += f"，{yoy}"
        topics = _top(ctx.records(Consultation, "date"), "topic")
        if topics:
            s += f"，咨询事项主要涉及{joined(topics)}等方面"
        clauses.append(s)
    if clauses:
        sentences.append("，".join(clauses) + "。")
    named = [a for a in advisers if a.firm in firms]
    return Point(
        THEME,
        "深化“一村（社区）一法律顾问”",
        "".join(sentences),
        sources=[
            Source(f"法律顾问：{a.firm}", reverse("legalservice:adviser_detail", args=[a.pk]))
            for a in named
        ],
        weight=80,
        key="services.advisers",
        records=len(named),
    )


def _business_point(ctx: Context) -> Point | None:
    """提供商事法律咨询X人次，开展入企法律服务Y次 (legal services for business)."""
    business = ctx.n("legalservice.consultations_business")
    visits = ctx.n("legalservice.enterprise_visits")
    if not business and not visits:
        return None
    clauses = []
    if business:
        clauses.append(f"提供商事法律咨询{ctx.fig('legalservice.consultations_business')}")
    if visits:
        s = f"开展入企法律服务{ctx.fig('legalservice.enterprise_visits')}"
        if ctx.n("legalservice.enterprises_served"):
            s += f"，走访企业{ctx.fig('legalservice.enterprises_served')}"
        if ctx.n("legalservice.enterprise_visit_persons"):
            s += f"，服务企业经营者和职工{ctx.fig('legalservice.enterprise_visit_persons')}"
        clauses.append(s)
    text = f"{ctx.voice.we}组织法律顾问服务企业发展，" + "，".join(clauses) + "。"
    codes = ["legalservice.consultations_business", "legalservice.enterprise_visits"]
    return Point(
        THEME,
        "法治护航营商环境",
        text,
        sources=[ctx.indicator_source(c) for c in codes if ctx.n(c)],
        weight=55,
        key="services.business",
    )


def _center_point(ctx: Context) -> Point | None:
    if not ctx.n("legalservice.center_days"):
        return None
    text = (
        f"{ctx.voice.we}公共法律服务工作站全年开放{ctx.fig('legalservice.center_days')}，"
        f"接待办事群众{ctx.fig('legalservice.center_visits')}"
    )
    if ctx.n("legalservice.self_service"):
        text += f"，群众使用自助服务终端{ctx.fig('legalservice.self_service')}"
    codes = ["legalservice.center_days", "legalservice.center_visits", "legalservice.self_service"]
    return Point(
        THEME,
        "用好公共法律服务阵地",
        text + "。",
        sources=[ctx.indicator_source(c) for c in codes],
        weight=60,
        key="services.center",
    )


def _aid_point(ctx: Context) -> Point | None:
    if not ctx.n("legalaid.referrals"):
        return None
    qs = ctx.records(LegalAidReferral, "date")
    to = _top(qs, "referred_to", 1)
    text = f"向{to[0] if to else '法律援助机构'}转介法律援助{ctx.fig('legalaid.referrals')}"
    if ctx.n("legalaid.accepted"):
        text += f"，其中已受理或办结{ctx.fig('legalaid.accepted')}"
    matters = _top(qs, "matter")
    if matters:
        text += f"，涉及{joined(matters)}等事项"
    return Point(
        THEME,
        "畅通法律援助渠道",
        text + "。",
        sources=[ctx.indicator_source("legalaid.referrals")],
        weight=50,
        key="services.aid",
    )


def points(ctx: Context) -> list[Point]:
    out = [_advisers_point(ctx), _business_point(ctx), _center_point(ctx), _aid_point(ctx)]
    return [p for p in out if p is not None]


# --------------------------------------------------------------------------- shortfalls
CAUSES = {
    "advisers.village_coverage": [
        "法律顾问服务经费不足，未能为每个村（社区）单独聘请法律顾问",
        "偏远村距离远、交通不便，律师事务所派驻意愿不强",
        "原法律顾问合同到期后续聘工作衔接不及时",
        "本地律师资源有限，一名律师服务的村（社区）过多",
    ],
    "advisers.shifts_missed": [
        "法律顾问承办诉讼案件出庭与坐班时间冲突",
        "坐班计划未提前告知村（社区），临时调整后未补班",
        "对法律顾问坐班履职缺少考核，约束不够",
        "偏远村路途远，恶劣天气时无法按时到岗",
    ],
}
PLANS = {
    "advisers.shifts_missed": "加强法律顾问履职考核，坐班计划提前公示，未到岗的及时补班",
}


def _gaps(ctx: Context) -> list[str]:
    day = min(dt.date(ctx.year, 12, 31), timezone.localdate())
    return [u.name for u in services.coverage_gaps(ctx.unit, day)]


def shortfalls(ctx: Context) -> list[Found]:
    found = below_target(ctx, list(CAUSES), THEME, CAUSES, PLANS)
    for f in found:
        if f.key == "indicator:advisers.village_coverage":
            gaps = _gaps(ctx)
            if gaps:
                f.text += f"，{joined(gaps)}{'等' if len(gaps) > 3 else ''}尚未配备法律顾问"
                f.sources.append(Source("法律顾问覆盖情况", reverse("legalservice:coverage")))
    return found


# --------------------------------------------------------------------------- plans
def plans(ctx: Context) -> list[PlanHint]:
    gaps = _gaps(ctx) if ctx.ok("advisers.village_coverage") else []
    if not gaps:
        return []
    more = "等村（社区）" if len(gaps) > 3 else ""
    return [
        PlanHint(
            THEME,
            f"为{joined(gaps)}{more}配齐法律顾问，实现“一村（社区）一法律顾问”全覆盖",
            [Source("法律顾问覆盖情况", reverse("legalservice:coverage"))],
        )
    ]


register(
    Contribution(
        "legalservice",
        points=points,
        shortfalls=shortfalls,
        plans=plans,
        order=60,
    )
)
