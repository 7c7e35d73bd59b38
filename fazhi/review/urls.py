from django.urls import path

from fazhi.web.views import mechanism_home

app_name = "review"
urlpatterns = [
    path("", mechanism_home("review"), name="index"),
]
