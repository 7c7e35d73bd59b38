from django.urls import path

from fazhi.web.views import mechanism_home

app_name = "indicators"
urlpatterns = [
    path("", mechanism_home("indicators"), name="index"),
]
