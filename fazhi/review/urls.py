from django.urls import path

from . import views

app_name = "review"
urlpatterns = [
    path("", views.index, name="index"),
    path("compare/", views.compare, name="compare"),
    path("county/", views.county, name="county"),
    path("report/<int:pk>/", views.report, name="report"),
]
