"""The 司法救助 ledger, declared once on fazhi.ledgers: the list (year and unit filters),
detail (the recipient's ID number masked, revealed only to a role that may, audited),
create and edit pages, the Excel export and import, the API
(``/api/v1/disputes/assistance/…``) and ``fazhi disputes assistance list|show|create|
update|export|import`` come from this declaration (docs/architecture.md "Ledgers")."""

from __future__ import annotations

from fazhi.core.errors import InvalidInput
from fazhi.core.excel import Column, parse_date
from fazhi.ledgers import fields as flow
from fazhi.ledgers.declare import Col, Ledger, Person, display, model_fields
from fazhi.ledgers.importing import Importer

from .models import Dispute, JudicialAssistance, Petition
from .services import assistance as services


def _amount_text(a) -> str:
    return f"{a.amount:,.2f}"


def _linked(a) -> str:
    if a.dispute_id:
        return f"矛盾纠纷 {a.dispute.number}"
    if a.petition_id:
        return f"信访件 {a.petition.number}"
    return ""


def _data(raw, unit) -> dict:
    raw = dict(raw.items()) if hasattr(raw, "items") else dict(raw or {})
    amount = raw.get("amount")
    data = flow.parse(services.ASSISTANCE_FIELDS, {k: v for k, v in raw.items() if k != "amount"}
                      | {"amount": "0"})  # fmt: skip
    data["amount"] = services.parse_amount(amount)
    data["dispute"] = services.linked(unit, Dispute, data.get("dispute"), "关联矛盾纠纷")
    data["petition"] = services.linked(unit, Petition, data.get("petition"), "关联信访件")
    for name in ("case", "id_number", "reason"):
        data[name] = data.get(name) or ""
    return data


def _create(*, unit, actor, raw):
    return services.create_assistance(unit=unit, actor=actor, **_data(raw, unit))


def _update(obj, *, actor, raw):
    from fazhi.ledgers.pages import keep_masked

    raw = keep_masked(ASSISTANCE, obj, raw, services.ASSISTANCE_FIELDS)
    return services.update_assistance(obj, actor=actor, **_data(raw, obj.unit))


def _people(a) -> list[Person]:
    return [Person(pk=a.pk, role="救助对象", name=a.recipient, values={"id_number": a.id_number})]


def _amount(value):
    try:
        return services.parse_amount(value)
    except InvalidInput as exc:
        raise ValueError(exc.message) from None


def _id(value):
    try:
        return services.clean_id(value)
    except InvalidInput as exc:
        raise ValueError(exc.message) from None


def _import(*, unit, actor, row):
    dispute, petition = services.numbered(unit, row.get("linked"))
    return services.create_assistance(
        unit=unit,
        actor=actor,
        granted_on=row["granted_on"],
        case=str(row.get("case") or ""),
        dispute=dispute,
        petition=petition,
        recipient=str(row.get("recipient") or ""),
        id_number=row.get("id_number") or "",
        amount=row["amount"],
        approver=str(row.get("approver") or ""),
        reason=str(row.get("reason") or ""),
    )


def _key(unit, row):
    return {
        "unit": unit,
        "granted_on": row["granted_on"],
        "recipient": str(row.get("recipient") or "").strip(),
        "amount": row["amount"],
    }


IMPORT = Importer(
    columns=[
        Column("granted_on", "救助日期", required=True, parse=parse_date, aliases=("发放日期",)),
        Column("case", "案件", aliases=("案号", "案由", "案件名称")),
        Column("linked", "关联案件编号", aliases=("纠纷编号", "信访件编号")),
        Column("recipient", "救助对象", required=True, aliases=("姓名", "申请人")),
        Column("id_number", "身份证号", parse=_id, aliases=("身份证号码",)),
        Column(
            "amount",
            "救助金额（元）",
            required=True,
            parse=_amount,
            aliases=("救助金额", "金额", "金额（元）", "救助金额(元)"),
        ),
        Column("approver", "批准机关", required=True, aliases=("决定机关", "审批机关")),
        Column("reason", "救助事由", aliases=("事由", "救助理由")),
    ],
    save=_import,
    key=_key,
    note="每行一笔司法救助；“单位”填登记的乡镇(街道)或县（不填为所选单位）；救助金额以元为单位，"
    "不小于0；关联案件编号填本单位矛盾纠纷或信访件的编号（可不填）。同一单位同一日期、同一"
    "救助对象、同一金额的救助视为已导入。",
)


ASSISTANCE = Ledger(
    app="disputes",
    key="assistance",
    plural="assistance",
    model=JudicialAssistance,
    title="司法救助",
    columns=[
        Col("救助日期", lambda o: o.granted_on, "granted_on"),
        Col("单位", lambda o: o.unit.name, "unit__path"),
        Col("案件", lambda o: o.case, "case"),
        Col("关联", _linked),
        Col("救助对象", lambda o: o.recipient),
        Col("救助金额（元）", _amount_text, "amount"),
        Col("批准机关", lambda o: o.approver),
    ],
    search=("case", "recipient", "approver"),
    identifiers=("id_number",),
    related=("unit", "dispute", "petition"),
    ordering=("-granted_on", "unit__path", "id"),
    year_field="granted_on__year",
    date_field="granted_on",
    create_fields=services.ASSISTANCE_FIELDS,
    create=_create,
    edit_fields=services.ASSISTANCE_FIELDS,
    update=_update,
    importer=IMPORT,
    unit_kinds=services.HOST_KINDS,
    refused=services.REFUSED,
    personal=("id_number",),
    people=_people,
    people_title="救助对象",
    detail=lambda o: (
        [("单位", o.unit.name)]
        + model_fields(o, ["granted_on", "case"])
        + [("关联", _linked(o) or "（未关联）")]
        + [("救助金额（元）", _amount_text(o))]
        + model_fields(o, ["approver", "reason"])
        + [("登记", f"{o.created_by.label if o.created_by else '系统'} · {display(o.created_at)}")]
    ),
    empty="下一步：登记协调落实的国家司法救助（可从 Excel 导入）。",
)
