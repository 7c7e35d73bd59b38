"""The API: django-ninja under /api/v1/. Each app's ``api.py`` exposes a ``router``.

Errors are always JSON: ``{"error": {"code": ..., "message": ...}}``.
"""

from __future__ import annotations

import importlib
import logging

from django.apps import apps
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from fazhi.core.errors import DomainError
from fazhi.core.models import ApiToken

log = logging.getLogger(__name__)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer fz_…`` with a token made by ``fazhi token create``."""

    def authenticate(self, request, token):
        from fazhi.core import security

        user = ApiToken.authenticate(token)
        if user is not None and security.password_expired(user):
            raise PasswordExpired()
        if user is not None:
            request.user = user
            actor = getattr(request, "fazhi_actor", None)
            if actor is not None:
                actor.user = user
        return user


class PasswordExpired(Exception):
    pass


class SessionCookieAuth(SessionAuth):
    """The web session, with Django's CSRF check for unsafe methods."""


api = NinjaAPI(
    title="fazhi API",
    version="1",
    description='法治政府建设台账、指标、年度报告与审阅的接口。错误统一为 {"error": {"code", "message"}}。',
    urls_namespace="api",
    auth=[TokenAuth(), SessionCookieAuth()],
    docs_url="/docs",
)

_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "validation_error",
    429: "too_many_requests",
}


def error(request, status: int, code: str, message: str, **extra):
    body = {"error": {"code": code, "message": message, **extra}}
    return api.create_response(request, body, status=status)


@api.exception_handler(NinjaValidationError)
def _validation(request, exc):
    details = []
    for e in exc.errors:
        loc = ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "payload"))
        details.append({"field": loc, "message": e.get("msg", "")})
    return error(request, 422, "validation_error", "请求数据不符合要求", details=details)


@api.exception_handler(DjangoValidationError)
def _django_validation(request, exc):
    if hasattr(exc, "message_dict"):
        details = [{"field": f, "message": "；".join(m)} for f, m in exc.message_dict.items()]
    else:
        details = [{"field": "", "message": m} for m in exc.messages]
    return error(
        request, 422, "validation_error", "；".join(d["message"] for d in details), details=details
    )


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return error(request, exc.status_code, _STATUS_CODES.get(exc.status_code, "error"), str(exc))


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return error(request, 401, "unauthorized", "未登录或令牌无效")


@api.exception_handler(PasswordExpired)
def _password_expired(request, exc):
    return error(request, 403, "password_expired", "密码已过期，请先在网页上修改密码")


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error(request, 404, "not_found", "记录不存在或无权查看")


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    from fazhi.core import audit

    if not getattr(exc, "audited", False):  # accounts.Refused wrote its own row
        audit.record(
            audit.E.PERMISSION_REFUSED, outcome="refused", detail={"path": request.path[:200]}
        )
    return error(request, 403, "forbidden", str(exc) or "无权执行此操作")


@api.exception_handler(DomainError)
def _domain(request, exc):
    return error(request, exc.status, exc.code, exc.message)


@api.exception_handler(SuspiciousOperation)
def _suspicious(request, exc):
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent

    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent):
        return error(request, 413, "too_large", "请求数据过大")
    return error(request, 400, "bad_request", "请求不合法")


@api.exception_handler(OverflowError)
def _overflow(request, exc):
    return error(request, 400, "invalid_value", "数值超出范围")


@api.exception_handler(Exception)
def _unexpected(request, exc):
    log.exception("API error on %s", request.path)
    return error(request, 500, "server_error", "服务器内部错误，请稍后重试或联系管理员")


def _mount_routers() -> None:
    for config in apps.get_app_configs():
        if not config.name.startswith("fazhi."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.api")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.api":
                continue
            raise
        router = getattr(module, "router", None)
        if router is not None:
            api.add_router(getattr(module, "prefix", f"/{config.label}"), router)


_mount_routers()
__all__ = ["api"]
