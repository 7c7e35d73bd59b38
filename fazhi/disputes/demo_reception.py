"""Demo 领导接访下访, 越级访 and 司法救助. Fixed rows, no ``rng`` (the other generators'
data stay as they were):

- each township's heads' receptions of petitioners (``petition_heads`` in ``demo.py``
  names them on a few visits) become receptions in the ledger, linked to those petitions
  (counted once), and each head goes down to a village once (下访);
- the second township's first two visits of the year went over levels (到县, 到市), so
  its report states the count while the first says none happened;
- the first township coordinated two grants of 司法救助, one on a petition."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from fazhi.core import demo, workdays
from fazhi.core.models import Unit

from .models import JudicialAssistance, LeaderReception, Petition

OUTCOMES = "当场答复政策依据，责成相关部门限期办理并回复"
VISIT_MATTERS = "反映村道年久失修，雨天出行困难；饮水管网老化"


def _visit_day(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 10)
    while not workdays.is_working_day(day):
        day += dt.timedelta(days=1)
    return min(day, timezone.localdate())


@demo.register(order=76)  # after petition_heads (75), which names the receiving heads
def receptions(ctx: demo.DemoContext) -> None:
    n = 0
    for township in ctx.townships:
        visits = list(
            Petition.objects.filter(
                unit__path__startswith=township.path, received_on__year=ctx.year
            )
            .exclude(leader_name="")
            .select_related("village")
            .order_by("received_on", "pk")
        )
        heads: dict[str, str] = {}
        for p in visits:
            r = LeaderReception.objects.create(
                unit=township,
                received_on=p.received_on,
                leader_name=p.leader_name,
                leader_post=p.leader_post,
                kind="receive",
                place=f"{township.name}信访接待室",
                matters=p.matter,
                people=p.group_size or 1,
                outcome=OUTCOMES,
                resolved=p.status in ("replied", "closed", "reviewed", "re_reviewed"),
            )
            r.petitions.set([p])
            heads.setdefault(p.leader_name, p.leader_post)
            n += 1
        villages = list(
            Unit.objects.filter(
                path__startswith=township.path, kind__in=("village", "community")
            ).order_by("path")[: len(heads)]
        )
        for i, ((name, post), village) in enumerate(zip(heads.items(), villages, strict=False)):
            LeaderReception.objects.create(
                unit=township,
                received_on=_visit_day(ctx.year, 4 + 3 * i),
                leader_name=name,
                leader_post=post,
                kind="visit",
                place=village.name,
                matters=VISIT_MATTERS,
                people=12,
                outcome="现场协调解决村道维修问题，饮水安全问题列入年度整改",
                resolved=True,
            )
            n += 1
    over = 0
    if len(ctx.townships) > 1:
        second = ctx.townships[1]
        first_visits = list(
            Petition.objects.filter(
                unit__path__startswith=second.path, received_on__year=ctx.year, channel="visit"
            )
            .order_by("received_on", "pk")
            .values_list("pk", flat=True)[:2]
        )
        for pk, level in zip(first_visits, ("county", "city"), strict=False):
            Petition.objects.filter(pk=pk).update(over_level=level)
            over += 1
    granted = 0
    if ctx.townships:
        township = ctx.townships[0]
        user = ctx.users.get("clerk_df")
        claim = (
            Petition.objects.filter(
                unit__path__startswith=township.path, received_on__year=ctx.year
            )
            .order_by("received_on", "pk")
            .first()
        )
        grants = [
            ("（交通事故）刑事附带民事赔偿未能执行到位", None, "陈某华", Decimal("30000"),
             "县人民法院", "被执行人无财产可供执行，申请人因伤致贫", (5, 18)),
            ("", claim, "刘某英", Decimal("8000"), "县人民检察院",
             "信访人因案致困，经审查符合国家司法救助条件", (9, 6)),
        ]  # fmt: skip
        for case, petition, recipient, amount, approver, reason, (m, d) in grants:
            if petition is None and not case:
                continue
            JudicialAssistance.objects.create(
                unit=township,
                granted_on=min(dt.date(ctx.year, m, d), timezone.localdate()),
                case=case or petition.number,
                petition=petition,
                recipient=recipient,
                amount=amount,
                approver=approver,
                reason=reason,
                created_by=user,
            )
            granted += 1
    ctx.log(f"领导接访下访：{n} 次；越级访：{over} 件；司法救助：{granted} 笔")
