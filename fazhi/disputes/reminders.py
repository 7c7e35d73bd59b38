"""Due items of the three mechanisms for ``fazhi remind`` and "我的待办"."""

from __future__ import annotations

from django.urls import reverse

from fazhi.core import reminders

from .models import Dispute, GridCase, HotlineAppeal, Petition

_MODELS = (
    (Dispute, "disputes:dispute_detail", lambda o: o.title),
    (Petition, "disputes:petition_detail", lambda o: "保密信访件" if o.confidential else o.matter),
    (HotlineAppeal, "disputes:hotline_detail", lambda o: o.category.name),
    (GridCase, "disputes:grid_detail", lambda o: o.get_category_display()),
)


@reminders.register
def due(today, *, user=None, units=None, overdue_only=False, limit=None, **_options):
    for model, url_name, label in _MODELS:
        qs = model.objects.filter(status__in=model.OPEN_STATES, due_date__isnull=False)
        if user is not None:
            qs = qs.filter(handler=user)
        if units:
            from django.db.models import Q

            from fazhi.core.models import Unit

            q = Q()
            for u in units:
                q |= Q(path__startswith=u.path)
            qs = qs.filter(unit__in=Unit.objects.filter(q).values("pk"))
        qs = qs.select_related("unit")
        if model is HotlineAppeal:
            qs = qs.select_related("category")
        if overdue_only:
            # the dashboard's list: only the longest overdue, at most ``limit`` per ledger
            qs = qs.filter(due_date__lt=today).order_by("due_date", "id")
            rows = qs[:limit] if limit else qs.iterator(chunk_size=2000)
        else:
            if user is None:
                # The digest needs only what falls due within the horizon or is overdue.
                qs = qs.filter(due_date__lte=reminders.horizon(today))
            rows = qs.iterator(chunk_size=2000)
        for obj in rows:
            yield reminders.DueItem(
                kind=model.KIND_LABEL,
                label=f"{obj.unit.name} {obj.number} {label(obj)}：{obj.due_label}",
                due=obj.due_date,
                url=reverse(url_name, args=[obj.pk]),
                unit_id=obj.unit_id,
                unit_path=obj.unit.path,
                assignee_id=obj.handler_id,
                provisional=obj.due_provisional,
                supervised=obj.supervised,
            )
