"""Scoping cases for the enforcement routes (see tests/scoping.py)."""

from __future__ import annotations

from fazhi.enforcement import services
from fazhi.enforcement.ledgers import LEDGERS
from tests.scoping import MARKER


def seed_enforcement(world):
    a, clerk = world.township_a, world.clerk_a
    certs = [
        services.create_certificate(
            unit=a,
            actor=clerk,
            raw={
                "holder_name": f"{MARKER} 张",
                "number": "SC-1",
                "issued_on": "2020-01-01",
                "expires_on": "2099-01-01",
            },
        ),
        services.create_certificate(
            unit=a,
            actor=clerk,
            raw={
                "holder_name": f"{MARKER} 李",
                "number": "SC-2",
                "issued_on": "2020-01-01",
                "expires_on": "2099-01-01",
            },
        ),
    ]
    case = services.create_case(
        unit=a,
        actor=clerk,
        raw={
            "kind": "penalty",
            "subject_type": "legal",
            "subject_name": f"{MARKER} 公司",
            "legal_basis": "《食品安全法》",
            "opened_on": "2024-05-06",
            "officers": [str(c.pk) for c in certs],
        },
    )
    raw = {
        "case_no": f"{MARKER} 复1号",
        "applicant": f"{MARKER} 王某",
        "act": "罚款",
        "organ": "县政府",
        "received_on": "2024-05-06",
    }
    rec = services.create_reconsideration(unit=a, actor=clerk, raw=raw)
    lit = services.create_litigation(
        unit=a, actor=clerk, raw={**raw, "case_no": f"{MARKER} 行初1号"}
    )
    return {"certificate": certs[0], "case": case, "reconsideration": rec, "litigation": lit}


SEEDERS = [seed_enforcement]
ROUTES: dict = {}
API_ROUTES: dict = {}
for _lg in LEDGERS:
    ROUTES[f"enforcement:{_lg.key}_detail"] = lambda w, o, k=_lg.key: {"pk": o[k].pk}
    API_ROUTES[f"/api/v1/enforcement/{_lg.plural}/{{record_id}}"] = lambda w, o, k=_lg.key: {
        "record_id": o[k].pk
    }
    if _lg.procedure is not None:
        action = next(iter(_lg.procedure.transitions))
        ROUTES[f"enforcement:{_lg.key}_act"] = lambda w, o, k=_lg.key, a=action: {
            "pk": o[k].pk,
            "action": a,
        }
        API_ROUTES[f"/api/v1/enforcement/{_lg.plural}/{{record_id}}/actions/{{action}}"] = (
            lambda w, o, k=_lg.key, a=action: {"record_id": o[k].pk, "action": a}
        )
ROUTES["enforcement:document"] = lambda w, o: {
    "ledger": "case",
    "pk": o["case"].pk,
    "key": "notice",
}
EXEMPT = {
    "enforcement:public": "public by law; shows only published decisions, masked (tested in test_public.py)",
    "enforcement:settings": "lists only counties visible to the user; changes need CONFIGURE on that county",
}
