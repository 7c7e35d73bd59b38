"""Personal identifiers encrypted at rest (SECURITY.md row 12, PIPL art. 51).

AES-256-GCM through ``cryptography``; the key lives outside the database:
``FAZHI_PII_KEYS`` (``kid:base64key[,kid:base64key…]``, the first encrypts, all decrypt:
rotation) or ``FAZHI_PII_KEYS_FILE``; in development a key is generated into
``var/pii_keys`` (mode 600). Stored form: ``v1:<kid>:<base64(nonce|ciphertext)>``.
Exact search uses a blind index: HMAC-SHA256 of the normalised value under a key derived
from the first key, so equal values can be found without decrypting anything.

A model declares ``id_number = EncryptedIdentifierField(kind="resident_id")`` and, for
exact search, ``id_number_bidx = BlindIndexField()``; ``save`` fills the index.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from . import identifiers

PREFIX = "v1:"


@lru_cache(maxsize=1)
def _keys() -> list[tuple[str, bytes]]:
    raw = os.environ.get("FAZHI_PII_KEYS", "")
    path = os.environ.get("FAZHI_PII_KEYS_FILE")
    if not raw and path:
        with open(path, encoding="ascii") as fh:
            raw = fh.read().strip()
    if not raw:
        if getattr(settings, "PRODUCTION", False):
            raise ImproperlyConfigured(
                "FAZHI_PII_KEYS (or FAZHI_PII_KEYS_FILE) is required in production"
            )
        path = settings.VAR_DIR / "pii_keys"
        try:
            raw = path.read_text(encoding="ascii").strip()
        except OSError:
            raw = "k1:" + base64.b64encode(secrets.token_bytes(32)).decode()
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(raw)
    keys = []
    for part in raw.split(","):
        kid, _, b64 = part.strip().partition(":")
        key = base64.b64decode(b64)
        if len(key) != 32 or not kid:
            raise ImproperlyConfigured("each PII key must be kid:base64(32 bytes)")
        keys.append((kid, key))
    return keys


def clear_keys() -> None:
    _keys.cache_clear()
    _index_key.cache_clear()


@lru_cache(maxsize=1)
def _index_key() -> bytes:
    return hmac.new(_keys()[0][1], b"fazhi blind index v1", hashlib.sha256).digest()


def encrypt(value: str) -> str:
    if value in (None, ""):
        return value
    kid, key = _keys()[0]
    nonce = secrets.token_bytes(12)
    ct = AESGCM(key).encrypt(nonce, value.encode("utf-8"), kid.encode("ascii"))
    return f"{PREFIX}{kid}:{base64.b64encode(nonce + ct).decode('ascii')}"


def decrypt(stored: str) -> str:
    if not stored or not stored.startswith(PREFIX):
        return stored  # not encrypted (empty, or written before encryption)
    _, kid, b64 = stored.split(":", 2)
    for k, key in _keys():
        if k == kid:
            blob = base64.b64decode(b64)
            return AESGCM(key).decrypt(blob[:12], blob[12:], kid.encode("ascii")).decode("utf-8")
    raise ImproperlyConfigured(f"no PII key with id {kid!r}")


def normalise(kind: str, value: str) -> str:
    if kind == "resident_id":
        return identifiers.normalize_resident_id(value)
    if kind == "mobile":
        return identifiers.normalize_mobile(value)
    return (value or "").strip()


def blind_index(kind: str, value: str) -> str:
    value = normalise(kind, value)
    if not value:
        return ""
    return hmac.new(_index_key(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:40]


class EncryptedIdentifierField(models.CharField):
    """A personal identifier: normalised, encrypted in the database, with a blind index."""

    def __init__(self, *args, kind: str = "other", **kwargs):
        self.kind = kind
        kwargs.setdefault("max_length", 255)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return decrypt(value)

    def to_python(self, value):
        return decrypt(value) if isinstance(value, str) else value

    def pre_save(self, model_instance, add):
        value = normalise(self.kind, getattr(model_instance, self.attname) or "")
        setattr(model_instance, self.attname, value)
        if hasattr(model_instance, f"{self.attname}_bidx"):
            setattr(model_instance, f"{self.attname}_bidx", blind_index(self.kind, value))
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, "") or str(value).startswith(PREFIX):
            return value
        return encrypt(str(value))


class BlindIndexField(models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)
