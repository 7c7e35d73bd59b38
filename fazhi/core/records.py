"""Saving a ledger record the way the mechanisms' services do: checked into one Chinese
refusal, its creator stamped, the row saved and the CREATE or UPDATE audit row written."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from . import audit
from .errors import InvalidInput


def validated(obj, *, exclude=None) -> None:
    """``obj.full_clean``; its first error refused as ``InvalidInput``, named by the field's
    verbose name ("名称：…")."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        field, errors = next(iter(exc.message_dict.items()))
        names = {f.name for f in obj._meta.fields}
        label = obj._meta.get_field(field).verbose_name if field in names else ""
        raise InvalidInput(f"{label + '：' if label else ''}{errors[0]}")


def save_audited(obj, *, actor, created: bool, fields=None) -> None:
    """Save ``obj`` (a new one stamped as created by ``actor`` when it is a user) and write
    the audit row; ``fields``, when given, are the changed fields the row lists."""
    if created and getattr(actor, "pk", None):
        obj.created_by = actor
    obj.save()
    audit.record(
        audit.E.CREATE if created else audit.E.UPDATE,
        obj=obj,
        user=actor,
        detail=None if fields is None else {"fields": list(fields)},
    )


def save_checked(obj, *, actor, created: bool, exclude=None) -> None:
    """``validated`` then ``save_audited``: a record of a ledger whose service takes its
    fields as the model checks them (training, reception, assistance, supervision)."""
    validated(obj, exclude=None if exclude is None else list(exclude))
    save_audited(obj, actor=actor, created=created)
