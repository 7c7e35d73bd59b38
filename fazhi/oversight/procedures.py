"""整改销号: open → in progress (measures) → submitted (evidence attached) → signed off,
or sent back to in progress. Sign-off and send-back belong to the inspecting level for a
督察 or 巡察 finding (SUPERVISE at the county) and to the unit's own admin for a 自查 finding."""

from __future__ import annotations

from django.utils import timezone

from fazhi.core import attachments, scoping
from fazhi.core.procedures import Option, Procedure, Transition
from fazhi.core.roles import Perm
from fazhi.ledgers.fields import Action, F

from .models import BY_HIGHER_LEVEL, RectificationStatus

S = RectificationStatus


def _measures(obj, data) -> str | None:
    text = (data.get("measures") or obj.measures or "").strip()
    if not text and not data.get("_preview"):
        return "请填写整改措施"
    return None


def _evidence(obj, data) -> str | None:
    if not attachments.for_object(obj).exists():
        return "请先上传整改证明材料（附件），再提请销号"
    if not (data.get("evidence_note") or obj.evidence_note or "").strip() and not data.get(
        "_preview"
    ):
        return "请填写整改成效说明"
    return None


def _reason(obj, data) -> str | None:
    if not data.get("_preview") and not (data.get("reason") or "").strip():
        return "请填写退回理由"
    return None


def sign_off_refusal(obj, user) -> str | None:
    """Who may sign off (and send back): the inspecting level for 督察 and 巡察, the unit's
    admin for 自查."""
    inspection = obj.inspection
    if inspection.kind in BY_HIGHER_LEVEL:
        if not scoping.can(user, Perm.SUPERVISE, inspection.unit):
            kind = inspection.get_kind_display()
            return f"{kind}发现的问题由{inspection.unit.name}{kind}人员销号"
    elif not scoping.can(user, Perm.SUPERVISE, obj.unit):
        return "自查发现的问题由本单位管理员销号"
    return None


REVIEW_ACTIONS = ("sign_off", "send_back")


class RectificationProcedure(Procedure):
    def check(self, obj, action, user, data=None):
        reason = super().check(obj, action, user, data)
        if reason is None and action in REVIEW_ACTIONS:
            reason = sign_off_refusal(obj, user)
        return reason

    def available(self, obj, user):
        out = []
        for o in super().available(obj, user):
            reason = o.reason
            if reason is None and o.transition.action in REVIEW_ACTIONS:
                reason = sign_off_refusal(obj, user)
            out.append(Option(o.transition, reason))
        return out


RECTIFICATION = RectificationProcedure(
    [
        Transition("start", "开始整改", (S.OPEN,), S.IN_PROGRESS, Perm.CHANGE, _measures),
        Transition("submit", "提请销号", (S.IN_PROGRESS,), S.SUBMITTED, Perm.CHANGE, _evidence),
        # The real permission is checked in sign_off_refusal (depends on the inspection's kind).
        Transition("sign_off", "销号", (S.SUBMITTED,), S.SIGNED_OFF, Perm.VIEW),
        Transition(
            "send_back",
            "退回重新整改",
            (S.SUBMITTED,),
            S.IN_PROGRESS,
            Perm.VIEW,
            _reason,
            danger=True,
        ),
    ],
    labels=RectificationStatus,
)


def _start(r, data, user) -> None:
    r.measures = (data.get("measures") or r.measures).strip()


def _submit(r, data, user) -> None:
    r.evidence_note = (data.get("evidence_note") or r.evidence_note).strip()
    r.submitted_on = timezone.localdate()
    r.return_reason = ""


def _sign_off(r, data, user) -> None:
    r.signed_off_on = timezone.localdate()
    r.signed_off_by = user


def _send_back(r, data, user) -> None:
    r.return_reason = (data.get("reason") or "").strip()
    r.submitted_on = None


# The input of each step, the same for the page, the API and the CLI. Optional here: the
# guards say what is missing (请填写整改措施 …), with the record's own text as the default.
ACTIONS = {
    "start": Action((F("measures", "整改措施", "textarea", required=False),), _start),
    "submit": Action((F("evidence_note", "整改成效说明", "textarea", required=False),), _submit),
    "sign_off": Action((), _sign_off),
    "send_back": Action((F("reason", "退回理由", "textarea", required=False),), _send_back),
}


def run(rect, action: str, *, user, data: dict | None = None, expected_version=None):
    """One step with ``data`` as given (the API's and the CLI's flat fields)."""
    data = dict(data or {})
    spec = ACTIONS.get(action)
    comment = data.get("reason") or data.get("comment") or ""
    return RECTIFICATION.run(
        rect,
        action,
        user=user,
        data=data,
        apply=(lambda r: spec.apply(r, data, user)) if spec else None,
        comment=comment,
        expected_version=expected_version,
    )
