"""Retention (PIPL arts. 19, 47): legal aid referrals older than
``FAZHI_RETENTION_YEARS_LEGAL_AID`` years (default 5) have the person's name and phone
anonymised by ``fazhi daily``, current and history rows; referrals under legal hold skipped."""

from __future__ import annotations

import os

from fazhi.core import retention
from fazhi.core.retention import ANONYMISED

from .models import LegalAidReferral


@retention.register(
    "legalservice.LegalAidReferral",
    years=int(os.environ.get("FAZHI_RETENTION_YEARS_LEGAL_AID", "5")),
)
def referrals(cutoff) -> int:
    due = LegalAidReferral.objects.filter(date__lt=cutoff.date(), legal_hold=False)
    blank = {"person_name": ANONYMISED, "phone": ""}
    return len(retention.anonymise(due, fields=blank, history=blank))
