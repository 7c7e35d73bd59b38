"""The legal-services ledgers, as pages, Excel and the CLI see them: advisers, duty
shifts, consultations, the service centre's days and legal-aid referrals. Coverage,
the monthly duty compliance, the index and the settings are plain views (views.py)."""

from __future__ import annotations

from functools import partial

from django.utils import timezone

from fazhi.core import pii, scoping
from fazhi.core.errors import InvalidInput
from fazhi.core.models.units import TOWNSHIP_KINDS, VILLAGE_KINDS
from fazhi.core.roles import Perm
from fazhi.ledgers import importing
from fazhi.ledgers.declare import UNIT_ID, Col, Filt, Ledger, unit_col
from fazhi.ledgers.fields import Action, F, parse, values
from fazhi.ledgers.pages import keep_masked

from . import importers, services
from .models import (
    AidOutcome,
    Channel,
    Consultation,
    ConsultationCategory,
    DutyShift,
    EnterpriseVisit,
    LegalAdviser,
    LegalAidReferral,
    ServiceCenterDay,
    ShiftStatus,
)
from .procedures import SHIFT

APP = "legalservice"
PLACES = tuple(sorted(VILLAGE_KINDS | TOWNSHIP_KINDS))
REFUSED = "请先在右上角切换到您有登记权限的乡镇(街道)"


def _adviser_choices(user, unit=None) -> list[tuple[str, str]]:
    qs = LegalAdviser.objects.visible_to(user, Perm.CHANGE).filter(active=True)
    if unit is not None and unit.township() is not None:
        qs = qs.filter(unit=unit.township())
    return [(str(a.pk), str(a)) for a in qs.order_by("name")[:300]]


def _adviser(value, unit, *, label="法律顾问"):
    """The adviser named by id or name, retained by ``unit``'s township."""
    if value in (None, ""):
        return None
    township = unit.township() or unit
    qs = LegalAdviser.objects.filter(unit=township)
    text = str(value).strip()
    adviser = (qs.filter(pk=int(text)) if text.isdigit() else qs.filter(name=text)).first()
    if adviser is None:
        raise InvalidInput(f"找不到{township.name}聘请的{label}“{text}”")
    return adviser


def _villages(user, obj) -> list[tuple[str, str]]:
    from fazhi.core.models import Unit

    if obj is not None:
        units = Unit.objects.subtree(obj.unit)
    else:
        units = scoping.visible_units(user, Perm.CHANGE)
    units = units.filter(kind__in=VILLAGE_KINDS, active=True).order_by("path")
    return [(str(u.pk), u.name + ("（偏远）" if u.remote else "")) for u in units[:300]]


def choices_for(obj, name, user):
    if name == "units_served":
        return _villages(user, obj)
    if name == "adviser_id":
        return _adviser_choices(user, obj.unit if obj is not None else None)
    return ()


# What every legal-services ledger says: registered in a village or a township (refused
# otherwise), advisers and villages to choose from, and its pages named after the plural
# as they were before the framework (``shifts``, ``shifts_import``).
_ledger = partial(
    Ledger,
    app=APP,
    unit_kinds=PLACES,
    refused=REFUSED,
    choices_for=choices_for,
    plural_names=("list", "import"),
)


# ---------------------------------------------------------------- advisers

ADVISER_FIELDS = (
    F("name", "姓名"),
    F("firm", "律师事务所"),
    F("phone", "联系电话", required=False),
    F("contract_start", "聘用起始日期", "date"),
    F("contract_end", "聘用截止日期", "date"),
    F("units_served", "服务村(社区)", "ints", required=False),
    F("note", "备注", required=False),
)
ADVISER_EDIT_FIELDS = (*ADVISER_FIELDS, F("active", "有效（未解聘）", "bool", required=False))


def _served_alias(raw):
    """Older forms post the villages as ``served``."""
    if hasattr(raw, "getlist") and "units_served" not in raw and "served" in raw:
        raw = raw.copy()
        raw.setlist("units_served", raw.getlist("served"))
    return raw


def create_adviser(*, unit, actor, raw):
    data = values(ADVISER_FIELDS, _served_alias(raw))
    served = services.served_units(unit, data.pop("units_served"))
    return services.create_adviser(unit=unit, actor=actor, served=served, **data)


def update_adviser(obj, *, actor, raw):
    raw = keep_masked(ADVISER, obj, _served_alias(raw), ADVISER_EDIT_FIELDS)
    data = values(ADVISER_EDIT_FIELDS, raw)
    served = services.served_units(obj.unit, data.pop("units_served"))
    return services.update_adviser(obj, actor=actor, served=served, **data)


def _in_force(qs, value):
    today = timezone.localdate()
    q = dict(active=True, contract_start__lte=today, contract_end__gte=today)
    return qs.filter(**q) if value == "in_force" else qs.exclude(**q)


def _adviser_detail(a):
    return [
        ("姓名", a.name),
        ("律师事务所", a.firm),
        ("聘用单位", a.unit.name),
        ("联系电话", pii.mask_mobile(a.phone)),
        ("聘用期", f"{a.contract_start} 至 {a.contract_end}"),
        ("状态", "在聘" if a.in_force_on(timezone.localdate()) else "不在聘用期或已解聘"),
        ("服务村(社区)", "、".join(u.name for u in a.units_served.all()) or "（未指定）"),
        ("备注", a.note),
    ]


ADVISER = _ledger(
    key="adviser",
    plural="advisers",
    model=LegalAdviser,
    title="法律顾问",
    columns=[
        Col("姓名", lambda a: a.name, "name"),
        Col("律师事务所", lambda a: a.firm),
        unit_col("聘用单位"),
        Col("服务村(社区)", lambda a: "、".join(u.name for u in a.units_served.all())),
        Col("聘用起始", lambda a: a.contract_start),
        Col("聘用截止", lambda a: a.contract_end, "contract_end"),
        Col("在聘", lambda a: a.in_force_on(timezone.localdate())),
        Col("联系电话", lambda a: pii.mask_mobile(a.phone)),
    ],
    filters=[
        Filt("state", "状态", (("in_force", "在聘"), ("ended", "已到期/解聘")), _in_force),
        Filt(
            "in_force",
            "在聘",
            (("true", "是"), ("false", "否")),
            lambda qs, v: _in_force(qs, "in_force" if v == "true" else "ended"),
            page=False,
        ),
        UNIT_ID,
    ],
    search=("name", "firm"),
    prefetch=("units_served",),
    ordering=("-contract_end", "name"),
    create_fields=ADVISER_FIELDS,
    create=create_adviser,
    edit_fields=ADVISER_EDIT_FIELDS,
    update=update_adviser,
    detail=_adviser_detail,
    extra_template="legalservice/_adviser_shifts.html",
    extra_context=lambda a, request: {
        "recent_shifts": a.shifts.select_related("unit").order_by("-date")[:20]
    },
    unit_kinds=tuple(TOWNSHIP_KINDS),
    personal=("phone",),
    empty="还没有登记法律顾问。点击“登记”，填写姓名、律师事务所、聘用期和服务的村(社区)。",
)


# ---------------------------------------------------------------- duty shifts

SHIFT_FIELDS = (
    F("adviser_id", "法律顾问", "int"),
    F("date", "日期", "date"),
    F("hours", "时长(小时)", "decimal", required=False),
    F("status", "状态", "choice", required=False, choices=tuple(ShiftStatus.choices)),
    F("note", "情况记录", required=False),
)


def create_shift(*, unit, actor, raw):
    raw = dict(raw.items()) if hasattr(raw, "items") else dict(raw)
    adviser = _adviser(raw.get("adviser_id"), unit)
    if adviser is None:
        raise InvalidInput("请填写“法律顾问”")
    data = parse([f for f in SHIFT_FIELDS if f.name != "adviser_id"], raw)
    return services.plan_shift(
        unit=unit,
        actor=actor,
        adviser=adviser,
        date=data["date"],
        hours=data["hours"] if data["hours"] is not None else 4,
        status=data["status"] or ShiftStatus.PLANNED,
        note=data["note"] or "",
    )


def _note(shift, data, user):
    if data.get("note"):
        shift.note = data["note"][:200]


SHIFT_ACTIONS = {
    "hold": Action((F("note", "情况记录", required=False),), _note),
    "miss": Action((F("note", "情况记录", required=False),), _note),
}


SHIFT_LEDGER = _ledger(
    key="shift",
    plural="shifts",
    model=DutyShift,
    title="坐班值班",
    columns=[
        Col("日期", lambda s: s.date, "date"),
        unit_col("村(社区)"),
        Col("法律顾问", lambda s: s.adviser.name),
        Col("时长(小时)", lambda s: s.hours),
        Col("状态", lambda s: s.get_status_display(), "status"),
        Col("情况记录", lambda s: s.note),
    ],
    filters=[Filt("status", "状态", tuple(ShiftStatus.choices)), UNIT_ID],
    related=("unit", "adviser"),
    date_field="date",
    ordering=("-date", "id"),
    procedure=SHIFT,
    actions=SHIFT_ACTIONS,
    create_fields=SHIFT_FIELDS,
    create=create_shift,
    detail=lambda s: [
        ("日期", s.date),
        ("村(社区)", s.unit.name),
        ("法律顾问", str(s.adviser)),
        ("时长(小时)", s.hours),
        ("状态", s.get_status_display()),
        ("情况记录", s.note),
    ],
    importer=importers.SHIFTS,
    empty="还没有坐班值班记录。点击“登记”，为法律顾问安排到村(社区)坐班的日期。",
)


# ---------------------------------------------------------------- consultations

CONSULTATION_FIELDS = (
    F("date", "日期", "date"),
    F("place", "地点"),
    F("topic", "咨询事项"),
    F(
        "category",
        "咨询类别",
        "choice",
        required=False,
        choices=tuple(ConsultationCategory.choices),
    ),
    F("channel", "方式", "choice", required=False, choices=tuple(Channel.choices)),
    F("adviser_id", "法律顾问", "int", required=False),
    F("persons", "服务人次", "int", required=False),
    F("answer", "解答意见", "textarea", required=False),
)


def _served(fields, unit, raw) -> dict:
    """The inputs of a service given (a consultation, an enterprise visit): the adviser by
    id or name, the other ``fields`` parsed, 服务人次 1 unless given."""
    raw = dict(raw.items()) if hasattr(raw, "items") else dict(raw)
    adviser = _adviser(raw.get("adviser_id"), unit)
    data = values([f for f in fields if f.name != "adviser_id"], raw)
    persons = data["persons"] if data["persons"] is not None else 1
    return {**data, "adviser": adviser, "persons": persons}


def _consultation(unit, raw) -> dict:
    data = _served(CONSULTATION_FIELDS, unit, raw)
    channel = data["channel"] or Channel.ON_SITE
    category = data["category"] or None  # the service reads it from the 咨询事项
    return {**data, "channel": channel, "category": category}


def create_consultation(*, unit, actor, raw):
    return services.record_consultation(unit=unit, actor=actor, **_consultation(unit, raw))


def update_consultation(obj, *, actor, raw):
    return services.update_consultation(obj, actor=actor, **_consultation(obj.unit, raw))


CONSULTATION = _ledger(
    key="consultation",
    plural="consultations",
    model=Consultation,
    title="法律咨询",
    columns=[
        Col("日期", lambda c: c.date, "date"),
        unit_col("村(社区)/乡镇"),
        Col("地点", lambda c: c.place),
        Col("咨询事项", lambda c: c.topic),
        Col("咨询类别", lambda c: c.get_category_display(), "category"),
        Col("方式", lambda c: c.get_channel_display()),
        Col("法律顾问", lambda c: c.adviser.name if c.adviser else ""),
        Col("服务人次", lambda c: c.persons, "persons"),
    ],
    filters=[
        Filt("category", "咨询类别", tuple(ConsultationCategory.choices)),
        Filt("channel", "方式", tuple(Channel.choices)),
        UNIT_ID,
    ],
    search=("topic", "place"),
    related=("unit", "adviser"),
    date_field="date",
    ordering=("-date", "-id"),
    create_fields=CONSULTATION_FIELDS,
    create=create_consultation,
    update=update_consultation,
    detail=lambda c: [
        ("日期", c.date),
        ("村(社区)/乡镇", c.unit.name),
        ("地点", c.place),
        ("咨询事项", c.topic),
        ("咨询类别", c.get_category_display()),
        ("方式", c.get_channel_display()),
        ("法律顾问", str(c.adviser or "")),
        ("服务人次", c.persons),
        ("解答意见", c.answer),
    ],
    importer=importers.CONSULTATIONS,
    empty="还没有法律咨询记录。点击“登记”，或从 Excel 导入台账。",
)


# ---------------------------------------------------------------- enterprise visits

VISIT_FIELDS = (
    F("date", "日期", "date"),
    F("enterprise", "企业名称"),
    F("adviser_id", "法律顾问", "int", required=False),
    F("matters", "服务事项", "textarea"),
    F("persons", "服务人次", "int", required=False),
    F("note", "备注", required=False),
)


def create_visit(*, unit, actor, raw):
    data = _served(VISIT_FIELDS, unit, raw)
    return services.record_enterprise_visit(unit=unit, actor=actor, **data)


def update_visit(obj, *, actor, raw):
    data = _served(VISIT_FIELDS, obj.unit, raw)
    return services.update_enterprise_visit(obj, actor=actor, **data)


ENTERPRISE_VISIT = _ledger(
    key="enterprise_visit",
    plural="enterprise-visits",
    model=EnterpriseVisit,
    title="入企法律服务",
    columns=[
        Col("日期", lambda v: v.date, "date"),
        unit_col("登记单位"),
        Col("企业名称", lambda v: v.enterprise, "enterprise"),
        Col("法律顾问", lambda v: v.adviser.name if v.adviser else ""),
        Col("服务事项", lambda v: v.matters),
        Col("服务人次", lambda v: v.persons, "persons"),
    ],
    filters=[UNIT_ID],
    search=("enterprise", "matters"),
    related=("unit", "adviser"),
    date_field="date",
    ordering=("-date", "-id"),
    create_fields=VISIT_FIELDS,
    create=create_visit,
    update=update_visit,
    detail=lambda v: [
        ("日期", v.date),
        ("登记单位", v.unit.name),
        ("企业名称", v.enterprise),
        ("法律顾问", str(v.adviser or "")),
        ("服务事项", v.matters),
        ("服务人次", v.persons),
        ("备注", v.note),
    ],
    importer=importers.ENTERPRISE_VISITS,
    plural_names=(),  # added on the framework: enterprise_visit_list …
    empty="还没有入企法律服务记录。法律顾问走访企业、提供法律体检或咨询后，点击“登记”。",
)


# ---------------------------------------------------------------- service centre

CENTER_FIELDS = (
    F("date", "日期", "date"),
    F("visits", "接待办事群众(人次)", "int"),
    F("self_service", "自助服务机使用(件)", "int"),
    F("note", "备注", required=False),
)
CENTER_EDIT_FIELDS = CENTER_FIELDS[1:]


def create_center_day(*, unit, actor, raw):
    data = values(CENTER_FIELDS, raw)
    return services.record_center_day(unit=unit, actor=actor, **data)


def update_center_day(obj, *, actor, raw):
    data = values(CENTER_EDIT_FIELDS, raw)
    return services.record_center_day(unit=obj.unit, actor=actor, date=obj.date, **data)


CENTER = _ledger(
    key="center_day",
    plural="center",
    model=ServiceCenterDay,
    title="公共法律服务中心",
    columns=[
        Col("日期", lambda d: d.date, "date"),
        unit_col("乡镇(街道)"),
        Col("接待办事群众(人次)", lambda d: d.visits, "visits"),
        Col("自助服务机使用(件)", lambda d: d.self_service),
        Col("备注", lambda d: d.note),
    ],
    filters=[UNIT_ID],
    date_field="date",
    year_field="date__year",
    ordering=("-date", "-id"),
    create_fields=CENTER_FIELDS,
    create=create_center_day,
    edit_fields=CENTER_EDIT_FIELDS,
    update=update_center_day,
    detail=lambda d: [
        ("日期", d.date),
        ("乡镇(街道)", d.unit.name),
        ("接待办事群众(人次)", d.visits),
        ("自助服务机使用(件)", d.self_service),
        ("备注", d.note),
    ],
    importer=importers.CENTER_DAYS,
    unit_kinds=tuple(TOWNSHIP_KINDS),
    empty="还没有日统计。点击“登记”填写某日的接待人次和自助服务机使用件数（同一天再次登记即更正），或从 Excel 导入。",
)


# ---------------------------------------------------------------- legal aid

REFERRAL_FIELDS = (
    F("date", "转介日期", "date"),
    F("person_name", "当事人"),
    F("phone", "联系电话", required=False),
    F("matter", "事项"),
    F("referred_to", "转介至", required=False),
    F("note", "备注", required=False),
)
REFERRAL_EDIT_FIELDS = (
    F("matter", "事项"),
    F("referred_to", "转介至", required=False),
    F("phone", "联系电话", required=False),
    F("outcome", "结果", "choice", choices=tuple(AidOutcome.choices)),
    F("note", "备注", required=False),
)


def create_referral(*, unit, actor, raw):
    data = values(REFERRAL_FIELDS, raw)
    return services.record_referral(unit=unit, actor=actor, **data)


def update_referral(obj, *, actor, raw):
    raw = keep_masked(REFERRAL, obj, raw, REFERRAL_EDIT_FIELDS)
    data = values(REFERRAL_EDIT_FIELDS, raw)
    return services.update_referral(obj, actor=actor, **data)


REFERRAL = _ledger(
    key="referral",
    plural="aid",
    model=LegalAidReferral,
    title="法律援助转介",
    columns=[
        Col("转介日期", lambda r: r.date, "date"),
        unit_col("登记单位"),
        Col("当事人", lambda r: r.person_masked),
        Col("事项", lambda r: r.matter),
        Col("转介至", lambda r: r.referred_to),
        Col("结果", lambda r: r.get_outcome_display(), "outcome"),
    ],
    filters=[Filt("outcome", "结果", tuple(AidOutcome.choices)), UNIT_ID],
    date_field="date",
    ordering=("-date", "-id"),
    create_fields=REFERRAL_FIELDS,
    create=create_referral,
    edit_fields=REFERRAL_EDIT_FIELDS,
    update=update_referral,
    detail=lambda r: [
        ("转介日期", r.date),
        ("登记单位", r.unit.name),
        ("当事人", r.person_masked),
        ("联系电话", pii.mask_mobile(r.phone)),
        ("事项", r.matter),
        ("转介至", r.referred_to),
        ("结果", r.get_outcome_display()),
        ("备注", r.note),
    ],
    importer=importers.REFERRALS,
    personal=("phone",),
    plural_names=("list", "new", "detail", "edit", "import"),
    empty="还没有法律援助转介记录。群众需要法律援助时，点击“登记”。",
)


LEDGERS = [ADVISER, SHIFT_LEDGER, CONSULTATION, ENTERPRISE_VISIT, CENTER, REFERRAL]
TABS = [
    ("index", "概览"),
    ("advisers", "法律顾问"),
    ("coverage", "一村一法律顾问"),
    ("shifts", "坐班值班"),
    ("duty", "每月达标"),
    ("consultations", "法律咨询"),
    ("enterprise_visit_list", "入企服务"),
    ("center", "公共法律服务中心"),
    ("aid", "法律援助"),
    ("settings", "设置"),
]


# ---------------------------------------------------------------- Excel in


def _import(ledger, root, data: bytes, filename: str, *, actor):
    return importing.run(ledger, root=root, actor=actor, data=data, filename=filename)


def import_consultations(root, data: bytes, filename: str, *, actor):
    return _import(CONSULTATION, root, data, filename, actor=actor)


def import_center_days(root, data: bytes, filename: str, *, actor):
    return _import(CENTER, root, data, filename, actor=actor)


def import_shifts(root, data: bytes, filename: str, *, actor):
    return _import(SHIFT_LEDGER, root, data, filename, actor=actor)


def import_referrals(root, data: bytes, filename: str, *, actor):
    return _import(REFERRAL, root, data, filename, actor=actor)
