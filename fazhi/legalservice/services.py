"""The rules of the legal-services ledgers. Views, API and CLI all call these functions."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from fazhi.core import audit, pii, records, scoping
from fazhi.core.errors import InvalidInput
from fazhi.core.models import Unit
from fazhi.core.models.units import TOWNSHIP_KINDS, VILLAGE_KINDS, UnitKind
from fazhi.core.roles import Perm

from .models import (
    Consultation,
    DutyShift,
    EnterpriseVisit,
    LegalAdviser,
    LegalAidReferral,
    LegalServiceSettings,
    ServiceCenterDay,
    ShiftStatus,
)

DEFAULT_MIN_DAYS = 2
DEFAULT_MIN_DAYS_REMOTE = 1


REFUSED = "您的角色无权在该单位登记或修改此类记录"


def _save(obj, *, actor, created: bool, fields: list[str] | None = None) -> None:
    records.save_audited(obj, actor=actor, created=created, fields=fields or [])


def _township_of(unit: Unit) -> Unit:
    township = unit.township()
    if township is None:
        raise InvalidInput("请选择乡镇(街道)或其下属村(社区)", code="bad_unit")
    return township


# ---------------------------------------------------------------- settings


def settings_for(unit: Unit) -> tuple[int, int]:
    """(minimum days per month, minimum for remote villages) in force for ``unit``'s county."""
    county_ids = unit.ancestor_ids()
    row = (
        LegalServiceSettings.objects.filter(unit_id__in=county_ids).order_by("-unit__depth").first()
    )
    if row is None:
        return DEFAULT_MIN_DAYS, DEFAULT_MIN_DAYS_REMOTE
    return row.duty_min_days, row.duty_min_days_remote


@transaction.atomic
def save_settings(county: Unit, *, actor, duty_min_days: int, duty_min_days_remote: int):
    if county.kind != UnitKind.COUNTY:
        raise InvalidInput("坐班值班最低要求按县(区)设置", code="bad_unit")
    scoping.require(actor, Perm.CONFIGURE, county, REFUSED)
    for value in (duty_min_days, duty_min_days_remote):
        if not isinstance(value, int) or not 0 <= value <= 31:
            raise InvalidInput("每月天数应为 0 到 31 之间的整数")
    if duty_min_days_remote > duty_min_days:
        raise InvalidInput("偏远村的最低要求不应高于一般村")
    row = LegalServiceSettings.objects.filter(unit=county).first()
    created = row is None
    if created:
        row = LegalServiceSettings(unit=county)
    row.duty_min_days = duty_min_days
    row.duty_min_days_remote = duty_min_days_remote
    if created:
        row.created_by = actor
    row.save()
    audit.record(
        audit.E.CONFIG,
        obj=row,
        user=actor,
        detail={"duty_min_days": duty_min_days, "duty_min_days_remote": duty_min_days_remote},
    )
    return row


# ---------------------------------------------------------------- advisers


def _clean_adviser(unit: Unit, data: dict, served) -> dict:
    name = (data.get("name") or "").strip()
    firm = (data.get("firm") or "").strip()
    if not name:
        raise InvalidInput("请填写法律顾问姓名")
    if not firm:
        raise InvalidInput("请填写律师事务所")
    start, end = data.get("contract_start"), data.get("contract_end")
    if not isinstance(start, dt.date) or not isinstance(end, dt.date):
        raise InvalidInput("请填写聘用起止日期")
    if end < start:
        raise InvalidInput("聘用截止日期不能早于起始日期")
    phone = pii.normalize_mobile(data.get("phone") or "")
    if phone and not pii.is_valid_mobile(phone):
        raise InvalidInput("联系电话无效：应为以1开头的11位手机号码")
    for u in served:
        if not u.is_within(unit):
            raise InvalidInput(f"“{u.name}”不在{unit.name}辖区内，不能作为服务对象")
    return {
        "name": name[:50],
        "firm": firm[:100],
        "phone": phone,
        "contract_start": start,
        "contract_end": end,
        "note": (data.get("note") or "")[:200],
        "active": bool(data.get("active", True)),
    }


def served_units(unit: Unit, ids) -> list[Unit]:
    """The villages (and units) named by ``ids`` for an adviser retained by ``unit``'s
    township: each must exist and lie within it."""
    ids = list(dict.fromkeys(ids or []))
    units = list(Unit.objects.filter(pk__in=ids))
    if len(units) != len(ids):
        raise InvalidInput("服务村(社区)中有不存在或无权查看的单位")
    return units


@transaction.atomic
def create_adviser(
    *,
    unit: Unit,
    actor,
    name: str,
    firm: str,
    contract_start: dt.date,
    contract_end: dt.date,
    phone: str = "",
    served: list[Unit] = (),
    note: str = "",
    active: bool = True,
) -> LegalAdviser:
    unit = _township_of(unit)
    scoping.require(actor, Perm.CHANGE, unit, REFUSED)
    data = dict(name=name, firm=firm, contract_start=contract_start, contract_end=contract_end)
    clean = _clean_adviser(unit, {**data, "phone": phone, "note": note, "active": active}, served)
    adviser = LegalAdviser(unit=unit, **clean)
    _save(adviser, actor=actor, created=True)
    adviser.units_served.set(served)
    return adviser


@transaction.atomic
def update_adviser(
    adviser: LegalAdviser,
    *,
    actor,
    name: str,
    firm: str,
    contract_start: dt.date,
    contract_end: dt.date,
    phone: str = "",
    served: list[Unit] = (),
    note: str = "",
    active: bool = True,
) -> LegalAdviser:
    scoping.require(actor, Perm.CHANGE, adviser.unit, REFUSED)
    data = dict(name=name, firm=firm, contract_start=contract_start, contract_end=contract_end)
    clean = _clean_adviser(
        adviser.unit, {**data, "phone": phone, "note": note, "active": active}, served
    )
    for k, v in clean.items():
        setattr(adviser, k, v)
    _save(adviser, actor=actor, created=False, fields=list(clean) + ["units_served"])
    adviser.units_served.set(served)
    return adviser


@dataclass
class CoverageRow:
    village: Unit
    advisers: list[LegalAdviser]

    @property
    def covered(self) -> bool:
        return bool(self.advisers)


def coverage(unit: Unit, day: dt.date | None = None) -> list[CoverageRow]:
    """一村一法律顾问: every village/community in ``unit``'s subtree, with the advisers
    whose contract is in force on ``day``. Two queries whatever the number of villages."""
    day = day or timezone.localdate()
    villages = list(
        Unit.objects.subtree(unit).filter(kind__in=VILLAGE_KINDS, active=True).order_by("path")
    )
    rows = {v.pk: CoverageRow(v, []) for v in villages}
    through = LegalAdviser.units_served.through
    links = through.objects.filter(
        unit_id__in=rows.keys(),
        legaladviser__active=True,
        legaladviser__contract_start__lte=day,
        legaladviser__contract_end__gte=day,
    ).select_related("legaladviser")
    for link in links:
        rows[link.unit_id].advisers.append(link.legaladviser)
    return list(rows.values())


def coverage_gaps(unit: Unit, day: dt.date | None = None) -> list[Unit]:
    return [r.village for r in coverage(unit, day) if not r.covered]


def covered_count(villages, day: dt.date) -> int:
    """How many of ``villages`` (a queryset of units) have an adviser in force on ``day``,
    in one query."""
    return (
        LegalAdviser.units_served.through.objects.filter(
            unit__in=villages,
            legaladviser__active=True,
            legaladviser__contract_start__lte=day,
            legaladviser__contract_end__gte=day,
        )
        .values("unit_id")
        .distinct()
        .count()
    )


def village_coverage(unit: Unit, year: int) -> dict:
    """Indicator ``advisers.village_coverage``: villages with an adviser in force on the
    year's last day (or today for the current year), over all villages in the subtree."""
    today = timezone.localdate()
    day = min(dt.date(year, 12, 31), today) if year >= today.year else dt.date(year, 12, 31)
    village_ids = Unit.objects.subtree(unit).filter(kind__in=VILLAGE_KINDS, active=True)
    total = village_ids.count()
    covered = covered_count(village_ids, day)
    return {
        "villages": total,
        "covered": covered,
        "rate": round(covered / total, 4) if total else None,
        "as_of": day,
    }


def consultations_total(unit: Unit, year: int) -> dict:
    """Indicator ``advisers.consultations``: consultations and persons served in the year."""
    agg = (
        Consultation.objects.in_subtree(unit)
        .filter(date__year=year)
        .aggregate(count=Count("id"), persons=Sum("persons"))
    )
    shifts = (
        DutyShift.objects.in_subtree(unit).filter(date__year=year, status=ShiftStatus.HELD).count()
    )
    return {"count": agg["count"] or 0, "persons": agg["persons"] or 0, "duty_shifts": shifts}


def service_center_totals(unit: Unit, year: int) -> dict:
    agg = (
        ServiceCenterDay.objects.in_subtree(unit)
        .filter(date__year=year)
        .aggregate(visits=Sum("visits"), self_service=Sum("self_service"), days=Count("id"))
    )
    return {k: v or 0 for k, v in agg.items()}


# ---------------------------------------------------------------- duty shifts


def _check_adviser_for(adviser: LegalAdviser, unit: Unit, day: dt.date) -> None:
    if not adviser.unit.path or not unit.is_within(adviser.unit):
        raise InvalidInput(f"{adviser.name}不是{unit.name}所在乡镇聘请的法律顾问")
    if not adviser.in_force_on(day):
        raise InvalidInput(
            f"{day} 不在{adviser.name}的聘用期内（{adviser.contract_start}至{adviser.contract_end}）"
        )


@transaction.atomic
def plan_shift(
    *,
    unit: Unit,
    actor,
    adviser: LegalAdviser,
    date: dt.date,
    hours=4,
    note: str = "",
    status: str = ShiftStatus.PLANNED,
) -> DutyShift:
    scoping.require(actor, Perm.CHANGE, unit, REFUSED)
    if unit.kind not in VILLAGE_KINDS and unit.kind not in TOWNSHIP_KINDS:
        raise InvalidInput("坐班值班地点应为村(社区)或乡镇")
    _check_adviser_for(adviser, unit, date)
    if status not in ShiftStatus.values:
        raise InvalidInput("状态不正确")
    try:
        hours = Decimal(str(hours))
    except InvalidOperation:
        raise InvalidInput("时长应为 0.5 到 24 之间的小时数")
    if not hours.is_finite() or not Decimal("0.5") <= hours <= 24:
        raise InvalidInput("时长应为 0.5 到 24 之间的小时数")
    if status == ShiftStatus.HELD and date > timezone.localdate():
        raise InvalidInput("尚未到坐班日期，不能登记为已坐班")
    if DutyShift.objects.filter(unit=unit, adviser=adviser, date=date).exists():
        raise InvalidInput(f"{adviser.name} {date} 在{unit.name}的坐班值班已登记")
    shift = DutyShift(
        unit=unit,
        adviser=adviser,
        date=date,
        hours=hours.quantize(Decimal("0.1")),
        note=(note or "")[:200],
        status=status,
    )
    _save(shift, actor=actor, created=True)
    return shift


@dataclass
class DutyRow:
    village: Unit
    minimum: int
    held: int
    planned: int

    @property
    def short(self) -> int:
        return max(0, self.minimum - self.held)

    @property
    def met(self) -> bool:
        return self.held >= self.minimum


def duty_compliance(unit: Unit, year: int, month: int) -> list[DutyRow]:
    """Per village: shifts held vs the county's monthly minimum (lower for remote villages)."""
    if not 1 <= month <= 12:
        raise InvalidInput("月份应为 1 到 12")
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    minimum, minimum_remote = settings_for(unit)
    villages = list(
        Unit.objects.subtree(unit).filter(kind__in=VILLAGE_KINDS, active=True).order_by("path")
    )
    counts = (
        DutyShift.objects.filter(unit__in=villages, date__range=(first, last))
        .values("unit_id")
        .annotate(
            held=Count("date", filter=Q(status=ShiftStatus.HELD), distinct=True),
            planned=Count("id", filter=Q(status=ShiftStatus.PLANNED)),
        )
    )
    by_unit = {c["unit_id"]: c for c in counts}
    return [
        DutyRow(
            v,
            minimum_remote if v.remote else minimum,
            by_unit.get(v.pk, {}).get("held", 0),
            by_unit.get(v.pk, {}).get("planned", 0),
        )
        for v in villages
    ]


# ---------------------------------------------------------------- consultations


def _check_service(unit, adviser, persons) -> None:
    """A consultation's or an enterprise visit's persons served, and its adviser one the
    township engaged."""
    if not isinstance(persons, int) or not 1 <= persons <= 10000:
        raise InvalidInput("服务人次应为 1 到 10000 之间的整数")
    if adviser is not None:
        township = _township_of(unit)
        if adviser.unit_id != township.pk:
            raise InvalidInput(f"{adviser.name}不是{township.name}聘请的法律顾问")


def _check_consultation(unit, date, place, topic, channel, adviser, persons, category) -> None:
    from .models import Channel, ConsultationCategory

    if category not in ConsultationCategory.values:
        raise InvalidInput("咨询类别不正确")
    if date > timezone.localdate():
        raise InvalidInput("咨询日期不能晚于今天")
    if not (place or "").strip() or not (topic or "").strip():
        raise InvalidInput("请填写地点和咨询事项")
    if channel not in Channel.values:
        raise InvalidInput("咨询方式不正确")
    _check_service(unit, adviser, persons)


@transaction.atomic
def record_consultation(
    *,
    unit: Unit,
    actor,
    date: dt.date,
    place: str,
    topic: str,
    channel: str,
    adviser: LegalAdviser | None = None,
    persons: int = 1,
    answer: str = "",
    category: str | None = None,
) -> Consultation:
    """A consultation; without a category, the one its 咨询事项 names (``guess_category``)."""
    from .models import guess_category

    scoping.require(actor, Perm.CHANGE, unit, REFUSED)
    category = category or guess_category(topic)
    _check_consultation(unit, date, place, topic, channel, adviser, persons, category)
    c = Consultation(
        unit=unit,
        date=date,
        place=place.strip()[:100],
        topic=topic.strip()[:200],
        category=category,
        channel=channel,
        adviser=adviser,
        persons=persons,
        answer=answer,
    )
    _save(c, actor=actor, created=True)
    return c


# ---------------------------------------------------------------- service centre


@transaction.atomic
def record_center_day(
    *, unit: Unit, actor, date: dt.date, visits: int, self_service: int, note: str = ""
) -> ServiceCenterDay:
    """Enter (or correct) one day's counts at a township's public legal service centre."""
    if unit.kind not in TOWNSHIP_KINDS:
        raise InvalidInput("公共法律服务中心的日统计按乡镇(街道)登记")
    scoping.require(actor, Perm.CHANGE, unit, REFUSED)
    if date > timezone.localdate():
        raise InvalidInput("日期不能晚于今天")
    for label, v in (("接待人次", visits), ("自助服务机使用件数", self_service)):
        if not isinstance(v, int) or not 0 <= v <= 100000:
            raise InvalidInput(f"{label}应为 0 到 100000 之间的整数")
    row = ServiceCenterDay.objects.filter(unit=unit, date=date).first()
    created = row is None
    if created:
        row = ServiceCenterDay(unit=unit, date=date)
    row.visits, row.self_service, row.note = visits, self_service, (note or "")[:200]
    _save(row, actor=actor, created=created, fields=["visits", "self_service", "note"])
    return row


# ---------------------------------------------------------------- legal aid


@transaction.atomic
def record_referral(
    *,
    unit: Unit,
    actor,
    date: dt.date,
    person_name: str,
    matter: str,
    referred_to: str = "县法律援助中心",
    phone: str = "",
    note: str = "",
) -> LegalAidReferral:
    scoping.require(actor, Perm.CHANGE, unit, REFUSED)
    if not (person_name or "").strip() or not (matter or "").strip():
        raise InvalidInput("请填写当事人和事项")
    if date > timezone.localdate():
        raise InvalidInput("转介日期不能晚于今天")
    phone = pii.normalize_mobile(phone or "")
    if phone and not pii.is_valid_mobile(phone):
        raise InvalidInput("联系电话无效：应为以1开头的11位手机号码")
    r = LegalAidReferral(
        unit=unit,
        date=date,
        person_name=person_name.strip()[:50],
        phone=phone,
        matter=matter.strip()[:200],
        referred_to=(referred_to or "县法律援助中心").strip()[:100],
        note=(note or "")[:200],
    )
    _save(r, actor=actor, created=True)
    return r


@transaction.atomic
def set_referral_outcome(referral: LegalAidReferral, *, actor, outcome: str, note: str = ""):
    from .models import AidOutcome

    scoping.require(actor, Perm.CHANGE, referral.unit, REFUSED)
    if outcome not in AidOutcome.values:
        raise InvalidInput("结果不正确")
    referral.outcome = outcome
    if note:
        referral.note = note[:200]
    _save(referral, actor=actor, created=False, fields=["outcome", "note"])
    return referral


@transaction.atomic
def update_referral(
    referral: LegalAidReferral,
    *,
    actor,
    matter: str,
    referred_to: str = "县法律援助中心",
    phone: str = "",
    outcome: str,
    note: str = "",
) -> LegalAidReferral:
    """Correct a referral and record its outcome (the person and date stay as registered)."""
    from .models import AidOutcome

    scoping.require(actor, Perm.CHANGE, referral.unit, REFUSED)
    if not (matter or "").strip():
        raise InvalidInput("请填写事项")
    if outcome not in AidOutcome.values:
        raise InvalidInput("结果不正确")
    phone = pii.normalize_mobile(phone or "")
    if phone and not pii.is_valid_mobile(phone):
        raise InvalidInput("联系电话无效：应为以1开头的11位手机号码")
    referral.matter = matter.strip()[:200]
    referral.referred_to = (referred_to or "县法律援助中心").strip()[:100]
    referral.phone = phone
    referral.outcome = outcome
    referral.note = (note or "")[:200]
    fields = ["matter", "referred_to", "phone", "outcome", "note"]
    _save(referral, actor=actor, created=False, fields=fields)
    return referral


@transaction.atomic
def update_consultation(
    consultation: Consultation,
    *,
    actor,
    date: dt.date,
    place: str,
    topic: str,
    channel: str,
    adviser: LegalAdviser | None = None,
    persons: int = 1,
    answer: str = "",
    category: str | None = None,
) -> Consultation:
    c = consultation
    scoping.require(actor, Perm.CHANGE, c.unit, REFUSED)
    category = category or c.category
    _check_consultation(c.unit, date, place, topic, channel, adviser, persons, category)
    c.date, c.place, c.topic, c.channel = date, place.strip()[:100], topic.strip()[:200], channel
    c.adviser, c.persons, c.answer, c.category = adviser, persons, answer or "", category
    fields = ["date", "place", "topic", "category", "channel", "adviser", "persons", "answer"]
    _save(c, actor=actor, created=False, fields=fields)
    return c


# ---------------------------------------------------------------- enterprise visits


def _check_visit(unit, date, enterprise, adviser, matters, persons) -> None:
    if date > timezone.localdate():
        raise InvalidInput("入企服务日期不能晚于今天")
    if not (enterprise or "").strip():
        raise InvalidInput("请填写企业名称")
    if not (matters or "").strip():
        raise InvalidInput("请填写服务事项")
    _check_service(unit, adviser, persons)


@transaction.atomic
def record_enterprise_visit(
    *,
    unit: Unit,
    actor,
    date: dt.date,
    enterprise: str,
    matters: str,
    adviser: LegalAdviser | None = None,
    persons: int = 1,
    note: str = "",
) -> EnterpriseVisit:
    """入企服务: a visit to an enterprise, registered by the township or the village."""
    scoping.require(actor, Perm.CHANGE, unit, REFUSED)
    _check_visit(unit, date, enterprise, adviser, matters, persons)
    v = EnterpriseVisit(
        unit=unit,
        date=date,
        enterprise=enterprise.strip()[:100],
        matters=matters.strip(),
        adviser=adviser,
        persons=persons,
        note=(note or "")[:200],
    )
    _save(v, actor=actor, created=True)
    return v


@transaction.atomic
def update_enterprise_visit(
    visit: EnterpriseVisit,
    *,
    actor,
    date: dt.date,
    enterprise: str,
    matters: str,
    adviser: LegalAdviser | None = None,
    persons: int = 1,
    note: str = "",
) -> EnterpriseVisit:
    v = visit
    scoping.require(actor, Perm.CHANGE, v.unit, REFUSED)
    _check_visit(v.unit, date, enterprise, adviser, matters, persons)
    v.date, v.enterprise, v.matters = date, enterprise.strip()[:100], matters.strip()
    v.adviser, v.persons, v.note = adviser, persons, (note or "")[:200]
    fields = ["date", "enterprise", "matters", "adviser", "persons", "note"]
    _save(v, actor=actor, created=False, fields=fields)
    return v
