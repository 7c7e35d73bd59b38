from django.urls import path

from fazhi.ledgers import pages as ui

from . import views
from .ledgers import LEDGERS, TABS

app_name = "legalservice"

# Ledger pages whose older versions took a form posted to them (kept working).
_POSTED = {
    "shift_detail": views.shift_post,
    "aid_detail": views.aid_post,
    "center": views.center_post,
}


def _ledger_patterns():
    out = []
    for p in ui.urlpatterns_for(LEDGERS, TABS):
        if p.name in _POSTED:
            p = path(str(p.pattern), views.posting(p.callback, _POSTED[p.name]), name=p.name)
        out.append(p)
    return out


urlpatterns = [
    path("", views.index, name="index"),
    path("coverage/", views.coverage, name="coverage"),
    path("duty/", views.duty, name="duty"),
    path("settings/", views.settings_page, name="settings"),
    *_ledger_patterns(),
]
