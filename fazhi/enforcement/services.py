"""Creating enforcement records (certificates, cases, reconsiderations, lawsuits)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from fazhi.core import audit, pii, scoping, workdays
from fazhi.core.errors import InvalidInput
from fazhi.core.roles import Perm
from fazhi.ledgers import fields as flow
from fazhi.ledgers.fields import F

from .models import (
    DEFAULT_DISPLAY_DAYS,
    CaseKind,
    EnforcementCase,
    EnforcementCertificate,
    EnforcementSettings,
    Litigation,
    Reconsideration,
    SubjectType,
)

DECISION_DAYS = 90  # 行政处罚法第六十条：自立案之日起九十日内作出决定
RENEWAL_NOTICE_DAYS = 30


def check_can_change(actor, unit) -> None:
    scoping.require(actor, Perm.CHANGE, unit, "您的角色无权在该单位登记")


def display_days_for(unit) -> int:
    county = unit if unit.kind == "county" else unit.county()
    row = EnforcementSettings.objects.filter(unit=county).first() if county else None
    return row.display_days if row else DEFAULT_DISPLAY_DAYS


CERT_FIELDS = (
    F("holder_name", "持证人"),
    F("number", "执法证号"),
    F("area", "执法领域", required=False),
    F("issued_on", "发证日期", "date"),
    F("expires_on", "有效期至", "date"),
    F("holder", "持证人账号（用户名，可不填）", "user", required=False),
)


@transaction.atomic
def create_certificate(*, unit, actor, raw) -> EnforcementCertificate:
    check_can_change(actor, unit)
    data = flow.parse(CERT_FIELDS, raw)
    if data["expires_on"] <= data["issued_on"]:
        raise InvalidInput("有效期至应晚于发证日期")
    if EnforcementCertificate.objects.filter(number=data["number"]).exists():
        raise InvalidInput(f"执法证号“{data['number']}”已登记")
    cert = EnforcementCertificate(unit=unit, **data)
    cert.area = cert.area or ""
    cert.created_by = actor
    cert.save()
    audit.record(audit.E.CREATE, obj=cert, user=actor)
    return cert


def officers_refusal(unit, ids, day: dt.date) -> str | None:
    """Why these certificates cannot be assigned to a case of ``unit`` on ``day`` (None = fine)."""
    ids = list(dict.fromkeys(ids or []))
    if len(ids) < 2:
        return "执法人员不得少于两人"
    county = unit.county() or unit
    certs = list(
        EnforcementCertificate.objects.filter(pk__in=ids, unit__path__startswith=county.path)
    )
    if len(certs) != len(ids):
        return "所选执法证件不存在或不属于本县"
    for c in certs:
        if c.revoked:
            return f"{c.holder_name}的执法证件已注销，不得从事执法"
        if c.expires_on < day:
            return f"{c.holder_name}的执法证件已于{c.expires_on:%Y-%m-%d}过期，请先换发"
        if c.issued_on > day:
            return f"{c.holder_name}的执法证件尚未生效"
    if len({c.holder_name for c in certs}) < 2:
        return "执法人员不得少于两人"
    return None


CASE_FIELDS = (
    F("kind", "执法类别", "choice", choices=tuple(CaseKind.choices)),
    F("subject_type", "当事人类型", "choice", choices=tuple(SubjectType.choices)),
    F("subject_name", "当事人"),
    F("id_number", "身份证号（自然人）", required=False),
    F("phone", "联系电话", required=False),
    F("legal_basis", "法律依据", "textarea"),
    F("facts", "案情摘要", "textarea", required=False),
    F("opened_on", "立案日期", "date"),
    F("officers", "执法人员（至少两名持有效执法证件）", "ints"),
)


def _next_number(unit, year: int) -> str:
    n = EnforcementCase.objects.filter(unit=unit, opened_on__year=year).count() + 1
    return f"{unit.name}执〔{year}〕{n}号"


@transaction.atomic
def create_case(*, unit, actor, raw) -> EnforcementCase:
    check_can_change(actor, unit)
    data = flow.parse(CASE_FIELDS, raw)
    if data["opened_on"] > timezone.localdate():
        raise InvalidInput("立案日期不能晚于今天")
    if data["id_number"]:
        data["id_number"] = pii.normalize_resident_id(data["id_number"])
        if data["subject_type"] == SubjectType.NATURAL and not pii.is_valid_resident_id(
            data["id_number"]
        ):
            raise InvalidInput("身份证号码不正确")
    if data["phone"] and not pii.is_valid_mobile(data["phone"]):
        raise InvalidInput("手机号码不正确")
    # Valid when the case was opened and today, when they are assigned.
    reason = officers_refusal(unit, data["officers"], data["opened_on"]) or officers_refusal(
        unit, data["officers"], timezone.localdate()
    )
    if reason:
        raise InvalidInput(reason)
    due = workdays.add_calendar_days(data["opened_on"], DECISION_DAYS)
    case = EnforcementCase(
        unit=unit,
        number=_next_number(unit, data["opened_on"].year),
        kind=data["kind"],
        subject_type=data["subject_type"],
        subject_name=data["subject_name"],
        id_number=data["id_number"] or "",
        phone=data["phone"] or "",
        legal_basis=data["legal_basis"],
        facts=data["facts"] or "",
        opened_on=data["opened_on"],
        decision_due=due.date,
        decision_due_provisional=due.provisional,
    )
    case.created_by = actor
    case.save()
    case.officers.set(data["officers"])
    audit.record(audit.E.CREATE, obj=case, user=actor)
    return case


CHALLENGE_FIELDS = (
    F("case_no", "案号"),
    F("applicant", "申请人/原告"),
    F("act", "被申请（被诉）行为"),
    F("organ", "复议机关/人民法院"),
    F("received_on", "收到申请书（起诉状）副本日期", "date"),
    F("enforcement_case", "关联执法案件编号（可不填）", "int", required=False),
)


def _create_challenge(model, *, unit, actor, raw):
    check_can_change(actor, unit)
    data = flow.parse(CHALLENGE_FIELDS, raw)
    case_id = data.pop("enforcement_case")
    case = None
    if case_id:
        case = EnforcementCase.objects.filter(pk=case_id, unit__path__startswith=unit.path).first()
        if case is None:
            raise InvalidInput("关联执法案件不存在或不属于本单位")
    due = workdays.add_calendar_days(data["received_on"], model.REPLY_DAYS)
    obj = model(
        unit=unit,
        enforcement_case=case,
        reply_due=due.date,
        reply_due_provisional=due.provisional,
        **data,
    )
    obj.created_by = actor
    obj.save()
    audit.record(audit.E.CREATE, obj=obj, user=actor)
    return obj


@transaction.atomic
def create_reconsideration(*, unit, actor, raw) -> Reconsideration:
    return _create_challenge(Reconsideration, unit=unit, actor=actor, raw=raw)


@transaction.atomic
def create_litigation(*, unit, actor, raw) -> Litigation:
    return _create_challenge(Litigation, unit=unit, actor=actor, raw=raw)


@transaction.atomic
def save_settings(*, county, actor, display_days: int) -> EnforcementSettings:
    if county.kind != "county":
        raise InvalidInput("公示期限由县(区)设置")
    scoping.require(actor, Perm.CONFIGURE, county, "只有县级有设置权限的用户可以修改公示期限")
    if not 30 <= display_days <= 3650:
        raise InvalidInput("公示期限应为30至3650日")
    row = EnforcementSettings.objects.filter(unit=county).first() or EnforcementSettings(
        unit=county
    )
    row.display_days = display_days
    row.save()
    audit.record(audit.E.CONFIG, obj=row, user=actor, detail={"display_days": display_days})
    return row
