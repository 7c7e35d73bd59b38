"""Rectifications due within 3 working days or overdue, for ``fazhi remind`` and 我的待办."""

from __future__ import annotations

from django.urls import reverse

from fazhi.core import reminders

from .models import BY_HIGHER_LEVEL, Rectification


@reminders.register
def due(today, *, user=None, units=None, **_options):
    qs = reminders.window(Rectification.objects.open(), "deadline", today)
    if user is not None:
        qs = qs.filter(owner_user=user)
    for r in reminders.in_units(qs, units).select_related("unit", "inspection"):
        yield reminders.of_record(
            r,
            kind="整改",
            label=f"{r.unit.name} {r.inspection.title} 问题{r.number}：{r.problem[:30]}（责任人 {r.owner_name}）",
            due=r.deadline,
            url=reverse("oversight:rectification_detail", args=[r.pk]),
            assignee_id=r.owner_user_id,
            provisional=r.deadline_provisional,
            supervised=r.inspection.kind in BY_HIGHER_LEVEL,
        )
