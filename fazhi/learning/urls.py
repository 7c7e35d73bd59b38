from django.urls import path

from . import views

app_name = "learning"
urlpatterns = [
    path("", views.index, name="index"),
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/export/", views.session_export, name="session_export"),
    path("sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/attendance/", views.session_attendance, name="session_attendance"),
    path("sessions/<int:pk>/import/", views.session_import, name="session_import"),
    path("sessions/<int:pk>/history/", views.session_history, name="session_history"),
    path("cadres/", views.cadre_list, name="cadre_list"),
    path("cadres/export/", views.cadre_export, name="cadre_export"),
    path("cadres/new/", views.cadre_create, name="cadre_create"),
    path("cadres/import/", views.cadre_import, name="cadre_import"),
    path("cadres/<int:pk>/", views.cadre_detail, name="cadre_detail"),
    path("cadres/<int:pk>/edit/", views.cadre_edit, name="cadre_edit"),
    path("cadres/<int:pk>/history/", views.cadre_history, name="cadre_history"),
    path("exam/", views.exam, name="exam"),
    path("exam/import/", views.exam_import, name="exam_import"),
    path("exam/export/", views.exam_export, name="exam_export"),
    path("settings/", views.settings_page, name="settings"),
]
