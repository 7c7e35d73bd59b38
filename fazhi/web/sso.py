"""The login page with its single sign-on buttons, the provider round trips, and logout.

Thin: the rules (who a subject is, who may use the password form, what is audited) are
``fazhi.core.sso``'s."""

from __future__ import annotations

import requests
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from fazhi.core import audit, security, sso
from fazhi.core.params import query

NEXT = "_fz_sso_next"
BACKEND = "fazhi.core.auth.CaseInsensitiveModelBackend"
# a provider that cannot be used is a bad gateway; a refusal of this person is forbidden
STATUS = {
    "unreachable": 502,
    "wrong_issuer": 502,
    "bad_metadata": 502,
    "invalid_client": 502,
    "bad_answer": 502,
    "unknown_user": 403,
    "inactive": 403,
}
OAUTH_MESSAGES = {
    "invalid_client": "统一身份认证服务拒绝了本系统的凭据（客户端密钥有误），请联系系统管理员；管理员可使用密码登录",
    "access_denied": "您在统一身份认证页面取消了登录或未获授权",
    "mismatching_state": "登录请求已过期或不完整，请重新点击“统一身份认证登录”",
}


class LoginForm(AuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not sso.local_login_allowed(user):
            audit.record(
                audit.E.LOGIN_FAILED,
                outcome="refused",
                username=user.username,
                detail={"reason": "local_login_off"},
            )
            raise ValidationError(
                "本系统已改用统一身份认证登录，请点击“统一身份认证登录”", code="local_login_off"
            )


def _context() -> dict:
    return {"sso_providers": sso.providers(), "local_login": settings.FAZHI_LOCAL_LOGIN}


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(_context())
        form = ctx.get("form")
        if form is not None and form.errors:
            codes = {e.code for e in form.non_field_errors().as_data()}
            ctx["login_error"] = (
                "本系统已改用统一身份认证登录，请点击“统一身份认证登录”"
                if "local_login_off" in codes
                else "用户名或密码不正确，请重新输入。"
            )
        return ctx


def _failed(request, exc: sso.SsoError):
    ctx = {"form": LoginForm(request), "sso_error": exc.message, "next": "", **_context()}
    return render(request, "registration/login.html", ctx, status=STATUS.get(exc.code, 400))


def _remember_next(request) -> None:
    nxt = request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(nxt, {request.get_host()}, request.is_secure())
    request.session[NEXT] = nxt if ok else ""


def _finish(request, user, provider: str, subject: str, id_token: str = ""):
    nxt = request.session.pop(NEXT, "") or ""
    login(request, user, backend=BACKEND)  # session policy and the login_ok row as for passwords
    request.session[security.SESSION_SSO] = provider
    if id_token:
        request.session[sso.SESSION_ID_TOKEN] = id_token
    if settings.FAZHI_SSO_SECOND_FACTOR:
        request.session[security.SESSION_OTP] = True
    sso.signed_in(user, provider, subject)
    return redirect(nxt or settings.LOGIN_REDIRECT_URL)


def oidc_start(request):
    if not sso.oidc_enabled():
        raise Http404
    try:
        client = sso.oidc_client()
    except sso.SsoError as exc:
        return _failed(request, exc)
    _remember_next(request)
    return client.authorize_redirect(
        request, request.build_absolute_uri(reverse("sso_oidc_callback"))
    )


def oidc_callback(request):
    from authlib.common.errors import AuthlibBaseError

    if not sso.oidc_enabled():
        raise Http404
    try:
        client = sso.oidc_client()
        token = client.authorize_access_token(request)
        claims = token.get("userinfo") or {}
        if not claims.get("sub"):
            raise sso.provider_error(
                sso.P.OIDC, "no_id_token", "统一身份认证未返回身份令牌，无法登录，请联系系统管理员"
            )
        user = sso.resolve(
            sso.P.OIDC,
            str(claims["sub"]),
            name=str(claims.get("name") or ""),
            preferred=str(claims.get("preferred_username") or ""),
        )
    except sso.SsoError as exc:
        return _failed(request, exc)
    except AuthlibBaseError as exc:
        code = getattr(exc, "error", "") or "oauth_error"
        message = OAUTH_MESSAGES.get(
            code, "统一身份认证登录未完成（身份令牌校验未通过），请重新登录或联系系统管理员"
        )
        return _failed(request, sso.provider_error(sso.P.OIDC, code, message))
    except requests.RequestException as exc:
        return _failed(
            request,
            sso.provider_error(
                sso.P.OIDC,
                "unreachable",
                "统一身份认证服务暂时无法连接，请稍后再试；管理员可使用密码登录",
                error=type(exc).__name__,
            ),
        )
    return _finish(request, user, sso.P.OIDC, str(claims["sub"]), token.get("id_token") or "")


def _cas_service(request) -> str:
    return request.build_absolute_uri(reverse("sso_cas_callback"))


def cas_start(request):
    if not sso.cas_enabled():
        raise Http404
    _remember_next(request)
    return redirect(sso.cas_client(_cas_service(request)).get_login_url())


def cas_callback(request):
    if not sso.cas_enabled():
        raise Http404
    try:
        subject, attributes = sso.cas_validate(
            _cas_service(request), query(request).text("ticket", max_length=256)
        )
        user = sso.resolve(
            sso.P.CAS,
            subject,
            name=str(attributes.get("name") or attributes.get("displayName") or ""),
            preferred=subject,
        )
    except sso.SsoError as exc:
        return _failed(request, exc)
    return _finish(request, user, sso.P.CAS, subject)


class LogoutView(auth_views.LogoutView):
    """Ends fazhi's session; after a single sign-on, offers the provider's logout too."""

    def post(self, request, *args, **kwargs):
        provider = request.session.get(security.SESSION_SSO)
        id_token = request.session.get(sso.SESSION_ID_TOKEN, "")
        response = super().post(request, *args, **kwargs)
        if not provider:
            return response
        back = request.build_absolute_uri(reverse("login"))
        if provider == sso.P.OIDC and sso.oidc_enabled():
            url = sso.oidc_logout_url(id_token, back)
        elif provider == sso.P.CAS and sso.cas_enabled():
            url = sso.cas_client(back).get_logout_url(back)
        else:
            url = ""
        return render(request, "registration/logged_out_sso.html", {"provider_logout": url})
