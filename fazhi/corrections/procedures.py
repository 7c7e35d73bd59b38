"""A supervised person's steps. 社区矫正: 待报到 → 报到 (在册; after the ten days it is
recorded as late) → 解除 (the term has ended) or 收监执行; 安置帮教: 在册 → 解除 (帮教期满).
Either may be 脱管 (lost to contact) and brought back (恢复监管), or 终止 (death, a new
sentence, moving away). A visit, talk, report, study session or community service is a
step that keeps the status (登记走访谈话). Every step needs the corrections permission
(``Perm.CORRECTIONS``), is guarded, taken under a row lock and recorded
(fazhi.core.procedures)."""

from __future__ import annotations

from django.utils import timezone

from fazhi.core.procedures import Procedure, Transition
from fazhi.core.roles import Perm
from fazhi.ledgers.fields import Action, F, preview

from .models import GroupKind, Status, SupervisionVisit, VisitKind

S = Status
C = Perm.CORRECTIONS


def _today():
    return timezone.localdate()


def _day(data, name: str, label: str, *, after=None, after_label: str = "") -> str | None:
    day = data.get(name)
    if day and day > _today():
        return f"{label}不能晚于今天"
    if day and after and day < after:
        return f"{label}不能早于{after_label}"
    return None


def _report(obj, data) -> str | None:
    if preview(data):
        return None
    return _day(
        data,
        "reported_on",
        "报到日期",
        after=obj.effective_on,
        after_label="判决(裁定、决定)生效日期",
    )


def _release(obj, data) -> str | None:
    if obj.term_end is None:
        return "未登记期限届满日期，不能解除"
    if obj.term_end > _today():
        return f"期限至{obj.term_end:%Y-%m-%d}届满，届满后方可解除"
    if preview(data):
        return None
    return _day(data, "ended_on", "解除日期", after=obj.term_end, after_label="期限届满日期")


def _ending(data, what: str, day_label: str) -> str | None:
    """An ending that must say why (收监执行, 终止) and on which day."""
    if preview(data):
        return None
    if not (data.get("end_reason") or "").strip():
        return f"请填写{what}的原因"
    return _day(data, "ended_on", day_label)


def _revoke(obj, data) -> str | None:
    if obj.kind != GroupKind.COMMUNITY:
        return "收监执行仅适用于社区矫正对象"
    return _ending(data, "收监执行", "收监日期")


def _end(obj, data) -> str | None:
    return _ending(data, "终止", "终止日期")


def _lost(obj, data) -> str | None:
    return None if preview(data) else _day(data, "lost_on", "脱管日期")


def _visit(obj, data) -> str | None:
    return None if preview(data) else _day(data, "visited_on", "走访(谈话)日期")


PERSON = Procedure(
    [
        Transition("report", "报到", (S.PENDING,), S.ACTIVE, C, _report),
        Transition("visit", "登记走访谈话", (S.ACTIVE,), None, C, _visit),
        Transition("lose", "脱管", (S.ACTIVE,), S.LOST, C, _lost, danger=True),
        Transition("regain", "恢复监管", (S.LOST,), S.ACTIVE, C),
        Transition("release", "解除", (S.ACTIVE,), S.RELEASED, C, _release),
        Transition("revoke", "收监执行", (S.ACTIVE, S.LOST), S.REVOKED, C, _revoke, danger=True),
        Transition(
            "terminate", "终止", (S.PENDING, S.ACTIVE, S.LOST), S.TERMINATED, C, _end, danger=True
        ),
    ],
    labels=Status,
)


def _apply_report(p, data, user) -> None:
    p.reported_on = data.get("reported_on") or _today()
    if p.term_start is None:
        p.term_start = p.effective_on


def _apply_visit(p, data, user) -> None:
    SupervisionVisit.objects.create(
        person=p,
        visited_on=data.get("visited_on") or _today(),
        kind=data.get("kind") or VisitKind.VISIT,
        by_whom=(data.get("by_whom") or getattr(user, "label", "") or "")[:100],
        notes=data.get("notes") or "",
        created_by=user if getattr(user, "pk", None) else None,
    )


def _apply_lost(p, data, user) -> None:
    p.lost_on = data.get("lost_on") or _today()


def _apply_regain(p, data, user) -> None:
    p.lost_on = None


def _apply_release(p, data, user) -> None:
    p.ended_on = data.get("ended_on") or p.term_end
    p.end_reason = "期满解除"


def _apply_end(p, data, user) -> None:
    p.ended_on = data.get("ended_on") or _today()
    p.end_reason = (data.get("end_reason") or "").strip()[:200]
    p.reoffended = bool(data.get("reoffended"))


ENDED_FIELDS = (
    F("end_reason", "原因", required=False, help="如 违反监督管理规定、重新犯罪、死亡"),
    F("reoffended", "因重新犯罪", "bool", required=False),
)

ACTIONS = {
    "report": Action(
        (F("reported_on", "报到日期", "date", required=False, help="不填为今天"),),
        _apply_report,
    ),
    "visit": Action(
        (
            F("visited_on", "日期", "date", required=False, help="不填为今天"),
            F("kind", "方式", "choice", required=False, choices=tuple(VisitKind.choices)),
            F("by_whom", "走访(谈话)人", required=False, help="不填为登记人"),
            F("notes", "情况记录", "textarea", required=False),
        ),
        _apply_visit,
    ),
    "lose": Action(
        (F("lost_on", "脱管日期", "date", required=False, help="不填为今天"),), _apply_lost
    ),
    "regain": Action((), _apply_regain),
    "release": Action(
        (F("ended_on", "解除日期", "date", required=False, help="不填为期限届满日"),),
        _apply_release,
    ),
    "revoke": Action(
        (F("ended_on", "收监日期", "date", required=False, help="不填为今天"), *ENDED_FIELDS),
        _apply_end,
    ),
    "terminate": Action(
        (F("ended_on", "终止日期", "date", required=False, help="不填为今天"), *ENDED_FIELDS),
        _apply_end,
    ),
}
