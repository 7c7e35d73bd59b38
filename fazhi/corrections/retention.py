"""Retention (PIPL arts. 19, 47): a person whose supervision or resettlement ended more than
``FAZHI_RETENTION_YEARS_CORRECTIONS`` years ago (default 5) has the name, ID number, phone
and notes anonymised by ``fazhi daily``, and the visits' notes cleared, current and history
rows; the dates and counts stay (the report's figures of past years do not change)."""

from __future__ import annotations

import os

from django.db import transaction

from fazhi.core import retention
from fazhi.core.retention import ANONYMISED

from .models import ENDED, SupervisedPerson, SupervisionVisit


@retention.register(
    "corrections.SupervisedPerson",
    years=int(os.environ.get("FAZHI_RETENTION_YEARS_CORRECTIONS", "5")),
)
def persons(cutoff) -> int:
    due = SupervisedPerson.objects.filter(status__in=ENDED, ended_on__lt=cutoff.date())
    blank = {"name": ANONYMISED, "id_number": "", "phone": "", "notes": ""}
    with transaction.atomic():
        ids = retention.anonymise(
            due, fields=blank, history={**blank, "id_number_bidx": "", "phone_bidx": ""}
        )
        SupervisionVisit.objects.filter(person_id__in=ids).update(notes="")
        SupervisionVisit.history.model.objects.filter(person_id__in=ids).update(notes="")
    return len(ids)
