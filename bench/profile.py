"""Profile one request (or one computation) under pyinstrument.

    python bench/profile.py /disputes/cases/?status=open [--user county]
    python bench/profile.py /api/v1/disputes/hotline --user clerk_df --use-db
    python bench/profile.py report:county          # indicators (cold) + DOCX, county-year

Prints the status, time and query count of the request, then pyinstrument's text profile,
and writes the HTML profile to bench/profiles/ (gitignored). The request is made in-process
with Django's test Client (server time, like bench/run.py), after ``--warm`` unprofiled
requests so caches are as they are for a user who is already working.

Targets besides a path: ``indicators:township``, ``indicators:county`` (computed cold),
``report:township``, ``report:county`` (indicators cold + DOCX, as run.py measures them).

Data: without ``--use-db``, the small demo in bench/.cache/ (built on first use, reused
after; delete the directory to rebuild). With ``--use-db``, the data DATABASE_URL holds.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import common  # noqa: E402

common.fix_sys_path()

CACHE = common.BENCH / ".cache"
PROFILES = common.BENCH / "profiles"


def setup(use_db: bool) -> None:
    if use_db:
        if "DATABASE_URL" not in os.environ:
            raise SystemExit("--use-db needs DATABASE_URL")
        import atexit
        import shutil
        import tempfile

        tmp = tempfile.mkdtemp(prefix="fazhi-profile-var-")
        atexit.register(shutil.rmtree, tmp, True)
        common.private_var_dir(os.environ, Path(tmp))
    else:
        CACHE.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{CACHE / 'small.sqlite3'}"
        os.environ["FAZHI_VAR_DIR"] = str(CACHE / "var")
        os.environ.pop("FAZHI_MEDIA_ROOT", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    os.environ.setdefault("FAZHI_DEBUG", "0")
    os.environ.setdefault("FAZHI_DEMO", "1")
    os.environ.setdefault("FAZHI_LOG_LEVEL", "WARNING")
    common.quiet_warnings()
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    from fazhi.core import demo

    if not use_db:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        if not demo.exists():
            print(f"building the small demo in {CACHE} (once) …", file=sys.stderr)
            demo.build(log=lambda *a, **k: None)
    elif not demo.exists():
        raise SystemExit("DATABASE_URL holds no demo county (run `fazhi demo` first)")


def target(name: str, username: str, warm: int):
    """(callable, description) for a path or a named computation."""
    from django.utils import timezone

    from fazhi.core import demo
    from fazhi.core.models import Unit
    from fazhi.core.models.units import TOWNSHIP_KINDS

    if name.startswith("/"):
        from django.contrib.auth import get_user_model
        from django.test import Client

        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        for _ in range(warm):
            client.get(name)
        return (lambda: client.get(name)), f"GET {name} as {username}"
    kind, _, scope = name.partition(":")
    if kind not in ("indicators", "report") or scope not in ("township", "county"):
        raise SystemExit(f"unknown target {name!r}: a path, or indicators|report:township|county")
    county = Unit.objects.get(code=demo.COUNTY_CODE)
    unit = county
    if scope == "township":
        unit = Unit.objects.filter(parent=county, kind__in=TOWNSHIP_KINDS).order_by("code").first()
    year = timezone.localdate().year
    from fazhi.indicators import registry

    if kind == "indicators":
        return (lambda: registry.compute(unit, year, fresh=True)), f"indicators {unit.name} {year}"
    from fazhi.reports import render

    report = draft_report(unit, year, scope)
    return (
        lambda: (registry.compute(unit, year, fresh=True), render.to_docx(report)),
        f"indicators + DOCX {unit.name} {year}",
    )


def after_write(fn):
    from fazhi.core import demo
    from fazhi.core.models import Unit
    from fazhi.core.models.units import TOWNSHIP_KINDS
    from fazhi.indicators import cache

    county = Unit.objects.get(code=demo.COUNTY_CODE)
    township = Unit.objects.filter(parent=county, kind__in=TOWNSHIP_KINDS).order_by("code").first()

    def run():
        cache.bump_for_path(township.path)
        return fn()

    return run


def draft_report(unit, year: int, scope: str):
    """The unit-year's report, or a draft made for the profile (main rolls it back)."""
    from django.contrib.auth import get_user_model

    from fazhi.core import scoping
    from fazhi.core.models import Membership
    from fazhi.core.roles import Role
    from fazhi.reports import services
    from fazhi.reports.models import AnnualReport

    report = AnnualReport.objects.filter(unit=unit, year=year).first()
    if report is not None:
        return report
    actor = get_user_model().objects.get(username="admin_df" if scope == "township" else "county")
    if scope == "county":
        Membership.objects.create(user=actor, unit=unit, role=Role.TOWNSHIP_ADMIN)
        scoping.clear_cache(actor)
    return services.create_report(unit, year, actor=actor)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", help="a path (/disputes/cases/?status=open) or a named target")
    parser.add_argument("--user", default="county", help="demo user (default: county)")
    parser.add_argument("--use-db", action="store_true", help="use the data in DATABASE_URL")
    parser.add_argument("--warm", type=int, default=1, help="unprofiled requests first")
    parser.add_argument(
        "--after-write",
        action="store_true",
        help="invalidate the first township's cached indicator values (as a write there"
        " does) before the timed and the profiled request",
    )
    parser.add_argument("--interval", type=float, default=0.0005, help="sampling interval (s)")
    args = parser.parse_args(argv)
    setup(args.use_db)
    from django.db import transaction

    with transaction.atomic():  # nothing the profile drafts is kept
        profile(args)
        transaction.set_rollback(True)
    return 0


def profile(args) -> None:
    from pyinstrument import Profiler

    fn, what = target(args.path, args.user, args.warm)
    if args.after_write:
        fn, what = after_write(fn), f"{what}, after a write"
    with common.QueryLog() as queries:
        start = time.perf_counter()
        fn()
        plain_ms = (time.perf_counter() - start) * 1000
    profiler = Profiler(interval=args.interval)
    profiler.start()
    result = fn()
    profiler.stop()
    status = getattr(result, "status_code", "")
    print(
        f"{what}: {plain_ms:.1f} ms unprofiled, {len(queries)} queries"
        + (f", HTTP {status}" if status else "")
    )
    for sql, seconds in sorted(queries.queries, key=lambda q: -q[1])[:5]:
        print(f"  {seconds * 1000:7.1f} ms  {' '.join(sql.split())[:150]}")
    print(profiler.output_text(unicode=True, color=False))
    PROFILES.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^A-Za-z0-9]+", "-", args.path).strip("-")[:80] or "root"
    html = PROFILES / f"{slug}-{args.user}-{time.strftime('%Y%m%d-%H%M%S')}.html"
    html.write_text(profiler.output_html(), encoding="utf-8")
    print(f"HTML profile: {html}")


if __name__ == "__main__":
    raise SystemExit(main())
