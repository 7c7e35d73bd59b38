"""Requests for disclosure whose reply falls due within 3 working days or is overdue, for
``fazhi remind`` and 我的待办 (a request awaiting 补正 has no running clock)."""

from __future__ import annotations

from django.urls import reverse

from fazhi.core import reminders

from .models import OPEN_STATES, InformationRequest


@reminders.register
def due(today, *, user=None, units=None, overdue_only=False, limit=None, **_options):
    qs = InformationRequest.objects.filter(status__in=OPEN_STATES, reply_due__isnull=False)
    qs = reminders.window(qs, "reply_due", today, overdue_only=overdue_only)
    if user is not None:
        qs = qs.filter(created_by=user)
    qs = reminders.in_units(qs, units).select_related("unit").order_by("reply_due", "id")
    if limit:
        qs = qs[:limit]
    for r in qs:
        yield reminders.of_record(
            r,
            kind="政务公开",
            label=f"{r.unit.name} 政府信息公开申请 {r.number}：{r.content[:30]}（答复期限）",
            due=r.reply_due,
            url=reverse("openness:request_detail", args=[r.pk]),
            assignee_id=r.created_by_id,
            provisional=r.reply_due_provisional,
        )
