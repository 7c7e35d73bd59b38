"""Record builders for the openness tests (through the services, as a clerk would)."""

from __future__ import annotations

import datetime as dt

from fazhi.ledgers.fields import perform
from fazhi.openness import services
from fazhi.openness.procedures import ACTIONS, REQUEST

ID = "11010519491231002X"
PHONE = "13912345678"


def request(world, *, received=dt.date(2024, 4, 1), **kw):
    return services.receive_request(
        unit=world.township_a,
        actor=kw.pop("actor", world.clerk_a),
        applicant_name=kw.pop("applicant_name", "王小五"),
        id_number=kw.pop("id_number", ID),
        phone=kw.pop("phone", PHONE),
        content=kw.pop("content", "本村2023年土地征收补偿款发放明细"),
        received_on=received,
        **kw,
    )


def act(r, action, user, **raw):
    return perform(REQUEST, ACTIONS, r, action, user=user, raw={k: str(v) for k, v in raw.items()})
