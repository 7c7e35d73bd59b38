"""The 人民调解员培训 ledger, declared once on fazhi.ledgers: the list (year and unit
filters), detail, create and edit pages, the Excel export and import, the API
(``/api/v1/disputes/trainings/…``) and ``fazhi disputes training list|show|create|update|
export|import`` come from this declaration (docs/architecture.md "Ledgers")."""

from __future__ import annotations

from fazhi.core.excel import Column, parse_at_least, parse_date, parse_decimal
from fazhi.ledgers import fields as flow
from fazhi.ledgers.declare import Col, Ledger, display, model_fields
from fazhi.ledgers.importing import Importer

from .models import MediationCommittee, MediatorTraining
from .services import training as services


def _committee_names(t) -> str:
    return "、".join(c.name for c in t.committees.all())


def _data(raw, unit) -> dict:
    data = flow.parse(services.TRAINING_FIELDS, raw)
    for name in ("organiser", "notes"):
        data[name] = data.get(name) or ""
    data["committees"] = services.committees_in(unit, data.get("committees"))
    return data


def _create(*, unit, actor, raw):
    return services.create_training(unit=unit, actor=actor, **_data(raw, unit))


def _update(obj, *, actor, raw):
    return services.update_training(obj, actor=actor, **_data(raw, obj.unit))


def _choices(obj, name, user):
    """The 参训调委会 boxes: the committees in the record's unit area (a new record: the
    committees the user sees)."""
    if name != "committees":
        return ()
    qs = MediationCommittee.objects.visible_to(user, "view").select_related("unit")
    if obj is not None:
        qs = qs.in_subtree(obj.unit)
    return [(c.pk, c.name) for c in qs.order_by("unit__path", "name")[:300]]


def _positive_hours(value):
    d = parse_decimal(value)
    if d <= 0 or d > services.MAX_HOURS:
        raise ValueError(f"培训学时应大于0且不超过{services.MAX_HOURS}小时")
    return d


def _import(*, unit, actor, row):
    return services.create_training(
        unit=unit,
        actor=actor,
        held_on=row["held_on"],
        title=str(row.get("title") or ""),
        organiser=str(row.get("organiser") or ""),
        hours=row["hours"],
        trainees=row["trainees"],
        committees=services.committees_named(unit, row.get("committees") or ""),
        notes=str(row.get("notes") or ""),
    )


def _key(unit, row):
    return {"unit": unit, "held_on": row["held_on"], "title": str(row.get("title") or "").strip()}


IMPORT = Importer(
    columns=[
        Column(
            "held_on", "培训日期", required=True, parse=parse_date, aliases=("日期", "培训时间")
        ),
        Column("title", "培训主题", required=True, aliases=("主题", "培训名称", "培训内容")),
        Column("organiser", "主办单位", aliases=("主办", "承办单位", "培训单位")),
        Column(
            "hours",
            "培训学时",
            required=True,
            parse=_positive_hours,
            aliases=("学时", "课时", "时长(小时)", "时长（小时）"),
        ),
        Column(
            "trainees",
            "培训人次",
            required=True,
            parse=parse_at_least(1, "培训人次应至少为1"),
            aliases=("参训人次", "人次", "参训人数", "培训人数"),
        ),
        Column("committees", "参训调委会", aliases=("调委会", "参训调解委员会")),
        Column("notes", "备注"),
    ],
    save=_import,
    key=_key,
    note="每行一期培训；“单位”填组织培训的乡镇(街道)或县（不填为所选单位）；培训学时大于0且"
    "不超过200；培训人次至少为1；参训调委会填调委会名称（或所在村名），多个用“、”分隔。"
    "同一单位同一日期、同一主题的培训视为已导入。",
)


TRAINING = Ledger(
    app="disputes",
    key="training",
    plural="trainings",
    model=MediatorTraining,
    title="人民调解员培训",
    columns=[
        Col("培训日期", lambda o: o.held_on, "held_on"),
        Col("组织单位", lambda o: o.unit.name, "unit__path"),
        Col("培训主题", lambda o: o.title, "title"),
        Col("主办单位", lambda o: o.organiser),
        Col("培训学时", lambda o: o.hours.normalize(), "hours"),
        Col("培训人次", lambda o: o.trainees, "trainees"),
        Col("参训调委会", _committee_names),
    ],
    search=("title", "organiser"),
    prefetch=("committees",),
    ordering=("-held_on", "unit__path", "id"),
    year_field="held_on__year",
    create_fields=services.TRAINING_FIELDS,
    create=_create,
    edit_fields=services.TRAINING_FIELDS,
    update=_update,
    choices_for=_choices,
    importer=IMPORT,
    unit_kinds=services.ORGANISER_KINDS,
    refused=services.REFUSED,
    detail=lambda o: (
        [("组织单位", o.unit.name)]
        + model_fields(o, ["held_on", "title", "organiser", "hours", "trainees"])
        + [("参训调委会", _committee_names(o) or "（未登记）")]
        + model_fields(o, ["notes"])
        + [("登记", f"{o.created_by.label if o.created_by else '系统'} · {display(o.created_at)}")]
    ),
    empty="下一步：登记本县、本乡镇组织的人民调解员业务培训（可从 Excel 导入）。",
)

# The tabs above the training pages: the app's own, the trainings after the committees.
TRAINING_TABS = [
    ("index", "概览"),
    ("dispute_list", "矛盾纠纷"),
    ("petition_list", "信访"),
    ("hotline_list", "热线诉求"),
    ("grid_list", "网格事件"),
    ("committee_list", "调委会"),
    ("organisation_list", "调解组织"),
    ("training_list", "调解员培训"),
    ("reception_list", "领导接访"),
    ("assistance_list", "司法救助"),
]
