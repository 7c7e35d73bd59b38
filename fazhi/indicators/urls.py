from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("", views.index, name="index"),
    path("snapshot/", views.snapshot, name="snapshot"),
]
