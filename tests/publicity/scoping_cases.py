"""Scoping cases for the publicity routes (see tests/scoping.py)."""

import datetime as dt

from fazhi.publicity import services
from tests.scoping import MARKER


def seed_publicity(world):
    actor = world.admin_a
    today = dt.date.today()
    duty = services.save_duty(
        None,
        world.township_a,
        {"year": today.year, "body": f"{MARKER}派出所", "laws": "治安管理处罚法"},
        actor=actor,
    )
    event = services.create_event(
        world.township_a,
        {
            "date": today - dt.timedelta(days=1),
            "title": f"{MARKER} 宪法进校园",
            "theme": "constitution_124",
            "place_kind": "school",
            "audience": 120,
            "duty": duty,
        },
        actor=actor,
    )
    liaison = services.save_liaison(
        None, world.village_a, {"name": f"{MARKER}明白人", "phone": "13812345678"}, actor=actor
    )
    training = services.save_training(
        None,
        world.township_a,
        {"date": today - dt.timedelta(days=2), "topic": f"{MARKER} 培训"},
        [liaison.pk],
        actor=actor,
    )
    model = services.save_model_village(
        None,
        world.village_a,
        {"kind": "village", "level": "provincial", "year": today.year - 1, "awarded_by": MARKER},
        actor=actor,
    )
    return {"duty": duty, "event": event, "liaison": liaison, "training": training, "model": model}


SEEDERS = [seed_publicity]


def _pk(key):
    return lambda w, o: {"pk": o[key].pk}


ROUTES = {
    "publicity:event_detail": _pk("event"),
    "publicity:event_edit": _pk("event"),
    "publicity:event_history": _pk("event"),
    "publicity:duty_edit": _pk("duty"),
    "publicity:duty_history": _pk("duty"),
    "publicity:liaison_detail": _pk("liaison"),
    "publicity:liaison_edit": _pk("liaison"),
    "publicity:liaison_history": _pk("liaison"),
    "publicity:training_detail": _pk("training"),
    "publicity:training_edit": _pk("training"),
    "publicity:model_edit": _pk("model"),
    "publicity:model_history": _pk("model"),
}
API_ROUTES = {
    "/api/v1/publicity/events/{event_id}": lambda w, o: {"event_id": o["event"].pk},
    "/api/v1/publicity/liaisons/{liaison_id}": lambda w, o: {"liaison_id": o["liaison"].pk},
}
