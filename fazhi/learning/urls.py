from django.urls import path

from fazhi.ledgers import pages as ledger_pages

from . import views
from .ledgers import LEDGERS, TABS

app_name = "learning"
urlpatterns = [
    path("", views.index, name="index"),
    # Before the ledgers' <plural>/<pk>/ routes: the old export addresses and a session's
    # check-in, sign-in sheet and history.
    path("sessions/export/", views.session_export, name="session_export"),
    path("sessions/<int:pk>/attendance/", views.session_attendance, name="session_attendance"),
    path("sessions/<int:pk>/import/", views.session_import, name="session_import"),
    path("sessions/<int:pk>/history/", views.session_history, name="session_history"),
    path("cadres/export/", views.cadre_export, name="cadre_export"),
    path("cadres/<int:pk>/history/", views.cadre_history, name="cadre_history"),
    *ledger_pages.urlpatterns_for(LEDGERS, TABS),
    path("exam/", views.exam, name="exam"),
    path("exam/import/", views.exam_import, name="exam_import"),
    path("exam/export/", views.exam_export, name="exam_export"),
    path("settings/", views.settings_page, name="settings"),
]
