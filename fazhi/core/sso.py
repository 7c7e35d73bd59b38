"""Single sign-on (统一身份认证): the provider's answer → one fazhi user, or a refusal.

Two protocols, each through a well-kept library (docs/decisions.md "Single sign-on"):

- OIDC, authorization code with PKCE (S256), through Authlib's Django client: discovery
  from ``FAZHI_OIDC_ISSUER``, state, nonce, the ID token's signature, issuer, audience and
  expiry checked by Authlib;
- CAS 2.0/3.0 through python-cas (the client library under django-cas-ng): the ticket
  validated against ``FAZHI_CAS_URL``.

Whatever the protocol, a user is found by the provider's stable subject only
(``ExternalIdentity``), never by a name or an e-mail the provider sends: an administrator
maps a subject to an existing user once (``map_identity``), or the first sign-in makes a
new user with no role (``FAZHI_SSO_CREATE_USERS``), who sees no data until the security
admin grants one. Every sign-in, refusal, first match and provider error is audited
(``audit.E.SSO``). The views (``fazhi.web.sso``) only carry requests to and from here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import accounts, audit, security
from .errors import InvalidInput
from .models import ExternalIdentity, SsoProvider
from .roles import Perm

P = SsoProvider
SESSION_PROVIDER = security.SESSION_SSO
SESSION_ID_TOKEN = "_fz_sso_id_token"  # for the provider's logout (id_token_hint)
METADATA_SECONDS = 3600


class SsoError(Exception):
    """The provider could not be used or refused: ``message`` is for the login page,
    ``code`` for the audit row."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ProviderLink:
    key: str
    label: str
    url_name: str


def oidc_enabled() -> bool:
    return bool(settings.FAZHI_OIDC_ISSUER and settings.FAZHI_OIDC_CLIENT_ID)


def cas_enabled() -> bool:
    return bool(settings.FAZHI_CAS_URL)


def providers() -> list[ProviderLink]:
    """The sign-in buttons the login page offers, in this order."""
    out = []
    if oidc_enabled():
        out.append(ProviderLink(P.OIDC, "统一身份认证登录", "sso_oidc_start"))
    if cas_enabled():
        label = "统一身份认证登录" if not out else "统一身份认证登录（CAS）"
        out.append(ProviderLink(P.CAS, label, "sso_cas_start"))
    return out


def is_admin(user) -> bool:
    """One of the three admins (三员), who keep the password form when it is off."""
    return bool(
        user is not None
        and (
            user.is_superuser
            or user.memberships.filter(role__in=list(accounts.ADMIN_ROLES)).exists()
        )
    )


def local_login_allowed(user) -> bool:
    return settings.FAZHI_LOCAL_LOGIN or is_admin(user)


def _refuse(code: str, message: str, *, provider: str, subject: str = "", user=None, **more):
    audit.record(
        audit.E.SSO,
        user=user,
        outcome="refused" if code in ("unknown_user", "inactive") else "failed",
        detail={"provider": provider, "code": code, "subject": subject[:255], **more},
    )
    return SsoError(code, message)


def provider_error(provider: str, code: str, message: str, **more) -> SsoError:
    """A provider that cannot be used (unreachable, wrong issuer, bad secret): audited."""
    return _refuse(code, message, provider=provider, **more)


# --- matching ---------------------------------------------------------------------------
def _new_username(provider: str, subject: str, preferred: str) -> str:
    user_model = get_user_model()
    base = (preferred or "").strip()[:100]
    if base and not user_model.objects.filter(username__iexact=base).exists():
        return base
    digest = hashlib.sha256(f"{provider}:{subject}".encode()).hexdigest()[:12]
    return f"{provider}-{digest}"


def resolve(provider: str, subject: str, *, name: str = "", preferred: str = ""):
    """The fazhi user behind this subject: mapped, or new without any role, or refused."""
    subject = (subject or "").strip()
    if not subject:
        raise _refuse("no_subject", "统一身份认证未返回用户标识，无法登录", provider=provider)
    identity = (
        ExternalIdentity.objects.select_related("user")
        .filter(provider=provider, subject=subject)
        .first()
    )
    if identity is None:
        if not settings.FAZHI_SSO_CREATE_USERS:
            raise _refuse(
                "unknown_user",
                "您的统一身份认证账号尚未在本系统开通，请联系系统管理员开通后再登录",
                provider=provider,
                subject=subject,
            )
        identity = _first_match(provider, subject, name=name, preferred=preferred)
    user = identity.user
    if not user.is_active:
        raise _refuse(
            "inactive",
            "您的账号已停用，请联系系统管理员",
            provider=provider,
            subject=subject,
            user=user,
        )
    ExternalIdentity.objects.filter(pk=identity.pk).update(last_login_at=timezone.now())
    return user


def _first_match(provider: str, subject: str, *, name: str, preferred: str) -> ExternalIdentity:
    user_model = get_user_model()
    try:
        with transaction.atomic():
            user = user_model(
                username=_new_username(provider, subject, preferred),
                display_name=(name or "")[:50],
            )
            user.set_unusable_password()
            user.save()
            identity = ExternalIdentity.objects.create(
                provider=provider, subject=subject, user=user
            )
            audit.record(
                audit.E.SSO,
                user=user,
                detail={
                    "provider": provider,
                    "code": "first_match",
                    "subject": subject[:255],
                    "created_user": user.username,
                },
            )
    except IntegrityError:  # the same subject's first sign-in in two tabs at once
        identity = ExternalIdentity.objects.select_related("user").get(
            provider=provider, subject=subject
        )
    return identity


def _require_manager(actor, user) -> None:
    accounts._require(actor, Perm.MANAGE_USERS)
    if not accounts.manageable_users(actor).filter(pk=user.pk).exists():
        accounts._refuse(actor, "该用户不在您的管理范围内", action="sso_map", user=user.username)


def map_identity(actor, user, provider: str, subject: str) -> ExternalIdentity:
    """An administrator binds a subject to an existing user (users' management permission).

    A subject already bound to a user made at first sign-in with no role moves; that
    empty user is disabled. A subject bound to a user with roles is refused: unmap first."""
    _require_manager(actor, user)
    subject = (subject or "").strip()
    if provider not in P.values:
        raise InvalidInput(f"认证方式须为 {'、'.join(P.values)} 之一")
    if not subject or len(subject) > 255:
        raise InvalidInput("请填写统一身份标识（不超过255字符）")
    with transaction.atomic():
        existing = (
            ExternalIdentity.objects.select_for_update()
            .select_related("user")
            .filter(provider=provider, subject=subject)
            .first()
        )
        if existing is not None and existing.user_id == user.pk:
            return existing
        if existing is not None:
            old = existing.user
            if old.memberships.exists() or old.has_usable_password():
                raise InvalidInput(
                    f"该统一身份标识已对应用户“{old.username}”，请先解除对应再重新对应"
                )
            old.is_active = False
            old.save(update_fields=["is_active"])
            existing.user = user
            existing.save(update_fields=["user"])
            identity = existing
        else:
            identity = ExternalIdentity.objects.create(
                provider=provider, subject=subject, user=user
            )
        audit.record(
            audit.E.ACCOUNT,
            user=actor,
            detail={
                "action": "sso_map",
                "user": user.username,
                "provider": provider,
                "subject": subject,
            },
        )
    return identity


def unmap_identity(actor, provider: str, subject: str) -> None:
    accounts._require(actor, Perm.MANAGE_USERS)
    deleted, _ = ExternalIdentity.objects.filter(provider=provider, subject=subject).delete()
    if not deleted:
        raise InvalidInput("没有这个统一身份认证对应")
    audit.record(
        audit.E.ACCOUNT,
        user=actor,
        detail={"action": "sso_unmap", "provider": provider, "subject": subject},
    )


def signed_in(user, provider: str, subject: str) -> None:
    audit.record(
        audit.E.SSO,
        user=user,
        detail={"provider": provider, "code": "login", "subject": subject[:255]},
    )


# --- OIDC -------------------------------------------------------------------------------
def _oidc_metadata() -> dict:
    issuer = settings.FAZHI_OIDC_ISSUER
    key = "fazhi:oidc-metadata:" + hashlib.sha256(issuer.encode()).hexdigest()[:16]
    found = cache.get(key)
    if found:
        return found
    url = issuer + "/.well-known/openid-configuration"
    try:
        resp = requests.get(url, timeout=settings.FAZHI_SSO_TIMEOUT_SECONDS)
        resp.raise_for_status()
        data = resp.json()
    except (requests.RequestException, ValueError) as exc:
        raise provider_error(
            P.OIDC,
            "unreachable",
            "统一身份认证服务暂时无法连接，请稍后再试；管理员可使用密码登录",
            error=type(exc).__name__,
        )
    if not isinstance(data, dict) or (data.get("issuer") or "").rstrip("/") != issuer:
        raise provider_error(
            P.OIDC,
            "wrong_issuer",
            "统一身份认证服务的配置有误（签发者不符），请联系系统管理员；管理员可使用密码登录",
            got=str(data.get("issuer") if isinstance(data, dict) else "")[:200],
        )
    for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not data.get(field):
            raise provider_error(
                P.OIDC,
                "bad_metadata",
                "统一身份认证服务的配置有误（缺少必需的地址），请联系系统管理员",
                missing=field,
            )
    cache.set(key, data, METADATA_SECONDS)
    return data


def oidc_client():
    """An Authlib client for the configured provider, PKCE on."""
    from authlib.integrations.django_client import OAuth

    meta = _oidc_metadata()
    oauth = OAuth()
    return oauth.register(
        "fazhi_oidc",
        client_id=settings.FAZHI_OIDC_CLIENT_ID,
        client_secret=settings.FAZHI_OIDC_CLIENT_SECRET or None,
        authorize_url=meta["authorization_endpoint"],
        access_token_url=meta["token_endpoint"],
        client_kwargs={
            "scope": settings.FAZHI_OIDC_SCOPE,
            "code_challenge_method": "S256",
            "default_timeout": settings.FAZHI_SSO_TIMEOUT_SECONDS,
            **({} if settings.FAZHI_OIDC_CLIENT_SECRET else {"token_endpoint_auth_method": "none"}),
        },
        # the rest of the discovered metadata: issuer and jwks_uri for the ID token check
        **{k: v for k, v in meta.items() if k not in ("authorization_endpoint", "token_endpoint")},
    )


def oidc_logout_url(id_token: str, return_to: str) -> str:
    try:
        meta = _oidc_metadata()
    except SsoError:
        return ""
    end = meta.get("end_session_endpoint")
    if not end:
        return ""
    from urllib.parse import urlencode

    params = {"post_logout_redirect_uri": return_to, "client_id": settings.FAZHI_OIDC_CLIENT_ID}
    if id_token:
        params["id_token_hint"] = id_token
    return f"{end}?{urlencode(params)}"


# --- CAS --------------------------------------------------------------------------------
class _TimedSession(requests.Session):
    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", settings.FAZHI_SSO_TIMEOUT_SECONDS)
        return super().request(*args, **kwargs)


def cas_client(service_url: str):
    from cas import CASClient

    return CASClient(
        version=settings.FAZHI_CAS_VERSION,
        service_url=service_url,
        server_url=settings.FAZHI_CAS_URL + "/",
        session=_TimedSession(),
    )


def cas_validate(service_url: str, ticket: str) -> tuple[str, dict]:
    if not ticket or len(ticket) > 256:
        raise provider_error(P.CAS, "no_ticket", "统一身份认证未返回登录票据，请重新登录")
    try:
        user, attributes, _ = cas_client(service_url).verify_ticket(ticket)
    except requests.RequestException as exc:
        raise provider_error(
            P.CAS,
            "unreachable",
            "统一身份认证服务暂时无法连接，请稍后再试；管理员可使用密码登录",
            error=type(exc).__name__,
        )
    except Exception as exc:  # python-cas raises on a malformed answer (XML, JSON)
        raise provider_error(
            P.CAS,
            "bad_answer",
            "统一身份认证服务的应答无法识别，请联系系统管理员",
            error=type(exc).__name__,
        )
    if not user:
        raise provider_error(P.CAS, "ticket_refused", "统一身份认证票据无效或已过期，请重新登录")
    return str(user), dict(attributes or {})
