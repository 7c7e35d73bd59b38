"""Load test (``make load``): gunicorn on 127.0.0.1 over PostgreSQL, driven by locust
(bench/locustfile.py: a county's working day), headless and bounded in time.

    DATABASE_URL=postgres://… python bench/load.py [--users 50] [--spawn-rate 10]
        [--run-time 60s] [--workers N] [--locust-processes 1] [--wait 0.5,1.5]

Migrates the database, checks the demo county is there (``fazhi demo`` first), starts
gunicorn (deploy/gunicorn.conf.py when present, on a free port, FAZHI_DEMO=1, DEBUG off),
waits for /healthz, runs locust, stops gunicorn, and writes ``bench/load-results.json``
and ``bench/load-results.md``: requests per second, p50/p95/p99, failures, one row per
endpoint, the machine, the worker count and how much CPU locust itself took (it shares the
cores with gunicorn and PostgreSQL). Exits non-zero if any request failed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import common  # noqa: E402

common.fix_sys_path()

BIN = Path(sys.executable).parent
USER_CLASSES = ("TownshipClerk", "TownshipAdmin", "Supervisor", "ReportBuilder")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_times() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    try:
        fields = [float(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    except OSError:
        return 0.0, 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--spawn-rate", type=float, default=10)
    p.add_argument("--run-time", default="60s", help="locust --run-time (60s, 5m, …)")
    p.add_argument(
        "--workers", type=int, help="gunicorn workers (default: the deploy config's, 2×cores+1)"
    )
    p.add_argument("--threads", type=int, help="gunicorn threads per worker (gthread if > 1)")
    p.add_argument("--locust-processes", type=int, default=1, help="locust --processes")
    p.add_argument(
        "--wait",
        default="0.05,0.25",
        help="think time between tasks, min,max s (50 users × 200 rps goal: ≤ 0.25 s)",
    )
    p.add_argument("--year", type=int, help="the year clerks and the report work in")
    p.add_argument("--reset-stats", action="store_true", help="drop stats of the ramp-up")
    p.add_argument(
        "--calibrate",
        action="store_true",
        help="instead of the working day: /healthz without think time (harness capacity)",
    )
    p.add_argument("--out", type=Path, default=common.BENCH, help="where results go")
    p.add_argument(
        "--keep-logs", action="store_true", help="keep gunicorn's logs (kept anyway on failure)"
    )
    return p.parse_args(argv)


def check_database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        raise SystemExit(
            "load.py needs DATABASE_URL pointing at PostgreSQL (postgres://…); SQLite is not a"
            " server database"
        )
    return url


def prepare(env: dict) -> dict:
    """Migrate, check the demo data, and describe the database (in a child process, so this
    one holds no connection while gunicorn runs)."""
    subprocess.run([str(BIN / "fazhi"), "migrate", "-v0"], env=env, check=True)
    code = (
        "import json, django; django.setup()\n"
        "from fazhi.core import demo\n"
        "from bench import common\n"
        "print(json.dumps({'demo': demo.exists(), 'database': common.database_info(),"
        " 'records': common.record_counts() if demo.exists() else {}}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "PYTHONPATH": str(common.ROOT)},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    info = json.loads(out.strip().splitlines()[-1])
    if not info["demo"]:
        raise SystemExit("the database holds no demo county: run `fazhi demo` first")
    return info


def make_sessions(env: dict, path: Path, users: int) -> Path:
    """Signed-in sessions for the scenario's users, made as the login view makes them
    (``force_login``: the login signal and fazhi's session stamps, without hashing the
    password), so the measured minute is the working day rather than its morning logins."""
    code = (
        "import json, sys, django; django.setup()\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.test import Client\n"
        "out = {}\n"
        "for name in ('clerk_df', 'clerk_qh', 'admin_df', 'county'):\n"
        "    user = get_user_model().objects.get(username=name)\n"
        "    out[name] = []\n"
        f"    for _ in range({users}):\n"
        "        c = Client(); c.force_login(user)\n"
        "        out[name].append(c.cookies['sessionid'].value)\n"
        f"json.dump(out, open({str(path)!r}, 'w'))\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    return path


def start_gunicorn(env: dict, port: int, args, logdir: Path) -> tuple[subprocess.Popen, int]:
    conf = common.ROOT / "deploy" / "gunicorn.conf.py"
    cmd = [str(BIN / "gunicorn")]
    if conf.exists():
        cmd += ["--config", str(conf)]
    else:
        cmd += ["--preload", "--timeout", "150", "--max-requests", "1000"]
    workers = args.workers or 2 * common.cores() + 1
    cmd += [
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        str(logdir / "access.log"),
        "--error-logfile",
        str(logdir / "error.log"),
    ]
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    cmd.append("fazhi.wsgi:application")
    proc = subprocess.Popen(cmd, env=env, cwd=common.ROOT, start_new_session=True)
    return proc, workers


def wait_healthy(base: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode} (see its error log)")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{base}/healthz did not answer 200 within {timeout:.0f} s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=45)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def read_stats(prefix: Path) -> tuple[list[dict], dict, list[dict]]:
    def num(v):
        try:
            f = float(v)
        except (TypeError, ValueError):
            return v
        return int(f) if f.is_integer() else round(f, 2)

    rows, total = [], {}
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            row = {
                "method": r["Type"],
                "name": r["Name"],
                "requests": num(r["Request Count"]),
                "failures": num(r["Failure Count"]),
                "rps": num(r["Requests/s"]),
                "p50_ms": num(r["50%"]),
                "p95_ms": num(r["95%"]),
                "p99_ms": num(r["99%"]),
                "max_ms": num(r["Max Response Time"]),
                "avg_ms": num(r["Average Response Time"]),
            }
            if r["Name"] == "Aggregated":
                total = row
            else:
                rows.append(row)
    failures = []
    path = Path(f"{prefix}_failures.csv")
    if path.exists():
        with open(path, newline="", encoding="utf-8") as f:
            failures = [
                {
                    "method": r["Method"],
                    "name": r["Name"],
                    "error": r["Error"],
                    "n": num(r["Occurrences"]),
                }
                for r in csv.DictReader(f)
            ]
    rows.sort(key=lambda r: -r["requests"])
    return rows, total, failures


def markdown(res: dict) -> str:
    m, t, g = res["machine"], res["total"], res["goals"]
    ok = {True: "✔", False: "✘"}
    lines = [
        "# fazhi load test",
        "",
        f"Command: `{res['command']}` — {res['started_at']}.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, {m['os']}, Python"
        f" {m['python']}, Django {m['django']}, commit {m['git']['commit'][:12]}"
        f"{' (uncommitted changes)' if m['git']['dirty'] else ''}. Database:"
        f" {res['database']['vendor']} {res['database']['version']} on the same machine."
        f" Load average before: {m['loadavg_before']}.",
        "",
        f"Server: gunicorn, {res['gunicorn']['workers']} workers"
        f" ({res['gunicorn']['worker_class']}), config {res['gunicorn']['config']}."
        f" Scenario: {res['scenario']}."
        f" Load: locust ({res['locust']['processes']} process(es)), {res['users']} users,"
        f" spawn rate {res['spawn_rate']}/s, {res['run_time']}, think time {res['wait']} s.",
        "",
        f"CPU during the run: machine {res['cpu']['machine_busy_pct']}% busy;"
        f" locust {res['cpu']['locust_pct_of_machine']}% of the machine, gunicorn"
        f" {res['cpu']['gunicorn_pct_of_machine']}%, the rest PostgreSQL and other processes.",
        "",
        "| total | value | goal | |",
        "|---|--:|--:|---|",
        f"| requests per second | {t.get('rps')} | ≥ {g['rps']} | {ok[t.get('rps', 0) >= g['rps']]} |",
        f"| p50 ms | {t.get('p50_ms')} | | |",
        f"| p95 ms | {t.get('p95_ms')} | < {g['p95_ms']} | {ok[t.get('p95_ms', 1e9) < g['p95_ms']]} |",
        f"| p99 ms | {t.get('p99_ms')} | | |",
        f"| requests | {t.get('requests')} | | |",
        f"| failures | {t.get('failures')} | {g['failures']} | {ok[t.get('failures', 1) == 0]} |",
        f"| users | {res['users']} | {g['users']} | |",
        "",
        "## Per endpoint",
        "",
        "| method | name | requests | failures | rps | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in res["endpoints"]:
        lines.append(
            f"| {r['method']} | {r['name']} | {r['requests']} | {r['failures']} | {r['rps']} |"
            f" {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['max_ms']} |"
        )
    if res["failures"]:
        lines += ["", "## Failures", ""]
        lines += [
            f"- {f['method']} {f['name']} ×{f['n']}: {f['error'][:300]}" for f in res["failures"]
        ]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    args = parse_args(argv)
    check_database()
    command = " ".join(["python bench/load.py", *(sys.argv[1:] if argv is None else argv)])
    tmp = Path(tempfile.mkdtemp(prefix="fazhi-load-"))
    env = dict(os.environ)
    common.private_var_dir(env, tmp / "var")  # a cache of its own; the data's keys
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "fazhi.settings",
            "FAZHI_ENV": env.get("FAZHI_ENV", "development"),
            "FAZHI_DEBUG": "0",
            "FAZHI_DEMO": "1",
            "FAZHI_LOG_LEVEL": env.get("FAZHI_LOG_LEVEL", "WARNING"),
            "FAZHI_LOAD_WAIT": args.wait,
            "FAZHI_STATIC_ROOT": str(tmp / "static"),
        }
    )
    if args.year:
        env["FAZHI_LOAD_YEAR"] = str(args.year)
    (tmp / "static").mkdir()
    info = prepare(env)
    env["FAZHI_LOAD_SESSIONS"] = str(make_sessions(env, tmp / "sessions.json", args.users))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    machine = {**common.machine(), "loadavg_before": [round(x, 2) for x in os.getloadavg()]}
    started = time.strftime("%Y-%m-%d %H:%M:%S %z")
    gunicorn, workers = start_gunicorn(env, port, args, tmp)
    prefix = tmp / "locust"
    try:
        wait_healthy(base, gunicorn)
        print(f"gunicorn: {workers} workers on {base}", flush=True)
        cmd = [
            str(BIN / "locust"),
            "-f",
            str(common.BENCH / "locustfile.py"),
            "--headless",
            "-u",
            str(args.users),
            "-r",
            str(args.spawn_rate),
            "-t",
            args.run_time,
            "--host",
            base,
            "--csv",
            str(prefix),
            "--only-summary",
            "--stop-timeout",
            "10",
            "--loglevel",
            "WARNING",
        ]
        cmd += ["Calibration"] if args.calibrate else list(USER_CLASSES)
        if args.locust_processes > 1:
            cmd += ["--processes", str(args.locust_processes)]
        if args.reset_stats:
            cmd.append("--reset-stats")
        busy0, total0 = cpu_times()
        cpu0 = children_cpu()
        wall0 = time.monotonic()
        locust = subprocess.run(cmd, env=env, cwd=common.ROOT)
        wall = time.monotonic() - wall0
        locust_cpu = children_cpu() - cpu0
        busy1, total1 = cpu_times()
    finally:
        cpu1 = children_cpu()
        stop(gunicorn)
    gunicorn_cpu = children_cpu() - cpu1  # the master, with the workers it reaped
    rows, total, failures = read_stats(prefix)
    cores = common.cores()
    machine_busy = 100 * (busy1 - busy0) / (total1 - total0) if total1 > total0 else None
    res = {
        "command": command,
        "started_at": started,
        "machine": machine,
        "database": info["database"],
        "records": info["records"],
        "gunicorn": {
            "workers": workers,
            "threads": args.threads or 1,
            "worker_class": "gthread" if (args.threads or 1) > 1 else "sync",
            "config": "deploy/gunicorn.conf.py"
            if (common.ROOT / "deploy" / "gunicorn.conf.py").exists()
            else "command-line flags",
        },
        "locust": {"processes": args.locust_processes, "exit_code": locust.returncode},
        "users": args.users,
        "spawn_rate": args.spawn_rate,
        "run_time": args.run_time,
        "wait": args.wait,
        "reset_stats": args.reset_stats,
        "scenario": "calibration (/healthz, no think time)" if args.calibrate else "working day",
        "cpu": {
            "wall_s": round(wall, 1),
            "machine_busy_pct": round(machine_busy, 1) if machine_busy is not None else None,
            "locust_cpu_s": round(locust_cpu, 1),
            "locust_pct_of_machine": round(100 * locust_cpu / (wall * cores), 1),
            "gunicorn_cpu_s": round(gunicorn_cpu, 1),
            "gunicorn_pct_of_machine": round(100 * gunicorn_cpu / (wall * cores), 1),
        },
        "goals": common.LOAD_GOALS,
        "total": total,
        "endpoints": rows,
        "failures": failures,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    for suffix in ("_stats.csv", "_failures.csv", "_exceptions.csv", "_stats_history.csv"):
        src = Path(f"{prefix}{suffix}")
        if src.exists():
            shutil.copy(src, args.out / f"locust{suffix}")
    (args.out / "load-results.json").write_text(
        json.dumps(res, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    (args.out / "load-results.md").write_text(markdown(res), encoding="utf-8")
    print(
        f"{total.get('requests')} requests, {total.get('rps')} rps, p50 {total.get('p50_ms')} ms,"
        f" p95 {total.get('p95_ms')} ms, p99 {total.get('p99_ms')} ms,"
        f" {total.get('failures')} failures; locust used {res['cpu']['locust_pct_of_machine']}%"
        f" of the machine, gunicorn {res['cpu']['gunicorn_pct_of_machine']}%."
        f" Written: {args.out / 'load-results.md'}"
    )
    for f in failures:
        print(f"  failure {f['method']} {f['name']} ×{f['n']}: {f['error'][:200]}")
    failed = bool(total.get("failures") or locust.returncode)
    if failed or args.keep_logs:
        print(f"gunicorn's access and error logs: {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
