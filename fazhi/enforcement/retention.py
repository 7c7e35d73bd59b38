"""Retention (PIPL arts. 19, 47): natural persons' data in enforcement cases closed longer than
``FAZHI_RETENTION_YEARS_ENFORCEMENT`` years (default 10; align with the archive rules) is
anonymised by ``fazhi daily``, current and history rows; cases under legal hold skipped."""

from __future__ import annotations

import os

from fazhi.core import retention
from fazhi.core.retention import ANONYMISED

from .models import EnforcementCase, SubjectType


@retention.register(
    "enforcement.EnforcementCase",
    years=int(os.environ.get("FAZHI_RETENTION_YEARS_ENFORCEMENT", "10")),
)
def cases(cutoff) -> int:
    due = EnforcementCase.objects.filter(
        closed_on__lt=cutoff.date(), legal_hold=False, subject_type=SubjectType.NATURAL
    )
    blank = {"subject_name": ANONYMISED, "id_number": "", "phone": ""}
    ids = retention.anonymise(due, fields=blank, history={**blank, "id_number_bidx": ""})
    return len(ids)
