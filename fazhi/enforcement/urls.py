from django.urls import path

from fazhi.ledgers import pages as ui

from . import views
from .ledgers import LEDGERS, TABS

app_name = "enforcement"
urlpatterns = [
    path("", views.index, name="index"),
    path("public/", views.public_page, name="public"),
    path("settings/", views.settings_view, name="settings"),
    path("docs/<str:ledger>/<int:pk>/<str:key>.docx", views.document, name="document"),
    *ui.urlpatterns_for(LEDGERS, TABS),
]
