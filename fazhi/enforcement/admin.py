"""Read-mostly admin views (changes go through the pages, API and CLI, which keep the procedure)."""

from django.contrib import admin

from fazhi.core.admin import ReadOnly

from .models import (
    EnforcementCase,
    EnforcementCertificate,
    EnforcementSettings,
    Litigation,
    Reconsideration,
)

for model, cols in [
    (EnforcementCase, ("number", "unit", "kind", "status", "opened_on")),
    (EnforcementCertificate, ("holder_name", "number", "unit", "expires_on", "revoked")),
    (Reconsideration, ("case_no", "unit", "status", "outcome")),
    (Litigation, ("case_no", "unit", "status", "outcome")),
    (EnforcementSettings, ("unit", "display_days")),
]:
    admin.site.register(model, type(f"{model.__name__}Admin", (ReadOnly,), {"list_display": cols}))
