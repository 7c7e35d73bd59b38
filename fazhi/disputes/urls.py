from django.urls import path

from fazhi.ledgers.pages import export_view, list_view, reveal_view, urlpatterns_for

from .assistance import ASSISTANCE
from .ledgers import DECLARED
from .organisations import ORGANISATION
from .reception import RECEPTION
from .training import TRAINING, TRAINING_TABS
from .views import cases, grid, pages

app_name = "disputes"

urlpatterns = [
    path("", pages.index, name="index"),
    path("overdue/", pages.overdue, name="overdue"),
    path("settings/", pages.settings_page, name="settings"),
    path("committees/", pages.committee_list, name="committee_list"),
    path("committees/new/", pages.committee_edit, name="committee_new"),
    path("committees/<int:pk>/", pages.committee_edit, name="committee_edit"),
    path("cases/new/", pages.dispute_new, name="dispute_new"),
    path("cases/<int:pk>/edit/", pages.dispute_edit, name="dispute_edit"),
    path("petitions/new/", pages.petition_new, name="petition_new"),
    path("hotline/new/", pages.hotline_new, name="hotline_new"),
    path("hotline/import/", pages.hotline_import, name="hotline_import"),
    path("grid/new/", grid.grid_new, name="grid_new"),
    path("grid/import/", grid.grid_import, name="grid_import"),
    path("cases/import/", pages.ledger_import, {"key": "dispute"}, name="dispute_import"),
    path("petitions/import/", pages.ledger_import, {"key": "petition"}, name="petition_import"),
]

for key, prefix in (
    ("dispute", "cases"),
    ("petition", "petitions"),
    ("hotline", "hotline"),
    ("grid", "grid"),
):
    kw = {"key": key}
    urlpatterns += [
        path(f"{prefix}/", list_view(DECLARED[key], ()), name=f"{key}_list"),
        path(f"{prefix}/export.xlsx", export_view(DECLARED[key], ()), name=f"{key}_export"),
        path(f"{prefix}/<int:pk>/", cases.case_detail, kw, name=f"{key}_detail"),
        path(
            f"{prefix}/<int:pk>/actions/<str:action>/",
            cases.case_action,
            kw,
            name=f"{key}_action",
        ),
        path(
            f"{prefix}/<int:pk>/reveal/<int:person>/<str:field>/",
            reveal_view(DECLARED[key], ()),
            name=f"{key}_reveal",
        ),
    ]
    if key in ("dispute", "petition"):
        urlpatterns.append(
            path(
                f"{prefix}/<int:pk>/documents/<str:name>.docx",
                cases.case_document,
                kw,
                name=f"{key}_document",
            )
        )

# 人民调解员培训: every page from the ledger's declaration (``training.py``).
urlpatterns += urlpatterns_for([TRAINING], TRAINING_TABS)
# 领导接访下访 and 司法救助 (``reception.py``, ``assistance.py``), under the same tabs.
urlpatterns += urlpatterns_for([RECEPTION, ASSISTANCE], TRAINING_TABS)
# 调解组织 for reading: the list with each one's disputes of the year, detail, export
# (``organisations.py``); registered and edited with members on the committees page.
urlpatterns += urlpatterns_for([ORGANISATION], TRAINING_TABS)
