"""The enforcement mechanism's ledgers, as pages, API, Excel and CLI see them."""

from __future__ import annotations

from functools import partial

from django.urls import reverse
from django.utils import timezone

from fazhi.core.excel import Column, parse_date
from fazhi.ledgers.declare import Col, Filt, Ledger, bool_filter, model_fields, registered, unit_col
from fazhi.ledgers.importing import Importer

from . import procedures as P
from . import services
from .models import (
    CaseKind,
    CaseReview,
    CaseStatus,
    ChallengeStatus,
    DiscretionStandard,
    EnforcementCase,
    EnforcementCertificate,
    Litigation,
    Outcome,
    Reconsideration,
    Responsibility,
    ReviewGrade,
    Sector,
    StaffTraining,
    StandardStatus,
    SupervisionVisit,
    VisitKind,
)


def cert_choices(obj, name, user):
    if name == "officers":
        from fazhi.core.roles import Perm

        today = timezone.localdate()
        qs = EnforcementCertificate.objects.visible_to(user, Perm.CHANGE).filter(
            revoked=False, expires_on__gte=today
        )
        if obj is not None:
            county = obj.unit.county() or obj.unit
            qs = qs.filter(unit__path__startswith=county.path)
        return [
            (c.pk, f"{c.holder_name}（{c.number}，至{c.expires_on:%Y-%m-%d}）") for c in qs[:200]
        ]
    return ()


def _case_context(obj, request):
    from fazhi.decisions import services as ds

    return {"reviews": ds.reviews_of(obj), "officers": obj.officers.all()}


def _cert_due(c):
    return c.expires_on if not c.revoked else None


CASE = Ledger(
    app="enforcement",
    key="case",
    plural="cases",
    model=EnforcementCase,
    title="行政执法案件",
    columns=[
        Col("案号", lambda o: o.number, "number"),
        unit_col(),
        Col("类别", lambda o: o.get_kind_display(), "kind"),
        Col("执法领域", lambda o: o.get_sector_display(), "sector"),
        Col(
            "当事人",
            lambda o: (
                o.subject_name
                if o.subject_type == "legal"
                else o.subject_name[:1] + "*" * (len(o.subject_name) - 1)
            ),
        ),
        Col("立案日期", lambda o: o.opened_on, "opened_on"),
        Col("状态", lambda o: o.get_status_display(), "status"),
        Col("重大", lambda o: o.is_major),
        Col("决定日期", lambda o: o.decided_on, "decided_on"),
        Col("公示日期", lambda o: o.published_on, "published_on"),
        Col("按时公示", lambda o: o.published_on_time),
    ],
    filters=[
        Filt("kind", "类别", tuple(CaseKind.choices)),
        Filt("sector", "执法领域", tuple(Sector.choices)),
        Filt("status", "状态", tuple(CaseStatus.choices)),
        bool_filter("is_major", "重大执法决定", ("yes", "是"), ("no", "否")),
    ],
    search=("number", "subject_name", "legal_basis"),
    year_field="opened_on__year",
    procedure=P.CASE,
    actions=P.CASE_ACTIONS,
    create_fields=services.CASE_FIELDS,
    create=services.create_case,
    edit_fields=services.CASE_EDIT_FIELDS,
    update=services.update_case,
    choices_for=cert_choices,
    detail=lambda o: model_fields(
        o,
        [
            "number",
            "kind",
            "sector",
            "subject_type",
            "subject_name",
            "id_number",
            "phone",
            "legal_basis",
            "facts",
            "opened_on",
            "decision_due",
            "extension_reason",
            "investigated_on",
            "evidence_summary",
            "notified_on",
            "hearing_requested",
            "hearing_held_on",
            "is_major",
            "major_reason",
            "decided_on",
            "decision",
            "penalty_amount",
            "publication_due",
            "published_on",
            "published_on_time",
            "executed_on",
            "execution_note",
            "closed_on",
            "changed_on",
            "change_kind",
            "withdrawal_due",
            "withdrawn_on",
        ],
    ),
    checklist=P.case_checklist,
    extra_template="enforcement/_case_extra.html",
    extra_context=_case_context,
    documents=[("notice", "执法决定公示通知")],
    due=lambda o: (
        o.decision_due
        if o.decided_on is None
        else (
            o.publication_due
            if o.published_on is None
            else (o.withdrawal_due if o.changed_on and not o.withdrawn_on else None)
        )
    ),
    ordering=("-opened_on", "-id"),
)

CERTIFICATE = Ledger(
    app="enforcement",
    key="certificate",
    plural="certificates",
    model=EnforcementCertificate,
    title="执法证件",
    columns=[
        Col("持证人", lambda o: o.holder_name, "holder_name"),
        unit_col(),
        Col("执法证号", lambda o: o.number, "number"),
        Col("执法领域", lambda o: o.area),
        Col("发证日期", lambda o: o.issued_on),
        Col("有效期至", lambda o: o.expires_on, "expires_on"),
        Col(
            "状态",
            lambda o: (
                "已注销"
                if o.revoked
                else ("已过期" if o.expires_on < timezone.localdate() else "有效")
            ),
        ),
    ],
    filters=[
        Filt(
            "validity",
            "状态",
            (("valid", "有效"), ("expiring", "30日内到期"), ("expired", "已过期")),
            lambda qs, v: _validity(qs, v),
        )
    ],
    search=("holder_name", "number", "area"),
    procedure=P.CERTIFICATE,
    actions=P.CERTIFICATE_ACTIONS,
    create_fields=services.CERT_FIELDS,
    create=services.create_certificate,
    detail=lambda o: model_fields(
        o, ["holder_name", "number", "area", "issued_on", "expires_on", "revoked"]
    ),
    due=_cert_due,
    ordering=("expires_on", "id"),
)


def _validity(qs, v):
    import datetime as dt

    today = timezone.localdate()
    if v == "valid":
        return qs.filter(revoked=False, expires_on__gte=today)
    if v == "expiring":
        return qs.filter(
            revoked=False, expires_on__gte=today, expires_on__lte=today + dt.timedelta(days=30)
        )
    if v == "expired":
        return qs.filter(expires_on__lt=today)
    return qs


def _challenge(model, key, plural, title, procedure, create, extra_fields):
    return Ledger(
        app="enforcement",
        key=key,
        plural=plural,
        model=model,
        title=title,
        columns=[
            Col("案号", lambda o: o.case_no, "case_no"),
            unit_col(),
            Col("申请人/原告", lambda o: o.applicant),
            Col("被申请（被诉）行为", lambda o: o.act),
            Col("收到日期", lambda o: o.received_on, "received_on"),
            Col("答复期限", lambda o: o.reply_due, "reply_due"),
            Col("答复日期", lambda o: o.replied_on),
            Col("状态", lambda o: o.get_status_display(), "status"),
            Col("结果", lambda o: o.get_outcome_display()),
        ],
        filters=[
            Filt("status", "状态", tuple(ChallengeStatus.choices)),
            Filt("outcome", "结果", tuple(Outcome.choices)),
        ],
        search=("case_no", "applicant", "act"),
        year_field="received_on__year",
        procedure=procedure,
        actions=P.CHALLENGE_ACTIONS,
        create_fields=services.CHALLENGE_FIELDS,
        create=create,
        detail=lambda o: model_fields(
            o,
            [
                "case_no",
                "applicant",
                "act",
                "organ",
                "received_on",
                "reply_due",
                "replied_on",
                "replied_on_time",
                "evidence",
                *extra_fields,
                "outcome",
                "outcome_on",
                "outcome_note",
            ],
        ),
        due=lambda o: o.reply_due if o.replied_on is None else None,
        ordering=("-received_on", "-id"),
    )


RECONSIDERATION = _challenge(
    Reconsideration,
    "reconsideration",
    "reconsiderations",
    "行政复议",
    P.RECONSIDERATION,
    services.create_reconsideration,
    ["corrected"],
)
LITIGATION = _challenge(
    Litigation,
    "litigation",
    "litigations",
    "行政应诉",
    P.CHALLENGE,
    services.create_litigation,
    ["hearing_on", "head_appeared", "head_name", "absence_reason", "lost"],
)


# --------------------------------------------------------------------------- supervision
# 案卷评查, 行政裁量权基准, 人大代表政协委员监督, 执法人员培训考试: plain ledgers (no
# procedure) with create, edit, Excel import, API and CLI from these declarations.


# A supervision ledger: where it is registered, what a user with nowhere to register is
# told, and who registered each record read with it.
_supervision = partial(
    Ledger,
    app="enforcement",
    unit_kinds=services.SUPERVISION_UNIT_KINDS,
    refused=services.SUPERVISION_REFUSED,
    related=("unit", "created_by"),
)


def _registered_detail(*names):
    """A supervision record's detail: its unit, the model fields ``names``, who registered it."""
    return lambda o: [("单位", o.unit.name)] + model_fields(o, names) + registered(o)


def _review_cases(o) -> str:
    return "、".join(c.number for c in o.cases.all())


def _review_choices(obj, name, user):
    """The 抽查的执法案件 boxes: the cases of the record's unit area (a new record: the
    cases the user may change), the latest first."""
    if name != "cases":
        return ()
    from fazhi.core.roles import Perm

    qs = EnforcementCase.objects.visible_to(user, Perm.VIEW)
    if obj is not None:
        qs = qs.in_subtree(obj.unit)
    return [(c.pk, f"{c.number} {c.get_kind_display()}") for c in qs.order_by("-opened_on")[:300]]


def _review_detail(o):
    rows = (
        [("被评查单位", o.unit.name)]
        + model_fields(
            o,
            [
                "year",
                "reviewed_on",
                "reviewer",
                "files_reviewed",
                "files_excellent",
                "files_qualified",
                "files_failed",
                "average_score",
                "grade",
            ],
        )
        + [("抽查的执法案件", _review_cases(o) or "（未关联）")]
        + model_fields(o, ["findings"])
    )
    if o.inspection_id:
        found = list(o.inspection.findings.all())
        done = sum(1 for r in found if r.status == "signed_off")
        rows.append(
            (
                "整改",
                f"{o.inspection.get_kind_display()}“{o.inspection.title}”：问题{len(found)}个，"
                f"已销号{done}个（{reverse('oversight:inspection_detail', args=[o.inspection_id])}）",
            )
        )
    return rows + model_fields(o, ["notes"]) + registered(o)


CASE_REVIEW = _supervision(
    key="casereview",
    plural="casereviews",
    model=CaseReview,
    title="行政执法案卷评查",
    columns=[
        Col("年度", lambda o: o.year, "year"),
        unit_col("被评查单位", sortable=True),
        Col("评查日期", lambda o: o.reviewed_on, "reviewed_on"),
        Col("评查单位", lambda o: o.reviewer, "reviewer"),
        Col("评查案卷", lambda o: o.files_reviewed, "files_reviewed"),
        Col("优秀", lambda o: o.files_excellent),
        Col("合格", lambda o: o.files_qualified),
        Col("不合格", lambda o: o.files_failed),
        Col("平均得分", lambda o: o.average_score),
        Col("评查等次", lambda o: o.get_grade_display(), "grade"),
        Col("发现问题", lambda o: len(services.finding_lines(o.findings))),
    ],
    filters=[Filt("grade", "评查等次", tuple(ReviewGrade.choices))],
    search=("reviewer", "findings"),
    prefetch=("cases",),
    related=("unit", "created_by", "inspection"),
    ordering=("-reviewed_on", "-id"),
    year_field="year",
    create_fields=services.REVIEW_FIELDS,
    create=services.create_case_review,
    update=services.update_case_review,
    choices_for=_review_choices,
    create_units=services.review_units,
    importer=Importer(
        columns=[
            Column("year", "年度", required=True),
            Column("reviewed_on", "评查日期", required=True, parse=parse_date),
            Column("reviewer", "评查单位", required=True, aliases=("评查机关",)),
            Column("files_reviewed", "评查案卷数", required=True, aliases=("案卷数", "评查案卷")),
            Column("files_excellent", "优秀案卷", aliases=("优秀",)),
            Column("files_qualified", "合格案卷", aliases=("合格",)),
            Column("files_failed", "不合格案卷", aliases=("不合格",)),
            Column("average_score", "平均得分", aliases=("得分", "平均分")),
            Column("grade", "评查等次", aliases=("等次",)),
            Column("findings", "发现的问题", aliases=("问题",)),
            Column("rectify_owner", "整改责任人", aliases=("责任人",)),
            Column("notes", "备注"),
        ],
        key_columns=("reviewed_on", "reviewer"),
        note="每行一次评查；“单位”填被评查的县或乡镇(街道)；评查等次填优秀、合格或不合格"
        "（不填按平均得分）；发现的问题每行一个，逐条转为整改事项（须填整改责任人）。"
        "同一单位同一日期、同一评查单位的评查视为已导入。",
    ),
    detail=_review_detail,
    empty="下一步：登记本年度行政执法案卷评查（抽查案卷、评查等次、发现的问题）。",
)


STANDARD = _supervision(
    key="discretion",
    plural="discretion",
    model=DiscretionStandard,
    title="行政裁量权基准",
    columns=[
        Col("基准名称", lambda o: o.title, "title"),
        unit_col(sortable=True),
        Col("文号", lambda o: o.doc_number, "doc_number"),
        Col("执法领域", lambda o: o.get_sector_display(), "sector"),
        Col("制定日期", lambda o: o.adopted_on, "adopted_on"),
        Col("修订日期", lambda o: o.revised_on, "revised_on"),
        Col("状态", lambda o: o.get_status_display(), "status"),
    ],
    filters=[
        Filt("sector", "执法领域", tuple(Sector.choices)),
        Filt("status", "状态", tuple(StandardStatus.choices)),
    ],
    search=("title", "doc_number"),
    ordering=("-adopted_on", "-id"),
    date_field="adopted_on",
    create_fields=services.STANDARD_FIELDS,
    create=services.create_standard,
    update=services.update_standard,
    importer=Importer(
        columns=[
            Column("title", "基准名称", required=True, aliases=("名称",)),
            Column("doc_number", "文号"),
            Column("sector", "执法领域", required=True, aliases=("领域",)),
            Column("adopted_on", "制定日期", required=True, parse=parse_date),
            Column("revised_on", "修订日期", parse=parse_date),
            Column("status", "状态"),
            Column("notes", "备注"),
        ],
        key_columns=("title", "adopted_on"),
        note="每行一项基准；执法领域填安全生产、食品药品、生态环境等；状态填现行、已修订"
        "或已废止（不填为现行）。同一单位同一名称、同一制定日期的基准视为已导入。",
    ),
    detail=_registered_detail(
        "title", "doc_number", "sector", "adopted_on", "revised_on", "status", "notes"
    ),
    empty="下一步：登记本单位制定、修订的行政裁量权基准。",
)


VISIT = _supervision(
    key="visit",
    plural="visits",
    model=SupervisionVisit,
    title="人大代表政协委员监督",
    columns=[
        Col("日期", lambda o: o.held_on, "held_on"),
        unit_col(sortable=True),
        Col("形式", lambda o: o.get_kind_display(), "kind"),
        Col("监督事项", lambda o: o.subject, "subject"),
        Col("人大代表", lambda o: o.deputies, "deputies"),
        Col("政协委员", lambda o: o.members, "members"),
        Col("意见建议", lambda o: o.opinions),
    ],
    filters=[Filt("kind", "形式", tuple(VisitKind.choices))],
    search=("subject",),
    ordering=("-held_on", "-id"),
    year_field="held_on__year",
    create_fields=services.VISIT_FIELDS,
    create=services.create_visit,
    update=services.update_visit,
    importer=Importer(
        columns=[
            Column("held_on", "日期", required=True, parse=parse_date, aliases=("时间",)),
            Column("kind", "形式", required=True, aliases=("监督形式",)),
            Column("subject", "监督事项", required=True, aliases=("事项", "主题")),
            Column("deputies", "人大代表", aliases=("人大代表人数", "参加人大代表")),
            Column("members", "政协委员", aliases=("政协委员人数", "参加政协委员")),
            Column("opinions", "意见建议", aliases=("意见建议条数",)),
            Column("notes", "备注"),
        ],
        key_columns=("held_on", "subject"),
        note="每行一次监督活动；形式填视察、评议、旁听或座谈；人大代表、政协委员填参加人数"
        "（至少一项）。同一单位同一日期、同一事项视为已导入。",
    ),
    detail=_registered_detail(
        "held_on", "kind", "subject", "deputies", "members", "opinions", "notes"
    ),
    empty="下一步：登记人大代表、政协委员视察、评议、旁听本单位行政执法的活动。",
)


STAFF_TRAINING = _supervision(
    key="stafftraining",
    plural="stafftrainings",
    model=StaffTraining,
    title="执法人员培训考试",
    columns=[
        Col("日期", lambda o: o.held_on, "held_on"),
        unit_col(sortable=True),
        Col("名称", lambda o: o.title, "title"),
        Col("类别", lambda o: "资格考试" if o.is_exam else "培训"),
        Col("学时", lambda o: o.hours.normalize() if o.hours is not None else ""),
        Col("参训（参考）人数", lambda o: o.attendees, "attendees"),
        Col("合格人数", lambda o: o.passed),
    ],
    filters=[
        Filt(
            "is_exam",
            "类别",
            (("training", "培训"), ("exam", "资格考试")),
            lambda qs, v: qs.filter(is_exam=(v == "exam")),
        )
    ],
    search=("title",),
    ordering=("-held_on", "-id"),
    year_field="held_on__year",
    create_fields=services.STAFF_TRAINING_FIELDS,
    create=services.create_staff_training,
    update=services.update_staff_training,
    importer=Importer(
        columns=[
            Column("held_on", "日期", required=True, parse=parse_date, aliases=("培训日期",)),
            Column("title", "名称", required=True, aliases=("培训主题", "培训名称")),
            Column("is_exam", "资格考试", aliases=("是否考试",)),
            Column("hours", "学时"),
            Column("attendees", "参训（参考）人数", required=True, aliases=("人数", "参训人数")),
            Column("passed", "考试合格人数", aliases=("合格人数",)),
            Column("notes", "备注"),
        ],
        key_columns=("held_on", "title"),
        note="每行一期培训或一次资格考试；资格考试填“是”并填合格人数。"
        "同一单位同一日期、同一名称视为已导入。",
    ),
    detail=_registered_detail(
        "held_on", "title", "is_exam", "hours", "attendees", "passed", "notes"
    ),
    empty="下一步：登记行政执法人员培训和执法资格考试。",
)


def _responsibility_choices(obj, name, user):
    """The 责任人执法证号 list: the certificates in force the user sees (of the record's
    county when editing)."""
    if name != "certificate":
        return ()
    from fazhi.core.roles import Perm

    qs = EnforcementCertificate.objects.visible_to(user, Perm.VIEW).filter(revoked=False)
    if obj is not None:
        county = obj.unit.county() or obj.unit
        qs = qs.filter(unit__path__startswith=county.path)
    return [(c.pk, f"{c.holder_name}（{c.number}）") for c in qs.order_by("holder_name")[:300]]


RESPONSIBILITY = _supervision(
    key="responsibility",
    plural="responsibilities",
    model=Responsibility,
    title="行政执法责任制",
    columns=[
        Col("执法岗位", lambda o: o.post, "post"),
        unit_col(sortable=True),
        Col("责任人", lambda o: o.person_name, "person_name"),
        Col("执法证号", lambda o: o.certificate.number if o.certificate_id else ""),
        Col("执法领域", lambda o: o.get_sector_display(), "sector"),
        Col("执法事项", lambda o: len(o.item_list)),
        Col("明确日期", lambda o: o.assigned_on, "assigned_on"),
        Col("调整（终止）日期", lambda o: o.ended_on, "ended_on"),
    ],
    filters=[
        Filt("sector", "执法领域", tuple(Sector.choices)),
        bool_filter(
            "current",
            "状态",
            ("current", "现行"),
            ("ended", "已调整（终止）"),
            field="ended_on__isnull",
        ),
    ],
    search=("post", "person_name", "items"),
    related=("unit", "created_by", "certificate"),
    ordering=("unit__path", "post", "id"),
    date_field="assigned_on",
    create_fields=services.RESPONSIBILITY_FIELDS,
    create=services.create_responsibility,
    update=services.update_responsibility,
    choices_for=_responsibility_choices,
    importer=Importer(
        columns=[
            Column("post", "执法岗位", required=True, aliases=("岗位",)),
            Column("person_name", "责任人", required=True, aliases=("姓名",)),
            Column("certificate", "执法证号", aliases=("证号",)),
            Column("sector", "执法领域", aliases=("领域",)),
            Column("items", "执法事项", required=True, aliases=("职责", "事项")),
            Column("basis", "职责依据", aliases=("依据",)),
            Column("assigned_on", "明确日期", required=True, parse=parse_date),
            Column("ended_on", "调整（终止）日期", parse=parse_date),
        ],
        key_columns=("post", "person_name", "assigned_on"),
        note="每行一个执法岗位；执法事项多项用换行分隔；执法证号填本县登记的证号（可不填）。"
        "同一单位同一岗位、同一责任人、同一明确日期视为已导入。",
    ),
    detail=lambda o: (
        [("单位", o.unit.name)]
        + model_fields(o, ["post", "person_name"])
        + [("责任人执法证件", str(o.certificate) if o.certificate_id else "（未关联）")]
        + model_fields(o, ["sector", "items", "basis", "assigned_on", "ended_on"])
        + registered(o)
    ),
    empty="下一步：明确本单位执法岗位、责任人和执法事项（行政执法责任制）。",
)

LEDGERS = [
    CASE,
    CERTIFICATE,
    RECONSIDERATION,
    LITIGATION,
    CASE_REVIEW,
    STANDARD,
    VISIT,
    STAFF_TRAINING,
    RESPONSIBILITY,
]
TABS = [
    ("index", "概览"),
    ("case_list", "执法案件"),
    ("certificate_list", "执法证件"),
    ("reconsideration_list", "行政复议"),
    ("litigation_list", "行政应诉"),
    ("casereview_list", "案卷评查"),
    ("discretion_list", "裁量基准"),
    ("visit_list", "代表委员监督"),
    ("stafftraining_list", "培训考试"),
    ("responsibility_list", "执法责任制"),
    ("public", "执法公示（公开页）"),
    ("settings", "设置"),
]
