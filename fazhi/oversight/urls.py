from django.urls import path

from . import views

app_name = "oversight"
urlpatterns = [
    path("", views.index, name="index"),
    path("groups/", views.groups, name="groups"),
    path("groups/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("reports/", views.reports, name="reports"),
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("funding/", views.funding, name="funding"),
    path("inspections/", views.inspections, name="inspections"),
    path("inspections/new/", views.inspection_new, name="inspection_new"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/import/", views.inspection_import, name="inspection_import"),
    path("rectifications/", views.rectifications, name="rectifications"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification_detail"),
    path("townships/", views.by_township, name="by_township"),
]
