from django.urls import path

from fazhi.web.views import mechanism_home

app_name = "reports"
urlpatterns = [
    path("", mechanism_home("reports"), name="index"),
]
