"""Retention (PIPL arts. 19, 47): after a record type's retention period, personal data in
it is anonymised by the daily job; records under legal hold are skipped.

An app registers, in ``<app>/retention.py``::

    @retention.register("disputes.Dispute", years=3)
    def anonymise_disputes(cutoff: datetime) -> int:
        # anonymise personal fields of records closed before ``cutoff`` and not on legal hold,
        # saving one by one (history is kept); return how many records changed
        ...
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from . import audit, discovery


@dataclass(frozen=True)
class Policy:
    label: str
    years: int
    fn: Callable[[dt.datetime], int]


POLICIES: list[Policy] = []


def register(label: str, *, years: int):
    def wrap(fn):
        POLICIES.append(Policy(label, years, fn))
        return fn

    return wrap


def _discover() -> None:
    discovery.autodiscover("retention")


ANONYMISED = "（已匿名化）"
BATCH = 5000  # records anonymised per ledger by one daily run


def anonymise(qs, *, fields: dict, history: dict) -> list[int]:
    """The first ``BATCH`` records of ``qs`` (past their retention period) not yet
    anonymised: each saved one by one with ``fields`` and ``anonymised_at`` (their history
    keeps the change), then their earlier history rows updated with ``history``. Returns
    their ids."""
    model = qs.model
    ids = list(qs.filter(anonymised_at__isnull=True).values_list("pk", flat=True)[:BATCH])
    now = timezone.now()
    with transaction.atomic():
        for obj in model.objects.filter(pk__in=ids):
            for name, value in fields.items():
                setattr(obj, name, value)
            obj.anonymised_at = now
            obj.save()
        model.history.model.objects.filter(id__in=ids).update(**history)
    return ids


def run(now: dt.datetime | None = None) -> dict[str, int]:
    _discover()
    now = now or timezone.now()
    done: dict[str, int] = {}
    for policy in POLICIES:
        cutoff = now - dt.timedelta(days=365 * policy.years)
        n = policy.fn(cutoff)
        done[policy.label] = n
        if n:
            audit.record(audit.E.RETENTION, detail={"anonymised": policy.label, "records": n})
    return done


def disable_inactive_accounts(now: dt.datetime | None = None) -> int:
    """Accounts unused for FAZHI_ACCOUNT_INACTIVE_DAYS are disabled (等保 访问控制)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    days = settings.FAZHI_ACCOUNT_INACTIVE_DAYS
    if not days:
        return 0
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=days)
    users = get_user_model().objects.filter(is_active=True, is_superuser=False)
    stale = users.filter(last_login__lt=cutoff) | users.filter(
        last_login__isnull=True, date_joined__lt=cutoff
    )
    count = 0
    for user in stale.distinct():
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit.record(
            audit.E.ACCOUNT,
            user=None,
            username=user.username,
            detail={"action": "disabled_inactive", "user": user.username},
        )
        count += 1
    return count
