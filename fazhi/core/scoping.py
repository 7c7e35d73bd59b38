"""The one place that decides what a user may see and change.

A user sees the records of the units they are a member of and every unit below them,
as far as their role there allows. Every view, API endpoint, export and CLI command
scopes through ``scope_q`` / ``visible_to`` and checks changes through ``can``.
What a user may not see answers 404 (``get_visible_or_404``), never 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from .roles import Perm, role_allows


@dataclass(frozen=True)
class Grant:
    unit_id: int
    path: str
    role: str


def grants(user) -> list[Grant]:
    """The user's memberships, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_fazhi_grants", None)
    if cached is None:
        cached = [
            Grant(m.unit_id, m.unit.path, m.role)
            for m in user.memberships.select_related("unit").filter(unit__active=True)
        ]
        user._fazhi_grants = cached
    return cached


def clear_cache(user) -> None:
    user.__dict__.pop("_fazhi_grants", None)
    user.__dict__.pop("_fazhi_units", None)


def paths_for(user, perm: str = Perm.VIEW) -> list[str]:
    """Root paths of the subtrees where ``user`` holds ``perm``; minimal (no nested duplicates)."""
    paths = sorted({g.path for g in grants(user) if role_allows(g.role, perm)})
    minimal: list[str] = []
    for p in paths:
        if not any(p.startswith(m) for m in minimal):
            minimal.append(p)
    return minimal


def is_global(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active)


def scope_q(user, perm: str = Perm.VIEW, *, field: str = "unit") -> Q:
    """A Q restricting a queryset over ``field`` (a FK to Unit) to what ``user`` may ``perm``."""
    if is_global(user):
        return Q()
    paths = paths_for(user, perm)
    if not paths:
        return Q(pk__in=[])
    # ``field IN (1, 2, …)``: the ids of the units, read once per request, rather than a
    # join on the unit's path (the database then reads the ledger through its (unit,
    # date) indexes) or a subquery on it (PostgreSQL took 10-50 ms to *plan* a county's
    # case list with the subquery and its four joins, under 2 ms with the ids).
    return Q(**{f"{field}__in": unit_ids(user, perm)})


# Bumped whenever a unit is saved or deleted in this process, so that ids read before
# (a test, a command that adds a village and then records in it) are read again.
_unit_tree_version = 0


def unit_tree_changed(**_kwargs) -> None:
    global _unit_tree_version
    _unit_tree_version += 1


def units(user, perm: str = Perm.VIEW) -> list:
    """Every unit in the subtrees where ``user`` holds ``perm`` (every unit for a global
    user), ordered by path: one query per request, kept on the user object as the grants
    are, so that the unit switcher, the filter forms and the scope of every list on a page
    do not each ask the database again. Read again after a unit is saved or deleted in
    this process. Treat the units as read-only."""
    memo = user.__dict__.setdefault("_fazhi_units", {})
    key = (perm, _unit_tree_version)
    found = memo.get(key)
    if found is None:
        from .models.units import Unit

        paths = paths_for(user, perm)
        view = paths_for(user, Perm.VIEW)
        if is_global(user):
            found = list(Unit.objects.order_by("path"))
        elif not paths:
            found = []
        elif perm != Perm.VIEW and all(any(p.startswith(v) for v in view) for p in paths):
            # inside what the user sees: taken from that list, not read again
            found = [u for u in units(user) if u.path.startswith(tuple(paths))]
        else:
            q = Q()
            for p in paths:
                q |= Q(path__startswith=p)
            found = list(Unit.objects.filter(q).order_by("path"))
        for old in [k for k in memo if k[1] != _unit_tree_version]:
            del memo[old]
        memo[key] = found
    return found


def unit_ids(user, perm: str = Perm.VIEW) -> list[int]:
    """Ids of :func:`units` (the scope of a ledger: ``field IN (ids)``)."""
    return [u.pk for u in units(user, perm)]


def unit_scope_q(user, perm: str = Perm.VIEW) -> Q:
    """The same for the Unit table itself."""
    if is_global(user):
        return Q()
    paths = paths_for(user, perm)
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for p in paths:
        q |= Q(path__startswith=p)
    return q


def can(user, perm: str, unit) -> bool:
    """May ``user`` do ``perm`` on records of ``unit`` (a Unit, or anything with ``.unit``)?"""
    if unit is None:
        return False
    if not hasattr(unit, "path"):
        unit = unit.unit
    if is_global(user):
        return True
    return any(unit.path.startswith(g.path) and role_allows(g.role, perm) for g in grants(user))


def has_perm_anywhere(user, perm: str) -> bool:
    return is_global(user) or any(role_allows(g.role, perm) for g in grants(user))


REFUSED = "您的角色无权在该单位进行此操作"


def require(user, perm: str, unit, message: str | None = None) -> None:
    """Refuse unless ``user`` may ``perm`` on records of ``unit`` (a Unit, or anything with
    ``.unit``): the one refusal of every app. It raises ``PermissionDenied``, which every
    surface answers the same way: 403 on pages and the API, a non-zero exit and one line on
    the command line, each with one ``permission_refused`` audit row (``core/refusals.py``).
    What the user may not know exists is found with ``get_visible_or_404`` first (404)."""
    if not can(user, perm, unit):
        raise PermissionDenied(message or REFUSED)


def require_duty(user, perm: str, message: str | None = None) -> None:
    """The same for a duty held in any unit (a page or command that is not about one unit)."""
    if not has_perm_anywhere(user, perm):
        raise PermissionDenied(message or "您的角色无权执行此操作")


def get_visible_or_404(queryset, user, perm: str = Perm.VIEW, **lookup):
    """One object the user may ``perm``, or Http404 (also for what does not exist)."""
    model = queryset.model
    field = getattr(model, "scope_field", "unit")
    # The model's own visibility where it has one (an inspection is seen by the inspected
    # unit too), so a detail agrees with the list it was opened from.
    visible = getattr(queryset, "visible_to", None)
    try:
        qs = visible(user, perm) if visible else queryset.filter(scope_q(user, perm, field=field))
        return qs.get(**lookup)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404("not found")


def visible_units(user, perm: str = Perm.VIEW):
    from .models.units import Unit

    return Unit.objects.filter(unit_scope_q(user, perm))
