"""Backup and restore (SECURITY.md row 16).

``create(path)`` writes one .tar archive: the database (SQLite through its online backup
API, PostgreSQL through ``pg_dump -Fc``), the uploaded files, and ``manifest.json`` with
each table's row count and checksum. ``restore(path)`` loads it into the configured
database (refusing a non-empty one unless ``force``), puts the files back, and checks the
counts, checksums and the audit chain against the manifest. Files are written to a
temporary name and renamed, so a crash never leaves half an archive.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone

from .errors import InvalidInput


def _tables() -> list[tuple[str, str]]:
    out = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            out.append((model._meta.db_table, model._meta.pk.column))
    return sorted(set(out))


def table_checksums() -> dict[str, dict]:
    """Row count and a SHA-256 over every row (ordered by primary key) of every table."""
    result = {}
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cur:
        for table, pk in _tables():
            if table not in existing:
                continue
            qn = connection.ops.quote_name
            cur.execute(f"SELECT * FROM {qn(table)} ORDER BY {qn(pk)}")  # noqa: S608 (names from models)
            h = hashlib.sha256()
            n = 0
            while True:
                rows = cur.fetchmany(2000)
                if not rows:
                    break
                for row in rows:
                    h.update(repr(tuple(_norm(v) for v in row)).encode("utf-8"))
                    n += 1
            result[table] = {"rows": n, "sha256": h.hexdigest()}
    return result


def _norm(v):
    if isinstance(v, memoryview | bytes):
        return bytes(v).hex()
    if hasattr(v, "isoformat"):
        v = v.isoformat()
        return v.replace("+00:00", "Z")
    if isinstance(v, float):
        return round(v, 9)
    if isinstance(v, dict | list):
        return json.dumps(v, sort_keys=True, ensure_ascii=False)
    if isinstance(v, str) and v[:1] in "[{":
        try:
            return json.dumps(json.loads(v), sort_keys=True, ensure_ascii=False)
        except ValueError:
            return v
    if isinstance(v, bool):
        return int(v)
    from decimal import Decimal

    if isinstance(v, Decimal):
        return str(v.normalize())
    return v


def _db() -> dict:
    return settings.DATABASES["default"]


def _pg_env() -> tuple[list[str], dict]:
    db = _db()
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    args = [
        "-h",
        db.get("HOST") or "127.0.0.1",
        "-p",
        str(db.get("PORT") or 5432),
        "-U",
        db.get("USER") or "postgres",
    ]
    return args, env


def create(path: str | os.PathLike) -> dict:
    started = time.monotonic()
    path = Path(path)
    engine = connection.vendor
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if engine == "sqlite":
            dump = tmp / "db.sqlite3"
            connection.ensure_connection()
            dst = sqlite3.connect(dump)
            connection.connection.backup(dst)
            dst.close()
        elif engine == "postgresql":
            dump = tmp / "db.pgdump"
            args, env = _pg_env()
            subprocess.run(
                ["pg_dump", "-Fc", *args, "-d", _db()["NAME"], "-f", str(dump)],
                check=True,
                env=env,
                capture_output=True,
            )
        else:
            raise InvalidInput(f"不支持的数据库：{engine}")
        manifest = {
            "format": 1,
            "engine": engine,
            "created": timezone.now().isoformat(),
            "tables": table_checksums(),
        }
        from .models import AuditChainHead

        head = AuditChainHead.objects.filter(id=1).first()
        manifest["audit_last_hash"] = head.last_hash if head else ""
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(dump, arcname=dump.name)
            media = Path(settings.MEDIA_ROOT)
            if media.exists():
                tar.add(media, arcname="media")
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        with open(partial, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, path)
    manifest["seconds"] = round(time.monotonic() - started, 3)
    manifest["bytes"] = path.stat().st_size
    return manifest


def _is_empty() -> bool:
    from .models import Unit

    try:
        return not Unit.objects.exists()
    except Exception:
        return True


def _extract(tar: tarfile.TarFile, dest: Path) -> None:
    """Extract with tarfile's "data" filter (Python 3.11.4+). Debian 12's Python is 3.11.2,
    which has no filters: there the same refusals by hand, only regular files and
    directories, every one inside ``dest``."""
    if hasattr(tarfile, "data_filter"):
        tar.extractall(dest, filter="data")
        return
    root = dest.resolve()
    for member in tar.getmembers():
        target = (root / member.name).resolve()
        if not (member.isfile() or member.isdir()) or not target.is_relative_to(root):
            raise tarfile.TarError(f"refused member {member.name!r}")
        member.mode = 0o700 if member.isdir() else 0o600
    tar.extractall(dest)  # noqa: S202 - every member checked above


def restore(path: str | os.PathLike, *, force: bool = False) -> dict:
    started = time.monotonic()
    path = Path(path)
    if not path.exists():
        raise InvalidInput(f"找不到备份文件：{path}")
    engine = connection.vendor
    if not force and not _is_empty():
        raise InvalidInput("目标数据库不是空的；确认要覆盖请加 --force")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        try:
            with tarfile.open(path, "r") as tar:
                _extract(tar, tmp)
        except (tarfile.TarError, OSError) as exc:
            raise InvalidInput(f"备份文件无法读取（不是有效的 tar 归档：{type(exc).__name__}）")
        try:
            manifest = json.loads((tmp / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise InvalidInput("备份文件缺少 manifest.json")
        if manifest.get("engine") != engine:
            raise InvalidInput(f"备份来自 {manifest.get('engine')}，当前数据库是 {engine}")
        if engine == "sqlite":
            src = sqlite3.connect(tmp / "db.sqlite3")
            connection.ensure_connection()
            src.backup(connection.connection)
            src.close()
        else:
            args, env = _pg_env()
            connection.close()
            subprocess.run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    *args,
                    "-d",
                    _db()["NAME"],
                    str(tmp / "db.pgdump"),
                ],
                check=True,
                env=env,
                capture_output=True,
            )
        media = tmp / "media"
        if media.exists():
            target = Path(settings.MEDIA_ROOT)
            target.mkdir(parents=True, exist_ok=True)
            shutil.copytree(media, target, dirs_exist_ok=True)
    from . import audit, hooks, workdays

    workdays.clear_cache()
    hooks.data_replaced.send(sender=restore)  # values cached from the data before the restore
    now = table_checksums()
    mismatched = [t for t, v in manifest["tables"].items() if now.get(t) != v]
    chain = audit.verify()
    result = {
        "tables": len(manifest["tables"]),
        "rows": sum(v["rows"] for v in manifest["tables"].values()),
        "mismatched": mismatched,
        "audit_ok": chain.ok,
        "audit_rows": chain.checked,
        "seconds": round(time.monotonic() - started, 3),
    }
    return result
