"""The deployment files in deploy/, checked with their own tools (docs/DEPLOY.md).

- deploy/fazhi.env.example names every environment variable fazhi reads, and only those;
- deploy/nginx/fazhi.conf passes `nginx -t`, alone and inside Debian's own nginx.conf, and
  works: nginx in front of gunicorn, TLS by name, redirect, static files, no media, the
  body cap, proxy headers;
- deploy/systemd/* pass `systemd-analyze verify` and `systemd-analyze security`;
- gunicorn serves fazhi with deploy/gunicorn.conf.py and the example's production settings
  (on a migrated SQLite database), and deploy/fazhi-admin runs fazhi with that env file.

nginx comes from `make system-deps` (scripts/system-deps.sh), as does systemd-analyze on a
machine without systemd. A missing tool fails the test with the command that installs it;
FAZHI_SKIP_SYSTEM_DEPS=1 turns that into a skip, for machines without Debian packages.
"""

from __future__ import annotations

import ast
import base64
import datetime as dt
import gzip
import http.client
import inspect
import json
import os
import re
import runpy
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SITE = DEPLOY / "nginx" / "fazhi.conf"
ENV_EXAMPLE = DEPLOY / "fazhi.env.example"
GUNICORN_CONF = DEPLOY / "gunicorn.conf.py"
UNITS = sorted(p for p in (DEPLOY / "systemd").iterdir() if p.suffix in (".service", ".timer"))
VENV_BIN = Path(sys.executable).parent
DOMAIN = "fazhi.example.gov.cn"
INSTALL_BIN = "/opt/fazhi/.venv/bin/"  # where the units expect the virtualenv
SKIP_ENV = "FAZHI_SKIP_SYSTEM_DEPS"


# ---------------------------------------------------------------- helpers


def system_tool(name: str, package: str) -> str:
    for candidate in (f"/usr/sbin/{name}", f"/usr/bin/{name}", shutil.which(name)):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    message = f"{name} not found: run `make system-deps` (apt-get install -y {package})"
    if os.environ.get(SKIP_ENV):
        pytest.skip(f"{message}; skipped because {SKIP_ENV} is set")
    pytest.fail(message)


def venv_tool(name: str) -> str:
    path = VENV_BIN / name
    assert path.exists(), f"{path} missing: run the tests with the virtualenv's pytest"
    return str(path)


def replace(text: str, old: str, new: str) -> str:
    """str.replace that fails when the file no longer contains what the test rewrites."""
    assert old in text, f"expected {old!r} in the deployment file"
    return text.replace(old, new)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_cert(directory: Path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for DOMAIN."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, DOMAIN)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(DOMAIN)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


def render_site(
    prefix: Path,
    cert: Path,
    key: Path,
    *,
    static: Path | None = None,
    upstream: str | None = None,
    ports: tuple[int, int] | None = None,
) -> Path:
    """The site file with the site-specific values pointed at test files."""
    text = SITE.read_text(encoding="utf-8")
    text = replace(text, "/etc/ssl/fazhi/fullchain.pem", str(cert))
    text = replace(text, "/etc/ssl/fazhi/privkey.pem", str(key))
    text = replace(text, "/var/log/nginx/", f"{prefix}/")
    if static is not None:
        text = replace(text, "alias /var/www/fazhi/static/;", f"alias {static}/;")
    if upstream is not None:
        text = replace(text, "server 127.0.0.1:8000 ", f"server {upstream} ")
    if ports is not None:
        http_port, https_port = ports
        text = re.sub(r"^\s*listen \[::\].*\n", "", text, flags=re.M)  # the host may lack IPv6
        text = replace(text, "listen 80", f"listen 127.0.0.1:{http_port}")
        text = replace(text, "listen 443", f"listen 127.0.0.1:{https_port}")
    site = prefix / "site.conf"
    site.write_text(text, encoding="utf-8")
    return site


TEMP_KINDS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def temp_paths(prefix: Path) -> str:
    return "\n".join(f"    {kind}_temp_path {prefix}/{kind};" for kind in TEMP_KINDS)


def minimal_nginx_conf(prefix: Path, site: Path) -> Path:
    conf = prefix / "nginx.conf"
    conf.write_text(
        f"""worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{
    worker_connections 64;
}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {prefix}/access.log;
{temp_paths(prefix)}
    include {site};
}}
""",
        encoding="utf-8",
    )
    return conf


def debian_nginx_conf(prefix: Path, site: Path) -> Path:
    """Debian's own /etc/nginx/nginx.conf with its paths moved into the test's prefix and
    sites-enabled replaced by the site: catches directives that clash with Debian's."""
    text = Path("/etc/nginx/nginx.conf").read_text(encoding="utf-8")
    text = re.sub(r"^pid .*;", f"pid {prefix}/nginx.pid;", text, flags=re.M)
    text = re.sub(r"^error_log .*;", f"error_log {prefix}/error.log;", text, flags=re.M)
    text = re.sub(r"access_log /var/log/nginx/\S+;", f"access_log {prefix}/access.log;", text)
    text = re.sub(r"error_log /var/log/nginx/\S+;", f"error_log {prefix}/error.log;", text)
    text = replace(text, "include /etc/nginx/sites-enabled/*;", f"include {site};")
    text = replace(text, "http {", "http {\n" + temp_paths(prefix))
    if os.geteuid() != 0:
        text = re.sub(r"^user .*;", "", text, flags=re.M)
    conf = prefix / "nginx.conf"
    conf.write_text(text, encoding="utf-8")
    return conf


def nginx_prefix() -> Path:
    """A directory nginx's unprivileged workers can traverse (pytest's tmp_path is 0700)."""
    prefix = Path(tempfile.mkdtemp(prefix="fazhi-nginx-"))
    prefix.chmod(0o755)
    return prefix


# ---------------------------------------------------------------- the env example


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def env_names_read() -> tuple[set[str], set[str]]:
    """(names, prefixes) of the environment variables fazhi reads: settings.env/envint/
    envbool calls, os.environ reads of FAZHI_* anywhere in fazhi/, and the gunicorn config.
    An f-string name (FAZHI_RETENTION_YEARS_{name}) gives a prefix."""
    names: set[str] = set()
    prefixes: set[str] = set()
    files = [p for p in (ROOT / "fazhi").rglob("*.py") if "migrations" not in p.parts]
    for path in [*files, GUNICORN_CONF]:
        helpers = {"env", "envint", "envbool"} if path.name == "settings.py" else set()
        if path == GUNICORN_CONF:
            helpers = {"_env_int"}
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            arg, from_helper = None, False
            if isinstance(node, ast.Call) and node.args:
                func = _dotted(node.func)
                if func in helpers:
                    arg, from_helper = node.args[0], True
                elif func in ("os.environ.get", "os.getenv", "environ.get"):
                    arg = node.args[0]
            elif isinstance(node, ast.Subscript) and _dotted(node.value) == "os.environ":
                arg = node.slice
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                if from_helper or arg.value.startswith("FAZHI_"):
                    names.add(arg.value)
            elif isinstance(arg, ast.JoinedStr) and arg.values:
                head = arg.values[0]
                if isinstance(head, ast.Constant) and str(head.value).startswith("FAZHI_"):
                    prefixes.add(head.value)
    return names, prefixes


def example_assignments() -> dict[str, str]:
    """NAME=value lines of the example, the commented-out defaults included."""
    found = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^#?\s*([A-Z][A-Z0-9_]*)=(\S*)\s*$", line)
        if m:
            found[m.group(1)] = m.group(2)
    return found


def test_env_example_lists_every_variable_fazhi_reads():
    names, prefixes = env_names_read()
    assert {"FAZHI_ENV", "DATABASE_URL", "FAZHI_PII_KEYS", "FAZHI_GUNICORN_WORKERS"} <= names
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    mentioned = set(re.findall(r"\b[A-Z][A-Z0-9_]+\b", text))
    assert sorted(names - mentioned) == [], "variables fazhi reads that the example omits"
    for prefix in prefixes:
        assert any(m.startswith(prefix) for m in mentioned), f"no {prefix}* in the example"


def test_env_example_sets_only_variables_fazhi_reads():
    names, prefixes = env_names_read()
    # settings.env() reads NAME_FILE for every NAME; crypto reads FAZHI_PII_KEYS_FILE.
    readable = names | {f"{n}_FILE" for n in names}
    unknown = [
        n for n in example_assignments() if n not in readable and not n.startswith(tuple(prefixes))
    ]
    assert unknown == [], "the example sets variables nothing reads (a typo?)"


def test_env_example_is_plain_for_systemd_and_sh():
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*=[^\s'\"$`\\;&|<>]*", line), line
    values = example_assignments()
    assert values["FAZHI_ENV"] == "production"
    assert values["FAZHI_DEMO"] == "0"


# ---------------------------------------------------------------- nginx -t


@pytest.mark.parametrize("main_conf", ["minimal", "debian"])
def test_nginx_accepts_the_site(main_conf):
    nginx = system_tool("nginx", "nginx")
    if main_conf == "debian" and not Path("/etc/nginx/nginx.conf").exists():
        pytest.skip("no /etc/nginx/nginx.conf: nginx was not installed from Debian's package")
    prefix = nginx_prefix()
    try:
        cert, key = make_cert(prefix)
        # `nginx -t` binds the listen addresses: below 1024 only root may, so another user
        # tests the site on two free high ports instead of 80 and 443.
        ports = None if os.geteuid() == 0 else (free_port(), free_port())
        site = render_site(prefix, cert, key, ports=ports)
        make_conf = minimal_nginx_conf if main_conf == "minimal" else debian_nginx_conf
        conf = make_conf(prefix, site)
        run = subprocess.run(
            [nginx, "-t", "-c", str(conf), "-p", str(prefix)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        output = run.stdout + run.stderr
        print(f"{nginx} -t -c {conf} -p {prefix}\n{output}")
        assert run.returncode == 0, output
        assert "test is successful" in output
        assert "[warn]" not in output and "[emerg]" not in output, output
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


def _directive(name: str) -> str:
    values = re.findall(rf"^\s*{name}\s+([^;]+);", SITE.read_text(encoding="utf-8"), flags=re.M)
    assert len(values) == 1, f"{name} appears {len(values)} times"
    return values[0]


def _seconds(value: str) -> int:
    m = re.fullmatch(r"(\d+)(s?)", value)
    assert m, value
    return int(m.group(1))


def test_limits_agree_across_nginx_gunicorn_and_fazhi(monkeypatch):
    from django.conf import settings

    from fazhi.core import sandbox
    from fazhi.reports import render

    body = _directive("client_max_body_size")
    assert body.endswith("m")
    assert int(body[:-1]) * 1024 * 1024 > settings.FAZHI_UPLOAD_MAX_BYTES
    for name in ("FAZHI_GUNICORN_TIMEOUT", "FAZHI_GUNICORN_WORKERS", "FAZHI_GUNICORN_THREADS"):
        monkeypatch.delenv(name, raising=False)
    conf = runpy.run_path(str(GUNICORN_CONF))
    pdf_timeout = inspect.signature(render.to_pdf).parameters["timeout"].default
    # The slowest requests finish inside gunicorn's limit, which fires before nginx's.
    assert conf["timeout"] > max(pdf_timeout, sandbox.DEFAULT_SECONDS)
    assert conf["timeout"] < _seconds(_directive("proxy_read_timeout"))
    assert conf["worker_class"] == "sync" and conf["preload_app"] is True
    assert "%(q)s" not in conf["access_log_format"] and "%(r)s" not in conf["access_log_format"]
    assert "%(f)s" not in conf["access_log_format"]
    assert "$request " not in SITE.read_text(encoding="utf-8")  # $request has the query string


# ---------------------------------------------------------------- systemd


def render_units(directory: Path) -> list[Path]:
    """The units with the virtualenv prefix pointed at this checkout's virtualenv."""
    out = []
    for unit in UNITS:
        text = unit.read_text(encoding="utf-8")
        if unit.suffix == ".service":
            assert INSTALL_BIN in text, unit.name
        text = text.replace(INSTALL_BIN, f"{VENV_BIN}/")
        path = directory / unit.name
        path.write_text(text, encoding="utf-8")
        out.append(path)
    return out


def test_units_follow_the_documented_layout():
    services = {u.stem for u in UNITS if u.suffix == ".service"}
    timers = {u.stem for u in UNITS if u.suffix == ".timer"}
    assert "fazhi" in services
    assert timers and timers <= services, "each timer starts the service of its name"
    for unit in UNITS:
        if unit.suffix != ".service":
            continue
        text = unit.read_text(encoding="utf-8")
        assert "\nUser=fazhi\n" in text and "\nEnvironmentFile=/etc/fazhi/fazhi.env\n" in text
        assert "\nProtectSystem=strict\n" in text and "\nReadWritePaths=/var/lib/fazhi" in text
        for path in re.findall(r"/opt/fazhi/(\S+?\.py)\b", text):
            assert (ROOT / path).exists(), f"{unit.name} names /opt/fazhi/{path}"
    assert "fazhi.wsgi:application" in (DEPLOY / "systemd" / "fazhi.service").read_text()
    assert (ROOT / "fazhi" / "wsgi.py").exists()


def _verify(systemd_analyze: str, units: list[Path]) -> tuple[int, str]:
    cmd = [systemd_analyze, "verify", "--man=no", "--generators=no", *map(str, units)]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    print(" ".join(cmd), f"-> {run.returncode}\n{run.stdout}{run.stderr}")
    return run.returncode, run.stdout + run.stderr


def test_systemd_units_verify(tmp_path):
    systemd_analyze = system_tool("systemd-analyze", "systemd")
    units = render_units(tmp_path)
    code, output = _verify(systemd_analyze, units)
    about_ours = [line for line in output.splitlines() if any(u.name in line for u in units)]
    assert code == 0, output
    assert about_ours == [], "systemd-analyze complains about the units"
    # The tool does check here: a unit whose program is missing is refused.
    broken = tmp_path / "broken"
    broken.mkdir()
    bad = broken / "fazhi.service"
    good = (tmp_path / "fazhi.service").read_text(encoding="utf-8")
    bad.write_text(replace(good, f"{VENV_BIN}/gunicorn ", f"{VENV_BIN}/no-such-binary "))
    code, output = _verify(systemd_analyze, [bad])
    assert code != 0 and "no-such-binary" in output


def test_systemd_units_are_hardened(tmp_path):
    systemd_analyze = system_tool("systemd-analyze", "systemd")
    for unit in render_units(tmp_path):
        if unit.suffix != ".service":
            continue
        # --threshold is on systemd's 0-100 scale: 20 is an exposure of 2.0 ("OK").
        cmd = [systemd_analyze, "security", "--offline=yes", "--threshold=20", str(unit)]
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        overall = [line for line in run.stdout.splitlines() if "Overall exposure" in line]
        print(" ".join(cmd), overall)
        assert run.returncode == 0, run.stdout + run.stderr


# ---------------------------------------------------------------- gunicorn, fazhi-admin, nginx


def production_env(base: Path, database_url: str) -> tuple[dict[str, str], Path]:
    """The example's settings with its paths moved under ``base`` and the two secrets
    generated; returns the environment and the env file written for fazhi-admin."""
    etc, var, static = base / "etc", base / "var", base / "static"
    for d in (etc, var, static):
        d.mkdir(parents=True, exist_ok=True)
    (etc / "secret_key").write_text(secrets.token_urlsafe(50))
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    (etc / "pii_keys").write_text(f"k1:{key}")
    lines = []
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        line = line.replace("/etc/fazhi/", f"{etc}/").replace("/var/www/fazhi/static", str(static))
        line = line.replace("/var/lib/fazhi", str(var))
        if line.startswith("DATABASE_URL="):
            line = f"DATABASE_URL={database_url}"
        lines.append(line)
    env_file = etc / "fazhi.env"
    env_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(var), "LANG": "C.UTF-8"}
    # This checkout's code, whichever checkout the virtualenv was installed from.
    env["PYTHONPATH"] = str(ROOT)
    for line in lines:
        m = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line)
        if m:
            env[m.group(1)] = m.group(2)
    assert env["FAZHI_ENV"] == "production"
    return env, env_file


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A production configuration from the example, on a migrated SQLite database."""
    base = tmp_path_factory.mktemp("site")
    env, env_file = production_env(base, f"sqlite:///{base / 'fazhi.sqlite3'}")
    started = time.monotonic()
    run = subprocess.run(
        [venv_tool("fazhi"), "migrate", "-v0"],
        env=env,
        cwd=env["FAZHI_VAR_DIR"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    print(f"fazhi migrate (production settings, SQLite): {time.monotonic() - started:.1f} s")
    # The manifest the production storage reads: without it every page is a 500.
    run = subprocess.run(
        [venv_tool("fazhi"), "collectstatic", "--noinput", "-v0"],
        env=env,
        cwd=env["FAZHI_VAR_DIR"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return {"base": base, "env": env, "env_file": env_file}


def _request(port, path, *, headers=None, method="GET", host="127.0.0.1"):
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        return resp, resp.read()
    finally:
        conn.close()


def _wait_for(check, what: str, proc: subprocess.Popen, log: Path, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{what} exited with {proc.returncode}:\n{log.read_text()[-4000:]}")
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"{what} not ready after {seconds} s:\n{log.read_text()[-4000:]}")


def _stop(proc: subprocess.Popen, sig=signal.SIGTERM, seconds: float = 45) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(seconds)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def gunicorn(site):
    port = free_port()
    run_dir = site["base"] / "run"
    run_dir.mkdir()
    # Two workers, through the config's own knob; RUNTIME_DIRECTORY as systemd sets it.
    env = {**site["env"], "FAZHI_GUNICORN_WORKERS": "2", "RUNTIME_DIRECTORY": str(run_dir)}
    log = site["base"] / "gunicorn.log"
    cmd = [venv_tool("gunicorn"), "-c", str(GUNICORN_CONF), "--bind", f"127.0.0.1:{port}"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd, env=env, cwd=env["FAZHI_VAR_DIR"], stdout=out, stderr=subprocess.STDOUT
        )
    headers = {"Host": DOMAIN, "X-Forwarded-Proto": "https"}
    try:
        _wait_for(
            lambda: _request(port, "/healthz", headers=headers)[0].status == 200,
            "gunicorn",
            proc,
            log,
        )
        yield {"port": port, "log": log, "proc": proc, "control": run_dir / "gunicorn.ctl"}
    finally:
        _stop(proc)
        print(f"gunicorn stopped with {proc.returncode}")


def _log_lines(log: Path, needle: str, seconds: float = 5) -> list[str]:
    deadline = time.monotonic() + seconds
    while True:
        lines = [line for line in log.read_text().splitlines() if needle in line]
        if lines or time.monotonic() > deadline:
            return lines
        time.sleep(0.2)


def test_gunicorn_serves_fazhi_with_the_deploy_config(gunicorn):
    port, log = gunicorn["port"], gunicorn["log"]
    headers = {"Host": DOMAIN, "X-Forwarded-Proto": "https"}
    resp, body = _request(port, "/healthz?probe=deploy-test", headers=headers)
    assert resp.status == 200
    assert json.loads(body) == {"status": "ok", "database": "ok"}
    # Production settings: HSTS from Django, on a request nginx marked as HTTPS ...
    assert resp.getheader("Strict-Transport-Security", "").startswith("max-age=31536000")
    # ... and a redirect to https:// for one that was not.
    resp, _ = _request(port, "/healthz", headers={"Host": DOMAIN})
    assert resp.status == 301
    assert resp.getheader("Location") == f"https://{DOMAIN}/healthz"
    # both workers are forked at once after the master's warm-up; the one not serving yet
    # may write its line a moment after the first has answered
    deadline = time.monotonic() + 10
    while log.read_text().count("Booting worker with pid") < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    text = log.read_text()
    assert "Using worker: sync" in text
    assert text.count("Booting worker with pid") == 2
    assert "templates built before forking" in text  # the master's warm-up (when_ready)
    lines = _log_lines(log, '"GET /healthz HTTP/1.1" 200')
    assert lines, text[-2000:]
    assert "probe=" not in text and "deploy-test" not in text  # no query strings in the log
    # The control socket sits in the unit's RuntimeDirectory, as under systemd. The master
    # opens it from a thread after it has forked the workers, so it may come a moment after
    # their first answers.
    deadline = time.monotonic() + 10
    while not gunicorn["control"].is_socket() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert gunicorn["control"].is_socket(), text[-2000:]
    run = subprocess.run(
        [venv_tool("gunicornc"), "-s", str(gunicorn["control"]), "-c", "show workers", "-j"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    print("gunicornc show workers:", run.stdout.strip()[:300])


def test_fazhi_admin_runs_fazhi_with_the_env_file(site, tmp_path):
    import getpass

    owner_db = tmp_path / "owner.sqlite3"
    owner_url = tmp_path / "owner_database_url"
    owner_url.write_text(f"sqlite:///{owner_db}\n")
    script = (DEPLOY / "fazhi-admin").read_text(encoding="utf-8")
    for old, new in (
        ("FAZHI_USER=fazhi\n", f"FAZHI_USER={getpass.getuser()}\n"),
        ("ENV_FILE=/etc/fazhi/fazhi.env\n", f"ENV_FILE={site['env_file']}\n"),
        ("OWNER_URL_FILE=/etc/fazhi/owner_database_url\n", f"OWNER_URL_FILE={owner_url}\n"),
        (f"FAZHI_BIN={INSTALL_BIN}fazhi\n", f"FAZHI_BIN={VENV_BIN}/fazhi\n"),
        ("WORK_DIR=/var/lib/fazhi\n", f"WORK_DIR={site['env']['FAZHI_VAR_DIR']}\n"),
    ):
        script = replace(script, old, new)
    wrapper = tmp_path / "fazhi-admin"
    wrapper.write_text(script, encoding="utf-8")
    wrapper.chmod(0o755)
    # The caller's environment does not leak in: the env file decides.
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8", "FAZHI_DEMO": "1"}

    def admin(*args):
        run = subprocess.run(
            [str(wrapper), *args], env=env, capture_output=True, text=True, timeout=300
        )
        assert run.returncode == 0, run.stdout + run.stderr
        return run.stdout

    # Production settings from the example: `check --deploy` is silent.
    assert "no issues" in admin("check", "--deploy")
    assert "还没有单位" in admin("units")  # reached the migrated database, empty
    show = (
        "from django.conf import settings as s; print(s.DATABASES['default']['NAME'], s.DEMO_MODE)"
    )
    assert admin("shell", "--no-imports", "-c", show).split() == [
        str(Path(site["env"]["FAZHI_VAR_DIR"]).parent / "fazhi.sqlite3"),
        "False",
    ]
    if os.geteuid() == 0:  # --owner swaps in the owner's database URL (root only)
        assert admin("--owner", "shell", "--no-imports", "-c", show).split() == [
            str(owner_db),
            "False",
        ]


@pytest.fixture(scope="module")
def nginx_site(gunicorn, site):
    nginx = system_tool("nginx", "nginx")
    prefix = nginx_prefix()
    cert, key = make_cert(prefix)
    static = prefix / "static"
    (static / "web").mkdir(parents=True)
    css = b"body { color: #333; }\n" * 200
    (static / "web" / "fazhi.css").write_bytes(css)
    (static / "web" / "fazhi.0123456789ab.css").write_bytes(css)
    (static / "web" / "fazhi.0123456789ab.css.gz").write_bytes(gzip.compress(css))
    for path in [static, *static.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    http_port, https_port = free_port(), free_port()
    rendered = render_site(
        prefix,
        cert,
        key,
        static=static,
        upstream=f"127.0.0.1:{gunicorn['port']}",
        ports=(http_port, https_port),
    )
    conf = minimal_nginx_conf(prefix, rendered)
    log = prefix / "error.log"
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            [nginx, "-c", str(conf), "-p", str(prefix), "-g", "daemon off;"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )

    def listening():
        with socket.create_connection(("127.0.0.1", https_port), timeout=2):
            return True

    try:
        _wait_for(listening, "nginx", proc, log, seconds=30)
        yield {
            "http": http_port,
            "https": https_port,
            "cert": cert,
            "prefix": prefix,
            "static_css": css,
        }
    finally:
        _stop(proc, signal.SIGQUIT, seconds=15)
        shutil.rmtree(prefix, ignore_errors=True)


def _https(site, path, *, sni=DOMAIN, headers=None, method="GET", verify=True, body=None):
    if verify:
        ctx = ssl.create_default_context(cafile=str(site["cert"]))
    else:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    raw = socket.create_connection(("127.0.0.1", site["https"]), timeout=30)
    conn = http.client.HTTPSConnection(sni, site["https"], context=ctx, timeout=30)
    conn.sock = ctx.wrap_socket(raw, server_hostname=sni)
    try:
        conn.request(method, path, body=body, headers={"Host": sni, **(headers or {})})
        resp = conn.getresponse()
        return resp, resp.read()
    finally:
        conn.close()


def test_nginx_in_front_of_gunicorn(nginx_site, gunicorn):
    # The app through TLS, with the certificate verified for the site's name.
    resp, body = _https(
        nginx_site,
        "/healthz?name=%E5%BC%A0%E4%B8%89",  # 张三
        headers={"X-Forwarded-For": "203.0.113.9"},
    )
    assert resp.status == 200 and json.loads(body)["status"] == "ok"
    # Django's security headers arrive once each: nginx does not add them again.
    for header in (
        "Strict-Transport-Security",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Content-Security-Policy",
    ):
        assert len(resp.headers.get_all(header) or []) == 1, header
    assert resp.getheader("Server") == "nginx"  # server_tokens off
    # nginx replaced the client's X-Forwarded-For, and nothing logged the query string.
    lines = _log_lines(gunicorn["log"], '"GET /healthz HTTP/1.0" 200')
    assert lines and all("203.0.113.9" not in line for line in lines), lines
    assert " 127.0.0.1 " in lines[-1]
    access = (nginx_site["prefix"] / "fazhi.access.log").read_text(encoding="utf-8")
    assert "/healthz" in access and "name=" not in access and "%E5" not in access

    # Static files: hashed names for a year, gzip_static, nosniff; others for an hour.
    resp, body = _https(
        nginx_site, "/static/web/fazhi.0123456789ab.css", headers={"Accept-Encoding": "gzip"}
    )
    assert resp.status == 200
    assert resp.getheader("Cache-Control") == "public, max-age=31536000, immutable"
    assert resp.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(body) == nginx_site["static_css"]
    assert resp.getheader("X-Content-Type-Options") == "nosniff"
    resp, body = _https(nginx_site, "/static/web/fazhi.css")
    assert resp.status == 200 and body == nginx_site["static_css"]
    assert resp.getheader("Cache-Control") == "public, max-age=3600"

    # Uploaded files are never served by nginx.
    resp, _ = _https(nginx_site, "/media/attachments/1/upload")
    assert resp.status == 404

    # A body over client_max_body_size is refused before it reaches gunicorn.
    ctx = ssl.create_default_context(cafile=str(nginx_site["cert"]))
    raw = socket.create_connection(("127.0.0.1", nginx_site["https"]), timeout=30)
    conn = http.client.HTTPSConnection(DOMAIN, nginx_site["https"], context=ctx, timeout=30)
    conn.sock = ctx.wrap_socket(raw, server_hostname=DOMAIN)
    conn.putrequest("POST", "/login/", skip_host=True)
    conn.putheader("Host", DOMAIN)
    conn.putheader("Content-Length", str(26 * 1024 * 1024))
    conn.endheaders()
    assert conn.getresponse().status == 413
    conn.close()

    # Port 80 redirects to https://; unknown names get nothing, on either port.
    resp, _ = _request(nginx_site["http"], "/healthz", headers={"Host": DOMAIN})
    assert resp.status == 301 and resp.getheader("Location") == f"https://{DOMAIN}/healthz"
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        _request(nginx_site["http"], "/", headers={"Host": "other.example.com"})
    # (unverified, so a refused handshake is the only way this can fail)
    with pytest.raises(ssl.SSLError) as refused:
        _https(nginx_site, "/healthz", sni="other.example.com", verify=False)
    assert not isinstance(refused.value, ssl.SSLCertVerificationError)


# ---------------------------------------------------------------- attacks on the stack
# An outsider against nginx in front of gunicorn with the production settings: headers, what
# the server discloses, what it lists or serves, forged Host and X-Forwarded-For, traversal,
# methods, body size and slow clients (docs/SECURITY.md "The deployed stack").

SECURITY_HEADERS = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def _tls_conn(site, sni=DOMAIN):
    ctx = ssl.create_default_context(cafile=str(site["cert"]))
    raw = socket.create_connection(("127.0.0.1", site["https"]), timeout=30)
    conn = http.client.HTTPSConnection(sni, site["https"], context=ctx, timeout=30)
    conn.sock = ctx.wrap_socket(raw, server_hostname=sni)
    return conn


def _raw_https(site, request: bytes, sni=DOMAIN) -> bytes:
    """Send bytes as they are (a forged request line or Host) and read the whole answer."""
    conn = _tls_conn(site, sni)
    sock = conn.sock
    try:
        sock.sendall(request)
        chunks = []
        while True:
            try:
                data = sock.recv(65536)
            except (ConnectionResetError, ssl.SSLError):
                break
            if not data:
                break
            chunks.append(data)
        return b"".join(chunks)
    finally:
        sock.close()


def _no_version(resp, body: bytes) -> None:
    assert resp.getheader("Server") == "nginx", resp.getheader("Server")
    assert resp.getheader("X-Powered-By") is None
    assert not re.search(rb"nginx/\d", body), body[:300]
    assert b"gunicorn" not in body.lower() and "gunicorn" not in str(resp.headers).lower()


def test_security_headers_on_every_kind_of_answer(nginx_site):
    # Pages, a redirect, an API refusal and Django's 404: Django's headers on each, once.
    for path, status in (
        ("/login/", 200),
        ("/", 302),
        ("/api/v1/me", 401),
        ("/no-such-page/", 404),
    ):
        resp, body = _https(nginx_site, path)
        assert resp.status == status, (path, resp.status)
        for header, value in SECURITY_HEADERS.items():
            assert resp.headers.get_all(header) == [value], (path, header)
        # the Content-Security-Policy (directive order varies; tests/security/test_csp.py
        # checks each directive)
        csp = resp.headers.get_all("Content-Security-Policy") or []
        assert len(csp) == 1, (path, csp)
        assert "default-src 'self'" in csp[0] and "frame-ancestors 'none'" in csp[0], path
        _no_version(resp, body)
    # The login page may not be framed and sends its cookies Secure and HttpOnly.
    resp, _ = _https(nginx_site, "/login/")
    cookies = resp.headers.get_all("Set-Cookie") or []
    assert cookies and all("Secure" in c for c in cookies), cookies
    assert all("HttpOnly" in c for c in cookies if c.startswith("sessionid")), cookies


def test_nginx_discloses_no_version_on_its_own_answers(nginx_site):
    # Answers nginx makes itself: the media refusal, a static miss, a refused method.
    for path, method in (("/media/x", "GET"), ("/static/nope.css", "GET"), ("/", "TRACE")):
        resp, body = _https(nginx_site, path, method=method)
        assert resp.status >= 400, (path, method, resp.status)
        _no_version(resp, body)


def test_no_directory_listing(nginx_site, site):
    for path in ("/static/", "/static/web/", "/media/", "/media/attachments/"):
        resp, body = _https(nginx_site, path)
        assert resp.status in (403, 404), (path, resp.status)
        assert b"Index of" not in body and b"fazhi.css" not in body, path


def test_uploaded_files_only_through_the_authorised_view(nginx_site, site):
    media = Path(site["env"]["FAZHI_MEDIA_ROOT"])
    stored = media / "attachments" / "2026" / "evidence.pdf"
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_bytes(b"%PDF-1.4 secret evidence\n")
    for path in (
        "/media/attachments/2026/evidence.pdf",
        "/media//attachments/2026/evidence.pdf",
        "/static/../media/attachments/2026/evidence.pdf",
        "/%6dedia/attachments/2026/evidence.pdf",
        "/MEDIA/attachments/2026/evidence.pdf",
    ):
        resp, body = _https(nginx_site, path)
        assert resp.status == 404, (path, resp.status)
        assert b"secret evidence" not in body, path
    # The authorised view wants a login first.
    resp, _ = _https(nginx_site, "/attachments/1/")
    assert resp.status == 302 and resp.getheader("Location").startswith("/login/")


def test_path_traversal_gets_nothing(nginx_site):
    for path in (
        "/static/../fazhi/settings.py",
        "/static/..%2f..%2ffazhi%2fsettings.py",
        "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/static/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/static/..%252f..%252f..%252fetc%252fpasswd",
        "/static../etc/passwd",
        "/static/web/../../../../../../etc/passwd",
        "/static/..\\..\\..\\etc\\passwd",
        "/media/../../../../etc/passwd",
        "//etc/passwd",
        "/../../../../etc/passwd",
    ):
        resp, body = _https(nginx_site, path)
        assert resp.status in (400, 404), (path, resp.status)
        assert b"root:" not in body and b"SECRET_KEY" not in body, path


def test_trace_and_unknown_methods_are_refused(nginx_site):
    for method in ("TRACE", "TRACK"):
        resp, body = _https(nginx_site, "/login/", method=method, headers={"X-Probe": "echo-me"})
        # nginx refuses TRACE itself; Django refuses other unknown methods (CSRF, 403).
        assert resp.status in ((405,) if method == "TRACE" else (403, 405, 501)), resp.status
        assert b"echo-me" not in body


def test_forged_host_is_refused(nginx_site, gunicorn):
    # Through nginx: a name it does not serve never reaches the app, on either scheme...
    answer = _raw_https(
        nginx_site, b"GET /login/ HTTP/1.1\r\nHost: evil.example.com\r\nConnection: close\r\n\r\n"
    )
    assert b"evil.example.com" not in answer and b"csrfmiddlewaretoken" not in answer
    assert answer == b"" or answer.split(b" ", 2)[1] in (b"400", b"404", b"421"), answer[:200]
    # ... nor does an absolute request line naming another host.
    answer = _raw_https(
        nginx_site,
        b"GET https://evil.example.com/login/ HTTP/1.1\r\nHost: "
        + DOMAIN.encode()
        + b"\r\nConnection: close\r\n\r\n",
    )
    assert b"evil.example.com" not in answer and b"csrfmiddlewaretoken" not in answer
    # X-Forwarded-Host is not believed: redirects keep the site's own name.
    resp, _ = _https(nginx_site, "/", headers={"X-Forwarded-Host": "evil.example.com"})
    assert resp.status == 302 and "evil" not in resp.getheader("Location")
    # Straight to gunicorn (as from a host that could reach its port): Django answers 400.
    for host in ("evil.example.com", f"{DOMAIN}.evil.example.com", f"{DOMAIN}@evil.example.com"):
        resp, body = _request(
            gunicorn["port"], "/login/", headers={"Host": host, "X-Forwarded-Proto": "https"}
        )
        assert resp.status == 400, (host, resp.status)
        assert b"evil" not in body


def _audit_ips(site, event: str) -> list[str]:
    import sqlite3

    path = site["env"]["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT ip FROM core_auditevent WHERE event = ? ORDER BY id", (event,)
        ).fetchall()
    return [r[0] for r in rows]


def test_forwarded_for_cannot_be_spoofed_through_nginx(nginx_site, site):
    before = len(_audit_ips(site, "login_failed"))
    body = json.dumps({"username": "nobody_here", "password": "wrong-password-1"})
    for spoof in ("203.0.113.9", "203.0.113.9, 198.51.100.1", "<script>"):
        resp, _ = _https(
            nginx_site,
            "/api/v1/auth/token",
            method="POST",
            headers={"Content-Type": "application/json", "X-Forwarded-For": spoof},
            body=body,
        )
        assert resp.status in (400, 401), resp.status
    ips = _audit_ips(site, "login_failed")[before:]
    # nginx replaced the header with the address it saw; fazhi believed nginx only.
    assert ips == ["127.0.0.1"] * 3, ips


def test_oversized_chunked_body_is_refused(nginx_site):
    """A body with no Content-Length, streamed in chunks past client_max_body_size: nginx
    stops it with 413 without buffering it all (the Content-Length case is tested above)."""
    conn = _tls_conn(nginx_site)
    conn.putrequest("POST", "/api/v1/auth/token", skip_host=True)
    conn.putheader("Host", DOMAIN)
    conn.putheader("Transfer-Encoding", "chunked")
    conn.putheader("Content-Type", "application/json")
    conn.endheaders()
    chunk = b"x" * (1024 * 1024)
    try:
        for _ in range(30):
            conn.sock.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        conn.sock.sendall(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
        pass  # nginx answered and closed while the body was still coming
    resp = conn.getresponse()
    assert resp.status == 413
    conn.close()


def test_slow_clients_are_cut_off(monkeypatch):
    """Slowloris: nginx drops a client that sends its headers or body too slowly, and
    gunicorn (sync workers, one request each) is reachable only through nginx, which
    buffers whole requests before passing them on."""
    limits = {
        "client_header_timeout": 30,
        "client_body_timeout": 60,
        "send_timeout": 60,
        "keepalive_timeout": 75,
    }
    for name, most in limits.items():
        assert _seconds(_directive(name).split()[0]) <= most, name
    assert _directive("proxy_request_buffering") == "on"
    text = SITE.read_text(encoding="utf-8")
    assert "large_client_header_buffers" not in text or re.search(
        r"large_client_header_buffers\s+[1-8]\s+(\d+)k;", text
    )
    monkeypatch.delenv("FAZHI_GUNICORN_BIND", raising=False)
    conf = runpy.run_path(str(GUNICORN_CONF))
    assert conf["bind"] == ["127.0.0.1:8000"]
