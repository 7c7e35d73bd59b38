"""The bench scripts run and write what docs/BENCH.md says (times are never asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_run_measures_and_writes_valid_results(tmp_path):
    from bench import run
    from fazhi.core import demo

    demo.build(log=lambda *a, **k: None)
    from fazhi.reports.models import AnnualReport

    drafted = list(AnnualReport.objects.values_list("pk", "version"))  # the demo's drafts
    only = ["indicators township", "report indicators+DOCX township", "page /indicators/ · first"]
    args = ["--use-db", "--repeat", "2", "--users", "county", "--out", str(tmp_path)]
    assert run.main(args + [x for o in only for x in ("--only", o)]) == 0
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert results["database"]["vendor"] in ("sqlite", "postgresql")
    assert results["machine"]["cores"] >= 1 and results["machine"]["python"]
    assert results["records"]["disputes.Dispute"] > 0
    rows = {r["name"]: r for r in results["measures"]}
    assert len(rows) == 4, list(rows)
    cold = next(r for n, r in rows.items() if n.startswith("indicators township-year"))
    assert cold["status"] == "ok" and cold["runs"] == 2 and cold["queries"] > 0
    assert cold["p95_ms"] >= cold["median_ms"] > 0
    report = next(r for n, r in rows.items() if n.startswith("report indicators+DOCX"))
    assert report["goal_ms"] == 1000 and isinstance(report["meets_goal"], bool)
    page = rows["page /indicators/ · first page · county"]
    assert page["goal_ms"] == 200 and page["status"] == "ok"
    md = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert "| measure |" in md and "page /indicators/" in md
    # the bench's drafts were rolled back: the demo's are as they were
    assert list(AnnualReport.objects.values_list("pk", "version")) == drafted


def test_load_refuses_sqlite():
    env = {**os.environ, "DATABASE_URL": "sqlite:///x.sqlite3"}
    proc = subprocess.run(
        [sys.executable, "bench/load.py"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert proc.returncode != 0
    assert proc.stderr.strip().count("\n") == 0 and "PostgreSQL" in proc.stderr


def test_load_reads_locust_csv(tmp_path):
    from bench import load

    header = (
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
        "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,"
        "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n"
    )
    (tmp_path / "l_stats.csv").write_text(
        header
        + "GET,/,10,0,20,25,5,90,1000,2.5,0,20,22,25,30,40,60,80,90,90,90,90\n"
        + ",Aggregated,10,0,20,25,5,90,1000,2.5,0,20,22,25,30,40,60,80,90,90,90,90\n",
        encoding="utf-8",
    )
    rows, total, failures = load.read_stats(tmp_path / "l")
    assert rows[0]["name"] == "/" and rows[0]["p95_ms"] == 60
    assert total["rps"] == 2.5 and total["p99_ms"] == 90 and failures == []
