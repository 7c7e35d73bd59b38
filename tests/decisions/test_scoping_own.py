"""The scoping helper's checks, restricted to the decisions and enforcement routes.

tests/test_scoping.py runs them over every app; this module keeps these two apps' routes
checked on their own (and quickly) while other apps change.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.scoping import API_ROUTES, EXEMPT, ROUTES, _leaks, iter_url_patterns, seed

MINE = ("decisions:", "enforcement:")


def _client(user):
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


def problems_for(world, user) -> list[str]:
    from fazhi.decisions.api import router as decisions_router
    from fazhi.enforcement.api import router as enforcement_router

    objs = seed(world)
    client = _client(user)
    problems = []
    for name, pattern, params in iter_url_patterns():
        if not name.startswith(MINE) or name in EXEMPT:
            continue
        if params:
            if name not in ROUTES:
                problems.append(f"{name}: no scoping case")
                continue
            url = reverse(name, kwargs=ROUTES[name](world, objs))
            for method in ("get", "post"):
                resp = getattr(client, method)(url)
                if resp.status_code not in (404, 405):
                    problems.append(f"{method} {url}: {resp.status_code}")
        else:
            resp = client.get(reverse(name))
            if resp.status_code >= 500 or (
                resp.status_code == 200 and _leaks(resp.content.decode(), world)
            ):
                problems.append(f"GET {name}: {resp.status_code} or leak")
    paths = {}
    for prefix, router in (
        ("/api/v1/decisions", decisions_router),
        ("/api/v1/enforcement", enforcement_router),
    ):
        for sub, view in router.path_operations.items():
            paths[prefix + sub] = sorted({m.lower() for op in view.operations for m in op.methods})
    for path, ops in paths.items():
        for method in ops:
            if re.findall(r"{(\w+)}", path):
                if path not in API_ROUTES:
                    problems.append(f"{path}: no scoping case")
                    continue
                url = path.format(**API_ROUTES[path](world, objs))
                resp = getattr(client, method)(url, content_type="application/json")
                if resp.status_code != 404:
                    problems.append(f"{method} {url}: {resp.status_code}")
            elif method == "get":
                resp = client.get(path)
                if resp.status_code >= 500 or (
                    resp.status_code == 200 and _leaks(resp.content.decode(), world)
                ):
                    problems.append(f"GET {path}: {resp.status_code} or leak")
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["clerk_b", "outsider"])
def test_routes_refuse_other_units(world, who):
    assert problems_for(world, getattr(world, who)) == []


@pytest.mark.django_db
def test_the_check_can_fail(world):
    """As township A's own admin the object routes answer (200/409…), which the check reports."""
    problems = problems_for(world, world.admin_a)
    assert any("/decisions/major/" in p for p in problems)
    assert any("/api/v1/enforcement/cases/" in p for p in problems)
    assert not any(": 500" in p for p in problems), problems
