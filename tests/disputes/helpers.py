"""Small builders for the disputes tests."""

from __future__ import annotations

from fazhi.disputes.services import disputes as ds
from fazhi.disputes.services import hotline as hs
from fazhi.disputes.services import petitions as ps

ID_A = "11010519491231002X"  # valid check digit
PHONE_A = "13812345678"


def dispute(world, *, actor=None, title="张某与李某宅基地纠纷", parties=None, **data):
    actor = actor or world.clerk_a
    return ds.register_dispute(
        actor=actor,
        unit=world.township_a,
        data={
            "title": title,
            "source": "screening",
            "category": "宅基地",
            "amount": "1000",
            "village": world.village_a.pk,
            **data,
        },
        parties=parties
        or [
            {"name": "张三", "id_number": ID_A, "phone": PHONE_A},
            {"name": "李四", "side": "respondent"},
        ],
    )


def petition(world, *, actor=None, received_on=None, petitioners=None, **data):
    actor = actor or world.clerk_a
    return ps.register_petition(
        actor=actor,
        unit=world.township_a,
        data={
            "channel": "visit",
            "petition_type": "claim",
            "matter": "要求解决征地补偿",
            "request": "足额发放补偿款",
            **({"received_on": received_on} if received_on else {}),
            **data,
        },
        petitioners=petitioners or [{"name": "王五", "id_number": ID_A, "phone": PHONE_A}],
    )


def appeal(
    world, number="T0001", *, category="投诉", received_at="2024-09-27T10:00:00", actor=None
):
    return hs.create_appeal(
        actor=actor or world.clerk_a,
        unit=world.township_a,
        data={
            "number": number,
            "category": category,
            "received_at": received_at,
            "content": "路灯损坏",
            "caller": "赵六",
            "phone": PHONE_A,
        },
    )
