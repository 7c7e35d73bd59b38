"""The order of an enforcement case (行政处罚法; 国办发〔2018〕118号), of certificates and of
reconsideration and litigation, as transition tables with guards and actions."""

from __future__ import annotations

from django.utils import timezone

from fazhi.core import attachments, workdays
from fazhi.core.procedures import Checklist, Procedure, Transition
from fazhi.core.roles import Perm
from fazhi.decisions import services as decision_services
from fazhi.decisions.models.reviews import SubjectKind
from fazhi.ledgers.fields import Action, F, preview

from . import services
from .models import (
    CORRECTING,
    CaseKind,
    CaseStatus,
    ChallengeStatus,
    ChangeKind,
    EnforcementCase,
    EnforcementCertificate,
    Litigation,
    Outcome,
    Reconsideration,
)

PUBLISH_DAYS_SHORT = 7  # 处罚、许可决定：7个工作日内公开
PUBLISH_DAYS_LONG = 20  # 其他执法决定：20个工作日内公开
WITHDRAW_DAYS = 3  # 决定被变更、撤销或确认违法的，3日内撤下
MAX_EXTENSION_DAYS = 60

S = CaseStatus
MAJOR_REASONS = (
    ("public_interest", "涉及重大公共利益"),
    ("complex", "案件情况疑难复杂、涉及多个法律关系"),
    ("statutory", "法律、法规规定应当进行法制审核的其他情形"),
)


def g_officers(case, data):
    if preview(data):
        return None
    return services.officers_refusal(case.unit, data["officers"], timezone.localdate())


def a_officers(case, data, user):
    case.officers.set(data["officers"])


def g_investigate(case, data):
    if not attachments.for_object(case).exists():
        return "未上传证据材料及全过程记录（执法记录仪音像、现场笔录等），不能终结调查"
    if preview(data):
        return None
    if data["investigated_on"] < case.opened_on:
        return "调查终结日期不能早于立案日期"
    return None


def a_investigate(case, data, user):
    case.investigated_on, case.evidence_summary = data["investigated_on"], data["evidence_summary"]


def g_notify(case, data):
    if case.kind == CaseKind.INSPECTION:
        return "行政检查不适用陈述、申辩（听证）权利告知"
    if preview(data):
        return None
    if data["notified_on"] < case.investigated_on:
        return "告知日期不能早于调查终结日期"
    return None


def a_notify(case, data, user):
    case.notified_on, case.hearing_requested = data["notified_on"], data["hearing_requested"]


def g_hearing(case, data):
    if not case.hearing_requested:
        return "当事人未要求听证"
    if case.hearing_held_on:
        return "已记录听证"
    return None


def a_hearing(case, data, user):
    case.hearing_held_on = data["hearing_held_on"]
    case.is_major = True
    case.major_reason = "；".join(r for r in (case.major_reason, "经过听证程序") if r)


def a_major(case, data, user):
    label = dict(MAJOR_REASONS)[data["reason"]]
    case.is_major = True
    case.major_reason = "；".join(r for r in (case.major_reason, f"{label}：{data['note']}") if r)


def g_request_review(case, data):
    if case.kind != CaseKind.INSPECTION and case.status != S.NOTIFIED:
        return "须先告知当事人陈述、申辩（听证）权利"
    if case.hearing_requested and not case.hearing_held_on:
        return "当事人要求听证，须先举行听证"
    if preview(data):
        return None
    if not 1 <= data["days"] <= 30:
        return "审核期限应为1至30个工作日"
    return None


def a_request_review(case, data, user):
    case.review = decision_services.request_review(
        case,
        data,
        user,
        kind=SubjectKind.ENFORCEMENT,
        label=f"{case.number} {case.get_kind_display()}决定",
        office="执法承办机构",
    )


def g_decide(case, data):
    if case.kind != CaseKind.INSPECTION and case.notified_on is None:
        return "尚未告知当事人拟作出决定的内容及陈述、申辩（听证）权利"
    if case.hearing_requested and not case.hearing_held_on:
        return "当事人要求听证，尚未举行听证"
    if case.is_major:
        if case.review_id is None:
            return "重大执法决定未经法制审核，不得作出决定"
        reason = decision_services.review_refusal(case.review, "执法决定")
        if reason:
            return reason
    day = timezone.localdate() if preview(data) else data["decided_on"]
    if day > case.decision_due:
        return (
            f"已超过办理期限（{case.decision_due:%Y-%m-%d}），须经负责人批准延长期限后方可作出决定"
        )
    if not preview(data) and data["decided_on"] < case.opened_on:
        return "决定日期不能早于立案日期"
    return None


def a_decide(case, data, user):
    case.decided_on, case.decision = data["decided_on"], data["decision"]
    case.penalty_amount = data.get("penalty_amount")
    days = (
        PUBLISH_DAYS_SHORT
        if case.kind in (CaseKind.PENALTY, CaseKind.LICENSE)
        else PUBLISH_DAYS_LONG
    )
    due = workdays.add_working_days(case.decided_on, days)
    case.publication_due, case.publication_due_provisional = due.date, due.provisional


def g_extend(case, data):
    if case.extension_reason:
        return "办理期限已延长过一次"
    if preview(data):
        return None
    if not 1 <= data["days"] <= MAX_EXTENSION_DAYS:
        return f"延长期限应为1至{MAX_EXTENSION_DAYS}日"
    return None


def a_extend(case, data, user):
    due = workdays.add_calendar_days(case.decision_due, data["days"])
    case.decision_due, case.decision_due_provisional = due.date, due.provisional
    case.extension_reason = data["reason"]


def g_publish(case, data):
    if preview(data):
        return None
    if data["published_on"] < case.decided_on:
        return "公示日期不能早于决定日期"
    return None


def a_publish(case, data, user):
    case.published_on = data["published_on"]
    case.published_on_time = case.published_on <= case.publication_due


def a_execute(case, data, user):
    case.executed_on, case.execution_note = data["executed_on"], data["execution_note"]


def a_close(case, data, user):
    case.closed_on = data["closed_on"]


def g_change(case, data):
    if case.changed_on:
        return "已记录决定被变更或撤销"
    return None


def a_change(case, data, user):
    case.changed_on, case.change_kind = data["changed_on"], data["change_kind"]
    due = workdays.add_calendar_days(case.changed_on, WITHDRAW_DAYS)
    case.withdrawal_due = due.date


def g_withdraw(case, data):
    if not case.changed_on:
        return "决定未被变更或撤销，无需撤下公示"
    if case.withdrawn_on:
        return "已撤下公示"
    return None


def a_withdraw(case, data, user):
    case.withdrawn_on = data["withdrawn_on"]


CASE = Procedure(
    [
        Transition(
            "change_officers",
            "调整执法人员",
            source=(S.OPENED, S.INVESTIGATED, S.NOTIFIED),
            guard=g_officers,
        ),
        Transition(
            "investigate",
            "调查终结",
            source=(S.OPENED,),
            target=S.INVESTIGATED,
            guard=g_investigate,
        ),
        Transition(
            "notify",
            "告知陈述申辩（听证）权利",
            source=(S.INVESTIGATED,),
            target=S.NOTIFIED,
            guard=g_notify,
        ),
        Transition("record_hearing", "记录听证", source=(S.NOTIFIED,), guard=g_hearing),
        Transition(
            "mark_major", "认定为重大执法决定", source=(S.OPENED, S.INVESTIGATED, S.NOTIFIED)
        ),
        Transition(
            "request_review",
            "提交法制审核",
            source=(S.INVESTIGATED, S.NOTIFIED),
            target=S.REVIEWING,
            guard=g_request_review,
        ),
        Transition(
            "extend",
            "延长办理期限",
            source=(S.OPENED, S.INVESTIGATED, S.NOTIFIED, S.REVIEWING),
            perm=Perm.APPROVE,
            guard=g_extend,
        ),
        Transition(
            "decide",
            "作出决定",
            source=(S.INVESTIGATED, S.NOTIFIED, S.REVIEWING),
            target=S.DECIDED,
            guard=g_decide,
        ),
        Transition("publish", "公示决定", source=(S.DECIDED,), target=S.PUBLISHED, guard=g_publish),
        Transition("execute", "记录执行", source=(S.PUBLISHED,), target=S.EXECUTED),
        Transition("close", "结案归档", source=(S.PUBLISHED, S.EXECUTED), target=S.CLOSED),
        Transition(
            "record_change",
            "决定被变更/撤销",
            source=(S.PUBLISHED, S.EXECUTED, S.CLOSED),
            guard=g_change,
            danger=True,
        ),
        Transition(
            "withdraw", "撤下公示", source=(S.PUBLISHED, S.EXECUTED, S.CLOSED), guard=g_withdraw
        ),
    ],
    labels=CaseStatus,
)
CASE_ACTIONS = {
    "change_officers": Action((F("officers", "执法人员（至少两名）", "ints"),), a_officers),
    "investigate": Action(
        (
            F("investigated_on", "调查终结日期", "date"),
            F("evidence_summary", "证据及全过程记录情况", "textarea"),
        ),
        a_investigate,
    ),
    "notify": Action(
        (F("notified_on", "告知日期", "date"), F("hearing_requested", "当事人要求听证", "bool")),
        a_notify,
    ),
    "record_hearing": Action((F("hearing_held_on", "听证日期", "date"),), a_hearing),
    "mark_major": Action(
        (F("reason", "情形", "choice", choices=MAJOR_REASONS), F("note", "说明", "textarea")),
        a_major,
    ),
    "request_review": Action(
        (F("requested_on", "提交日期", "date"), F("days", "审核期限（工作日）", "int")),
        a_request_review,
    ),
    "extend": Action(
        (F("days", "延长日数", "int"), F("reason", "延期理由（经负责人批准）", "textarea")),
        a_extend,
    ),
    "decide": Action(
        (
            F("decided_on", "决定日期", "date"),
            F("decision", "决定内容", "textarea"),
            F("penalty_amount", "罚没金额（元）", "decimal", required=False),
        ),
        a_decide,
    ),
    "publish": Action((F("published_on", "公示日期", "date"),), a_publish),
    "execute": Action(
        (F("executed_on", "执行日期", "date"), F("execution_note", "执行情况")), a_execute
    ),
    "close": Action((F("closed_on", "结案归档日期", "date"),), a_close),
    "record_change": Action(
        (
            F("changed_on", "变更/撤销日期", "date"),
            F("change_kind", "情形", "choice", choices=tuple(ChangeKind.choices)),
        ),
        a_change,
    ),
    "withdraw": Action((F("withdrawn_on", "撤下日期", "date"),), a_withdraw),
}


def case_checklist(case) -> list[dict]:
    rows = Checklist()
    add = rows.add
    officers = list(case.officers.all())
    add(
        "立案（两名以上持证执法人员）",
        "done",
        f"{case.opened_on}；" + "、".join(o.holder_name for o in officers),
    )
    add(
        "调查取证、全过程记录",
        "done" if case.investigated_on else "todo",
        f"附件 {attachments.for_object(case).count()} 个",
    )
    if case.kind == CaseKind.INSPECTION:
        add("告知陈述申辩（听证）权利", "na", "行政检查不适用")
    else:
        add(
            "告知陈述申辩（听证）权利",
            "done" if case.notified_on else "todo",
            ("当事人要求听证" if case.hearing_requested else "未要求听证")
            if case.notified_on
            else "",
        )
    if case.hearing_requested:
        add("听证", "done" if case.hearing_held_on else "todo", str(case.hearing_held_on or ""))
    if not case.is_major:
        add(
            "重大执法决定法制审核",
            "na",
            "非重大执法决定（未涉及重大公共利益、未经听证、非疑难复杂）",
        )
    else:
        reason = (
            decision_services.review_refusal(case.review, "执法决定")
            if case.review_id
            else "尚未提交法制审核"
        )
        add(
            "重大执法决定法制审核",
            "done" if reason is None else "todo",
            reason or case.major_reason,
        )
    add(
        "作出决定",
        "done" if case.decided_on else "todo",
        str(case.decided_on) if case.decided_on else f"期限 {case.decision_due}",
    )
    add(
        "执法决定公示",
        "done" if case.published_on else "todo",
        f"{case.published_on}{'（按时）' if case.published_on_time else '（逾期）'}"
        if case.published_on
        else (f"期限 {case.publication_due}" if case.publication_due else ""),
    )
    add("执行", "done" if case.executed_on else "optional", case.execution_note)
    add("结案归档", "done" if case.closed_on else "todo", str(case.closed_on or ""))
    if case.changed_on:
        add(
            "撤下公示（决定被变更/撤销）",
            "done" if case.withdrawn_on else "todo",
            f"期限 {case.withdrawal_due}",
        )
    return rows.mark_next()  # no step of a case is ever blocked


# === certificates =======================================================================


def g_renew(cert, data):
    if cert.revoked:
        return "证件已注销，不能换发"
    if preview(data):
        return None
    if data["expires_on"] <= cert.expires_on:
        return "新的有效期应晚于原有效期"
    return None


def a_renew(cert, data, user):
    cert.issued_on, cert.expires_on = data["issued_on"], data["expires_on"]


def a_revoke(cert, data, user):
    cert.revoked = True


def g_revoke(cert, data):
    return "证件已注销" if cert.revoked else None


CERTIFICATE = Procedure(
    [
        Transition("renew", "换发证件", source=("",), guard=g_renew),
        Transition("revoke", "注销证件", source=("",), guard=g_revoke, danger=True),
    ],
    status_field="status_key",
)
CERTIFICATE_ACTIONS = {
    "renew": Action(
        (F("issued_on", "换发日期", "date"), F("expires_on", "新有效期至", "date")), a_renew
    ),
    "revoke": Action((), a_revoke),
}


# === reconsideration and litigation =====================================================

C = ChallengeStatus


def g_reply(obj, data):
    if preview(data):
        return None
    if data["replied_on"] < obj.received_on:
        return "答复日期不能早于收到日期"
    return None


def a_reply(obj, data, user):
    obj.replied_on, obj.evidence = data["replied_on"], data["evidence"]
    obj.replied_on_time = obj.replied_on <= obj.reply_due


def g_appearance(obj, data):
    if preview(data):
        return None
    if data["head_appeared"] == "no" and not data.get("absence_reason"):
        return "负责人未出庭应诉的，须说明理由"
    if data["head_appeared"] == "yes" and not data.get("head_name"):
        return "请填写出庭负责人"
    return None


def a_appearance(obj, data, user):
    obj.hearing_on = data["hearing_on"]
    obj.head_appeared = data["head_appeared"] == "yes"
    obj.head_name = data.get("head_name") or ""
    obj.absence_reason = data.get("absence_reason") or ""


def g_conclude(obj, data):
    if isinstance(obj, Litigation) and obj.head_appeared is None and obj.hearing_on is None:
        return "尚未记录开庭及负责人出庭应诉情况"
    if preview(data):
        return None
    if data["outcome_on"] < obj.received_on:
        return "审结日期不能早于收到日期"
    return None


def a_conclude(obj, data, user):
    obj.outcome, obj.outcome_on, obj.outcome_note = (
        data["outcome"],
        data["outcome_on"],
        data.get("outcome_note") or "",
    )
    if isinstance(obj, Litigation):
        obj.lost = obj.outcome in CORRECTING
    else:
        obj.corrected = obj.outcome in CORRECTING


CHALLENGE = Procedure(
    [
        Transition(
            "reply", "提交答复（答辩）及证据", source=(C.RECEIVED,), target=C.REPLIED, guard=g_reply
        ),
        Transition(
            "record_appearance",
            "记录开庭及负责人出庭",
            source=(C.RECEIVED, C.REPLIED),
            guard=g_appearance,
        ),
        Transition(
            "conclude", "记录结果", source=(C.REPLIED,), target=C.CONCLUDED, guard=g_conclude
        ),
    ],
    labels=ChallengeStatus,
)
CHALLENGE_ACTIONS = {
    "reply": Action(
        (
            F("replied_on", "答复（答辩）日期", "date"),
            F("evidence", "提交的证据和依据", "textarea"),
        ),
        a_reply,
    ),
    "record_appearance": Action(
        (
            F("hearing_on", "开庭日期", "date"),
            F(
                "head_appeared",
                "负责人是否出庭",
                "choice",
                choices=(("yes", "出庭"), ("no", "未出庭")),
            ),
            F("head_name", "出庭负责人", required=False),
            F("absence_reason", "未出庭理由", "textarea", required=False),
        ),
        a_appearance,
    ),
    "conclude": Action(
        (
            F("outcome", "结果", "choice", choices=tuple(Outcome.choices)),
            F("outcome_on", "审结日期", "date"),
            F("outcome_note", "结果说明", "textarea", required=False),
        ),
        a_conclude,
    ),
}
RECONSIDERATION = Procedure(
    [t for t in CHALLENGE.transitions.values() if t.action != "record_appearance"],
    labels=ChallengeStatus,
)

PROCEDURES = {
    EnforcementCase: (CASE, CASE_ACTIONS),
    EnforcementCertificate: (CERTIFICATE, CERTIFICATE_ACTIONS),
    Reconsideration: (RECONSIDERATION, CHALLENGE_ACTIONS),
    Litigation: (CHALLENGE, CHALLENGE_ACTIONS),
}
