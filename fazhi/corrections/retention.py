"""Retention (PIPL arts. 19, 47): a person whose supervision or resettlement ended more than
``FAZHI_RETENTION_YEARS_CORRECTIONS`` years ago (default 5) has the name, ID number, phone
and notes anonymised by ``fazhi daily``, and the visits' notes cleared, current and history
rows; the dates and counts stay (the report's figures of past years do not change)."""

from __future__ import annotations

import os

from django.db import transaction
from django.utils import timezone

from fazhi.core import retention
from fazhi.core.retention import ANONYMISED

from .models import ENDED, SupervisedPerson, SupervisionVisit


@retention.register(
    "corrections.SupervisedPerson",
    years=int(os.environ.get("FAZHI_RETENTION_YEARS_CORRECTIONS", "5")),
)
def persons(cutoff) -> int:
    ids = list(
        SupervisedPerson.objects.filter(
            status__in=ENDED, ended_on__lt=cutoff.date(), anonymised_at__isnull=True
        ).values_list("pk", flat=True)[:5000]
    )
    now = timezone.now()
    with transaction.atomic():
        for p in SupervisedPerson.objects.filter(pk__in=ids):
            p.name, p.id_number, p.phone, p.notes = ANONYMISED, "", "", ""
            p.anonymised_at = now
            p.save()
        SupervisedPerson.history.model.objects.filter(id__in=ids).update(
            name=ANONYMISED, id_number="", id_number_bidx="", phone="", phone_bidx="", notes=""
        )
        SupervisionVisit.objects.filter(person_id__in=ids).update(notes="")
        SupervisionVisit.history.model.objects.filter(person_id__in=ids).update(notes="")
    return len(ids)
