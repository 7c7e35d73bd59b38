"""Scoping cases for the review routes (see tests/scoping.py).

``review:county`` takes no path parameter: asked without one, it opens on the user's own
county and lists only the townships they see (the matrix checks township A's name and
records stay off the page for B's clerk and the other county's clerk)."""

import datetime as dt

from fazhi.reports import render, services
from fazhi.reports.models import AnnualReport, ReportStatus
from tests.scoping import MARKER


def seed_published_report(world):
    """A published report of township A (the review page reviews only published ones)."""
    report = services.create_report(world.township_a, 2023, actor=world.admin_a)
    services.update_details(report, actor=world.admin_a, title=f"{MARKER} 2023年度报告")
    AnnualReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.PUBLISHED,
        published_on=dt.date(2024, 3, 1),
        docx=render.to_docx(report),
    )
    return {"published_report": AnnualReport.objects.get(pk=report.pk)}


SEEDERS = [seed_published_report]
ROUTES = {
    "review:report": lambda w, o: {"pk": o["published_report"].pk},
}
