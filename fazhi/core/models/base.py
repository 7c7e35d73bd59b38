"""The base of every ledger record: it belongs to a unit and is scoped by it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ..roles import Perm
from ..scoping import scope_q


class UnitScopedQuerySet(models.QuerySet):
    def visible_to(self, user, perm: str = Perm.VIEW):
        return self.filter(scope_q(user, perm, field=getattr(self.model, "scope_field", "unit")))

    def changeable_by(self, user):
        return self.visible_to(user, Perm.CHANGE)

    def in_subtree(self, unit):
        from .units import Unit

        field = getattr(self.model, "scope_field", "unit")
        # a subquery, not a join on the path: the ledger's (unit, date) indexes then apply
        return self.filter(**{f"{field}__in": Unit.objects.subtree(unit).values("pk")})


class LedgerModel(models.Model):
    """Abstract: a ledger record with its unit, creator and timestamps.

    Concrete ledgers add ``history = HistoricalRecords(bases=[HistoryContext])``
    (see ``fazhi.core.history``) so every change is kept with who, when and from where.
    """

    unit = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, verbose_name="单位", related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="登记人",
    )

    objects = UnitScopedQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        abstract = True
