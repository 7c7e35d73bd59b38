"""Retention (PIPL arts. 19, 47): natural persons' data in enforcement cases closed longer than
``FAZHI_RETENTION_YEARS_ENFORCEMENT`` years (default 10; align with the archive rules) is
anonymised by ``fazhi daily``, current and history rows; cases under legal hold skipped."""

from __future__ import annotations

import os

from django.db import transaction
from django.utils import timezone

from fazhi.core import retention
from fazhi.core.retention import ANONYMISED

from .models import EnforcementCase, SubjectType


@retention.register(
    "enforcement.EnforcementCase",
    years=int(os.environ.get("FAZHI_RETENTION_YEARS_ENFORCEMENT", "10")),
)
def cases(cutoff) -> int:
    ids = list(
        EnforcementCase.objects.filter(
            closed_on__lt=cutoff.date(),
            legal_hold=False,
            anonymised_at__isnull=True,
            subject_type=SubjectType.NATURAL,
        ).values_list("pk", flat=True)[:5000]
    )
    now = timezone.now()
    with transaction.atomic():
        for case in EnforcementCase.objects.filter(pk__in=ids):
            case.subject_name, case.id_number, case.phone = ANONYMISED, "", ""
            case.anonymised_at = now
            case.save()
        EnforcementCase.history.model.objects.filter(id__in=ids).update(
            subject_name=ANONYMISED, id_number="", id_number_bidx="", phone=""
        )
    return len(ids)
