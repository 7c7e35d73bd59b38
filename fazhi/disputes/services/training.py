"""人民调解员培训: every change to the training ledger. The pages, the API, the CLI and the
Excel import (``disputes/training.py``, the ledger's declaration) call
``create_training(*, unit, actor, …)`` and ``update_training(obj, *, actor, …)``: atomic,
refusing an actor who may not change the unit (403, audited), validating with a Chinese
reason, saving one row (history) and one audit row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from fazhi.core import records, scoping
from fazhi.core.errors import InvalidInput
from fazhi.core.models import Unit
from fazhi.core.models.units import TOWNSHIP_KINDS, UnitKind
from fazhi.core.roles import Perm
from fazhi.ledgers.fields import F

from ..models import MediationCommittee, MediatorTraining
from ..models.training import MAX_HOURS
from .common import records_in, records_named

REFUSED = "您无权在该单位登记或修改人民调解员培训"
# A training is organised by a county (its 司法局) or a township (its 司法所).
ORGANISER_KINDS = (UnitKind.COUNTY, *TOWNSHIP_KINDS)

TRAINING_FIELDS = (
    F("held_on", "培训日期", "date"),
    F("title", "培训主题", help="如 人民调解员业务培训班"),
    F("organiser", "主办单位", required=False, help="如 县司法局、东风镇司法所"),
    F("hours", "培训学时", "decimal", help="小时，大于0且不超过200"),
    F("trainees", "培训人次", "int", help="参训调解员人次"),
    F("committees", "参训调委会", "ints", required=False, help="本单位及下级的人民调解委员会"),
    F("notes", "备注", "textarea", required=False),
)


def committees_in(unit: Unit, ids) -> list[MediationCommittee]:
    """The committees ``ids`` names: each must exist within ``unit``'s area."""
    return records_in(
        MediationCommittee.objects.in_subtree(unit),
        ids,
        f"参训调委会应为{unit.name}及其下属单位的人民调解委员会",
    )


def committees_named(unit: Unit, names: str) -> list[MediationCommittee]:
    """An import's 参训调委会 cell: names separated by 、，, or ; within ``unit``'s area
    (a committee named by its village alone, "红星村", is found too)."""
    qs = MediationCommittee.objects.in_subtree(unit).select_related("unit")
    return records_named(
        names,
        lambda name: qs.filter(name=name).first() or qs.filter(unit__name=name).first(),
        lambda name: f"参训调委会：{unit.name}及其下属单位中没有“{name}”",
    )


def _check(t: MediatorTraining) -> None:
    if t.unit.kind not in ORGANISER_KINDS:
        raise InvalidInput("人民调解员培训应登记在组织培训的县或乡镇(街道)")
    t.title = (t.title or "").strip()
    if not t.title:
        raise InvalidInput("请填写培训主题")
    if t.held_on is None:
        raise InvalidInput("请填写培训日期")
    if t.held_on > timezone.localdate():
        raise InvalidInput("培训日期不能晚于今天（尚未举办的培训请在举办后登记）")
    if t.hours is None or Decimal(t.hours) <= 0 or Decimal(t.hours) > MAX_HOURS:
        raise InvalidInput(f"培训学时应大于0且不超过{MAX_HOURS}小时")
    if t.trainees is None or int(t.trainees) < 1:
        raise InvalidInput("培训人次应至少为1")
    same = MediatorTraining.objects.filter(unit=t.unit, held_on=t.held_on, title=t.title)
    if same.exclude(pk=t.pk).exists():
        raise InvalidInput(f"{t.unit.name}已登记{t.held_on}的“{t.title}”")


@transaction.atomic
def create_training(
    *,
    unit: Unit,
    actor,
    held_on: dt.date,
    title: str,
    hours: Decimal,
    trainees: int,
    organiser: str = "",
    committees: list[MediationCommittee] | None = None,
    notes: str = "",
) -> MediatorTraining:
    scoping.require(actor, Perm.CHANGE, unit, REFUSED)
    t = MediatorTraining(
        unit=unit,
        held_on=held_on,
        title=title,
        organiser=(organiser or "").strip(),
        hours=hours,
        trainees=trainees,
        notes=notes or "",
    )
    _check(t)
    records.save_checked(t, actor=actor, created=True, exclude=["committees"])
    if committees:
        t.committees.set(committees)
    return t


@transaction.atomic
def update_training(
    t: MediatorTraining, *, actor, committees: list | None = None, **changes
) -> MediatorTraining:
    """``changes``: any of held_on, title, organiser, hours, trainees, notes; ``committees``
    (None: left as they were) replaces the committees that attended."""
    scoping.require(actor, Perm.CHANGE, t.unit, REFUSED)
    t = MediatorTraining.objects.select_for_update().select_related("unit").get(pk=t.pk)
    for key, value in changes.items():
        if key in ("organiser", "notes", "title"):
            value = (value or "").strip()
        setattr(t, key, value)
    _check(t)
    records.save_checked(t, actor=actor, created=False, exclude=["committees"])
    if committees is not None:
        t.committees.set(committees)
    return t
