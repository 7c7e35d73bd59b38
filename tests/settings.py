"""Test settings: the real settings plus a tiny ledger app used to test the base machinery."""

import os
import tempfile

os.environ.setdefault("FAZHI_VAR_DIR", tempfile.mkdtemp(prefix="fazhi-test-var-"))

from fazhi.settings import *  # noqa: E402,F403
from fazhi.settings import DATABASES, INSTALLED_APPS, STATIC_ROOT  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "tests.ledgerapp"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher"
]  # speed only; never in production
MEDIA_ROOT = os.environ.get("FAZHI_MEDIA_ROOT") or tempfile.mkdtemp(prefix="fazhi-test-media-")
DEMO_MODE = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# One process: memory is enough, and tests/conftest.py clears it before every test.
# (room for every token and value a test makes: culling would evict tokens mid-test)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
}

# A file, not shared-cache memory: the live server thread of the browser tests and the
# test's own connection then lock rows, not whole tables.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _db_dir = tempfile.mkdtemp(prefix="fazhi-test-db-")
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(_db_dir, "test.sqlite3")}
