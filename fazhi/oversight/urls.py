from django.urls import path

from fazhi.ledgers import pages as ui

from . import views
from .ledgers import LEDGERS, TABS

app_name = "oversight"


def _ledger_pages():
    """The generated pages; those a form posts to keep taking that POST (``views.POSTS``)."""
    out = []
    for p in ui.urlpatterns_for(LEDGERS, TABS):
        handler = views.POSTS.get(p.name)
        if handler is not None:
            p = path(str(p.pattern), views.with_post(p.callback, handler), name=p.name)
        out.append(p)
    return out


urlpatterns = [
    path("", views.index, name="index"),
    path("groups/edit/", views.group_edit, name="group_edit"),
    path("inspections/<int:pk>/import/", views.inspection_import, name="inspection_import"),
    path("townships/", views.by_township, name="by_township"),
    *_ledger_pages(),
]
