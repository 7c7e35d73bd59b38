"""Reminders: county supervisors (and the township's own staff) about annual reports not yet
submitted by the reporting date or not yet published by 1 April."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from fazhi.core import reminders
from fazhi.core.models import Membership, Unit
from fazhi.core.models.units import TOWNSHIP_KINDS
from fazhi.core.roles import Role

from . import services
from .models import AnnualReport, ReportStatus

KIND = "年度报告"
# Reminders start this many days before a date (the digest itself only shows items due
# within 3 working days or overdue; "我的待办" shows them all).
LEAD_DAYS = 30


@reminders.register
def due(today: dt.date, *, user=None, units=None, **_options):
    year = today.year - 1
    if today > dt.date(today.year, 4, 1) + dt.timedelta(days=LEAD_DAYS):
        return
    supervisors = Membership.objects.filter(
        role=Role.COUNTY_SUPERVISOR, user__is_active=True
    ).select_related("unit")
    if user is not None:
        supervisors = supervisors.filter(user=user)
    for m in supervisors:
        county = m.unit
        report_by, publish_by = services.report_by(county, year), services.publish_by(year)
        townships = list(Unit.objects.subtree(county).filter(kind__in=TOWNSHIP_KINDS, active=True))
        reports = {r.unit_id: r for r in AnnualReport.objects.filter(unit__in=townships, year=year)}
        url = reverse("reports:status") + f"?year={year}"
        for t in townships:
            r = reports.get(t.pk)
            submitted = r is not None and r.submitted_on is not None
            published = r is not None and r.status == ReportStatus.PUBLISHED
            secret = r is not None and r.secrecy_conclusion == "secret"
            for missing, by, pending in (
                ("报送", report_by, not submitted),
                ("公开", publish_by, not published and not secret),
            ):
                if pending and today >= by - dt.timedelta(days=LEAD_DAYS):
                    yield reminders.DueItem(
                        kind=KIND,
                        label=f"{t.name}{year}年度法治政府建设报告：尚未{missing}",
                        due=by,
                        url=url,
                        unit_id=t.pk,
                        unit_path=t.path,
                        assignee_id=m.user_id,
                    )
