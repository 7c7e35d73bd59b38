"""Scoping cases for the decisions routes (see tests/scoping.py)."""

from __future__ import annotations

from fazhi.decisions import services
from fazhi.decisions.ledgers import LEDGERS
from tests.scoping import MARKER


def seed_decisions(world):
    a, clerk = world.township_a, world.clerk_a
    cat = services.create_catalog(unit=a, actor=clerk, year=2024, title=f"{MARKER} 决策目录")
    decision = services.create_decision(
        unit=a, actor=clerk, title=f"{MARKER} 决策", year=2024, drafting_office="党政办"
    )
    doc = services.create_document(
        unit=a,
        actor=clerk,
        raw={
            "title": f"{MARKER} 规范性文件",
            "drafting_office": "党政办",
            "comment_required": "no",
            "comment_reason": "内部管理",
        },
    )
    contract = services.create_contract(
        unit=a,
        actor=clerk,
        raw={
            "title": f"{MARKER} 合同",
            "counterparty": f"{MARKER} 公司",
            "drafting_office": "党政办",
            "requested_on": "2024-05-06",
            "days": "5",
        },
    )
    matter = services.record_major_matter(
        unit=a,
        actor=clerk,
        raw={
            "title": f"{MARKER} 三重一大",
            "category": "funds",
            "meeting_kind": "party",
            "meeting_date": "2024-05-06",
            "members_total": "3",
            "attendees_count": "2",
            "head_name": "书记",
            "views": "委员|委员|同意|可\n书记|书记|同意|",
            "outcome": "adopted",
        },
    )
    return {
        "catalog": cat,
        "decision": decision,
        "document": doc,
        "contract": contract,
        "review": contract.review,
        "matter": matter,
    }


SEEDERS = [seed_decisions]
ROUTES: dict = {}
API_ROUTES: dict = {}
for _lg in LEDGERS:
    ROUTES[f"decisions:{_lg.key}_detail"] = lambda w, o, k=_lg.key: {"pk": o[k].pk}
    API_ROUTES[f"/api/v1/decisions/{_lg.plural}/{{record_id}}"] = lambda w, o, k=_lg.key: {
        "record_id": o[k].pk
    }
    if _lg.procedure is not None:
        action = next(iter(_lg.procedure.transitions))
        ROUTES[f"decisions:{_lg.key}_act"] = lambda w, o, k=_lg.key, a=action: {
            "pk": o[k].pk,
            "action": a,
        }
        API_ROUTES[f"/api/v1/decisions/{_lg.plural}/{{record_id}}/actions/{{action}}"] = (
            lambda w, o, k=_lg.key, a=action: {"record_id": o[k].pk, "action": a}
        )
ROUTES["decisions:document"] = lambda w, o: {
    "ledger": "review",
    "pk": o["review"].pk,
    "key": "opinion",
}
EXEMPT = {
    "decisions:settings": "lists only counties visible to the user; changes need CONFIGURE on that county",
}
