"""What falls due, from every mechanism: ``fazhi remind`` and the "我的待办" page.

Each app registers a provider in ``<app>/reminders.py``::

    @reminders.register
    def due(today, *, user=None, units=None, **options):
        # yield DueItem(...) for open items with a due date; when ``user`` is given, only
        # that user's own items (handler / assignee); ``units`` limits to a subtree list;
        # ``options`` may ask for ``overdue_only`` and a ``limit`` (a provider over a big
        # ledger honours them; collect() filters and cuts for the others).
        ...

``fazhi remind`` (daily, cron or systemd timer) collects items due within 3 working days
or overdue and writes ONE digest notification per user per day (re-running the same
day replaces nothing and creates nothing new). County supervisors get a digest of the
overdue items in their subtree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q

from . import discovery, workdays
from .models import Membership, Notification
from .roles import Role


@dataclass(frozen=True)
class DueItem:
    kind: str  # mechanism label, e.g. "矛盾纠纷"
    label: str  # what, e.g. "东风镇 2026-0012 邻里纠纷：调解期限"
    due: dt.date
    url: str
    unit_id: int
    unit_path: str
    assignee_id: int | None = None
    provisional: bool = False
    supervised: bool = False

    def overdue_on(self, today: dt.date) -> bool:
        return self.due < today

    def as_dict(self, today: dt.date) -> dict:
        return {
            "kind": self.kind,
            "label": self.label,
            "due": self.due.isoformat(),
            "url": self.url,
            "overdue": self.overdue_on(today),
            "provisional": self.provisional,
            "supervised": self.supervised,
        }


Provider = Callable[..., Iterable[DueItem]]
_PROVIDERS: list[Provider] = []
_discovered = False


def register(fn: Provider) -> Provider:
    if fn not in _PROVIDERS:
        _PROVIDERS.append(fn)
    return fn


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    discovery.autodiscover("reminders")
    _discovered = True


def collect(
    today: dt.date, *, user=None, units=None, overdue_only: bool = False, limit: int | None = None
) -> list[DueItem]:
    """Every open item with a due date; ``units`` limits to those subtrees (providers that
    can narrow their queries do; callers still filter on ``unit_path``). ``overdue_only``
    with ``limit``: the ``limit`` longest overdue (providers with big ledgers read only
    those; the others are filtered here)."""
    _discover()
    items: list[DueItem] = []
    extra = {"overdue_only": True, "limit": limit} if overdue_only else {}
    for provider in _PROVIDERS:
        items.extend(provider(today, user=user, units=units, **extra))
    if overdue_only:
        items = [i for i in items if i.overdue_on(today)]
    items.sort(key=lambda i: (i.due, i.label))
    return items[:limit] if limit else items


def my_work(user, today: dt.date) -> list[DueItem]:
    """The user's own open items, by due date."""
    return collect(today, user=user)


def horizon(today: dt.date, days: int = 3) -> dt.date:
    return workdays.add_working_days(today, days).date


def in_units(qs, units):
    """``qs`` narrowed to the records whose ``unit`` lies in one of the ``units`` subtrees
    (all of them when ``units`` is empty)."""
    if not units:
        return qs
    q = Q()
    for u in units:
        q |= Q(unit__path__startswith=u.path)
    return qs.filter(q)


def window(qs, due_field: str, today: dt.date, *, overdue_only: bool = False):
    """``qs`` narrowed to what the digest reads: due on ``due_field`` within the horizon or
    overdue (only overdue when ``overdue_only``)."""
    if overdue_only:
        return qs.filter(**{f"{due_field}__lt": today})
    return qs.filter(**{f"{due_field}__lte": horizon(today)})


def due_records(
    qs, due_field: str, today: dt.date, *, owner: str, user=None, units=None, **options
):
    """The records of ``qs`` a provider lists, by due date: within the window (see
    ``window``), the ``user``'s own (their ``owner`` field) when one is given, in ``units``,
    the first ``limit`` when ``options`` ask for one."""
    qs = window(qs, due_field, today, overdue_only=options.get("overdue_only", False))
    if user is not None:
        qs = qs.filter(**{owner: user})
    qs = in_units(qs, units).select_related("unit").order_by(due_field, "id")
    limit = options.get("limit")
    return qs[:limit] if limit else qs


def of_record(obj, **fields) -> DueItem:
    """A ``DueItem`` for a record with a ``unit``: its unit and the unit's path filled in."""
    return DueItem(unit_id=obj.unit_id, unit_path=obj.unit.path, **fields)


def run(today: dt.date) -> dict:
    """Write today's digests. Returns counts for the command's output."""
    items = collect(today)
    limit = horizon(today)
    due_soon = [i for i in items if i.due <= limit]
    per_user: dict[int, list[DueItem]] = defaultdict(list)
    for item in due_soon:
        if item.assignee_id:
            per_user[item.assignee_id].append(item)
    supervisors = list(
        Membership.objects.filter(role=Role.COUNTY_SUPERVISOR, user__is_active=True).select_related(
            "unit"
        )
    )
    for m in supervisors:
        overdue = [
            i for i in due_soon if i.overdue_on(today) and i.unit_path.startswith(m.unit.path)
        ]
        per_user[m.user_id].extend(i for i in overdue if i not in per_user[m.user_id])
    created = 0
    for user_id, user_items in per_user.items():
        if not user_items:
            continue
        user_items.sort(key=lambda i: i.due)
        n_over = sum(1 for i in user_items if i.overdue_on(today))
        title = f"{today:%Y-%m-%d} 待办提醒：{len(user_items)} 项即将到期或已逾期（其中逾期 {n_over} 项）"
        try:
            with transaction.atomic():
                Notification.objects.create(
                    user_id=user_id,
                    kind="digest",
                    day=today,
                    title=title,
                    items=[i.as_dict(today) for i in user_items],
                )
                created += 1
        except IntegrityError:
            continue  # today's digest already written
    return {"items": len(items), "due_soon": len(due_soon), "digests": created}
