"""Read-mostly admin views (changes go through the pages, API and CLI, which keep the procedure)."""

from django.contrib import admin

from fazhi.core.admin import ReadOnly

from .models import (
    CollectiveDiscussion,
    ContractReview,
    DecisionCatalog,
    DecisionsSettings,
    DocumentRegister,
    LegalityReview,
    MajorDecision,
    NormativeDocument,
)

for model, cols in [
    (DecisionCatalog, ("title", "unit", "year", "status")),
    (MajorDecision, ("title", "unit", "year", "status")),
    (CollectiveDiscussion, ("title", "unit", "category", "meeting_date", "outcome")),
    (NormativeDocument, ("title", "unit", "doc_number", "status", "filed_on_time")),
    (DocumentRegister, ("unit", "year", "prefix", "last_number")),
    (LegalityReview, ("subject_label", "unit", "subject_kind", "status", "conclusion")),
    (ContractReview, ("title", "unit", "counterparty", "status")),
    (DecisionsSettings, ("unit", "filing_days")),
]:
    admin.site.register(model, type(f"{model.__name__}Admin", (ReadOnly,), {"list_display": cols}))
