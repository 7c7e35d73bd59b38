from django.urls import path

from fazhi.ledgers import pages as ui

from . import views
from .ledgers import LEDGERS, TABS

app_name = "openness"
urlpatterns = [
    path("", views.index, name="index"),
    path("docs/<str:ledger>/<int:pk>/<str:key>.docx", views.document, name="document"),
    *ui.urlpatterns_for(LEDGERS, TABS),
]
