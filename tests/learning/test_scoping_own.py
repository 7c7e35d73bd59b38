"""The cross-unit scoping check restricted to this issue's routes (learning, publicity).

tests/test_scoping.py runs the same check over every route of every app; this module runs
it for the study and publicity pages and API operations alone, walking their ninja routers
directly, so a failure here names only these apps' routes. Asked as township A's own
admin, the same routes answer 200 — the 404s are scoping, not broken URLs.
"""

import re

import pytest
from django.test import Client

from tests import scoping

MINE = ("/learning", "/publicity")


def _client(user):
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


def _api_problems(world, objs, c) -> list[str]:
    from fazhi.api import api

    problems = []
    for prefix, router in api._routers:
        if prefix not in MINE:
            continue
        for path, view in router.path_operations.items():
            full = f"/api/v1{prefix}{path}"
            for op in view.operations:
                for method in (m.lower() for m in op.methods):
                    if re.findall(r"{(\w+)}", full):
                        url = full.format(**scoping.API_ROUTES[full](world, objs))
                        if method == "get":
                            resp = c.get(url)
                        else:
                            resp = getattr(c, method)(url, content_type="application/json")
                        if resp.status_code != 404:
                            problems.append(f"{method} {url}: {resp.status_code}")
                    elif method == "get":
                        resp = c.get(full)
                        text = resp.content.decode("utf-8", "replace")
                        if resp.status_code >= 500 or (
                            resp.status_code == 200 and scoping._leaks(text, world)
                        ):
                            problems.append(f"{method} {full}: {resp.status_code} or leak")
    return problems


def _problems(world, user, monkeypatch) -> list[str]:
    c = _client(user)
    objs = scoping.seed(world)
    monkeypatch.setattr(scoping, "seed", lambda w: objs)
    monkeypatch.setattr(scoping, "check_api", lambda *a, **k: [])  # replaced by _api_problems
    problems = scoping.check_routes(world, c, type("Api", (), {"c": c})())
    problems += _api_problems(world, objs, c)
    return [p for p in problems if "learning" in p or "publicity" in p]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["clerk_b", "outsider"])
def test_other_units_get_404_on_every_study_and_publicity_route(world, who, monkeypatch):
    assert _problems(world, getattr(world, who), monkeypatch) == []


@pytest.mark.django_db
def test_own_admin_reaches_them(world, monkeypatch):
    problems = _problems(world, world.admin_a, monkeypatch)
    assert not any(": 500" in p or " 500 " in p for p in problems)
    reached = {p.split(" (")[0] for p in problems if "200, expected 404" in p}
    assert len(reached) > 20
    assert any("/api/v1/learning/sessions/" in p and ": 200" in p for p in problems)
    assert any("/api/v1/publicity/liaisons/" in p and ": 200" in p for p in problems)
