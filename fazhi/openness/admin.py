from django.contrib import admin

from .models import Disclosure, InformationRequest

for model in (Disclosure, InformationRequest):
    admin.site.register(model)
