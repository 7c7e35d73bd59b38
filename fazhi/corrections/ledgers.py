"""The special groups' roster, declared once for the pages, Excel out and in, the API and
the CLI (fazhi/ledgers, docs/architecture.md "Ledgers"), and restricted: only a user
holding the corrections permission (``Perm.CORRECTIONS``, the 社区矫正工作人员 role) opens
it at all (``duty``: 403 on its lists, forms, import and export; its records are seen only
in the units where the user holds it, 404 elsewhere), and every view of a record is
audited (``viewed``)."""

from __future__ import annotations

from django.db.models import F as DbF
from django.utils import timezone

from fazhi.core import scoping
from fazhi.core.crypto import blind_index
from fazhi.core.excel import Column, parse_choice, parse_date
from fazhi.core.identifiers import normalize_resident_id
from fazhi.core.models.units import TOWNSHIP_KINDS, UnitKind
from fazhi.core.roles import Perm
from fazhi.ledgers import fields as flow
from fazhi.ledgers.declare import Col, Filt, Ledger, Person, mask, model_fields, registered
from fazhi.ledgers.importing import Importer

from . import procedures as P
from . import services
from .models import GroupKind, SentenceKind, Status, SupervisedPerson

APP = "corrections"
LEVELS = (UnitKind.COUNTY, *TOWNSHIP_KINDS)
DUTY_REFUSED = "社区矫正与安置帮教台账仅限社区矫正工作人员查看"


def create_units(user):
    return scoping.visible_units(user, Perm.CORRECTIONS).filter(kind__in=LEVELS).order_by("path")


def _create(*, unit, actor, raw):
    return services.create_person(
        unit=unit, actor=actor, **flow.values(services.PERSON_FIELDS, raw, omit=("choice",))
    )


def _update(obj, *, actor, raw):
    return services.update_person(
        obj, actor=actor, **flow.values(services.EDIT_FIELDS, raw, omit=("choice",))
    )


# --------------------------------------------------------------------------- flags
def _flag(qs, value):
    today = timezone.localdate()
    if value == "overdue":  # not reported in and the ten days have passed
        return qs.filter(status=Status.PENDING, report_due__lt=today)
    if value == "late":  # reported in after the ten days
        return qs.filter(reported_on__gt=DbF("report_due"))
    if value == "term_ended":  # the term has ended and the person is not yet released
        return qs.filter(status=Status.ACTIVE, term_end__lt=today)
    if value == "lost":
        return qs.filter(status=Status.LOST)
    return qs


FLAGS = (
    ("overdue", "逾期未报到"),
    ("late", "超期报到"),
    ("term_ended", "期限届满未解除"),
    ("lost", "脱管"),
)


def notes_for(o, today=None) -> str:
    """What the roster flags on a record, as the list and detail page say it."""
    today = today or timezone.localdate()
    out = []
    if o.report_overdue(today):
        out.append(f"逾期未报到（期限{o.report_due:%Y-%m-%d}）")
    if o.reported_late:
        out.append(f"超期报到（逾期{(o.reported_on - o.report_due).days}日）")
    if o.status == Status.LOST:
        out.append("脱管")
    if o.status == Status.ACTIVE and o.term_end and o.term_end < today:
        out.append("期限届满未解除")
    return "；".join(out)


def _due(o):
    if o.status == Status.PENDING:
        return o.report_due
    if o.status == Status.ACTIVE:
        return o.term_end
    return None


# --------------------------------------------------------------------------- import
def _import(*, unit, actor, row):
    return services.create_person(
        unit=unit,
        actor=actor,
        kind=row["kind"],
        name=str(row.get("name") or ""),
        id_number=str(row.get("id_number") or ""),
        phone=str(row.get("phone") or ""),
        village=str(row.get("village") or ""),
        sentence_kind=row.get("sentence_kind") or "",
        effective_on=row.get("effective_on"),
        reported_on=row.get("reported_on"),
        released_on=row.get("released_on"),
        term_start=row.get("term_start"),
        term_end=row.get("term_end"),
        notes=str(row.get("notes") or ""),
    )


def _key(unit, row):
    """A person already on the roster: the same kind and ID number (or, without one, the
    same name and effective/release date) in the unit."""
    ident = normalize_resident_id(str(row.get("id_number") or ""))
    if ident:
        return {
            "unit": unit,
            "kind": row["kind"],
            "id_number_bidx": blind_index("resident_id", ident),
        }
    return {
        "unit": unit,
        "kind": row["kind"],
        "name": str(row.get("name") or "").strip(),
        "effective_on": row.get("effective_on"),
        "released_on": row.get("released_on"),
    }


IMPORT = Importer(
    columns=[
        Column("kind", "类别", required=True, parse=parse_choice(GroupKind), aliases=("人员类别",)),
        Column("name", "姓名", required=True),
        Column("id_number", "身份证号", aliases=("身份证号码", "公民身份号码")),
        Column("phone", "联系电话", aliases=("手机号码", "电话")),
        Column("village", "居住村(社区)", aliases=("村(社区)", "居住地", "所在村")),
        Column(
            "sentence_kind", "矫正类别", parse=parse_choice(SentenceKind), aliases=("矫正类型",)
        ),
        Column(
            "effective_on",
            "判决(裁定、决定)生效日期",
            parse=parse_date,
            aliases=("判决生效日期", "生效日期"),
        ),
        Column("reported_on", "报到日期", parse=parse_date),
        Column("released_on", "刑满释放日期", parse=parse_date, aliases=("释放日期",)),
        Column("term_start", "期限起始", parse=parse_date, aliases=("矫正起始", "帮教起始")),
        Column("term_end", "期限届满", parse=parse_date, aliases=("矫正期满", "帮教期满")),
        Column("notes", "备注"),
    ],
    save=_import,
    key=_key,
    unit_column=False,
    note="每行一名对象；类别填社区矫正对象或安置帮教对象。社区矫正对象须填矫正类别（管制、缓刑、"
    "假释、暂予监外执行）、判决(裁定、决定)生效日期和期限届满，已报到的填报到日期；安置帮教对象须填"
    "刑满释放日期，期限届满不填为释放后5年。居住村(社区)填本单位所辖村(社区)的名称或代码。"
    "同一类别、同一身份证号的对象视为已导入。",
)


# --------------------------------------------------------------------------- declaration
def _people(o) -> list[Person]:
    return [
        Person(o.pk, o.get_kind_display(), o.name, {"id_number": o.id_number, "phone": o.phone})
    ]


def _detail(o):
    rows = [("司法所(单位)", o.unit.name), ("姓名", o.name)]
    rows += model_fields(o, ["kind", "id_number", "phone"])
    rows.append(("居住村(社区)", o.village.name if o.village_id else ""))
    if o.is_community:
        rows += model_fields(o, ["sentence_kind", "effective_on", "report_due", "reported_on"])
    else:
        rows += model_fields(o, ["released_on"])
    rows += model_fields(o, ["term_start", "term_end", "status"])
    if o.status == Status.LOST:
        rows += model_fields(o, ["lost_on"])
    if o.ended_on:
        rows += model_fields(o, ["ended_on", "end_reason", "reoffended"])
    note = notes_for(o)
    if note:
        rows.append(("提示", note))
    rows += model_fields(o, ["notes"])
    rows += registered(o)
    return rows


def _extra(obj, request):
    return {"visits": list(obj.visits.order_by("-visited_on", "-id")[:200])}


PERSON = Ledger(
    app=APP,
    key="person",
    plural="persons",
    model=SupervisedPerson,
    title="社区矫正与安置帮教对象",
    columns=[
        Col("类别", lambda o: o.get_kind_display(), "kind"),
        Col("姓名", lambda o: o.name, "name"),
        Col("身份证号", lambda o: mask("id_number", o.id_number)),
        Col("居住村(社区)", lambda o: o.village.name if o.village_id else ""),
        Col("矫正类别", lambda o: o.get_sentence_kind_display()),
        Col("判决(裁定、决定)生效日期", lambda o: o.effective_on, "effective_on"),
        Col("报到期限", lambda o: o.report_due, "report_due"),
        Col("报到日期", lambda o: o.reported_on, "reported_on"),
        Col("刑满释放日期", lambda o: o.released_on, "released_on"),
        Col("期限届满", lambda o: o.term_end, "term_end"),
        Col("状态", lambda o: o.get_status_display(), "status"),
        Col("提示", notes_for),
    ],
    related=("unit", "village"),
    filters=[
        Filt("kind", "类别", tuple(GroupKind.choices)),
        Filt("status", "状态", tuple(Status.choices)),
        Filt("sentence_kind", "矫正类别", tuple(SentenceKind.choices)),
        Filt("flag", "提示", FLAGS, apply=_flag),
    ],
    search=("name",),
    identifiers=("id_number", "phone"),
    ordering=("kind", "unit__path", "-id"),
    orders={"due": ("report_due", "term_end", "id")},
    procedure=P.PERSON,
    actions=P.ACTIONS,
    act_perms=(Perm.CORRECTIONS,),
    create_fields=services.PERSON_FIELDS,
    create=_create,
    edit_fields=services.EDIT_FIELDS,
    update=_update,
    importer=IMPORT,
    unit_kinds=LEVELS,
    create_units=create_units,
    duty=Perm.CORRECTIONS,
    duty_refused=DUTY_REFUSED,
    viewed=services.record_view,
    refused="您的角色无权登记社区矫正与安置帮教对象",
    people=_people,
    people_title="对象",
    due=_due,
    detail=_detail,
    extra_template="corrections/_visits.html",
    extra_context=_extra,
    empty="下一步：登记本司法所在册的社区矫正对象和安置帮教对象（可从 Excel 导入）。",
)

LEDGERS = [PERSON]

TABS = [
    ("index", "概览"),
    ("person_list", "对象名册"),
]
