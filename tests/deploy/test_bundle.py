"""The offline bundle (`make bundle`, docs/DEPLOY.md "Install without internet").

- install.sh refuses an unsupported Python or machine, and a damaged or altered bundle, with
  one line and before it touches anything (no root needed);
- the bundle built from this checkout installs with no network: inside a network namespace
  that has only a loopback (`unshare -n`, as root), `install.sh --no-systemd` makes the
  virtualenv from the bundle's wheels alone with Debian's python3, migrates a SQLite database
  of a production configuration, and gunicorn from that virtualenv serves the login page,
  /healthz, a static file and an API call with a token made by `fazhi token create`;
- installing over it backs up the code and the database, and `--rollback` brings both back.

Building the bundle needs the package index (pip download), which the test machine reaches;
installing it does not. One build per session (the `bundle` fixture); FAZHI_BUNDLE=<path of
a fazhi-…-offline.tar.gz> uses one built already instead.
"""

from __future__ import annotations

import errno
import importlib.util
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = ROOT / "scripts" / "build_bundle.py"


def build_module():
    spec = importlib.util.spec_from_file_location("build_bundle", BUILD_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_sh(script: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["sh", str(script), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env or {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
    )


def one_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def fake_python(directory: Path, answer: str) -> Path:
    """A `python3` that answers install.sh's question (version, machine, implementation)."""
    path = directory / f"python-{answer.replace(' ', '-')}"
    path.write_text(f"#!/bin/sh\necho '{answer}'\n")
    path.chmod(0o755)
    return path


@pytest.fixture
def small_bundle(tmp_path):
    """install.sh as `make bundle` renders it, beside a tiny payload and its SHA256SUMS."""
    base = tmp_path / "bundle"
    (base / "wheels").mkdir(parents=True)
    (base / "install.sh").write_text(build_module().render_install_sh("0.1.0"))
    (base / "wheels" / "a-1.0-py3-none-any.whl").write_bytes(b"not really a wheel")
    subprocess.run(
        "sha256sum install.sh wheels/a-1.0-py3-none-any.whl > SHA256SUMS",
        shell=True,
        cwd=base,
        check=True,
    )
    return base


def test_install_sh_refuses_an_unsupported_python_with_one_line(small_bundle, tmp_path):
    script, prefix = small_bundle / "install.sh", tmp_path / "opt"
    cases = {
        "3.9 x86_64 cpython": "found cpython 3.9 on x86_64",
        "3.12 x86_64 cpython": "found cpython 3.12 on x86_64",
        "3.11 aarch64 cpython": "found cpython 3.11 on aarch64",
        "3.11 x86_64 pypy": "found pypy 3.11 on x86_64",
    }
    for answer, found in cases.items():
        python = fake_python(tmp_path, answer)
        line = one_line(
            run_sh(script, "--prefix", str(prefix), "--no-systemd", "--python", str(python))
        )
        assert line.startswith("install.sh: fazhi 0.1.0 needs CPython 3.11 or 3.13 on x86_64"), line
        assert found in line, line
        assert "apt-get install python3 python3-venv" in line
    line = one_line(run_sh(script, "--no-systemd", "--python", str(tmp_path / "no-such-python")))
    assert line.endswith("no-such-python not found"), line
    assert not prefix.exists()


def _supported_python() -> str:
    for candidate in ("/usr/bin/python3", sys.executable):
        done = subprocess.run(
            [candidate, "-c", "import sys, ensurepip, venv; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
        )
        if done.returncode == 0 and done.stdout.strip() in build_module().PYTHONS:
            return candidate
    pytest.skip("no CPython 3.11 or 3.13 with the venv module on this machine")


def test_install_sh_refuses_a_damaged_or_altered_bundle(small_bundle, tmp_path):
    """With a supported Python it gets past that check (the refusal above is not
    unconditional) and stops at the checksums."""
    script, prefix = small_bundle / "install.sh", tmp_path / "opt"
    python = _supported_python()
    args = ("--prefix", str(prefix), "--no-systemd", "--python", python)
    wheel = small_bundle / "wheels" / "a-1.0-py3-none-any.whl"
    wheel.write_bytes(b"altered")
    line = one_line(run_sh(script, *args))
    assert "checksums do not match" in line and "a-1.0-py3-none-any.whl: FAILED" in line, line
    wheel.write_bytes(b"not really a wheel")
    (small_bundle / "wheels" / "b-9.9-py3-none-any.whl").write_bytes(b"slipped in")
    line = one_line(run_sh(script, *args))
    assert "the checksums do not list" in line and "b-9.9-py3-none-any.whl" in line, line
    (small_bundle / "SHA256SUMS").unlink()
    assert "SHA256SUMS missing" in one_line(run_sh(script, *args))
    assert not prefix.exists()


# ---------------------------------------------------------------- the real bundle, offline


def _netns_problem() -> str | None:
    if os.geteuid() != 0:
        return "needs root: `unshare -n` makes the network namespace with no network"
    for tool in ("unshare", "nsenter", "ip"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            return f"{tool} missing (Debian packages util-linux, iproute2)"
    done = subprocess.run(["unshare", "-n", "true"], capture_output=True, text=True)
    if done.returncode:
        return f"`unshare -n` is not permitted here: {done.stderr.strip()}"
    return None


needs_netns = pytest.mark.skipif(
    _netns_problem() is not None, reason=f"offline install test: {_netns_problem()}"
)


@pytest.fixture(scope="session")
def bundle(tmp_path_factory) -> Path:
    given = os.environ.get("FAZHI_BUNDLE")
    if given:
        return Path(given)
    out = tmp_path_factory.mktemp("dist")
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, (
        "building the bundle needs the package index (pip download):\n"
        + done.stdout[-3000:]
        + done.stderr[-3000:]
    )
    print(f"make bundle: {time.monotonic() - started:.0f} s")
    (path,) = out.glob("fazhi-*-offline.tar.gz")
    return path


class Namespace:
    """A network namespace with nothing but a loopback; commands run in it with nsenter."""

    def __init__(self, cwd: Path):
        # Never this checkout as the working directory: `python -c` would import fazhi from it.
        self.cwd = cwd
        self.holder = subprocess.Popen(["unshare", "-n", "sleep", "3600"])
        own = os.readlink("/proc/self/ns/net")
        for _ in range(100):
            try:
                if os.readlink(f"/proc/{self.holder.pid}/ns/net") != own:
                    break
            except OSError:
                pass
            time.sleep(0.05)
        else:
            raise AssertionError("unshare -n did not make a namespace")
        self.prefix = ["nsenter", f"--net=/proc/{self.holder.pid}/ns/net"]
        self.run(["ip", "link", "set", "lo", "up"], env={"PATH": "/usr/sbin:/usr/bin:/bin"})

    def run(self, cmd, *, env, timeout=900, check=True, cwd=None) -> subprocess.CompletedProcess:
        done = subprocess.run(
            self.prefix + [str(c) for c in cmd],
            env=env,
            cwd=cwd or self.cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check:
            assert done.returncode == 0, f"{cmd}:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
        return done

    def popen(self, cmd, *, env, log: Path, cwd=None) -> subprocess.Popen:
        with log.open("w") as out:
            return subprocess.Popen(
                self.prefix + [str(c) for c in cmd],
                env=env,
                cwd=cwd or self.cwd,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def close(self):
        self.holder.kill()
        self.holder.wait()


CLIENT = r"""
import http.client, json, sys
port, token = int(sys.argv[1]), sys.argv[2]
head = {"Host": "fazhi.example.gov.cn", "X-Forwarded-Proto": "https"}
def get(path, extra=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", path, headers={**head, **(extra or {})})
    r = c.getresponse()
    return {"status": r.status, "type": r.getheader("Content-Type", ""),
            "body": r.read().decode("utf-8", "replace")}
out = {"healthz": get("/healthz"), "login": get("/login/")}
out["me"] = get("/api/v1/me", {"Authorization": "Bearer " + token})
out["me_without_token"] = get("/api/v1/me")
css = [u for u in out["login"]["body"].split('"') if u.startswith("/static/") and u.endswith(".css")]
out["static"] = dict(get(css[0]), url=css[0], body="") if css else None
print(json.dumps(out))
"""


def _python_for_install() -> str:
    """Debian's python3 when this machine has one of the bundle's versions, as a county
    server would; else the running one."""
    return _supported_python()


@needs_netns
def test_offline_install_upgrade_and_rollback(bundle, tmp_path):
    ns = Namespace(tmp_path)
    try:
        _offline(ns, bundle, tmp_path)
    finally:
        ns.close()


def _offline(ns: Namespace, bundle: Path, tmp_path: Path) -> None:
    base_env = {"PATH": "/usr/sbin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(tmp_path)}
    # No way out: the namespace has no route anywhere.
    probe = ns.run(
        [
            sys.executable,
            "-c",
            "import socket\ntry: socket.create_connection(('151.101.0.223', 443), 5)\n"
            "except OSError as e: print(e.errno)\nelse: print('connected')",
        ],
        env=base_env,
    )
    assert probe.stdout.strip() == str(errno.ENETUNREACH), probe.stdout

    with tarfile.open(bundle) as tar:
        tar.extractall(tmp_path / "unpacked", filter="tar")
    (here,) = (tmp_path / "unpacked").iterdir()
    version = re.fullmatch(r"fazhi-(.+)-offline", here.name).group(1)

    etc, var, static, prefix = (tmp_path / d for d in ("etc", "var", "static", "opt-fazhi"))
    etc.mkdir()
    key = secrets.token_bytes(32).hex()
    env_file = etc / "fazhi.env"
    settings = {
        "FAZHI_ENV": "production",
        "FAZHI_SECRET_KEY": secrets.token_urlsafe(50),
        "FAZHI_ALLOWED_HOSTS": "fazhi.example.gov.cn",
        "FAZHI_PII_KEYS": "k1:" + __import__("base64").b64encode(bytes.fromhex(key)).decode(),
        "DATABASE_URL": f"sqlite:///{var / 'fazhi.sqlite3'}",
        "FAZHI_VAR_DIR": str(var),
        "FAZHI_STATIC_ROOT": str(static),
        "FAZHI_DEMO": "0",
        "FAZHI_TRUST_X_FORWARDED_FOR": "1",
    }
    env_file.write_text("".join(f"{k}={v}\n" for k, v in settings.items()))
    fazhi_env = {**base_env, **settings}
    python = _python_for_install()
    install = [
        "sh",
        here / "install.sh",
        "--prefix",
        prefix,
        "--no-systemd",
        "--env-file",
        env_file,
    ]

    started = time.monotonic()
    done = ns.run([*install, "--python", python], env=base_env)
    print(f"install.sh offline: {time.monotonic() - started:.0f} s")
    assert f"fazhi {version} installed in {prefix}" in done.stdout
    assert "migrating the database" in done.stdout
    fazhi = prefix / "bin" / "fazhi"
    # The installed code, not this checkout's; runtime dependencies only.
    where = ns.run(
        [prefix / "bin" / "python", "-c", "import fazhi; print(fazhi.__file__)"], env=base_env
    )
    assert where.stdout.startswith(f"{prefix}/lib/python"), where.stdout
    freeze = ns.run([prefix / "bin" / "python", "-m", "pip", "freeze"], env=base_env).stdout.lower()
    assert f"fazhi=={version}" in freeze and "pytest" not in freeze and "playwright" not in freeze
    assert (static / "staticfiles.json").is_file()
    assert (prefix / "deploy" / "gunicorn.conf.py").is_file()
    # No account comes with the install: the first is made with the CLI.
    users = ns.run([fazhi, "user", "list"], env=fazhi_env, cwd=var)
    assert users.stdout.strip() == "" or "clerk" not in users.stdout

    ns.run(
        [
            fazhi,
            "shell",
            "--no-imports",
            "-c",
            "from fazhi.core.models import Unit, UnitKind\n"
            "u = Unit(code='990100', name='示范县', kind=UnitKind.COUNTY); u.full_clean(); u.save()",
        ],
        env=fazhi_env,
        cwd=var,
    )
    password = "Bundle-" + secrets.token_urlsafe(12)
    ns.run(
        [
            fazhi,
            "user",
            "create",
            "clerk",
            "990100",
            "viewer",
            "--name",
            "测试",
            "--password",
            password,
        ],
        env=fazhi_env,
        cwd=var,
    )
    # The initial password must be changed before a token (as at the first login).
    ns.run(
        [
            fazhi,
            "shell",
            "--no-imports",
            "-c",
            "from fazhi.core.models import User\n"
            f"u = User.objects.get(username='clerk'); u.set_password('{password}x'); u.save()",
        ],
        env=fazhi_env,
        cwd=var,
    )
    token = ns.run([fazhi, "token", "create", "clerk"], env=fazhi_env, cwd=var).stdout.strip()
    assert token.startswith("fz_"), token

    server_env = {
        **fazhi_env,
        "FAZHI_GUNICORN_BIND": "127.0.0.1:8000",
        "FAZHI_GUNICORN_WORKERS": "2",
    }
    log = tmp_path / "gunicorn.log"
    server = ns.popen(
        [prefix / "bin" / "gunicorn", "--config", prefix / "deploy" / "gunicorn.conf.py"],
        env=server_env,
        log=log,
        cwd=var,
    )
    client = tmp_path / "client.py"
    client.write_text(CLIENT)
    try:
        deadline = time.monotonic() + 90
        while True:
            probe = ns.run(
                [prefix / "bin" / "python", client, "8000", token], env=base_env, check=False
            )
            if probe.returncode == 0:
                break
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, probe.stderr + log.read_text()
            time.sleep(0.5)
        result = json.loads(probe.stdout)
    finally:
        server.terminate()
        server.wait(timeout=60)

    assert result["healthz"]["status"] == 200, result["healthz"]
    assert json.loads(result["healthz"]["body"]) == {"status": "ok", "database": "ok"}
    login = result["login"]
    assert login["status"] == 200 and login["type"].startswith("text/html"), login["status"]
    assert 'name="csrfmiddlewaretoken"' in login["body"] and 'name="password"' in login["body"]
    assert result["static"] and result["static"]["status"] == 200, result["static"]
    me = result["me"]
    assert me["status"] == 200, me
    assert json.loads(me["body"])["username"] == "clerk"
    assert result["me_without_token"]["status"] == 401

    # ---- the next bundle over this one: backup, migrate, and back again
    (prefix / "marker-of-the-old-install").write_text("old")
    done = ns.run([*install, "--python", python], env=base_env)
    assert "backing up first" in done.stdout and "roll back: sh" in done.stdout, done.stdout
    (backup,) = tmp_path.glob("opt-fazhi.backup-*")
    assert (backup / "code" / "marker-of-the-old-install").is_file()
    assert (backup / "database" / "fazhi.tar").stat().st_size > 0
    assert not (prefix / "marker-of-the-old-install").exists()
    assert f"previous={backup}" in (prefix / "BUNDLE").read_text()
    ns.run(
        [fazhi, "user", "create", "after", "990100", "viewer", "--password", password],
        env=fazhi_env,
        cwd=var,
    )
    done = ns.run([*install, "--python", python, "--rollback"], env=base_env)
    assert f"rolled back to fazhi {version}" in done.stdout, done.stdout
    assert (prefix / "marker-of-the-old-install").is_file()
    users = ns.run([fazhi, "user", "list"], env=fazhi_env, cwd=var).stdout
    assert "clerk" in users and "after" not in users, users
    # A second rollback has nothing to go back to (the first install had no predecessor).
    again = ns.run([*install, "--python", python, "--rollback"], env=base_env, check=False)
    assert again.returncode == 1 and "nothing to roll back to" in again.stderr
