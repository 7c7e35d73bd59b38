from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("status/", views.status, name="status"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/previous/", views.previous_report, name="previous"),
    path("<int:pk>/actions/<slug:action>/", views.action, name="action"),
    path("<int:pk>/download/<slug:fmt>/", views.download, name="download"),
]
