"""The benchmark suite (``make bench``): median and p95 over repeated runs, peak memory, and
the machine, written to ``bench/results.json`` and ``bench/results.md``.

Data: the demo dataset (``fazhi demo --scale small``) in a temporary SQLite database, or the
database ``DATABASE_URL`` points at with ``--use-db`` (for PostgreSQL or a county-scale
dataset). Measures: every list API endpoint (first page), indicators for a township-year
and the county-year, the annual report DOCX, the Excel export of a year's disputes, and
review throughput. Times are never asserted in tests; they are recorded here.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def measure(fn, repeat: int) -> dict:
    times = []
    tracemalloc.start()
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(p95, 1),
        "runs": repeat,
        "peak_mb": round(peak / 1024 / 1024, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument("--use-db", action="store_true", help="use DATABASE_URL as it is (must hold data)")
    parser.add_argument("--review-n", type=int, default=1000)
    args = parser.parse_args()
    if not args.use_db:
        tmp = tempfile.mkdtemp(prefix="fazhi-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ["FAZHI_VAR_DIR"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    os.environ.setdefault("FAZHI_SANDBOX", "1")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from fazhi.api import api
    from fazhi.core import demo
    from fazhi.core.models import ApiToken, Membership, Unit
    from fazhi.core.models.units import TOWNSHIP_KINDS
    from fazhi.core.roles import Role

    settings.ALLOWED_HOSTS = ["*"]
    results: dict = {"measures": {}}
    if not args.use_db:
        call_command("migrate", verbosity=0)
        t0 = time.perf_counter()
        demo.build(log=lambda *a, **k: None)
        results["dataset"] = {"kind": "demo small (SQLite)", "build_s": round(time.perf_counter() - t0, 1)}
    else:
        results["dataset"] = {"kind": f"DATABASE_URL ({settings.DATABASES['default']['ENGINE']})"}
    year = timezone.localdate().year
    county = Unit.objects.get(code=demo.COUNTY_CODE)
    township = Unit.objects.filter(path__startswith=county.path, kind__in=TOWNSHIP_KINDS).order_by("code").first()
    user_model = get_user_model()
    clerk = user_model.objects.get(username="admin_df")
    supervisor = user_model.objects.get(username="county")
    Membership.objects.get_or_create(user=supervisor, unit=county, role=Role.TOWNSHIP_ADMIN)
    m = results["measures"]

    # API list endpoints, first page, as a township admin.
    key = ApiToken.issue(clerk, "bench")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    for path, ops in sorted(schema["paths"].items()):
        if "get" not in ops or "{" in path or "/calendar/" in path:
            continue
        url = path + (f"?year={year}" if "year" in json.dumps(ops["get"].get("parameters", [])) else "")
        if client.get(url).status_code != 200:
            continue
        m[f"api GET {path}"] = measure(lambda u=url: client.get(u), args.repeat)

    # Pages as the township admin.
    web = Client()
    web.force_login(clerk)
    for url in ("/", "/disputes/", "/decisions/", "/enforcement/", "/learning/", "/publicity/",
                "/legalservice/", "/oversight/", "/indicators/", "/reports/"):
        if web.get(url).status_code == 200:
            m[f"page {url}"] = measure(lambda u=url: web.get(u), args.repeat)

    # Indicators and the annual report.
    from fazhi.indicators import registry
    from fazhi.reports import render, services

    m["indicators township-year"] = measure(lambda: registry.compute(township, year), args.repeat)
    m["indicators county-year"] = measure(lambda: registry.compute(county, year), args.repeat)
    report = services.create_report(township, year, actor=clerk)
    services.generate(report, actor=clerk)
    report.refresh_from_db()
    m["report DOCX township-year"] = measure(lambda: render.to_docx(report), args.repeat)
    m["report indicators+DOCX township-year"] = measure(
        lambda: (registry.compute(township, year), render.to_docx(report)), args.repeat
    )
    county_report = services.create_report(county, year, actor=supervisor)
    services.generate(county_report, actor=supervisor)
    county_report.refresh_from_db()
    m["report indicators+DOCX county-year"] = measure(
        lambda: (registry.compute(county, year), render.to_docx(county_report)), args.repeat
    )

    # Excel export of a year's disputes (the ledger page's export).
    export = f"/disputes/cases/export.xlsx?year={year}"
    if web.get(export).status_code == 200:
        m["export disputes xlsx (year)"] = measure(lambda: web.get(export), 3)

    # Review throughput.
    from fazhi.review.batch import bench as review_bench

    r = review_bench(args.review_n)
    results["review"] = r

    results["machine"] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
    }
    out = ROOT / "bench" / "results.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    lines = ["| measure | median ms | p95 ms | peak MB (Python) |", "|---|---|---|---|"]
    for name, v in m.items():
        lines.append(f"| {name} | {v['median_ms']} | {v['p95_ms']} | {v['peak_mb']} |")
    (ROOT / "bench" / "results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    print("review:", json.dumps(r, ensure_ascii=False))
    print(f"written: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
