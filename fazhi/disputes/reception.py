"""The 领导接访下访 ledger, declared once on fazhi.ledgers: the list (year, unit, kind,
resolved filters), detail, create and edit pages, the Excel export and import, the API
(``/api/v1/disputes/receptions/…``) and ``fazhi disputes reception list|show|create|
update|export|import`` come from this declaration (docs/architecture.md "Ledgers").

It is the primary record of the heads' receptions (section three of the annual report,
``reception_report``); a petition's own 接访领导 stays for a reception recorded on the
petition alone, and a petition linked here is not counted again."""

from __future__ import annotations

from fazhi.core.excel import Column, parse_at_least, parse_bool, parse_date
from fazhi.ledgers import fields as flow
from fazhi.ledgers.declare import Col, Filt, Ledger, display, model_fields
from fazhi.ledgers.importing import Importer

from .models import LeaderReception, Petition, ReceptionKind
from .services import reception as services

YES = (("1", "是"),)


def _petition_numbers(r) -> str:
    return "、".join(p.number for p in r.petitions.all())


def _data(raw, unit) -> dict:
    data = flow.parse(services.RECEPTION_FIELDS, raw)
    data["outcome"] = data.get("outcome") or ""
    data["petitions"] = services.petitions_in(unit, data.get("petitions"))
    return data


def _create(*, unit, actor, raw):
    return services.create_reception(unit=unit, actor=actor, **_data(raw, unit))


def _update(obj, *, actor, raw):
    return services.update_reception(obj, actor=actor, **_data(raw, obj.unit))


def _choices(obj, name, user):
    """The 关联信访件 boxes: the latest petitions in the record's unit area (a new record:
    the latest the user sees)."""
    if name != "petitions":
        return ()
    from .queries import petitions_visible_to

    qs = petitions_visible_to(user)
    if obj is not None:
        qs = qs.filter(pk__in=Petition.objects.in_subtree(obj.unit).values("pk"))
    rows = qs.order_by("-received_on", "-pk").values_list("pk", "number", "matter")[:300]
    return [(pk, f"{number} {matter[:20]}") for pk, number, matter in rows]


def _kind(value):
    text = str(value or "").strip()
    if not text:
        return ReceptionKind.RECEIVE
    labels = {str(label): v for v, label in ReceptionKind.choices}
    labels.update({"来访接待": "receive", "接待": "receive", "走访": "visit", "约见": "appoint"})
    if text in ReceptionKind.values:
        return text
    if text in labels:
        return labels[text]
    raise ValueError("接访方式应为接访、下访或约访")


def _import(*, unit, actor, row):
    return services.create_reception(
        unit=unit,
        actor=actor,
        received_on=row["received_on"],
        leader_name=str(row.get("leader_name") or ""),
        leader_post=str(row.get("leader_post") or ""),
        kind=row.get("kind") or ReceptionKind.RECEIVE,
        place=str(row.get("place") or ""),
        matters=str(row.get("matters") or ""),
        people=row.get("people") or 1,
        petitions=services.petitions_numbered(unit, row.get("petitions") or ""),
        outcome=str(row.get("outcome") or ""),
        resolved=bool(row.get("resolved")),
    )


def _key(unit, row):
    return {
        "unit": unit,
        "received_on": row["received_on"],
        "leader_name": str(row.get("leader_name") or "").strip(),
        "place": str(row.get("place") or "").strip(),
    }


IMPORT = Importer(
    columns=[
        Column("received_on", "接访日期", required=True, parse=parse_date, aliases=("日期",)),
        Column("leader_name", "接访领导", required=True, aliases=("领导姓名", "接访领导姓名")),
        Column("leader_post", "领导职务", required=True, aliases=("职务", "接访领导职务")),
        Column("kind", "接访方式", parse=_kind, aliases=("方式", "类型")),
        Column("place", "地点", required=True, aliases=("接访地点", "下访地点")),
        Column("matters", "接待事项", required=True, aliases=("反映问题", "群众反映问题")),
        Column(
            "people",
            "接待群众人数",
            parse=parse_at_least(1, "接待群众人数应至少为1"),
            aliases=("人数", "接待人数"),
        ),
        Column("petitions", "关联信访件", aliases=("信访件编号",)),
        Column("outcome", "处理结果", aliases=("处理情况", "办理结果")),
        Column("resolved", "问题已解决", parse=parse_bool, aliases=("是否解决", "已解决")),
    ],
    save=_import,
    key=_key,
    note="每行一次接访或下访；“单位”填接访领导所在的乡镇(街道)或县（不填为所选单位）；接访方式"
    "填接访、下访或约访（不填为接访）；接待群众人数至少为1；关联信访件填信访件编号，多个用“、”"
    "分隔；问题已解决填是或否。同一单位同一日期、同一领导在同一地点的接访视为已导入。",
)


RECEPTION = Ledger(
    app="disputes",
    key="reception",
    plural="receptions",
    model=LeaderReception,
    title="领导接访下访",
    columns=[
        Col("接访日期", lambda o: o.received_on, "received_on"),
        Col("单位", lambda o: o.unit.name, "unit__path"),
        Col("接访领导", lambda o: f"{o.leader_post} {o.leader_name}", "leader_name"),
        Col("方式", lambda o: o.get_kind_display(), "kind"),
        Col("地点", lambda o: o.place),
        Col("接待事项", lambda o: o.matters[:40] + ("…" if len(o.matters) > 40 else "")),
        Col("人数", lambda o: o.people, "people"),
        Col("问题已解决", lambda o: "是" if o.resolved else "否", "resolved"),
        Col("关联信访件", _petition_numbers),
    ],
    filters=[
        Filt("kind", "接访方式", tuple(ReceptionKind.choices)),
        Filt("resolved", "问题已解决", YES, lambda qs, v: qs.filter(resolved=True)),
    ],
    search=("leader_name", "leader_post", "place", "matters"),
    prefetch=("petitions",),
    ordering=("-received_on", "unit__path", "id"),
    year_field="received_on__year",
    date_field="received_on",
    create_fields=services.RECEPTION_FIELDS,
    create=_create,
    edit_fields=services.RECEPTION_FIELDS,
    update=_update,
    choices_for=_choices,
    importer=IMPORT,
    unit_kinds=services.HOST_KINDS,
    refused=services.REFUSED,
    personal=(),  # the heads act in office: their names and posts are not personal data
    detail=lambda o: (
        [("单位", o.unit.name)]
        + model_fields(o, ["received_on", "leader_name", "leader_post"])
        + [("接访方式", o.get_kind_display())]
        + model_fields(o, ["place", "matters", "people", "outcome"])
        + [("问题已解决", "是" if o.resolved else "否")]
        + [("关联信访件", _petition_numbers(o) or "（未关联）")]
        + [("登记", f"{o.created_by.label if o.created_by else '系统'} · {display(o.created_at)}")]
    ),
    empty="下一步：登记党政领导接访、下访、约访群众的情况（可从 Excel 导入）。",
)
