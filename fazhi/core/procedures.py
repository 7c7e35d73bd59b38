"""Statutory procedures as explicit transition tables.

A ``Procedure`` lists each ``Transition``: the action's name and Chinese label, the
states it may start from, the state it leads to, the permission it needs and an optional
guard that returns a Chinese reason to refuse (``None`` = allowed). ``run`` applies one
step atomically under a row lock, checks the record's ``version`` when the caller passes
the one it saw (optimistic concurrency), writes a ``TransitionRecord`` and an audit row.
The UI shows ``available(obj, user)``: every action with its refusal reason or None.

    PROCEDURE = Procedure([
        Transition("assign", "交办", source=("registered",), target="assigned",
                   perm=Perm.SUPERVISE, guard=lambda obj, data: None if data.get("handler") else "请选择承办人"),
    ])
    PROCEDURE.run(dispute, "assign", user=request.user, data={...}, apply=lambda d: ..., expected_version=3)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from . import audit, scoping
from .errors import Conflict, TransitionNotAllowed
from .models import TransitionRecord
from .roles import Perm

Guard = Callable[[Any, dict], "str | None"]


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    source: tuple[str, ...]
    target: str | None = None
    perm: str = Perm.CHANGE
    guard: Guard | None = None
    danger: bool = False  # shown as a red button (terminate, withdraw…)


@dataclass(frozen=True)
class Option:
    transition: Transition
    reason: str | None  # None = allowed now

    @property
    def allowed(self) -> bool:
        return self.reason is None


class Procedure:
    def __init__(self, transitions: list[Transition], *, status_field: str = "status", labels=None):
        self.transitions = {t.action: t for t in transitions}
        self.status_field = status_field
        self.labels = labels  # a TextChoices class, for messages

    def _label(self, status: str) -> str:
        if self.labels is not None:
            try:
                return str(self.labels(status).label)
            except ValueError:
                pass
        return status

    def get(self, action: str) -> Transition:
        try:
            return self.transitions[action]
        except KeyError:
            raise TransitionNotAllowed(f"未知的操作：{action}", code="unknown_action")

    def check(self, obj, action: str, user, data: dict | None = None) -> str | None:
        """Why ``user`` may not do ``action`` on ``obj`` now, or None if they may."""
        t = self.get(action)
        status = getattr(obj, self.status_field)
        if status not in t.source:
            return f"当前状态为“{self._label(status)}”，不能{t.label}"
        if not scoping.can(user, t.perm, obj):
            return f"您的角色无权{t.label}"
        if t.guard is not None:
            return t.guard(obj, data or {})
        return None

    def refuse_now(self, obj, action: str, user, expected_version: int | None = None) -> None:
        """Refuse a step before its input is read: a stale version first (409 "已被他人
        修改"), then the order of steps and the role, so a step out of order is refused for
        that, not for its input."""
        self.get(action)
        if (
            expected_version is not None
            and getattr(obj, "version", expected_version) != expected_version
        ):
            # the record changed since the form was shown: say so, not what the new state forbids
            raise Conflict("该记录已被他人修改，请刷新页面后重试")
        reason = self.check(obj, action, user, {"_preview": True})
        if reason:
            raise TransitionNotAllowed(reason)

    def available(self, obj, user) -> list[Option]:
        """Every action that could apply from some state, with why it is not allowed now."""
        status = getattr(obj, self.status_field)
        options = []
        for t in self.transitions.values():
            if status not in t.source:
                continue
            reason = None
            if not scoping.can(user, t.perm, obj):
                reason = f"您的角色无权{t.label}"
            elif t.guard is not None:
                reason = t.guard(obj, {"_preview": True})
            options.append(Option(t, reason))
        return options

    def run(
        self,
        obj,
        action: str,
        *,
        user,
        data: dict | None = None,
        apply: Callable[[Any], None] | None = None,
        comment: str = "",
        expected_version: int | None = None,
    ):
        """Take one step. Returns the saved, locked copy of ``obj``."""
        data = dict(data or {})
        t = self.get(action)
        model = type(obj)
        with transaction.atomic():
            locked = model.objects.select_for_update().get(pk=obj.pk)
            if (
                expected_version is not None
                and getattr(locked, "version", None) != expected_version
            ):
                raise Conflict("该记录已被他人修改，请刷新页面后重试")
            if getattr(locked, self.status_field) in t.source:
                # A step the role may not take is a refusal like any other (403 and a
                # permission_refused row on every surface), not a procedural 409.
                scoping.require(user, t.perm, locked, f"您的角色无权{t.label}")
            reason = self.check(locked, action, user, data)
            if reason:
                raise TransitionNotAllowed(reason)
            before = getattr(locked, self.status_field)
            if apply is not None:
                apply(locked)
            if t.target:
                setattr(locked, self.status_field, t.target)
            if hasattr(locked, "version"):
                locked.version = (locked.version or 0) + 1
            locked.save()
            after = getattr(locked, self.status_field)
            record_step(
                locked, action, t.label, before, after, user=user, comment=comment, data=data
            )
        return locked


def record_step(
    obj, action: str, label: str, before: str, after: str, *, user, comment: str = "", data=None
):
    """Write the step's row and its audit row (inside the caller's transaction)."""
    clean = {k: v for k, v in (data or {}).items() if not k.startswith("_") and _jsonable(v)}
    TransitionRecord.objects.create(
        unit=obj.unit,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        action=action,
        label=label,
        from_status=before or "",
        to_status=after or "",
        actor=user if getattr(user, "pk", None) else None,
        actor_name=getattr(user, "label", "") or getattr(user, "username", "") or "系统",
        at=timezone.now(),
        comment=comment[:2000],
        data=clean,
    )
    audit.record(
        audit.E.TRANSITION,
        obj=obj,
        user=user,
        detail={"action": action, "from": before, "to": after},
    )


def _jsonable(value) -> bool:
    return isinstance(value, str | int | float | bool | type(None) | list | dict)


class Checklist(list):
    """A procedure shown as its steps, rows of ``{label, state, note}``; a state is done,
    todo, na (not applicable), blocked or optional, and ``mark_next`` marks the next one."""

    def add(self, label: str, state: str, note="") -> None:
        self.append({"label": label, "state": state, "note": note})

    def mark_next(self) -> list[dict]:
        """The rows, the first step left to do marked "next" (none when the first step
        left is blocked)."""
        for row in self:
            if row["state"] in ("todo", "blocked"):
                if row["state"] == "todo":
                    row["state"] = "next"
                break
        return list(self)


def timeline(obj):
    """The steps taken on ``obj``, oldest first."""
    return TransitionRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor")
