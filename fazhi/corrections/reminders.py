"""Community corrections subjects not yet reported in whose ten days end within 3 working
days or have passed, for ``fazhi remind`` and 我的待办. The label names no one (a county
supervisor's digest may list it): the township and the record's number only."""

from __future__ import annotations

from django.urls import reverse

from fazhi.core import reminders

from .models import Status, SupervisedPerson


@reminders.register
def due(today, *, user=None, units=None, **options):
    qs = SupervisedPerson.objects.filter(status=Status.PENDING, report_due__isnull=False)
    rows = reminders.due_records(
        qs, "report_due", today, owner="created_by", user=user, units=units, **options
    )
    for p in rows:
        yield reminders.of_record(
            p,
            kind="社区矫正",
            label=f"{p.unit.name} 社区矫正对象（第{p.pk}号）报到期限",
            due=p.report_due,
            url=reverse("corrections:person_detail", args=[p.pk]),
            assignee_id=p.created_by_id,
        )
