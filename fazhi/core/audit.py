"""Write and verify the audit log. Every security event and ledger change calls ``record``.

The write shares the caller's transaction (a business change and its audit row commit
together or not at all) and takes the chain head's row lock, so rows chain linearly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone

from . import context
from .models.audit import AuditChainHead, AuditEvent, AuditEventType

E = AuditEventType


def record(
    event: str,
    *,
    obj=None,
    unit=None,
    outcome: str = "ok",
    detail: dict | None = None,
    user=None,
    username: str = "",
) -> AuditEvent:
    actor = context.current()
    if user is None:
        user = actor.user
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if unit is None and obj is not None:
        unit = getattr(obj, "unit", None)
    if unit is None and user is not None:
        # An event about a person belongs to their unit, so each county's auditor reads its own.
        m = user.memberships.select_related("unit").order_by("unit__path").first()
        unit = m.unit if m is not None else None
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        row = AuditEvent(
            at=timezone.now(),
            event=event,
            outcome=outcome,
            user_id=getattr(user, "pk", None),
            username=(getattr(user, "username", "") or username)[:150],
            unit_id=getattr(unit, "pk", None),
            unit_name=(getattr(unit, "name", "") or "")[:100],
            object_type=obj._meta.label_lower if obj is not None and hasattr(obj, "_meta") else "",
            object_id=str(getattr(obj, "pk", "") or "")[:64],
            object_label=str(obj)[:200] if obj is not None else "",
            ip=actor.ip,
            channel=actor.channel,
            detail=detail or {},
            prev_hash=head.last_hash,
        )
        row.hash = row.compute_hash()
        row.save()
        head.last_hash = row.hash
        head.count += 1
        head.save(update_fields=["last_hash", "count"])
    return row


@dataclass
class VerifyResult:
    checked: int
    broken_ids: list[int]

    @property
    def ok(self) -> bool:
        return not self.broken_ids


def verify(batch: int = 5000) -> VerifyResult:
    """Recompute the chain; name every row whose hash or link does not hold."""
    head = AuditChainHead.objects.filter(id=1).first()
    prev = head.anchor_hash if head is not None else ""
    broken: list[int] = []
    checked = 0
    last_id = head.anchor_id if head is not None else 0
    while True:
        rows = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            break
        for row in rows:
            checked += 1
            if row.prev_hash != prev or row.compute_hash() != row.hash:
                broken.append(row.id)
            prev = row.hash
            last_id = row.id
    if head is not None and checked and head.last_hash != prev:
        broken.append(last_id)
    return VerifyResult(checked=checked, broken_ids=broken)


def purge_expired(now=None) -> int:
    """Remove audit rows older than the retention period (never below 183 days), keeping the
    chain verifiable from the last removed row. Returns the number removed."""
    import datetime as dt

    from django.conf import settings

    days = max(183, settings.FAZHI_AUDIT_RETENTION_DAYS)
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        last = AuditEvent.objects.filter(at__lt=cutoff).order_by("-id").first()
        if last is None:
            return 0
        n, _ = models.QuerySet.delete(AuditEvent.objects.filter(id__lte=last.id))
        head.anchor_id, head.anchor_hash = last.id, last.hash
        head.save(update_fields=["anchor_id", "anchor_hash"])
    record(E.RETENTION, detail={"audit_rows_removed": n, "before": cutoff.isoformat()})
    return n


def search(params: dict, user=None):
    """Audit rows filtered by event, user name, outcome, address and date range (for the viewer),
    limited to the units where ``user`` holds ``read_audit``; rows with no unit (failed logins
    under unknown names) only for auditors at a top-level unit."""
    import datetime as dt

    from django.db.models import Q

    from . import scoping
    from .roles import Perm

    qs = AuditEvent.objects.order_by("-id")
    if user is not None and not scoping.is_global(user):
        units = scoping.visible_units(user, Perm.READ_AUDIT)
        q = Q(unit_id__in=units.values("id"))
        if units.filter(depth=0).exists():
            q |= Q(unit_id__isnull=True)
        qs = qs.filter(q)
    if params.get("event"):
        qs = qs.filter(event=params["event"])
    if params.get("username"):
        qs = qs.filter(username__icontains=params["username"])
    if params.get("outcome"):
        qs = qs.filter(outcome=params["outcome"])
    if params.get("ip"):
        qs = qs.filter(ip=params["ip"])
    for key, lookup in (("date_from", "at__date__gte"), ("date_to", "at__date__lte")):
        if params.get(key):
            try:
                qs = qs.filter(**{lookup: dt.date.fromisoformat(str(params[key]))})
            except ValueError:
                from .errors import InvalidInput

                raise InvalidInput("日期格式应为 YYYY-MM-DD")
    return qs


EXPORT_HEADERS = [
    "ID",
    "时间",
    "事件",
    "结果",
    "用户",
    "单位",
    "对象类型",
    "对象",
    "来源地址",
    "渠道",
    "详情",
    "哈希",
]


def export_rows(qs):
    from django.utils import timezone as tz

    labels = dict(AuditEventType.choices)
    for r in qs.iterator(chunk_size=2000):
        yield [
            r.id,
            tz.localtime(r.at).strftime("%Y-%m-%d %H:%M:%S"),
            labels.get(r.event, r.event),
            r.outcome,
            r.username,
            r.unit_name,
            r.object_type,
            r.object_label,
            r.ip,
            r.channel,
            json.dumps(r.detail, ensure_ascii=False),
            r.hash,
        ]
