from __future__ import annotations

import json
import re

from . import context


class RequestContextMiddleware:
    """Makes the acting user and address available to history and audit rows."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        channel = "api" if request.path.startswith("/api/") else "web"
        token = context.set_actor(
            context.Actor(user=None, ip=context.client_ip(request), channel=channel)
        )
        request.fazhi_actor = context.current()
        try:
            # The user is resolved lazily by auth middleware; bind it when first read.
            request.fazhi_actor.user = request.user if hasattr(request, "user") else None
            return self.get_response(request)
        finally:
            context.reset(token)


class SecurityPolicyMiddleware:
    """Session limits, second factor and password age, for every request of a logged-in user.

    - a session past the absolute cap or idle too long ends (audited);
    - a user who must pass a second factor sees only the code page until they do;
    - a user whose password has expired sees only the password-change page.
    API requests get a JSON error instead of a redirect.
    """

    OPEN_PREFIXES = ("/static/", "/healthz", "/logout/", "/public/", "/login/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.contrib.auth import logout
        from django.http import JsonResponse
        from django.shortcuts import redirect

        from . import audit, security

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(self.OPEN_PREFIXES):
            return self.get_response(request)
        is_api = request.path.startswith("/api/")
        if is_api and "HTTP_AUTHORIZATION" in request.META:
            return self.get_response(request)  # token requests are checked by the token auth
        problem = security.session_problem(request)
        if problem:
            audit.record(audit.E.LOGOUT, user=user, detail={"reason": f"session_{problem}"})
            logout(request)
            message = (
                "会话已超时，请重新登录" if problem == "idle" else "登录已超过最长时限，请重新登录"
            )
            if is_api:
                return JsonResponse(
                    {"error": {"code": "session_expired", "message": message}}, status=401
                )
            from django.contrib import messages

            messages.info(request, message)
            return redirect(f"/login/?next={request.path}")
        if not request.session.get(security.SESSION_OTP) and security.otp_required(user):
            if request.path.startswith("/account/otp/"):
                return self.get_response(request)
            if is_api:
                return JsonResponse(
                    {"error": {"code": "otp_required", "message": "请先完成动态口令验证"}},
                    status=403,
                )
            return redirect(f"/account/otp/?next={request.path}")
        # a session signed in by the province's platform: its password is not fazhi's
        if not request.session.get(security.SESSION_SSO) and security.password_expired(user):
            if request.path.startswith("/account/password/"):
                return self.get_response(request)
            if is_api:
                return JsonResponse(
                    {"error": {"code": "password_expired", "message": "密码已过期，请先修改密码"}},
                    status=403,
                )
            from django.contrib import messages

            messages.warning(request, "您的密码已过期（或为初始密码），请先修改密码")
            return redirect("/account/password/")
        return self.get_response(request)


class PiiTextMiddleware:
    """Identifiers written into free text are masked in every page and API answer for a
    viewer who may not reveal them (``pii.masks_free_text``), through ``pii.mask_free_text``.

    Structured identifier fields are masked (or revealed, audited) by the views; a value a
    view has revealed stands between ``<!--pii-revealed-->`` and ``<!--/pii-revealed-->``
    and is left as it is. Files (Excel, DOCX, attachments) are not touched here: the
    exports and documents mask as they are written."""

    TYPES = ("text/html", "application/json")
    REVEALED = re.compile(r"(<!--pii-revealed-->.*?<!--/pii-revealed-->)", re.S)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from . import pii

        response = self.get_response(request)
        self._warn(request, response)
        if (
            getattr(response, "streaming", False)
            or not response.get("Content-Type", "").startswith(self.TYPES)
            or not pii.masks_free_text(getattr(request, "user", None))
        ):
            return response
        charset = response.charset or "utf-8"
        if response["Content-Type"].startswith("application/json"):
            # the strings themselves: escapes (\uff1b) would hide a number's boundary
            try:
                data = json.loads(response.content)
            except ValueError:
                return response
            masked_data = pii.mask_free_text_in(data)
            if masked_data == data:
                return response
            content = json.dumps(masked_data, ensure_ascii=False).encode("utf-8")
        else:
            body = response.content.decode(charset, errors="surrogateescape")
            parts = self.REVEALED.split(body)
            masked = "".join(p if i % 2 else pii.mask_free_text(p) for i, p in enumerate(parts))
            if masked == body:
                return response
            content = masked.encode(charset, errors="surrogateescape")
        response.content = content
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response

    @staticmethod
    def _warn(request, response) -> None:
        """Warnings noted while saving (``pii.FREE_TEXT_WARNING``): a message on the next
        page, or a ``warnings`` list in a JSON object answer."""
        from django.contrib import messages

        actor = getattr(request, "fazhi_actor", None)
        if actor is None or not actor.warnings:
            return
        if request.path.startswith("/api/"):
            if response.status_code < 300 and response.get("Content-Type", "").startswith(
                "application/json"
            ):
                try:
                    body = json.loads(response.content)
                except ValueError:
                    return
                if isinstance(body, dict):
                    body["warnings"] = list(actor.warnings)
                    response.content = json.dumps(body, ensure_ascii=False).encode()
                    if response.has_header("Content-Length"):
                        response["Content-Length"] = str(len(response.content))
            return
        if hasattr(request, "_messages"):
            for w in actor.warnings:
                messages.warning(request, w)
