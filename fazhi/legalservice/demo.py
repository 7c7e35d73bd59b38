"""Demo: each township's year — advisers covering all but one village, duty shifts,
consultations, the service centre's daily counts and a few legal aid referrals."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from fazhi.core import bulk, demo, workdays

from .models import (
    AidOutcome,
    Channel,
    Consultation,
    ConsultationCategory,
    DutyShift,
    EnterpriseVisit,
    LegalAdviser,
    LegalAidReferral,
    ServiceCenterDay,
    ShiftStatus,
    guess_category,
)

SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗"
FIRMS = ["正道律师事务所", "明理律师事务所", "中正律师事务所", "信和律师事务所"]
TOPICS = [
    "土地承包经营权流转",
    "宅基地边界",
    "婚姻家庭",
    "赡养老人",
    "劳动报酬追讨",
    "交通事故赔偿",
    "民间借贷",
    "邻里相邻关系",
    "遗产继承",
    "房屋租赁",
    "工伤认定",
    "消费维权",
]
PLACES = ["村委会法律服务室", "村便民服务中心", "乡镇公共法律服务工作站"]
# Business consultations and enterprise visits (入企服务), drawn from an rng of their own
# so the figures above stay as they were.
BUSINESS_TOPICS = [
    ("合同审查", ConsultationCategory.COMMERCIAL),
    ("买卖合同纠纷", ConsultationCategory.COMMERCIAL),
    ("股权转让", ConsultationCategory.COMMERCIAL),
    ("企业用工风险", ConsultationCategory.ENTERPRISE),
    ("企业债权清收", ConsultationCategory.ENTERPRISE),
    ("企业知识产权保护", ConsultationCategory.ENTERPRISE),
]
ENTERPRISES = [
    "农业开发有限公司",
    "建材有限公司",
    "食品加工厂",
    "电子科技有限公司",
    "种养专业合作社",
]
MATTERS = ["合同审查", "用工风险体检", "法治讲座", "应收账款催收指导", "安全生产法律培训"]


@demo.register(order=60)
def gen(ctx):
    rng = ctx.rng
    year = ctx.year
    today = timezone.localdate()
    last = min(dt.date(year, 12, 31), today)
    start = dt.date(year, 1, 1)
    shifts, consults, days, referrals, visits = [], [], [], [], []
    for t_index, township in enumerate(ctx.townships):
        villages = ctx.villages[township.pk]
        served = villages[:-1] if len(villages) > 1 else villages  # one gap per township
        advisers = []
        for i in range(2):
            name = rng.choice(SURNAMES) + rng.choice(["明", "华", "强", "敏", "静", "伟"])
            a = LegalAdviser.objects.create(
                unit=township,
                name=name,
                firm=FIRMS[(t_index + i) % len(FIRMS)],
                phone=f"139{rng.randrange(10**7, 10**8)}",
                contract_start=dt.date(year, 1, 1),
                contract_end=dt.date(year, 12, 31),
            )
            advisers.append(a)
        for i, v in enumerate(served):
            advisers[i % 2].units_served.add(v)
        for month in range(1, last.month + 1):
            for i, v in enumerate(served):
                adviser = advisers[i % 2]
                need = 1 if v.remote else 2
                held = need if rng.random() > 0.15 else need - 1
                for k in range(need):
                    day = workdays.next_working_day(
                        dt.date(year, month, min(28, 5 + k * 10 + rng.randrange(0, 4)))
                    )
                    if day.month != month or day > last + dt.timedelta(days=14):
                        continue
                    status = (
                        ShiftStatus.PLANNED
                        if day > today
                        else (ShiftStatus.HELD if k < held else ShiftStatus.MISSED)
                    )
                    shifts.append(
                        DutyShift(unit=v, adviser=adviser, date=day, status=status, hours=4)
                    )
                    if status == ShiftStatus.HELD:
                        for _ in range(rng.randrange(1, 4)):
                            consults.append(
                                Consultation(
                                    unit=v,
                                    date=day,
                                    place=v.name + rng.choice(PLACES[:2]),
                                    topic=rng.choice(TOPICS),
                                    channel=Channel.DUTY,
                                    adviser=adviser,
                                    persons=rng.randrange(1, 6),
                                )
                            )
        for _ in range(12):
            day = start + dt.timedelta(days=rng.randrange(0, (last - start).days + 1))
            consults.append(
                Consultation(
                    unit=township,
                    date=day,
                    place=PLACES[2],
                    topic=rng.choice(TOPICS),
                    channel=rng.choice([Channel.PHONE, Channel.ONLINE, Channel.ON_SITE]),
                    adviser=rng.choice(advisers),
                    persons=rng.randrange(1, 4),
                )
            )
        day = start
        while day <= last:
            if workdays.is_working_day(day):
                days.append(
                    ServiceCenterDay(
                        unit=township,
                        date=day,
                        visits=rng.randrange(5, 25),
                        self_service=rng.randrange(2, 18),
                    )
                )
            day += dt.timedelta(days=1)
        for _ in range(3):
            day = start + dt.timedelta(days=rng.randrange(0, (last - start).days + 1))
            referrals.append(
                LegalAidReferral(
                    unit=township,
                    date=day,
                    person_name=rng.choice(SURNAMES) + rng.choice(["某某", "大伟", "秀英"]),
                    matter=rng.choice(["追索劳动报酬", "工伤赔偿", "赡养费纠纷", "交通事故赔偿"]),
                    outcome=rng.choice(list(AidOutcome.values)),
                )
            )
        brng = random.Random(f"enterprise-{year}-{t_index}")
        for _ in range(brng.randrange(6, 12)):
            topic, category = brng.choice(BUSINESS_TOPICS)
            consults.append(
                Consultation(
                    unit=township,
                    date=start + dt.timedelta(days=brng.randrange(0, (last - start).days + 1)),
                    place=PLACES[2],
                    topic=topic,
                    category=category,
                    channel=brng.choice([Channel.ON_SITE, Channel.PHONE]),
                    adviser=brng.choice(advisers),
                    persons=brng.randrange(2, 9),
                )
            )
        place = township.name.removesuffix("镇").removesuffix("乡").removesuffix("街道")
        for _ in range(brng.randrange(3, 7)):
            visits.append(
                EnterpriseVisit(
                    unit=township,
                    date=start + dt.timedelta(days=brng.randrange(0, (last - start).days + 1)),
                    enterprise=place + brng.choice(ENTERPRISES),
                    adviser=brng.choice(advisers),
                    matters="、".join(brng.sample(MATTERS, 2)),
                    persons=brng.randrange(5, 40),
                )
            )
    for c in consults:
        if c.category == ConsultationCategory.OTHER:
            c.category = guess_category(c.topic)
    bulk.insert(DutyShift, shifts)
    bulk.insert(Consultation, consults)
    bulk.insert(EnterpriseVisit, visits)
    bulk.insert(ServiceCenterDay, days)
    bulk.insert(LegalAidReferral, referrals)
    ctx.log(
        f"法律服务：{len(shifts)} 次坐班值班，{len(consults)} 件法律咨询，"
        f"{len(visits)} 次入企服务，{len(days)} 天服务中心统计"
    )
