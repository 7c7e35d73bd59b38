"""Scoping cases for the oversight routes (see tests/scoping.py)."""

from __future__ import annotations

import datetime as dt

from fazhi.oversight import services
from tests.scoping import MARKER

from .helpers import county_inspection, finding


def seed(world):
    g = services.save_group(
        world.township_a, actor=world.admin_a, year=2024, name=f"{MARKER}领导小组"
    )
    services.add_member(
        g, actor=world.admin_a, role="leader", name=f"{MARKER}书记", post="党委书记"
    )
    rep = services.save_duty_report(
        world.township_a,
        actor=world.admin_a,
        year=2024,
        person_name=f"{MARKER}书记",
        post="党委书记",
        topics=f"{MARKER} 听取法治工作汇报",
    )
    services.add_funding(
        world.township_a,
        actor=world.admin_a,
        year=2024,
        kind="publicity",
        item=f"{MARKER} 普法经费",
        amount=1000,
    )
    insp = county_inspection(world, title=f"{MARKER} 督察")
    rect = finding(insp, world, problem=f"{MARKER} 问题", deadline=dt.date(2024, 10, 30))
    return {"ov_group": g, "ov_report": rep, "ov_inspection": insp, "ov_rect": rect}


SEEDERS = [seed]
ROUTES = {
    "oversight:group_detail": lambda w, o: {"pk": o["ov_group"].pk},
    "oversight:report_detail": lambda w, o: {"pk": o["ov_report"].pk},
    "oversight:report_edit": lambda w, o: {"pk": o["ov_report"].pk},
    "oversight:inspection_detail": lambda w, o: {"pk": o["ov_inspection"].pk},
    "oversight:inspection_import": lambda w, o: {"pk": o["ov_inspection"].pk},
    "oversight:rectification_detail": lambda w, o: {"pk": o["ov_rect"].pk},
}
API_ROUTES = {
    "/api/v1/oversight/groups/{group_id}": lambda w, o: {"group_id": o["ov_group"].pk},
    "/api/v1/oversight/reports/{report_id}": lambda w, o: {"report_id": o["ov_report"].pk},
    "/api/v1/oversight/inspections/{inspection_id}": lambda w, o: {
        "inspection_id": o["ov_inspection"].pk
    },
    "/api/v1/oversight/inspections/{inspection_id}/findings": lambda w, o: {
        "inspection_id": o["ov_inspection"].pk
    },
    "/api/v1/oversight/rectifications/{rectification_id}": lambda w, o: {
        "rectification_id": o["ov_rect"].pk
    },
    "/api/v1/oversight/rectifications/{rectification_id}/actions/{action}": lambda w, o: {
        "rectification_id": o["ov_rect"].pk,
        "action": "start",
    },
}
EXEMPT = {}
