"""Creating decisions-mechanism records. Every function is atomic, takes ``actor=`` and
checks the actor may change records of the unit; steps after creation go through
``procedures`` (``flow.perform``)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from fazhi.core import audit, scoping, workdays
from fazhi.core.errors import InvalidInput
from fazhi.core.roles import Perm
from fazhi.ledgers import fields as flow
from fazhi.ledgers.fields import F

from .models import (
    CollectiveDiscussion,
    ContractReview,
    DecisionCatalog,
    DecisionsSettings,
    DocumentRegister,
    LegalityReview,
    MajorDecision,
    MemberView,
    NormativeDocument,
)
from .models.catalog import CatalogStatus, MatterCategory, MeetingKind, Outcome, View
from .models.reviews import SubjectKind

MIN_DECISION_REVIEW_DAYS = 7  # 《重大行政决策程序暂行条例》第二十七条：一般不少于7个工作日


def check_can_change(actor, unit) -> None:
    scoping.require(actor, Perm.CHANGE, unit, "您的角色无权在该单位登记")


def _created(obj, actor) -> None:
    audit.record(audit.E.CREATE, obj=obj, user=actor)


# --- catalog and decisions -------------------------------------------------------------

CATALOG_FIELDS = (
    F("year", "年度", "int"),
    F("title", "目录名称", required=False),
)


@transaction.atomic
def create_catalog(*, unit, actor, year: int, title: str = "") -> DecisionCatalog:
    check_can_change(actor, unit)
    if not 2000 <= year <= 2100:
        raise InvalidInput("年度不正确")
    if DecisionCatalog.objects.filter(unit=unit, year=year).exists():
        raise InvalidInput(f"{unit.name}{year}年度的重大行政决策目录已存在")
    cat = DecisionCatalog(
        unit=unit, year=year, title=title or f"{unit.name}{year}年度重大行政决策事项目录"
    )
    cat.created_by = actor
    cat.save()
    _created(cat, actor)
    return cat


DECISION_FIELDS = (
    F("title", "决策事项"),
    F("year", "年度", "int"),
    F("drafting_office", "承办单位"),
    F("summary", "决策草案要点", "textarea", required=False),
    F("added_reason", "目录外增补理由（目录已公布时必填）", "textarea", required=False),
)


@transaction.atomic
def create_decision(
    *, unit, actor, title: str, year: int, drafting_office: str, summary: str = "", added_reason=""
) -> MajorDecision:
    check_can_change(actor, unit)
    catalog = DecisionCatalog.objects.filter(unit=unit, year=year).first()
    if catalog is None:
        raise InvalidInput(f"请先建立{unit.name}{year}年度重大行政决策目录，再登记决策事项")
    added_reason = (added_reason or "").strip()
    if catalog.status != CatalogStatus.DRAFT and not added_reason:
        raise InvalidInput("决策目录已审定，增补目录外事项须说明理由")
    d = MajorDecision(
        unit=unit,
        year=year,
        title=title,
        catalog=catalog,
        drafting_office=drafting_office,
        summary=summary or "",
        added_reason=added_reason,
    )
    d.created_by = actor
    d.save()
    _created(d, actor)
    return d


# --- collective discussions (also "三重一大" on their own) --------------------------------

VIEW_WORDS = {
    "同意": View.AGREE,
    "不同意": View.DISAGREE,
    "反对": View.DISAGREE,
    "弃权": View.ABSTAIN,
}

DISCUSSION_FIELDS = (
    F("meeting_kind", "会议", "choice", choices=tuple(MeetingKind.choices)),
    F("meeting_date", "会议日期", "date"),
    F("members_total", "应到人数", "int"),
    F("attendees_count", "实到人数", "int"),
    F("head_name", "主要负责人（主持人）"),
    F(
        "views",
        "参会人员意见（按发言顺序每行一人：姓名|职务|同意/不同意/弃权|发言要点；主要负责人最后发言）",
        "textarea",
    ),
    F("outcome", "决定结果", "choice", choices=tuple(Outcome.choices)),
    F("head_reason", "主要负责人不同于多数意见时的理由", "textarea", required=False),
)


def check_discussion(data: dict) -> list[dict]:
    """Validate a collective discussion; returns the parsed member views. Raises InvalidInput."""
    total, present = data["members_total"], data["attendees_count"]
    if total < 1 or present > total:
        raise InvalidInput("实到人数不能超过应到人数")
    if present * 2 <= total:
        raise InvalidInput(f"实到{present}人，未超过应到{total}人的半数，会议不能作出决定")
    rows = flow.parse_lines(data["views"])
    if len(rows) != present:
        raise InvalidInput(
            f"参会人员意见共{len(rows)}条，与实到人数{present}不一致：每位参会人员都应记录意见"
        )
    head = data["head_name"].strip()
    views = []
    for i, parts in enumerate(rows, start=1):
        if len(parts) < 3:
            raise InvalidInput(f"第{i}行格式应为“姓名|职务|同意/不同意/弃权|发言要点”")
        name, title, word = parts[0], parts[1], parts[2]
        statement = "|".join(parts[3:]).strip()
        if word not in VIEW_WORDS:
            raise InvalidInput(f"第{i}行的意见应为“同意”“不同意”或“弃权”")
        view = VIEW_WORDS[word]
        if view == View.DISAGREE and not statement:
            raise InvalidInput(f"第{i}行（{name}）为不同意意见，须如实记录其发言理由")
        views.append(
            {
                "order": i,
                "name": name,
                "title": title,
                "view": view,
                "statement": statement,
                "is_head": name == head,
            }
        )
    heads = [v for v in views if v["is_head"]]
    if not heads:
        raise InvalidInput(f"参会人员意见中没有主要负责人“{head}”")
    if views[-1]["name"] != head:
        raise InvalidInput("主要负责人应当最后发表意见")
    agree = sum(1 for v in views if v["view"] == View.AGREE)
    majority = Outcome.ADOPTED if agree * 2 > present else Outcome.REJECTED
    data["_majority"] = majority
    if data["outcome"] != Outcome.DEFERRED and data["outcome"] != majority:
        if not (data.get("head_reason") or "").strip():
            raise InvalidInput("决定结果与多数人意见不一致，须记录主要负责人的理由")
    return views


def save_discussion(
    *, unit, actor, data: dict, views: list[dict], decision=None, category, title: str
) -> CollectiveDiscussion:
    cd = CollectiveDiscussion(
        unit=unit,
        decision=decision,
        category=category,
        title=title,
        meeting_kind=data["meeting_kind"],
        meeting_date=data["meeting_date"],
        members_total=data["members_total"],
        attendees_count=data["attendees_count"],
        head_name=data["head_name"],
        outcome=data["outcome"],
        majority_view=data.get("_majority", ""),
        head_reason=data.get("head_reason") or "",
    )
    cd.created_by = actor
    cd.save()
    for v in views:
        MemberView.objects.create(discussion=cd, **v)
    _created(cd, actor)
    return cd


MATTER_FIELDS = (
    F("title", "议题"),
    F(
        "category",
        "事项类别",
        "choice",
        choices=tuple(c for c in MatterCategory.choices if c[0] != MatterCategory.DECISION),
    ),
    *DISCUSSION_FIELDS,
)


@transaction.atomic
def record_major_matter(*, unit, actor, raw: dict) -> CollectiveDiscussion:
    """A "三重一大" matter: the collective decision record without the rest of the procedure."""
    check_can_change(actor, unit)
    data = flow.parse(MATTER_FIELDS, raw)
    views = check_discussion(data)
    return save_discussion(
        unit=unit,
        actor=actor,
        data=data,
        views=views,
        category=data["category"],
        title=data["title"],
    )


# --- legality reviews -----------------------------------------------------------------


def request_review(
    subject, data: dict, actor, *, kind: str, label: str, office: str
) -> LegalityReview:
    """Open a legality review of ``subject`` (inside the caller's transaction), asked for by
    a procedure step or form whose ``data`` gave ``requested_on`` and ``days``."""
    requested_on = data["requested_on"]
    due = workdays.add_working_days(requested_on, data["days"])
    review = LegalityReview(
        unit=subject.unit,
        subject_kind=kind,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=str(subject.pk),
        subject_label=label[:200],
        drafting_office=office,
        requested_on=requested_on,
        due_date=due.date,
        due_provisional=due.provisional,
    )
    review.created_by = actor
    review.save()
    _created(review, actor)
    return review


def reviews_of(obj):
    return LegalityReview.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).order_by("-requested_on", "-id")


def latest_review(obj) -> LegalityReview | None:
    return reviews_of(obj).first()


def review_refusal(review: LegalityReview | None, what: str) -> str | None:
    """Why ``review`` does not clear the way (None if it does)."""
    if review is None:
        return f"未经合法性审查的{what}不得提交"
    if review.status != "completed":
        return f"合法性审查尚未出具意见（期限 {review.due_date:%Y-%m-%d}）"
    if review.conclusion == "unlawful":
        return "合法性审查结论为“不合法”，须修改后重新送审"
    n = review.open_findings.count()
    if n:
        return f"合法性审查发现的{n}个问题尚未整改"
    return None


# --- normative documents --------------------------------------------------------------

DOCUMENT_FIELDS = (
    F("title", "文件名称"),
    F("drafting_office", "起草单位"),
    F(
        "comment_required",
        "是否需要公开征求意见",
        "choice",
        choices=(("yes", "需要"), ("no", "不需要")),
    ),
    F("comment_reason", "不征求意见的理由（选“不需要”时必填）", "textarea", required=False),
)


@transaction.atomic
def create_document(*, unit, actor, raw: dict) -> NormativeDocument:
    check_can_change(actor, unit)
    data = flow.parse(DOCUMENT_FIELDS, raw)
    required = data["comment_required"] == "yes"
    if not required and not data["comment_reason"]:
        raise InvalidInput("不公开征求意见的，须说明理由")
    doc = NormativeDocument(
        unit=unit,
        title=data["title"],
        drafting_office=data["drafting_office"],
        comment_required=required,
        comment_reason=data["comment_reason"] or "",
    )
    doc.created_by = actor
    doc.save()
    _created(doc, actor)
    return doc


def next_doc_number(unit, year: int) -> tuple[str, int]:
    """The next number of the unit's one register (row-locked; inside a transaction)."""
    reg = DocumentRegister.objects.select_for_update().filter(unit=unit, year=year).first()
    if reg is None:
        try:
            with transaction.atomic():
                reg = DocumentRegister.objects.create(
                    unit=unit, year=year, prefix=f"{unit.name[:4]}规"
                )
        except IntegrityError:
            pass
        reg = DocumentRegister.objects.select_for_update().get(unit=unit, year=year)
    reg.last_number += 1
    reg.save()
    return f"{reg.prefix}〔{year}〕{reg.last_number}号", reg.last_number


@transaction.atomic
def save_settings(*, county, actor, filing_days: int) -> DecisionsSettings:
    if county.kind != "county":
        raise InvalidInput("报备期限由县(区)设置")
    scoping.require(actor, Perm.CONFIGURE, county, "只有县级有设置权限的用户可以修改报备期限")
    if filing_days not in (15, 30):
        raise InvalidInput("报备期限应为15日或30日")
    row = DecisionsSettings.objects.filter(unit=county).first() or DecisionsSettings(unit=county)
    row.filing_days = filing_days
    row.save()
    audit.record(audit.E.CONFIG, obj=row, user=actor, detail={"filing_days": filing_days})
    return row


# --- contracts ------------------------------------------------------------------------

CONTRACT_FIELDS = (
    F("title", "合同名称"),
    F("counterparty", "合同相对方"),
    F("amount", "合同金额（元）", "decimal", required=False),
    F("drafting_office", "承办科室"),
    F("requested_on", "送审日期", "date"),
    F("days", "审查期限（工作日）", "int"),
)


@transaction.atomic
def create_contract(*, unit, actor, raw: dict) -> ContractReview:
    check_can_change(actor, unit)
    data = flow.parse(CONTRACT_FIELDS, raw)
    if not 1 <= data["days"] <= 60:
        raise InvalidInput("审查期限应为1至60个工作日")
    c = ContractReview(
        unit=unit,
        title=data["title"],
        counterparty=data["counterparty"],
        amount=data["amount"],
        drafting_office=data["drafting_office"],
    )
    c.created_by = actor
    c.save()
    c.review = request_review(
        c,
        data,
        actor,
        kind=SubjectKind.CONTRACT,
        label=f"{c.title}（{c.counterparty}）",
        office=c.drafting_office,
    )
    c.save()
    _created(c, actor)
    return c
