"""Scoping cases for the reports and indicators routes (see tests/scoping.py)."""

from fazhi.reports import services
from tests.scoping import MARKER


def seed_reports(world):
    report = services.create_report(world.township_a, 2024, actor=world.admin_a)
    services.update_details(report, actor=world.admin_a, title=f"{MARKER} 年度报告")
    item = services.add_plan_item(
        report, actor=world.admin_a, theme="learning", content=f"{MARKER} 工作要点"
    )
    from fazhi.reports.models import Shortfall

    shortfall, _ = Shortfall.objects.update_or_create(
        report=report,
        key="theme:openness",
        defaults={"theme": "openness", "description": f"{MARKER} 不足"},
    )
    return {"annual_report": report, "plan_item": item, "shortfall": shortfall}


SEEDERS = [seed_reports]
ROUTES = {
    "reports:detail": lambda w, o: {"pk": o["annual_report"].pk},
    "reports:edit": lambda w, o: {"pk": o["annual_report"].pk},
    "reports:preview": lambda w, o: {"pk": o["annual_report"].pk},
    "reports:action": lambda w, o: {"pk": o["annual_report"].pk, "action": "submit"},
    "reports:download": lambda w, o: {"pk": o["annual_report"].pk, "fmt": "docx"},
    "reports:previous": lambda w, o: {"pk": o["annual_report"].pk},
}
API_ROUTES = {
    "/api/v1/reports/{report_id}": lambda w, o: {"report_id": o["annual_report"].pk},
    "/api/v1/reports/{report_id}/actions/{action}": lambda w, o: {
        "report_id": o["annual_report"].pk,
        "action": "submit",
    },
    "/api/v1/reports/{report_id}/sections/{number}": lambda w, o: {
        "report_id": o["annual_report"].pk,
        "number": 1,
    },
    "/api/v1/reports/{report_id}/regenerate": lambda w, o: {"report_id": o["annual_report"].pk},
    "/api/v1/reports/{report_id}/shortfalls": lambda w, o: {"report_id": o["annual_report"].pk},
    "/api/v1/reports/{report_id}/shortfalls/{shortfall_id}": lambda w, o: {
        "report_id": o["annual_report"].pk,
        "shortfall_id": o["shortfall"].pk,
    },
    "/api/v1/reports/{report_id}/plan": lambda w, o: {"report_id": o["annual_report"].pk},
    "/api/v1/reports/{report_id}/plan/{item_id}": lambda w, o: {
        "report_id": o["annual_report"].pk,
        "item_id": o["plan_item"].pk,
    },
    "/api/v1/reports/{report_id}/carry": lambda w, o: {"report_id": o["annual_report"].pk},
    "/api/v1/reports/{report_id}/previous": lambda w, o: {"report_id": o["annual_report"].pk},
    "/api/v1/reports/{report_id}/previous/apply": lambda w, o: {"report_id": o["annual_report"].pk},
}
EXEMPT = {
    "public_reports:index": "public page: lists only published reports, no login (tested in "
    "tests/reports/test_public.py)",
    "public_reports:detail": "public page: only published reports answer, others 404 (tested "
    "in tests/reports/test_public.py)",
    "public_reports:docx": "public file: only published reports answer, others 404 (tested in "
    "tests/reports/test_public.py)",
}
