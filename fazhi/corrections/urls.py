from django.urls import path

from fazhi.ledgers import pages

from . import views
from .ledgers import LEDGERS, TABS

app_name = "corrections"
urlpatterns = [
    path("", views.index, name="index"),
    *pages.urlpatterns_for(LEDGERS, TABS),
]
