"""Demo data: grid cases (网格事件), the largest ledger of a county demo.

A township reports about 6,000 grid cases a year (``ctx.params.grid_cases``), so the
county demo holds ~600,000: built as plain model instances per township and year, with
deadlines computed once per (day, category rule), inserted per township-year through
``fazhi.core.bulk.insert`` (executemany / COPY), no history rows (as for the hotline demo
data), and the phone encrypted only for the ~10% that name a person. Status mix: ~85–90%
handled on the spot, ~5% referred to a township office, escalations linked one-to-one to
the disputes the disputes generator registered as found by screening in the same township
and year, the recent ones still open and about two per township overdue. At the small scale a few more cases are taken through the services, so their
pages show the whole procedure (one escalated into a new dispute).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from fazhi.core import bulk, demo, workdays

from .demo_people import mobile, person_name
from .models import Dispute, GridCase, GridCategory
from .models.grid import handling_working_days

# The grid demo draws from fewer surnames than demo.py (the names it has always generated).
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖"
GRIDS_PER_VILLAGE = 6

CATEGORY_WEIGHTS = (
    ("dispute_lead", 14),
    ("safety", 16),
    ("sanitation", 24),
    ("public_order", 9),
    ("livelihood", 21),
    ("policy", 11),
    ("other", 5),
)
SUMMARIES = {
    "dispute_lead": [
        "{p}两户因排水沟走向发生口角，情绪较大",
        "{p}反映邻居新建围墙占用通道",
        "{p}家庭因赡养老人问题产生矛盾",
        "{p}与承包户因土地边界发生争执",
        "{p}反映务工工资被拖欠",
    ],
    "safety": [
        "路边电线杆倾斜，存在倒伏风险",
        "自建房外墙出现裂缝，需排查",
        "河道护栏破损，存在落水隐患",
        "小作坊内液化气罐摆放不规范",
        "村道边坡有落石",
    ],
    "sanitation": [
        "垃圾收集点满溢未及时清运",
        "沟渠淤堵，污水外溢",
        "村口乱堆建筑垃圾",
        "公厕保洁不到位",
        "房前屋后杂物堆放",
    ],
    "public_order": [
        "夜间有人聚集饮酒喧哗",
        "发现可疑人员上门推销保健品",
        "路口车辆乱停乱放影响通行",
        "反映有人在河边违规垂钓电鱼",
    ],
    "livelihood": [
        "独居老人需要上门帮办医保缴费",
        "路灯损坏，夜间出行不便",
        "自来水压力不足",
        "残疾人申请辅具需要协助",
        "村民反映公交班次太少",
    ],
    "policy": [
        "咨询城乡居民养老保险缴费档次",
        "咨询宅基地审批政策",
        "咨询耕地地力保护补贴发放",
        "咨询新生儿落户办理",
    ],
    "other": ["走访独居老人，了解生活情况", "协助开展人口信息核查"],
}
HANDLING = {
    "dispute_lead": "网格员会同村调解员现场劝解，双方达成谅解",
    "safety": "已设置警示标志并通知产权人当日整改，复查已消除隐患",
    "sanitation": "已联系保洁员清运处理",
    "public_order": "已劝离并告知村警务助理",
    "livelihood": "已帮办或联系相关人员解决",
    "policy": "已现场解答并发放政策明白纸",
    "other": "已办理",
}
OFFICES = (
    "镇综合行政执法队",
    "镇应急管理办公室",
    "镇社会事务办公室",
    "镇自然资源所",
    "镇市场监管所",
    "派出所",
    "镇农业农村办公室",
)


def _volume(rng, volume: tuple[int, int], start: dt.date, end: dt.date) -> int:
    """A year's volume, pro rata for the current, unfinished year."""
    share = ((end - start).days + 1) / ((dt.date(start.year, 12, 31) - start).days + 1)
    return max(1, round(rng.randint(*volume) * min(1.0, share)))


class _Deadlines:
    """Working-day deadlines, computed once per (day, number of days)."""

    def __init__(self):
        self.cache: dict[tuple[dt.date, int], workdays.Deadline] = {}

    def __call__(self, day: dt.date, category: str) -> workdays.Deadline:
        key = (day, handling_working_days(category))
        dl = self.cache.get(key)
        if dl is None:
            dl = self.cache[key] = workdays.add_working_days(*key)
        return dl


@demo.register(order=32)
def generate(ctx: demo.DemoContext) -> None:
    today = timezone.localdate()
    rng = ctx.rng
    deadlines = _Deadlines()
    tz = timezone.get_current_timezone()
    total = 0
    for t_index, township in enumerate(ctx.townships):
        villages = ctx.villages[township.pk]
        workers = {
            (v.pk, g): person_name(rng, SURNAMES)
            for v in villages
            for g in range(1, GRIDS_PER_VILLAGE + 1)
        }
        handler = ctx.users.get("mediator_df") if t_index == 0 else None
        for year in ctx.years:
            start = dt.date(year, 1, 1)
            end = min(today, dt.date(year, 12, 31))
            if start > end:
                continue
            rows = _township_year(
                rng, township, villages, workers, handler, start, end, today, tz, deadlines,
                ctx.params.grid_cases,
            )  # fmt: skip
            bulk.insert(GridCase, rows)
            total += len(rows)
    if not ctx.bulk:
        _walkthrough(ctx, today)
    ctx.log(f"网格事件演示数据已生成（{total} 件）")


def _township_year(
    rng, township, villages, workers, handler, start, end, today, tz, deadlines, volume
) -> list[GridCase]:
    n = _volume(rng, volume, start, end)
    # Escalations: one grid case per dispute found by screening in this township and year
    # (registered by the disputes generator), on the day and in the grid of that dispute.
    leads = list(
        Dispute.objects.filter(
            unit__path__startswith=township.path,
            source="screening",
            registered_on__gte=start,
            registered_on__lte=end,
        )
        .order_by("registered_on", "pk")
        .values_list("pk", "village_id", "grid", "registered_on")
    )
    leads = leads[: max(0, min(len(leads), round(n * 0.08)))]
    by_village = {v.pk: v for v in villages}
    span = (end - start).days
    categories = [c for c, _w in CATEGORY_WEIGHTS]
    weights = [w for _c, w in CATEGORY_WEIGHTS]
    plan = []  # (day, category, village, grid number, dispute id)
    for pk, village_id, grid, day in leads:
        village = by_village.get(village_id) or rng.choice(villages)
        digits = "".join(ch for ch in grid if ch.isdecimal())
        plan.append((day, "dispute_lead", village, int(digits or rng.randint(1, 6)), pk))
    for _ in range(n - len(plan)):
        day = start + dt.timedelta(days=rng.randint(0, span))
        category = rng.choices(categories, weights)[0]
        plan.append((day, category, rng.choice(villages), rng.randint(1, GRIDS_PER_VILLAGE), None))
    plan.sort(key=lambda p: p[0])
    # About two cases per township left undisposed past their deadline (overdue).
    late = min(0.3, 2 / (10 * max(1.0, n / (span + 1))))
    first_village = villages[0].pk
    rows = []
    for i, (day, category, village, grid_no, dispute_id) in enumerate(plan, start=1):
        dl = deadlines(day, category)
        g = {
            "unit_id": village.pk,
            "village_id": village.pk,
            "number": f"网{day.year}-{i:05d}",
            "grid": f"第{grid_no}网格",
            "reported_at": dt.datetime(
                day.year, day.month, day.day, rng.randint(7, 19), rng.randint(0, 59), tzinfo=tz
            ),
            "reported_on": day,
            "category": category,
            "summary": rng.choice(SUMMARIES[category]).format(p=person_name(rng, SURNAMES) + "等"),
            "reporter": workers.get((village.pk, grid_no)) or person_name(rng, SURNAMES),
            "due_on": dl.date,
            "due_on_provisional": dl.provisional,
            "handler_id": handler.pk if handler and village.pk == first_village else None,
        }
        if rng.random() < (0.5 if category == "dispute_lead" else 0.07):
            g["person_name"], g["phone"] = person_name(rng, SURNAMES), mobile(rng)
        _dispose(rng, g, dispute_id, today, late)
        if g["status"] == "reported":
            g["due_date"], g["due_provisional"], g["due_label"] = (
                dl.date,
                dl.provisional,
                "处置期限",
            )
            g["supervised"] = dl.date < today and rng.random() < 0.5
        rows.append(GridCase(**g))
    return rows


def _dispose(rng, g: dict, dispute_id, today, late: float) -> None:
    """Status, disposal and dates, by the case's age."""
    age = (today - g["reported_on"]).days
    g["status"] = "reported"
    if dispute_id is not None:
        g.update(
            dispute_id=dispute_id,
            disposal="escalated",
            status="escalated",
            handled_on=g["reported_on"],
            handling="双方分歧较大，转为矛盾纠纷由人民调解委员会调处",
        )
    else:
        # Still to dispose of: most of today's and yesterday's, and a few past the deadline.
        if age <= 1 and rng.random() < 0.6 or 3 <= age <= 12 and rng.random() < late:
            return
        delay = rng.choices((0, 0, 0, 1, 2, 3, 4, 6), (40, 15, 10, 18, 8, 4, 3, 2))[0]
        g["handled_on"] = min(today, g["reported_on"] + dt.timedelta(days=delay))
        if rng.random() < 0.055:
            office = rng.choice(OFFICES)
            g.update(
                disposal="referred",
                status="referred",
                referred_to=office,
                handling=f"超出网格处置能力，转{office}办理",
            )
        else:
            g.update(disposal="on_the_spot", status="handled", handling=HANDLING[g["category"]])
    if age > 7 or age > 2 and rng.random() < 0.5:
        g["closed_on"] = min(today, g["handled_on"] + dt.timedelta(days=rng.choice((0, 1, 2, 5))))
        g["status"] = "closed"


def _walkthrough(ctx, today) -> None:
    """Small scale: cases taken through the services, with their timelines."""
    from fazhi.core import context

    from .services import grid as gs

    t = ctx.townships[0]
    village = ctx.villages[t.pk][0]
    admin, mediator = ctx.users["admin_df"], ctx.users["mediator_df"]
    reported = (  # what the grid worker saw, and the step taken on it
        (
            {
                "grid": "第2网格",
                "category": GridCategory.DISPUTE_LEAD,
                "summary": "陈某与邻居林某因宅基地界址争执，双方多次发生口角（演示）",
                "person_name": "陈某某",
                "phone": mobile(ctx.rng),
            },
            "escalate",
            {"category": "宅基地", "parties": "陈某某、林某某", "note": "现场劝解未果"},
        ),
        (
            {
                "grid": "第1网格",
                "category": GridCategory.SAFETY,
                "summary": "村道边电线裸露，存在触电隐患（演示）",
            },
            "handle",
            {"handling": "已联系供电所断电处理，设置警示"},
        ),
        (
            {"grid": "第3网格", "category": "livelihood", "summary": "独居老人家中漏雨（演示）"},
            "refer",
            {"referred_to": "镇社会事务办公室"},
        ),
    )
    with context.acting(mediator, channel="system"):
        for data, action, step in reported:
            g = gs.report_case(actor=mediator, unit=village, data=data)
            gs.act(g, action, user=mediator, data=step)
    with context.acting(admin, channel="system"):  # the last one, the leaking roof
        gs.act(g, "supervise", user=admin, data={"note": "雨季来临，请三日内上门维修"})
