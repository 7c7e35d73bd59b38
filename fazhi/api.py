"""The API: django-ninja under /api/v1/. Each app's ``api.py`` exposes a ``router``.

Errors are always JSON: ``{"error": {"code": ..., "message": ...}}``. The OpenAPI
document names every operation ``<app>_<thing>_<verb>`` and tags it with its app's label
(``FazhiAPI``; docs/architecture.md, "API").
"""

from __future__ import annotations

import logging
import re

from django.apps import apps
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from fazhi.core import discovery
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


# The verb of an operation id by HTTP method (GET is ``list`` or ``get``, a POST to a path
# ending in a parameter, ``…/{action}``, is ``act``).
VERBS = {"post": "create", "put": "update", "patch": "partial_update", "delete": "delete"}


class FazhiAPI(NinjaAPI):
    """django-ninja with the naming of the OpenAPI document in one place.

    - Operation ids are ``<app>_<thing>_<verb>``, NetBox's scheme, read from the route's
      path and method rather than from the view's module path: ``<app>`` the label of the
      app whose router serves it, ``<thing>`` the path's words below the app's mount
      (parameters left out, ``-`` as ``_``; the app's label again for the mount itself),
      ``<verb>`` ``list`` (a GET answering a list or a page), ``get`` (any other GET),
      ``create`` (POST), ``act`` (a POST to ``…/{action}``: the word ``actions`` before it
      is left out), ``update`` (PUT), ``partial_update`` (PATCH), ``delete``.
      ``POST /api/v1/disputes/disputes`` is ``disputes_disputes_create``. An id a route
      sets itself is kept when it already reads ``<app>_…``.
    - Tags: one per app, its label (ASCII, so generated clients name their modules one
      way), set where its router is mounted (``mount``); the document lists each tag with
      the app's Chinese name as its description.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mounts: dict[tuple[str, ...], str] = {}  # mount path's words -> app label
        self.tag_names: dict[str, str] = {}  # app label -> its Chinese name

    def mount(self, prefix: str, router, *, label: str, name: str) -> None:
        self.add_router(prefix, router, tags=[label])
        self.mounts[tuple(w for w in prefix.split("/") if w)] = label
        self.tag_names[label] = name

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for clash in name_operations(schema, path_prefix, self.mounts):
            log.warning("OpenAPI: operation id %s is used twice; kept the view's own", clash)
        used = {t for ops in schema["paths"].values() for op in ops.values() for t in op["tags"]}
        schema["tags"] = [
            {"name": label, "description": name}
            for label, name in self.tag_names.items()
            if label in used
        ]
        return schema


def name_operations(schema: dict, path_prefix: str, mounts: dict) -> list[str]:
    """Give every operation of ``schema`` its ``<app>_<thing>_<verb>`` id and its app's
    tag (in place); the ids that would have been used twice (none, tests/core/test_api.py)."""
    taken: set[str] = set()
    clashes: list[str] = []
    components = schema.get("components", {}).get("schemas", {})
    for path, ops in schema["paths"].items():
        words = [w for w in path.removeprefix(path_prefix.rstrip("/")).split("/") if w]
        depth, app = max(
            ((len(m), label) for m, label in mounts.items() if tuple(words[: len(m)]) == m),
            default=(0, "api"),
        )
        rest = words[depth:]
        for method, op in list(ops.items()):
            op = ops[method] = dict(op)  # ninja shares one dict among an operation's methods
            op["tags"] = [app]
            given = op.get("operationId", "")
            if re.fullmatch(rf"{re.escape(app)}(_[a-z0-9]+)+", given):
                new = given
            else:
                new = _operation_id(app, rest, method, op, components)
            if new in taken:
                clashes.append(new)
                new = given
            taken.add(new)
            op["operationId"] = new
    return clashes


def _operation_id(app: str, rest: list[str], method: str, op: dict, components: dict) -> str:
    ends_in_param = bool(rest) and rest[-1].startswith("{")
    thing = [w.replace("-", "_") for w in rest if not w.startswith("{")]
    if method == "get":
        verb = "get" if ends_in_param or not _answers_a_list(op, components) else "list"
    elif method == "post" and ends_in_param:
        verb = "act"
        if thing and thing[-1] == "actions":
            thing = thing[:-1]
    else:
        verb = VERBS.get(method, method)
    return "_".join([app, *(thing or [app]), verb])


def _answers_a_list(op: dict, components: dict) -> bool:
    """Is the 200 answer an array, or a page of one (``items`` beside ``count``)?"""
    answers = op.get("responses", {})
    ok = answers.get(200) or answers.get("200") or {}  # ninja keys them by int
    body = ok.get("content", {}).get("application/json", {})
    shape = body.get("schema", {})
    if "$ref" in shape:
        shape = components.get(shape["$ref"].rsplit("/", 1)[-1], {})
    props = shape.get("properties", {})
    return shape.get("type") == "array" or ("items" in props and "count" in props)


api = FazhiAPI(
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
    for module in discovery.autodiscover("api"):
        router = getattr(module, "router", None)
        if router is not None:
            config = apps.get_containing_app_config(module.__name__)
            prefix = getattr(module, "prefix", f"/{config.label}")
            api.mount(prefix, router, label=config.label, name=str(config.verbose_name))


_mount_routers()
__all__ = ["api"]
