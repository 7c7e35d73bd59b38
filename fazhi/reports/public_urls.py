"""The public page of published reports (no login): mounted at /public/reports/."""

from django.urls import path

from . import public

app_name = "public_reports"
urlpatterns = [
    path("", public.index, name="index"),
    path("<int:pk>/", public.detail, name="detail"),
    path("<int:pk>/report.docx", public.docx, name="docx"),
]
