"""The public page of published openness annual reports (no login): /public/openness/."""

from django.urls import path

from . import public

app_name = "public_openness"
urlpatterns = [
    path("", public.index, name="index"),
    path("<int:pk>/", public.detail, name="detail"),
    path("<int:pk>/report.docx", public.docx, name="docx"),
]
