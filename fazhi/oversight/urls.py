from django.urls import path

from fazhi.web.views import mechanism_home

app_name = "oversight"
urlpatterns = [
    path("", mechanism_home("oversight"), name="index"),
]
