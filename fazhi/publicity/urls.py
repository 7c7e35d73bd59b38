from django.urls import path

from fazhi.web.views import mechanism_home

app_name = "publicity"
urlpatterns = [
    path("", mechanism_home("publicity"), name="index"),
]
