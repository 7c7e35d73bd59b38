"""Scoping cases for the disputes routes (see tests/scoping.py)."""

from fazhi.disputes.services import disputes as ds
from fazhi.disputes.services import grid as gs
from fazhi.disputes.services import hotline as hs
from fazhi.disputes.services import petitions as ps
from tests.scoping import MARKER

ID = "11010519491231002X"


def seed_disputes(world):
    d = ds.register_dispute(
        actor=world.admin_a,
        unit=world.township_a,
        data={"title": f"{MARKER} 纠纷", "source": "visit", "category": "邻里", "amount": "10"},
        parties=[{"name": f"{MARKER}当事人", "id_number": ID, "phone": "13812345678"}],
    )
    d = ds.act(d, "assign", user=world.admin_a, data={"handler": world.clerk_a.pk})
    d = ds.act(d, "session", user=world.clerk_a, data={"notes": "x"})
    d = ds.act(
        d,
        "agree",
        user=world.clerk_a,
        data={
            "agreement_form": "written",
            "agreement_text": "x",
            "parties_signed": True,
            "mediator_signed": True,
            "seal_recorded": True,
            "resolved_level": "township",
        },
    )
    p = ps.register_petition(
        actor=world.admin_a,
        unit=world.township_a,
        data={"channel": "visit", "petition_type": "claim", "matter": f"{MARKER} 信访"},
        petitioners=[{"name": f"{MARKER}信访人", "id_number": ID}],
    )
    p = ps.act(p, "accept", user=world.admin_a)
    h = hs.create_appeal(
        actor=world.admin_a,
        unit=world.township_a,
        data={
            "number": f"{MARKER}-1",
            "category": "咨询",
            "received_at": "2024-09-27T10:00",
            "content": f"{MARKER} 诉求",
            "caller": f"{MARKER}来电人",
            "phone": "13812345678",
        },
    )
    g = gs.report_case(
        actor=world.admin_a,
        unit=world.township_a,
        data={
            "village": world.village_a.pk,
            "category": "safety",
            "summary": f"{MARKER} 网格事件",
            "person_name": f"{MARKER}当事人",
            "phone": "13812345678",
        },
    )
    c = ds.save_committee(
        actor=world.admin_a,
        unit=world.township_a,
        data={"name": f"{MARKER} 调委会", "term_start": "2024-01-01"},
        members=[],
    )
    return {
        "dispute": d,
        "petition": p,
        "hotline": h,
        "grid": g,
        "committee": c,
        "party": d.parties.first(),
        "petitioner": p.petitioners.first(),
    }


SEEDERS = [seed_disputes]

ROUTES = {
    "disputes:committee_edit": lambda w, o: {"pk": o["committee"].pk},
    "disputes:organisation_detail": lambda w, o: {"pk": o["committee"].pk},
    "disputes:dispute_edit": lambda w, o: {"pk": o["dispute"].pk},
    "disputes:dispute_detail": lambda w, o: {"pk": o["dispute"].pk},
    "disputes:dispute_action": lambda w, o: {"pk": o["dispute"].pk, "action": "follow_up"},
    "disputes:dispute_reveal": lambda w, o: {
        "pk": o["dispute"].pk,
        "person": o["party"].pk,
        "field": "id_number",
    },
    "disputes:dispute_document": lambda w, o: {"pk": o["dispute"].pk, "name": "agreement"},
    "disputes:petition_detail": lambda w, o: {"pk": o["petition"].pk},
    "disputes:petition_action": lambda w, o: {"pk": o["petition"].pk, "action": "reply"},
    "disputes:petition_reveal": lambda w, o: {
        "pk": o["petition"].pk,
        "person": o["petitioner"].pk,
        "field": "phone",
    },
    "disputes:petition_document": lambda w, o: {"pk": o["petition"].pk, "name": "accept"},
    "disputes:hotline_detail": lambda w, o: {"pk": o["hotline"].pk},
    "disputes:hotline_action": lambda w, o: {"pk": o["hotline"].pk, "action": "sign"},
    "disputes:hotline_reveal": lambda w, o: {
        "pk": o["hotline"].pk,
        "person": o["hotline"].pk,
        "field": "phone",
    },
    "disputes:grid_detail": lambda w, o: {"pk": o["grid"].pk},
    "disputes:grid_action": lambda w, o: {"pk": o["grid"].pk, "action": "handle"},
    "disputes:grid_reveal": lambda w, o: {
        "pk": o["grid"].pk,
        "person": o["grid"].pk,
        "field": "phone",
    },
}

API_ROUTES = {
    "/api/v1/disputes/organisations/{record_id}": lambda w, o: {"record_id": o["committee"].pk},
}
for _kind, _key in (
    ("disputes", "dispute"),
    ("petitions", "petition"),
    ("hotline", "hotline"),
    ("grid", "grid"),
):
    API_ROUTES[f"/api/v1/disputes/{_kind}/{{case_id}}"] = (
        lambda k: lambda w, o: {"case_id": o[k].pk}
    )(_key)
    API_ROUTES[f"/api/v1/disputes/{_kind}/{{case_id}}/actions"] = (
        lambda k: lambda w, o: {"case_id": o[k].pk}
    )(_key)
    API_ROUTES[f"/api/v1/disputes/{_kind}/{{case_id}}/actions/{{action}}"] = (
        lambda k: lambda w, o: {"case_id": o[k].pk, "action": "supervise"}
    )(_key)


# 人民调解员培训 (fazhi/disputes/training.py): township A's training.
def seed_trainings(world):
    import datetime as dt

    from fazhi.disputes.services import training as ts

    t = ts.create_training(
        unit=world.township_a,
        actor=world.admin_a,
        held_on=dt.date.today(),
        title=f"{MARKER} 调解员培训",
        organiser=f"{MARKER}司法所",
        hours=4,
        trainees=20,
    )
    return {"dsp_training": t}


SEEDERS.append(seed_trainings)
for _page in ("detail", "edit"):
    ROUTES[f"disputes:training_{_page}"] = lambda w, o: {"pk": o["dsp_training"].pk}
API_ROUTES["/api/v1/disputes/trainings/{record_id}"] = lambda w, o: {
    "record_id": o["dsp_training"].pk
}


# 领导接访下访 and 司法救助 (fazhi/disputes/reception.py, assistance.py): township A's.
def seed_receptions(world):
    import datetime as dt
    from decimal import Decimal

    from fazhi.disputes.services import assistance as sa
    from fazhi.disputes.services import reception as sr

    r = sr.create_reception(
        unit=world.township_a,
        actor=world.admin_a,
        received_on=dt.date.today(),
        leader_name=f"{MARKER}刘某",
        leader_post="党委书记",
        place=f"{MARKER}信访接待室",
        matters=f"{MARKER} 反映征地补偿",
        people=3,
    )
    a = sa.create_assistance(
        unit=world.township_a,
        actor=world.admin_a,
        granted_on=dt.date.today(),
        case=f"{MARKER} 司法救助案",
        recipient=f"{MARKER}王某",
        id_number="11010519491231002X",
        amount=Decimal("5000"),
        approver="县人民法院",
    )
    return {"dsp_reception": r, "dsp_assistance": a}


SEEDERS.append(seed_receptions)
for _page in ("detail", "edit"):
    ROUTES[f"disputes:reception_{_page}"] = lambda w, o: {"pk": o["dsp_reception"].pk}
    ROUTES[f"disputes:assistance_{_page}"] = lambda w, o: {"pk": o["dsp_assistance"].pk}
ROUTES["disputes:assistance_reveal"] = lambda w, o: {
    "pk": o["dsp_assistance"].pk,
    "person": o["dsp_assistance"].pk,
    "field": "id_number",
}
API_ROUTES["/api/v1/disputes/receptions/{record_id}"] = lambda w, o: {
    "record_id": o["dsp_reception"].pk
}
API_ROUTES["/api/v1/disputes/assistance/{record_id}"] = lambda w, o: {
    "record_id": o["dsp_assistance"].pk
}
