"""Due items of the enforcement mechanism for ``fazhi remind`` and "我的待办"."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse

from fazhi.core import reminders

from .models import EnforcementCase, EnforcementCertificate, Litigation, Reconsideration
from .services import RENEWAL_NOTICE_DAYS


def _item(kind, label, due, url, obj, assignee, provisional=False):
    return reminders.of_record(
        obj,
        kind=kind,
        label=label,
        due=due,
        url=url,
        assignee_id=assignee,
        provisional=provisional,
    )


@reminders.register
def due(today, *, user=None, units=None, **_options):
    cases = EnforcementCase.objects.filter(
        Q(decided_on__isnull=True)
        | Q(decided_on__isnull=False, published_on__isnull=True)
        | Q(changed_on__isnull=False, withdrawn_on__isnull=True)
    ).select_related("unit")
    if user is not None:
        cases = cases.filter(Q(created_by=user) | Q(officers__holder=user)).distinct()
    for c in cases:
        url = reverse("enforcement:case_detail", kwargs={"pk": c.pk})
        steps = []
        if c.decided_on is None:
            steps.append(("作出决定", c.decision_due, c.decision_due_provisional))
        elif c.published_on is None:
            steps.append(("公示执法决定", c.publication_due, c.publication_due_provisional))
        if c.changed_on and not c.withdrawn_on:
            steps.append(("决定已变更/撤销，撤下公示", c.withdrawal_due, False))
        for what, due_on, provisional in steps:
            yield _item(
                "行政执法", f"{c.number}：{what}", due_on, url, c, c.created_by_id, provisional
            )
    # 及时提醒执法证件换发: from 30 days before expiry.
    certs = EnforcementCertificate.objects.filter(
        revoked=False, expires_on__lte=today + dt.timedelta(days=RENEWAL_NOTICE_DAYS)
    ).select_related("unit")
    if user is not None:
        certs = certs.filter(Q(holder=user) | Q(created_by=user))
    for c in certs:
        yield _item(
            "执法证件",
            f"{c.holder_name}的执法证件（{c.number}）将于{c.expires_on:%Y-%m-%d}到期，请及时换发",
            c.expires_on,
            reverse("enforcement:certificate_detail", kwargs={"pk": c.pk}),
            c,
            c.holder_id or c.created_by_id,
        )
    for model, key, what in (
        (Reconsideration, "reconsideration", "复议答复"),
        (Litigation, "litigation", "应诉答辩"),
    ):
        qs = model.objects.filter(replied_on__isnull=True).select_related("unit")
        if user is not None:
            qs = qs.filter(created_by=user)
        for r in qs:
            yield _item(
                "复议应诉",
                f"{r.case_no}：{what}及证据",
                r.reply_due,
                reverse(f"enforcement:{key}_detail", kwargs={"pk": r.pk}),
                r,
                r.created_by_id,
                r.reply_due_provisional,
            )
