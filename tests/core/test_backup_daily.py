"""Backup/restore drill, the daily job, audit retention (SECURITY.md rows 10, 15, 16)."""

import datetime as dt
import os
import subprocess
import sys
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from fazhi.core import audit, retention
from fazhi.core.models import AuditEvent


def _env(tmp_path, url):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FAZHI_"))}
    env.update(
        FAZHI_VAR_DIR=str(tmp_path / "var"),
        FAZHI_MEDIA_ROOT=str(tmp_path / "media"),
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="fazhi.settings",
    )
    return env


def _fazhi(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "fazhi.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def _pg_urls():
    """Two scratch databases on the same PostgreSQL server as the test database."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    base = f"postgres://{db.get('USER') or 'postgres'}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    names = [f"fazhi_drill_{uuid.uuid4().hex[:8]}_{i}" for i in (1, 2)]
    with connection.cursor() as cur:
        for n in names:
            cur.execute(f'CREATE DATABASE "{n}"')
    return [f"{base}/{n}" for n in names], names


@pytest.mark.django_db(transaction=True)
def test_backup_restore_drill(tmp_path):
    if connection.vendor == "postgresql":
        (src, dst), names = _pg_urls()
    else:
        src, dst, names = (
            f"sqlite:///{tmp_path / 'a.sqlite3'}",
            f"sqlite:///{tmp_path / 'b.sqlite3'}",
            [],
        )
    try:
        a, b = _env(tmp_path / "a", src), _env(tmp_path / "b", dst)
        assert _fazhi(a, "migrate", "-v0").returncode == 0
        made = _fazhi(a, "demo")
        assert made.returncode == 0, made.stderr
        archive = tmp_path / "backup.tar"
        out = _fazhi(a, "backup", str(archive))
        assert out.returncode == 0, out.stderr
        assert archive.exists() and not (tmp_path / "backup.tar.partial").exists()
        restored = _fazhi(b, "restore", str(archive))
        assert restored.returncode == 0, restored.stderr
        assert "校验和一致" in restored.stdout and "审计链完整" in restored.stdout
        again = _fazhi(b, "restore", str(archive))
        assert again.returncode != 0 and "不是空的" in again.stderr
        listing = _fazhi(b, "units", "--format", "json")
        assert "示范县" in listing.stdout
        bad = tmp_path / "bad.tar"
        bad.write_bytes(b"not a tar")
        broken = _fazhi(_env(tmp_path / "c", dst), "restore", "--force", str(bad))
        assert broken.returncode != 0 and len(broken.stderr.strip().splitlines()) == 1
    finally:
        if names:
            connection.close()
            with connection.cursor() as cur:
                for n in names:
                    cur.execute(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)')


@pytest.mark.django_db
def test_audit_retention_keeps_183_days_and_the_chain(world):
    old = timezone.now() - dt.timedelta(days=400)
    import time_machine

    with time_machine.travel(old):
        for i in range(3):
            audit.record(audit.E.EXPORT, detail={"i": i}, user=world.clerk_a)
    with time_machine.travel(timezone.now() - dt.timedelta(days=100)):
        audit.record(audit.E.EXPORT, detail={"recent": True}, user=world.clerk_a)
    removed = audit.purge_expired()
    assert removed == 3
    assert AuditEvent.objects.filter(detail__recent=True).exists()
    assert audit.verify().ok  # verified from the anchor left by the purge


def test_retention_setting_cannot_go_below_183(tmp_path):
    env = _env(tmp_path, f"sqlite:///{tmp_path / 'x.sqlite3'}")
    env["FAZHI_AUDIT_RETENTION_DAYS"] = "90"
    out = _fazhi(env, "check")
    assert out.returncode != 0 and "183" in out.stderr


@pytest.mark.django_db
def test_daily_job_disables_inactive_accounts(world, capsys):
    from django.core.management import call_command

    world.clerk_b.last_login = timezone.now() - dt.timedelta(days=120)
    world.clerk_b.save()
    world.clerk_a.last_login = timezone.now() - dt.timedelta(days=5)
    world.clerk_a.save()
    call_command("daily")
    world.clerk_b.refresh_from_db()
    world.clerk_a.refresh_from_db()
    assert not world.clerk_b.is_active and world.clerk_a.is_active
    assert (
        AuditEvent.objects.filter(event="account", detail__action="disabled_inactive").count() >= 1
    )
    assert "停用账号" in capsys.readouterr().out


@pytest.mark.django_db
def test_retention_policies_run(world):
    calls = []

    @retention.register("tests.Note", years=3)
    def anonymise(cutoff):
        calls.append(cutoff)
        return 2

    try:
        done = retention.run()
        assert done["tests.Note"] == 2 and calls
        assert AuditEvent.objects.filter(event="retention").exists()
    finally:
        retention.POLICIES[:] = [p for p in retention.POLICIES if p.label != "tests.Note"]
