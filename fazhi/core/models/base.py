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


def user_field(verbose_name=None, *, on_delete=models.SET_NULL, **kw) -> models.ForeignKey:
    """An optional link to a user account (who registered, handles, signed off …) with no
    reverse accessor; by default the record keeps its row when the account goes."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=on_delete,
        related_name="+",
        verbose_name=verbose_name,
        **kw,
    )


def unit_field(verbose_name, **kw) -> models.ForeignKey:
    """An optional link to a unit beside the record's own (the village a case concerns, the
    unit complained of), with no reverse accessor; a unit so named cannot be deleted."""
    return models.ForeignKey(
        "core.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=verbose_name,
        **kw,
    )


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
    created_by = user_field("登记人")

    objects = UnitScopedQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        abstract = True


class UnitSettings(LedgerModel):
    """Abstract: a unit's one row of settings for a mechanism (each concrete model keeps
    its own one-per-unit constraint); named after the unit, as "东风镇 调解设置"."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.unit} {self._meta.verbose_name}"
