"""Demo data: for each township a year of disputes, petitions and hotline appeals in every state.

Volume per township: about 300 disputes, 100 petitions and 2,000 hotline appeals, some
overdue. Bulk-created (no history rows for generated bulk data); a few cases per township
are taken through the services so their pages show a full timeline.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from fazhi.core import bulk, demo, pii, workdays

from .demo_people import mobile, person_name
from .models import (
    CommitteeMember,
    Dispute,
    DisputeCategory,
    DisputeParty,
    HotlineAppeal,
    HotlineCategory,
    MediationCommittee,
    Petition,
    Petitioner,
)

TITLES = {
    "婚姻家庭": "赡养费纠纷",
    "邻里": "排水沟邻里纠纷",
    "土地承包": "承包地边界纠纷",
    "宅基地": "宅基地界址纠纷",
    "山林水利": "灌溉用水纠纷",
    "劳动争议": "拖欠工资纠纷",
    "道路交通事故": "交通事故赔偿纠纷",
    "医疗": "医疗费用纠纷",
    "物业": "物业费纠纷",
    "征地拆迁": "征地补偿款分配纠纷",
    "合同": "买卖合同纠纷",
    "损害赔偿": "牲畜损害赔偿纠纷",
    "其他": "其他民间纠纷",
}
MATTERS = [
    "反映征地补偿款未足额发放",
    "要求解决农村危房改造问题",
    "反映村务公开不及时",
    "要求落实低保待遇",
    "反映养殖场污染环境",
    "要求维修村道",
    "反映工程款被拖欠",
    "对宅基地审批有异议",
    "反映村干部作风问题",
    "要求解决饮水困难",
]
HOTLINE_TEXT = [
    "路灯损坏，夜间出行不便",
    "咨询新农合报销政策",
    "小区噪音扰民",
    "建议增设公交站点",
    "反映占道经营",
    "举报非法采砂",
    "求助：老人走失",
    "咨询营业执照办理",
    "投诉物业服务差",
    "自来水停水未通知",
]


def _id_number(rng, birth_year: int) -> str:
    first17 = f"990101{birth_year:04d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return first17 + pii.id_check_digit(first17)


def _day(rng, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _volume(rng, volume: tuple[int, int], start: dt.date, end: dt.date) -> int:
    """A year's volume, pro rata for the current, unfinished year."""
    share = ((end - start).days + 1) / (dt.date(start.year, 12, 31) - start).days
    return max(1, round(rng.randint(*volume) * min(1.0, share)))


def ensure_categories() -> None:
    """The default categories come with migration 0002; a flushed database (tests) lacks them."""
    import importlib

    seed = importlib.import_module("fazhi.disputes.migrations.0002_seed_categories")
    for i, name in enumerate(seed.DISPUTE_CATEGORIES):
        DisputeCategory.objects.get_or_create(name=name, defaults={"order": i})
    for i, (name, days) in enumerate(seed.HOTLINE_CATEGORIES):
        HotlineCategory.objects.get_or_create(
            name=name, defaults={"order": i, "deadline_days": days}
        )


@demo.register(order=30)
def generate(ctx: demo.DemoContext) -> None:
    today = timezone.localdate()
    rng = ctx.rng
    ensure_categories()
    categories = list(DisputeCategory.objects.filter(active=True))
    hcats = list(HotlineCategory.objects.all())
    users = ctx.users
    volumes = ctx.params
    for t_index, township in enumerate(ctx.townships):
        villages = ctx.villages[township.pk]
        handlers = (
            [users["clerk_df"], users["mediator_df"]]
            if t_index == 0
            else ([users["clerk_qh"]] if t_index == 1 else [None])
        )
        committees = _committees(ctx, township, villages)
        for year in ctx.years:
            start = dt.date(year, 1, 1)
            end = min(today, dt.date(year, 12, 31))
            if start > end:
                continue
            _disputes(
                rng, township, villages, categories, handlers, committees, start, end, today,
                users, volumes.disputes,
            )  # fmt: skip
            _petitions(rng, township, villages, handlers, start, end, today, volumes.petitions)
            _hotline(
                rng, township, villages, hcats, handlers, start, end, today, t_index,
                volumes.hotline,
            )  # fmt: skip
    _organisations(ctx)
    _walkthrough(ctx, today)
    ctx.log("矛盾纠纷、信访、热线诉求演示数据已生成")


def _committees(ctx, township, villages):
    rng = ctx.rng
    out = []
    for i, unit in enumerate([township, *villages]):
        term_start = dt.date(ctx.year - (i % 3), 3, 1)
        c = MediationCommittee.objects.create(
            unit=unit,
            name=f"{unit.name}人民调解委员会",
            term_start=term_start,
            term_end=workdays.add_months(term_start, 36),
        )
        size = 2 if i == 2 else rng.randint(3, 7)  # one village committee too small: a warning
        for j in range(size):
            CommitteeMember.objects.create(
                committee=c,
                name=person_name(rng),
                gender="female" if (j == 1 and i != 2) else rng.choice(("male", "male", "female")),
                position="chair" if j == 0 else ("vice" if j == 1 else "member"),
            )
        out.append(c)
    return out


def _organisations(ctx):
    """The first township's other mediation organisations — a 综治中心 with its 诉调对接
    工作室, a named room under the first village's committee, a 道路交通 professional
    committee, the 派出所 as a 行政调解 body — and some of its generated disputes handed to
    them (chosen by id, no random draw, so the rest of the demo stays as it was): the
    traffic cases to the professional committee, every 9th case to the centre, every 5th
    of the first village's to its room, every 11th to the police station, every 23rd
    referred by the court (a case number, and the 诉调对接工作室)."""
    township = ctx.townships[0]
    villages = ctx.villages[township.pk]
    village_committee = MediationCommittee.objects.get(unit=villages[0], kind="village")
    term_start = dt.date(ctx.year - 1, 3, 1)
    centre = MediationCommittee.objects.create(
        unit=township, kind="centre", name=f"{township.name}综治中心"
    )
    court_link = MediationCommittee.objects.create(
        unit=township, kind="court_link", name=f"{township.name}诉调对接工作室", parent=centre
    )
    room = MediationCommittee.objects.create(
        unit=villages[0],
        kind="room",
        name=f"{villages[0].name}老陈金牌调解室",
        parent=village_committee,
    )
    traffic = MediationCommittee.objects.create(
        unit=township,
        kind="professional",
        sector="traffic",
        name=f"{township.name}道路交通事故人民调解委员会",
        term_start=term_start,
        term_end=workdays.add_months(term_start, 36),
    )
    for j, (name, gender) in enumerate(
        (("周建国", "male"), ("吴秀英", "female"), ("郑强", "male"))
    ):
        CommitteeMember.objects.create(
            committee=traffic,
            name=name,
            gender=gender,
            position="chair" if j == 0 else ("vice" if j == 1 else "member"),
        )
    police = MediationCommittee.objects.create(
        unit=township, kind="administrative", name=f"{township.name}派出所"
    )
    for org in (centre, court_link, room):
        CommitteeMember.objects.create(committee=org, name=f"{org.name[-5:-3]}调解员")
    rows = list(
        Dispute.objects.filter(unit__path__startswith=township.path, committee__isnull=False)
        .select_related("category")
        .order_by("pk")
    )
    changed = []
    for i, d in enumerate(rows):
        if "交通" in d.category.name:
            d.committee, d.route = traffic, "professional"
        elif i % 23 == 3:
            d.committee, d.route = court_link, "court"
            d.court_referred_on = d.registered_on - dt.timedelta(days=2 + i % 5)
            d.court_case_number = f"（{d.court_referred_on.year}）示0101民诉前调{100 + i}号"
        elif i % 11 == 5:
            d.committee, d.route = police, "administrative"
        elif i % 9 == 1:
            d.committee = centre
        elif d.village_id == villages[0].pk and i % 5 == 2:
            d.committee = room
        else:
            continue
        changed.append(d)
    Dispute.objects.bulk_update(
        changed, ["committee", "route", "court_case_number", "court_referred_on"], batch_size=500
    )


def _amount(base: int, i: int) -> Decimal:
    """A large amount varies with the case (10–50万元) without another random draw, so
    the typical cases a report names do not all read 12.01万元."""
    if base == 120000:
        base = 100000 + (i * 37717) % 400000 // 100 * 100
    return Decimal(base)


def _disputes(
    rng, township, villages, categories, handlers, committees, start, end, today, users, volume
):
    rows, parties = [], []
    n = _volume(rng, volume, start, end)
    for i in range(n):
        reg = _day(rng, start, end)
        cat = rng.choice(categories)
        village = rng.choice(villages)
        d = Dispute(
            unit=village,
            number=f"调{reg.year}-{i + 1:04d}",
            title=f"{person_name(rng)}与{person_name(rng)}{TITLES.get(cat.name, '民间纠纷')}",
            source=rng.choice(("screening", "screening", "visit", "call", "hotline", "referral")),
            category=cat,
            summary="经网格员排查发现，双方因琐事产生矛盾。",
            amount=_amount(rng.choice((0, 0, 500, 2000, 8000, 30000, 120000)), i)
            + rng.randint(0, 99),
            village=village,
            grid=f"第{rng.randint(1, 6)}网格",
            registered_on=reg,
            risk_group=rng.random() < 0.03,
            risk_criminal=rng.random() < 0.02,
        )
        age = (today - reg).days
        roll = rng.random()
        if age > 60 and roll < 0.9 or age > 20 and roll < 0.6:
            stage = "closed"
        elif roll < 0.75:
            stage = rng.choice(("assigned", "mediating", "mediating", "agreed"))
        elif roll < 0.85:
            stage = "terminated_closed" if age > 20 else "terminated"
        else:
            stage = "registered" if age < 15 else "closed"
        if stage != "registered":
            d.handler = rng.choice(handlers)
            if (
                d.handler is not None
                and d.handler.username == "mediator_df"
                and village != villages[0]
            ):
                d.handler = handlers[0]
            d.committee = rng.choice(committees)
            if d.committee is not committees[0]:
                # a village's dispute goes to its own village's committee (or the township's)
                d.committee = committees[1 + villages.index(village)]
            d.route = "people"
            d.assigned_at = timezone.make_aware(dt.datetime.combine(reg, dt.time(10)))
            dl = workdays.add_calendar_days(workdays.add_months(reg, 1), 0)
            d.mediation_due, d.mediation_due_provisional = dl.date, dl.provisional
            d.status = "assigned"
        if stage in ("mediating", "agreed", "closed"):
            d.status = "mediating"
        if stage in ("agreed", "closed"):
            agreed = min(today, reg + dt.timedelta(days=rng.randint(1, 25)))
            d.outcome, d.agreement_on = "succeeded", agreed
            d.agreement_form = "written" if rng.random() < 0.8 else "oral"
            d.parties_signed = d.mediator_signed = d.seal_recorded = d.agreement_form == "written"
            d.agreement_text = "双方自愿达成协议，一方于协议生效后十五日内一次性支付补偿款。"
            d.resolved_level = rng.choices(("village", "township", "county"), (80, 18, 2))[0]
            fu = workdays.add_calendar_days(agreed, 15)
            d.followup_due, d.followup_due_provisional = fu.date, fu.provisional
            d.status = "agreed"
            if stage == "closed":
                d.status, d.closed_on = "closed", min(today, fu.date)
                if rng.random() < 0.05:
                    d.judicial_confirmed_on = agreed + dt.timedelta(days=rng.randint(1, 20))
                    d.judicial_court = "示范县人民法院"
        if stage.startswith("terminated"):
            d.outcome, d.status = "failed", "terminated"
            d.termination_reason = rng.choice(("refused", "stopped", "failed"))
            d.terminated_on = min(today, reg + dt.timedelta(days=rng.randint(3, 25)))
            if stage == "terminated_closed":
                d.status, d.closed_on = "closed", d.terminated_on
        if d.risk_criminal and rng.random() < 0.7:
            d.police_reported_on = reg
        d.supervised = d.status in ("assigned", "mediating") and rng.random() < 0.1
        _refresh_dispute_due(d)
        rows.append(d)
    bulk.insert(Dispute, rows)
    for d in rows:
        for side in ("applicant", "respondent"):
            parties.append(
                DisputeParty(
                    dispute=d,
                    side=side,
                    name=d.title.split("与")[0] if side == "applicant" else person_name(rng),
                    id_number=_id_number(rng, rng.randint(1950, 2000)),
                    phone=mobile(rng),
                    address=f"{d.village.name}{rng.randint(1, 9)}组",
                )
            )
    bulk.insert(DisputeParty, parties)


def _refresh_dispute_due(d):
    from .services.disputes import refresh_due

    refresh_due(d)


def _petitions(rng, township, villages, handlers, start, end, today, volume):
    from .services.petitions import refresh_due, set_receipt_deadlines

    rows = []
    n = _volume(rng, volume, start, end)
    for i in range(n):
        rec = _day(rng, start, end)
        p = Petition(
            unit=township,
            number=f"信{rec.year}-{i + 1:04d}",
            channel=rng.choice(("letter", "visit", "visit", "phone", "online", "referred")),
            petition_type=rng.choice(("suggestion", "accusation", "claim", "claim", "claim")),
            first_petition=rng.random() < 0.8,
            matter=rng.choice(MATTERS),
            request="请求依法依规解决。",
            village=rng.choice(villages),
            received_on=rec,
            handler=[h for h in handlers if h is None or h.username != "mediator_df"][0],
        )
        set_receipt_deadlines(p)
        age = (today - rec).days
        if age > 3 or rng.random() < 0.5:
            if rng.random() < 0.06:
                p.status, p.not_accepted_reason, p.closed_on = (
                    "not_accepted",
                    "该事项已依法进入诉讼程序。",
                    rec + dt.timedelta(days=5),
                )
            else:
                p.status = "accepted"
                p.accepted_on = min(today, rec + dt.timedelta(days=rng.randint(1, 10)))
                dl = workdays.add_calendar_days(p.accepted_on, 60)
                p.handling_due, p.handling_due_provisional = dl.date, dl.provisional
                done_age = (today - p.accepted_on).days
                if done_age > 20 and (rng.random() < 0.85 or done_age > 120):
                    late = rng.random() < 0.04
                    p.replied_on = min(
                        today,
                        p.handling_due + dt.timedelta(days=3)
                        if late
                        else p.accepted_on + dt.timedelta(days=rng.randint(10, 50)),
                    )
                    p.replied_on_time = p.replied_on <= p.handling_due
                    p.facts, p.opinion = (
                        "经调查核实，情况基本属实。",
                        rng.choice(("support", "explain", "not_support")),
                    )
                    p.opinion_text, p.legal_basis = "依法予以处理。", "《信访工作条例》"
                    p.review_request_due = workdays.add_calendar_days(p.replied_on, 30).date
                    p.status = "replied"
                    if (today - p.replied_on).days > 30:
                        p.status, p.closed_on = "closed", p.review_request_due
                    p.satisfaction = rng.choices(
                        ("satisfied", "basic", "unsatisfied"), (85, 12, 3)
                    )[0]
        if rng.random() < 0.05:
            p.backlog, p.backlog_since = True, rec
            if p.status == "closed" and rng.random() < 0.7:
                p.backlog_resolved_at = timezone.make_aware(
                    dt.datetime.combine(p.closed_on, dt.time(16))
                )
        p.supervised = p.status == "accepted" and rng.random() < 0.1
        refresh_due(p)
        rows.append(p)
    bulk.insert(Petition, rows)
    bulk.insert(
        Petitioner,
        [
            Petitioner(
                petition=p,
                name=person_name(rng),
                id_number=_id_number(rng, rng.randint(1950, 2000)),
                phone=mobile(rng),
            )
            for p in rows
        ],
    )


def _hotline(rng, township, villages, hcats, handlers, start, end, today, t_index, volume):
    from .services.hotline import refresh_due

    rows = []
    n = _volume(rng, volume, start, end)
    for i in range(n):
        rec = _day(rng, start, end)
        cat = rng.choice(hcats)
        dl = workdays.add_working_days(rec, cat.deadline_days)
        at = timezone.make_aware(
            dt.datetime.combine(rec, dt.time(rng.randint(8, 20), rng.randint(0, 59)))
        )
        h = HotlineAppeal(
            unit=township,
            number=f"{'8890' if t_index % 2 else '12345'}-{township.code}-{rec.year}{i + 1:05d}",
            line="8890" if t_index % 2 else "12345",
            category=cat,
            received_at=at,
            received_on=rec,
            caller=person_name(rng),
            phone=mobile(rng),
            content=rng.choice(HOTLINE_TEXT),
            village=rng.choice(villages),
            deadline=dl.date,
            deadline_provisional=dl.provisional,
            handler=handlers[0],
        )
        age = (today - rec).days
        if age >= 1 or rng.random() < 0.3:
            h.status, h.signed_at = "signed", at + dt.timedelta(hours=2)
        if age > 3 and rng.random() < 0.97 or age > 20:
            h.status, h.reply, h.replied_on = (
                "replied",
                "已联系诉求人并处理。",
                min(today, rec + dt.timedelta(days=rng.randint(1, 6))),
            )
            if rng.random() < 0.97 or age > 45:
                h.status, h.completed_on = "completed", h.replied_on
                h.closed_on = h.completed_on
                h.satisfaction = rng.choices(
                    ("satisfied", "basic", "unsatisfied", ""), (88, 8, 2, 2)
                )[0]
        if rng.random() < 0.02:
            h.redo_count = rng.randint(1, 3)
            h.escalated = h.redo_count >= 3
        refresh_due(h)
        rows.append(h)
    bulk.insert(HotlineAppeal, rows)


def _walkthrough(ctx, today):
    """A few cases taken through the services, so their pages show the whole procedure."""
    from fazhi.core import context

    from .services import disputes as ds

    t = ctx.townships[0]
    village = ctx.villages[t.pk][0]
    admin, mediator = ctx.users["admin_df"], ctx.users["mediator_df"]
    with context.acting(admin, channel="system"):
        d = ds.register_dispute(
            actor=admin,
            unit=t,
            data={
                "title": "陈某与林某宅基地界址纠纷（演示）",
                "source": "screening",
                "category": "宅基地",
                "amount": "20000",
                "village": village.pk,
                "grid": "第2网格",
            },
            parties=[
                {
                    "name": "陈某某",
                    "id_number": _id_number(ctx.rng, 1970),
                    "phone": mobile(ctx.rng),
                },
                {"name": "林某某", "side": "respondent"},
            ],
        )
        d = ds.act(d, "assign", user=admin, data={"handler": mediator.pk, "note": "请尽快组织调解"})
        d = ds.act(
            d,
            "session",
            user=mediator,
            data={"notes": "双方到场，陈述各自主张。", "place": "村调解室"},
        )
        d = ds.act(
            d,
            "agree",
            user=mediator,
            data={
                "agreement_form": "written",
                "agreement_text": "以村测绘界址为准，林某拆除越界围墙。",
                "parties_signed": True,
                "mediator_signed": True,
                "seal_recorded": True,
                "resolved_level": "village",
            },
        )
        d2 = ds.register_dispute(
            actor=admin,
            unit=t,
            data={
                "title": "周某劳务费纠纷（演示）",
                "source": "visit",
                "category": "劳动争议",
                "amount": "6800",
                "village": village.pk,
            },
            parties=[{"name": "周某某"}],
        )
        ds.act(d2, "assign", user=admin, data={"handler": mediator.pk})
        ds.act(d2, "supervise", user=admin, data={"note": "群众反映强烈，请本周内办结"})


HEAD_RECEPTIONS = 3  # petitions per head per township the heads received in person


def _heads(township, year) -> list[tuple[str, str]]:
    """(name, post) of the township's two heads as the oversight demo recorded them (the
    leading group's members whose post names a head, else the heads' duty reports)."""
    from django.apps import apps

    from fazhi.reports.voice import for_unit

    voice = for_unit(township)
    try:
        member = apps.get_model("oversight", "LeadingGroupMember")
        duty = apps.get_model("oversight", "DutyReport")
    except LookupError:
        return []
    rows = list(
        member.objects.filter(unit=township, group__year=year)
        .order_by("order", "pk")
        .values_list("name", "post")
    ) or list(
        duty.objects.filter(unit=township, year=year)
        .order_by("pk")
        .values_list("person_name", "post")
    )
    out, kinds = [], set()
    for name, post in rows:
        kind = voice.is_head_post(post)
        if kind and kind not in kinds:
            kinds.add(kind)
            out.append((name, post))
    return out


@demo.register(order=75)  # after the oversight demo (70), which names each township's heads
def petition_heads(ctx: demo.DemoContext) -> None:
    """The heads receive petitioners in person (领导接访): a few of each township's visits
    of the year get the receiving head, spread over the year (no random draw, so the data
    the later generators make stays as it was)."""
    n = 0
    for township in ctx.townships:
        heads = _heads(township, ctx.year)
        if not heads:
            continue
        visits = [
            pk
            for pk, received_on in Petition.objects.filter(
                unit=township, received_on__year=ctx.year, channel="visit", leader_name=""
            )
            .order_by("received_on", "pk")
            .values_list("pk", "received_on")
            if workdays.is_working_day(received_on)  # a reception day, not a holiday
        ]
        k = min(len(visits), HEAD_RECEPTIONS * len(heads))
        if k == 0:
            continue
        step = len(visits) / k
        for i in range(k):
            name, post = heads[i % len(heads)]
            Petition.objects.filter(pk=visits[int(i * step)]).update(
                leader_name=name, leader_post=post
            )
            n += 1
    ctx.log(f"信访：{n} 件由党政主要负责人接访")


from . import demo_grid, demo_reception, demo_training  # noqa: E402,F401  (register the grid, reception and training generators)
