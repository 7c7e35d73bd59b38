"""Scoping cases for the study routes (see tests/scoping.py)."""

import datetime as dt
from decimal import Decimal

from fazhi.learning import services
from tests.scoping import MARKER


def seed_learning(world):
    actor = world.admin_a
    cadre = services.create_cadre(
        unit=world.township_a, actor=actor, name=f"{MARKER}干部", post="科员"
    )
    session = services.create_session(
        unit=world.township_a,
        actor=actor,
        kind="lecture",
        date=dt.date.today() - dt.timedelta(days=1),
        topic=f"{MARKER} 民法典讲座",
        hours=Decimal("2"),
    )
    services.check_in(session, cadre, actor=actor)
    exam = services.record_exam_result(
        cadre, year=dt.date.today().year, actor=actor, studied_online=True, score=Decimal("91")
    )
    return {"cadre": cadre, "session": session, "exam": exam}


SEEDERS = [seed_learning]
_session = lambda w, o: {"pk": o["session"].pk}  # noqa: E731
_cadre = lambda w, o: {"pk": o["cadre"].pk}  # noqa: E731
_exam = lambda w, o: {"pk": o["exam"].pk}  # noqa: E731
ROUTES = {
    "learning:session_detail": _session,
    "learning:session_edit": _session,
    "learning:session_attendance": _session,
    "learning:session_import": _session,
    "learning:session_history": _session,
    "learning:cadre_detail": _cadre,
    "learning:cadre_edit": _cadre,
    "learning:cadre_history": _cadre,
    "learning:exam_result_detail": _exam,
    "learning:exam_result_edit": _exam,
}
API_ROUTES = {
    "/api/v1/learning/exam/results/{record_id}": lambda w, o: {"record_id": o["exam"].pk},
    "/api/v1/learning/cadres/{cadre_id}": lambda w, o: {"cadre_id": o["cadre"].pk},
    "/api/v1/learning/sessions/{session_id}": lambda w, o: {"session_id": o["session"].pk},
    "/api/v1/learning/sessions/{session_id}/attendance": lambda w, o: {
        "session_id": o["session"].pk
    },
    "/api/v1/learning/sessions/{session_id}/attendance/{cadre_id}": lambda w, o: {
        "session_id": o["session"].pk,
        "cadre_id": o["cadre"].pk,
    },
}
