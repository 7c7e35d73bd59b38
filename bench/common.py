"""Shared by the bench scripts: paths, environment, the machine description, percentiles.

Imports nothing from Django at module level, so a script can set its environment first.
"""

from __future__ import annotations

import math
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"

# Goals from the scale issue (p95, milliseconds), by measure kind.
GOALS_MS = {
    "api": 100,
    "page": 200,
    "report-township": 1000,
    "report-county": 2000,
}
LOAD_GOALS = {"users": 50, "rps": 200, "p95_ms": 300, "failures": 0}


def fix_sys_path() -> None:
    """Run as ``python bench/x.py``, Python puts bench/ first on sys.path, where
    ``profile.py`` would shadow the standard library's ``profile`` (cProfile imports it).
    Put the repository root there instead, so ``import bench.common`` and ``fazhi`` work."""
    here = str(BENCH)
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (with 11 runs, p95 is the slowest run)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def private_var_dir(env, tmp: Path) -> None:
    """Point FAZHI_VAR_DIR in ``env`` (a dict, or os.environ) at ``tmp``, so the file cache
    of indicator values is this run's own, while the secret key, the personal-data keys
    and uploads stay those of the data's var directory: DATABASE_URL's data was encrypted
    with those keys.

    Without this, two databases used from one var directory share cached indicator values
    (the cache keys do not name the database)."""
    var = Path(env.get("FAZHI_VAR_DIR") or ROOT / "var")
    for name, file in (("FAZHI_SECRET_KEY", "secret_key"), ("FAZHI_PII_KEYS", "pii_keys")):
        if not env.get(name) and not env.get(f"{name}_FILE") and (var / file).exists():
            env[f"{name}_FILE"] = str(var / file)
    env.setdefault("FAZHI_MEDIA_ROOT", str(var / "media"))
    env["FAZHI_VAR_DIR"] = str(tmp)


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def cpu_model() -> str:
    for line in _read("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def ram_gb() -> float | None:
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024 / 1024, 1)
    return None


def os_name() -> str:
    for line in _read("/etc/os-release").splitlines():
        if line.startswith("PRETTY_NAME="):
            return line.split("=", 1)[1].strip().strip('"')
    return platform.platform()


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def git_info() -> dict:
    def run(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    return {
        "commit": run("rev-parse", "HEAD"),
        "dirty": bool(run("status", "--porcelain", "--untracked-files=no")),
    }


def machine() -> dict:
    """The machine, without the database (see ``database_info``)."""
    import django

    return {
        "cpu": cpu_model(),
        "cores": cores(),
        "ram_gb": ram_gb(),
        "os": os_name(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "git": git_info(),
    }


def database_info() -> dict:
    """Vendor and server version of the default database (Django must be set up)."""
    from django.db import connection

    info = {"vendor": connection.vendor, "name": str(connection.settings_dict.get("NAME"))}
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SHOW server_version")
            info["version"] = cur.fetchone()[0]
            info["host"] = connection.settings_dict.get("HOST") or "local socket"
        elif connection.vendor == "sqlite":
            cur.execute("select sqlite_version()")
            info["version"] = cur.fetchone()[0]
        else:
            info["version"] = ".".join(str(v) for v in connection.Database.version_info)
    return info


def record_counts() -> dict:
    """Rows per table of the fazhi apps (history tables summed under ``history``)."""
    from django.apps import apps

    counts: dict = {}
    history = 0
    for model in apps.get_models():
        label = model._meta.label
        if not model.__module__.startswith("fazhi."):
            continue
        n = model._default_manager.count()
        if model.__name__.startswith("Historical"):
            history += n
        elif n:
            counts[label] = n
    counts["history (all Historical* tables)"] = history
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def iter_url_patterns(resolver=None, ns: str = "", prefix: str = ""):
    """(name, route, converters) of every named page route, as tests/scoping.py walks them
    (the admin and the API are skipped; the API is walked from its OpenAPI schema)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            sub_ns = p.namespace or ns
            if sub_ns in ("admin", "api") or str(p.pattern).startswith("django-admin"):
                continue
            yield from iter_url_patterns(p, sub_ns if p.namespace else ns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and p.name:
            name = f"{ns}:{p.name}" if ns else p.name
            yield name, prefix + str(p.pattern), dict(p.pattern.converters)


def fmt_ms(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return f"{v:.0f}" if v >= 100 else f"{v:.1f}"


class QueryLog:
    """Counts and times every query on the default connection while active (Django's
    CaptureQueriesContext is reset by each request the test Client makes):

        with QueryLog() as q:
            client.get(url)
        len(q.queries)
    """

    def __init__(self):
        self.queries: list[tuple[str, float]] = []
        self._cm = None

    def __call__(self, execute, sql, params, many, context):
        import time

        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, time.perf_counter() - start))

    def __enter__(self):
        from django.db import connection

        self._cm = connection.execute_wrapper(self)
        self._cm.__enter__()
        return self

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)

    def __len__(self) -> int:
        return len(self.queries)


def quiet_warnings() -> None:
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")
