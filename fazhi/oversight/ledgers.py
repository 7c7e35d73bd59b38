"""The oversight ledgers, as pages, API, Excel and CLI see them (docs/architecture.md,
"Ledgers"): leading groups, the heads' duty reports, funding, inspections and the
rectification of their findings. The dashboards (index, by township) stay plain views."""

from __future__ import annotations

from functools import partial

from django.db.models import Count
from django.utils import timezone

from fazhi.core import scoping
from fazhi.core.excel import Column, parse_choice, parse_date, parse_decimal, parse_int
from fazhi.core.models import Unit
from fazhi.core.models.units import TOWNSHIP_KINDS
from fazhi.core.params import parse_int as parse_id
from fazhi.core.roles import Perm
from fazhi.ledgers.declare import UNIT_ID, Col, Filt, Ledger, model_fields, unit_col
from fazhi.ledgers.fields import F, parse
from fazhi.ledgers.importing import Importer

from . import procedures as P
from . import schemas, services
from .models import (
    DutyReport,
    Funding,
    FundingKind,
    Inspection,
    InspectionKind,
    LeadingGroup,
    MemberRole,
    Rectification,
    RectificationStatus,
)

APP = "oversight"
YEAR = F("year", "年度", "int", required=False, help="不填为今年")


def _year(data: dict) -> dict:
    data["year"] = data.get("year") or timezone.localdate().year
    return data


def _by_year(fields, create, update, detail) -> dict:
    """What a ledger kept by year declares (领导小组, 述法, 经费): 年度 asked on create only
    (this year when left empty), ``fields`` on create and edit through the services
    ``create`` and ``update``, and a detail of 年度, 单位 and the model fields ``detail``."""
    return dict(
        year_field="year",
        create_fields=(YEAR, *fields),
        create=lambda *, unit, actor, raw: create(
            unit=unit, actor=actor, **_year(parse((YEAR, *fields), raw))
        ),
        edit_fields=fields,
        update=lambda obj, *, actor, raw: update(obj, actor=actor, **parse(fields, raw)),
        detail=lambda o: [("年度", str(o.year)), ("单位", o.unit.name)] + model_fields(o, detail),
    )


# Every oversight ledger's list is named after its plural (``groups``, ``funding``).
_ledger = partial(Ledger, app=APP, plural_names=("list",))


# ---------------------------------------------------------------- leading groups

GROUP_FIELDS = (
    F("name", "名称", required=False, help="不填为“法治建设工作领导小组”"),
    F("doc_number", "成立文号", required=False),
    F("established_on", "成立(调整)日期", "date", required=False),
    F("office", "办公室设在", required=False),
    F("office_director", "办公室主任", required=False),
    F("duties", "工作职责", "textarea", required=False),
)
MEMBER_FIELDS = (
    F("role", "组内职务", "choice", choices=tuple(MemberRole.choices)),
    F("name", "姓名"),
    F("post", "本职职务"),
)


def _group_context(obj, request):
    return {"members": obj.members.all(), "member_fields": [{"f": f} for f in MEMBER_FIELDS]}


GROUP = _ledger(
    key="group",
    plural="groups",
    model=LeadingGroup,
    title="法治建设领导小组",
    out=schemas.GroupOut,
    columns=[
        Col("年度", lambda o: o.year, "year"),
        unit_col(),
        Col("名称", lambda o: o.name),
        Col("成立文号", lambda o: o.doc_number),
        Col("办公室设在", lambda o: o.office),
        Col("成员数", lambda o: o.member_count),
    ],
    filters=[UNIT_ID],
    search=("name", "doc_number", "office"),
    annotate=lambda qs: qs.annotate(member_count=Count("members")),  # one query, not one a row
    prefetch=("members",),  # the API answers each group with its members
    **_by_year(
        GROUP_FIELDS,
        services.create_group,
        services.update_group,
        ["name", "doc_number", "established_on", "office", "office_director", "duties"],
    ),
    extra_template="oversight/_group_extra.html",
    extra_context=_group_context,
    ordering=("-year", "-id"),
    names={"edit": "group_update"},
    empty="还没有领导小组。点击“登记”，填写年度、成立文号、办公室，再在领导小组页面添加组长、副组长和成员。",
)


# ---------------------------------------------------------------- duty reports

REPORT_FIELDS = (
    F("person_name", "姓名"),
    F("post", "职务", help="如 党委书记、镇长"),
    F("study", "本人学法情况（每行一次：日期 内容）", "textarea", required=False),
    F("topics", "听取法治工作汇报/专题研究议题（每行一个）", "textarea", required=False),
    F("report_text", "述法报告", "textarea", required=False),
    F("report_date", "述法日期", "date", required=False),
)


def _save_report_row(*, unit, actor, row):
    return services.create_duty_report(
        unit=unit,
        actor=actor,
        year=row["year"],
        person_name=str(row["person_name"]),
        post=str(row["post"]),
        study=str(row.get("study") or ""),
        topics=str(row.get("topics") or ""),
        report_text=str(row.get("report_text") or ""),
        report_date=row.get("report_date"),
    )


REPORT_IMPORT = Importer(
    columns=[
        Column("year", "年度", required=True, parse=parse_int),
        Column("person_name", "姓名", required=True, aliases=("第一责任人",)),
        Column("post", "职务", required=True),
        Column("study", "本人学法情况", aliases=("学法情况",)),
        Column("topics", "听取汇报议题", aliases=("听取法治工作汇报/专题研究议题", "议题")),
        Column("report_text", "述法报告"),
        Column("report_date", "述法日期", parse=parse_date),
    ],
    save=_save_report_row,
    key_columns=("year", "person_name"),
    note="每行一位第一责任人的一个年度；同一单位、年度、姓名已登记的行不重复登记。多条学法或议题在单元格内换行。",
)

REPORT = _ledger(
    key="report",
    plural="reports",
    model=DutyReport,
    title="第一责任人述法",
    out=schemas.DutyReportOut,
    columns=[
        Col("年度", lambda o: o.year, "year"),
        unit_col(),
        Col("姓名", lambda o: o.person_name, "person_name"),
        Col("职务", lambda o: o.post),
        Col("学法次数", lambda o: len(o.study_list)),
        Col("听取汇报议题", lambda o: "；".join(o.topic_list)),
        Col("述法日期", lambda o: o.report_date, "report_date"),
    ],
    filters=[UNIT_ID],
    search=("person_name", "post", "topics"),
    **_by_year(
        REPORT_FIELDS,
        services.create_duty_report,
        services.update_duty_report,
        ["person_name", "post", "study", "topics", "report_date", "report_text"],
    ),
    importer=REPORT_IMPORT,
    ordering=("-year", "id"),
    empty="还没有第一责任人履职记录。为党委书记、乡镇长等主要负责人登记本人学法、听取汇报议题和年终述法报告。",
)


# ---------------------------------------------------------------- funding

FUNDING_FIELDS = (
    F("kind", "类别", "choice", choices=tuple(FundingKind.choices)),
    F("item", "项目"),
    F("amount", "预算金额(元)", "decimal"),
    F("spent", "已支出(元)", "decimal", required=False),
    F("note", "备注", required=False),
)


def _save_funding_row(*, unit, actor, row):
    return services.create_funding(
        unit=unit,
        actor=actor,
        year=row["year"],
        kind=row["kind"],
        item=str(row["item"]),
        amount=row["amount"],
        spent=row.get("spent") or 0,
        note=str(row.get("note") or ""),
    )


FUNDING_IMPORT = Importer(
    columns=[
        Column("year", "年度", required=True, parse=parse_int),
        Column(
            "kind", "类别", required=True, parse=parse_choice(FundingKind), aliases=("经费类别",)
        ),
        Column("item", "项目", required=True, aliases=("经费项目", "项目名称")),
        Column(
            "amount",
            "预算金额(元)",
            required=True,
            parse=parse_decimal,
            aliases=("预算金额", "金额"),
        ),
        Column("spent", "已支出(元)", parse=parse_decimal, aliases=("已支出", "支出")),
        Column("note", "备注"),
    ],
    save=_save_funding_row,
    key_columns=("year", "kind", "item"),
    note="类别填“普法经费”“法治建设经费”“法律顾问经费”或“其他”；同一单位、年度、类别、项目已登记的行不重复登记。",
)

FUNDING = _ledger(
    key="funding",
    plural="funding",
    model=Funding,
    title="经费保障",
    out=schemas.FundingOut,
    columns=[
        Col("年度", lambda o: o.year, "year"),
        unit_col(),
        Col("类别", lambda o: o.get_kind_display(), "kind"),
        Col("项目", lambda o: o.item),
        Col("预算金额(元)", lambda o: o.amount, "amount"),
        Col("已支出(元)", lambda o: o.spent, "spent"),
        Col("备注", lambda o: o.note),
    ],
    filters=[Filt("kind", "类别", tuple(FundingKind.choices)), UNIT_ID],
    search=("item", "note"),
    **_by_year(
        FUNDING_FIELDS,
        services.create_funding,
        services.update_funding,
        ["kind", "item", "amount", "spent", "note"],
    ),
    importer=FUNDING_IMPORT,
    ordering=("-year", "kind", "id"),
    empty="还没有经费记录。点击“登记”录入普法经费、法治建设经费等预算项目。",
)


# ---------------------------------------------------------------- inspections

INSPECTION_FIELDS = (
    F("kind", "类型", "choice", choices=tuple(InspectionKind.choices)),
    F("date", "检查日期", "date"),
    F("title", "名称"),
    F("team", "检查组", required=False),
    F("summary", "检查情况", "textarea", required=False),
)
FINDING_FIELDS = (
    F("problem", "发现的问题", "textarea"),
    F("requirement", "整改要求", "textarea", required=False),
    F("owner_name", "责任人"),
    F("owner_username", "责任人账号（可选，用于待办提醒）", required=False),
    F("deadline", "整改期限（不填则按 30 个工作日计算）", "date", required=False),
)


def inspection_targets(user):
    """Units the user may open an inspection of: townships under a county they supervise
    (督察), or their own township (自查)."""
    return (
        Unit.objects.filter(kind__in=TOWNSHIP_KINDS)
        .filter(
            scoping.unit_scope_q(user, Perm.SUPERVISE) | scoping.unit_scope_q(user, Perm.CHANGE)
        )
        .order_by("path")
    )


def _create_inspection(*, unit, actor, raw):
    return services.create_inspection(actor=actor, target=unit, **parse(INSPECTION_FIELDS, raw))


def _inspection_context(obj, request):
    return {
        "findings": Rectification.objects.visible_to(request.user)
        .filter(inspection=obj)
        .order_by("number"),
        "may_add": services.may_add_findings(request.user, obj),
        "finding_fields": [{"f": f} for f in FINDING_FIELDS],
    }


INSPECTION = _ledger(
    key="inspection",
    plural="inspections",
    model=Inspection,
    title="督察/自查",
    out=schemas.InspectionOut,
    columns=[
        Col("检查日期", lambda o: o.date, "date"),
        Col("类型", lambda o: o.get_kind_display(), "kind"),
        Col("名称", lambda o: o.title),
        unit_col("检查单位"),
        Col("被检查单位", lambda o: o.target.name),
        Col("发现问题数", lambda o: o.n),
    ],
    filters=[Filt("kind", "类型", tuple(InspectionKind.choices))],
    search=("title", "team"),
    related=("unit", "target"),
    year_field="year",
    date_field="date",
    annotate=lambda qs: qs.annotate(n=Count("findings")),
    create_fields=INSPECTION_FIELDS,
    create=_create_inspection,
    create_units=inspection_targets,
    detail=lambda o: (
        [
            ("类型", o.get_kind_display()),
            ("检查单位", o.unit.name),
            ("被检查单位", o.target.name),
        ]
        + model_fields(o, ["title", "date", "team", "summary"])
    ),
    extra_template="oversight/_inspection_extra.html",
    extra_context=_inspection_context,
    ordering=("-date", "-id"),
    empty="还没有督察或自查记录。县级督察后登记督察及发现的问题；乡镇自查也在此登记。",
)


# ---------------------------------------------------------------- rectifications

RECTIFICATION_FIELDS = (
    F("measures", "整改措施", "textarea"),
    F("evidence_note", "整改成效说明", "textarea", required=False),
)


def _update_rectification(obj, *, actor, raw):
    data = parse(RECTIFICATION_FIELDS, raw)
    return services.update_rectification(
        obj, actor=actor, measures=data["measures"], evidence_note=data["evidence_note"] or ""
    )


def _status(qs, value):
    if value == "open":
        return qs.open()
    if value == "overdue":
        return qs.overdue(timezone.localdate())
    return qs.filter(status=value)


def _deadline(o) -> str:
    return f"{o.deadline:%Y-%m-%d}{'（暂定）' if o.deadline_provisional else ''}"


def _rectification_detail(o):
    today = timezone.localdate()
    i = o.inspection
    return [
        ("来源", f"{i.get_kind_display()}：{i.title}（{i.unit.name}，{i.date:%Y-%m-%d}）"),
        ("整改单位", o.unit.name),
        ("发现的问题", o.problem),
        ("整改要求", o.requirement),
        ("责任人", o.owner_name + (f"（{o.owner_user.label}）" if o.owner_user else "")),
        ("整改期限", _deadline(o) + (" · 已逾期" if o.overdue_on(today) else "")),
        ("状态", o.get_status_display()),
        ("整改措施", o.measures),
        ("整改成效说明", o.evidence_note),
        ("提请销号日期", f"{o.submitted_on:%Y-%m-%d}" if o.submitted_on else ""),
        (
            "销号",
            f"{o.signed_off_on:%Y-%m-%d} {o.signed_off_by.label}" if o.signed_off_by else "",
        ),
        ("退回理由", o.return_reason),
    ]


RECTIFICATION = _ledger(
    key="rectification",
    plural="rectifications",
    model=Rectification,
    title="整改销号",
    out=schemas.RectificationOut,
    columns=[
        Col("问题", lambda o: f"{o.inspection.title} 问题{o.number}：{o.problem[:40]}"),
        unit_col(),
        Col("来源", lambda o: o.inspection.get_kind_display()),
        Col("责任人", lambda o: o.owner_name),
        Col("整改期限", _deadline, "deadline"),
        Col("状态", lambda o: o.get_status_display(), "status"),
        Col("逾期", lambda o: o.overdue_on(timezone.localdate())),
    ],
    filters=[
        Filt(
            "status",
            "状态",
            (("open", "未销号"), ("overdue", "已逾期"), *RectificationStatus.choices),
            _status,
        ),
        Filt(
            "kind",
            "来源",
            tuple(InspectionKind.choices),
            lambda qs, v: qs.filter(inspection__kind=v),
        ),
        Filt(
            "overdue",
            "只看逾期",
            (("true", "是"),),
            lambda qs, v: qs.overdue(timezone.localdate()),
            page=False,
        ),
        Filt(
            "inspection_id",
            "督察/自查编号",
            apply=lambda qs, v: qs.filter(inspection_id=parse_id(v) or 0),
            page=False,
        ),
        UNIT_ID,
    ],
    search=("problem", "owner_name"),
    related=("unit", "inspection", "inspection__unit", "owner_user", "signed_off_by"),
    year_field="inspection__year",
    procedure=P.RECTIFICATION,
    actions=P.ACTIONS,
    # The township's staff take the steps; the county (SUPERVISE) signs off its 督察's
    # findings: the procedure's guard says who may do which.
    act_perms=(Perm.CHANGE, Perm.SUPERVISE),
    edit_fields=RECTIFICATION_FIELDS,
    update=_update_rectification,
    detail=_rectification_detail,
    extra_template="oversight/_rectification_extra.html",
    extra_context=lambda o, request: {"overdue": o.overdue_on(timezone.localdate())},
    due=lambda o: o.deadline if o.status != RectificationStatus.SIGNED_OFF else None,
    ordering=("deadline", "id"),
    empty="没有符合条件的整改事项。督察或自查登记发现的问题后，每个问题在这里整改到销号。",
)

LEDGERS = [GROUP, REPORT, FUNDING, INSPECTION, RECTIFICATION]
TABS = [
    ("index", "概览"),
    ("groups", "领导小组"),
    ("reports", "第一责任人述法"),
    ("funding", "经费保障"),
    ("inspections", "督察/自查"),
    ("rectifications", "整改销号"),
    ("by_township", "各乡镇整改情况"),
]
