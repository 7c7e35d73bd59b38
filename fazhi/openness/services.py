"""The rules of the openness ledgers: every change goes through these functions, which
the pages, the API and the CLI call alike (the statutory steps of a request are in
``procedures.py``)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from fazhi.core import pii, records, scoping
from fazhi.core.errors import InvalidInput
from fazhi.core.models import Unit
from fazhi.core.roles import Perm

from .models import (
    OPEN_STATES,
    ApplicantKind,
    Category,
    Disclosure,
    DisclosureChannel,
    InformationRequest,
    OpennessReport,
    ReplyType,
    RequestChannel,
)
from .procedures import due_after

REFUSED = "您的角色无权在该单位登记或修改政务公开记录"
M = InformationRequest


def _save(obj, *, actor, created: bool, fields: list[str] | None = None) -> None:
    records.save_audited(obj, actor=actor, created=created, fields=fields or [])


def _text(value, label: str, limit: int, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(f"请填写{label}")
    if len(text) > limit:
        raise InvalidInput(f"{label}不能超过{limit}个字")
    return text


def _past(day, label: str) -> dt.date:
    if not isinstance(day, dt.date):
        raise InvalidInput(f"请填写{label}")
    if day > timezone.localdate():
        raise InvalidInput(f"{label}不能晚于今天")
    return day


# ---------------------------------------------------------------- 主动公开


def _clean_disclosure(title, category, channel, published_on, doc_number, url, note) -> dict:
    if category not in Category.values:
        raise InvalidInput("公开类别不正确")
    if channel not in DisclosureChannel.values:
        raise InvalidInput("公开渠道不正确")
    return {
        "title": _text(title, "信息名称", 200),
        "category": category,
        "channel": channel,
        "published_on": _past(published_on, "公开日期"),
        "doc_number": _text(doc_number, "文号/索引号", 100, required=False),
        "url": _text(url, "网址/位置", 300, required=False),
        "note": _text(note, "备注", 200, required=False),
    }


@transaction.atomic
def record_disclosure(
    *,
    unit: Unit,
    actor,
    title: str,
    category: str,
    channel: str,
    published_on: dt.date,
    doc_number: str = "",
    url: str = "",
    note: str = "",
) -> Disclosure:
    scoping.require(actor, Perm.CHANGE, unit, REFUSED)
    clean = _clean_disclosure(title, category, channel, published_on, doc_number, url, note)
    d = Disclosure(unit=unit, **clean)
    _save(d, actor=actor, created=True)
    return d


@transaction.atomic
def update_disclosure(d: Disclosure, *, actor, **data) -> Disclosure:
    scoping.require(actor, Perm.CHANGE, d.unit, REFUSED)
    clean = _clean_disclosure(
        data.get("title"),
        data.get("category"),
        data.get("channel"),
        data.get("published_on"),
        data.get("doc_number"),
        data.get("url"),
        data.get("note"),
    )
    for k, v in clean.items():
        setattr(d, k, v)
    _save(d, actor=actor, created=False, fields=list(clean))
    return d


def disclosure_counts(unit: Unit, year: int, *, user=None) -> dict:
    """Items disclosed in ``year`` under ``unit``: the total, and per category and channel
    (every category listed, a zero included), as the index page and the CLI show them."""
    qs = Disclosure.objects.in_subtree(unit).filter(published_on__year=year)
    if user is not None:
        qs = qs & Disclosure.objects.visible_to(user)
    cats = dict(qs.values_list("category").annotate(n=Count("pk")))
    chans = dict(qs.values_list("channel").annotate(n=Count("pk")))
    return {
        "total": sum(cats.values()),
        "by_category": [(v, str(label), cats.get(v, 0)) for v, label in Category.choices],
        "by_channel": [(v, str(label), chans.get(v, 0)) for v, label in DisclosureChannel.choices],
    }


# ---------------------------------------------------------------- 依申请公开


def next_number(unit: Unit, year: int) -> str:
    prefix = f"{year}-"
    taken = M.objects.filter(unit=unit, number__startswith=prefix).values_list("number", flat=True)
    seq = max((int(n[len(prefix) :]) for n in taken if n[len(prefix) :].isdigit()), default=0)
    return f"{prefix}{seq + 1:03d}"


def _clean_applicant(kind, name, id_number, phone, address) -> dict:
    if kind not in ApplicantKind.values:
        raise InvalidInput("申请人类型不正确")
    name = _text(name, "申请人姓名或名称", 100)
    person = kind == ApplicantKind.PERSON
    id_number = (id_number or "").strip()
    if id_number:
        if person:
            id_number = pii.normalize_resident_id(id_number)
            if not pii.is_valid_resident_id(id_number):
                raise InvalidInput("身份证号码无效：应为18位，且校验码正确")
        elif len(id_number) > 30:
            raise InvalidInput("统一社会信用代码过长")
    phone = pii.normalize_mobile(phone or "")
    if phone and not pii.is_valid_mobile(phone):
        raise InvalidInput("联系电话无效：应为以1开头的11位手机号码")
    return {
        "applicant_kind": kind,
        "applicant_name": name,
        "id_number": id_number,
        "phone": phone,
        "address": _text(address, "通信地址", 200, required=False),
    }


@transaction.atomic
def receive_request(
    *,
    unit: Unit,
    actor,
    applicant_name: str,
    content: str,
    received_on: dt.date,
    applicant_kind: str = ApplicantKind.PERSON,
    id_number: str = "",
    phone: str = "",
    address: str = "",
    channel: str = RequestChannel.IN_PERSON,
    note: str = "",
    number: str = "",
) -> InformationRequest:
    """Register an application: its number, and the deadlines counted from receipt (补正
    within 7 working days, the reply within 20)."""
    scoping.require(actor, Perm.CHANGE, unit, REFUSED)
    clean = _clean_applicant(applicant_kind, applicant_name, id_number, phone, address)
    if channel not in RequestChannel.values:
        raise InvalidInput("申请方式不正确")
    received_on = _past(received_on, "收到申请日期")
    number = _text(number, "申请编号", 30, required=False) or next_number(unit, received_on.year)
    if M.objects.filter(unit=unit, number=number).exists():
        raise InvalidInput(f"申请编号 {number} 已登记")
    by, due = due_after(received_on, M.CORRECTION_DAYS), due_after(received_on, M.REPLY_DAYS)
    r = M(
        unit=unit,
        number=number,
        content=_text(content, "申请公开的政府信息内容", 4000),
        channel=channel,
        received_on=received_on,
        correction_by=by.date,
        reply_due=due.date,
        reply_due_provisional=due.provisional,
        note=_text(note, "备注", 200, required=False),
        **clean,
    )
    _save(r, actor=actor, created=True)
    return r


def _challenge(model, value, req: InformationRequest, label: str):
    """An enforcement app's reconsideration or litigation record in the request's
    township, by id (None clears the link)."""
    if value in (None, ""):
        return None
    township = req.unit.township() or req.unit
    found = model.objects.in_subtree(township).filter(pk=value).first()
    if found is None:
        raise InvalidInput(f"找不到{township.name}的{label}记录（编号 {value}）")
    return found


@transaction.atomic
def update_request(
    req: InformationRequest,
    *,
    actor,
    applicant_kind: str,
    applicant_name: str,
    content: str,
    channel: str,
    id_number: str = "",
    phone: str = "",
    address: str = "",
    note: str = "",
    reconsideration_id: int | None = None,
    litigation_id: int | None = None,
) -> InformationRequest:
    """Correct the applicant and the content, and link the reconsideration or litigation
    about the reply (the enforcement app's records). Dates and steps change only through
    the procedure."""
    from fazhi.enforcement.models import Litigation, Reconsideration

    scoping.require(actor, Perm.CHANGE, req.unit, REFUSED)
    clean = _clean_applicant(applicant_kind, applicant_name, id_number, phone, address)
    if channel not in RequestChannel.values:
        raise InvalidInput("申请方式不正确")
    rec = _challenge(Reconsideration, reconsideration_id, req, "行政复议")
    lit = _challenge(Litigation, litigation_id, req, "行政诉讼")
    if (rec or lit) and req.replied_on is None:
        raise InvalidInput("尚未答复的申请不能关联行政复议或行政诉讼")
    for k, v in clean.items():
        setattr(req, k, v)
    req.content = _text(content, "申请公开的政府信息内容", 4000)
    req.channel = channel
    req.note = _text(note, "备注", 200, required=False)
    req.reconsideration, req.litigation = rec, lit
    req.version = (req.version or 0) + 1
    fields = [*clean, "content", "channel", "note", "reconsideration", "litigation"]
    _save(req, actor=actor, created=False, fields=fields)
    return req


def overdue(qs, today: dt.date | None = None):
    """Open requests whose reply is past due (a request awaiting 补正 has no running clock)."""
    today = today or timezone.localdate()
    return qs.filter(status__in=OPEN_STATES, reply_due__lt=today)


def request_figures(unit: Unit, year: int, today: dt.date | None = None) -> dict:
    """A year's requests under ``unit``: received, replied (and on time), by outcome,
    still open, overdue, and those a reconsideration or a suit was brought about."""
    today = today or timezone.localdate()
    end = min(dt.date(year, 12, 31), today)
    qs = M.objects.in_subtree(unit).filter(received_on__year=year)
    agg = qs.aggregate(
        received=Count("pk"),
        replied=Count("pk", filter=Q(replied_on__isnull=False)),
        on_time=Count("pk", filter=Q(replied_on_time=True)),
        late=Count("pk", filter=Q(replied_on_time=False)),
        open=Count("pk", filter=Q(status__in=OPEN_STATES)),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATES, reply_due__lt=end)),
        extended=Count("pk", filter=Q(extension_days__isnull=False)),
        corrections=Count("pk", filter=Q(correction_on__isnull=False)),
        reconsiderations=Count("pk", filter=Q(reconsideration__isnull=False)),
        litigations=Count("pk", filter=Q(litigation__isnull=False)),
        persons=Count("pk", filter=Q(applicant_kind=ApplicantKind.PERSON)),
    )
    outcomes = dict(qs.exclude(reply_type="").values_list("reply_type").annotate(n=Count("pk")))
    agg["by_outcome"] = [(v, str(label), outcomes.get(v, 0)) for v, label in ReplyType.choices]
    return agg


# ---------------------------------------------------------------- 年度报告


def annual_title(unit: Unit, year: int) -> str:
    from fazhi.reports.voice import for_unit

    return f"{for_unit(unit).title_prefix}{year}年政府信息公开工作年度报告"


def draft_annual_report(*, unit: Unit, actor, year) -> OpennessReport:
    """Draft the year's report of ``unit`` from its records: the tables and the prose of
    sections 一 and 五. One report per unit and year; a year not yet begun is refused."""
    from . import annual

    scoping.require(actor, Perm.CHANGE, unit, REFUSED)
    if not isinstance(year, int) or not 2000 <= year <= timezone.localdate().year:
        raise InvalidInput(f"年度应为 2000 到 {timezone.localdate().year} 之间的年份")
    if OpennessReport.objects.filter(unit=unit, year=year).exists():
        raise InvalidInput(
            f"{unit.name}{year}年的政府信息公开工作年度报告已经起草，请打开它继续编辑"
        )
    tables = annual.annual_tables(unit, year)
    with transaction.atomic():
        report = OpennessReport(
            unit=unit,
            year=year,
            title=annual_title(unit, year),
            tables=tables,
            generated_at=timezone.now(),
            **annual.draft_sections(unit, year, tables),
        )
        _save(report, actor=actor, created=True)
    return report


ANNUAL_TEXTS = {
    "title": ("标题", 200),
    "overview": ("一、总体情况", 20000),
    "problems": ("五、存在的主要问题及改进情况", 20000),
    "other": ("六、其他需要报告的事项", 20000),
}


def update_annual_report(report: OpennessReport, *, actor, **data) -> OpennessReport:
    """The writer's edits of the title and the prose sections, while a draft."""
    scoping.require(actor, Perm.CHANGE, report.unit, REFUSED)
    if not report.editable:
        raise InvalidInput("报告已公开，不能再修改")
    changed = []
    for name, (label, limit) in ANNUAL_TEXTS.items():
        if name not in data:
            continue
        value = _text(data[name] or "", label, limit, required=name == "title")
        if value != getattr(report, name):
            setattr(report, name, value)
            changed.append(name)
    if changed:
        report.version += 1
        _save(report, actor=actor, created=False, fields=changed)
    return report
