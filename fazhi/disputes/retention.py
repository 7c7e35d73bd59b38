"""Retention of personal data in the case ledgers (PIPL arts. 19, 47; ``fazhi daily``).

After a case has been closed for the retention period (years, per ledger, set by
``FAZHI_RETENTION_YEARS_DISPUTES`` / ``_PETITIONS`` / ``_HOTLINE`` / ``_GRID``; defaults 10,
10, 3 and 3,
to be aligned with the local archive rules), the names, ID numbers, phone numbers and
addresses of its people are anonymised, in the current rows and in their history rows.
Cases under legal hold are skipped. Each record is saved one by one.
"""

from __future__ import annotations

import os

from django.db import transaction
from django.utils import timezone

from fazhi.core import retention
from fazhi.core.retention import ANONYMISED

from .models import Dispute, DisputeParty, GridCase, HotlineAppeal, Petition, Petitioner


def _years(name: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(f"FAZHI_RETENTION_YEARS_{name}", default)))
    except ValueError:
        return default


def _people(person_model, fk: str, case_ids: list[int]) -> None:
    for person in person_model.objects.filter(**{f"{fk}__in": case_ids}):
        person.name = ANONYMISED
        person.id_number = ""
        person.phone = ""
        if hasattr(person, "address"):
            person.address = ""
        person.save()
    history = getattr(person_model, "history", None)
    if history is not None:  # the kept copies of each change must not keep the person either
        blank = {
            "name": ANONYMISED,
            "id_number": "",
            "id_number_bidx": "",
            "phone": "",
            "phone_bidx": "",
            "address": "",
        }
        present = {f.name for f in history.model._meta.fields}
        history.model.objects.filter(**{f"{fk}_id__in": case_ids}).update(
            **{k: v for k, v in blank.items() if k in present}
        )


def _anonymise(case_model, person_model, fk: str, cutoff) -> int:
    qs = case_model.objects.filter(
        closed_on__lt=cutoff.date(), legal_hold=False, anonymised_at__isnull=True
    ).values_list("pk", flat=True)
    ids = list(qs[:5000])
    if not ids:
        return 0
    now = timezone.now()
    with transaction.atomic():
        _people(person_model, fk, ids)
        for case in case_model.objects.filter(pk__in=ids):
            case.anonymised_at = now
            case.save(update_fields=["anonymised_at"])
    return len(ids)


@retention.register("disputes.Dispute", years=_years("DISPUTES", 10))
def disputes(cutoff) -> int:
    return _anonymise(Dispute, DisputeParty, "dispute", cutoff)


@retention.register("disputes.Petition", years=_years("PETITIONS", 10))
def petitions(cutoff) -> int:
    return _anonymise(Petition, Petitioner, "petition", cutoff)


@retention.register("disputes.HotlineAppeal", years=_years("HOTLINE", 3))
def hotline(cutoff) -> int:
    due = HotlineAppeal.objects.filter(closed_on__lt=cutoff.date(), legal_hold=False)
    blank = {"caller": ANONYMISED, "phone": "", "address": ""}
    return len(retention.anonymise(due, fields=blank, history={**blank, "phone_bidx": ""}))


@retention.register("disputes.GridCase", years=_years("GRID", 3))
def grid(cutoff) -> int:
    """As for hotline appeals: the person concerned (name, phone) of long-closed grid cases.

    Only cases that name someone are touched (most grid cases name no one), so the daily
    batch is spent on the ones that hold personal data.
    """
    from django.db.models import Q

    ids = list(
        GridCase.objects.filter(
            closed_on__lt=cutoff.date(), legal_hold=False, anonymised_at__isnull=True
        )
        .filter(~Q(person_name="") | ~Q(phone=""))
        .values_list("pk", flat=True)[:5000]
    )
    now = timezone.now()
    with transaction.atomic():
        for case in GridCase.objects.filter(pk__in=ids):
            case.person_name = ANONYMISED if case.person_name else ""
            case.phone = ""
            case.anonymised_at = now
            case.save()
        kept = GridCase.history.model.objects.filter(id__in=ids)
        kept.exclude(person_name="").update(person_name=ANONYMISED)
        kept.update(phone="", phone_bidx="")
    return len(ids)
