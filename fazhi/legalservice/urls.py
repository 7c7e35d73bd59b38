from django.urls import path

from fazhi.web.views import mechanism_home

app_name = "legalservice"
urlpatterns = [
    path("", mechanism_home("legalservice"), name="index"),
]
