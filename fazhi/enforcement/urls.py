from django.urls import path

from fazhi.web.views import mechanism_home

app_name = "enforcement"
urlpatterns = [
    path("", mechanism_home("enforcement"), name="index"),
]
