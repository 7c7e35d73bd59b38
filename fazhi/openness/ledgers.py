"""The openness ledgers as pages, Excel, the API and the CLI see them: items disclosed
proactively (主动公开) and requests for disclosure (依申请公开) with their steps."""

from __future__ import annotations

from functools import partial

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from fazhi.core.excel import Column, parse_choice, parse_date
from fazhi.core.models.units import TOWNSHIP_KINDS, UnitKind
from fazhi.ledgers import importing
from fazhi.ledgers.declare import Col, Filt, Ledger, Person, display, unit_col
from fazhi.ledgers.fields import F, parse, values
from fazhi.ledgers.importing import Importer
from fazhi.ledgers.pages import keep_masked

from . import services
from .models import (
    OPEN_STATES,
    AnnualStatus,
    ApplicantKind,
    Category,
    Disclosure,
    DisclosureChannel,
    InformationRequest,
    OpennessReport,
    ReplyType,
    RequestChannel,
    RequestStatus,
)
from .procedures import ACTIONS, ANNUAL, ANNUAL_ACTIONS, REQUEST

APP = "openness"
# Disclosure is the duty of a government: the county, a township's government, a
# subdistrict office or a development zone's committee (and their departments).
PLACES = (*sorted(TOWNSHIP_KINDS), UnitKind.COUNTY, UnitKind.DEPARTMENT)
REFUSED = "请先在右上角切换到您有登记权限的乡镇(街道)"
YES = (("1", "是"),)

# What every openness ledger says: where it is kept, the refusal elsewhere, no personal
# field unless it names one, and its list named after the plural (``disclosures``).
_ledger = partial(
    Ledger, app=APP, unit_kinds=PLACES, refused=REFUSED, personal=(), plural_names=("list",)
)


# ---------------------------------------------------------------- 主动公开

DISCLOSURE_FIELDS = (
    F("title", "信息名称"),
    F("category", "公开类别", "choice", choices=tuple(Category.choices)),
    F("channel", "公开渠道", "choice", choices=tuple(DisclosureChannel.choices)),
    F("published_on", "公开日期", "date"),
    F("doc_number", "文号/索引号", required=False),
    F("url", "网址/位置", required=False),
    F("note", "备注", required=False),
)


def create_disclosure(*, unit, actor, raw):
    data = values(DISCLOSURE_FIELDS, raw)
    return services.record_disclosure(unit=unit, actor=actor, **data)


def update_disclosure(obj, *, actor, raw):
    data = values(DISCLOSURE_FIELDS, raw)
    return services.update_disclosure(obj, actor=actor, **data)


def _save_disclosure(*, unit, actor, row):
    return services.record_disclosure(
        unit=unit,
        actor=actor,
        title=str(row.get("title") or ""),
        category=row.get("category") or "",
        channel=row.get("channel") or "",
        published_on=row["published_on"],
        doc_number=str(row.get("doc_number") or ""),
        url=str(row.get("url") or ""),
        note=str(row.get("note") or ""),
    )


DISCLOSURES_IN = Importer(
    columns=[
        Column("published_on", "公开日期", required=True, parse=parse_date, aliases=("日期",)),
        Column("title", "信息名称", required=True, aliases=("标题", "名称")),
        Column(
            "category", "公开类别", required=True, parse=parse_choice(Category), aliases=("类别",)
        ),
        Column(
            "channel",
            "公开渠道",
            required=True,
            parse=parse_choice(DisclosureChannel),
            aliases=("渠道",),
        ),
        Column("doc_number", "文号/索引号", aliases=("文号", "索引号")),
        Column("url", "网址/位置", aliases=("网址",)),
        Column("note", "备注"),
    ],
    save=_save_disclosure,
    key=lambda unit, row: {
        "unit": unit,
        "published_on": row["published_on"],
        "title": str(row.get("title") or "").strip()[:200],
    },
    note="同一单位同一公开日期、同一信息名称的记录视为已导入。",
)

DISCLOSURE = _ledger(
    key="disclosure",
    plural="disclosures",
    model=Disclosure,
    title="主动公开",
    columns=[
        Col("公开日期", lambda d: d.published_on, "published_on"),
        unit_col(),
        Col("信息名称", lambda d: d.title, "title"),
        Col("公开类别", lambda d: d.get_category_display(), "category"),
        Col("公开渠道", lambda d: d.get_channel_display(), "channel"),
        Col("文号/索引号", lambda d: d.doc_number),
        Col("网址/位置", lambda d: d.url),
    ],
    filters=[
        Filt("category", "公开类别", tuple(Category.choices)),
        Filt("channel", "公开渠道", tuple(DisclosureChannel.choices)),
    ],
    search=("title", "doc_number"),
    date_field="published_on",
    year_field="published_on__year",
    ordering=("-published_on", "-id"),
    create_fields=DISCLOSURE_FIELDS,
    create=create_disclosure,
    update=update_disclosure,
    detail=lambda d: [
        ("信息名称", d.title),
        ("单位", d.unit.name),
        ("公开类别", d.get_category_display()),
        ("公开渠道", d.get_channel_display()),
        ("公开日期", d.published_on),
        ("文号/索引号", d.doc_number),
        ("网址/位置", d.url),
        ("备注", d.note),
    ],
    importer=DISCLOSURES_IN,
    empty="还没有主动公开记录。点击“登记”，或从 Excel 导入已公开信息目录。",
)


# ---------------------------------------------------------------- 依申请公开

APPLICANT_FIELDS = (
    F("applicant_kind", "申请人类型", "choice", choices=tuple(ApplicantKind.choices)),
    F("applicant_name", "申请人姓名或名称"),
    F("id_number", "证件号码（身份证号或统一社会信用代码）", required=False),
    F("phone", "联系电话", required=False),
    F("address", "通信地址", required=False),
    F("content", "申请公开的政府信息内容", "textarea"),
    F("channel", "申请方式", "choice", choices=tuple(RequestChannel.choices)),
)
REQUEST_FIELDS = (
    *APPLICANT_FIELDS,
    F("received_on", "收到申请日期", "date"),
    F("number", "申请编号（不填自动编号）", required=False),
    F("note", "备注", required=False),
)
REQUEST_EDIT_FIELDS = (
    *APPLICANT_FIELDS,
    F("note", "备注", required=False),
    F("reconsideration_id", "就答复申请的行政复议（行政执法台账编号）", "int", required=False),
    F("litigation_id", "就答复提起的行政诉讼（行政执法台账编号）", "int", required=False),
)


def create_request(*, unit, actor, raw):
    data = values(REQUEST_FIELDS, raw)
    return services.receive_request(unit=unit, actor=actor, **data)


def update_request(obj, *, actor, raw):
    raw = keep_masked(REQUEST_LEDGER, obj, raw, REQUEST_EDIT_FIELDS)
    data = values(REQUEST_EDIT_FIELDS, raw)
    return services.update_request(obj, actor=actor, **data)


def _status(qs, value):
    if value == "open":
        return qs.filter(status__in=OPEN_STATES)
    return qs.filter(status=value)


def _overdue(qs, value):
    return services.overdue(qs)


def _people(r) -> list[Person]:
    org = not r.is_person
    return [
        Person(
            pk=r.pk,
            role=r.get_applicant_kind_display(),
            name=r.applicant_shown,
            values={"applicant_name": r.applicant_name, "id_number": r.id_number, "phone": r.phone},
            address=r.address,
            plain=("applicant_name", "id_number") if org else (),
        )
    ]


def _due_text(r) -> str:
    if r.reply_due is None:
        return "（待补正，答复期限自收到补正申请之日起重新计算）" if r.is_open else ""
    text = display(r.reply_due) + ("（暂定）" if r.reply_due_provisional else "")
    if r.is_open and r.reply_due < timezone.localdate():
        text += "　已逾期"
    return text


def _challenge_link(obj, name: str) -> str:
    return f"{obj.case_no}（{obj.organ}，{obj.get_status_display()}）" if obj else ""


def _detail(r) -> list[tuple[str, object]]:
    rows = [
        ("申请编号", r.number),
        ("受理单位", r.unit.name),
        ("申请人类型", r.get_applicant_kind_display()),
        ("申请人", r.applicant_shown),
        ("申请内容", r.content),
        ("申请方式", r.get_channel_display()),
        ("收到申请日期", r.received_on),
        ("状态", r.get_status_display()),
        ("告知补正期限（收到申请后7个工作日）", r.correction_by),
    ]
    if r.correction_on:
        rows += [
            ("告知补正日期", r.correction_on),
            ("需补正的事项", r.correction_items),
            ("申请人补正期限", r.correction_limit),
            ("收到补正申请日期", r.corrected_on),
        ]
    rows.append(("答复期限", _due_text(r)))
    if r.extension_days is not None:
        rows += [
            ("延期", f"延长{r.extension_days}个工作日"),
            ("批准人", f"{r.extension_approver}（{display(r.extension_approved_on)}批准）"),
            ("告知申请人延期日期", r.extension_notified_on),
            ("延期理由", r.extension_reason),
        ]
    if r.replied_on:
        rows += [
            ("答复日期", r.replied_on),
            ("答复类型", r.get_reply_type_display()),
            ("理由", r.get_reply_reason_display() if r.reply_reason else ""),
            ("答复内容", r.reply_content),
            ("按期答复", r.replied_on_time),
        ]
    if r.reconsideration_id:
        rows.append(("行政复议", _challenge_link(r.reconsideration, "reconsideration")))
    if r.litigation_id:
        rows.append(("行政诉讼", _challenge_link(r.litigation, "litigation")))
    rows.append(("备注", r.note))
    return rows


REQUEST_LEDGER = _ledger(
    key="request",
    plural="requests",
    model=InformationRequest,
    title="依申请公开",
    columns=[
        Col("申请编号", lambda r: r.number, "number"),
        unit_col("受理单位"),
        Col("申请人", lambda r: r.applicant_shown),
        Col("申请人类型", lambda r: r.get_applicant_kind_display()),
        Col("申请内容", lambda r: r.content[:40]),
        Col("申请方式", lambda r: r.get_channel_display()),
        Col("收到日期", lambda r: r.received_on, "received_on"),
        Col("状态", lambda r: r.get_status_display(), "status"),
        Col("答复日期", lambda r: r.replied_on, "replied_on"),
        Col("答复类型", lambda r: r.get_reply_type_display() if r.reply_type else ""),
        Col("按期答复", lambda r: r.replied_on_time),
    ],
    filters=[
        Filt("status", "状态", (("open", "在办"), *RequestStatus.choices), _status),
        Filt("reply_type", "答复类型", tuple(ReplyType.choices)),
        Filt("applicant_kind", "申请人类型", tuple(ApplicantKind.choices)),
        Filt("overdue", "逾期未答复", YES, _overdue),
        Filt(
            "challenged",
            "被申请复议或起诉",
            YES,
            lambda qs, v: qs.filter(Q(reconsideration__isnull=False) | Q(litigation__isnull=False)),
        ),
    ],
    search=("number", "content"),
    identifiers=("id_number", "phone"),
    related=("unit", "reconsideration", "litigation"),
    date_field="received_on",
    year_field="received_on__year",
    ordering=("-received_on", "-id"),
    orders={"due": ("reply_due", "id"), "-due": ("-reply_due", "-id")},
    due=lambda r: r.reply_due if r.is_open else None,
    procedure=REQUEST,
    actions=ACTIONS,
    create_fields=REQUEST_FIELDS,
    create=create_request,
    edit_fields=REQUEST_EDIT_FIELDS,
    update=update_request,
    detail=_detail,
    documents=[
        ("correction", "补正告知书"),
        ("extension", "延期答复告知书"),
        ("reply", "政府信息公开申请答复书"),
    ],
    people=_people,
    people_title="申请人",
    personal=("applicant_name", "id_number", "phone"),
    notices={"created": "已登记。答复期限已按收到申请之日起20个工作日计算。"},
    empty="还没有政府信息公开申请。收到申请后点击“登记”，系统按工作日计算补正和答复期限。",
)


# ---------------------------------------------------------------- 年度报告

ANNUAL_CREATE_FIELDS = (F("year", "年度", "int"),)
ANNUAL_EDIT_FIELDS = (
    F("title", "标题"),
    F("overview", "一、总体情况", "textarea", required=False),
    F("problems", "五、存在的主要问题及改进情况", "textarea", required=False),
    F("other", "六、其他需要报告的事项（含信息处理费收取情况）", "textarea", required=False),
)


def create_annual(*, unit, actor, raw):
    data = parse(ANNUAL_CREATE_FIELDS, raw)
    return services.draft_annual_report(unit=unit, actor=actor, year=data["year"])


def update_annual(obj, *, actor, raw):
    data = parse(ANNUAL_EDIT_FIELDS, raw)
    return services.update_annual_report(obj, actor=actor, **data)


def _annual_context(obj, request) -> dict:
    from . import annual, annual_render

    return {
        "annual_body": annual_render.body_html(obj),
        "annual_balance": annual.balance(obj.tables or {}),
    }


def _annual_due(r):
    return r.due if r.editable else None


ANNUAL_LEDGER = _ledger(
    key="annual",
    plural="reports",
    model=OpennessReport,
    title="年度报告",
    columns=[
        Col("年度", lambda r: r.year, "year"),
        unit_col(),
        Col("标题", lambda r: r.title, "title"),
        Col("状态", lambda r: r.get_status_display(), "status"),
        Col("公开期限", lambda r: r.due),
        Col("索引号", lambda r: r.index_number),
        Col("公开日期", lambda r: r.published_on, "published_on"),
    ],
    filters=[Filt("status", "状态", tuple(AnnualStatus.choices))],
    search=("title", "index_number"),
    year_field="year",
    ordering=("-year", "unit__path"),
    due=_annual_due,
    procedure=ANNUAL,
    actions=ANNUAL_ACTIONS,
    create_fields=ANNUAL_CREATE_FIELDS,
    create=create_annual,
    edit_fields=ANNUAL_EDIT_FIELDS,
    update=update_annual,
    detail=lambda r: [
        ("标题", r.title),
        ("单位", r.unit.name),
        ("年度", r.year),
        ("状态", r.get_status_display()),
        ("公开期限（次年1月31日前）", r.due),
        ("表格生成时间", r.generated_at),
        ("索引号", r.index_number),
        ("公开日期", r.published_on),
    ],
    extra_template="openness/_annual_extra.html",
    extra_context=_annual_context,
    documents=[("report", "年度报告")],
    notices={"created": "已按台账起草。请核对表格，改写第一、五、六部分后公开。"},
    empty="还没有政府信息公开工作年度报告。点击“登记”选择年度，系统按台账起草表格和文字。",
)


LEDGERS = [DISCLOSURE, REQUEST_LEDGER, ANNUAL_LEDGER]
TABS = [
    ("index", "概览"),
    ("disclosures", "主动公开"),
    ("requests", "依申请公开"),
    ("reports", "年度报告"),
]


def import_disclosures(root, data: bytes, filename: str, *, actor):
    return importing.run(DISCLOSURE, root=root, actor=actor, data=data, filename=filename)


def request_url(r) -> str:
    return reverse("openness:request_detail", args=[r.pk])
