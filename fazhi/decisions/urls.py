from django.urls import path

from fazhi.web.views import mechanism_home

app_name = "decisions"
urlpatterns = [
    path("", mechanism_home("decisions"), name="index"),
]
