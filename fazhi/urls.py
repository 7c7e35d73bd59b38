"""URLs: the web shell, one prefix per mechanism app, the API, health and login."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from fazhi.api import api
from fazhi.web import account, sso
from fazhi.web import views as web_views

urlpatterns = [
    path("healthz", web_views.healthz, name="healthz"),
    path("login/", sso.LoginView.as_view(), name="login"),
    path("login/sso/oidc/", sso.oidc_start, name="sso_oidc_start"),
    path("login/sso/oidc/callback/", sso.oidc_callback, name="sso_oidc_callback"),
    path("login/sso/cas/", sso.cas_start, name="sso_cas_start"),
    path("login/sso/cas/callback/", sso.cas_callback, name="sso_cas_callback"),
    path("logout/", sso.LogoutView.as_view(), name="logout"),
    path("account/password/", account.PasswordChangeView.as_view(), name="password_change"),
    path("account/otp/", account.otp, name="otp"),
    path(
        "account/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
    path("public/reports/", include("fazhi.reports.public_urls")),
    path("public/openness/", include("fazhi.openness.public_urls")),
    path("", include("fazhi.web.urls")),
]

# Each mechanism app mounts its pages under /<label>/ from its own urls.py.
for _config in apps.get_app_configs():
    if _config.name.startswith("fazhi.") and _config.label not in ("core", "web"):
        try:
            importlib.import_module(f"{_config.name}.urls")
        except ModuleNotFoundError:
            continue
        urlpatterns.append(path(f"{_config.label}/", include(f"{_config.name}.urls")))
