"""The one ``permission_refused`` audit row of every refusal, on every surface.

Every app refuses the same way: ``scoping.require`` (or a view) raises
``PermissionDenied``. The row is written where the refusal leaves the system, after the
refused change's transaction has rolled back, so it stays:

- API: the ``PermissionDenied`` handler in ``fazhi/api.py``;
- pages: ``RefusalAuditMiddleware`` below (Django then answers 403);
- command line: ``context.acting``, through the hook ``CoreConfig.ready`` registers (the
  command prints one line and exits non-zero).

``record`` marks the exception (``audited``), so a refusal is written once however many of
these it passes; an exception that wrote its own row (``audited = True``) is not written
again.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


def record(exc: PermissionDenied, **detail) -> None:
    if getattr(exc, "audited", False) or _is_lockout(exc):
        return
    from . import audit

    detail = {k: v for k, v in detail.items() if v not in (None, "")}
    audit.record(
        audit.E.PERMISSION_REFUSED,
        outcome="refused",
        detail={**detail, "message": str(exc)[:200]},
    )
    exc.audited = True


def _is_lockout(exc) -> bool:
    # django-axes refuses a locked-out login with a PermissionDenied of its own, audited
    # as a lockout.
    return type(exc).__module__.startswith("axes")


class RefusalAuditMiddleware:
    """Pages: a view's ``PermissionDenied`` writes its ``permission_refused`` row (the API
    answers inside its own handler and never reaches here)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            record(exception, path=request.path[:200], method=request.method)
        return None
