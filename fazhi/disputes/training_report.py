"""人民调解员培训 in the annual report: the indicators ``mediation.trainings`` (sessions
held in the year, 期) and ``mediation.trained`` (人次 trained), group
``mediation_training``, over the unit's subtree; and the sentence the mediation point
(``report._mediation_point``) adds: "组织人民调解员业务培训2期，培训调解员86人次",
omitted when the ledger holds no training in the year."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Sum
from django.urls import reverse

from fazhi.indicators.registry import Indicator, Value, group, indicator
from fazhi.reports.contrib import Context, Source

from .models import MediatorTraining

G = "mediation_training"


@group(G, "人民调解员培训", reads=("disputes.MediatorTraining",))
def _figures(unit, year):
    agg = (
        MediatorTraining.objects.in_subtree(unit)
        .filter(held_on__range=(dt.date(year, 1, 1), dt.date(year, 12, 31)))
        .aggregate(n=Count("pk"), trained=Sum("trainees"))
    )
    return {
        "mediation.trainings": Value.count(agg["n"]),
        "mediation.trained": Value.count(agg["trained"]),
    }


indicator(
    Indicator("mediation.trainings", "人民调解员培训", "期", G, phrase="组织人民调解员业务培训")
)
indicator(Indicator("mediation.trained", "培训人民调解员", "人次", G, phrase="培训调解员"))


def training_sentences(ctx: Context, sources: list[Source]) -> list[str]:
    """[] or ["组织人民调解员业务培训2期，培训调解员86人次"]; the figures' sources (and the
    year's trainings list) appended to ``sources``."""
    if not ctx.n("mediation.trainings"):
        return []
    text = f"组织人民调解员业务培训{ctx.fig('mediation.trainings')}"
    if ctx.n("mediation.trained"):
        text += f"，培训调解员{ctx.fig('mediation.trained')}"
    sources += [
        ctx.indicator_source("mediation.trainings"),
        ctx.indicator_source("mediation.trained"),
        Source(
            f"人民调解员培训台账（{ctx.year}年）",
            f"{reverse('disputes:training_list')}?year={ctx.year}&unit={ctx.unit.pk}",
        ),
    ]
    return [text]
