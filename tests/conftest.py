from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import Client

from fazhi.core import workdays

from .browser.conftest import CHROMIUM, FLAGS, SCREENSHOTS
from .factories import build_world


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    from django.core.cache import cache

    workdays.clear_cache()
    cache.clear()  # cached indicator values must not outlive the test that made them
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


# What makes a test touch the database: pytest-django's fixtures (``world`` and the other
# data fixtures depend on ``db``, so they show in the closure) or its marker.
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_setup",
}


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that touch the database (the second database of .ci/run: "
        "the rest ran already and does not depend on which database is configured)",
    )


def touches_database(item) -> bool:
    if item.get_closest_marker("django_db"):
        return True
    return bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config, items):
    if config.getoption("--database-tests-only"):
        keep = [item for item in items if touches_database(item)]
        config.hook.pytest_deselected(items=[item for item in items if item not in keep])
        items[:] = keep
    for item in items:
        if item.get_closest_marker("browser"):
            # Playwright's sync API runs an event loop in this thread; Django's guard
            # against DB access from async code would trip on the test's own queries.
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
            break


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `make system-deps` (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    # Nothing may come from the internet: fail any request that leaves the machine.
    external: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(("http://localhost", "http://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            external.append(url)
            route.abort()

    pg.route("**/*", guard)
    yield pg
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert external == [], f"pages requested external URLs: {external}"
