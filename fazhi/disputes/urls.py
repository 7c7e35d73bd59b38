from django.urls import path

from fazhi.web.views import mechanism_home

app_name = "disputes"
urlpatterns = [
    path("", mechanism_home("disputes"), name="index"),
]
