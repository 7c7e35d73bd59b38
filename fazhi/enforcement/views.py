"""Pages of the enforcement mechanism beyond the generic ledger pages."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from fazhi.core import documents as core_documents
from fazhi.core import scoping
from fazhi.core.params import query
from fazhi.ledgers import pages as ledger_pages
from fazhi.web.switcher import current_year

from . import documents, public
from .ledgers import TABS
from .models import (
    EnforcementCase,
    EnforcementCertificate,
    EnforcementSettings,
    Litigation,
    Reconsideration,
)
from .services import save_settings


def _ctx(**kw):
    return {"tabs": TABS, "app": "enforcement", "ledger": None, **kw}


def rates(user, year: int) -> dict:
    cases = EnforcementCase.objects.visible_to(user).filter(opened_on__year=year)
    c = cases.aggregate(
        total=Count("id"),
        decided=Count("id", filter=Q(decided_on__isnull=False)),
        published=Count("id", filter=Q(published_on__isnull=False)),
        on_time=Count("id", filter=Q(published_on_time=True)),
        major=Count("id", filter=Q(is_major=True)),
    )
    rec = (
        Reconsideration.objects.visible_to(user)
        .filter(outcome_on__year=year)
        .aggregate(total=Count("id"), corrected=Count("id", filter=Q(corrected=True)))
    )
    lit = (
        Litigation.objects.visible_to(user)
        .filter(outcome_on__year=year)
        .aggregate(total=Count("id"), lost=Count("id", filter=Q(lost=True)))
    )

    def rate(a, b):
        return f"{a * 100 / b:.1f}%" if b else "—"

    return {
        **c,
        "publish_rate": rate(c["on_time"], c["decided"]),
        "rec_total": rec["total"],
        "correction_rate": rate(rec["corrected"], rec["total"]),
        "lit_total": lit["total"],
        "loss_rate": rate(lit["lost"], lit["total"]),
    }


@login_required
def index(request):
    user = request.user
    year = current_year(request)
    today = timezone.localdate()
    cases = EnforcementCase.objects.visible_to(user)
    certs = EnforcementCertificate.objects.visible_to(user).filter(revoked=False)
    todo = {
        "decision_overdue": cases.filter(decided_on__isnull=True, decision_due__lt=today).count(),
        "publication_pending": cases.filter(
            decided_on__isnull=False, published_on__isnull=True
        ).count(),
        "withdraw_pending": cases.filter(
            changed_on__isnull=False, withdrawn_on__isnull=True
        ).count(),
        "certs_expiring": certs.filter(
            expires_on__gte=today, expires_on__lte=today + dt.timedelta(days=30)
        ).count(),
        "certs_expired": certs.filter(expires_on__lt=today).count(),
        "replies_pending": Reconsideration.objects.visible_to(user)
        .filter(replied_on__isnull=True)
        .count()
        + Litigation.objects.visible_to(user).filter(replied_on__isnull=True).count(),
    }
    by_kind = list(cases.filter(opened_on__year=year).values_list("kind").annotate(n=Count("id")))
    from .models import CaseKind

    labels = dict(CaseKind.choices)
    return render(
        request,
        "enforcement/index.html",
        _ctx(
            year=year,
            todo=todo,
            figures=rates(user, year),
            by_kind=[(labels.get(k, k), n) for k, n in by_kind],
            empty=not cases.exists() and not certs.exists(),
        ),
    )


def public_page(request):
    """Published enforcement decisions, no login (公示 is a legal duty): masked, within the period."""
    today = timezone.localdate()
    qs = public.public_cases(today)
    p = query(request)
    unit = p.id("unit")
    if unit:
        qs = qs.filter(unit_id=unit)
    page = Paginator(qs, 50).get_page(p.page())
    rows = [public.public_row(c) for c in page.object_list]
    return render(request, "enforcement/public.html", {"rows": rows, "page": page, "today": today})


# 设置: each county's display_days, on the page every such setting has (ledgers.pages).
INVALID = "公示期限应为整数日"  # a value that is not a whole number
SAVED = "已保存{county}的公示期限"
settings_view = ledger_pages.county_setting_view(
    EnforcementSettings, "display_days", save_settings, _ctx, invalid=INVALID, saved=SAVED
)


@login_required
def document(request, ledger: str, pk: int, key: str):
    if ledger != "case" or key != "notice":
        raise Http404
    case = scoping.get_visible_or_404(EnforcementCase.objects.all(), request.user, pk=pk)
    if not case.decided_on:
        messages.error(request, "尚未作出决定，不能生成公示通知")
        return redirect("enforcement:case_detail", pk=pk)
    data = core_documents.render("enforcement.publication_notice", documents.notice_context(case))
    return core_documents.docx_response(f"执法决定公示-{case.pk}.docx", data)
