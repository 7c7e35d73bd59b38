from __future__ import annotations

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
        if security.password_expired(user):
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
