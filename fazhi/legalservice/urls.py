from django.urls import path

from . import views

app_name = "legalservice"
urlpatterns = [
    path("", views.index, name="index"),
    path("advisers/", views.advisers, name="advisers"),
    path("advisers/new/", views.adviser_new, name="adviser_new"),
    path("advisers/<int:pk>/", views.adviser_detail, name="adviser_detail"),
    path("advisers/<int:pk>/edit/", views.adviser_edit, name="adviser_edit"),
    path("coverage/", views.coverage, name="coverage"),
    path("shifts/", views.shifts, name="shifts"),
    path("shifts/new/", views.shift_new, name="shift_new"),
    path("shifts/<int:pk>/", views.shift_detail, name="shift_detail"),
    path("duty/", views.duty, name="duty"),
    path("consultations/", views.consultations, name="consultations"),
    path("consultations/new/", views.consultation_new, name="consultation_new"),
    path("consultations/import/", views.consultations_import, name="consultations_import"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation_detail"),
    path("center/", views.center, name="center"),
    path("center/import/", views.center_import, name="center_import"),
    path("aid/", views.aid, name="aid"),
    path("aid/new/", views.aid_new, name="aid_new"),
    path("aid/<int:pk>/", views.aid_detail, name="aid_detail"),
    path("settings/", views.settings_page, name="settings"),
]
