"""Scoping cases for the openness routes (see tests/scoping.py)."""

from __future__ import annotations

import datetime as dt

from fazhi.openness import services
from tests.scoping import MARKER


def seed(world):
    d = services.record_disclosure(
        unit=world.township_a,
        actor=world.admin_a,
        title=f"{MARKER} 部门预算公开",
        category="finance",
        channel="website",
        published_on=dt.date(2024, 3, 5),
    )
    r = services.receive_request(
        unit=world.township_a,
        actor=world.admin_a,
        applicant_name=f"{MARKER}王五",
        id_number="11010519491231002X",
        phone="13912345678",
        content=f"{MARKER} 土地征收补偿明细",
        received_on=dt.date(2024, 3, 5),
    )
    a = services.draft_annual_report(unit=world.township_a, actor=world.admin_a, year=2024)
    return {"op_disclosure": d, "op_request": r, "op_annual": a}


SEEDERS = [seed]
ROUTES = {
    "openness:disclosure_detail": lambda w, o: {"pk": o["op_disclosure"].pk},
    "openness:disclosure_edit": lambda w, o: {"pk": o["op_disclosure"].pk},
    "openness:request_detail": lambda w, o: {"pk": o["op_request"].pk},
    "openness:request_edit": lambda w, o: {"pk": o["op_request"].pk},
    "openness:request_act": lambda w, o: {"pk": o["op_request"].pk, "action": "extend"},
    "openness:request_reveal": lambda w, o: {
        "pk": o["op_request"].pk,
        "person": o["op_request"].pk,
        "field": "phone",
    },
    "openness:annual_detail": lambda w, o: {"pk": o["op_annual"].pk},
    "openness:annual_edit": lambda w, o: {"pk": o["op_annual"].pk},
    "openness:annual_act": lambda w, o: {"pk": o["op_annual"].pk, "action": "refresh"},
    "openness:document": lambda w, o: {
        "ledger": "request",
        "pk": o["op_request"].pk,
        "key": "correction",
    },
}
API_ROUTES = {
    "/api/v1/openness/disclosures/{record_id}": lambda w, o: {"record_id": o["op_disclosure"].pk},
    "/api/v1/openness/requests/{record_id}": lambda w, o: {"record_id": o["op_request"].pk},
    "/api/v1/openness/requests/{record_id}/actions/{action}": lambda w, o: {
        "record_id": o["op_request"].pk,
        "action": "extend",
    },
    "/api/v1/openness/reports/{record_id}": lambda w, o: {"record_id": o["op_annual"].pk},
    "/api/v1/openness/reports/{record_id}/actions/{action}": lambda w, o: {
        "record_id": o["op_annual"].pk,
        "action": "refresh",
    },
}
EXEMPT = {
    "public_openness:index": "public page: lists only published openness annual reports, no "
    "login (tested in tests/openness/test_annual_report.py)",
    "public_openness:detail": "public page: only published reports answer, others 404 (tested "
    "in tests/openness/test_annual_report.py)",
    "public_openness:docx": "public file: only published reports answer, others 404 (tested in "
    "tests/openness/test_annual_report.py)",
}
