"""An honour's procedure: 申报中 → 已获评 (获评, by the naming document) or 未获评; a title
won may be re-examined (复核, the dynamic review most titles undergo every few years) and
then kept (复核通过) or withdrawn (撤销). Each step is guarded, taken under a row lock and
recorded (fazhi.core.procedures)."""

from __future__ import annotations

from django.utils import timezone

from fazhi.core.procedures import Procedure, Transition
from fazhi.core.roles import Perm
from fazhi.ledgers.fields import Action, F, preview

from . import signals
from .models import KEPT_BY_MODEL_LEDGER, MODEL_KINDS, HonourStatus

S = HonourStatus


def _document(obj, data) -> str | None:
    if preview(data):
        return None
    if not (data.get("document_no") or obj.document_no or "").strip():
        return "请填写命名文号（获评以命名或表彰文件为准）"
    awarded_on = data.get("awarded_on")
    if awarded_on and awarded_on > timezone.localdate():
        return "命名日期不能晚于今天"
    if awarded_on and obj.applied_on and awarded_on < obj.applied_on:
        return "命名日期不能早于申报日期"
    return None


def _reason(obj, data) -> str | None:
    if not preview(data) and not (data.get("reason") or "").strip():
        return "请填写原因"
    return None


def _revoke(obj, data) -> str | None:
    if obj.kept_by == KEPT_BY_MODEL_LEDGER:
        return "该称号与普法“民主法治示范村(社区)”台账同步，撤销请在该台账处理"
    return _reason(obj, data)


HONOUR = Procedure(
    [
        Transition("award", "获评", (S.APPLYING,), S.AWARDED, Perm.CHANGE, _document),
        Transition(
            "not_awarded", "未获评", (S.APPLYING,), S.NOT_AWARDED, Perm.CHANGE, _reason, danger=True
        ),
        Transition("review", "启动复核", (S.AWARDED,), S.REVIEWING, Perm.CHANGE),
        Transition("confirm", "复核通过", (S.REVIEWING,), S.AWARDED, Perm.CHANGE),
        Transition(
            "revoke", "撤销称号", (S.REVIEWING,), S.REVOKED, Perm.CHANGE, _revoke, danger=True
        ),
    ],
    labels=HonourStatus,
)


def _award(h, data, user) -> None:
    day = data.get("awarded_on") or timezone.localdate()
    h.awarded_on = day
    h.year = day.year
    h.document_no = (data.get("document_no") or h.document_no).strip()[:100]
    h.awarded_by = (data.get("awarded_by") or h.awarded_by).strip()[:100]
    h.reason = ""
    if h.kind in MODEL_KINDS:
        h.kept_by = KEPT_BY_MODEL_LEDGER
        h.status = S.AWARDED  # the receiver reads the title as won
        signals.model_title_awarded.send(sender=type(h), honour=h, actor=user)


def _refuse(h, data, user) -> None:
    h.reason = (data.get("reason") or "").strip()


def _confirm(h, data, user) -> None:
    h.reviewed_on = data.get("reviewed_on") or timezone.localdate()


ACTIONS = {
    "award": Action(
        (
            F("document_no", "命名文号", required=False),
            F("awarded_on", "命名日期", "date", required=False, help="不填为今天"),
            F("awarded_by", "命名(表彰)单位", required=False),
        ),
        _award,
    ),
    "not_awarded": Action((F("reason", "原因", "textarea", required=False),), _refuse),
    "review": Action(()),
    "confirm": Action(
        (F("reviewed_on", "复核日期", "date", required=False, help="不填为今天"),), _confirm
    ),
    "revoke": Action((F("reason", "撤销原因", "textarea", required=False),), _refuse),
}
