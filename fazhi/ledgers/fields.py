"""The shared machinery of the decisions and enforcement ledgers.

Each step of a statutory procedure is a ``Transition`` (fazhi.core.procedures) plus an
``Action``: the typed input it takes (``F`` fields, parsed the same way for a web form,
a JSON body and ``--set key=value`` on the command line) and what it writes. ``perform``
is the one entry point that pages, the API and the CLI call, so a step refused in one is
refused in all, with the same reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model

from fazhi.core.errors import InvalidInput
from fazhi.core.params import ID_MAX, parse_int
from fazhi.core.procedures import Procedure


@dataclass(frozen=True)
class F:
    """One input of an action or a create form."""

    name: str
    label: str
    kind: str = "text"  # text | textarea | date | int | decimal | bool | choice | user | ints
    required: bool = True
    choices: tuple = ()
    help: str = ""


def _parse_date(label: str, value) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise InvalidInput(f"“{label}”应为日期（YYYY-MM-DD）")


def parse_value(f: F, value):
    if f.kind == "date":
        return _parse_date(f.label, value)
    if f.kind == "int":
        try:
            n = int(str(value))
        except ValueError:
            raise InvalidInput(f"“{f.label}”应为整数")
        if n < 0:
            raise InvalidInput(f"“{f.label}”不能为负数")
        if n > ID_MAX:  # an integer column holds no more (a 20-digit count was a 500)
            raise InvalidInput(f"“{f.label}”超出范围")
        return n
    if f.kind == "decimal":
        try:
            d = Decimal(str(value).replace(",", ""))
        except InvalidOperation:
            raise InvalidInput(f"“{f.label}”应为数字")
        if not d.is_finite() or d < 0 or d >= Decimal("1e12"):
            raise InvalidInput(f"“{f.label}”超出范围")
        return d
    if f.kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "on", "yes", "是", "y"):
            return True
        if text in ("0", "false", "off", "no", "否", "n"):
            return False
        raise InvalidInput(f"“{f.label}”应为“是”或“否”")
    if f.kind == "choice":
        values = [c[0] for c in f.choices]
        labels = {str(c[1]): c[0] for c in f.choices}
        text = str(value).strip()
        if text in values:
            return text
        if text in labels:
            return labels[text]
        raise InvalidInput(f"“{f.label}”不是有效选项（可选：{'、'.join(labels)}）")
    if f.kind == "user":
        User = get_user_model()
        text = str(value).strip()
        pk = parse_int(text)
        user = (
            User.objects.filter(pk=pk).first()
            if pk is not None
            else User.objects.filter(username__iexact=text).first()
        )
        if user is None or not user.is_active:
            raise InvalidInput(f"“{f.label}”：找不到该用户")
        return user
    if f.kind == "ints":
        items = (
            value if isinstance(value, list | tuple) else str(value).replace("，", ",").split(",")
        )
        ids = [parse_int(v) for v in items if str(v).strip()]
        if None in ids:
            raise InvalidInput(f"“{f.label}”应为编号列表")
        return ids
    text = str(value).strip()
    limit = 4000 if f.kind == "textarea" else 200
    if len(text) > limit:
        raise InvalidInput(f"“{f.label}”不能超过{limit}个字")
    return text


def parse(fields, raw: dict | None) -> dict:
    raw = raw or {}
    data: dict = {}
    for f in fields:
        value = raw.get(f.name)
        if f.kind == "ints" and hasattr(raw, "getlist"):
            value = raw.getlist(f.name) or None
        if isinstance(value, str):
            value = value.strip()
        if value in (None, "", [], ()):
            if f.kind == "bool":
                data[f.name] = False
                continue
            if f.required:
                raise InvalidInput(f"请填写“{f.label}”")
            data[f.name] = [] if f.kind == "ints" else None
            continue
        data[f.name] = parse_value(f, value)
    return data


# Every kind of input (``F.kind``), for ``values(omit=…)``.
KINDS = ("text", "textarea", "date", "int", "decimal", "bool", "choice", "user", "ints")


def values(fields, raw: dict | None, *, omit=()) -> dict:
    """``raw`` parsed by ``fields`` as a service takes it: an optional text left empty is ""
    (text columns are not null); an optional input of a kind in ``omit`` left empty is left
    out, so that the service keeps its default (a create) or the stored value (an edit)."""
    data = parse(fields, raw)
    out = {}
    for f in fields:
        value = data[f.name]
        if value is None and f.kind in ("text", "textarea"):
            value = ""
        if value is None and f.kind in omit:
            continue
        out[f.name] = value
    return out


@dataclass(frozen=True)
class Action:
    fields: tuple[F, ...] = ()
    apply: Callable | None = None  # (locked_obj, data, user) -> None, inside the transaction


def perform(
    procedure: Procedure,
    actions: dict[str, Action],
    obj,
    action: str,
    *,
    user,
    raw: dict | None = None,
    expected_version: int | None = None,
    comment: str = "",
):
    """Parse the input, check the guard under a row lock, apply, record. Raises DomainError."""
    procedure.refuse_now(obj, action, user, expected_version)
    spec = actions.get(action, Action())
    data = parse(spec.fields, raw)

    def _apply(locked):
        if spec.apply is not None:
            spec.apply(locked, data, user)

    return procedure.run(
        obj,
        action,
        user=user,
        data=data,
        apply=_apply,
        comment=(comment or "")[:2000],
        expected_version=expected_version,
    )


def step(ledger, obj, action: str, *, user, raw, expected_version=None, comment: str = ""):
    """One step of ``ledger``'s procedure: through the ledger's own service where it
    declares one (``act``), else ``perform`` with its ``actions``. Pages, API and CLI."""
    if ledger.act is not None:
        return ledger.act(
            obj, action, user=user, raw=raw, comment=comment, expected_version=expected_version
        )
    return perform(
        ledger.procedure,
        ledger.actions,
        obj,
        action,
        user=user,
        raw=raw,
        expected_version=expected_version,
        comment=comment,
    )


def preview(data: dict) -> bool:
    """True when a guard is asked only whether the step is possible now (no input yet)."""
    return bool(data.get("_preview"))


def parse_lines(text: str) -> list[list[str]]:
    """Lines of ``a|b|c`` (also full-width ｜), blank lines skipped."""
    rows = []
    for line in (text or "").splitlines():
        line = line.strip()
        if line:
            rows.append([p.strip() for p in line.replace("｜", "|").split("|")])
    return rows
