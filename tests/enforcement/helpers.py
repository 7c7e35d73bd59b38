from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from fazhi.core import attachments
from fazhi.core.roles import Role
from fazhi.enforcement import procedures as P
from fazhi.enforcement import services
from fazhi.ledgers.fields import perform
from tests.factories import member

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ID = "11010519491231002X"


def act(obj, action, user, **raw):
    proc, actions = P.PROCEDURES[type(obj)]
    return perform(proc, actions, obj, action, user=user, raw=raw)


def cert(world, name, number, expires="2026-12-31", issued="2020-01-01", unit=None):
    return services.create_certificate(
        unit=unit or world.township_a,
        actor=world.clerk_a,
        raw={"holder_name": name, "number": number, "issued_on": issued, "expires_on": expires},
    )


def officers(world):
    return [cert(world, "张执法", "E001"), cert(world, "李执法", "E002")]


def case(world, kind="penalty", subject_type="natural", opened="2024-06-03", certs=None, **over):
    certs = certs or officers(world)
    raw = {
        "kind": kind,
        "subject_type": subject_type,
        "subject_name": "王小明",
        "id_number": ID if subject_type == "natural" else "",
        "legal_basis": "《食品安全法》第一百二十四条",
        "facts": "经营超过保质期的食品",
        "opened_on": opened,
        "officers": [str(c.pk) for c in certs],
    }
    raw.update(over)
    return services.create_case(unit=world.township_a, actor=world.clerk_a, raw=raw)


def with_evidence(world, c):
    attachments.attach(
        c, SimpleUploadedFile("执法记录仪.png", PNG), user=world.clerk_a, description="全过程记录"
    )
    return c


def investigated(world, c, on="2024-06-10"):
    with_evidence(world, c)
    return act(
        c,
        "investigate",
        world.clerk_a,
        investigated_on=on,
        evidence_summary="现场笔录、执法记录仪视频",
    )


def leader(world):
    return member(world.township_a, Role.LEADER, username="leader_a")


def adviser(world):
    return member(world.township_a, Role.LEGAL_ADVISER, username="adviser_a")


__all__ = ["dt"]
