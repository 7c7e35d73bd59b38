from django.urls import path

from fazhi.ledgers import pages

from . import views
from .ledgers import (
    CHANNEL,
    DUTY,
    EVENT,
    LEDGERS,
    LIAISON,
    MODEL,
    SITE,
    TABS,
    TRAINING,
    VICE_PRINCIPAL,
)

app_name = "publicity"
urlpatterns = [
    path("", views.index, name="index"),
    # Before the ledgers' own routes: ``export`` is not a record number.
    path("events/export/", views.export(EVENT), name="event_export"),
    path("liaisons/export/", views.export(LIAISON), name="liaison_export"),
    path("models/export/", views.export(MODEL), name="model_export"),
    *pages.urlpatterns_for(LEDGERS, TABS),
    *(
        path(f"{lg.plural}/<int:pk>/history/", views.history(lg), name=f"{lg.key}_history")
        for lg in (EVENT, DUTY, LIAISON, TRAINING, MODEL, CHANNEL, SITE, VICE_PRINCIPAL)
    ),
]
