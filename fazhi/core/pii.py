"""Personal identifiers: validation, masking, and the audited reveal.

Resident ID numbers follow GB 11643-1999 (17 digits + ISO 7064 MOD 11-2 check digit);
mobile numbers are mainland 11-digit numbers starting 13–19. Both are shown masked
(110105********1234, 138****5678) unless the role may reveal them, and every reveal
is written to the audit log without the value.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from . import audit
from .identifiers import (  # noqa: F401  (how the apps reach them: ``pii.is_valid_mobile``)
    id_check_digit,
    is_valid_mobile,
    is_valid_resident_id,
    normalize_mobile,
    normalize_resident_id,
)
from .roles import Perm
from .scoping import can


def validate_resident_id(value: str) -> None:
    if not is_valid_resident_id(value):
        raise ValidationError("身份证号码无效：应为18位，且校验码正确", code="invalid_resident_id")


def validate_mobile(value: str) -> None:
    if not is_valid_mobile(value):
        raise ValidationError("手机号码无效：应为以1开头的11位数字", code="invalid_mobile")


def mask_resident_id(value: str) -> str:
    value = normalize_resident_id(value)
    if not value:
        return ""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_mobile(value: str) -> str:
    value = normalize_mobile(value)
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """A person's name shown masked: 王* (two characters), 王*明, 欧阳**华."""
    value = (value or "").strip()
    if len(value) <= 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


def may_reveal(user, unit) -> bool:
    return can(user, Perm.REVEAL_PII, unit)


def reveal(user, obj, field: str, value: str, *, unit=None) -> str | None:
    """The full value if ``user`` may see it (audited), else None."""
    unit = unit or getattr(obj, "unit", None)
    if not may_reveal(user, unit):
        audit.record(
            audit.E.PERMISSION_REFUSED,
            obj=obj,
            unit=unit,
            outcome="refused",
            detail={"action": "reveal_pii", "field": field},
            user=user,
        )
        return None
    audit.record(audit.E.PII_REVEAL, obj=obj, unit=unit, detail={"field": field}, user=user)
    return value


# --- Searching by an identifier ------------------------------------------------------------
#
# A masked identifier must not be recoverable by searching: an exact match on its blind
# index, looped over the hidden digits, would tell them one search at a time. So an exact
# identifier match is made only in the units where the user may reveal personal data, and
# each such search is audited (without the value); elsewhere identifiers are not searched.
# Free text may hold identifiers too (shown masked, see ``mask_free_text``), so a term with
# two or more consecutive digits matches a text holding a long run of digits only in those
# units as well (``free_text_q``).

SEARCH_REFUSED_NOTICE = "无权按证件号码或手机号检索"
_DIGIT_RUN = re.compile(r"\d{2}")
_LONG_DIGITS = r"[0-9]{11}"  # a mobile number or the most of an ID number, in SQL


def identifier_terms(text: str) -> dict[str, str]:
    """The identifier fields a search term names exactly, with their blind index:
    ``{"id_number": …}`` for a valid resident ID, ``{"phone": …}`` for a mobile number."""
    from .crypto import blind_index

    terms: dict[str, str] = {}
    norm_id = normalize_resident_id(text)
    if is_valid_resident_id(norm_id):
        terms["id_number"] = blind_index("resident_id", norm_id)
    mobile = normalize_mobile(text)
    if is_valid_mobile(mobile):
        terms["phone"] = blind_index("mobile", mobile)
    return terms


def may_reveal_anywhere(user) -> bool:
    from .scoping import has_perm_anywhere

    return user is not None and has_perm_anywhere(user, Perm.REVEAL_PII)


def reveal_scope_q(user, *, field: str = "unit"):
    """A Q over ``field`` (a FK to Unit): the rows whose personal data ``user`` may reveal."""
    from django.db.models import Q

    from .scoping import scope_q

    if not may_reveal_anywhere(user):
        return Q(pk__in=[])
    return scope_q(user, Perm.REVEAL_PII, field=field)


def identifier_search(user, text: str, *, fields=("id_number", "phone"), ledger: str = ""):
    """The identifiers ``text`` names exactly (field -> blind index) that ``user`` may search
    by, or ``{}``. A search that will match on them is audited, naming the fields only.
    The caller restricts the match to ``reveal_scope_q(user)``."""
    terms = {f: idx for f, idx in identifier_terms(text).items() if f in fields}
    if not terms or not may_reveal_anywhere(user):
        return {}
    audit.record(
        audit.E.PII_REVEAL,
        user=user,
        detail={"action": "search", "field": ",".join(sorted(terms)), "ledger": ledger},
    )
    return terms


def search_refused_notice(user, text: str) -> str:
    """The notice a list page shows when a term is an identifier the user may not search by."""
    if identifier_terms(text) and not may_reveal_anywhere(user):
        return SEARCH_REFUSED_NOTICE
    return ""


def free_text_q(user, text: str, fields, *, unit_field: str = "unit"):
    """``field__icontains=text`` over ``fields``. A term with two or more consecutive digits
    (it could be part of an identifier written in the text, shown masked) matches a text
    holding a run of eleven digits or more only in the units where ``user`` may reveal
    personal data: elsewhere such a search would tell the hidden digits one at a time."""
    from django.db.models import Q

    if not fields:
        return Q(pk__in=[])
    guard = _DIGIT_RUN.search(text) is not None
    reveal = reveal_scope_q(user, field=unit_field) if guard else None
    q = Q()
    for f in fields:
        match = Q(**{f"{f}__icontains": text})
        if guard:
            match &= reveal | ~Q(**{f"{f}__regex": _LONG_DIGITS})
        q |= match
    return q


# --- Identifiers written into free text ----------------------------------------------------
#
# A summary, note or description may hold an ID or mobile number typed by hand. ``mask_free_text``
# masks them; it is the one function every surface uses (pages and API responses through
# ``PiiTextMiddleware``, Excel exports, DOCX documents, the annual report) for a viewer who
# may not reveal personal data (``masks_free_text``). ``restore_masked`` keeps the stored
# numbers when such a viewer saves a text back with the masks in it.

FREE_TEXT_WARNING = "请将身份证号填入当事人信息"
# An 18-character ID (17 digits and a digit or X; the check digit is not required, so a
# mistyped number is masked too) and a mainland mobile number, not inside a longer run of
# letters or digits.
_FREE_ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])", re.ASCII)
_FREE_MOBILE_RE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])", re.ASCII)
_MASKED_RE = re.compile(r"\d{6}\*{8}\d{3}[\dX]|1[3-9]\d\*{4}\d{4}", re.ASCII)


def mask_free_text(text):
    """``text`` with every ID and mobile number in it masked (anything not a str as it is)."""
    if not isinstance(text, str) or len(text) < 11:
        return text
    text = _FREE_ID_RE.sub(lambda m: mask_resident_id(m.group(0)), text)
    return _FREE_MOBILE_RE.sub(lambda m: mask_mobile(m.group(0)), text)


def contains_identifier(text) -> bool:
    return isinstance(text, str) and bool(_FREE_ID_RE.search(text) or _FREE_MOBILE_RE.search(text))


def free_text_warnings(*texts) -> list[str]:
    """The entry forms' warning when a free text holds an identifier (not blocking)."""
    return [FREE_TEXT_WARNING] if any(contains_identifier(t) for t in texts) else []


def masks_free_text(user) -> bool:
    """Whether identifiers in free text are masked for ``user`` on pages, API and exports:
    unless the user may reveal personal data in every unit they may view. A user without
    a role that reveals (leaders, supervisors, advisers, the admins), an anonymous visitor,
    and a user who reveals in some units only, all see them masked."""
    from .scoping import grants, is_global, paths_for

    if user is None or not getattr(user, "is_authenticated", False):
        return True
    if is_global(user):
        return False
    if not grants(user):
        return True
    reveal = paths_for(user, Perm.REVEAL_PII)
    if not reveal:
        return True
    return not all(any(v.startswith(r) for r in reveal) for v in paths_for(user, Perm.VIEW))


def free_text_for(user, unit, text):
    """``text`` as ``user`` may see it on a record of ``unit``."""
    return text if may_reveal(user, unit) else mask_free_text(text)


def current_masks_free_text() -> bool:
    """``masks_free_text`` for whoever is acting now (the request's user, the CLI's
    ``--user``); with nobody acting, masked."""
    from . import context

    return masks_free_text(context.current().user)


def restore_masked(new: str, old: str) -> str:
    """``new`` with each mask that stands for a number of ``old`` put back to that number:
    a viewer who saw the text masked and saved it keeps the numbers they could not see."""
    if not isinstance(new, str) or not isinstance(old, str) or not _MASKED_RE.search(new):
        return new
    originals: dict[str, set[str]] = {}
    for rx, masker in ((_FREE_ID_RE, mask_resident_id), (_FREE_MOBILE_RE, mask_mobile)):
        for m in rx.finditer(old):
            originals.setdefault(masker(m.group(0)), set()).add(m.group(0))

    def put_back(m):
        found = originals.get(m.group(0), set())
        return next(iter(found)) if len(found) == 1 else m.group(0)

    return _MASKED_RE.sub(put_back, new)


def free_text_fields(model) -> list[str]:
    """The fields of ``model`` where a person may type an identifier into text: every
    TextField, and in the business apps every plain CharField of 50 characters or more
    without choices (core's are names, keys and hashes)."""
    from django.db import models

    cached = model.__dict__.get("_fazhi_free_text_fields")
    if cached is not None:
        return cached
    names = [
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, models.TextField)
        or (
            type(f) is models.CharField
            and model._meta.app_label != "core"
            and not f.choices
            and (f.max_length or 0) >= 50
        )
    ]
    model._fazhi_free_text_fields = names
    return names


def keep_masked_numbers(instance, update_fields=None) -> None:
    """Before a save: a free text that comes back with masks of the stored numbers in it
    (a viewer who may not see them edited the text) keeps the stored numbers."""
    if instance.pk is None or instance._state.adding:
        return
    fields = [
        f
        for f in free_text_fields(type(instance))
        if (update_fields is None or f in update_fields)
        and isinstance(getattr(instance, f, None), str)
        and _MASKED_RE.search(getattr(instance, f))
    ]
    if not fields:
        return
    old = type(instance)._base_manager.filter(pk=instance.pk).values(*fields).first()
    if old is None:
        return
    for f in fields:
        setattr(instance, f, restore_masked(getattr(instance, f), old[f] or ""))


def mask_free_text_in(value):
    """``mask_free_text`` through the strings of a dict, list or tuple (a document's context)."""
    if isinstance(value, str):
        return mask_free_text(value)
    if isinstance(value, dict):
        return {k: mask_free_text_in(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        items = [mask_free_text_in(v) for v in value]
        return type(value)(*items) if hasattr(value, "_fields") else type(value)(items)
    return value


def note_identifier_in_free_text(instance) -> None:
    """After a save in a request: if a free text of ``instance`` holds an identifier, the
    answer carries ``FREE_TEXT_WARNING`` (a message on the page, ``warnings`` in the API)."""
    from . import context

    actor = context.current()
    if actor.channel not in ("web", "api") or FREE_TEXT_WARNING in actor.warnings:
        return
    if any(
        contains_identifier(getattr(instance, f, None)) for f in free_text_fields(type(instance))
    ):
        actor.warnings.append(FREE_TEXT_WARNING)


# --- Identifiers in edit forms ---------------------------------------------------------------

KEEP_HELP = "号码已部分隐去；不修改则保留原号码，输入完整号码则替换"
_MASKERS = {"mobile": mask_mobile, "resident_id": mask_resident_id}


class MaskedIdentifiersMixin:
    """For a form that edits a stored identifier: a viewer who may not reveal the unit's
    personal data sees it masked; the masked value submitted unchanged keeps the stored
    number (for any viewer: a page may have masked it, see ``masks_free_text``); a new
    full number replaces it and is validated as usual.

    The form declares ``identifier_fields = {"phone": "mobile", "id_number": "resident_id"}``
    (those it has) and is built with ``viewer=request.user, unit=the record's unit``; the
    stored value is read from ``initial`` (a ModelForm's instance fills it)."""

    identifier_fields: dict[str, str] = {}

    def __init__(self, *args, viewer=None, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        show_whole = viewer is not None and unit is not None and may_reveal(viewer, unit)
        for name, kind in self.identifier_fields.items():
            stored = self.initial.get(name) or ""
            if name not in self.fields or not stored:
                continue
            masked = _MASKERS[kind](stored)
            field = self.fields[name]
            if not show_whole:
                self.initial[name] = masked
                field.help_text = KEEP_HELP
            field.clean = _keep_stored(field.clean, masked, stored)


def _keep_stored(clean, masked: str, stored: str):
    def keep_or_clean(value):
        if isinstance(value, str) and value.strip() == masked:
            return stored
        return clean(value)

    return keep_or_clean
