"""Pages of the decisions mechanism beyond the generic ledger pages (ui.py)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from fazhi.core import documents as core_documents
from fazhi.core import excel, scoping
from fazhi.core.roles import Perm
from fazhi.ledgers import pages as ledger_pages
from fazhi.ledgers.declare import display
from fazhi.web.switcher import current_year

from . import documents, indicators
from .ledgers import TABS
from .models import (
    CollectiveDiscussion,
    DecisionsSettings,
    LegalityReview,
    MajorDecision,
    NormativeDocument,
)
from .models.catalog import DecisionStatus
from .models.documents import DocStatus
from .services import save_settings


def _ctx(**kw):
    return {"tabs": TABS, "app": "decisions", "ledger": None, **kw}


@login_required
def index(request):
    user = request.user
    year = current_year(request)
    today = timezone.localdate()
    decisions = MajorDecision.objects.visible_to(user).filter(year=year)
    by_status = dict(decisions.values_list("status").annotate(n=Count("id")))
    docs = NormativeDocument.objects.visible_to(user)
    reviews = LegalityReview.objects.visible_to(user)
    todo = {
        "reviews_open": reviews.exclude(status="completed").count(),
        "reviews_overdue": reviews.exclude(status="completed").filter(due_date__lt=today).count(),
        "docs_unfiled": docs.filter(status=DocStatus.PUBLISHED).count(),
        "docs_filing_overdue": docs.filter(
            status=DocStatus.PUBLISHED, filing_due__lt=today
        ).count(),
        "decisions_drafting": by_status.get(DecisionStatus.DRAFTING, 0),
    }
    figures = indicators.summary(user, year)
    return render(
        request,
        "decisions/index.html",
        _ctx(
            year=year,
            by_status=[(s.label, by_status.get(s.value, 0)) for s in DecisionStatus],
            todo=todo,
            figures=figures,
            empty=not decisions.exists() and not docs.exists(),
        ),
    )


@login_required
def cleanup(request):
    """清理: what is in force, due to expire within 6 months, or to be reviewed (expired, still listed)."""
    user = request.user
    today = timezone.localdate()
    soon = today + dt.timedelta(days=183)
    live = (
        NormativeDocument.objects.visible_to(user)
        .filter(status__in=[DocStatus.PUBLISHED, DocStatus.FILED])
        .select_related("unit")
        .order_by("unit__path", "valid_until")
    )
    groups = [
        ("in_force", "现行有效", [d for d in live if not d.valid_until or d.valid_until > soon]),
        (
            "expiring",
            "6个月内到期",
            [d for d in live if d.valid_until and today <= d.valid_until <= soon],
        ),
        (
            "to_review",
            "已过有效期，需清理（修改、废止或重新发布）",
            [d for d in live if d.valid_until and d.valid_until < today],
        ),
    ]
    if request.GET.get("format") == "xlsx":
        if not scoping.has_perm_anywhere(user, Perm.EXPORT):
            raise PermissionDenied("您的角色无权导出")
        rows = [
            [
                label,
                d.unit.name,
                d.title,
                d.doc_number,
                display(d.published_on),
                display(d.valid_until),
                d.get_status_display(),
            ]
            for _k, label, ds in groups
            for d in ds
        ]
        return excel.export_response(
            request,
            "规范性文件清理",
            ["清理结论", "单位", "文件名称", "文号", "发布日期", "有效期至", "状态"],
            rows,
            filename=f"规范性文件清理-{today:%Y%m%d}.xlsx",
        )
    return render(request, "decisions/cleanup.html", _ctx(groups=groups, today=today))


# 设置: each county's filing_days, on the page every such setting has (ledgers.pages).
INVALID = "报备期限应为15日或30日"  # a value that is not a whole number
SAVED = "已保存{county}的规范性文件报备期限"
settings_view = ledger_pages.county_setting_view(
    DecisionsSettings, "filing_days", save_settings, _ctx, invalid=INVALID, saved=SAVED
)


@login_required
def document(request, ledger: str, pk: int, key: str):
    user = request.user
    if ledger == "review" and key == "opinion":
        r = scoping.get_visible_or_404(LegalityReview.objects.all(), user, pk=pk)
        data = core_documents.render("decisions.review_opinion", documents.review_context(r))
        return core_documents.docx_response(f"合法性审查意见书-{r.pk}.docx", data)
    if ledger in ("decision", "matter") and key == "minutes":
        if ledger == "decision":
            d = scoping.get_visible_or_404(MajorDecision.objects.all(), user, pk=pk)
            disc = d.discussions.order_by("-meeting_date", "-id").first()
            if disc is None:
                messages.error(request, "该决策尚未集体讨论，没有纪要")
                return redirect("decisions:decision_detail", pk=pk)
        else:
            disc = scoping.get_visible_or_404(CollectiveDiscussion.objects.all(), user, pk=pk)
        data = core_documents.render("decisions.minutes", documents.minutes_context(disc))
        return core_documents.docx_response(f"集体讨论纪要摘要-{disc.pk}.docx", data)
    if ledger == "document" and key == "filing":
        doc = scoping.get_visible_or_404(NormativeDocument.objects.all(), user, pk=pk)
        if not doc.published_on:
            messages.error(request, "文件尚未发布，不能生成备案报告")
            return redirect("decisions:document_detail", pk=pk)
        data = core_documents.render("decisions.filing_report", documents.filing_context(doc))
        return core_documents.docx_response(f"备案报告-{doc.pk}.docx", data)
    raise Http404
