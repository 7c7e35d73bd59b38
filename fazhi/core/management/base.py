"""Helpers shared by fazhi's management commands."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError

from fazhi.core.errors import InvalidInput
from fazhi.core.models import Unit


def refused(exc: PermissionDenied) -> CommandError:
    """A refusal on the command line: its one ``permission_refused`` audit row (not again if
    ``context.acting`` wrote it) and one line on stderr: ``raise refused(exc)``."""
    from fazhi.core import refusals

    refusals.record(exc)
    return CommandError(str(exc) or "无权执行此操作")


def resolve_unit(ref: str) -> Unit:
    """UNIT on the command line: a unit's code or its exact name."""
    try:
        return Unit.objects.by_ref(ref)
    except Unit.DoesNotExist as exc:
        raise CommandError(str(exc))


def resolve_unit_year(unit_ref: str, year_ref: str) -> tuple[Unit, int]:
    """UNIT YEAR on the command line (``fazhi report 东风镇 2026``)."""
    unit = resolve_unit(unit_ref)
    try:
        year = int(year_ref)
    except ValueError:
        raise CommandError(f"年度应为四位数字：{year_ref}")
    return unit, year


def int_setting(data: dict, key: str, refusal: str) -> int:
    """A whole number given as ``--set key=value`` to a ledger command's ``settings``; a
    value that is not one is refused with ``refusal``."""
    try:
        return int(data.get(key, ""))
    except ValueError:
        raise InvalidInput(refusal)


def resolve_user(username: str):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username__iexact=username).first()
    if user is None:
        raise CommandError(f"找不到用户“{username}”")
    return user
