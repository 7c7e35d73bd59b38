"""Duty shifts: planned → held (on or after the day) or missed."""

from __future__ import annotations

from django.utils import timezone

from fazhi.core.procedures import Procedure, Transition
from fazhi.core.roles import Perm

from .models import ShiftStatus


def _not_before_day(shift, data) -> str | None:
    if shift.date > timezone.localdate():
        return f"坐班日期 {shift.date} 尚未到，不能登记"
    return None


SHIFT = Procedure(
    [
        Transition(
            "hold",
            "登记已坐班",
            ("planned", "missed"),
            ShiftStatus.HELD,
            Perm.CHANGE,
            _not_before_day,
        ),
        Transition(
            "miss",
            "登记未到岗",
            ("planned",),
            ShiftStatus.MISSED,
            Perm.CHANGE,
            _not_before_day,
            danger=True,
        ),
    ],
    labels=ShiftStatus,
)


def run_shift(shift, action: str, *, user, note: str = "", expected_version=None):
    def apply(s):
        if note:
            s.note = note[:200]

    return SHIFT.run(
        shift, action, user=user, apply=apply, comment=note, expected_version=expected_version
    )
