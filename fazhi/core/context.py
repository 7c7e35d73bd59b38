"""Who is acting and from where, for history and audit rows (web, API or CLI)."""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Actor:
    user: object | None = None
    ip: str = ""
    channel: str = "system"  # web | api | cli | system
    warnings: list = field(default_factory=list)  # non-blocking notes for the answer (pii)


_current: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("fazhi_actor", default=None)
_SYSTEM = Actor()


def current() -> Actor:
    return _current.get() or _SYSTEM


def set_actor(actor: Actor):
    return _current.set(actor)


def reset(token) -> None:
    _current.reset(token)


@contextmanager
def acting(user=None, *, ip: str = "", channel: str = "cli"):
    token = _current.set(Actor(user=user, ip=ip, channel=channel))
    try:
        yield
    finally:
        _current.reset(token)


def client_ip(request) -> str:
    # Behind a proxy, set FAZHI_TRUST_X_FORWARDED_FOR (docs/SECURITY.md); default trusts REMOTE_ADDR only.
    from django.conf import settings

    if getattr(settings, "FAZHI_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:45]
    return (request.META.get("REMOTE_ADDR") or "")[:45]
