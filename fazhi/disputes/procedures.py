"""The three procedures as transition tables: which step is allowed from which state, by whom.

Input fields of each step and what the step changes live in ``services/`` (ACTIONS);
guards here answer, in Chinese, why a step is not allowed now.
"""

from __future__ import annotations

from django.utils import timezone

from fazhi.core.procedures import Procedure, Transition
from fazhi.core.roles import Perm

from .models import DisputeStatus, GridStatus, HotlineStatus, PetitionStatus

D = DisputeStatus
P = PetitionStatus
H = HotlineStatus

DISPUTE_OPEN = ("registered", "assigned", "mediating", "agreed", "terminated")
PETITION_OPEN = ("received", "accepted", "replied", "under_review", "reviewed", "under_re_review")
HOTLINE_OPEN = ("received", "signed", "replied")


def _judicial_guard(obj, data):
    if obj.outcome != "succeeded" or not obj.agreement_on:
        return "只有已达成调解协议的纠纷才能申请司法确认"
    if obj.judicial_confirmed_on:
        return "已记录司法确认"
    return None


def _police_guard(obj, data):
    if not obj.risk_criminal:
        return "该纠纷未标记“可能激化为刑事案件”，无需报告公安机关"
    if obj.police_reported_on:
        return f"已于{obj.police_reported_on:%Y-%m-%d}报告公安机关"
    return None


DISPUTE = Procedure(
    [
        Transition("assign", "交办", ("registered",), "assigned", Perm.SUPERVISE),
        Transition("reassign", "改派", ("assigned", "mediating"), None, Perm.SUPERVISE),
        Transition("supervise", "督办", DISPUTE_OPEN, None, Perm.SUPERVISE),
        Transition("session", "记录调解", ("assigned", "mediating"), "mediating"),
        Transition("extend", "延长调解期限", ("assigned", "mediating"), None),
        Transition("agree", "达成协议", ("mediating",), "agreed"),
        Transition("terminate", "终止调解", ("assigned", "mediating"), "terminated", danger=True),
        Transition("follow_up", "回访", ("agreed",), None),
        Transition("close", "结案", ("terminated",), "closed"),
        Transition(
            "judicial_confirm", "记录司法确认", ("agreed", "closed"), None, guard=_judicial_guard
        ),
        Transition("report_police", "报告公安机关", DISPUTE_OPEN, None, guard=_police_guard),
    ],
    labels=DisputeStatus,
)


def _return_guard(obj, data):
    today = timezone.localdate()
    if today > obj.return_due:
        return (
            f"收到信访事项已超过5个工作日（退回期限{obj.return_due:%Y-%m-%d}），"
            "不能再退回，应当受理或转送"
        )
    return None


def _accept_guard(obj, data):
    prior = obj.prior
    seen = set()
    while prior is not None and prior.pk not in seen:
        seen.add(prior.pk)
        if prior.status == "re_reviewed" or prior.re_reviewed_on:
            return (
                f"同一诉求已经复核（{prior.number}），以同一事实和理由提出的，"
                "不再受理（《信访工作条例》第三十六条）"
            )
        prior = prior.prior
    return None


def _extend_guard(obj, data):
    if obj.extended:
        return "办理期限只能延长一次（《信访工作条例》第三十四条）"
    return None


def _backlog_guard(obj, data):
    if obj.backlog:
        return "已列为信访积案"
    return None


def _resolve_backlog_guard(obj, data):
    if not obj.backlog:
        return "该信访件不是积案"
    if obj.backlog_resolved_at:
        return "该积案已化解"
    return None


def _rate_guard(obj, data):
    return None


ALL_PETITION = tuple(P.values)

PETITION = Procedure(
    [
        Transition("assign", "交办", PETITION_OPEN, None, Perm.SUPERVISE),
        Transition("supervise", "督办", PETITION_OPEN, None, Perm.SUPERVISE),
        Transition("accept", "受理", ("received",), "accepted", guard=_accept_guard),
        Transition("not_accept", "不予受理", ("received",), "not_accepted", danger=True),
        Transition("return", "退回", ("received",), "returned", guard=_return_guard, danger=True),
        Transition("extend", "延期办理", ("accepted",), None, guard=_extend_guard),
        Transition("reply", "出具处理意见", ("accepted",), "replied"),
        Transition("request_review", "申请复查", ("replied",), "under_review"),
        Transition("review", "复查答复", ("under_review",), "reviewed"),
        Transition("request_re_review", "申请复核", ("reviewed",), "under_re_review"),
        Transition("re_review", "复核答复", ("under_re_review",), "re_reviewed"),
        Transition("close", "办结", ("replied", "reviewed"), "closed"),
        Transition(
            "rate",
            "评价满意度",
            ("replied", "reviewed", "re_reviewed", "closed", "not_accepted"),
            None,
            guard=_rate_guard,
        ),
        Transition("mark_backlog", "列为积案", ALL_PETITION, None, guard=_backlog_guard),
        Transition("resolve_backlog", "积案化解", ALL_PETITION, None, guard=_resolve_backlog_guard),
        Transition("leader", "记录领导接访", ALL_PETITION, None),
        Transition("over_level", "记录越级访", ALL_PETITION, None),
    ],
    labels=PetitionStatus,
)


def _rate_hotline_guard(obj, data):
    return None


HOTLINE = Procedure(
    [
        Transition("assign", "交办", HOTLINE_OPEN, None, Perm.SUPERVISE),
        Transition("supervise", "督办", HOTLINE_OPEN, None, Perm.SUPERVISE),
        Transition("sign", "签收", ("received",), "signed"),
        Transition("reply", "答复", ("signed",), "replied"),
        Transition("complete", "办结", ("replied",), "completed"),
        Transition("send_back", "退回重办", ("replied", "completed"), "signed", danger=True),
        Transition("rate", "回访评价", ("completed",), None, guard=_rate_hotline_guard),
    ],
    labels=HotlineStatus,
)


# Grid cases: a reported event is disposed of one of three ways, then closed.
GRID_OPEN = ("reported", "handled", "escalated", "referred")

GRID = Procedure(
    [
        Transition("assign", "交办", ("reported", "referred"), None, Perm.SUPERVISE),
        Transition("supervise", "督办", ("reported", "referred"), None, Perm.SUPERVISE),
        Transition("handle", "就地处置", ("reported",), "handled"),
        Transition("refer", "转办", ("reported",), "referred"),
        Transition("escalate", "转为矛盾纠纷", ("reported",), "escalated"),
        Transition("close", "办结", ("handled", "escalated", "referred"), "closed"),
    ],
    labels=GridStatus,
)
