from __future__ import annotations

import os

import pytest
from django.test import Client

from fazhi.core import workdays

from .factories import build_world


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def client_for():
    """A logged-in test client for a user: ``client_for(world.clerk_a)``."""

    def make(user):
        c = Client()
        c.force_login(user)
        return c

    return make


@pytest.fixture
def api_for(client_for):
    """A client that talks JSON to /api/v1/ as ``user`` (session auth, CSRF not enforced)."""

    class ApiClient:
        def __init__(self, user):
            self.c = client_for(user)

        def get(self, path, **params):
            return self.c.get("/api/v1" + path, params)

        def post(self, path, data=None, **kw):
            return self.c.post("/api/v1" + path, data or {}, content_type="application/json", **kw)

    return ApiClient


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("browser"):
            # Playwright's sync API runs an event loop in this thread; Django's guard
            # against DB access from async code would trip on the test's own queries.
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
            break
