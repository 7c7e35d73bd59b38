from django.contrib import admin

from .models import (
    Consultation,
    DutyShift,
    LegalAdviser,
    LegalAidReferral,
    LegalServiceSettings,
    ServiceCenterDay,
)

for model in (
    LegalAdviser,
    DutyShift,
    Consultation,
    ServiceCenterDay,
    LegalAidReferral,
    LegalServiceSettings,
):
    admin.site.register(model)
