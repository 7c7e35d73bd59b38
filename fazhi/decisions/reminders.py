"""Due items of the decisions mechanism for ``fazhi remind`` and "我的待办"."""

from __future__ import annotations

from django.urls import reverse

from fazhi.core import reminders

from .models import LegalityReview, NormativeDocument
from .models.documents import DocStatus
from .models.reviews import ReviewStatus


@reminders.register
def due(today, *, user=None, units=None, **_options):
    reviews = LegalityReview.objects.exclude(status=ReviewStatus.COMPLETED).select_related("unit")
    if user is not None:
        reviews = reviews.filter(reviewer=user)
    for r in reviews:
        yield reminders.of_record(
            r,
            kind="合法性审查",
            label=f"{r.unit.name} {r.subject_label}：出具审查意见",
            due=r.due_date,
            url=reverse("decisions:review_detail", kwargs={"pk": r.pk}),
            assignee_id=r.reviewer_id or r.created_by_id,
            provisional=r.due_provisional,
        )
    docs = NormativeDocument.objects.filter(status=DocStatus.PUBLISHED, filing_due__isnull=False)
    if user is not None:
        docs = docs.filter(created_by=user)
    for d in docs.select_related("unit"):
        yield reminders.of_record(
            d,
            kind="规范性文件",
            label=f"{d.unit.name}《{d.title}》（{d.doc_number}）：报送备案",
            due=d.filing_due,
            url=reverse("decisions:document_detail", kwargs={"pk": d.pk}),
            assignee_id=d.created_by_id,
            provisional=d.filing_due_provisional,
        )
