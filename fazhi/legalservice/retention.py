"""Retention (PIPL arts. 19, 47): legal aid referrals older than
``FAZHI_RETENTION_YEARS_LEGAL_AID`` years (default 5) have the person's name and phone
anonymised by ``fazhi daily``, current and history rows; referrals under legal hold skipped."""

from __future__ import annotations

import os

from django.db import transaction
from django.utils import timezone

from fazhi.core import retention
from fazhi.core.retention import ANONYMISED

from .models import LegalAidReferral


@retention.register(
    "legalservice.LegalAidReferral",
    years=int(os.environ.get("FAZHI_RETENTION_YEARS_LEGAL_AID", "5")),
)
def referrals(cutoff) -> int:
    ids = list(
        LegalAidReferral.objects.filter(
            date__lt=cutoff.date(), legal_hold=False, anonymised_at__isnull=True
        ).values_list("pk", flat=True)[:5000]
    )
    now = timezone.now()
    with transaction.atomic():
        for r in LegalAidReferral.objects.filter(pk__in=ids):
            r.person_name, r.phone, r.anonymised_at = ANONYMISED, "", now
            r.save()
        LegalAidReferral.history.model.objects.filter(id__in=ids).update(
            person_name=ANONYMISED, phone=""
        )
    return len(ids)
