"""Shared services: numbering, the one entry point for every step, assignment and supervision."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from fazhi.core import audit, excel, scoping
from fazhi.core.errors import InvalidInput
from fazhi.core.models import Membership, Notification
from fazhi.core.roles import Perm, role_allows

from .fields import Action, Field, clean, jsonable


def next_number(model, unit, year: int, prefix: str) -> str:
    township = unit.township() or unit
    stem = f"{prefix}{year}-"
    existing = model.objects.filter(
        unit__path__startswith=township.path, number__startswith=stem
    ).values_list("number", flat=True)
    top = 0
    for n in existing:
        try:
            top = max(top, int(n[len(stem) :]))
        except ValueError:
            continue
    return f"{stem}{top + 1:04d}"


def perform(
    procedure,
    actions: dict[str, Action],
    obj,
    action: str,
    *,
    user,
    data: dict | None = None,
    comment: str = "",
    expected_version: int | None = None,
):
    """Take step ``action`` on ``obj``: a stale version first (409 "已被他人修改"), then state
    and role (409), then inputs (400), then apply."""
    procedure.refuse_now(obj, action, user, expected_version)
    spec = actions[action]
    cleaned = clean(spec.fields, data or {}, obj)
    if spec.comment_field and not comment:
        comment = cleaned.get(spec.comment_field) or ""

    target = procedure.get(action).target

    def apply(locked):
        if target:
            # The step's target state first, so the deadline refreshed in apply is the new one.
            setattr(locked, procedure.status_field, target)
        spec.apply(locked, cleaned, user)

    return procedure.run(
        obj,
        action,
        user=user,
        data=jsonable(cleaned),
        apply=apply,
        comment=comment or "",
        expected_version=expected_version,
    )


def stepper(procedure, actions: dict[str, Action]):
    """A mechanism's ``act``: :func:`perform` with its procedure and its steps' inputs."""

    def act(obj, action: str, *, user, data=None, comment="", expected_version=None):
        return perform(
            procedure,
            actions,
            obj,
            action,
            user=user,
            data=data,
            comment=comment,
            expected_version=expected_version,
        )

    return act


# --- the hotline and grid imports (their own, not the ledger framework's) ---------------


@dataclass
class ImportResult:
    created: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"新增 {self.created} 件，已存在未变 {self.unchanged} 件"
        if self.errors:
            text += f"，{len(self.errors)} 行有误未导入"
        return text


def read_import(data: bytes, filename: str, columns) -> tuple[list[dict], ImportResult]:
    """The rows of an uploaded sheet that read well, and a result holding the others' errors."""
    rows, row_errors = excel.read_table(data, filename, columns)
    bad_rows = {e.row for e in row_errors}
    result = ImportResult(errors=[str(e) for e in row_errors])
    return [r for r in rows if r["_row"] not in bad_rows], result


def row_number(message: str) -> int:
    """The row an import error names (第12行…), to list the errors in the sheet's order."""
    digits = message[1:].split("行", 1)[0]
    return int(digits) if digits.isdecimal() else 0


def record_import(kind: str, result: ImportResult, *, unit, actor, filename: str) -> None:
    """The audit entry of an import, in the transaction that saved its rows."""
    audit.record(
        audit.E.CREATE,
        unit=unit,
        user=actor,
        detail={
            "import": kind,
            "file": filename[:100],
            "created": result.created,
            "unchanged": result.unchanged,
            "errors": len(result.errors),
        },
    )


# --- assignment and supervision, the same for the three mechanisms ---------------------


def _apply_assign(obj, cd, user):
    obj.handler = cd["handler"]
    obj.assigned_at = timezone.now()


def _apply_supervise(obj, cd, user):
    obj.supervised = bool(cd["flag"])
    obj.supervision_note = cd["note"] or ""


ASSIGN_FIELDS = (
    Field("handler", "承办人", "user", required=True),
    Field("note", "交办意见", "textarea"),
)
SUPERVISE_FIELDS = (
    Field("flag", "列为督办", "bool", default=True),
    Field("note", "督办意见", "textarea", required=True),
)
ASSIGN = Action(ASSIGN_FIELDS, _apply_assign, comment_field="note")
SUPERVISE = Action(SUPERVISE_FIELDS, _apply_supervise, comment_field="note")


def notify_supervisors(obj, title: str, label: str, url: str) -> int:
    """An in-app notice to every supervisor above ``obj`` (escalation), one per user per day."""
    today = timezone.localdate()
    ids = obj.unit.ancestor_ids()
    users = {
        m.user_id
        for m in Membership.objects.filter(unit_id__in=ids, user__is_active=True)
        if role_allows(m.role, Perm.SUPERVISE)
    }
    item = {
        "kind": obj.KIND_LABEL,
        "label": label,
        "due": (obj.due_date or today).isoformat(),
        "url": url,
        "overdue": bool(obj.due_date and obj.due_date < today),
        "provisional": False,
        "supervised": True,
    }
    for uid in users:
        with transaction.atomic():
            note = (
                Notification.objects.select_for_update()
                .filter(user_id=uid, kind="escalation", day=today)
                .first()
            )
            if note is None:
                try:
                    with transaction.atomic():
                        Notification.objects.create(
                            user_id=uid, kind="escalation", day=today, title=title, items=[item]
                        )
                    continue
                except IntegrityError:
                    note = Notification.objects.get(user_id=uid, kind="escalation", day=today)
            note.items = [*note.items, item]
            note.title = f"{today:%Y-%m-%d} 提级督办：{len(note.items)} 件"
            note.read_at = None
            note.save(update_fields=["items", "title", "read_at"])
    return len(users)


def records_in(qs, ids, refused: str) -> list:
    """The records of ``qs`` that ``ids`` names (a repeat once); any not in ``qs``: 400."""
    ids = list(dict.fromkeys(ids or []))
    found = list(qs.filter(pk__in=ids))
    if len(found) != len(ids):
        raise InvalidInput(refused)
    return found


CELL_SEPARATORS = ("，", ",", "；", ";", "/", "\n")


def records_named(cell, find, missing, separators=CELL_SEPARATORS) -> list:
    """The records an import cell names, separated by 、 or any of ``separators``, each
    found by ``find(name)`` (a repeat once); one not found: ``missing(name)`` (400)."""
    text = str(cell or "")
    for sep in separators:
        text = text.replace(sep, "、")
    out = []
    for name in [n.strip() for n in text.split("、") if n.strip()]:
        obj = find(name)
        if obj is None:
            raise InvalidInput(missing(name))
        if obj not in out:
            out.append(obj)
    return out


def check_can_create(user, unit) -> None:
    scoping.require(user, Perm.CHANGE, unit, "您无权在该单位登记案件")
