"""The cross-unit scoping helper: every registered page and API route, as a user of a
sibling township, must refuse township A's records (404) and list none of them.

A route with path parameters must have a case that names one of A's records for them,
or the check fails: a route added later without a case fails the build. Cases live in
``tests/<app>/scoping_cases.py`` modules (discovered here), each defining:

    SEEDERS = [fn(world) -> dict of A's objects]          # labels should contain MARKER
    ROUTES = {"app:url_name": fn(world, objs) -> kwargs}   # web pages
    API_ROUTES = {"/api/v1/path/{id}": fn(world, objs) -> kwargs}
    EXEMPT = {"app:url_name": "why this route holds no unit data"}
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterator

from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests

MARKER = "MARKERA甲"

SEEDERS: list[Callable] = []
ROUTES: dict[str, Callable] = {}
API_ROUTES: dict[str, Callable] = {}
EXEMPT: dict[str, str] = {
    "login": "login page",
    "logout": "POST only, ends the session",
    "password_change": "the user's own password",
    "password_change_done": "static message",
    "healthz": "database health, no records",
    "web:switch": "POST only; the unit is checked against visible units (tested in core)",
    "web:tokens": "the user's own tokens",
}
SKIP_NAMESPACES = ("admin", "api")


def _load_cases() -> None:
    for mod in pkgutil.iter_modules(tests.__path__):
        if not mod.ispkg:
            continue
        try:
            cases = importlib.import_module(f"tests.{mod.name}.scoping_cases")
        except ModuleNotFoundError as exc:
            if exc.name == f"tests.{mod.name}.scoping_cases":
                continue
            raise
        SEEDERS.extend(getattr(cases, "SEEDERS", []))
        ROUTES.update(getattr(cases, "ROUTES", {}))
        API_ROUTES.update(getattr(cases, "API_ROUTES", {}))
        EXEMPT.update(getattr(cases, "EXEMPT", {}))


_load_cases()


def iter_url_patterns(
    resolver=None, ns: str = "", prefix: str = ""
) -> Iterator[tuple[str, str, list[str]]]:
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            sub_ns = p.namespace or ns
            if sub_ns in SKIP_NAMESPACES or str(p.pattern).startswith("django-admin"):
                continue
            yield from iter_url_patterns(
                p, f"{sub_ns}" if p.namespace else ns, prefix + str(p.pattern)
            )
        elif isinstance(p, URLPattern) and p.name:
            name = f"{ns}:{p.name}" if ns else p.name
            yield name, prefix + str(p.pattern), list(p.pattern.converters.keys())


def seed(world) -> dict:
    objs: dict = {}
    for fn in SEEDERS:
        objs.update(fn(world) or {})
    return objs


def _leaks(text: str, world, *, names: bool = True) -> bool:
    """A's marked records in the page; with ``names``, also A's unit name (a user below A may
    legitimately see the name of the township its village belongs to, so not for them)."""
    return MARKER in text or (names and world.township_a.name in text)


def check_routes(
    world, client, api_client, *, skip: frozenset[str] = frozenset(), names: bool = True
) -> list[str]:
    """Problems found (empty = none), requesting as ``client`` (a user who must not see A's records).

    ``skip`` names routes (URL names or API paths) this user may legitimately reach."""
    objs = seed(world)
    problems: list[str] = []
    for name, pattern, params in iter_url_patterns():
        if name in EXEMPT or name in skip:
            continue
        if params:
            if name not in ROUTES:
                problems.append(f"{name} ({pattern}): no scoping case in tests/*/scoping_cases.py")
                continue
            url = reverse(name, kwargs=ROUTES[name](world, objs))
            for method in ("get", "post"):
                resp = getattr(client, method)(url)
                if resp.status_code not in (404, 405):
                    problems.append(
                        f"{method.upper()} {url} ({name}): {resp.status_code}, expected 404"
                    )
        else:
            url = reverse(name)
            resp = client.get(url)
            if resp.status_code >= 500:
                problems.append(f"GET {url} ({name}): {resp.status_code}")
            elif resp.status_code == 200 and _leaks(
                resp.content.decode("utf-8", "replace"), world, names=names
            ):
                problems.append(f"GET {url} ({name}): shows township A's records")
    problems.extend(check_api(world, objs, api_client, skip=skip, names=names))
    return problems


def check_api(
    world, objs, api_client, *, skip: frozenset[str] = frozenset(), names: bool = True
) -> list[str]:
    from fazhi.api import api

    problems: list[str] = []
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    for path, ops in schema["paths"].items():
        if path in skip:
            continue
        params = re.findall(r"{(\w+)}", path)
        for method in ops:
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            if params:
                if path not in API_ROUTES:
                    problems.append(
                        f"{method.upper()} {path}: no scoping case in tests/*/scoping_cases.py"
                    )
                    continue
                url = path.format(**API_ROUTES[path](world, objs))
                resp = (
                    getattr(api_client.c, method)(url, content_type="application/json")
                    if method != "get"
                    else api_client.c.get(url)
                )
                if resp.status_code != 404:
                    problems.append(f"{method.upper()} {url}: {resp.status_code}, expected 404")
            elif method == "get":
                resp = api_client.c.get(path)
                if resp.status_code >= 500:
                    problems.append(f"GET {path}: {resp.status_code}")
                elif resp.status_code == 200 and _leaks(
                    resp.content.decode("utf-8", "replace"), world, names=names
                ):
                    problems.append(f"GET {path}: lists township A's records")
    return problems
