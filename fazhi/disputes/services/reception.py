"""领导接访下访: every change to the reception ledger. The pages, the API, the CLI and the
Excel import (``disputes/reception.py``, the ledger's declaration) call
``create_reception(*, unit, actor, …)`` and ``update_reception(obj, *, actor, …)``:
atomic, refusing an actor who may not change the unit (403, audited), validating with a
Chinese reason, saving one row (history) and one audit row."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from fazhi.core import records, scoping
from fazhi.core.errors import InvalidInput
from fazhi.core.models import Unit
from fazhi.core.models.units import TOWNSHIP_KINDS, UnitKind
from fazhi.core.roles import Perm
from fazhi.ledgers.fields import F

from ..models import LeaderReception, Petition, ReceptionKind
from .common import CELL_SEPARATORS, records_in, records_named

REFUSED = "您无权在该单位登记或修改领导接访下访"
# The heads who receive are a county's or a township's.
HOST_KINDS = (UnitKind.COUNTY, *TOWNSHIP_KINDS)
MAX_PEOPLE = 10000

RECEPTION_FIELDS = (
    F("received_on", "接访日期", "date"),
    F("leader_name", "接访领导", help="领导姓名（履职信息，不属个人信息）"),
    F("leader_post", "领导职务", help="如 党委书记、镇长、副镇长"),
    F("kind", "接访方式", "choice", choices=tuple(ReceptionKind.choices)),
    F("place", "地点", help="如 镇信访接待室、红星村村委会"),
    F("matters", "接待事项", "textarea", help="群众反映的问题"),
    F("people", "接待群众人数", "int"),
    F("petitions", "关联信访件", "ints", required=False, help="本单位及下级登记的信访件"),
    F("outcome", "处理结果", "textarea", required=False),
    F("resolved", "问题已解决", "bool", required=False),
)


def petitions_in(unit: Unit, ids) -> list[Petition]:
    """The petitions ``ids`` names: each must be registered within ``unit``'s area."""
    return records_in(
        Petition.objects.in_subtree(unit),
        ids,
        f"关联信访件应为{unit.name}及其下属单位登记的信访件",
    )


def petitions_numbered(unit: Unit, numbers: str) -> list[Petition]:
    """An import's 关联信访件 cell: petition numbers separated by 、，, or ; (or a space)."""
    qs = Petition.objects.in_subtree(unit)
    return records_named(
        numbers,
        lambda number: qs.filter(number=number).first(),
        lambda number: f"关联信访件：{unit.name}及其下属单位没有编号为“{number}”的信访件",
        separators=(*CELL_SEPARATORS, " "),
    )


def _check(r: LeaderReception) -> None:
    if r.unit.kind not in HOST_KINDS:
        raise InvalidInput("领导接访下访应登记在县或乡镇(街道)")
    for name, label in (
        ("leader_name", "接访领导"),
        ("leader_post", "领导职务"),
        ("place", "地点"),
        ("matters", "接待事项"),
    ):
        setattr(r, name, (getattr(r, name) or "").strip())
        if not getattr(r, name):
            raise InvalidInput(f"请填写{label}")
    if len(r.leader_name) > 50 or len(r.leader_post) > 50:
        raise InvalidInput("接访领导姓名和职务均不超过50字")
    if r.received_on is None:
        raise InvalidInput("请填写接访日期")
    if r.received_on > timezone.localdate():
        raise InvalidInput("接访日期不能晚于今天（尚未进行的接访请在接访后登记）")
    if r.kind not in ReceptionKind.values:
        raise InvalidInput("接访方式应为接访、下访或约访")
    if r.people is None or not 1 <= int(r.people) <= MAX_PEOPLE:
        raise InvalidInput("接待群众人数应至少为1")


@transaction.atomic
def create_reception(
    *,
    unit: Unit,
    actor,
    received_on: dt.date,
    leader_name: str,
    leader_post: str,
    place: str,
    matters: str,
    kind: str = ReceptionKind.RECEIVE,
    people: int = 1,
    petitions: list[Petition] | None = None,
    outcome: str = "",
    resolved: bool = False,
) -> LeaderReception:
    scoping.require(actor, Perm.CHANGE, unit, REFUSED)
    r = LeaderReception(
        unit=unit,
        received_on=received_on,
        leader_name=leader_name,
        leader_post=leader_post,
        kind=kind or ReceptionKind.RECEIVE,
        place=place,
        matters=matters,
        people=people,
        outcome=(outcome or "").strip(),
        resolved=bool(resolved),
    )
    _check(r)
    records.save_checked(r, actor=actor, created=True, exclude=["petitions"])
    if petitions:
        r.petitions.set(petitions)
    return r


@transaction.atomic
def update_reception(
    r: LeaderReception, *, actor, petitions: list | None = None, **changes
) -> LeaderReception:
    """``changes``: any field of RECEPTION_FIELDS but the petitions; ``petitions`` (None:
    left as they were) replaces the linked petitions."""
    scoping.require(actor, Perm.CHANGE, r.unit, REFUSED)
    r = LeaderReception.objects.select_for_update().select_related("unit").get(pk=r.pk)
    for key, value in changes.items():
        if key == "outcome":
            value = (value or "").strip()
        if key == "resolved":
            value = bool(value)
        setattr(r, key, value)
    _check(r)
    records.save_checked(r, actor=actor, created=False, exclude=["petitions"])
    if petitions is not None:
        r.petitions.set(petitions)
    return r
