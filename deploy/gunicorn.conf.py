"""gunicorn settings for fazhi (docs/DEPLOY.md).

Run as ``gunicorn --config deploy/gunicorn.conf.py fazhi.wsgi:application``; the systemd
unit ``deploy/systemd/fazhi.service`` does exactly that. Command-line options and
``GUNICORN_CMD_ARGS`` override what is set here. The four ``FAZHI_GUNICORN_*`` variables
below are the knobs a site usually turns; they live in /etc/fazhi/fazhi.env with the rest.

Worker class: ``sync`` (one request per process) unless FAZHI_GUNICORN_THREADS > 1.
- fazhi's requests are short and bound by the database; nginx buffers request bodies and
  responses (``proxy_request_buffering`` / ``proxy_buffering``, both on), so a slow
  township link never holds a worker while bytes trickle in or out.
- Uploads are parsed in a child process forked from the worker (``fazhi.core.sandbox``
  uses the ``fork`` start method, so the child inherits the parsed request cheaply).
  Forking a process that runs other threads can deadlock the child on a lock one of those
  threads held; a sync worker has one thread, so it is always safe.
- ``gthread`` (threads > 1) suits a site whose workers mostly wait (a remote database
  with high latency) and that is short of memory for more processes. It is supported,
  not the default, because of the fork caveat above.
"""

from __future__ import annotations

import os


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name} must be an integer, got {value!r}") from None


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # honours CPUAffinity= and cpusets
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


wsgi_app = "fazhi.wsgi:application"
proc_name = "fazhi"

# Loopback by default: nginx on the same machine is the only client. When nginx runs on
# another machine, bind the app server's private address and let the firewall admit only
# the nginx hosts (docs/DEPLOY.md "Scaling out"): whoever reaches this port can claim any
# X-Forwarded-For, which fazhi writes into audit rows when FAZHI_TRUST_X_FORWARDED_FOR=1.
bind = [os.environ.get("FAZHI_GUNICORN_BIND") or "127.0.0.1:8000"]
backlog = 512

# 2 × cores + 1 (gunicorn's rule of thumb): 5 on 2 cores, 17 on 8. Each worker holds at
# most one PostgreSQL connection (kept FAZHI_DB_CONN_MAX_AGE seconds), so app servers ×
# workers must stay below PostgreSQL's max_connections (docs/DEPLOY.md "PostgreSQL").
workers = _env_int("FAZHI_GUNICORN_WORKERS", 2 * _cpus() + 1)
threads = _env_int("FAZHI_GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"

# A worker silent this long is killed. The slowest request fazhi serves is the annual
# report as PDF: LibreOffice gets 120 s (fazhi/reports/render.py); uploads are parsed in a
# child limited to 60 s of CPU (fazhi/core/sandbox.py). nginx's proxy_read_timeout (155 s,
# deploy/nginx/fazhi.conf) is a little longer, so the worker's limit fires first.
timeout = _env_int("FAZHI_GUNICORN_TIMEOUT", 150)
graceful_timeout = 30  # on stop or restart: finish requests in flight (TimeoutStopSec=40)
keepalive = 5  # used by gthread only; nginx talks HTTP/1.0 to the upstream, no keep-alive

# Recycle each worker after ~1000 requests; the jitter staggers the restarts so the
# workers never all restart at once.
max_requests = 1000
max_requests_jitter = 100

# Load Django once in the master, then fork: less memory (pages shared copy-on-write),
# faster worker restarts, and a broken configuration (a missing secret, a bad
# DATABASE_URL) fails `systemctl start` instead of every worker in a loop. The price: a
# HUP reloads this file and restarts workers but not fazhi's code; an upgrade therefore
# uses `systemctl restart fazhi` (docs/DEPLOY.md "Upgrades").
preload_app = True

# The workers' heartbeat files: on tmpfs, so a busy disk cannot make a worker look hung
# (gunicorn creates them with mkstemp and unlinks them at once).
SHM = "/dev/shm"  # noqa: S108
worker_tmp_dir = SHM if os.path.isdir(SHM) else None

# gunicorn >= 25 opens a control socket for `gunicornc` (worker counts, stats). Under
# systemd it goes to the unit's RuntimeDirectory (/run/fazhi, mode 0700); elsewhere it is
# off, so two gunicorns on one machine never fight over ~/.gunicorn/gunicorn.ctl.
if os.environ.get("RUNTIME_DIRECTORY"):
    control_socket = os.path.join(os.environ["RUNTIME_DIRECTORY"].split(":")[0], "gunicorn.ctl")
    control_socket_mode = 0o600
else:
    control_socket_disable = True

# Logs go to stdout/stderr, which systemd hands to the journal. The access log has the
# method and the path only: query strings carry ledger filters and search terms (names,
# phone numbers), and the referrer would carry another page's query string, so neither
# is logged. %(h)s is the peer (nginx); X-Forwarded-For is the client nginx saw.
accesslog = "-"
errorlog = "-"
loglevel = "info"
access_log_format = (
    '%(h)s %({x-forwarded-for}i)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms %(p)s'
)


def when_ready(server):
    """After the preload and before the first fork: build what every worker would
    otherwise build on its first requests (the URLs and the API, the templates:
    fazhi/core/warmup.py), then drop any database or cache connection the master opened,
    so no two workers ever share its socket or file, and freeze the master's objects so the workers'
    garbage collector never touches (and copies) their shared pages."""
    import gc

    from django.db import connections

    from fazhi.core.warmup import warm

    done = warm()
    server.log.info("fazhi: URLs, API and %s templates built before forking", done["templates"])
    connections.close_all()
    from fazhi.core.diskcache_backend import close_connections

    close_connections()  # the cache's SQLite files likewise
    gc.collect()
    gc.freeze()
