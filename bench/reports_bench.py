"""Benchmark: indicators and the annual report on the demo data, in a temporary SQLite DB.

    .venv/bin/python bench/reports_bench.py [--repeat 5]

Prints, for one township-year and the county-year: the time to compute every indicator,
to draft the report (indicators, snapshot, five sections), to render its DOCX, and the
total (indicators + DOCX), each the best of N runs, with the number of SQL queries.
Goal: a township-year under 1 s, a county-year under 2 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="fazhi-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("FAZHI_VAR_DIR", tmp)
    os.environ.setdefault("FAZHI_SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from fazhi.core import demo
    from fazhi.core.models import Unit
    from fazhi.core.models.units import TOWNSHIP_KINDS
    from fazhi.indicators import registry
    from fazhi.reports import render, services

    t0 = time.perf_counter()
    demo.build(log=lambda *a, **k: None)
    print(f"demo data built in {time.perf_counter() - t0:.1f} s (db: {tmp})")
    year = timezone.localdate().year
    from fazhi.disputes.models import Dispute, HotlineAppeal, Petition

    print(
        "records:",
        ", ".join(
            f"{m._meta.verbose_name} {m.objects.count()}"
            for m in (Dispute, Petition, HotlineAppeal)
        ),
    )
    county = Unit.objects.get(code=demo.COUNTY_CODE)
    township = Unit.objects.filter(path__startswith=county.path, kind__in=TOWNSHIP_KINDS).first()
    from django.contrib.auth import get_user_model

    actor = get_user_model().objects.get(username="admin_df")
    county_actor = get_user_model().objects.get(username="county")
    from fazhi.core.models import Membership
    from fazhi.core.roles import Role

    Membership.objects.get_or_create(user=county_actor, unit=county, role=Role.TOWNSHIP_ADMIN)

    def best(fn):
        times, queries = [], 0
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as q:
                start = time.perf_counter()
                fn()
                times.append(time.perf_counter() - start)
            queries = len(q)
        return min(times), queries

    rows = []
    for label, unit, who in (
        ("township-year", township, actor),
        ("county-year", county, county_actor),
    ):
        # the demo drafts each township's report; the county's is made here
        from fazhi.reports.models import AnnualReport

        report = AnnualReport.objects.filter(unit=unit, year=year).first()
        if report is None:
            report = services.create_report(unit, year, actor=who)
        ind_t, ind_q = best(lambda u=unit: registry.compute(u, year))
        gen_t, gen_q = best(lambda r=report, w=who: services.generate(r, actor=w))
        report.refresh_from_db()
        docx_t, docx_q = best(lambda r=report: render.to_docx(r))
        html_t, _ = best(lambda r=report: render.to_html(r))
        rows.append((label, unit.name, ind_t, ind_q, gen_t, gen_q, docx_t, docx_q, html_t))
    print(
        f"{'':14} {'unit':10} {'indicators':>14} {'draft':>14} {'docx':>12} {'html':>8} {'ind+docx':>9}"
    )
    for label, name, ind_t, ind_q, gen_t, gen_q, docx_t, docx_q, html_t in rows:
        print(
            f"{label:14} {name:10} {ind_t * 1000:8.0f} ms/{ind_q:<3}q {gen_t * 1000:8.0f} ms/{gen_q:<3}q"
            f" {docx_t * 1000:7.0f} ms/{docx_q}q {html_t * 1000:6.0f} ms {(ind_t + docx_t) * 1000:7.0f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
