from django.urls import path

from fazhi.web.views import mechanism_home

app_name = "learning"
urlpatterns = [
    path("", mechanism_home("learning"), name="index"),
]
