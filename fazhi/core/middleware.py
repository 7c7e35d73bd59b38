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
