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
    return {"op_disclosure": d, "op_request": r}


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
}
EXEMPT = {}
