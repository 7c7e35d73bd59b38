"""Every change to the special groups' roster. Pages, API, CLI and the Excel import
(through ``ledgers.py``) call ``create_person`` and ``update_person``: each atomic,
refusing (403, audited) an actor without the corrections permission in the unit,
validating with a Chinese reason, computing the dates the law sets, saving one row
(history) and writing an audit row. The steps are ``procedures.PERSON``; ``record_view``
writes the audit row of every view of a record."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fazhi.core import audit, records, scoping
from fazhi.core.errors import InvalidInput
from fazhi.core.identifiers import is_valid_mobile, is_valid_resident_id
from fazhi.core.models import Unit
from fazhi.core.models.units import VILLAGE_KINDS
from fazhi.core.roles import Perm
from fazhi.ledgers.fields import F

from .models import (
    RESETTLEMENT_YEARS,
    GroupKind,
    SentenceKind,
    Status,
    SupervisedPerson,
    report_due,
    years_after,
)

REFUSED = "您的角色无权登记或修改社区矫正与安置帮教台账"
FIRST_YEAR = 1980

PERSON_FIELDS = (
    F("kind", "类别", "choice", choices=tuple(GroupKind.choices)),
    F("name", "姓名"),
    F("id_number", "身份证号", required=False),
    F("phone", "联系电话", required=False),
    F("village", "居住村(社区)", required=False, help="村(社区)名称或代码"),
    F(
        "sentence_kind",
        "矫正类别",
        "choice",
        required=False,
        choices=tuple(SentenceKind.choices),
        help="社区矫正对象必填",
    ),
    F(
        "effective_on",
        "判决(裁定、决定)生效日期",
        "date",
        required=False,
        help="社区矫正对象必填；报到期限为生效之日起十日",
    ),
    F("reported_on", "报到日期", "date", required=False, help="已报到的填写；未报到的不填"),
    F("released_on", "刑满释放日期", "date", required=False, help="安置帮教对象必填"),
    F(
        "term_start",
        "期限起始",
        "date",
        required=False,
        help="不填：矫正为生效日期，帮教为释放日期",
    ),
    F(
        "term_end",
        "期限届满",
        "date",
        required=False,
        help=f"社区矫正对象必填；安置帮教不填为释放后{RESETTLEMENT_YEARS}年",
    ),
    F("notes", "备注", "textarea", required=False),
)
# What an edit changes: not the kind, nor the reported-in date (the 报到 step records it).
EDIT_FIELDS = tuple(f for f in PERSON_FIELDS if f.name not in ("kind", "reported_on"))


def _today() -> dt.date:
    return timezone.localdate()


def _village(unit: Unit, text) -> Unit | None:
    """The village (community) named by ``text`` (name or code) within ``unit``'s area."""
    if isinstance(text, Unit):
        found = text
    else:
        text = str(text or "").strip()
        if not text:
            return None
        match = Q(name=text) | Q(code=text)
        if text.isdigit() and len(text) < 8:  # the edit form's value: the unit's id
            match |= Q(pk=int(text))
        found = (
            Unit.objects.filter(kind__in=VILLAGE_KINDS, path__startswith=unit.path)
            .filter(match)
            .first()
        )
        if found is None:
            raise InvalidInput(f"“居住村(社区)”：{unit.name}没有名为“{text}”的村(社区)")
    if found.kind not in VILLAGE_KINDS or not found.path.startswith(unit.path):
        raise InvalidInput(f"“居住村(社区)”应为{unit.name}所辖的村(社区)")
    return found


def _check_identifiers(p: SupervisedPerson) -> None:
    if p.id_number and not is_valid_resident_id(p.id_number):
        raise InvalidInput("身份证号格式不正确（18位，末位校验码）")
    if p.phone and not is_valid_mobile(p.phone):
        raise InvalidInput("联系电话应为11位手机号码")


def _not_future(day: dt.date | None, label: str) -> None:
    if day and day > _today():
        raise InvalidInput(f"{label}不能晚于今天")
    if day and day.year < FIRST_YEAR:
        raise InvalidInput(f"{label}不正确（{FIRST_YEAR}年以后）")


def _settle(p: SupervisedPerson) -> None:
    """The dates the law sets, and the checks between them, by kind."""
    if not p.name.strip():
        raise InvalidInput("请填写“姓名”")
    if p.is_community:
        if not p.sentence_kind:
            raise InvalidInput("社区矫正对象请选择“矫正类别”（管制、缓刑、假释或暂予监外执行）")
        if p.effective_on is None:
            raise InvalidInput("社区矫正对象请填写“判决(裁定、决定)生效日期”")
        _not_future(p.effective_on, "判决(裁定、决定)生效日期")
        p.report_due = report_due(p.effective_on)
        p.released_on = None
        if p.term_end is None:
            raise InvalidInput("社区矫正对象请填写“期限届满”（矫正期限的最后一日）")
        if p.term_start is None:
            p.term_start = p.effective_on
        if p.reported_on is not None:
            _not_future(p.reported_on, "报到日期")
            if p.reported_on < p.effective_on:
                raise InvalidInput("报到日期不能早于判决(裁定、决定)生效日期")
    else:
        if p.released_on is None:
            raise InvalidInput("安置帮教对象请填写“刑满释放日期”")
        _not_future(p.released_on, "刑满释放日期")
        p.sentence_kind = ""
        p.effective_on = p.report_due = p.reported_on = None
        if p.term_start is None:
            p.term_start = p.released_on
        if p.term_end is None:
            p.term_end = years_after(p.released_on, RESETTLEMENT_YEARS)
    if p.term_start and p.term_end and p.term_end <= p.term_start:
        raise InvalidInput("期限届满日期应晚于期限起始日期")


def _save(p: SupervisedPerson, *, actor, created: bool) -> SupervisedPerson:
    records.validated(p, exclude=["id_number", "phone", "unit", "village", "created_by"])
    records.save_audited(p, actor=actor, created=created)
    return p


@transaction.atomic
def create_person(*, unit: Unit, actor, **data) -> SupervisedPerson:
    scoping.require(actor, Perm.CORRECTIONS, unit, REFUSED)
    kind = data.get("kind")
    if kind not in GroupKind.values:
        raise InvalidInput("请选择“类别”（社区矫正对象或安置帮教对象）")
    p = SupervisedPerson(
        unit=unit,
        kind=kind,
        name=(data.get("name") or "").strip()[:50],
        id_number=(data.get("id_number") or "").strip(),
        phone=(data.get("phone") or "").strip(),
        village=_village(unit, data.get("village")),
        sentence_kind=data.get("sentence_kind") or "",
        effective_on=data.get("effective_on"),
        reported_on=data.get("reported_on"),
        released_on=data.get("released_on"),
        term_start=data.get("term_start"),
        term_end=data.get("term_end"),
        notes=(data.get("notes") or "").strip(),
    )
    _check_identifiers(p)
    _settle(p)
    p.status = Status.PENDING if p.is_community and p.reported_on is None else Status.ACTIVE
    return _save(p, actor=actor, created=True)


@transaction.atomic
def update_person(p: SupervisedPerson, *, actor, **data) -> SupervisedPerson:
    scoping.require(actor, Perm.CORRECTIONS, p.unit, REFUSED)
    p = SupervisedPerson.objects.select_for_update().get(pk=p.pk)
    for name in ("name", "id_number", "phone", "notes"):
        if name in data:
            setattr(p, name, (data[name] or "").strip())
    if "village" in data:
        p.village = _village(p.unit, data["village"])
    for name in ("sentence_kind",):
        if data.get(name):
            setattr(p, name, data[name])
    for name in ("effective_on", "released_on", "term_start", "term_end"):
        if name in data:
            setattr(p, name, data[name])
    _check_identifiers(p)
    _settle(p)
    p.version += 1
    return _save(p, actor=actor, created=False)


def record_view(p: SupervisedPerson, user) -> None:
    """The audit row of one view of a record (detail page, API detail, CLI show): who, when,
    from where, which record — never the person's identifiers."""
    audit.record(
        audit.E.RECORD_VIEW,
        obj=p,
        user=user,
        detail={"ledger": "corrections.person", "kind": p.kind},
    )
