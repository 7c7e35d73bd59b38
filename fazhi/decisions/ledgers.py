"""The decisions mechanism's ledgers, as pages, API, Excel and CLI see them."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q

from fazhi.ledgers import fields as flow
from fazhi.ledgers.declare import Col, Filt, Ledger, bool_filter, model_fields, unit_col

from . import procedures as P
from . import services
from .models import (
    CollectiveDiscussion,
    ContractReview,
    DecisionCatalog,
    DecisionStep,
    LegalityReview,
    MajorDecision,
    NormativeDocument,
)
from .models.catalog import CatalogStatus, DecisionStatus, MatterCategory
from .models.documents import DocStatus
from .models.reviews import ContractStatus, ReviewStatus, SubjectKind


def users_near(unit):
    """Users who are members of the unit's county subtree (reviewers, officers)."""
    county = unit.county() or unit
    return (
        get_user_model()
        .objects.filter(is_active=True, memberships__unit__path__startswith=county.path)
        .distinct()
        .order_by("username")
    )


def review_choices(obj, name, user):
    if name == "reviewer" and obj is not None:
        return [(u.pk, f"{u.label}（{u.username}）") for u in users_near(obj.unit)[:200]]
    if name == "finding" and obj is not None:
        return [(f.pk, f"#{f.pk} {f.description[:30]}") for f in obj.open_findings]
    return ()


def _create_catalog(*, unit, actor, raw):
    data = flow.parse(services.CATALOG_FIELDS, raw)
    return services.create_catalog(
        unit=unit, actor=actor, year=data["year"], title=data["title"] or ""
    )


def _create_decision(*, unit, actor, raw):
    data = flow.parse(services.DECISION_FIELDS, raw)
    return services.create_decision(
        unit=unit,
        actor=actor,
        title=data["title"],
        year=data["year"],
        drafting_office=data["drafting_office"],
        summary=data["summary"] or "",
        added_reason=data["added_reason"] or "",
    )


def _decision_context(obj, request):
    return {
        "discussions": obj.discussions.prefetch_related("views").order_by("meeting_date"),
        "reviews": services.reviews_of(obj),
        "decision_steps": obj.steps.all(),
        "step_ct": ContentType.objects.get_for_model(DecisionStep).pk,
    }


def _review_context(obj, request):
    return {"findings": obj.findings.all(), "subject": obj.subject}


def _doc_context(obj, request):
    return {"reviews": services.reviews_of(obj)}


def _discussion_context(obj, request):
    return {"member_views": obj.views.all()}


def _contract_context(obj, request):
    return {"reviews": [obj.review] if obj.review else []}


CATALOG = Ledger(
    app="decisions",
    key="catalog",
    plural="catalogs",
    model=DecisionCatalog,
    title="重大行政决策目录",
    columns=[
        Col("目录名称", lambda o: o.title),
        unit_col(),
        Col("年度", lambda o: o.year, "year"),
        Col("状态", lambda o: o.get_status_display(), "status"),
        Col("审定日期", lambda o: o.approved_on),
        Col("公布日期", lambda o: o.published_on, "published_on"),
        Col("事项数", lambda o: o.n_decisions),
    ],
    filters=[Filt("status", "状态", tuple(CatalogStatus.choices))],
    year_field="year",
    annotate=lambda qs: qs.annotate(n_decisions=Count("decisions")),
    procedure=P.CATALOG,
    actions=P.CATALOG_ACTIONS,
    create_fields=services.CATALOG_FIELDS,
    create=_create_catalog,
    detail=lambda o: (
        model_fields(
            o,
            [
                "year",
                "status",
                "approved_on",
                "approval_meeting",
                "published_on",
                "publish_channel",
            ],
        )
        + [
            (
                "决策事项",
                "\n".join(f"{d.title}（{d.get_status_display()}）" for d in o.decisions.all())
                or "（暂无）",
            )
        ]
    ),
    ordering=("-year", "unit__path"),
)

DECISION = Ledger(
    app="decisions",
    key="decision",
    plural="major",
    model=MajorDecision,
    title="重大行政决策",
    columns=[
        Col("决策事项", lambda o: o.title, "title"),
        unit_col(),
        Col("年度", lambda o: o.year, "year"),
        Col("承办单位", lambda o: o.drafting_office),
        Col("状态", lambda o: o.get_status_display(), "status"),
        Col("目录外增补", lambda o: "是" if o.added_reason else "否"),
        Col("决定日期", lambda o: o.decided_on, "decided_on"),
        Col("公布日期", lambda o: o.published_on, "published_on"),
    ],
    filters=[Filt("status", "状态", tuple(DecisionStatus.choices))],
    search=("title", "drafting_office"),
    related=("unit", "catalog"),
    year_field="year",
    procedure=P.DECISION,
    actions=P.DECISION_ACTIONS,
    create_fields=services.DECISION_FIELDS,
    create=_create_decision,
    detail=lambda o: (
        [("决策目录", o.catalog.title)]
        + model_fields(
            o,
            [
                "year",
                "drafting_office",
                "summary",
                "added_reason",
                "participation_reason",
                "hearing_reason",
                "expert_reason",
                "risk_reason",
                "party_reported_on",
                "decided_on",
                "decision_doc_number",
                "published_on",
                "publish_channel",
                "archived_on",
                "end_reason",
            ],
        )
    ),
    checklist=P.checklist,
    extra_template="decisions/_decision_extra.html",
    extra_context=_decision_context,
    documents=[("minutes", "集体讨论纪要摘要")],
)

REVIEW = Ledger(
    app="decisions",
    key="review",
    plural="reviews",
    model=LegalityReview,
    title="合法性审查",
    columns=[
        Col("审查事项", lambda o: o.subject_label, "subject_label"),
        unit_col(),
        Col("审查对象", lambda o: o.get_subject_kind_display(), "subject_kind"),
        Col("送审单位", lambda o: o.drafting_office),
        Col("送审日期", lambda o: o.requested_on, "requested_on"),
        Col("审查人", lambda o: o.reviewer_name),
        Col("状态", lambda o: o.get_status_display(), "status"),
        Col("结论", lambda o: o.get_conclusion_display()),
        Col("用时（工作日）", lambda o: o.working_days_taken),
        Col("发现问题", lambda o: o.n_findings),
        Col("已整改", lambda o: o.n_fixed),
    ],
    filters=[
        Filt("subject_kind", "审查对象", tuple(SubjectKind.choices)),
        Filt("status", "状态", tuple(ReviewStatus.choices)),
    ],
    search=("subject_label", "drafting_office", "reviewer_name"),
    year_field="requested_on__year",
    annotate=lambda qs: qs.annotate(
        n_findings=Count("findings", distinct=True),
        n_fixed=Count("findings", filter=Q(findings__fixed=True), distinct=True),
    ),
    procedure=P.REVIEW,
    actions=P.REVIEW_ACTIONS,
    choices_for=review_choices,
    detail=lambda o: model_fields(
        o,
        [
            "subject_kind",
            "subject_label",
            "drafting_office",
            "requested_on",
            "due_date",
            "reviewer_name",
            "reviewer_office",
            "reviewer_qualification",
            "conclusion",
            "opinion",
            "opinion_on",
            "working_days_taken",
        ],
    ),
    extra_template="decisions/_review_extra.html",
    extra_context=_review_context,
    documents=[("opinion", "合法性审查意见书")],
    due=lambda o: o.due_date if o.status != ReviewStatus.COMPLETED else None,
    ordering=("-requested_on", "-id"),
)

DOCUMENT = Ledger(
    app="decisions",
    key="document",
    plural="documents",
    model=NormativeDocument,
    title="规范性文件",
    columns=[
        Col("文件名称", lambda o: o.title, "title"),
        unit_col(),
        Col("文号", lambda o: o.doc_number, "number_seq"),
        Col("起草单位", lambda o: o.drafting_office),
        Col("状态", lambda o: o.get_status_display(), "status"),
        Col("发布日期", lambda o: o.published_on, "published_on"),
        Col("报备期限", lambda o: o.filing_due, "filing_due"),
        Col("报备日期", lambda o: o.filed_on, "filed_on"),
        Col("按时报备", lambda o: o.filed_on_time),
        Col("有效期至", lambda o: o.valid_until, "valid_until"),
    ],
    filters=[
        Filt("status", "状态", tuple(DocStatus.choices)),
        bool_filter("filed_on_time", "报备", ("yes", "按时"), ("no", "逾期")),
    ],
    search=("title", "doc_number", "drafting_office"),
    related=("unit", "review"),
    year_field="published_on__year",
    procedure=P.DOCUMENT,
    actions=P.DOCUMENT_ACTIONS,
    create_fields=services.DOCUMENT_FIELDS,
    create=services.create_document,
    detail=lambda o: model_fields(
        o,
        [
            "drafting_office",
            "comment_reason",
            "comment_start",
            "comment_end",
            "comments_count",
            "comment_handling",
            "deliberated_on",
            "deliberation_meeting",
            "doc_number",
            "published_on",
            "effective_on",
            "valid_until",
            "filing_due",
            "filed_on",
            "filed_with",
            "filed_on_time",
            "ended_on",
            "end_reason",
        ],
    ),
    checklist=P.document_checklist,
    extra_template="decisions/_reviews_list.html",
    extra_context=_doc_context,
    documents=[("filing", "规范性文件备案报告")],
    due=lambda o: o.filing_due if o.status == DocStatus.PUBLISHED else None,
)

CONTRACT = Ledger(
    app="decisions",
    key="contract",
    plural="contracts",
    model=ContractReview,
    title="合同审查",
    columns=[
        Col("合同名称", lambda o: o.title, "title"),
        unit_col(),
        Col("合同相对方", lambda o: o.counterparty),
        Col("金额（元）", lambda o: o.amount, "amount"),
        Col("承办科室", lambda o: o.drafting_office),
        Col("审查人", lambda o: o.review.reviewer_name if o.review else ""),
        Col("发现问题", lambda o: o.n_findings),
        Col("意见采纳", lambda o: o.adopted),
        Col("状态", lambda o: o.get_status_display(), "status"),
        Col("签订日期", lambda o: o.signed_on, "signed_on"),
    ],
    filters=[Filt("status", "状态", tuple(ContractStatus.choices))],
    search=("title", "counterparty", "drafting_office"),
    related=("unit", "review"),
    year_field="review__requested_on__year",
    annotate=lambda qs: qs.annotate(n_findings=Count("review__findings")),
    procedure=P.CONTRACT,
    actions=P.CONTRACT_ACTIONS,
    create_fields=services.CONTRACT_FIELDS,
    create=services.create_contract,
    detail=lambda o: model_fields(
        o, ["counterparty", "amount", "drafting_office", "adopted", "signed_on"]
    ),
    extra_template="decisions/_reviews_list.html",
    extra_context=_contract_context,
)

MATTER = Ledger(
    app="decisions",
    key="matter",
    plural="collective",
    model=CollectiveDiscussion,
    title="集体讨论决定（含“三重一大”）",
    columns=[
        Col("议题", lambda o: o.title, "title"),
        unit_col(),
        Col("事项类别", lambda o: o.get_category_display(), "category"),
        Col("会议", lambda o: o.get_meeting_kind_display()),
        Col("会议日期", lambda o: o.meeting_date, "meeting_date"),
        Col("应到/实到", lambda o: f"{o.members_total}/{o.attendees_count}"),
        Col("决定结果", lambda o: o.get_outcome_display()),
    ],
    filters=[Filt("category", "事项类别", tuple(MatterCategory.choices))],
    search=("title", "head_name"),
    year_field="meeting_date__year",
    create_fields=services.MATTER_FIELDS,
    create=lambda *, unit, actor, raw: services.record_major_matter(
        unit=unit, actor=actor, raw=raw
    ),
    detail=lambda o: model_fields(
        o,
        [
            "category",
            "meeting_kind",
            "meeting_date",
            "members_total",
            "attendees_count",
            "head_name",
            "outcome",
            "majority_view",
            "head_reason",
        ],
    ),
    extra_template="decisions/_discussion_extra.html",
    extra_context=_discussion_context,
    ordering=("-meeting_date", "-id"),
)

LEDGERS = [CATALOG, DECISION, DOCUMENT, REVIEW, CONTRACT, MATTER]
TABS = [
    ("index", "概览"),
    ("catalog_list", "决策目录"),
    ("decision_list", "重大行政决策"),
    ("matter_list", "集体讨论/三重一大"),
    ("document_list", "规范性文件"),
    ("cleanup", "文件清理"),
    ("review_list", "合法性审查"),
    ("contract_list", "合同审查"),
    ("settings", "设置"),
]
