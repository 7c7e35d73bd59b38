"""How a resident ID number and a mobile number are written: normalised and checked.

Resident ID numbers follow GB 11643-1999 (17 digits + ISO 7064 MOD 11-2 check digit);
mobile numbers are mainland 11-digit numbers starting 13–19. Pure functions with no
import of the rest of core: the encrypted field (``crypto``) normalises with them before it
stores a value or its blind index, and ``pii`` (masking, the audited reveal, searching)
hands them on to the apps.
"""

from __future__ import annotations

import datetime as dt
import re

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


def normalize_mobile(value: str) -> str:
    value = re.sub(r"[\s-]", "", value or "")
    if value.startswith("+86"):
        value = value[3:]
    return value


def is_valid_mobile(value: str) -> bool:
    return bool(_MOBILE_RE.match(normalize_mobile(value)))
