"""Figures of the decisions mechanism for a user's scope and a year (the indicators issue
computes the official ones from the same fields)."""

from __future__ import annotations

from django.db.models import Count, Q

from .models import ContractReview, LegalityReview, MajorDecision, NormativeDocument, ReviewFinding
from .models.reviews import ReviewStatus


def summary(user, year: int) -> dict:
    reviews = LegalityReview.objects.visible_to(user).filter(requested_on__year=year)
    rc = reviews.aggregate(
        total=Count("id"), done=Count("id", filter=Q(status=ReviewStatus.COMPLETED))
    )
    findings = ReviewFinding.objects.visible_to(user).filter(review__requested_on__year=year)
    fc = findings.aggregate(total=Count("id"), fixed=Count("id", filter=Q(fixed=True)))
    docs = NormativeDocument.objects.visible_to(user).filter(published_on__year=year)
    dc = docs.aggregate(
        published=Count("id"),
        filed=Count("id", filter=Q(filed_on__isnull=False)),
        on_time=Count("id", filter=Q(filed_on_time=True)),
    )
    decisions = MajorDecision.objects.visible_to(user).filter(year=year).count()
    contracts = (
        ContractReview.objects.visible_to(user).filter(review__requested_on__year=year).count()
    )

    def rate(a, b):
        return f"{a * 100 / b:.1f}%" if b else "—"

    return {
        "reviews": rc["total"],
        "reviews_done": rc["done"],
        "findings": fc["total"],
        "findings_fixed": fc["fixed"],
        "docs_published": dc["published"],
        "docs_filed": dc["filed"],
        "filing_rate": rate(dc["filed"], dc["published"]),
        "filing_timely_rate": rate(dc["on_time"], dc["published"]),
        "decisions": decisions,
        "contracts": contracts,
    }
