"""Inputs of a procedure step: declared once, rendered as a form, parsed for web, API and CLI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from fazhi.core import scoping
from fazhi.core.errors import InvalidInput
from fazhi.core.models import Membership
from fazhi.core.roles import Perm, role_allows


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text | textarea | date | int | decimal | bool | choice | user | committee
    # | dispute_category
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    default: Any = None
    help: str = ""


@dataclass(frozen=True)
class Action:
    """One step's inputs and what it changes: ``apply(obj, cleaned, user)``."""

    fields: tuple[Field, ...]
    apply: Callable[[Any, dict, Any], None]
    comment_field: str | None = None


def eligible_handlers(obj):
    """Users who may handle ``obj``: a CHANGE role on its unit (members above or in its subtree)."""
    unit = obj.unit
    township = unit.township() or unit
    members = Membership.objects.filter(unit__active=True, user__is_active=True).select_related(
        "user", "unit"
    )
    members = members.filter(unit_id__in=unit.ancestor_ids()) | members.filter(
        unit__path__startswith=township.path
    )
    users = {}
    for m in members:
        if role_allows(m.role, Perm.CHANGE) and m.user_id not in users:
            users[m.user_id] = m.user
    return sorted(users.values(), key=lambda u: u.username)


def parse_value(f: Field, value, obj=None):
    if f.kind == "bool":
        if isinstance(value, bool):
            return value
        if value is None:
            return False
        text = str(value).strip().lower()
        if text in ("1", "true", "on", "yes", "是", "y"):
            return True
        if text in ("0", "false", "off", "no", "否", "n", ""):
            return False
        raise InvalidInput(f"“{f.label}”应为是或否")
    if value is None or (isinstance(value, str) and value.strip() == ""):
        if f.required:
            raise InvalidInput(f"请填写“{f.label}”")
        return None
    if isinstance(value, str):
        value = value.strip()
    if f.kind == "date":
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise InvalidInput(f"“{f.label}”日期格式应为 YYYY-MM-DD")
    if f.kind == "int":
        try:
            return int(str(value))
        except ValueError:
            raise InvalidInput(f"“{f.label}”应为整数")
    if f.kind == "decimal":
        try:
            d = Decimal(str(value).replace(",", ""))
        except InvalidOperation:
            raise InvalidInput(f"“{f.label}”应为数字")
        if not d.is_finite():
            raise InvalidInput(f"“{f.label}”应为数字")
        return d
    if f.kind == "choice":
        valid = {k for k, _ in f.choices}
        if str(value) not in valid:
            labels = "、".join(label for _, label in f.choices)
            raise InvalidInput(f"“{f.label}”应为以下之一：{labels}")
        return str(value)
    if f.kind == "user":
        user_model = get_user_model()
        text = str(value)
        user = (
            user_model.objects.filter(pk=int(text)).first()
            if text.isdecimal()
            else user_model.objects.filter(username__iexact=text).first()
        )
        if user is None or not user.is_active:
            raise InvalidInput(f"“{f.label}”：找不到该用户")
        if obj is not None and not scoping.can(user, Perm.CHANGE, obj):
            raise InvalidInput(f"“{f.label}”：{user.label}无权办理本单位的案件")
        return user
    if f.kind == "committee":
        from ..models import MediationCommittee

        committee = None
        if str(value).isdecimal():
            committee = MediationCommittee.objects.filter(pk=int(value)).first()
        township = obj.unit.township() if obj is not None else None
        if committee is None or (
            township is not None
            and not (
                committee.unit.is_within(township) or township.path.startswith(committee.unit.path)
            )
        ):
            raise InvalidInput(f"“{f.label}”：找不到该调解组织，或它不在本乡镇及上级")
        return committee
    if f.kind == "dispute_category":
        from ..models import DisputeCategory

        text = str(value)
        active = DisputeCategory.objects.filter(active=True)
        cat = active.filter(pk=int(text)).first() if text.isdecimal() else None
        cat = cat or active.filter(name=text).first()
        if cat is None:
            raise InvalidInput(f"“{f.label}”：请选择有效的纠纷类别")
        return cat
    text = str(value)
    limit = 2000 if f.kind == "textarea" else 200
    if len(text) > limit:
        raise InvalidInput(f"“{f.label}”不能超过{limit}字")
    return text


def clean(fields: tuple[Field, ...], raw: dict, obj=None) -> dict:
    raw = raw or {}
    if not isinstance(raw, dict):
        raise InvalidInput("数据格式不正确")
    out = {}
    for f in fields:
        value = raw.get(f.name)
        if value is None and f.default is not None:
            value = f.default() if callable(f.default) else f.default
        out[f.name] = parse_value(f, value, obj)
    return out


def today() -> dt.date:
    return timezone.localdate()


def jsonable(cleaned: dict) -> dict:
    out = {}
    for k, v in cleaned.items():
        if isinstance(v, dt.date):
            out[k] = v.isoformat()
        elif isinstance(v, Decimal) or hasattr(v, "pk"):
            out[k] = str(v)
        else:
            out[k] = v
    return out
