"""The annual report's procedure: draft → submitted → approved → secrecy reviewed → published."""

from __future__ import annotations

from fazhi.core.procedures import Procedure, Transition
from fazhi.core.roles import Perm

from .checks import blocking_problems, ledger_changes
from .models import ReportStatus, SecrecyConclusion

S = ReportStatus


def _submit_guard(report, data):
    problems = blocking_problems(report)
    return problems[0] if problems else None


def _secrecy_guard(report, data):
    if data.get("_preview"):
        return None
    if not (data.get("reviewer") or "").strip():
        return "请填写保密审查人"
    if data.get("conclusion") not in SecrecyConclusion.values:
        return "请选择保密审查结论"
    return None


def _publish_guard(report, data):
    if report.secrecy_conclusion == SecrecyConclusion.SECRET:
        return "保密审查认定涉及国家秘密，依法不予公开"
    if data.get("_preview"):
        return None
    problems = blocking_problems(report) + ledger_changes(report)
    return problems[0] if problems else None


PROCEDURE = Procedure(
    [
        Transition(
            "submit", "提交审批", source=(S.DRAFT,), target=S.SUBMITTED, guard=_submit_guard
        ),
        Transition(
            "return",
            "退回修改",
            source=(S.SUBMITTED, S.APPROVED),
            target=S.DRAFT,
            perm=Perm.APPROVE,
            danger=True,
        ),
        Transition(
            "approve", "审批通过", source=(S.SUBMITTED,), target=S.APPROVED, perm=Perm.APPROVE
        ),
        Transition(
            "secrecy_review",
            "登记保密审查",
            source=(S.APPROVED,),
            target=S.SECRECY_REVIEWED,
            guard=_secrecy_guard,
        ),
        Transition(
            "publish",
            "公开发布",
            source=(S.SECRECY_REVIEWED,),
            target=S.PUBLISHED,
            guard=_publish_guard,
        ),
    ],
    labels=ReportStatus,
)
