"""Scoping cases for the legal-services routes (see tests/scoping.py)."""

from __future__ import annotations

import datetime as dt

from fazhi.legalservice import services
from tests.scoping import MARKER

from .helpers import adviser


def seed(world):
    a = adviser(world, name=f"{MARKER}律师")
    day = dt.date(2024, 3, 5)
    shift = services.plan_shift(
        unit=world.village_a, actor=world.admin_a, adviser=a, date=day, note=f"{MARKER} 坐班"
    )
    c = services.record_consultation(
        unit=world.village_a,
        actor=world.admin_a,
        date=day,
        place=f"{MARKER}村委会",
        topic=f"{MARKER} 土地承包",
        channel="on_site",
        adviser=a,
        persons=2,
    )
    visit = services.record_enterprise_visit(
        unit=world.township_a,
        actor=world.admin_a,
        date=day,
        enterprise=f"{MARKER}建材有限公司",
        matters=f"{MARKER} 合同审查",
        adviser=a,
        persons=6,
    )
    day_row = services.record_center_day(
        unit=world.township_a,
        actor=world.admin_a,
        date=day,
        visits=7,
        self_service=3,
        note=f"{MARKER} 日统计",
    )
    r = services.record_referral(
        unit=world.township_a,
        actor=world.admin_a,
        date=day,
        person_name=f"{MARKER}张三",
        matter=f"{MARKER} 追索劳动报酬",
    )
    return {
        "ls_adviser": a,
        "ls_shift": shift,
        "ls_consultation": c,
        "ls_center_day": day_row,
        "ls_visit": visit,
        "ls_referral": r,
    }


SEEDERS = [seed]
ROUTES = {
    "legalservice:adviser_detail": lambda w, o: {"pk": o["ls_adviser"].pk},
    "legalservice:adviser_edit": lambda w, o: {"pk": o["ls_adviser"].pk},
    "legalservice:shift_detail": lambda w, o: {"pk": o["ls_shift"].pk},
    "legalservice:shift_act": lambda w, o: {"pk": o["ls_shift"].pk, "action": "hold"},
    "legalservice:consultation_detail": lambda w, o: {"pk": o["ls_consultation"].pk},
    "legalservice:consultation_edit": lambda w, o: {"pk": o["ls_consultation"].pk},
    "legalservice:enterprise_visit_detail": lambda w, o: {"pk": o["ls_visit"].pk},
    "legalservice:enterprise_visit_edit": lambda w, o: {"pk": o["ls_visit"].pk},
    "legalservice:center_day_detail": lambda w, o: {"pk": o["ls_center_day"].pk},
    "legalservice:center_day_edit": lambda w, o: {"pk": o["ls_center_day"].pk},
    "legalservice:aid_detail": lambda w, o: {"pk": o["ls_referral"].pk},
    "legalservice:aid_edit": lambda w, o: {"pk": o["ls_referral"].pk},
}
API_ROUTES = {
    "/api/v1/legalservice/advisers/{record_id}": lambda w, o: {"record_id": o["ls_adviser"].pk},
    "/api/v1/legalservice/shifts/{record_id}": lambda w, o: {"record_id": o["ls_shift"].pk},
    "/api/v1/legalservice/shifts/{record_id}/actions/{action}": lambda w, o: {
        "record_id": o["ls_shift"].pk,
        "action": "hold",
    },
    "/api/v1/legalservice/consultations/{record_id}": lambda w, o: {
        "record_id": o["ls_consultation"].pk
    },
    "/api/v1/legalservice/enterprise-visits/{record_id}": lambda w, o: {
        "record_id": o["ls_visit"].pk
    },
    "/api/v1/legalservice/center-days/{record_id}": lambda w, o: {
        "record_id": o["ls_center_day"].pk
    },
    "/api/v1/legalservice/aid/{record_id}": lambda w, o: {"record_id": o["ls_referral"].pk},
    "/api/v1/legalservice/aid/{referral_id}/outcome": lambda w, o: {
        "referral_id": o["ls_referral"].pk
    },
}
EXEMPT = {}
