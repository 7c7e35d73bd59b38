"""Build the offline bundle: dist/fazhi-<version>-offline.tar.gz (`make bundle`).

The bundle installs fazhi on a server with no network (docs/DEPLOY.md, "Install without
internet (offline bundle)"). It holds:

- wheels/: fazhi's own wheel and a wheel of every runtime dependency (not the dev extras)
  for each target, CPython 3.11 (Debian 12) and 3.13 (Debian 13) on x86_64 (manylinux
  wheels, glibc 2.28 at most), plus the pure-Python ones;
- static/: the static files collected with the production storage (hashed names, the
  manifest the templates read, gzip copies);
- deploy/ and docs/DEPLOY.md: the systemd units, the nginx site, the env file example;
- install.sh (from scripts/bundle-install.sh) and SHA256SUMS of every other file.

The dependency versions are the ones installed in the virtualenv running this script (the
versions the test suite ran against), passed to pip as constraints; a dependency a target
needs beyond those (an environment marker) is resolved for that target. Building needs the
package index (or the mirror pip is configured with); installing does not.

Every dependency ships wheels for both targets today, so nothing is built from an sdist. If
one ever ships only an sdist, pip stops with "No matching distribution" naming it; then a
pure-Python sdist may be built here with `pip wheel --no-deps NAME==VERSION -w
<bundle>/wheels`, and a compiled one must be built on each target (the script says so).
"""

from __future__ import annotations

import argparse
import email.parser
import hashlib
import importlib.metadata as md
import os
import re
import secrets
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
import zipfile
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "scripts" / "bundle-install.sh"
# CPython versions with wheels in the bundle: Debian 12 ships 3.11(.2), Debian 13 3.13(.5).
PYTHONS = ("3.11", "3.13")
# The exact versions the Debian releases ship: pip evaluates `python_full_version` markers
# against the interpreter running it, not --python-version (redis needs async-timeout below
# 3.11.3, which Debian 12's 3.11.2 is), so the closure is completed for these (complete()).
DEBIAN_PYTHON = {"3.11": "3.11.2", "3.13": "3.13.5"}
# manylinux_2_28 (glibc 2.28) and the older tags it implies: Debian 12 has glibc 2.36, 13 has 2.41.
PLATFORMS = ("manylinux_2_28_x86_64", "manylinux2014_x86_64")
NOT_SOURCE = (
    ".git",
    ".venv",
    "var",
    "dist",
    "build",
    "*.egg-info",
    "__pycache__",
    "bench",
    "tests",
)
WHEEL_TAG = re.compile(r"-(?P<py>[^-]+)-(?P<abi>[^-]+)-(?P<plat>[^-]+)\.whl$")


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def render_install_sh(version: str) -> str:
    """scripts/bundle-install.sh with this bundle's version and Python versions filled in."""
    text = TEMPLATE.read_text(encoding="utf-8")
    for key, value in (("@VERSION@", version), ("@PYTHONS@", " ".join(PYTHONS))):
        assert key in text, f"{key} missing from {TEMPLATE}"
        text = text.replace(key, value)
    return text


def runtime_pins(requirements: list[str]) -> dict[str, str]:
    """Name -> installed version for the runtime dependencies and everything they need,
    as installed in this interpreter's environment (markers evaluated for it)."""
    env = default_environment()
    pins: dict[str, str] = {}
    todo = [(Requirement(r), "") for r in requirements]
    while todo:
        req, extra = todo.pop()
        if req.marker and not req.marker.evaluate({**env, "extra": extra}):
            continue
        name = canonicalize_name(req.name)
        try:
            dist = md.distribution(req.name)
        except md.PackageNotFoundError:
            raise SystemExit(
                f"{req.name} is not installed in {sys.prefix}: run `make` targets from the "
                "project's virtualenv (pip install -e '.[dev]')"
            ) from None
        extras = set(req.extras)
        seen = name in pins
        pins[name] = dist.version
        if seen and not extras:
            continue
        for line in dist.requires or []:
            sub = Requirement(line)
            if not sub.marker:
                todo.append((sub, ""))
                continue
            for x in extras | {""}:
                if sub.marker.evaluate({**env, "extra": x}):
                    todo.append((sub, x))
                    break
    return pins


def pip(*args: str, log: Path) -> None:
    t0 = time.monotonic()
    cmd = [sys.executable, "-m", "pip", *args]
    with log.open("a", encoding="utf-8") as out:
        out.write("$ " + " ".join(cmd) + "\n")
        out.flush()
        done = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    print(f"  pip {args[0]}: {time.monotonic() - t0:.0f} s", flush=True)
    if done.returncode:
        tail = log.read_text(encoding="utf-8").splitlines()[-15:]
        missing = [ln for ln in tail if "No matching distribution" in ln]
        hint = (
            f"\nno wheel for that target: see scripts/build_bundle.py's docstring ({missing[0]})"
            if missing
            else ""
        )
        raise SystemExit("pip failed:\n" + "\n".join(tail) + hint)


def target_args(python: str) -> list[str]:
    abi = "cp" + python.replace(".", "")
    args = ["--only-binary=:all:", "--implementation", "cp", "--python-version", python]
    args += ["--abi", abi]
    for plat in PLATFORMS:
        args += ["--platform", plat]
    return args


def target_env(python: str) -> dict[str, str]:
    """Marker environment of CPython `python` on Debian's x86_64 (PEP 508)."""
    return {
        "implementation_name": "cpython",
        "implementation_version": DEBIAN_PYTHON[python],
        "os_name": "posix",
        "platform_machine": "x86_64",
        "platform_python_implementation": "CPython",
        "platform_release": "",
        "platform_system": "Linux",
        "platform_version": "",
        "python_full_version": DEBIAN_PYTHON[python],
        "python_version": python,
        "sys_platform": "linux",
        "extra": "",
    }


def wheel_requires(whl: Path) -> tuple[str, list[Requirement]]:
    with zipfile.ZipFile(whl) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        meta = email.parser.Parser().parsestr(zf.read(name).decode("utf-8"))
    return canonicalize_name(meta["Name"]), [
        Requirement(r) for r in meta.get_all("Requires-Dist") or []
    ]


def for_target(whl: Path, python: str) -> bool:
    m = WHEEL_TAG.search(whl.name)
    return bool(m) and m["abi"] in ("none", "abi3", "cp" + python.replace(".", ""))


def missing_for(wheels: Path, python: str) -> list[str]:
    """Requirements (without extras) of the target's wheels that no wheel there satisfies,
    with the markers evaluated for Debian's exact Python."""
    env = target_env(python)
    found = [wheel_requires(w) for w in wheels.glob("*.whl") if for_target(w, python)]
    names = {n for n, _ in found}
    missing = {}
    for _, reqs in found:
        for req in reqs:
            if canonicalize_name(req.name) in names:
                continue
            if req.marker is None or req.marker.evaluate(env):
                missing[canonicalize_name(req.name)] = f"{req.name}{req.specifier}"
    return sorted(missing.values())


def collect_static(dest: Path, scratch: Path) -> None:
    """`collectstatic` with the production settings (the manifest storage), this checkout's
    code, throwaway secrets and a scratch SQLite: the files depend on none of those."""
    key = secrets.token_bytes(32).hex()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(scratch),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "fazhi.settings",
        "FAZHI_ENV": "production",
        "FAZHI_SECRET_KEY": secrets.token_urlsafe(50),
        "FAZHI_ALLOWED_HOSTS": "localhost",
        "FAZHI_PII_KEYS": "k1:" + __import__("base64").b64encode(bytes.fromhex(key)).decode(),
        "FAZHI_VAR_DIR": str(scratch),
        "FAZHI_STATIC_ROOT": str(dest),
        "FAZHI_DEMO": "0",
        "DATABASE_URL": f"sqlite:///{scratch / 'collect.sqlite3'}",
    }
    # Without brotli, which is no runtime dependency (a development tool brings it): the files
    # are the ones `collectstatic` writes on a server (gzip copies, which nginx serves), and
    # brotli's top quality over the API docs' 24 MB took 49 s of CPU against 4 s without.
    collect = (
        "import runpy, sys; sys.modules['brotli'] = None; "
        f"sys.argv = [{str(ROOT / 'manage.py')!r}, 'collectstatic', '--noinput', '-v0']; "
        "runpy.run_path(sys.argv[0], run_name='__main__')"
    )
    done = subprocess.run(
        [sys.executable, "-c", collect],
        env=env,
        cwd=scratch,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit("collectstatic failed:\n" + done.stdout + done.stderr)
    if not (dest / "staticfiles.json").is_file():
        raise SystemExit("collectstatic wrote no staticfiles.json: not the production storage?")


def check_wheels(wheels: Path) -> dict[str, int]:
    """Every wheel is pure, abi3, or for one of the targets on x86_64; counts by kind."""
    counts = {"pure": 0, **{f"cp{p.replace('.', '')}": 0 for p in PYTHONS}, "abi3": 0}
    for whl in wheels.glob("*.whl"):
        m = WHEEL_TAG.search(whl.name)
        if not m:
            raise SystemExit(f"unexpected file in wheels/: {whl.name}")
        abi, plat = m["abi"], m["plat"]
        if plat == "any":
            counts["pure"] += 1
        elif "x86_64" not in plat or "manylinux" not in plat:
            raise SystemExit(f"wheel for another platform: {whl.name}")
        elif abi == "abi3":
            counts["abi3"] += 1
        elif abi in counts:
            counts[abi] += 1
        else:
            raise SystemExit(f"wheel for another Python: {whl.name}")
    return counts


def sha256sums(base: Path) -> str:
    lines = []
    for path in sorted(p for p in base.rglob("*") if p.is_file()):
        rel = path.relative_to(base).as_posix()
        if rel == "SHA256SUMS":
            continue
        lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {rel}")
    return "\n".join(lines) + "\n"


def _tar_filter(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    if info.isdir() or info.name.endswith(".sh"):
        info.mode = 0o755
    elif info.isfile():
        info.mode = 0o644
    return info


def build(out: Path) -> Path:
    meta = project()
    version = meta["version"]
    name = f"fazhi-{version}-offline"
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="fazhi-bundle-") as tmp:
        tmp = Path(tmp)
        stage = tmp / name
        wheels = stage / "wheels"
        wheels.mkdir(parents=True)
        log = tmp / "pip.log"

        print(f"fazhi {version}: building the wheel")
        # From a copy: an in-tree build reuses build/, which may hold files since deleted.
        src = tmp / "src"
        shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(*NOT_SOURCE))
        pip("wheel", "--no-deps", "--wheel-dir", str(wheels), str(src), log=log)
        own = sorted(wheels.glob("fazhi-*.whl"))
        if len(own) != 1 or f"fazhi-{version}-" not in own[0].name:
            raise SystemExit(f"expected one wheel of fazhi {version}, got {own}")

        pins = runtime_pins(meta["dependencies"])
        constraints = tmp / "constraints.txt"
        constraints.write_text("".join(f"{n}=={v}\n" for n, v in sorted(pins.items())))
        for python in PYTHONS:
            print(f"downloading the dependencies' wheels for CPython {python}, x86_64")
            pip(
                "download",
                "--quiet",
                "--dest",
                str(wheels),
                "--constraint",
                str(constraints),
                *target_args(python),
                # The requirements, not fazhi==version: the index is never asked for "fazhi".
                *meta["dependencies"],
                log=log,
            )
            # pip judged python_full_version markers by this interpreter: add what Debian's needs.
            for _ in range(5):
                extra = missing_for(wheels, python)
                if not extra:
                    break
                print(f"  also for CPython {DEBIAN_PYTHON[python]}: {', '.join(extra)}")
                pip(
                    "download",
                    "--quiet",
                    "--dest",
                    str(wheels),
                    "--constraint",
                    str(constraints),
                    *target_args(python),
                    *extra,
                    log=log,
                )
            else:
                raise SystemExit(f"the closure for CPython {python} does not settle: {extra}")
            # What install.sh will do on that target, from the bundle alone.
            pip(
                "install",
                "--quiet",
                "--dry-run",
                "--ignore-installed",
                "--no-index",
                "--find-links",
                str(wheels),
                "--target",
                str(tmp / f"dry-{python}"),
                *target_args(python),
                f"fazhi=={version}",
                log=log,
            )
        counts = check_wheels(wheels)

        print("collecting the static files (production storage)")
        scratch = tmp / "scratch"
        scratch.mkdir()
        collect_static(stage / "static", scratch)

        shutil.copytree(
            ROOT / "deploy", stage / "deploy", ignore=shutil.ignore_patterns("__pycache__")
        )
        (stage / "docs").mkdir()
        shutil.copy2(ROOT / "docs" / "DEPLOY.md", stage / "docs" / "DEPLOY.md")
        install = stage / "install.sh"
        install.write_text(render_install_sh(version), encoding="utf-8")
        install.chmod(0o755)
        (stage / "SHA256SUMS").write_text(sha256sums(stage), encoding="utf-8")

        out.mkdir(parents=True, exist_ok=True)
        target = out / f"{name}.tar.gz"
        partial = out / f".{name}.tar.gz.partial"
        # Most of it is wheels, compressed already: a middle level costs far less time.
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            tar.add(stage, arcname=name, filter=_tar_filter)
        partial.replace(target)

    n_wheels = sum(counts.values())
    size = target.stat().st_size / 1024 / 1024
    print(
        f"wrote {target} ({size:.1f} MB, {time.monotonic() - started:.0f} s): {n_wheels} wheels "
        f"({counts['pure']} pure Python, {counts['abi3']} abi3, "
        + ", ".join(f"{counts['cp' + p.replace('.', '')]} for CPython {p}" for p in PYTHONS)
        + "); none built from an sdist"
    )
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="directory (dist/)")
    args = parser.parse_args(argv)
    build(args.out.resolve())


if __name__ == "__main__":
    main()
