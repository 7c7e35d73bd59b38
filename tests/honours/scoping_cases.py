"""Scoping cases for the honours routes (see tests/scoping.py)."""

from fazhi.honours import services
from tests.scoping import MARKER


def seed_honours(world):
    actor = world.admin_a
    honour = services.create_honour(
        unit=world.village_a,
        actor=actor,
        kind="gold_room",
        level="city",
        year=2025,
        title=f"{MARKER}金牌调解室",
        status="awarded",
        awarded_by="市司法局",
        document_no="市司发〔2025〕1号",
    )
    assessment = services.create_assessment(
        unit=world.township_a,
        actor=actor,
        kind="rule_of_law",
        year=2025,
        name=f"{MARKER} 2025年度法治建设考核",
        assessed_by="县委依法治县办",
        rank=2,
        among=12,
    )
    return {"hn_honour": honour, "hn_assessment": assessment}


SEEDERS = [seed_honours]
_RECORDS = {"honour": ("honours", "hn_honour"), "assessment": ("assessments", "hn_assessment")}

ROUTES = {
    f"honours:{key}_{page}": (lambda k: lambda w, o: {"pk": o[k].pk})(obj)
    for key, (_plural, obj) in _RECORDS.items()
    for page in ("detail", "edit")
}
ROUTES["honours:honour_act"] = lambda w, o: {"pk": o["hn_honour"].pk, "action": "review"}

API_ROUTES = {
    f"/api/v1/honours/{plural}/{{record_id}}": (lambda k: lambda w, o: {"record_id": o[k].pk})(obj)
    for plural, obj in _RECORDS.values()
}
API_ROUTES["/api/v1/honours/honours/{record_id}/actions/{action}"] = lambda w, o: {
    "record_id": o["hn_honour"].pk,
    "action": "review",
}
