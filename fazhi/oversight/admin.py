from django.contrib import admin

from .models import DutyReport, Funding, Inspection, LeadingGroup, LeadingGroupMember, Rectification

for model in (LeadingGroup, LeadingGroupMember, DutyReport, Funding, Inspection, Rectification):
    admin.site.register(model)
