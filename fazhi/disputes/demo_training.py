"""Demo 人民调解员培训: 东风镇 (the first township) held two trainings for its mediators this
year, attended by its committees' members. Fixed rows, no ``rng``: the other generators'
data stay as they were."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from fazhi.core import demo

from .models import MediationCommittee, MediatorTraining

# (month, day), title, organiser, hours, extra trainees (besides the committees' members)
TRAININGS = [
    ((3, 15), "人民调解员业务培训班", "东风镇司法所", Decimal("6"), 12),
    ((9, 20), "《民法典》与矛盾纠纷调解实务培训", "县司法局、东风镇司法所", Decimal("4"), 8),
]


@demo.register(order=31)  # after the disputes generator (30), which makes the committees
def trainings(ctx: demo.DemoContext) -> None:
    if not ctx.townships:
        return
    today = timezone.localdate()
    township = ctx.townships[0]
    committees = list(
        MediationCommittee.objects.in_subtree(township).annotate(
            n=Count("members", filter=Q(members__active=True))
        )
    )
    members = sum(c.n for c in committees)
    user = ctx.users.get("clerk_df")
    for (m, d), title, organiser, hours, extra in TRAININGS:
        t = MediatorTraining.objects.create(
            unit=township,
            held_on=min(dt.date(ctx.year, m, d), today),
            title=title,
            organiser=organiser,
            hours=hours,
            trainees=members + extra,
            created_by=user,
        )
        t.committees.set(committees)
    ctx.log(f"人民调解员培训：{township.name} {len(TRAININGS)} 期")
