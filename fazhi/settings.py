"""One settings module, driven by environment variables.

Development defaults are safe and need nothing set: SQLite under ``var/``, DEBUG on,
a generated secret key kept in ``var/secret_key``. ``FAZHI_ENV=production`` turns on
every deployment check and refuses to start without an explicit secret key and hosts.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    """Read ``NAME`` or, for secrets, the file named by ``NAME_FILE``."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean, got {value!r}")


def envint(name: str, default: int) -> int:
    value = env(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


FAZHI_ENV = env("FAZHI_ENV", "development")
if FAZHI_ENV not in ("development", "production", "test"):
    raise ImproperlyConfigured("FAZHI_ENV must be development, production or test")
PRODUCTION = FAZHI_ENV == "production"

VAR_DIR = Path(env("FAZHI_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env("FAZHI_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("FAZHI_SECRET_KEY (or FAZHI_SECRET_KEY_FILE) is required")
    key_file = VAR_DIR / "secret_key"
    try:
        SECRET_KEY = key_file.read_text(encoding="utf-8").strip()
    except OSError:
        SECRET_KEY = secrets.token_urlsafe(50)
        try:
            VAR_DIR.mkdir(parents=True, exist_ok=True)
            key_file.write_text(SECRET_KEY, encoding="utf-8")
            key_file.chmod(0o600)
        except OSError:
            pass

DEBUG = envbool("FAZHI_DEBUG", not PRODUCTION)
ALLOWED_HOSTS = [
    h for h in (env("FAZHI_ALLOWED_HOSTS", "" if PRODUCTION else "*") or "").split(",") if h
]
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("FAZHI_ALLOWED_HOSTS is required in production")
CSRF_TRUSTED_ORIGINS = [o for o in (env("FAZHI_CSRF_TRUSTED_ORIGINS", "") or "").split(",") if o]

# Demo mode: demo users with printed passwords exist only when this is on.
DEMO_MODE = envbool("FAZHI_DEMO", not PRODUCTION)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "ninja",
    "axes",
    "csp",
    "fazhi.core",
    "fazhi.web",
    "fazhi.ledgers",
    "fazhi.disputes",
    "fazhi.decisions",
    "fazhi.enforcement",
    "fazhi.learning",
    "fazhi.publicity",
    "fazhi.legalservice",
    "fazhi.oversight",
    "fazhi.openness",
    "fazhi.honours",
    "fazhi.corrections",
    "fazhi.indicators",
    "fazhi.reports",
    "fazhi.review",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # outermost of the dynamic chain: every page, error pages included, gets the policy
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "fazhi.core.middleware.RequestContextMiddleware",
    "fazhi.core.middleware.PiiTextMiddleware",
    "fazhi.core.refusals.RefusalAuditMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "fazhi.core.middleware.SecurityPolicyMiddleware",
    "fazhi.core.params.ParamErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fazhi.urls"
WSGI_APPLICATION = "fazhi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fazhi.web.context_processors.shell",
                "fazhi.core.params.param_notices",
            ],
        },
    },
]

_default_db = f"sqlite:///{VAR_DIR / 'fazhi.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(env("DATABASE_URL", _default_db) or _default_db)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and synchronous=FULL: a crash never leaves a half-written transaction.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
    )
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"]["timeout"] = 20
    if DATABASES["default"]["NAME"] and DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
else:
    DATABASES["default"]["CONN_MAX_AGE"] = envint("FAZHI_DB_CONN_MAX_AGE", 60)
    DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache shared by every process that serves requests: indicator values are cached
# until a write invalidates them (fazhi/indicators/cache.py), which a per-process memory
# cache would not see. Redis when FAZHI_REDIS_URL is set (several app servers), otherwise
# diskcache's SQLite files under the var directory (every process of one machine). Not
# Django's FileBasedCache: it lists its whole directory to cull on every write, 4 ms per
# write with a few thousand entries, which made the cache a quarter of the working day's
# CPU (docs/BENCH.md); diskcache writes in ~40 us and its ``add`` is one transaction.
FAZHI_REDIS_URL = env("FAZHI_REDIS_URL", "")
if FAZHI_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": FAZHI_REDIS_URL,
            "KEY_PREFIX": "fazhi",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "fazhi.core.diskcache_backend.DiskCache",
            "LOCATION": str(VAR_DIR / "cache"),
            # a read that waits longer for a writer's lock is a miss (recomputed), a write
            # retries until it lands
            "DATABASE_TIMEOUT": 0.1,
            "OPTIONS": {"size_limit": 512 * 2**20},
        }
    }
# The home page's dashboard may show indicator values computed up to this many seconds
# before (0: always exact). Pages, API, reports and snapshots always read exact values.
FAZHI_DASHBOARD_MAX_AGE = envint("FAZHI_DASHBOARD_MAX_AGE", 60)
AUTH_USER_MODEL = "core.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "fazhi.core.passwords.CharacterClassValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # lockout first: refuses a locked login before any check
    "fazhi.core.auth.CaseInsensitiveModelBackend",
]

# Authentication policy (SECURITY.md rows 1-5). 等保 defaults; each configurable.
import datetime as _dt  # noqa: E402

FAZHI_LOCKOUT_FAILURES = envint("FAZHI_LOCKOUT_FAILURES", 5)
FAZHI_LOCKOUT_MINUTES = envint("FAZHI_LOCKOUT_MINUTES", 15)
AXES_FAILURE_LIMIT = FAZHI_LOCKOUT_FAILURES
AXES_COOLOFF_TIME = _dt.timedelta(minutes=FAZHI_LOCKOUT_MINUTES)
# Keyed on login name + address, with a per-account ceiling across addresses
# (fazhi/core/lockout.py; the choice and its reason: docs/SECURITY.md row 2).
FAZHI_LOCKOUT_ACCOUNT_CEILING = envint("FAZHI_LOCKOUT_ACCOUNT_CEILING", 20)
AXES_HANDLER = "fazhi.core.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "fazhi.core.security.axes_username"
AXES_CLIENT_IP_CALLABLE = "fazhi.core.security.axes_client_ip"
AXES_LOCKOUT_CALLABLE = "fazhi.core.security.lockout_response"
AXES_VERBOSE = False
FAZHI_PASSWORD_MAX_AGE_DAYS = envint("FAZHI_PASSWORD_MAX_AGE_DAYS", 90)  # 0 = never expires (ASVS)
FAZHI_SESSION_IDLE_SECONDS = envint("FAZHI_SESSION_IDLE_SECONDS", 30 * 60)
FAZHI_TOTP_REQUIRED = envbool("FAZHI_TOTP_REQUIRED", PRODUCTION)
FAZHI_ACCOUNT_INACTIVE_DAYS = envint("FAZHI_ACCOUNT_INACTIVE_DAYS", 90)
FAZHI_TOKEN_DAYS = envint("FAZHI_TOKEN_DAYS", 90)  # API token life; 0 = tokens do not expire
FAZHI_AUDIT_RETENTION_DAYS = envint("FAZHI_AUDIT_RETENTION_DAYS", 365)
if FAZHI_AUDIT_RETENTION_DAYS < 183:  # 网络安全法 art. 21(三): logs kept at least six months
    raise ImproperlyConfigured(
        "FAZHI_AUDIT_RETENTION_DAYS must be at least 183 (网络安全法第二十一条)"
    )
FAZHI_TRUST_X_FORWARDED_FOR = envbool("FAZHI_TRUST_X_FORWARDED_FOR", False)
# The proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated): a
# request from any other peer is recorded under its own address, whatever header it sends.
FAZHI_TRUSTED_PROXIES = [
    p.strip() for p in (env("FAZHI_TRUSTED_PROXIES", "127.0.0.1,::1") or "").split(",") if p.strip()
]
try:
    FAZHI_TRUSTED_PROXY_NETWORKS = [
        ipaddress.ip_network(p, strict=False) for p in FAZHI_TRUSTED_PROXIES
    ]
except ValueError as _exc:
    raise ImproperlyConfigured(f"FAZHI_TRUSTED_PROXIES: {_exc}") from _exc
# Single sign-on through the province's unified identity platform (统一身份认证), either or
# both of OIDC (authorization code with PKCE, Authlib) and CAS 2.0/3.0 (python-cas);
# docs/DEPLOY.md "统一身份认证", docs/decisions.md. Unset: password login only.
FAZHI_OIDC_ISSUER = (env("FAZHI_OIDC_ISSUER", "") or "").rstrip("/")
FAZHI_OIDC_CLIENT_ID = env("FAZHI_OIDC_CLIENT_ID", "") or ""
FAZHI_OIDC_CLIENT_SECRET = env("FAZHI_OIDC_CLIENT_SECRET", "") or ""
FAZHI_OIDC_SCOPE = env("FAZHI_OIDC_SCOPE", "openid profile") or "openid profile"
FAZHI_CAS_URL = (env("FAZHI_CAS_URL", "") or "").rstrip("/")
FAZHI_CAS_VERSION = envint("FAZHI_CAS_VERSION", 3)
if FAZHI_CAS_VERSION not in (2, 3):
    raise ImproperlyConfigured("FAZHI_CAS_VERSION must be 2 or 3")
if FAZHI_OIDC_ISSUER and not FAZHI_OIDC_CLIENT_ID:
    raise ImproperlyConfigured("FAZHI_OIDC_ISSUER is set: FAZHI_OIDC_CLIENT_ID is required too")
FAZHI_SSO_TIMEOUT_SECONDS = envint("FAZHI_SSO_TIMEOUT_SECONDS", 5)
# An unknown subject gets a new user with no role (1) or is refused until mapped (0).
FAZHI_SSO_CREATE_USERS = envbool("FAZHI_SSO_CREATE_USERS", True)
# The provider's own login is two-factor: it stands for fazhi's dynamic code.
FAZHI_SSO_SECOND_FACTOR = envbool("FAZHI_SSO_SECOND_FACTOR", False)
# 0: the password form is for the three admins only (系统、安全、审计管理员).
FAZHI_LOCAL_LOGIN = envbool("FAZHI_LOCAL_LOGIN", True)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "fazhi" / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("FAZHI_STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "fazhi.core.storage.AtomicFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = Path(env("FAZHI_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: attachments go through a scoped view

# Uploads: evidence files up to this size; the proxy should cap the body too.
FAZHI_SANDBOX = envbool("FAZHI_SANDBOX", True)  # parse uploads in a limited child process
FAZHI_UPLOAD_MAX_BYTES = envint("FAZHI_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("FAZHI_REQUEST_MAX_BYTES", 2 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

SESSION_COOKIE_AGE = envint("FAZHI_SESSION_ABSOLUTE_SECONDS", 12 * 3600)
# Sessions are read from the shared cache and written through to the database: one query
# less on every request. A logout or flush deletes both; several app servers share the
# cache through FAZHI_REDIS_URL (docs/DEPLOY.md), as the indicator values need anyway.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp; docs/architecture.md "Security headers"): scripts,
# styles, fonts and images only from fazhi's own static files; no inline code, no eval.
# A template that truly needs inline code takes ``request.csp_nonce`` (the header then
# names it); none does today, and tests/security/test_csp.py keeps it so.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("FAZHI_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("FAZHI_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Personal data: who may see identifiers unmasked is a role permission (core.roles).
FAZHI_WORKING_DAY_PROVISIONAL_LABEL = "暂定（仅按周末计算）"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("FAZHI_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
