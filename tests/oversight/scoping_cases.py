"""Scoping cases for the oversight routes (see tests/scoping.py)."""

from __future__ import annotations

import datetime as dt

from fazhi.oversight import services
from tests.scoping import MARKER

from .helpers import county_inspection, finding


def seed(world):
    g = services.save_group(
        unit=world.township_a, actor=world.admin_a, year=2024, name=f"{MARKER}领导小组"
    )
    services.add_member(
        g, actor=world.admin_a, role="leader", name=f"{MARKER}书记", post="党委书记"
    )
    rep = services.create_duty_report(
        unit=world.township_a,
        actor=world.admin_a,
        year=2024,
        person_name=f"{MARKER}书记",
        post="党委书记",
        topics=f"{MARKER} 听取法治工作汇报",
    )
    fund = services.create_funding(
        unit=world.township_a,
        actor=world.admin_a,
        year=2024,
        kind="publicity",
        item=f"{MARKER} 普法经费",
        amount=1000,
    )
    insp = county_inspection(world, title=f"{MARKER} 督察")
    rect = finding(insp, world, problem=f"{MARKER} 问题", deadline=dt.date(2024, 10, 30))
    return {
        "ov_group": g,
        "ov_report": rep,
        "ov_funding": fund,
        "ov_inspection": insp,
        "ov_rect": rect,
    }


SEEDERS = [seed]
ROUTES = {
    "oversight:group_detail": lambda w, o: {"pk": o["ov_group"].pk},
    "oversight:group_update": lambda w, o: {"pk": o["ov_group"].pk},
    "oversight:report_detail": lambda w, o: {"pk": o["ov_report"].pk},
    "oversight:report_edit": lambda w, o: {"pk": o["ov_report"].pk},
    "oversight:funding_detail": lambda w, o: {"pk": o["ov_funding"].pk},
    "oversight:funding_edit": lambda w, o: {"pk": o["ov_funding"].pk},
    "oversight:inspection_detail": lambda w, o: {"pk": o["ov_inspection"].pk},
    "oversight:inspection_import": lambda w, o: {"pk": o["ov_inspection"].pk},
    "oversight:rectification_detail": lambda w, o: {"pk": o["ov_rect"].pk},
    "oversight:rectification_edit": lambda w, o: {"pk": o["ov_rect"].pk},
    "oversight:rectification_act": lambda w, o: {"pk": o["ov_rect"].pk, "action": "start"},
}
_RECORDS = {
    "groups": "ov_group",
    "reports": "ov_report",
    "funding": "ov_funding",
    "inspections": "ov_inspection",
    "rectifications": "ov_rect",
}
API_ROUTES = {
    **{
        f"/api/v1/oversight/{plural}/{{record_id}}": (
            lambda key: lambda w, o: {"record_id": o[key].pk}
        )(key)
        for plural, key in _RECORDS.items()
    },
    "/api/v1/oversight/inspections/{inspection_id}/findings": lambda w, o: {
        "inspection_id": o["ov_inspection"].pk
    },
    "/api/v1/oversight/rectifications/{rectification_id}/actions/{action}": lambda w, o: {
        "rectification_id": o["ov_rect"].pk,
        "action": "start",
    },
}
EXEMPT = {}
