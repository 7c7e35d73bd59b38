"""The rules of the oversight ledgers. Views, API and CLI all call these functions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from fazhi.core import audit, records, scoping, workdays
from fazhi.core.errors import InvalidInput
from fazhi.core.models import Unit
from fazhi.core.models.units import TOWNSHIP_KINDS, UnitKind
from fazhi.core.roles import Perm

from .models import (
    BY_HIGHER_LEVEL,
    DutyReport,
    Funding,
    FundingKind,
    Inspection,
    InspectionKind,
    LeadingGroup,
    LeadingGroupMember,
    MemberRole,
    Rectification,
    RectificationStatus,
)

DEFAULT_RECTIFY_WORKING_DAYS = 30


REFUSED = "您的角色无权在该单位登记或修改此类记录"


def _save(obj, *, actor, created: bool, fields=None) -> None:
    records.save_audited(obj, actor=actor, created=created, fields=fields or [])


def _year(year) -> int:
    if not isinstance(year, int) or not 2000 <= year <= timezone.localdate().year + 1:
        raise InvalidInput("年度不正确")
    return year


def _text(value, label: str, *, required=True, limit=None) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(f"请填写{label}")
    return text[:limit] if limit else text


# ---------------------------------------------------------------- leading group

DEFAULT_GROUP_NAME = "法治建设工作领导小组"


def _group_fields(group, *, name, doc_number, established_on, office, office_director, duties):
    group.name = _text(name or DEFAULT_GROUP_NAME, "名称", limit=100)
    group.doc_number = (doc_number or "")[:50]
    group.established_on = established_on
    group.office = (office or "")[:100]
    group.office_director = (office_director or "")[:50]
    group.duties = duties or ""


GROUP_AUDITED = ["name", "doc_number", "office", "duties"]


@transaction.atomic
def create_group(
    *,
    unit: Unit,
    actor,
    year: int,
    name: str = DEFAULT_GROUP_NAME,
    doc_number: str = "",
    established_on: dt.date | None = None,
    office: str = "",
    office_director: str = "",
    duties: str = "",
) -> LeadingGroup:
    """A unit's leading group for ``year``: one a year (a second is refused: adjust the first)."""
    scoping.require(actor, Perm.CHANGE, unit, REFUSED)
    if LeadingGroup.objects.filter(unit=unit, year=_year(year)).exists():
        raise InvalidInput(f"{unit.name}{year}年已建立领导小组，请在该领导小组页面修改")
    group = LeadingGroup(unit=unit, year=year)
    _group_fields(
        group,
        name=name,
        doc_number=doc_number,
        established_on=established_on,
        office=office,
        office_director=office_director,
        duties=duties,
    )
    _save(group, actor=actor, created=True, fields=GROUP_AUDITED)
    return group


@transaction.atomic
def update_group(
    group: LeadingGroup,
    *,
    actor,
    name: str = DEFAULT_GROUP_NAME,
    doc_number: str = "",
    established_on: dt.date | None = None,
    office: str = "",
    office_director: str = "",
    duties: str = "",
) -> LeadingGroup:
    scoping.require(actor, Perm.CHANGE, group.unit, REFUSED)
    _group_fields(
        group,
        name=name,
        doc_number=doc_number,
        established_on=established_on,
        office=office,
        office_director=office_director,
        duties=duties,
    )
    _save(group, actor=actor, created=False, fields=GROUP_AUDITED)
    return group


def save_group(*, unit: Unit, actor, year: int, **fields) -> LeadingGroup:
    """建立或调整: the unit's group for ``year``, created or its fields replaced."""
    group = LeadingGroup.objects.filter(unit=unit, year=_year(year)).first()
    if group is None:
        return create_group(unit=unit, actor=actor, year=year, **fields)
    return update_group(group, actor=actor, **fields)


@transaction.atomic
def add_member(
    group: LeadingGroup, *, actor, role: str, name: str, post: str, order: int | None = None
):
    scoping.require(actor, Perm.CHANGE, group.unit, REFUSED)
    if role not in MemberRole.values:
        raise InvalidInput("组内职务应为组长、副组长或成员")
    if role == MemberRole.LEADER and group.members.filter(role=MemberRole.LEADER).exists():
        raise InvalidInput("领导小组已有组长；如需调整，请先移除原组长")
    if order is None:
        order = {"leader": 0, "deputy": 10, "member": 100}[role] + group.members.count()
    m = LeadingGroupMember(
        group=group,
        unit=group.unit,
        role=role,
        name=_text(name, "姓名", limit=50),
        post=_text(post, "本职职务", limit=100),
        order=order,
    )
    _save(m, actor=actor, created=True)
    return m


@transaction.atomic
def remove_member(member: LeadingGroupMember, *, actor) -> None:
    scoping.require(actor, Perm.CHANGE, member.unit, REFUSED)
    audit.record(audit.E.DELETE, obj=member, user=actor, detail={"group": member.group_id})
    member.delete()


# ---------------------------------------------------------------- duty reports


def _report_fields(report, *, person_name, post, study, topics, report_text, report_date):
    if report_date and report_date > timezone.localdate():
        raise InvalidInput("述法日期不能晚于今天")
    if (report_text or "").strip() and report_date is None:
        raise InvalidInput("填写述法报告时请同时填写述法日期")
    report.person_name = _text(person_name, "姓名", limit=50)
    report.post = _text(post, "职务", limit=100)
    report.study, report.topics = study or "", topics or ""
    report.report_text, report.report_date = report_text or "", report_date


REPORT_AUDITED = ["study", "topics", "report_text", "report_date"]


@transaction.atomic
def create_duty_report(
    *,
    unit: Unit,
    actor,
    year: int,
    person_name: str,
    post: str,
    study: str = "",
    topics: str = "",
    report_text: str = "",
    report_date: dt.date | None = None,
) -> DutyReport:
    scoping.require(actor, Perm.CHANGE, unit, REFUSED)
    report = DutyReport(unit=unit, year=_year(year))
    _report_fields(
        report,
        person_name=person_name,
        post=post,
        study=study,
        topics=topics,
        report_text=report_text,
        report_date=report_date,
    )
    _save(report, actor=actor, created=True, fields=REPORT_AUDITED)
    return report


@transaction.atomic
def update_duty_report(
    report: DutyReport,
    *,
    actor,
    person_name: str,
    post: str,
    study: str = "",
    topics: str = "",
    report_text: str = "",
    report_date: dt.date | None = None,
) -> DutyReport:
    scoping.require(actor, Perm.CHANGE, report.unit, REFUSED)
    _report_fields(
        report,
        person_name=person_name,
        post=post,
        study=study,
        topics=topics,
        report_text=report_text,
        report_date=report_date,
    )
    _save(report, actor=actor, created=False, fields=REPORT_AUDITED)
    return report


# ---------------------------------------------------------------- funding


def _money(value, label: str) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0).replace(",", ""))
    except Exception:
        raise InvalidInput(f"{label}应为数字")
    if not amount.is_finite():
        raise InvalidInput(f"{label}应为数字")
    if amount < 0:
        raise InvalidInput("金额不能为负数")
    if amount >= Decimal("1e10"):
        raise InvalidInput(f"{label}超出范围")
    return amount.quantize(Decimal("0.01"))


def _funding_fields(f, *, kind, item, amount, spent, note):
    if kind not in FundingKind.values:
        raise InvalidInput("经费类别不正确")
    f.kind = kind
    f.item = _text(item, "项目", limit=100)
    f.amount = _money(amount, "预算金额")
    f.spent = _money(spent, "已支出")
    f.note = (note or "")[:200]


@transaction.atomic
def create_funding(
    *, unit: Unit, actor, year: int, kind: str, item: str, amount, spent=0, note: str = ""
) -> Funding:
    scoping.require(actor, Perm.CHANGE, unit, REFUSED)
    f = Funding(unit=unit, year=_year(year))
    _funding_fields(f, kind=kind, item=item, amount=amount, spent=spent, note=note)
    _save(f, actor=actor, created=True)
    return f


@transaction.atomic
def update_funding(
    funding: Funding, *, actor, kind: str, item: str, amount, spent=0, note: str = ""
) -> Funding:
    scoping.require(actor, Perm.CHANGE, funding.unit, REFUSED)
    _funding_fields(funding, kind=kind, item=item, amount=amount, spent=spent, note=note)
    _save(funding, actor=actor, created=False, fields=["kind", "item", "amount", "spent", "note"])
    return funding


def funding_totals(unit: Unit, year: int) -> dict:
    rows = (
        Funding.objects.in_subtree(unit)
        .filter(year=year)
        .values("kind")
        .annotate(amount=Sum("amount"), spent=Sum("spent"))
    )
    by_kind = {r["kind"]: {"amount": r["amount"], "spent": r["spent"]} for r in rows}
    total = sum((r["amount"] for r in by_kind.values()), Decimal(0))
    return {"by_kind": by_kind, "total": total}


# ---------------------------------------------------------------- inspections and findings


@transaction.atomic
def create_inspection(
    *,
    actor,
    kind: str,
    target: Unit,
    date: dt.date,
    title: str,
    inspector: Unit | None = None,
    team: str = "",
    summary: str = "",
) -> Inspection:
    if kind in BY_HIGHER_LEVEL:
        label = InspectionKind(kind).label
        inspector = inspector or target.county()
        if (
            inspector is None
            or inspector.kind != UnitKind.COUNTY
            or not target.is_within(inspector)
            or target.pk == inspector.pk
        ):
            raise InvalidInput(f"{label}由县(区)对其下属乡镇(街道)进行")
        scoping.require(actor, Perm.SUPERVISE, inspector, f"您的角色无权在该单位组织{label}")
    elif kind == InspectionKind.SELF_CHECK:
        inspector = target
        scoping.require(actor, Perm.CHANGE, target, "您的角色无权在该单位登记自查")
    else:
        raise InvalidInput("检查类型应为督察、巡察或自查")
    if target.kind not in TOWNSHIP_KINDS and kind in BY_HIGHER_LEVEL:
        raise InvalidInput(f"{InspectionKind(kind).label}对象应为乡镇(街道)")
    if date > timezone.localdate():
        raise InvalidInput("检查日期不能晚于今天")
    i = Inspection(
        unit=inspector,
        target=target,
        kind=kind,
        year=date.year,
        date=date,
        title=_text(title, "名称", limit=200),
        team=(team or "")[:200],
        summary=summary or "",
    )
    _save(i, actor=actor, created=True)
    return i


def may_add_findings(user, inspection: Inspection) -> bool:
    if inspection.kind in BY_HIGHER_LEVEL:
        return scoping.can(user, Perm.SUPERVISE, inspection.unit)
    return scoping.can(user, Perm.CHANGE, inspection.target)


def _owner_user(target: Unit, username: str | None):
    if not username:
        return None
    user = get_user_model().objects.filter(username__iexact=username.strip()).first()
    if user is None or not scoping.can(user, Perm.CHANGE, target):
        raise InvalidInput(f"责任人账号“{username}”不存在或不能办理{target.name}的事项")
    return user


@transaction.atomic
def add_finding(
    inspection: Inspection,
    *,
    actor,
    problem: str,
    owner_name: str,
    requirement: str = "",
    deadline: dt.date | None = None,
    days: int | None = None,
    owner_username: str | None = None,
) -> Rectification:
    """A finding becomes a rectification of the inspected unit, with owner and deadline
    (a date, or ``days`` working days from the inspection)."""
    if not may_add_findings(actor, inspection):
        raise PermissionDenied("您的角色无权为该检查登记发现的问题")
    provisional = False
    if deadline is None:
        d = workdays.add_working_days(inspection.date, days or DEFAULT_RECTIFY_WORKING_DAYS)
        deadline, provisional = d.date, d.provisional
    elif deadline < inspection.date:
        raise InvalidInput("整改期限不能早于检查日期")
    else:
        provisional = workdays.is_provisional(deadline)
    number = (
        inspection.findings.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    r = Rectification(
        unit=inspection.target,
        inspection=inspection,
        number=number,
        problem=_text(problem, "发现的问题"),
        requirement=requirement or "",
        owner_name=_text(owner_name, "责任人", limit=50),
        owner_user=_owner_user(inspection.target, owner_username),
        deadline=deadline,
        deadline_provisional=provisional,
    )
    _save(r, actor=actor, created=True)
    return r


@transaction.atomic
def update_rectification(
    rect: Rectification, *, actor, measures: str, evidence_note: str | None = None
) -> Rectification:
    """The measures (and the note on their effect) while the finding is being fixed."""
    scoping.require(actor, Perm.CHANGE, rect.unit, REFUSED)
    if rect.status in (RectificationStatus.SUBMITTED, RectificationStatus.SIGNED_OFF):
        raise InvalidInput(f"当前状态为“{rect.get_status_display()}”，不能修改整改措施")
    rect.measures = (measures or "").strip()
    if evidence_note is not None:
        rect.evidence_note = evidence_note.strip()
    rect.version += 1
    _save(rect, actor=actor, created=False, fields=["measures", "evidence_note"])
    return rect


# ---------------------------------------------------------------- figures


def rectification_closed_rate(unit: Unit, year: int) -> dict:
    """Indicator ``rectification.closed_rate``: findings of the year's inspections of units
    in ``unit``'s subtree, and how many are signed off. One query."""
    agg = (
        Rectification.objects.in_subtree(unit)
        .filter(inspection__year=year)
        .aggregate(
            total=Count("id"),
            closed=Count("id", filter=Q(status=RectificationStatus.SIGNED_OFF)),
            overdue=Count(
                "id",
                filter=Q(deadline__lt=timezone.localdate())
                & ~Q(status=RectificationStatus.SIGNED_OFF),
            ),
        )
    )
    total = agg["total"]
    return {**agg, "rate": round(agg["closed"] / total, 4) if total else None}


def by_township(user, root: Unit, today: dt.date) -> list[dict]:
    """The county's view: each township's rectifications open, overdue and signed off. One query."""
    townships = list(
        Unit.objects.subtree(root)
        .filter(kind__in=TOWNSHIP_KINDS)
        .filter(scoping.unit_scope_q(user))
    )
    qs = Rectification.objects.visible_to(user).in_subtree(root)
    rows = []
    counts = {}
    for t in townships:
        counts[t.pk] = {"unit": t, "total": 0, "open": 0, "overdue": 0, "signed_off": 0}
    for r in qs.values("unit__path", "status", "deadline"):
        for t in townships:
            if r["unit__path"].startswith(t.path):
                c = counts[t.pk]
                c["total"] += 1
                if r["status"] == RectificationStatus.SIGNED_OFF:
                    c["signed_off"] += 1
                else:
                    c["open"] += 1
                    if r["deadline"] < today:
                        c["overdue"] += 1
                break
    rows = list(counts.values())
    return rows


def leading_group_for(unit: Unit, year: int) -> LeadingGroup | None:
    return LeadingGroup.objects.filter(unit=unit, year=year).prefetch_related("members").first()


def section_three(unit: Unit, year: int) -> dict:
    """What the annual report's section three reads: the leading group, the heads' study
    topics and 述法 reports, and funding. A few queries."""
    group = leading_group_for(unit, year)
    reports = list(DutyReport.objects.filter(unit=unit, year=year))
    return {
        "leading_group": group,
        "members": list(group.members.all()) if group else [],
        "duty_reports": reports,
        "topics": [t for r in reports for t in r.topic_list],
        "funding": funding_totals(unit, year),
    }


def heads_of(unit: Unit, year: int) -> dict[str, str]:
    """Name → post of the people the unit recorded for ``year``: its heads' duty reports
    first, then its leading group's members (a name already known keeps its post). Other
    ledgers that record a head by name or by post ("镇长") resolve it against this."""
    out: dict[str, str] = {}
    for name, post in DutyReport.objects.filter(unit=unit, year=year).values_list(
        "person_name", "post"
    ):
        out.setdefault(name.strip(), post.strip())
    for name, post in LeadingGroupMember.objects.filter(
        group__unit=unit, group__year=year
    ).values_list("name", "post"):
        out.setdefault(name.strip(), post.strip())
    return out
