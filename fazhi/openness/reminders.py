"""Requests for disclosure whose reply falls due within 3 working days or is overdue, for
``fazhi remind`` and 我的待办 (a request awaiting 补正 has no running clock)."""

from __future__ import annotations

from django.urls import reverse

from fazhi.core import reminders

from .models import OPEN_STATES, InformationRequest


@reminders.register
def due(today, *, user=None, units=None, **options):
    qs = InformationRequest.objects.filter(status__in=OPEN_STATES, reply_due__isnull=False)
    rows = reminders.due_records(
        qs, "reply_due", today, owner="created_by", user=user, units=units, **options
    )
    for r in rows:
        yield reminders.of_record(
            r,
            kind="政务公开",
            label=f"{r.unit.name} 政府信息公开申请 {r.number}：{r.content[:30]}（答复期限）",
            due=r.reply_due,
            url=reverse("openness:request_detail", args=[r.pk]),
            assignee_id=r.created_by_id,
            provisional=r.reply_due_provisional,
        )
