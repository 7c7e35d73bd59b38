"""Creating enforcement records (certificates, cases, reconsiderations, lawsuits)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fazhi.core import audit, pii, records, scoping, workdays
from fazhi.core.errors import InvalidInput
from fazhi.core.models.units import TOWNSHIP_KINDS, UnitKind
from fazhi.core.roles import Perm
from fazhi.ledgers import fields as flow
from fazhi.ledgers.fields import F

from .models import (
    DEFAULT_DISPLAY_DAYS,
    CaseKind,
    CaseReview,
    DiscretionStandard,
    EnforcementCase,
    EnforcementCertificate,
    EnforcementSettings,
    Litigation,
    Reconsideration,
    Responsibility,
    ReviewGrade,
    Sector,
    StaffTraining,
    StandardStatus,
    SubjectType,
    SupervisionVisit,
    VisitKind,
)

DECISION_DAYS = 90  # 行政处罚法第六十条：自立案之日起九十日内作出决定
RENEWAL_NOTICE_DAYS = 30


def check_can_change(actor, unit) -> None:
    scoping.require(actor, Perm.CHANGE, unit, "您的角色无权在该单位登记")


def display_days_for(unit) -> int:
    county = unit if unit.kind == "county" else unit.county()
    row = EnforcementSettings.objects.filter(unit=county).first() if county else None
    return row.display_days if row else DEFAULT_DISPLAY_DAYS


CERT_FIELDS = (
    F("holder_name", "持证人"),
    F("number", "执法证号"),
    F("area", "执法领域", required=False),
    F("issued_on", "发证日期", "date"),
    F("expires_on", "有效期至", "date"),
    F("holder", "持证人账号（用户名，可不填）", "user", required=False),
)


@transaction.atomic
def create_certificate(*, unit, actor, raw) -> EnforcementCertificate:
    check_can_change(actor, unit)
    data = flow.parse(CERT_FIELDS, raw)
    if data["expires_on"] <= data["issued_on"]:
        raise InvalidInput("有效期至应晚于发证日期")
    if EnforcementCertificate.objects.filter(number=data["number"]).exists():
        raise InvalidInput(f"执法证号“{data['number']}”已登记")
    cert = EnforcementCertificate(unit=unit, **data)
    cert.area = cert.area or ""
    cert.created_by = actor
    cert.save()
    audit.record(audit.E.CREATE, obj=cert, user=actor)
    return cert


def officers_refusal(unit, ids, day: dt.date) -> str | None:
    """Why these certificates cannot be assigned to a case of ``unit`` on ``day`` (None = fine)."""
    ids = list(dict.fromkeys(ids or []))
    if len(ids) < 2:
        return "执法人员不得少于两人"
    county = unit.county() or unit
    certs = list(
        EnforcementCertificate.objects.filter(pk__in=ids, unit__path__startswith=county.path)
    )
    if len(certs) != len(ids):
        return "所选执法证件不存在或不属于本县"
    for c in certs:
        if c.revoked:
            return f"{c.holder_name}的执法证件已注销，不得从事执法"
        if c.expires_on < day:
            return f"{c.holder_name}的执法证件已于{c.expires_on:%Y-%m-%d}过期，请先换发"
        if c.issued_on > day:
            return f"{c.holder_name}的执法证件尚未生效"
    if len({c.holder_name for c in certs}) < 2:
        return "执法人员不得少于两人"
    return None


CASE_FIELDS = (
    F("kind", "执法类别", "choice", choices=tuple(CaseKind.choices)),
    F(
        "sector",
        "执法领域",
        "choice",
        required=False,
        choices=tuple(Sector.choices),
        help="如 安全生产、食品药品、生态环境",
    ),
    F("subject_type", "当事人类型", "choice", choices=tuple(SubjectType.choices)),
    F("subject_name", "当事人"),
    F("id_number", "身份证号（自然人）", required=False),
    F("phone", "联系电话", required=False),
    F("legal_basis", "法律依据", "textarea"),
    F("facts", "案情摘要", "textarea", required=False),
    F("opened_on", "立案日期", "date"),
    F("officers", "执法人员（至少两名持有效执法证件）", "ints"),
)


def _next_number(unit, year: int) -> str:
    n = EnforcementCase.objects.filter(unit=unit, opened_on__year=year).count() + 1
    return f"{unit.name}执〔{year}〕{n}号"


@transaction.atomic
def create_case(*, unit, actor, raw) -> EnforcementCase:
    check_can_change(actor, unit)
    data = flow.parse(CASE_FIELDS, raw)
    if data["opened_on"] > timezone.localdate():
        raise InvalidInput("立案日期不能晚于今天")
    if data["id_number"]:
        data["id_number"] = pii.normalize_resident_id(data["id_number"])
        if data["subject_type"] == SubjectType.NATURAL and not pii.is_valid_resident_id(
            data["id_number"]
        ):
            raise InvalidInput("身份证号码不正确")
    if data["phone"] and not pii.is_valid_mobile(data["phone"]):
        raise InvalidInput("手机号码不正确")
    # Valid when the case was opened and today, when they are assigned.
    reason = officers_refusal(unit, data["officers"], data["opened_on"]) or officers_refusal(
        unit, data["officers"], timezone.localdate()
    )
    if reason:
        raise InvalidInput(reason)
    due = workdays.add_calendar_days(data["opened_on"], DECISION_DAYS)
    case = EnforcementCase(
        unit=unit,
        number=_next_number(unit, data["opened_on"].year),
        kind=data["kind"],
        sector=data["sector"] or "",
        subject_type=data["subject_type"],
        subject_name=data["subject_name"],
        id_number=data["id_number"] or "",
        phone=data["phone"] or "",
        legal_basis=data["legal_basis"],
        facts=data["facts"] or "",
        opened_on=data["opened_on"],
        decision_due=due.date,
        decision_due_provisional=due.provisional,
    )
    case.created_by = actor
    case.save()
    case.officers.set(data["officers"])
    audit.record(audit.E.CREATE, obj=case, user=actor)
    return case


# What an existing case's edit page, PATCH and ``fazhi enforcement case update`` change:
# the sector (a case registered before sectors were kept gets one) and the summary.
CASE_EDIT_FIELDS = (
    F("sector", "执法领域", "choice", required=False, choices=tuple(Sector.choices)),
    F("facts", "案情摘要", "textarea", required=False),
)


@transaction.atomic
def update_case(case: EnforcementCase, *, actor, raw) -> EnforcementCase:
    """The sector and the summary of a case; its steps are actions (procedures.py)."""
    scoping.require(actor, Perm.CHANGE, case.unit, "您的角色无权修改该单位的执法案件")
    data = flow.parse(CASE_EDIT_FIELDS, raw)
    case = EnforcementCase.objects.select_for_update().select_related("unit").get(pk=case.pk)
    before = {"sector": case.sector}
    case.sector = data["sector"] or ""
    case.facts = data["facts"] or ""
    case.version += 1
    case.save()
    audit.record(
        audit.E.UPDATE,
        obj=case,
        user=actor,
        detail={"fields": ["sector", "facts"], "sector_before": before["sector"]},
    )
    return case


CHALLENGE_FIELDS = (
    F("case_no", "案号"),
    F("applicant", "申请人/原告"),
    F("act", "被申请（被诉）行为"),
    F("organ", "复议机关/人民法院"),
    F("received_on", "收到申请书（起诉状）副本日期", "date"),
    F("enforcement_case", "关联执法案件编号（可不填）", "int", required=False),
)


def _create_challenge(model, *, unit, actor, raw):
    check_can_change(actor, unit)
    data = flow.parse(CHALLENGE_FIELDS, raw)
    case_id = data.pop("enforcement_case")
    case = None
    if case_id:
        case = EnforcementCase.objects.filter(pk=case_id, unit__path__startswith=unit.path).first()
        if case is None:
            raise InvalidInput("关联执法案件不存在或不属于本单位")
    due = workdays.add_calendar_days(data["received_on"], model.REPLY_DAYS)
    obj = model(
        unit=unit,
        enforcement_case=case,
        reply_due=due.date,
        reply_due_provisional=due.provisional,
        **data,
    )
    obj.created_by = actor
    obj.save()
    audit.record(audit.E.CREATE, obj=obj, user=actor)
    return obj


@transaction.atomic
def create_reconsideration(*, unit, actor, raw) -> Reconsideration:
    return _create_challenge(Reconsideration, unit=unit, actor=actor, raw=raw)


@transaction.atomic
def create_litigation(*, unit, actor, raw) -> Litigation:
    return _create_challenge(Litigation, unit=unit, actor=actor, raw=raw)


@transaction.atomic
def save_settings(*, county, actor, display_days: int) -> EnforcementSettings:
    if county.kind != "county":
        raise InvalidInput("公示期限由县(区)设置")
    scoping.require(actor, Perm.CONFIGURE, county, "只有县级有设置权限的用户可以修改公示期限")
    if not 30 <= display_days <= 3650:
        raise InvalidInput("公示期限应为30至3650日")
    row = EnforcementSettings.objects.filter(unit=county).first() or EnforcementSettings(
        unit=county
    )
    row.display_days = display_days
    row.save()
    audit.record(audit.E.CONFIG, obj=row, user=actor, detail={"display_days": display_days})
    return row


# --------------------------------------------------------------------------- supervision
# 案卷评查, 行政裁量权基准, 人大代表政协委员监督, 执法人员培训考试: each created and
# edited through ``create_<x>(*, unit, actor, raw)`` / ``update_<x>(obj, *, actor, raw)``
# (the ledger declarations in ledgers.py hand them the form, the JSON body, ``--set`` or
# an import row): atomic, refusing an actor who may not change the unit, validating with
# a Chinese reason, one row saved (history) and one audit row.

# Recorded by the county (its 司法局 or a department) or a township.
SUPERVISION_UNIT_KINDS = (UnitKind.COUNTY, *TOWNSHIP_KINDS)
SUPERVISION_REFUSED = "您的角色无权在该单位登记或修改行政执法监督记录"
EXCELLENT_SCORE, QUALIFIED_SCORE = Decimal("90"), Decimal("60")


def _supervised_unit(unit, actor) -> None:
    scoping.require(actor, Perm.CHANGE, unit, SUPERVISION_REFUSED)
    if unit.kind not in SUPERVISION_UNIT_KINDS:
        raise InvalidInput("行政执法监督记录应登记在县(区)或乡镇(街道)")


def _not_future(day: dt.date | None, label: str) -> None:
    if day is not None and day > timezone.localdate():
        raise InvalidInput(f"{label}不能晚于今天")


def _locked(model, obj):
    return model.objects.select_for_update().select_related("unit").get(pk=obj.pk)


def _create_supervision(model, fields, fill, *, unit, actor, raw):
    """A supervision record of ``model`` registered at ``unit`` from the form ``raw``:
    ``fill`` checks the parsed ``fields`` and sets them."""
    _supervised_unit(unit, actor)
    obj = model(unit=unit)
    fill(obj, flow.parse(fields, raw))
    records.save_checked(obj, actor=actor, created=True)
    return obj


def _update_supervision(obj, fields, fill, *, actor, raw, new_version=False):
    """``obj`` changed from the form ``raw`` under a row lock (``new_version``: a revision
    that counts as a new version of the record)."""
    scoping.require(actor, Perm.CHANGE, obj.unit, SUPERVISION_REFUSED)
    obj = _locked(type(obj), obj)
    fill(obj, flow.parse(fields, raw))
    if new_version:
        obj.version += 1
    records.save_checked(obj, actor=actor, created=False)
    return obj


# ---- 案卷评查 (case-file review)

REVIEW_FIELDS = (
    F("year", "年度", "int"),
    F("reviewed_on", "评查日期", "date"),
    F("reviewer", "评查单位", help="如 县司法局；本单位自查填本单位"),
    F("files_reviewed", "评查案卷数（卷）", "int"),
    F("files_excellent", "优秀案卷（卷）", "int", required=False),
    F("files_qualified", "合格案卷（卷）", "int", required=False),
    F("files_failed", "不合格案卷（卷）", "int", required=False),
    F("average_score", "平均得分", "decimal", required=False, help="百分制"),
    F(
        "grade",
        "评查等次",
        "choice",
        required=False,
        choices=tuple(ReviewGrade.choices),
        help="不填时按平均得分：90分以上优秀，60分以上合格",
    ),
    F("cases", "抽查的执法案件", "ints", required=False, help="本单位及下级的执法案件"),
    F("findings", "发现的问题", "textarea", required=False, help="每行一个问题，逐条转为整改事项"),
    F("rectify_owner", "整改责任人", required=False, help="有发现的问题时必填"),
    F("rectify_days", "整改期限（工作日）", "int", required=False, help="不填为30个工作日"),
    F("notes", "备注", "textarea", required=False),
)


def grade_for(score: Decimal | None) -> str:
    if score is None:
        return ""
    if score >= EXCELLENT_SCORE:
        return ReviewGrade.EXCELLENT
    return ReviewGrade.QUALIFIED if score >= QUALIFIED_SCORE else ReviewGrade.FAILED


def _review_fields(review: CaseReview, data: dict) -> None:
    year = data["year"]
    if not 2000 <= year <= timezone.localdate().year:
        raise InvalidInput("年度不正确")
    _not_future(data["reviewed_on"], "评查日期")
    if data["reviewed_on"].year not in (year, year + 1):
        raise InvalidInput("评查日期应在评查年度内或次年")
    counts = [data[k] or 0 for k in ("files_excellent", "files_qualified", "files_failed")]
    if data["files_reviewed"] < 1:
        raise InvalidInput("评查案卷数应至少为1卷")
    if sum(counts) > data["files_reviewed"]:
        raise InvalidInput("优秀、合格、不合格案卷之和不能超过评查案卷数")
    score = data["average_score"]
    if score is not None and score > 100:
        raise InvalidInput("平均得分应在0至100分之间")
    grade = data["grade"] or grade_for(score)
    if not grade:
        raise InvalidInput("请填写评查等次或平均得分")
    review.year, review.reviewed_on = year, data["reviewed_on"]
    review.reviewer = data["reviewer"]
    review.files_reviewed = data["files_reviewed"]
    review.files_excellent, review.files_qualified, review.files_failed = counts
    review.average_score, review.grade = score, grade
    review.findings = data["findings"] or ""
    review.notes = data["notes"] or ""


def _review_cases(unit, ids, files: int) -> list[EnforcementCase]:
    ids = list(dict.fromkeys(ids or []))
    found = list(EnforcementCase.objects.in_subtree(unit).filter(pk__in=ids))
    if len(found) != len(ids):
        raise InvalidInput(f"抽查的执法案件应为{unit.name}及其下属单位的执法案件")
    if len(found) > files:
        raise InvalidInput("抽查的执法案件数不能超过评查案卷数")
    return found


def finding_lines(text: str) -> list[str]:
    return list(dict.fromkeys(line.strip() for line in (text or "").splitlines() if line.strip()))


def _rectify(review: CaseReview, *, actor, owner: str | None, days: int | None) -> None:
    """Each finding not yet a rectification becomes one, through oversight's inspection
    service: a 督察 when a county user reviews a township's files, else a 自查 of the
    unit. A finding removed from the text keeps its rectification (it is signed off
    there, not deleted here)."""
    from fazhi.oversight import services as oversight
    from fazhi.oversight.models import InspectionKind

    known = (
        set(review.inspection.findings.values_list("problem", flat=True))
        if review.inspection_id
        else set()
    )
    lines = [line for line in finding_lines(review.findings) if line not in known]
    if not lines:
        return  # nothing new (an edit that keeps the findings needs no owner again)
    if not (owner or "").strip():
        raise InvalidInput("有发现的问题时请填写整改责任人")
    if days is not None and not 1 <= days <= 250:
        raise InvalidInput("整改期限应为1至250个工作日")
    inspection = review.inspection
    if inspection is None:
        county = review.unit.county()
        higher = (
            review.unit.kind in TOWNSHIP_KINDS
            and county is not None
            and scoping.can(actor, Perm.SUPERVISE, county)
        )
        inspection = oversight.create_inspection(
            actor=actor,
            kind=InspectionKind.SUPERVISION if higher else InspectionKind.SELF_CHECK,
            target=review.unit,
            date=review.reviewed_on,
            title=f"{review.year}年度行政执法案卷评查",
            team=review.reviewer,
            summary=f"评查案卷{review.files_reviewed}卷，评查等次{review.get_grade_display()}",
        )
        review.inspection = inspection
        review.save(update_fields=["inspection"])
    for line in lines:
        oversight.add_finding(
            inspection,
            actor=actor,
            problem=line,
            owner_name=owner,
            requirement="按照案卷评查意见整改，完善执法案卷",
            days=days,
        )


def may_record_review(actor, unit) -> bool:
    """A unit's own staff record a review of its files, and so does the county that
    supervises a township (its 司法局 reviewing the township's files)."""
    if scoping.can(actor, Perm.CHANGE, unit):
        return True
    county = unit.county() if unit.kind in TOWNSHIP_KINDS else None
    return county is not None and scoping.can(actor, Perm.SUPERVISE, county)


def review_units(user):
    """Where ``user`` may register a 案卷评查: the county and township units they may
    change, and the townships under a county they supervise."""
    from fazhi.core.models import Unit

    return (
        Unit.objects.filter(
            Q(kind__in=SUPERVISION_UNIT_KINDS) & scoping.unit_scope_q(user, Perm.CHANGE)
            | Q(kind__in=TOWNSHIP_KINDS) & scoping.unit_scope_q(user, Perm.SUPERVISE)
        )
        .distinct()
        .order_by("path")
    )


def _review_allowed(actor, unit) -> None:
    if not may_record_review(actor, unit):
        raise PermissionDenied(SUPERVISION_REFUSED)
    if unit.kind not in SUPERVISION_UNIT_KINDS:
        raise InvalidInput("行政执法监督记录应登记在县(区)或乡镇(街道)")


@transaction.atomic
def create_case_review(*, unit, actor, raw) -> CaseReview:
    _review_allowed(actor, unit)
    data = flow.parse(REVIEW_FIELDS, raw)
    review = CaseReview(unit=unit)
    _review_fields(review, data)
    cases = _review_cases(unit, data["cases"], review.files_reviewed)
    records.save_checked(review, actor=actor, created=True, exclude=["cases"])
    review.cases.set(cases)
    _rectify(review, actor=actor, owner=data["rectify_owner"], days=data["rectify_days"])
    return review


@transaction.atomic
def update_case_review(review: CaseReview, *, actor, raw) -> CaseReview:
    _review_allowed(actor, review.unit)
    data = flow.parse(REVIEW_FIELDS, raw)
    review = _locked(CaseReview, review)
    _review_fields(review, data)
    cases = _review_cases(review.unit, data["cases"], review.files_reviewed)
    records.save_checked(review, actor=actor, created=False, exclude=["cases"])
    review.cases.set(cases)
    _rectify(review, actor=actor, owner=data["rectify_owner"], days=data["rectify_days"])
    return review


# ---- 行政裁量权基准 (discretion standards)

STANDARD_FIELDS = (
    F("title", "基准名称", help="如 安全生产行政处罚裁量权基准"),
    F("doc_number", "文号", required=False),
    F("sector", "执法领域", "choice", choices=tuple(Sector.choices)),
    F("adopted_on", "制定日期", "date"),
    F("revised_on", "修订日期", "date", required=False),
    F("status", "状态", "choice", required=False, choices=tuple(StandardStatus.choices)),
    F("notes", "备注", "textarea", required=False),
)


def _standard_fields(s: DiscretionStandard, data: dict) -> None:
    _not_future(data["adopted_on"], "制定日期")
    _not_future(data["revised_on"], "修订日期")
    if data["revised_on"] and data["revised_on"] < data["adopted_on"]:
        raise InvalidInput("修订日期不能早于制定日期")
    s.title, s.doc_number, s.sector = data["title"], data["doc_number"] or "", data["sector"]
    s.adopted_on, s.revised_on = data["adopted_on"], data["revised_on"]
    s.status = data["status"] or StandardStatus.CURRENT
    s.notes = data["notes"] or ""
    same = DiscretionStandard.objects.filter(unit=s.unit, title=s.title, adopted_on=s.adopted_on)
    if same.exclude(pk=s.pk).exists():
        raise InvalidInput(f"{s.unit.name}已登记{s.adopted_on}制定的《{s.title}》")


@transaction.atomic
def create_standard(*, unit, actor, raw) -> DiscretionStandard:
    return _create_supervision(
        DiscretionStandard, STANDARD_FIELDS, _standard_fields, unit=unit, actor=actor, raw=raw
    )


@transaction.atomic
def update_standard(s: DiscretionStandard, *, actor, raw) -> DiscretionStandard:
    return _update_supervision(
        s, STANDARD_FIELDS, _standard_fields, actor=actor, raw=raw, new_version=True
    )


# ---- 人大代表、政协委员监督 (supervision by deputies and members)

VISIT_FIELDS = (
    F("held_on", "日期", "date"),
    F("kind", "形式", "choice", choices=tuple(VisitKind.choices)),
    F("subject", "监督事项", help="如 视察城市管理综合执法工作"),
    F("deputies", "参加人大代表（人）", "int", required=False),
    F("members", "参加政协委员（人）", "int", required=False),
    F("opinions", "提出意见建议（条）", "int", required=False),
    F("notes", "备注", "textarea", required=False),
)


def _visit_fields(v: SupervisionVisit, data: dict) -> None:
    _not_future(data["held_on"], "日期")
    v.held_on, v.kind, v.subject = data["held_on"], data["kind"], data["subject"]
    v.deputies, v.members = data["deputies"] or 0, data["members"] or 0
    v.opinions, v.notes = data["opinions"] or 0, data["notes"] or ""
    if v.deputies + v.members < 1:
        raise InvalidInput("请填写参加的人大代表或政协委员人数")
    if v.deputies + v.members > 10000:
        raise InvalidInput("参加人数超出范围")


@transaction.atomic
def create_visit(*, unit, actor, raw) -> SupervisionVisit:
    return _create_supervision(
        SupervisionVisit, VISIT_FIELDS, _visit_fields, unit=unit, actor=actor, raw=raw
    )


@transaction.atomic
def update_visit(v: SupervisionVisit, *, actor, raw) -> SupervisionVisit:
    return _update_supervision(v, VISIT_FIELDS, _visit_fields, actor=actor, raw=raw)


# ---- 执法人员培训、资格考试 (staff training and qualification exams)

STAFF_TRAINING_FIELDS = (
    F("held_on", "日期", "date"),
    F("title", "名称", help="如 行政执法人员公共法律知识培训"),
    F("is_exam", "资格考试", "bool", required=False, help="执法资格考试选“是”"),
    F("hours", "学时", "decimal", required=False),
    F("attendees", "参训（参考）人数", "int"),
    F("passed", "考试合格人数", "int", required=False, help="仅资格考试填写"),
    F("notes", "备注", "textarea", required=False),
)


def _staff_training_fields(t: StaffTraining, data: dict) -> None:
    _not_future(data["held_on"], "日期")
    t.held_on, t.title, t.is_exam = data["held_on"], data["title"], bool(data["is_exam"])
    t.hours, t.attendees, t.passed = data["hours"], data["attendees"], data["passed"]
    t.notes = data["notes"] or ""
    if t.attendees < 1 or t.attendees > 10000:
        raise InvalidInput("参训（参考）人数应为1至10000人")
    if t.hours is not None and not 0 < t.hours <= 200:
        raise InvalidInput("学时应大于0且不超过200")
    if t.passed is not None and not t.is_exam:
        raise InvalidInput("考试合格人数仅资格考试填写")
    if t.passed is not None and t.passed > t.attendees:
        raise InvalidInput("考试合格人数不能超过参考人数")


@transaction.atomic
def create_staff_training(*, unit, actor, raw) -> StaffTraining:
    return _create_supervision(
        StaffTraining,
        STAFF_TRAINING_FIELDS,
        _staff_training_fields,
        unit=unit,
        actor=actor,
        raw=raw,
    )


@transaction.atomic
def update_staff_training(t: StaffTraining, *, actor, raw) -> StaffTraining:
    return _update_supervision(
        t, STAFF_TRAINING_FIELDS, _staff_training_fields, actor=actor, raw=raw
    )


# ---- 执法责任制 (assignment of enforcement responsibility)

RESPONSIBILITY_FIELDS = (
    F("post", "执法岗位", help="如 综合行政执法队安全生产执法岗"),
    F("person_name", "责任人"),
    F("certificate", "责任人执法证号", required=False, help="本县登记的执法证号"),
    F("sector", "执法领域", "choice", required=False, choices=tuple(Sector.choices)),
    F("items", "执法事项", "textarea", help="每行一项"),
    F("basis", "职责依据", "textarea", required=False),
    F("assigned_on", "明确日期", "date"),
    F("ended_on", "调整（终止）日期", "date", required=False),
)


def _responsibility_fields(r: Responsibility, data: dict) -> None:
    _not_future(data["assigned_on"], "明确日期")
    if data["ended_on"] and data["ended_on"] < data["assigned_on"]:
        raise InvalidInput("调整（终止）日期不能早于明确日期")
    r.post, r.person_name = data["post"], data["person_name"]
    r.sector, r.items = data["sector"] or "", data["items"]
    r.basis, r.assigned_on, r.ended_on = data["basis"] or "", data["assigned_on"], data["ended_on"]
    if not finding_lines(r.items):
        raise InvalidInput("请填写执法事项")
    number = (data["certificate"] or "").strip()
    r.certificate = None
    if number:
        county = r.unit.county() or r.unit
        certs = EnforcementCertificate.objects.filter(unit__path__startswith=county.path)
        # by its number; the edit form and PATCH hand back the stored one by its id
        r.certificate = certs.filter(number=number).first() or (
            certs.filter(pk=int(number)).first() if number.isdigit() and len(number) < 10 else None
        )
        if r.certificate is None:
            raise InvalidInput(f"执法证号“{number}”不存在或不属于本县")


@transaction.atomic
def create_responsibility(*, unit, actor, raw) -> Responsibility:
    return _create_supervision(
        Responsibility,
        RESPONSIBILITY_FIELDS,
        _responsibility_fields,
        unit=unit,
        actor=actor,
        raw=raw,
    )


@transaction.atomic
def update_responsibility(r: Responsibility, *, actor, raw) -> Responsibility:
    return _update_supervision(
        r, RESPONSIBILITY_FIELDS, _responsibility_fields, actor=actor, raw=raw
    )
