"""History of ledger records: django-simple-history, with the source address added.

Why django-simple-history (docs/architecture.md): it keeps a full copy of the row per
change (so a record can be shown as it was at any time with ``history.as_of``), works
on SQLite and PostgreSQL alike (django-pghistory is PostgreSQL-only), and is well kept.
Its one gap, queryset bulk updates, is closed by the rule that every change goes
through a service that saves models one by one.
"""

from __future__ import annotations

from django.db import models
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from . import context


class HistoryContext(models.Model):
    history_ip = models.CharField("来源地址", max_length=45, blank=True)
    history_channel = models.CharField("渠道", max_length=10, blank=True)

    class Meta:
        abstract = True


def history(**kwargs) -> HistoricalRecords:
    """The history field every ledger model declares: ``history = history()``."""
    return HistoricalRecords(bases=[HistoryContext], **kwargs)


@receiver(pre_create_historical_record)
def _add_context(sender, **kwargs):
    actor = context.current()
    record = kwargs["history_instance"]
    record.history_ip = actor.ip or ""
    record.history_channel = actor.channel
    if (
        record.history_user_id is None
        and actor.user is not None
        and getattr(actor.user, "pk", None)
    ):
        if getattr(actor.user, "is_authenticated", False):
            record.history_user_id = actor.user.pk


def diff(record) -> list[dict]:
    """What changed in one historical record against the one before it."""
    prev = record.prev_record
    if prev is None:
        return []
    delta = record.diff_against(prev)
    return [{"field": c.field, "old": c.old, "new": c.new} for c in delta.changes]
