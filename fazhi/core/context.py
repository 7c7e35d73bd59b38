"""Who is acting and from where, for history and audit rows (web, API or CLI)."""

from __future__ import annotations

import contextvars
import ipaddress
from collections.abc import Callable
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


# What ``acting`` does with a refusal that leaves it. ``CoreConfig.ready`` registers
# ``refusals.record`` (the ``permission_refused`` audit row): this module is the bottom of
# core (audit and history read the actor from it) and imports nothing above it.
_refusal_hooks: list[Callable[[Exception], None]] = []


def on_refusal(hook: Callable[[Exception], None]) -> Callable[[Exception], None]:
    if hook not in _refusal_hooks:
        _refusal_hooks.append(hook)
    return hook


@contextmanager
def acting(user=None, *, ip: str = "", channel: str = "cli"):
    from django.core.exceptions import PermissionDenied

    token = _current.set(Actor(user=user, ip=ip, channel=channel))
    try:
        yield
    except PermissionDenied as exc:
        for hook in _refusal_hooks:  # the command line's refusal row, while the actor is known
            hook(exc)
        raise
    finally:
        _current.reset(token)


def client_ip(request) -> str:
    """The client's address for audit rows and the login lockout.

    REMOTE_ADDR, unless FAZHI_TRUST_X_FORWARDED_FOR is on AND the peer is one of
    FAZHI_TRUSTED_PROXIES: then the last address of X-Forwarded-For, the one that proxy wrote
    (nginx replaces the header; a proxy that appends puts the client's claims before it).
    A forwarded value that is not an IP address is ignored. So whoever reaches the app
    server directly cannot choose the address written to the audit log or the lockout key.
    """
    from django.conf import settings

    peer = (request.META.get("REMOTE_ADDR") or "")[:45]
    if not getattr(settings, "FAZHI_TRUST_X_FORWARDED_FOR", False):
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not forwarded or not _trusted_proxy(peer):
        return peer
    claimed = forwarded.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(claimed))
    except ValueError:
        return peer


def _trusted_proxy(peer: str) -> bool:
    from django.conf import settings

    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    networks = getattr(settings, "FAZHI_TRUSTED_PROXY_NETWORKS", ())
    return any(address in net for net in networks if net.version == address.version)
