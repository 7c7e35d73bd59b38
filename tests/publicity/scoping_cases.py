"""Scoping cases for the publicity routes (see tests/scoping.py)."""

import datetime as dt

from fazhi.publicity import services
from tests.scoping import MARKER


def seed_publicity(world):
    actor = world.admin_a
    today = dt.date.today()
    duty = services.create_duty(
        unit=world.township_a,
        actor=actor,
        year=today.year,
        body=f"{MARKER}派出所",
        laws="治安管理处罚法",
    )
    event = services.create_event(
        unit=world.township_a,
        actor=actor,
        date=today - dt.timedelta(days=1),
        title=f"{MARKER} 宪法进校园",
        theme="constitution_124",
        place_kind="school",
        audience=120,
        duty=duty,
    )
    liaison = services.create_liaison(
        unit=world.village_a, actor=actor, name=f"{MARKER}明白人", phone="13812345678"
    )
    training = services.create_training(
        unit=world.township_a,
        actor=actor,
        date=today - dt.timedelta(days=2),
        topic=f"{MARKER} 培训",
        liaisons=[liaison.pk],
    )
    model = services.create_model_village(
        unit=world.village_a,
        actor=actor,
        kind="village",
        level="provincial",
        year=today.year - 1,
        awarded_by=MARKER,
    )
    channel = services.create_channel(
        unit=world.village_a, actor=actor, kind="board", count=3, note=f"{MARKER} 宣传栏"
    )
    site = services.create_site(
        unit=world.village_a, actor=actor, kind="corridor", name=f"{MARKER}法治长廊"
    )
    vice = services.create_vice_principal(
        unit=world.township_a,
        actor=actor,
        school=f"{MARKER}中心小学",
        holder="县公安局派出所所长",
        appointed_on=today - dt.timedelta(days=30),
    )
    return {
        "duty": duty,
        "event": event,
        "liaison": liaison,
        "training": training,
        "model": model,
        "channel": channel,
        "site": site,
        "vice_principal": vice,
    }


SEEDERS = [seed_publicity]


def _pk(key):
    return lambda w, o: {"pk": o[key].pk}


ROUTES = {
    f"publicity:{key}_{page}": _pk(key)
    for key in (
        "event",
        "duty",
        "liaison",
        "training",
        "model",
        "channel",
        "site",
        "vice_principal",
    )
    for page in ("detail", "edit", "history")
}
API_ROUTES = {
    f"/api/v1/publicity/{plural}/{{record_id}}": (
        lambda key: lambda w, o: {"record_id": o[key].pk}
    )(key)
    for key, plural in (
        ("event", "events"),
        ("duty", "duties"),
        ("liaison", "liaisons"),
        ("training", "trainings"),
        ("model", "models"),
        ("channel", "channels"),
        ("site", "sites"),
        ("vice_principal", "vice-principals"),
    )
}
