"""司法救助: every change to the judicial-assistance ledger. The pages, the API, the CLI
and the Excel import (``disputes/assistance.py``, the ledger's declaration) call
``create_assistance(*, unit, actor, …)`` and ``update_assistance(obj, *, actor, …)``:
atomic, refusing an actor who may not change the unit (403, audited), validating with a
Chinese reason (an amount below zero: "救助金额不能为负数"), saving one row (history)
and one audit row. The recipient's ID number is validated as a petitioner's and stored
encrypted, shown masked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from fazhi.core import pii, records, scoping
from fazhi.core.errors import InvalidInput
from fazhi.core.models import Unit
from fazhi.core.models.units import TOWNSHIP_KINDS, UnitKind
from fazhi.core.roles import Perm
from fazhi.ledgers.fields import F

from ..models import Dispute, JudicialAssistance, Petition

REFUSED = "您无权在该单位登记或修改司法救助"
HOST_KINDS = (UnitKind.COUNTY, *TOWNSHIP_KINDS)
MAX_AMOUNT = Decimal("10000000")  # 1000万元: beyond any single grant

ASSISTANCE_FIELDS = (
    F("granted_on", "救助日期", "date"),
    F("case", "案件", required=False, help="案号或案由；关联了矛盾纠纷或信访件的可不填"),
    F("dispute", "关联矛盾纠纷（编号ID）", "int", required=False),
    F("petition", "关联信访件（编号ID）", "int", required=False),
    F("recipient", "救助对象", help="姓名"),
    F("id_number", "身份证号", required=False),
    F("amount", "救助金额（元）", "text", help="不小于0的金额，单位元"),
    F("approver", "批准机关", help="如 县人民法院、县人民检察院、县公安局"),
    F("reason", "救助事由", "textarea", required=False),
)


def parse_amount(value) -> Decimal:
    """救助金额 in yuan: a number ≥ 0 with at most two decimals (1,200 and 1200元 too)."""
    text = str(value if value is not None else "").strip().replace(",", "").replace("，", "")
    text = text.removesuffix("元").strip()
    if not text:
        raise InvalidInput("请填写救助金额（元）")
    try:
        d = Decimal(text)
    except InvalidOperation:
        raise InvalidInput(f"救助金额应为数字（元），“{value}”不是数字") from None
    if not d.is_finite():
        raise InvalidInput("救助金额应为数字（元）")
    if d < 0:
        raise InvalidInput("救助金额不能为负数")
    if d > MAX_AMOUNT:
        raise InvalidInput("救助金额超出范围（单笔不超过1000万元）")
    if d != d.quantize(Decimal("0.01")):
        raise InvalidInput("救助金额最多保留两位小数（元、角、分）")
    return d


def clean_id(value) -> str:
    idn = str(value or "").strip().upper()
    if not idn:
        return ""
    if not pii.is_valid_resident_id(idn):
        raise InvalidInput("救助对象的身份证号码无效：应为18位，且校验码正确")
    return pii.normalize_resident_id(idn)


def linked(unit: Unit, model, pk, label: str):
    """The dispute or petition ``pk`` names, registered within ``unit``'s area, or None."""
    if pk in (None, ""):
        return None
    obj = model.objects.in_subtree(unit).filter(pk=pk).first()
    if obj is None:
        raise InvalidInput(f"{label}应为{unit.name}及其下属单位登记的记录")
    return obj


def numbered(unit: Unit, number) -> tuple[Dispute | None, Petition | None]:
    """An import's 关联案件编号: a dispute's or a petition's number in ``unit``'s area
    (neither: none linked, the case text alone)."""
    number = str(number or "").strip()
    if not number:
        return None, None
    d = Dispute.objects.in_subtree(unit).filter(number=number).first()
    p = None if d else Petition.objects.in_subtree(unit).filter(number=number).first()
    if d is None and p is None:
        raise InvalidInput(f"关联案件：{unit.name}及其下属单位没有编号为“{number}”的纠纷或信访件")
    return d, p


def _check(a: JudicialAssistance) -> None:
    if a.unit.kind not in HOST_KINDS:
        raise InvalidInput("司法救助应登记在县或乡镇(街道)")
    a.case = (a.case or "").strip()
    if not a.case:
        linked_to = a.dispute or a.petition
        a.case = linked_to.number if linked_to is not None else ""
    if not a.case:
        raise InvalidInput("请填写案件（案号或案由），或关联矛盾纠纷、信访件")
    a.recipient = (a.recipient or "").strip()
    if not a.recipient:
        raise InvalidInput("请填写救助对象")
    a.approver = (a.approver or "").strip()
    if not a.approver:
        raise InvalidInput("请填写批准机关")
    if a.granted_on is None:
        raise InvalidInput("请填写救助日期")
    if a.granted_on > timezone.localdate():
        raise InvalidInput("救助日期不能晚于今天")
    a.amount = parse_amount(a.amount)
    a.id_number = clean_id(a.id_number)


@transaction.atomic
def create_assistance(
    *,
    unit: Unit,
    actor,
    granted_on: dt.date,
    recipient: str,
    amount,
    approver: str,
    case: str = "",
    dispute: Dispute | None = None,
    petition: Petition | None = None,
    id_number: str = "",
    reason: str = "",
) -> JudicialAssistance:
    scoping.require(actor, Perm.CHANGE, unit, REFUSED)
    a = JudicialAssistance(
        unit=unit,
        granted_on=granted_on,
        case=case or "",
        dispute=dispute,
        petition=petition,
        recipient=recipient,
        id_number=id_number or "",
        amount=amount,
        approver=approver,
        reason=(reason or "").strip(),
    )
    _check(a)
    records.save_checked(a, actor=actor, created=True)
    return a


@transaction.atomic
def update_assistance(a: JudicialAssistance, *, actor, **changes) -> JudicialAssistance:
    """``changes``: any of the fields of ASSISTANCE_FIELDS (``dispute`` / ``petition`` as
    records or None)."""
    scoping.require(actor, Perm.CHANGE, a.unit, REFUSED)
    a = JudicialAssistance.objects.select_for_update().select_related("unit").get(pk=a.pk)
    for key, value in changes.items():
        if key in ("case", "reason", "recipient", "approver", "id_number"):
            value = (value or "").strip()
        setattr(a, key, value)
    _check(a)
    records.save_checked(a, actor=actor, created=False)
    return a
