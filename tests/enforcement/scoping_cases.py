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


def seed_supervision(world):
    """Township A's 案卷评查 (with a finding: a 自查 rectification), 裁量基准, 代表委员监督
    and 培训考试 records."""
    a, clerk = world.township_a, world.clerk_a
    review = services.create_case_review(
        unit=a,
        actor=clerk,
        raw={
            "year": "2024",
            "reviewed_on": "2024-11-20",
            "reviewer": f"{MARKER} 县司法局",
            "files_reviewed": "10",
            "files_excellent": "6",
            "files_qualified": "3",
            "files_failed": "1",
            "average_score": "88.5",
            "findings": f"{MARKER} 案卷装订不规范",
            "rectify_owner": f"{MARKER} 张",
        },
    )
    standard = services.create_standard(
        unit=a,
        actor=clerk,
        raw={
            "title": f"{MARKER} 安全生产行政处罚裁量权基准",
            "sector": "safety",
            "adopted_on": "2024-03-01",
        },
    )
    visit = services.create_visit(
        unit=a,
        actor=clerk,
        raw={
            "held_on": "2024-06-01",
            "kind": "inspection",
            "subject": f"{MARKER} 视察综合执法",
            "deputies": "5",
            "members": "3",
        },
    )
    training = services.create_staff_training(
        unit=a,
        actor=clerk,
        raw={
            "held_on": "2024-04-01",
            "title": f"{MARKER} 执法资格考试",
            "is_exam": "是",
            "attendees": "20",
            "passed": "18",
        },
    )
    duty = services.create_responsibility(
        unit=a,
        actor=clerk,
        raw={
            "post": f"{MARKER} 安全生产执法岗",
            "person_name": f"{MARKER} 张",
            "items": "安全生产监督检查",
            "assigned_on": "2024-02-01",
        },
    )
    return {
        "responsibility": duty,
        "casereview": review,
        "discretion": standard,
        "visit": visit,
        "stafftraining": training,
    }


SEEDERS = [seed_enforcement, seed_supervision]
ROUTES: dict = {}
API_ROUTES: dict = {}
for _lg in LEDGERS:
    ROUTES[f"enforcement:{_lg.key}_detail"] = lambda w, o, k=_lg.key: {"pk": o[k].pk}
    if _lg.update is not None:
        ROUTES[f"enforcement:{_lg.key}_edit"] = lambda w, o, k=_lg.key: {"pk": o[k].pk}
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
