"""Scoped querysets for the three ledgers, on top of ``visible_to``.

Petitions add one rule: a petition marked confidential that complains about a unit is
hidden from every user whose membership is in that unit's subtree.
"""

from __future__ import annotations

from django.db.models import Q

from fazhi.core import scoping
from fazhi.core.roles import Perm

from .models import Dispute, GridCase, HotlineAppeal, Petition


def _prefixes(path: str) -> list[str]:
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def hidden_confidential_q(user) -> Q:
    """Confidential petitions about a unit at or above one of the user's memberships."""
    paths: set[str] = set()
    for g in scoping.grants(user):
        paths.update(_prefixes(g.path))
    if not paths:
        return Q(pk__in=[])
    return Q(confidential=True, complained_unit__path__in=sorted(paths))


def petitions_visible_to(user, perm: str = Perm.VIEW):
    qs = Petition.objects.visible_to(user, perm)
    if scoping.is_global(user):
        return qs
    return qs.exclude(hidden_confidential_q(user))


def disputes_visible_to(user, perm: str = Perm.VIEW):
    return Dispute.objects.visible_to(user, perm)


def hotline_visible_to(user, perm: str = Perm.VIEW):
    return HotlineAppeal.objects.visible_to(user, perm)


def grid_visible_to(user, perm: str = Perm.VIEW):
    return GridCase.objects.visible_to(user, perm)
