"""The statutory order of steps of the decisions mechanism, one table per ledger.

Each ``Transition`` names the states it starts from and a guard returning the Chinese
reason a step is refused; each ``Action`` (flow.py) the input it takes and what it
writes. Pages, API and CLI all call ``flow.perform`` with these tables.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from fazhi.core import attachments, workdays
from fazhi.core.errors import InvalidInput
from fazhi.core.procedures import Checklist, Procedure, Transition
from fazhi.ledgers.fields import Action, F, preview

from . import services
from .models import (
    ContractReview,
    DecisionCatalog,
    DecisionStep,
    LegalityReview,
    MajorDecision,
    NormativeDocument,
    ReviewFinding,
)
from .models.catalog import (
    CatalogStatus,
    DecisionStatus,
    MatterCategory,
    Outcome,
    RiskLevel,
    StepKind,
)
from .models.documents import DocStatus
from .models.reviews import Conclusion, ContractStatus, ReviewStatus, Severity, SubjectKind
from .models.settings import filing_days_for

YES_NO = (("yes", "适用"), ("no", "不适用"))
MIN_COMMENT_DAYS = 30  # 条例第十四条：征求意见期限一般不少于30日
HEARING_NOTICE_DAYS = 7  # 条例第十七条：听证材料至少提前7日送达
DOC_COMMENT_WORKING_DAYS = 7


def today() -> dt.date:
    return timezone.localdate()


# === decision catalog ===================================================================

CATALOG = Procedure(
    [
        Transition(
            "approve", "审定目录", source=(CatalogStatus.DRAFT,), target=CatalogStatus.APPROVED
        ),
        Transition(
            "publish", "公布目录", source=(CatalogStatus.APPROVED,), target=CatalogStatus.PUBLISHED
        ),
    ],
    labels=CatalogStatus,
)


def _catalog_approve(c, d, user):
    c.approved_on, c.approval_meeting = d["approved_on"], d["approval_meeting"]


def _catalog_publish(c, d, user):
    if c.approved_on and d["published_on"] < c.approved_on:
        raise InvalidInput("公布日期不能早于审定日期")
    c.published_on, c.publish_channel = d["published_on"], d["publish_channel"]


CATALOG_ACTIONS = {
    "approve": Action(
        (F("approved_on", "审定日期", "date"), F("approval_meeting", "审定会议")), _catalog_approve
    ),
    "publish": Action(
        (F("published_on", "公布日期", "date"), F("publish_channel", "公布渠道")), _catalog_publish
    ),
}


# === major decisions ====================================================================


def latest_step(decision, kind):
    return decision.steps.filter(kind=kind).order_by("-id").first()


def _after(a, b) -> bool:
    """Record ``a`` was made after ``b`` (either may be None)."""
    return a is not None and (b is None or (a.created_at, a.pk) > (b.created_at, b.pk))


def review_is_current(decision) -> tuple[LegalityReview | None, str | None]:
    review = services.latest_review(decision)
    reason = services.review_refusal(review, "决策草案")
    if reason is None:
        revision = latest_step(decision, StepKind.REVISION)
        if revision is not None and revision.created_at > review.created_at:
            reason = "决策草案在合法性审查后作了修改，须重新送请合法性审查"
    return review, reason


def risk_block(decision) -> str | None:
    risk = latest_step(decision, StepKind.RISK)
    if risk is not None and risk.risk_level == RiskLevel.UNCONTROLLABLE:
        if not _after(latest_step(decision, StepKind.REVISION), risk):
            return "风险评估结论为“风险不可控”，须调整决策草案后重新评估"
        return "决策草案已调整，须重新进行风险评估"
    return None


CONDITIONAL = [
    ("participation", StepKind.PARTICIPATION, "公众参与"),
    ("expert", StepKind.EXPERT, "专家论证"),
    ("risk", StepKind.RISK, "风险评估"),
    ("hearing", StepKind.HEARING, "听证会"),
]


def pre_review_missing(decision) -> str | None:
    """What must be done before the draft goes to legality review."""
    for field, kind, label in CONDITIONAL:
        applies = getattr(decision, f"{field}_applies")
        if applies is None:
            return f"尚未确定是否需要{label}（请先记录各环节是否适用及理由）"
        if applies and latest_step(decision, kind) is None:
            return f"尚未完成{label}"
    return risk_block(decision)


def _status(decision, *allowed) -> str | None:
    if decision.status not in allowed:
        return f"当前状态为“{decision.get_status_display()}”，不能进行此环节"
    return None


def _applies(decision, field, label) -> str | None:
    applies = getattr(decision, f"{field}_applies")
    if applies is None:
        return f"请先确定是否需要{label}"
    if not applies:
        reason = getattr(decision, f"{field}_reason")
        return f"已确定不适用{label}：{reason}"
    return None


def g_applicability(decision, data):
    if preview(data):
        return None
    for field, _kind, label in CONDITIONAL:
        if data[f"{field}_applies"] == "no" and not data.get(f"{field}_reason"):
            return f"不适用{label}的，须说明理由"
    if (
        data["participation_applies"] == "no"
        and decision.steps.filter(kind="participation").exists()
    ):
        return "已记录公众参与，不能改为不适用"
    return None


def a_applicability(decision, data, user):
    for field, _kind, _label in CONDITIONAL:
        setattr(decision, f"{field}_applies", data[f"{field}_applies"] == "yes")
        setattr(decision, f"{field}_reason", data.get(f"{field}_reason") or "")


def g_participation(decision, data):
    reason = _applies(decision, "participation", "公众参与")
    if reason or preview(data):
        return reason
    start, end = data["started_on"], data["ended_on"]
    if end < start:
        return "征求意见截止日期不能早于开始日期"
    if (end - start).days < MIN_COMMENT_DAYS and not data.get("short_reason"):
        return f"征求意见期限为{(end - start).days}日，少于30日，须说明缩短期限的理由"
    if end > today():
        return f"征求意见期至{end:%Y-%m-%d}截止，尚未届满，届满后再记录意见及采纳情况"
    return None


def g_hearing(decision, data):
    reason = _applies(decision, "hearing", "听证会")
    if reason or preview(data):
        return reason
    if (data["started_on"] - data["materials_sent_on"]).days < HEARING_NOTICE_DAYS:
        return "听证材料应当至少在听证会举行7日前送达听证参加人"
    if not data["record_signed"]:
        return "听证笔录须经听证参加人确认签字"
    return None


def g_expert(decision, data):
    reason = _applies(decision, "expert", "专家论证")
    if reason or preview(data):
        return reason
    if not data["interest_excluded"]:
        return "与决策事项有直接利害关系的专家应当回避，请确认已排除"
    if not data["signed"]:
        return "专家论证意见应为书面并经专家签名"
    return None


def g_risk(decision, data):
    reason = _applies(decision, "risk", "风险评估")
    if reason:
        return reason
    prior = latest_step(decision, StepKind.RISK)
    if (
        prior is not None
        and prior.risk_level == RiskLevel.UNCONTROLLABLE
        and not _after(latest_step(decision, StepKind.REVISION), prior)
    ):
        return "上次风险评估结论为“风险不可控”，须先调整决策草案，再重新评估"
    return None


def g_review_request(decision, data):
    missing = pre_review_missing(decision)
    if missing:
        return missing
    open_review = services.reviews_of(decision).exclude(status=ReviewStatus.COMPLETED).first()
    if open_review is not None:
        return "已有一项合法性审查正在进行"
    if preview(data):
        return None
    if data["days"] < services.MIN_DECISION_REVIEW_DAYS:
        return "合法性审查时间一般不少于7个工作日"
    return None


def a_review_request(decision, data, user):
    services.request_review(
        decision,
        data,
        user,
        kind=SubjectKind.DECISION,
        label=decision.title,
        office=decision.drafting_office,
    )


def g_submit(decision, data):
    if decision.catalog.status != CatalogStatus.PUBLISHED:
        return f"{decision.year}年度决策目录尚未公布"
    missing = pre_review_missing(decision)
    if missing:
        return missing
    _review, reason = review_is_current(decision)
    return reason


def g_discussion(decision, data):
    if preview(data):
        return None
    services.check_discussion(data)  # raises InvalidInput with the reason
    return None


def a_discussion(decision, data, user):
    views = services.check_discussion(data)
    services.save_discussion(
        unit=decision.unit,
        actor=user,
        data=data,
        views=views,
        decision=decision,
        category=MatterCategory.DECISION,
        title=decision.title,
    )
    decision.status = (
        DecisionStatus.DISCUSSED if data["outcome"] == Outcome.ADOPTED else DecisionStatus.DRAFTING
    )


def g_party(decision, data):
    if preview(data):
        return None
    last = decision.discussions.order_by("-meeting_date").first()
    if last and data["reported_on"] < last.meeting_date:
        return "请示报告日期不能早于集体讨论日期"
    return None


def a_party(decision, data, user):
    decision.party_reported_on = data["reported_on"]
    _step(
        decision,
        user,
        StepKind.PARTY_REPORT,
        started_on=data["reported_on"],
        summary=data["summary"],
    )


def g_decide(decision, data):
    if preview(data):
        return None
    if decision.party_reported_on and data["decided_on"] < decision.party_reported_on:
        return "决定日期不能早于向党委请示报告日期"
    return None


def a_decide(decision, data, user):
    decision.decided_on = data["decided_on"]
    decision.decision_doc_number = data.get("decision_doc_number") or ""


def g_publish(decision, data):
    if preview(data):
        return None
    if data["published_on"] < decision.decided_on:
        return "公布日期不能早于决定日期"
    return None


def a_publish(decision, data, user):
    decision.published_on, decision.publish_channel = data["published_on"], data["publish_channel"]


def decision_has_materials(decision) -> bool:
    if attachments.for_object(decision).exists():
        return True
    from fazhi.core.models import Attachment

    ct = ContentType.objects.get_for_model(DecisionStep)
    ids = [str(pk) for pk in decision.steps.values_list("pk", flat=True)]
    return Attachment.objects.filter(content_type=ct, object_id__in=ids).exists()


def g_archive(decision, data):
    if not decision_has_materials(decision):
        return "决策档案没有任何材料：请先上传决策过程材料（草案、意见、纪要等）"
    return None


def a_archive(decision, data, user):
    decision.archived_on = data["archived_on"]


def g_evaluate(decision, data):
    return None


def _step(decision, user, kind, **fields):
    step = DecisionStep(unit=decision.unit, decision=decision, kind=kind, **fields)
    step.created_by = user
    step.save()
    return step


def a_participation(decision, data, user):
    _step(
        decision,
        user,
        StepKind.PARTICIPATION,
        started_on=data["started_on"],
        ended_on=data["ended_on"],
        people=data["people"],
        opinions_count=data["opinions_count"],
        handling=data["handling"],
        short_reason=data.get("short_reason") or "",
    )


def a_hearing(decision, data, user):
    _step(
        decision,
        user,
        StepKind.HEARING,
        started_on=data["started_on"],
        materials_sent_on=data["materials_sent_on"],
        people=data["people"],
        summary=data["summary"],
        record_signed=data["record_signed"],
    )


def a_expert(decision, data, user):
    _step(
        decision,
        user,
        StepKind.EXPERT,
        started_on=data["started_on"],
        people=data["people"],
        summary=data["summary"],
        interest_excluded=True,
        signed=True,
    )


def a_risk(decision, data, user):
    _step(
        decision,
        user,
        StepKind.RISK,
        started_on=data["started_on"],
        people=data.get("people") or "",
        risk_level=data["risk_level"],
        risk_points=data["risk_points"],
        measures=data["measures"],
        plan=data["plan"],
    )


def a_revise(decision, data, user):
    decision.summary = data["summary"]
    _step(
        decision,
        user,
        StepKind.REVISION,
        started_on=today(),
        summary=data["summary"],
        handling=data["reason"],
    )


def a_evaluate(decision, data, user):
    _step(
        decision,
        user,
        StepKind.EVALUATION,
        started_on=data["started_on"],
        people=data["people"],
        summary=data["summary"],
    )


def a_terminate(decision, data, user):
    decision.end_reason = data["reason"]


D = DecisionStatus
DECISION = Procedure(
    [
        Transition(
            "set_applicability", "确定程序环节", source=(D.DRAFTING,), guard=g_applicability
        ),
        Transition(
            "record_participation", "记录公众参与", source=(D.DRAFTING,), guard=g_participation
        ),
        Transition("record_hearing", "记录听证会", source=(D.DRAFTING,), guard=g_hearing),
        Transition("record_expert", "记录专家论证", source=(D.DRAFTING,), guard=g_expert),
        Transition("record_risk", "记录风险评估", source=(D.DRAFTING,), guard=g_risk),
        Transition("revise", "修改决策草案", source=(D.DRAFTING,)),
        Transition(
            "request_review", "送请合法性审查", source=(D.DRAFTING,), guard=g_review_request
        ),
        Transition(
            "submit", "提交集体讨论", source=(D.DRAFTING,), target=D.DISCUSSING, guard=g_submit
        ),
        Transition(
            "record_discussion", "记录集体讨论决定", source=(D.DISCUSSING,), guard=g_discussion
        ),
        Transition(
            "report_party",
            "向党委请示报告",
            source=(D.DISCUSSED,),
            target=D.REPORTED,
            guard=g_party,
        ),
        Transition("decide", "作出决定", source=(D.REPORTED,), target=D.DECIDED, guard=g_decide),
        Transition("publish", "公布决策", source=(D.DECIDED,), target=D.PUBLISHED, guard=g_publish),
        Transition("archive", "归档", source=(D.PUBLISHED,), target=D.ARCHIVED, guard=g_archive),
        Transition(
            "evaluate", "记录决策后评估", source=(D.PUBLISHED, D.ARCHIVED), guard=g_evaluate
        ),
        Transition(
            "terminate",
            "终止决策",
            source=(D.DRAFTING, D.DISCUSSING, D.DISCUSSED),
            target=D.TERMINATED,
            danger=True,
        ),
    ],
    labels=DecisionStatus,
)

_applicability_fields = []
for _f, _k, _label in CONDITIONAL:
    _applicability_fields += [
        F(f"{_f}_applies", f"是否需要{_label}", "choice", choices=YES_NO),
        F(f"{_f}_reason", f"{_label}适用说明（不适用时必填）", "textarea", required=False),
    ]

DECISION_ACTIONS = {
    "set_applicability": Action(tuple(_applicability_fields), a_applicability),
    "record_participation": Action(
        (
            F("started_on", "征求意见开始日期", "date"),
            F("ended_on", "征求意见截止日期", "date"),
            F("people", "参与方式与对象（座谈会、网上征求意见等）", "textarea"),
            F("opinions_count", "收到意见数", "int"),
            F("handling", "意见采纳情况及理由", "textarea"),
            F("short_reason", "期限少于30日的理由", "textarea", required=False),
        ),
        a_participation,
    ),
    "record_hearing": Action(
        (
            F("materials_sent_on", "听证材料送达日期", "date"),
            F("started_on", "听证会日期", "date"),
            F("people", "听证参加人（提前公布）", "textarea"),
            F("summary", "听证意见", "textarea"),
            F("record_signed", "听证笔录已经参加人确认签字", "bool"),
        ),
        a_hearing,
    ),
    "record_expert": Action(
        (
            F("started_on", "论证日期", "date"),
            F("people", "论证专家", "textarea"),
            F("summary", "论证意见", "textarea"),
            F("interest_excluded", "已排除与决策事项有直接利害关系的专家", "bool"),
            F("signed", "论证意见为书面并经专家签名", "bool"),
        ),
        a_expert,
    ),
    "record_risk": Action(
        (
            F("started_on", "评估日期", "date"),
            F("people", "评估单位/人员", required=False),
            F("risk_level", "评估结论", "choice", choices=tuple(RiskLevel.choices)),
            F("risk_points", "风险点", "textarea"),
            F("measures", "防范化解措施", "textarea"),
            F("plan", "处置预案", "textarea"),
        ),
        a_risk,
    ),
    "revise": Action(
        (F("summary", "修改后的决策草案要点", "textarea"), F("reason", "修改原因", "textarea")),
        a_revise,
    ),
    "request_review": Action(
        (F("requested_on", "送审日期", "date"), F("days", "审查时间（工作日，不少于7）", "int")),
        a_review_request,
    ),
    "record_discussion": Action(services.DISCUSSION_FIELDS, a_discussion),
    "report_party": Action(
        (F("reported_on", "请示报告日期", "date"), F("summary", "请示报告情况", "textarea")),
        a_party,
    ),
    "decide": Action(
        (F("decided_on", "决定日期", "date"), F("decision_doc_number", "决定文号", required=False)),
        a_decide,
    ),
    "publish": Action(
        (F("published_on", "公布日期", "date"), F("publish_channel", "公布渠道")), a_publish
    ),
    "archive": Action((F("archived_on", "归档日期", "date"),), a_archive),
    "evaluate": Action(
        (
            F("started_on", "评估日期", "date"),
            F("people", "评估单位/人员"),
            F("summary", "评估结论", "textarea"),
        ),
        a_evaluate,
    ),
    "terminate": Action((F("reason", "终止理由", "textarea"),), a_terminate),
}


def checklist(decision) -> list[dict]:
    """The procedure as a checklist: done, required next, to do, not applicable (with reason)."""
    rows = Checklist()
    add = rows.add
    steps = {}
    for s in decision.steps.all():
        steps[s.kind] = s  # latest wins (ordered by id)

    cat = decision.catalog
    add(
        "纳入年度决策目录",
        "done" if cat.status == CatalogStatus.PUBLISHED else "todo",
        ("目录外增补：" + decision.added_reason)
        if decision.added_reason
        else f"{cat.title}（{cat.get_status_display()}）",
    )
    for field, kind, label in CONDITIONAL:
        applies = getattr(decision, f"{field}_applies")
        reason = getattr(decision, f"{field}_reason")
        if applies is None:
            add(label, "todo", "尚未确定是否适用")
        elif not applies:
            add(label, "na", reason)
        elif kind in steps:
            s = steps[kind]
            note = f"{s.started_on or ''}"
            if kind == StepKind.RISK:
                note += f" 结论：{s.get_risk_level_display()}"
                if s.risk_level == RiskLevel.UNCONTROLLABLE:
                    add(label, "blocked", risk_block(decision) or note)
                    continue
            if kind == StepKind.PARTICIPATION:
                note = f"{s.started_on}至{s.ended_on}，收到意见{s.opinions_count}条"
            add(label, "done", note + (f"；{reason}" if reason else ""))
        else:
            add(label, "todo", reason)
    review, reason = review_is_current(decision)
    if reason is None:
        add(
            "合法性审查",
            "done",
            f"{review.get_conclusion_display()}（{review.opinion_on}，用时{review.working_days_taken}个工作日）",
        )
    elif (
        review is not None
        and review.status == ReviewStatus.COMPLETED
        and review.conclusion == Conclusion.UNLAWFUL
    ):
        add("合法性审查", "blocked", reason)
    else:
        add("合法性审查", "todo", reason or "")
    disc = decision.discussions.order_by("-meeting_date", "-id").first()
    if disc and disc.outcome == Outcome.ADOPTED:
        add(
            "集体讨论决定",
            "done",
            f"{disc.meeting_date} {disc.get_meeting_kind_display()}：{disc.get_outcome_display()}",
        )
    else:
        add("集体讨论决定", "todo", f"上次：{disc.get_outcome_display()}" if disc else "")
    add(
        "向党委请示报告",
        "done" if decision.party_reported_on else "todo",
        str(decision.party_reported_on or ""),
    )
    add("作出决定", "done" if decision.decided_on else "todo", str(decision.decided_on or ""))
    add("公布", "done" if decision.published_on else "todo", decision.publish_channel)
    add("归档", "done" if decision.archived_on else "todo", str(decision.archived_on or ""))
    ev = steps.get(StepKind.EVALUATION)
    add("决策后评估（可选）", "done" if ev else "optional", ev.summary[:60] if ev else "")
    return list(rows) if decision.status == DecisionStatus.TERMINATED else rows.mark_next()


# === legality reviews ===================================================================

R = ReviewStatus


def g_assign(review, data):
    if preview(data):
        return None
    if data["reviewer_office"].strip() == review.drafting_office.strip():
        return "审查人不得来自起草（承办）单位"
    if review.created_by_id and data["reviewer"].pk == review.created_by_id:
        return "送审人不能审查自己送审的事项"
    if review.subject_kind == SubjectKind.ENFORCEMENT and not data.get("reviewer_qualification"):
        return "重大执法决定法制审核人员应当具有法律职业资格，请填写法律职业资格证书编号"
    return None


def a_assign(review, data, user):
    review.reviewer = data["reviewer"]
    review.reviewer_name = data["reviewer"].label
    review.reviewer_office = data["reviewer_office"]
    review.reviewer_qualification = data.get("reviewer_qualification") or ""


def g_opinion(review, data):
    if preview(data):
        return None
    if data["opinion_on"] < review.requested_on:
        return "出具意见日期不能早于送审日期"
    if data["conclusion"] == Conclusion.LAWFUL and review.open_findings.exists():
        return "尚有未整改的问题，结论不能为“合法”"
    return None


def a_opinion(review, data, user):
    review.conclusion, review.opinion, review.opinion_on = (
        data["conclusion"],
        data["opinion"],
        data["opinion_on"],
    )
    review.working_days_taken = max(
        0, workdays.working_days_between(review.requested_on, data["opinion_on"])
    )


def a_finding(review, data, user):
    f = ReviewFinding(
        unit=review.unit, review=review, description=data["description"], severity=data["severity"]
    )
    f.created_by = user
    f.save()


def g_fix(review, data):
    if preview(data):
        return None if review.open_findings.exists() else "没有待整改的问题"
    f = review.findings.filter(pk=data["finding"]).first()
    if f is None:
        return "该问题不属于本次审查"
    if f.fixed:
        return "该问题已整改"
    return None


def a_fix(review, data, user):
    f = review.findings.get(pk=data["finding"])
    f.fixed, f.fixed_on, f.fix_note = True, data["fixed_on"], data["fix_note"]
    f.save()


REVIEW = Procedure(
    [
        Transition(
            "assign", "分配审查人", source=(R.REQUESTED,), target=R.ASSIGNED, guard=g_assign
        ),
        Transition("add_finding", "记录发现的问题", source=(R.ASSIGNED, R.COMPLETED)),
        Transition("fix_finding", "记录问题整改", source=(R.ASSIGNED, R.COMPLETED), guard=g_fix),
        Transition(
            "give_opinion",
            "出具审查意见",
            source=(R.ASSIGNED,),
            target=R.COMPLETED,
            guard=g_opinion,
        ),
    ],
    labels=ReviewStatus,
)
REVIEW_ACTIONS = {
    "assign": Action(
        (
            F("reviewer", "审查人（用户名）", "user"),
            F("reviewer_office", "审查人所在机构（如司法所、法律顾问）"),
            F(
                "reviewer_qualification",
                "法律职业资格证书编号（执法决定法制审核必填）",
                required=False,
            ),
        ),
        a_assign,
    ),
    "add_finding": Action(
        (
            F("description", "发现的问题", "textarea"),
            F("severity", "严重程度", "choice", choices=tuple(Severity.choices)),
        ),
        a_finding,
    ),
    "fix_finding": Action(
        (
            F("finding", "问题编号", "int"),
            F("fixed_on", "整改日期", "date"),
            F("fix_note", "整改情况", "textarea"),
        ),
        a_fix,
    ),
    "give_opinion": Action(
        (
            F("conclusion", "审查结论", "choice", choices=tuple(Conclusion.choices)),
            F("opinion", "审查意见", "textarea"),
            F("opinion_on", "出具意见日期", "date"),
        ),
        a_opinion,
    ),
}


# === normative documents ================================================================

S = DocStatus


def g_start_comment(doc, data):
    if not doc.comment_required:
        return f"已确定不需要公开征求意见：{doc.comment_reason}"
    if preview(data):
        return None
    minimum = workdays.add_working_days(data["comment_start"], DOC_COMMENT_WORKING_DAYS)
    if data["comment_end"] < minimum.date:
        return f"征求意见期限不少于7个工作日：截止日期不得早于{minimum}"
    return None


def a_start_comment(doc, data, user):
    doc.comment_start, doc.comment_end = data["comment_start"], data["comment_end"]


def g_finish_comment(doc, data):
    if doc.comment_end and today() <= doc.comment_end:
        return f"征求意见期至{doc.comment_end:%Y-%m-%d}，尚未届满"
    return None


def a_finish_comment(doc, data, user):
    doc.comments_count, doc.comment_handling = data["comments_count"], data["comment_handling"]
    doc.status = S.DRAFTING


def g_doc_review(doc, data):
    if doc.comment_required and doc.comments_count is None:
        return "须先完成公开征求意见（不少于7个工作日）"
    if preview(data):
        return None
    if not 1 <= data["days"] <= 60:
        return "审查时间应为1至60个工作日"
    return None


def a_doc_review(doc, data, user):
    doc.review = services.request_review(
        doc, data, user, kind=SubjectKind.DOCUMENT, label=doc.title, office=doc.drafting_office
    )


def _doc_review_reason(doc) -> str | None:
    if doc.review_id is None:
        return "未经合法性审查的规范性文件不得提交审议或发布"
    return services.review_refusal(doc.review, "规范性文件")


def g_deliberate(doc, data):
    reason = _doc_review_reason(doc)
    if reason or preview(data):
        return reason
    if doc.review.opinion_on and data["deliberated_on"] < doc.review.opinion_on:
        return "审议日期不能早于合法性审查意见日期"
    return None


def a_deliberate(doc, data, user):
    doc.deliberated_on, doc.deliberation_meeting = (
        data["deliberated_on"],
        data["deliberation_meeting"],
    )


def g_return(doc, data):
    if doc.review_id and doc.review.status != ReviewStatus.COMPLETED:
        return "合法性审查尚未出具意见"
    return None


def a_return(doc, data, user):
    doc.review = None


def g_doc_publish(doc, data):
    reason = _doc_review_reason(doc)
    if reason:
        return reason.replace("不得提交审议或发布", "不得发布")
    if doc.status != S.DELIBERATED or doc.deliberated_on is None:
        return "未经集体审议的规范性文件不得发布"
    if preview(data):
        return None
    if data["published_on"] < doc.deliberated_on:
        return "发布日期不能早于集体审议日期"
    return None


def a_doc_publish(doc, data, user):
    doc.published_on = data["published_on"]
    doc.effective_on = data.get("effective_on") or data["published_on"]
    doc.valid_until = data.get("valid_until") or workdays.add_months(doc.effective_on, 60)
    doc.doc_number, doc.number_seq = services.next_doc_number(doc.unit, data["published_on"].year)
    doc.number_year = data["published_on"].year
    due = workdays.add_calendar_days(doc.published_on, filing_days_for(doc.unit))
    doc.filing_due, doc.filing_due_provisional = due.date, due.provisional


def g_file(doc, data):
    if preview(data):
        return None
    if data["filed_on"] < doc.published_on:
        return "报备日期不能早于发布日期"
    return None


def a_file(doc, data, user):
    doc.filed_on, doc.filed_with = data["filed_on"], data["filed_with"]
    doc.filed_on_time = doc.filed_on <= doc.filing_due


def a_end(doc, data, user):
    doc.ended_on, doc.end_reason = data["ended_on"], data["reason"]


DOCUMENT = Procedure(
    [
        Transition(
            "start_comment",
            "公开征求意见",
            source=(S.DRAFTING,),
            target=S.COMMENTING,
            guard=g_start_comment,
        ),
        Transition(
            "finish_comment", "征求意见结束", source=(S.COMMENTING,), guard=g_finish_comment
        ),
        Transition(
            "request_review",
            "送请合法性审查",
            source=(S.DRAFTING,),
            target=S.REVIEWING,
            guard=g_doc_review,
        ),
        Transition(
            "deliberate",
            "集体审议",
            source=(S.REVIEWING,),
            target=S.DELIBERATED,
            guard=g_deliberate,
        ),
        Transition(
            "return_draft", "退回修改", source=(S.REVIEWING,), target=S.DRAFTING, guard=g_return
        ),
        Transition(
            "publish",
            "登记编号并发布",
            source=(S.DRAFTING, S.COMMENTING, S.REVIEWING, S.DELIBERATED),
            target=S.PUBLISHED,
            guard=g_doc_publish,
        ),
        Transition("file", "报送备案", source=(S.PUBLISHED,), target=S.FILED, guard=g_file),
        Transition("amend", "修改", source=(S.PUBLISHED, S.FILED), target=S.AMENDED),
        Transition("repeal", "废止", source=(S.PUBLISHED, S.FILED), target=S.REPEALED, danger=True),
    ],
    labels=DocStatus,
)
DOCUMENT_ACTIONS = {
    "start_comment": Action(
        (
            F("comment_start", "征求意见开始日期", "date"),
            F("comment_end", "征求意见截止日期", "date"),
        ),
        a_start_comment,
    ),
    "finish_comment": Action(
        (
            F("comments_count", "收到意见数", "int"),
            F("comment_handling", "意见采纳情况", "textarea"),
        ),
        a_finish_comment,
    ),
    "request_review": Action(
        (F("requested_on", "送审日期", "date"), F("days", "审查时间（工作日）", "int")),
        a_doc_review,
    ),
    "deliberate": Action(
        (F("deliberated_on", "审议日期", "date"), F("deliberation_meeting", "审议会议")),
        a_deliberate,
    ),
    "return_draft": Action((), a_return),
    "publish": Action(
        (
            F("published_on", "发布日期", "date"),
            F("effective_on", "施行日期", "date", required=False),
            F("valid_until", "有效期至（不填为5年）", "date", required=False),
        ),
        a_doc_publish,
    ),
    "file": Action((F("filed_on", "报备日期", "date"), F("filed_with", "备案机关")), a_file),
    "amend": Action(
        (F("ended_on", "修改日期", "date"), F("reason", "修改理由", "textarea")), a_end
    ),
    "repeal": Action(
        (F("ended_on", "废止日期", "date"), F("reason", "废止理由", "textarea")), a_end
    ),
}


def document_checklist(doc) -> list[dict]:
    rows = Checklist()
    add = rows.add
    add("起草", "done", doc.drafting_office)
    if not doc.comment_required:
        add("公开征求意见", "na", doc.comment_reason)
    elif doc.comments_count is not None:
        add(
            "公开征求意见",
            "done",
            f"{doc.comment_start}至{doc.comment_end}，收到意见{doc.comments_count}条",
        )
    else:
        add(
            "公开征求意见",
            "todo",
            f"截止 {doc.comment_end}" if doc.comment_end else "不少于7个工作日",
        )
    reason = _doc_review_reason(doc)
    add(
        "合法性审查",
        "done"
        if reason is None
        else ("blocked" if doc.review_id and doc.review.status == "completed" else "todo"),
        reason or f"{doc.review.get_conclusion_display()}（{doc.review.opinion_on}）",
    )
    add("集体审议", "done" if doc.deliberated_on else "todo", doc.deliberation_meeting)
    add("统一登记、编号、发布", "done" if doc.published_on else "todo", doc.doc_number)
    if doc.filed_on:
        add("报送备案", "done", f"{doc.filed_on}{'（按时）' if doc.filed_on_time else '（逾期）'}")
    else:
        add(
            "报送备案",
            "todo",
            f"期限 {doc.filing_due}" if doc.filing_due else "发布后按县规定期限报备",
        )
    return rows.mark_next()


# === contract reviews ===================================================================

C = ContractStatus


def g_adoption(contract, data):
    if contract.review is None or contract.review.status != ReviewStatus.COMPLETED:
        return "合法性审查尚未出具意见"
    return None


def a_adoption(contract, data, user):
    contract.adopted = data["adopted"] == "yes"


def g_sign(contract, data):
    if contract.review is None or contract.review.status != ReviewStatus.COMPLETED:
        return "合同未经合法性审查出具意见，不得签订"
    if contract.status == C.REVIEWING:
        return "请先记录审查意见是否采纳"
    if contract.review.conclusion == Conclusion.UNLAWFUL and not contract.adopted:
        return "审查认为合同不合法且意见未被采纳，不得签订"
    if contract.review.open_findings.exists():
        return "审查发现的问题尚未整改，不得签订"
    if preview(data):
        return None
    if data["signed_on"] < contract.review.opinion_on:
        return "签订日期不能早于审查意见日期"
    return None


def a_sign(contract, data, user):
    contract.signed_on = data["signed_on"]


CONTRACT = Procedure(
    [
        Transition(
            "record_adoption",
            "记录意见采纳情况",
            source=(C.REVIEWING,),
            target=C.REVIEWED,
            guard=g_adoption,
        ),
        Transition("sign", "签订", source=(C.REVIEWING, C.REVIEWED), target=C.SIGNED, guard=g_sign),
        Transition(
            "abandon", "不予签订", source=(C.REVIEWING, C.REVIEWED), target=C.ABANDONED, danger=True
        ),
    ],
    labels=ContractStatus,
)
CONTRACT_ACTIONS = {
    "record_adoption": Action(
        (F("adopted", "审查意见是否采纳", "choice", choices=(("yes", "采纳"), ("no", "未采纳"))),),
        a_adoption,
    ),
    "sign": Action((F("signed_on", "签订日期", "date"),), a_sign),
    "abandon": Action(),
}

PROCEDURES = {
    DecisionCatalog: (CATALOG, CATALOG_ACTIONS),
    MajorDecision: (DECISION, DECISION_ACTIONS),
    LegalityReview: (REVIEW, REVIEW_ACTIONS),
    NormativeDocument: (DOCUMENT, DOCUMENT_ACTIONS),
    ContractReview: (CONTRACT, CONTRACT_ACTIONS),
}
