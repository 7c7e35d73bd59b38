"""Run the test OIDC provider (``provider_settings``) on a free loopback port."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "fazhi-county"
CLIENT_SECRET = "right-secret-for-tests"
USERNAME = "zhangsan"
PASSWORD = "Provider@2026"

SETUP = """
import json, os
from django.contrib.auth import get_user_model
from oauth2_provider.models import Application
a = json.loads(os.environ["SSO_SETUP"])
user = get_user_model().objects.create_user(a["username"], password=a["password"])
Application.objects.create(
    name="fazhi", client_id=a["client_id"], client_secret=a["secret"], user=user,
    client_type="confidential", authorization_grant_type="authorization-code",
    redirect_uris=a["redirect"], post_logout_redirect_uris=a["logout"],
    algorithm="RS256", skip_authorization=True,
)
print(user.pk)
"""


@dataclass
class Provider:
    issuer: str
    subject: str  # the ``sub`` the provider gives USERNAME (its user's primary key)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running(redirect_uri: str, logout_uri: str = ""):
    with tempfile.TemporaryDirectory(prefix="fazhi-oidc-") as tmp:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        (Path(tmp) / "key.pem").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.sso.provider_settings",
            "SSO_PROVIDER_DB": str(Path(tmp) / "provider.sqlite3"),
            "SSO_PROVIDER_KEY": str(Path(tmp) / "key.pem"),
            "PYTHONPATH": str(ROOT),
        }
        env.pop("DATABASE_URL", None)
        run = dict(env=env, cwd=ROOT, check=True, capture_output=True, text=True)
        subprocess.run([sys.executable, "-m", "django", "migrate", "-v0"], **run)
        setup = {
            "username": USERNAME,
            "password": PASSWORD,
            "client_id": CLIENT_ID,
            "secret": CLIENT_SECRET,
            "redirect": redirect_uri,
            "logout": logout_uri,
        }
        out = subprocess.run(
            [sys.executable, "-m", "django", "shell", "-c", SETUP],
            **{**run, "env": {**env, "SSO_SETUP": json.dumps(setup)}},
        )
        subject = out.stdout.strip().splitlines()[-1]
        port = _free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "django", "runserver", "--noreload", f"127.0.0.1:{port}"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                with (
                    contextlib.suppress(OSError),
                    socket.create_connection(("127.0.0.1", port), timeout=0.2),
                ):
                    break
                time.sleep(0.1)
            yield Provider(issuer=f"http://127.0.0.1:{port}/o", subject=subject)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
