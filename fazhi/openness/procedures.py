"""依申请公开: the statutory steps of a request and their guards (条例 arts. 30–33).

    received ──告知补正──▶ correction ──收到补正──▶ received (the 20 days start again)
    received ──延期答复──▶ extended (once, ≤ 20 working days, approved, applicant notified)
    received | extended ──答复──▶ replied
    correction ──答复（逾期不补正，不再处理）──▶ replied

Each guard returns the Chinese reason a step is refused, the same on the page, the API
and the CLI (``fazhi.ledgers.fields.perform``). With ``_preview`` (the detail page asking
which steps are possible) only the record's own state is checked, not the input."""

from __future__ import annotations

from django.utils import timezone

from fazhi.core import workdays
from fazhi.core.procedures import Procedure, Transition
from fazhi.core.roles import Perm
from fazhi.ledgers.fields import Action, F, preview

from .models import (
    REASONS_BY_TYPE,
    AnnualStatus,
    InformationRequest,
    ReplyReason,
    ReplyType,
    RequestStatus,
)

S = RequestStatus
M = InformationRequest


def _day(data, name="date"):
    return data.get(name) or timezone.localdate()


def _not_future(day, label) -> str | None:
    if day > timezone.localdate():
        return f"{label}不能晚于今天"
    return None


def _correction(obj, data) -> str | None:
    if obj.correction_on is not None:
        return "补正应一次性告知，本申请已告知过补正"
    if preview(data):
        return None
    day = _day(data)
    if day < obj.received_on:
        return f"告知补正日期不能早于收到申请日期（{obj.received_on}）"
    if obj.correction_by and day > obj.correction_by:
        return (
            f"告知补正应在收到申请之日起{M.CORRECTION_DAYS}个工作日内（{obj.correction_by}前）作出"
        )
    if not (data.get("items") or "").strip():
        return "请填写需补正的事项"
    limit = data.get("limit")
    if limit is not None and limit < day:
        return "申请人补正期限不能早于告知补正日期"
    return _not_future(day, "告知补正日期")


def _completed(obj, data) -> str | None:
    if preview(data):
        return None
    day = _day(data)
    if obj.correction_on and day < obj.correction_on:
        return f"收到补正日期不能早于告知补正日期（{obj.correction_on}）"
    return _not_future(day, "收到补正日期")


def _extension(obj, data) -> str | None:
    if obj.extension_days is not None:
        return "延期答复只能一次"
    if preview(data):
        return None
    days = data.get("days")
    if days is None or not 1 <= days <= M.EXTENSION_MAX:
        return f"延长的期限应为 1 到 {M.EXTENSION_MAX} 个工作日"
    if not (data.get("approver") or "").strip():
        return "延期答复须经政府信息公开工作机构负责人同意，请填写批准人"
    if not (data.get("reason") or "").strip():
        return "请填写延期理由"
    approved, notified = _day(data, "approved_on"), _day(data, "notified_on")
    if approved < obj.received_on or notified < approved:
        return "应先经批准再告知申请人，且均不早于收到申请日期"
    if obj.reply_due and notified > obj.reply_due:
        return f"延期应在答复期限（{obj.reply_due}）届满前告知申请人"
    return _not_future(notified, "告知申请人日期")


def _reply(obj, data) -> str | None:
    if preview(data):
        return None
    kind, reason = data.get("reply_type") or "", data.get("reason") or ""
    if obj.status == S.CORRECTION and (kind, reason) != (
        ReplyType.OTHER,
        ReplyReason.NO_CORRECTION,
    ):
        return "待补正的申请，只能以“其他处理—申请人逾期不补正”答复；收到补正后再正式答复"
    if obj.status == S.CORRECTION and obj.correction_limit:
        if timezone.localdate() <= obj.correction_limit:
            return f"申请人补正期限（{obj.correction_limit}）尚未届满"
    allowed = REASONS_BY_TYPE.get(kind, ())
    if allowed and reason not in allowed:
        labels = "、".join(str(ReplyReason(r).label) for r in allowed)
        return f"“{ReplyType(kind).label}”须写明理由（可选：{labels}）"
    if not allowed and reason:
        return f"“{ReplyType(kind).label}”不填写理由"
    if (
        kind in (ReplyType.GRANTED, ReplyType.PARTIAL, ReplyType.REFUSED)
        and not (data.get("content") or "").strip()
    ):
        return "请填写答复内容（公开的信息或不予公开的说明）"
    day = _day(data)
    start = obj.corrected_on or obj.received_on
    if day < start:
        return f"答复日期不能早于收到申请日期（{start}）"
    return _not_future(day, "答复日期")


REQUEST = Procedure(
    [
        Transition("correct", "告知补正", (S.RECEIVED,), S.CORRECTION, Perm.CHANGE, _correction),
        Transition("complete", "收到补正", (S.CORRECTION,), S.RECEIVED, Perm.CHANGE, _completed),
        Transition("extend", "延期答复", (S.RECEIVED,), S.EXTENDED, Perm.CHANGE, _extension),
        Transition(
            "reply", "答复", (S.RECEIVED, S.EXTENDED, S.CORRECTION), S.REPLIED, Perm.CHANGE, _reply
        ),
    ],
    labels=RequestStatus,
)


def due_after(day, n: int):
    return workdays.add_working_days(day, n)


def _apply_correction(r, data, user) -> None:
    r.correction_on = _day(data)
    r.correction_items = data["items"].strip()
    r.correction_limit = data.get("limit")
    r.reply_due, r.reply_due_provisional = None, False  # the clock stops


def _apply_completed(r, data, user) -> None:
    r.corrected_on = _day(data)
    due = due_after(r.corrected_on, M.REPLY_DAYS)  # and starts again (art. 30)
    r.reply_due, r.reply_due_provisional = due.date, due.provisional


def _apply_extension(r, data, user) -> None:
    r.extension_days = data["days"]
    r.extension_approver = data["approver"].strip()[:50]
    r.extension_approved_on = _day(data, "approved_on")
    r.extension_notified_on = _day(data, "notified_on")
    r.extension_reason = data["reason"].strip()[:300]
    due = due_after(r.reply_due, r.extension_days)
    r.reply_due = due.date
    r.reply_due_provisional = r.reply_due_provisional or due.provisional


def _apply_reply(r, data, user) -> None:
    r.replied_on = _day(data)
    r.reply_type = data["reply_type"]
    r.reply_reason = data.get("reason") or ""
    r.reply_content = (data.get("content") or "").strip()
    r.replied_on_time = r.reply_due is None or r.replied_on <= r.reply_due


DATE = F("date", "日期（默认今天）", "date", required=False)
ACTIONS = {
    "correct": Action(
        (
            F("date", "告知补正日期（默认今天）", "date", required=False),
            F("items", "需补正的事项", "textarea", required=False),
            F("limit", "申请人补正期限", "date", required=False),
        ),
        _apply_correction,
    ),
    "complete": Action(
        (F("date", "收到补正申请日期（默认今天）", "date", required=False),), _apply_completed
    ),
    "extend": Action(
        (
            F("days", "延长工作日数（最多20）", "int", required=False),
            F("approver", "批准人（政府信息公开工作机构负责人）", required=False),
            F("approved_on", "批准日期（默认今天）", "date", required=False),
            F("notified_on", "告知申请人日期（默认今天）", "date", required=False),
            F("reason", "延期理由", required=False),
        ),
        _apply_extension,
    ),
    "reply": Action(
        (
            F("reply_type", "答复类型", "choice", choices=tuple(ReplyType.choices)),
            F("reason", "理由", "choice", required=False, choices=tuple(ReplyReason.choices)),
            F("content", "答复内容", "textarea", required=False),
            F("date", "答复日期（默认今天）", "date", required=False),
        ),
        _apply_reply,
    ),
}


# ---------------------------------------------------------------- 年度报告


def _refresh(obj, data) -> str | None:
    return None


def _publish(obj, data) -> str | None:
    from .annual import balance

    if preview(data):
        return None
    if not (data.get("index_number") or "").strip():
        return "请填写索引号"
    day = _day(data, "published_on")
    if day.year <= obj.year:
        return f"{obj.year}年度的报告应在年度结束后（{obj.year + 1}年1月1日起）公开"
    if (error := _not_future(day, "公开日期")) is not None:
        return error
    for name, label in (
        ("overview", "一、总体情况"),
        ("problems", "五、存在的主要问题及改进情况"),
        ("other", "六、其他需要报告的事项"),
    ):
        text = (getattr(obj, name) or "").strip()
        if not text:
            return f"“{label}”是法定必备内容，请填写后再公开"
    errors = balance(obj.tables or {})
    if errors:
        return "表格数据不平衡：" + "；".join(errors[:3])
    return None


ANNUAL = Procedure(
    [
        Transition(
            "refresh",
            "重新生成表格",
            (AnnualStatus.DRAFT,),
            AnnualStatus.DRAFT,
            Perm.CHANGE,
            _refresh,
        ),
        Transition(
            "publish", "公开", (AnnualStatus.DRAFT,), AnnualStatus.PUBLISHED, Perm.APPROVE, _publish
        ),
    ],
    labels=AnnualStatus,
)


def _apply_refresh(report, data, user) -> None:
    from . import annual

    report.tables = annual.annual_tables(report.unit, report.year)
    report.generated_at = timezone.now()
    if data.get("prose"):
        for name, text in annual.draft_sections(report.unit, report.year, report.tables).items():
            setattr(report, name, text)


def _apply_publish(report, data, user) -> None:
    from . import annual_render

    report.index_number = data["index_number"].strip()[:60]
    report.published_on = _day(data, "published_on")
    report.html = annual_render.to_html(report)
    report.docx = annual_render.to_docx(report)


ANNUAL_ACTIONS = {
    "refresh": Action(
        (
            F(
                "prose",
                "同时按台账重新起草第一、五部分文字（覆盖已修改的文字）",
                "bool",
                required=False,
            ),
        ),
        _apply_refresh,
    ),
    "publish": Action(
        (
            F("index_number", "索引号", required=False),
            F("published_on", "公开日期（默认今天）", "date", required=False),
        ),
        _apply_publish,
    ),
}
