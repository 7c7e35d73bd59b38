"""Demo publicity ledgers: per township 20–40 events across the themed days and free
themes, 谁执法谁普法 duties, legal liaisons (one village left without), trainings and
model-village titles (some villages without).

Each themed day's event is the township's own, at a place that fits the day (a market for
3·15, the central school for 4·15 and the constitution week, the industrial park for
4·26 …), so the annual report names it as a report would."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from fazhi.core import bulk, demo
from fazhi.honours.models import KEPT_BY_MODEL_LEDGER, Honour, HonourStatus
from fazhi.honours.services import default_title

from .models import (
    ChannelKind,
    CultureSite,
    EventForm,
    LegalLiaison,
    LiaisonTraining,
    ModelKind,
    ModelVillage,
    PlaceKind,
    PublicityChannel,
    PublicityDuty,
    PublicityEvent,
    SiteKind,
    Theme,
    VicePrincipal,
)

DUTIES = [
    ("派出所", "《中华人民共和国治安管理处罚法》《中华人民共和国反电信网络诈骗法》"),
    ("市场监督管理所", "《中华人民共和国消费者权益保护法》《中华人民共和国食品安全法》"),
    ("自然资源所", "《中华人民共和国土地管理法》"),
    ("综合行政执法队", "《中华人民共和国行政处罚法》《城乡规划法》"),
]
THEMED = {
    Theme.CONSUMER: ((3, 15), "3·15 消费者权益保护宣传", "市场监督管理所"),
    Theme.SECURITY: ((4, 15), "全民国家安全教育日宣传", "派出所"),
    Theme.IP: ((4, 26), "知识产权宣传进企业", "市场监督管理所"),
    Theme.DRUGS: ((6, 26), "6·26 禁毒宣传", "派出所"),
    Theme.CONSTITUTION_DAY: ((12, 4), "国家宪法日集中宣传", "司法所"),
    Theme.CONSTITUTION_WEEK: ((11, 30), "宪法宣传周宪法进校园", "司法所"),
}
# themed day → (place kind in a 乡镇, elsewhere, place after the township's short name)
THEMED_PLACES = {
    Theme.CONSUMER: (PlaceKind.VILLAGE, PlaceKind.COMMUNITY, "农贸市场"),
    Theme.SECURITY: (PlaceKind.SCHOOL, PlaceKind.SCHOOL, "中心学校"),
    Theme.IP: (PlaceKind.ENTERPRISE, PlaceKind.ENTERPRISE, "工业园区"),
    Theme.DRUGS: (PlaceKind.VILLAGE, PlaceKind.COMMUNITY, "文化广场"),
    Theme.CONSTITUTION_DAY: (PlaceKind.VILLAGE, PlaceKind.COMMUNITY, "便民服务中心广场"),
    Theme.CONSTITUTION_WEEK: (PlaceKind.SCHOOL, PlaceKind.SCHOOL, "中心学校"),
}
FREE = [
    "民法典进万家",
    "反电信诈骗宣传",
    "防范非法集资宣传",
    "农民工讨薪维权宣传",
    "未成年人保护法宣传",
    "安全生产月法律宣传",
    "法律明白人以案说法",
    "村规民约与法治乡村",
]
PARTNERS = [
    "司法所",
    "派出所",
    "民政办",
    "妇联",
    "团委",
    "市场监督管理所",
    "中心学校",
    "律师事务所",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "建国秀英桂兰志强红梅海燕春生德明玉珍"


@demo.register(order=45)
def gen(ctx) -> None:
    rng = ctx.rng
    today = timezone.localdate()
    last = min(dt.date(ctx.year, 12, 31), today)
    first = dt.date(ctx.year, 1, 1)
    user = ctx.users.get("clerk_df")
    n_events = 0
    for t_index, township in enumerate(ctx.townships):
        villages = ctx.villages[township.pk]
        duties = bulk.insert(
            PublicityDuty,
            [
                PublicityDuty(
                    unit=township,
                    year=ctx.year,
                    body=body,
                    laws=laws,
                    tasks="结合主题宣传日开展集中宣传，执法过程中以案释法",
                    target_events=rng.randint(2, 4),
                    contact="",
                    created_by=user,
                )
                for body, laws in DUTIES
            ],
        )
        by_body = {d.body: d for d in duties}
        events = []
        for theme, ((m, d), title, body) in THEMED.items():
            day = dt.date(ctx.year, m, d)
            if day <= last:
                events.append((day, title, theme, "", by_body.get(body)))
        for _ in range(rng.randint(20, 40) - len(events)):
            day = first + dt.timedelta(days=rng.randint(0, max(1, (last - first).days)))
            theme_text = rng.choice(FREE)
            events.append(
                (day, theme_text, Theme.FREE, theme_text, rng.choice(duties + [None, None]))
            )
        rows = []
        for day, title, theme, free, duty in events:
            place = rng.choice(PlaceKind.values)
            partners = "、".join(rng.sample(PARTNERS, rng.randint(1, 3)))
            unit = township if rng.random() < 0.7 else rng.choice(villages)
            where = rng.choice(
                ("镇中心广场", "中心学校", "集贸市场", "工业园区", "村委会", "线上直播")
            )
            audience = rng.randint(30, 500) if place != PlaceKind.ONLINE else rng.randint(200, 3000)
            materials, consultations = rng.randint(20, 300), rng.randint(0, 30)
            if theme in THEMED_PLACES:  # drawn as above (the same random stream), then fitted
                in_township, elsewhere, suffix = THEMED_PLACES[theme]
                unit = township
                place = in_township if township.kind == "township" else elsewhere
                where = township.name[:2] + suffix
            rows.append(
                PublicityEvent(
                    unit=unit,
                    date=day,
                    title=title,
                    theme=theme,
                    free_theme=free,
                    place_kind=place,
                    place=where,
                    partners=partners,
                    duty=duty if duty and duty.year == day.year else None,
                    laws=duty.laws if duty else "《中华人民共和国宪法》《中华人民共和国民法典》",
                    audience=audience,
                    materials=materials,
                    consultations=consultations,
                    created_by=user,
                )
            )
        _materials(rows, random.Random(f"publicity-materials-{ctx.year}-{t_index}"))
        bulk.insert(PublicityEvent, rows)
        n_events += len(rows)
        _standing(township, villages, user, random.Random(f"publicity-standing-{t_index}"))
        liaisons = []
        for v_index, village in enumerate(villages):
            if t_index == 0 and v_index == 2:
                continue  # one village without a legal liaison: shows the gap
            for _k in range(rng.randint(1, 3)):
                phone = "13" + "".join(str(rng.randint(0, 9)) for _ in range(9))
                liaisons.append(
                    LegalLiaison(
                        unit=village,
                        name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                        phone=phone,
                        occupation=rng.choice(("村干部", "网格员", "党员", "人民调解员")),
                        appointed_on=dt.date(ctx.year - rng.randint(0, 3), rng.randint(1, 12), 1),
                        created_by=user,
                    )
                )
        liaisons = bulk.insert(LegalLiaison, liaisons)
        for n in range(2):
            day = first + dt.timedelta(days=rng.randint(0, max(1, (last - first).days)))
            training = LiaisonTraining.objects.create(
                unit=township,
                date=day,
                topic=("法律明白人骨干培训", "民法典与矛盾纠纷调处")[n],
                trainer="县司法局",
                hours=3,
                created_by=user,
            )
            training.liaisons.set([p.pk for p in liaisons if rng.random() < 0.7])
        titles = []
        for v_index, village in enumerate(villages):
            if v_index == 0 or rng.random() < 0.4:
                level = rng.choice(("provincial", "city", "county", "county"))
                titles.append(
                    ModelVillage(
                        unit=village,
                        kind=ModelKind.COMMUNITY
                        if village.kind == "community"
                        else ModelKind.VILLAGE,
                        level=level,
                        year=ctx.year - rng.randint(0, 5),
                        awarded_by={
                            "provincial": "省司法厅、省民政厅",
                            "city": "市司法局",
                            "county": "县司法局",
                        }[level],
                        created_by=user,
                    )
                )
        # Each title is also an honour (the honours ledger), as the services keep them.
        held = bulk.insert(
            Honour,
            [
                Honour(
                    unit=m.unit,
                    kind=f"model_{m.kind}",
                    level=m.level,
                    year=m.year,
                    title=default_title(f"model_{m.kind}", m.level),
                    status=HonourStatus.AWARDED,
                    awarded_by=m.awarded_by,
                    kept_by=KEPT_BY_MODEL_LEDGER,
                    created_by=user,
                )
                for m in titles
            ],
        )
        for m, h in zip(titles, held, strict=True):
            m.honour = h
        bulk.insert(ModelVillage, titles)
    ctx.log(f"普法：{n_events} 次普法活动，宣传渠道、法治文化阵地和法治副校长")


# The event's form and the materials by kind, and the standing inventory, drawn from rngs
# of their own so the figures above stay as they were.
FORM_BY_PLACE = {
    PlaceKind.SCHOOL: (EventForm.LECTURE, EventForm.DISPLAY),
    PlaceKind.ENTERPRISE: (EventForm.LECTURE, EventForm.CONSULTATION),
    PlaceKind.VILLAGE: (EventForm.CONSULTATION, EventForm.PERFORMANCE, EventForm.DISPLAY),
    PlaceKind.COMMUNITY: (EventForm.CONSULTATION, EventForm.PERFORMANCE, EventForm.DISPLAY),
    PlaceKind.GRID: (EventForm.CONSULTATION, EventForm.DISPLAY),
    PlaceKind.ONLINE: (EventForm.NEW_MEDIA,),
}
SCHOOLS = ("中心小学", "初级中学", "中心幼儿园")
HOLDERS = (
    "县公安局派出所所长",
    "县人民法院法庭庭长",
    "县司法局司法所所长",
    "县人民检察院检察官",
)


def _materials(rows, rng) -> None:
    for ev in rows:
        ev.form = rng.choice(FORM_BY_PLACE.get(ev.place_kind, (EventForm.OTHER,)))
        if ev.place_kind == PlaceKind.ONLINE:
            continue
        ev.banners = rng.randint(1, 3)
        ev.posters = rng.choice((0, 0, 10, 20, 30))
        ev.led_screens = rng.choice((0, 0, 1, 2))


def _standing(township, villages, user, rng) -> None:
    channels, sites, principals = [], [], []
    for i, v in enumerate(villages):
        for kind, low, high in (
            (ChannelKind.LOUDSPEAKER, 1, 1),
            (ChannelKind.BOARD, 1, 4),
            (ChannelKind.WECHAT, 1, 3),
        ):
            channels.append(
                PublicityChannel(
                    unit=v,
                    kind=kind,
                    count=rng.randint(low, high),
                    reach=rng.randint(150, 600) if kind == ChannelKind.WECHAT else 0,
                    created_by=user,
                )
            )
        if i % 3 == 0:
            kind = rng.choice((SiteKind.CORRIDOR, SiteKind.PARK, SiteKind.BOOKHOUSE))
            sites.append(
                CultureSite(
                    unit=v,
                    kind=kind,
                    name=v.name + SiteKind(kind).label,
                    built_year=rng.randint(2019, 2024),
                    created_by=user,
                )
            )
    channels.append(PublicityChannel(unit=township, kind=ChannelKind.VAN, count=1, created_by=user))
    channels.append(
        PublicityChannel(
            unit=township, kind=ChannelKind.LED, count=rng.randint(1, 3), created_by=user
        )
    )
    sites.append(
        CultureSite(
            unit=township,
            kind=SiteKind.SQUARE,
            name=township.name + "法治文化广场",
            built_year=rng.randint(2018, 2022),
            area=rng.choice((1200, 2000, 3500)),
            created_by=user,
        )
    )
    for school in SCHOOLS[: rng.randint(2, 3)]:
        principals.append(
            VicePrincipal(
                unit=township,
                school=township.name + school,
                holder=rng.choice(HOLDERS),
                appointed_on=dt.date(2023, 9, 1),
                term_end=dt.date(2026, 8, 31) if rng.random() < 0.5 else None,
                created_by=user,
            )
        )
    bulk.insert(PublicityChannel, channels)
    bulk.insert(CultureSite, sites)
    bulk.insert(VicePrincipal, principals)
