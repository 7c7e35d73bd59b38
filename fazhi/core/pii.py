"""Personal identifiers: validation, masking, and the audited reveal.

Resident ID numbers follow GB 11643-1999 (17 digits + ISO 7064 MOD 11-2 check digit);
mobile numbers are mainland 11-digit numbers starting 13–19. Both are shown masked
(110105********1234, 138****5678) unless the role may reveal them, and every reveal
is written to the audit log without the value.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError

from . import audit
from .roles import Perm
from .scoping import can

_ID_RE = re.compile(r"^\d{17}[\dX]$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalize_resident_id(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def is_valid_resident_id(value: str) -> bool:
    value = normalize_resident_id(value)
    if not _ID_RE.match(value):
        return False
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return id_check_digit(value[:17]) == value[17]


def validate_resident_id(value: str) -> None:
    if not is_valid_resident_id(value):
        raise ValidationError("身份证号码无效：应为18位，且校验码正确", code="invalid_resident_id")


def normalize_mobile(value: str) -> str:
    value = re.sub(r"[\s-]", "", value or "")
    if value.startswith("+86"):
        value = value[3:]
    return value


def is_valid_mobile(value: str) -> bool:
    return bool(_MOBILE_RE.match(normalize_mobile(value)))


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
# two or more consecutive digits is matched against free text only in those units as well.

SEARCH_REFUSED_NOTICE = "无权按证件号码或手机号检索"
_DIGIT_RUN = re.compile(r"\d{2}")


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
    """``field__icontains=text`` over ``fields``; a term with two or more consecutive digits
    (it could be part of an identifier written in the text) matches only in the units where
    ``user`` may reveal personal data."""
    from django.db.models import Q

    q = Q()
    for f in fields:
        q |= Q(**{f"{f}__icontains": text})
    if _DIGIT_RUN.search(text):
        q &= reveal_scope_q(user, field=unit_field)
    return q
