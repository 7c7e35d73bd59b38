"""Scoping cases for the corrections routes (see tests/scoping.py). The seeded person is in
township A, registered by A's admin (who holds the corrections role there)."""

import datetime as dt

from django.utils import timezone

from fazhi.corrections import services
from tests.scoping import MARKER


def seed_corrections(world):
    eff = timezone.localdate() - dt.timedelta(days=30)
    person = services.create_person(
        unit=world.township_a,
        actor=world.admin_a,
        kind="community",
        name=f"{MARKER}对象",
        id_number="11010519491231002X",
        phone="13800138000",
        village=world.village_a.name,
        sentence_kind="probation",
        effective_on=eff,
        reported_on=eff + dt.timedelta(days=3),
        term_end=eff + dt.timedelta(days=730),
    )
    return {"cr_person": person}


SEEDERS = [seed_corrections]

ROUTES = {
    f"corrections:person_{page}": lambda w, o: {"pk": o["cr_person"].pk}
    for page in ("detail", "edit")
}
ROUTES["corrections:person_act"] = lambda w, o: {"pk": o["cr_person"].pk, "action": "visit"}
ROUTES["corrections:person_reveal"] = lambda w, o: {
    "pk": o["cr_person"].pk,
    "person": o["cr_person"].pk,
    "field": "phone",
}

API_ROUTES = {
    "/api/v1/corrections/persons/{record_id}": lambda w, o: {"record_id": o["cr_person"].pk},
    "/api/v1/corrections/persons/{record_id}/actions/{action}": lambda w, o: {
        "record_id": o["cr_person"].pk,
        "action": "visit",
    },
}
