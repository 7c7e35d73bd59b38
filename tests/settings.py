"""Test settings: the real settings plus a tiny ledger app used to test the base machinery."""

import os
import tempfile

os.environ.setdefault("FAZHI_VAR_DIR", tempfile.mkdtemp(prefix="fazhi-test-var-"))

from fazhi.settings import *  # noqa: E402,F403
from fazhi.settings import INSTALLED_APPS  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "tests.ledgerapp"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher"
]  # speed only; never in production
MEDIA_ROOT = tempfile.mkdtemp(prefix="fazhi-test-media-")
DEMO_MODE = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# A file, not shared-cache memory: the live server thread of the browser tests and the
# test's own connection then lock rows, not whole tables.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.mkdtemp(prefix="fazhi-test-db-"), "test.sqlite3")
    }  # noqa: F405
