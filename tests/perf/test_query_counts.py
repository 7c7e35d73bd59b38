"""Query counts of list pages and list API operations: no N+1 (the scale issue).

Every list web page (URL patterns without path parameters, found from the resolver as
``tests/scoping.py`` does, less exports, imports, forms and POST-only routes) and every
list API operation (GET without path parameters and without required query parameters
in the ninja schema) is requested over the small demo county as the county supervisor
(``county``, the whole county) and as a township clerk (``clerk_df``); the system pages
also as the admin roles. Each is requested with a page of one row and with a page of
fifty: a page that costs more queries with more rows runs a query per row (N+1), so the
two counts must be equal.

- API: ninja's ``?limit=1`` against ``?limit=50`` (``fazhi.core.pagination``).
- Pages: list pages page through ``django.core.paginator.Paginator`` with a fixed size
  (``fazhi.ledgers.pages.PAGE_SIZE`` and literal 50s in a few apps), so the checker patches
  ``Paginator`` to 1 and to 50 rows per page and counts the rows it served. A page that
  builds no paginator (dashboards, settings, short unpaginated lists) gets the ceilings.

Ceilings, for every request: at most ``LIST_CEILING`` / ``DETAIL_CEILING`` queries, and
no statement run more than ``REPEAT_CEILING`` times with different parameters (the mark
of a loop issuing queries; it catches a per-row query on an unpaginated list too).

Detail pages and detail API operations, for one demo record of each kind (the first link
on the list pages, the first item of the list API, as each user), get the ceilings too.

The checker is tested on a deliberately bad page and API operation defined at the end of
this module (``test_checker_catches_a_query_per_row``).

Times are the benchmark's business (``bench/``), not this module's: only counts here.
Not marked: runs in the SQLite suite (``make test``) and on PostgreSQL
(``make test-postgres``). ``FAZHI_QUERY_REPORT=path.json`` writes every count measured.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.core.cache import caches
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.http import HttpResponse
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve, reverse
from django.urls import path as url_path
from ninja import NinjaAPI, Schema
from ninja.pagination import paginate

from fazhi.core import demo
from fazhi.core.models import Unit
from fazhi.core.pagination import LimitOffsetPagination
from tests.scoping import iter_url_patterns

# One row against fifty: the widest contrast, so a ledger with only a few demo records
# still shows a per-row query.
SMALL, LARGE = 1, 50
USERS = ("county", "clerk_df")
# The system pages and their API are for the separated admin roles (the county supervisor
# gets 403 there): they are requested as those roles too.
ADMIN_USERS = ("sysadmin", "secadmin", "auditor")
ADMIN_ROUTE = re.compile(r"^(system/|/api/v1/(users|roles|audit|units)/)")
# A restricted ledger's routes (403/404 for USERS) are requested as its role's holder too.
RESTRICTED = {"corrections": ("corrections_df",)}

# Ceilings. Measured on the small demo (SQLite): list pages and list API 5–24 queries
# (the dearest: the disputes overview, 24), summaries up to 16 (/api/v1/learning/summary),
# detail pages 8–20 (a major decision in drafting, whose action guards each read the
# latest step, reaches 28). About a quarter above the dearest: a new per-request query
# passes, a loop does not. A query per row on a 50-row page would blow both anyway.
LIST_CEILING = 30
DETAIL_CEILING = 35
# The most any one statement repeats today is 8 (the home dashboard's indicator cache
# keys); a per-row query on a list of more than 8 rows exceeds it.
REPEAT_CEILING = 8

# Routes without path parameters that are not pages to read: downloads, uploads, forms
# that create a record, POST-only actions, the login/logout/account pages.
SKIP_NAMES = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "otp",
    "healthz",
    "web:switch",
    # single sign-on round trips to the provider (404 with none configured): tests/core/test_sso.py
    "sso_oidc_start",
    "sso_oidc_callback",
    "sso_cas_start",
    "sso_cas_callback",
}
SKIP_PATH = re.compile(r"(export|import|\.xlsx|\.docx|download|/new/|/edit/)")


def web_list_routes() -> list[tuple[str, str]]:
    out = []
    for name, pattern, params in iter_url_patterns():
        if params or name in SKIP_NAMES or SKIP_PATH.search(pattern):
            continue
        out.append((name, pattern))
    return out


def web_detail_routes() -> list[tuple[str, str]]:
    return [
        (name, pattern)
        for name, pattern, params in iter_url_patterns()
        if params == ["pk"] and name.split(":")[-1].endswith("detail")
    ]


def _api_schema() -> dict:
    from fazhi.api import api

    return api.get_openapi_schema(path_prefix="/api/v1/")["paths"]


def api_list_routes() -> list[tuple[str, bool]]:
    """(path, paginated) of every GET operation without path parameters.

    Operations with a required parameter (a date, a year) answer one question, not a list,
    and are left out."""
    out = []
    for path, ops in _api_schema().items():
        if "{" in path or "get" not in ops:
            continue
        params = ops["get"].get("parameters", [])
        if any(p.get("required") for p in params):
            continue
        out.append((path, {"limit", "offset"} <= {p["name"] for p in params}))
    return out


def api_detail_routes() -> list[tuple[str, str]]:
    """(detail path, list path) for GET ``<list>/{id}`` operations whose list exists."""
    lists = {p.rstrip("/"): p for p, _ in api_list_routes()}
    out = []
    for path, ops in _api_schema().items():
        m = re.fullmatch(r"(.*)/\{\w+\}/?", path)
        if m and "get" in ops and m.group(1) in lists:
            out.append((path, lists[m.group(1)]))
    return out


# -- the checker -------------------------------------------------------------------------


@dataclass
class Count:
    queries: int
    rows: int | None  # rows on the page (None: not a paginated list)
    status: int
    sql: list[str] = field(default_factory=list)


@contextlib.contextmanager
def page_size(n: int | None):
    """Every ``Paginator`` built inside pages ``n`` rows; yields the pages it served."""
    served: list = []
    init, page = Paginator.__init__, Paginator.page

    def patched_init(self, object_list, per_page, *args, **kwargs):
        init(self, object_list, n or per_page, *args, **kwargs)

    def patched_page(self, number):
        p = page(self, number)
        served.append(p)
        return p

    with (
        mock.patch.object(Paginator, "__init__", patched_init),
        mock.patch.object(Paginator, "page", patched_page),
    ):
        yield served


def count_page(client: Client, url: str, size: int | None) -> Count:
    with page_size(size) as served, CaptureQueriesContext(connection) as ctx:
        resp = client.get(url)
    rows = sum(len(p.object_list) for p in served) if served else None
    return Count(len(ctx), rows, resp.status_code, [q["sql"] for q in ctx.captured_queries])


def count_api(client: Client, path: str, limit: int | None) -> Count:
    params = {"limit": limit} if limit else {}
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(path, params)
    rows = None
    if limit and resp.status_code == 200:
        rows = len(resp.json()["items"])
    return Count(len(ctx), rows, resp.status_code, [q["sql"] for q in ctx.captured_queries])


_NUMBERS = re.compile(r"\b\d+\b|'[^']*'|%s")


def _shapes(c: Count) -> Counter:
    """How often each statement ran, literals and parameters blanked."""
    return Counter(_NUMBERS.sub("?", s) for s in c.sql)


def _top(c: Count, n: int = 5) -> str:
    return "\n".join(f"  {k}× {s[:300]}" for s, k in _shapes(c).most_common(n))


def _per_row(small: Count, large: Count) -> str:
    """The statements the large page ran more often than the small one (the N+1)."""
    a, b = _shapes(small), _shapes(large)
    extra = sorted(((n - a[s], s) for s, n in b.items() if n > a[s]), reverse=True)
    return "\n".join(f"  +{n}× {s[:300]}" for n, s in extra[:5])


def check_bounded(c: Count, label: str, ceiling: int) -> None:
    """At most ``ceiling`` queries, and no statement repeated beyond ``REPEAT_CEILING``."""
    assert c.queries <= ceiling, f"{label}: {c.queries} queries, ceiling {ceiling}:\n{_top(c)}"
    shape, n = _shapes(c).most_common(1)[0] if c.sql else ("", 0)
    assert n <= REPEAT_CEILING, (
        f"{label}: one statement ran {n} times (a loop issuing queries; the ceiling is "
        f"{REPEAT_CEILING}):\n  {shape[:400]}"
    )


def _status_ok(c: Count, label: str) -> bool:
    """True for a page to check; False for a refusal (403: not this user's page, e.g. the
    system pages for the county supervisor; 405: POST only), which must be cheap too."""
    if c.status in (403, 405):
        check_bounded(c, f"{label} ({c.status})", LIST_CEILING)
        return False
    assert c.status == 200, f"{label}: status {c.status}"
    return True


def check_list(measure, label: str, ceiling: int = LIST_CEILING) -> tuple[Count, Count]:
    """``measure(size)`` -> Count, for a page of ``size`` rows (``None``: the default).

    Requests once to warm per-process caches (the working-day calendar, cached indicator
    values), then a small and a large page. Fails if the large page costs more queries
    than the small one (a query per row: N+1) or either passes a ceiling."""
    warm = measure(SMALL)
    if not _status_ok(warm, label):
        return warm, warm
    small, large = measure(SMALL), measure(LARGE)
    assert small.status == large.status == 200, f"{label}: {small.status}/{large.status}"
    if small.rows is not None and large.rows is not None:
        assert large.queries == small.queries, (
            f"{label}: {small.queries} queries for {small.rows} rows but {large.queries} "
            f"for {large.rows} rows — a query per row (N+1):\n{_per_row(small, large)}"
        )
    check_bounded(small, label, ceiling)
    check_bounded(large, label, ceiling)
    return small, large


REPORT: dict[str, dict] = {}


def _record(kind: str, label: str, small: Count, large: Count) -> None:
    """Kept for the report (``FAZHI_QUERY_REPORT=path`` writes it as JSON)."""
    REPORT[f"{kind} {label}"] = {
        "small": small.queries,
        "large": large.queries,
        "rows": [small.rows, large.rows],
        "most_repeated": _shapes(large).most_common(1)[0][::-1] if large.sql else None,
    }
    if os.environ.get("FAZHI_QUERY_SQL"):
        REPORT[f"{kind} {label}"]["sql"] = large.sql


# -- the demo county, once for the module ------------------------------------------------


@pytest.fixture(scope="module")
def demo_county(django_db_setup, django_db_blocker):
    """The small demo county, built once inside a transaction rolled back after the module.

    Why a transaction and not a flush: the suite's other modules expect the database as
    migrations left it (the data migrations' categories, no demo users); a flush would
    delete those too, and deleting the demo's rows one model at a time would have to know
    every app's models (and the append-only audit rows refuse deletion). Each test's own
    ``db`` transaction nests inside this one as a savepoint, so tests cannot disturb each
    other either. On PostgreSQL sequences are not rolled back: later ids are just higher.

    The caches are emptied before and after: indicator values are cached by unit id, and
    on SQLite the rolled-back ids are handed out again to the next module's units.
    """
    _clear_caches()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            ctx = demo.build(scale="small", seed=2026, log=lambda s: None)
            _add_reports(ctx)
            yield ctx
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            _clear_caches()
            out = os.environ.get("FAZHI_QUERY_REPORT")
            if out:
                with open(out, "w", encoding="utf-8") as fh:
                    json.dump(REPORT, fh, ensure_ascii=False, indent=1, sort_keys=True)


def _clear_caches() -> None:
    for cache in caches.all():
        cache.clear()


def _add_reports(ctx) -> None:
    """The small demo writes no annual reports: draft three (two of 东风镇, one of 清河乡)
    and publish one, so the report lists have rows and the detail pages a record."""
    from fazhi.reports import services
    from fazhi.reports.models import AnnualReport
    from tests.reports.helpers import publish

    if AnnualReport.objects.exists():
        return
    df, qh, users = ctx.townships[0], ctx.townships[1], ctx.users
    last = services.create_report(df, ctx.year - 1, actor=users["clerk_df"])
    services.create_report(df, ctx.year - 2, actor=users["clerk_df"])
    services.create_report(qh, ctx.year - 1, actor=users["clerk_qh"])
    publish(last, users["clerk_df"], users["leader_df"])


@pytest.fixture
def client_as(demo_county, db):
    def make(username: str) -> Client:
        c = Client()
        c.force_login(demo_county.users[username])
        return c

    return make


# -- list pages and list API -------------------------------------------------------------


def _cases(routes, key):
    """(route, user) pairs: every route as USERS; the system pages also as the admin roles."""
    out = []
    for r in routes:
        users = USERS + ADMIN_USERS if ADMIN_ROUTE.search(key(r)) else USERS
        for word, holders in RESTRICTED.items():
            if word in str(r[0]) or word in str(r[1]):
                users = users + holders
        out += [pytest.param(*r, u, id=f"{r[0]}-{u}") for u in users]
    return out


@pytest.mark.parametrize("name,pattern,username", _cases(web_list_routes(), lambda r: r[1]))
def test_list_page(client_as, name, pattern, username):
    client = client_as(username)
    url = reverse(name)
    small, large = check_list(lambda n: count_page(client, url, n), f"{username} GET {url}")
    _record("page", f"{url} ({name}) as {username}", small, large)


@pytest.mark.parametrize("path,paginated,username", _cases(api_list_routes(), lambda r: r[0]))
def test_list_api(client_as, path, paginated, username):
    client = client_as(username)
    label = f"{username} GET {path}"
    if paginated:
        small, large = check_list(lambda n: count_api(client, path, n), label)
    else:  # a summary (``/me``, coverage, overdue by township): the ceiling only
        small = large = count_api(client, path, None)
        if _status_ok(small, label):
            check_bounded(small, label, LIST_CEILING)
    _record("api", f"{path} as {username}", small, large)


# -- detail pages and detail API ---------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href and href.startswith("/"):
            self.hrefs.append(urlsplit(href).path)


@pytest.fixture(scope="module")
def detail_links(demo_county):
    """(url name, user) -> the first link to that page on the list pages the user sees.

    Filled lazily: the list page under the same path first, then the app's other pages.
    As ``clerk_df`` the links are to records of the clerk's own township, so the detail
    page is requested by a user who may act on it (the action forms are part of the cost).
    """
    found: dict[tuple[str, str], str] = {}
    scanned: set[tuple[str, str]] = set()

    def scan(list_name: str, username: str, client: Client) -> None:
        if (list_name, username) in scanned:
            return
        scanned.add((list_name, username))
        resp = client.get(reverse(list_name))
        parser = _Links()
        parser.feed(resp.content.decode("utf-8", "replace"))
        for href in parser.hrefs:
            try:
                match = resolve(href)
            except Resolver404:
                continue
            if match.kwargs:
                found.setdefault((match.view_name, username), href)

    def link(name: str, pattern: str, username: str, client: Client) -> str | None:
        parent, app = pattern.rsplit("<", 1)[0], name.split(":")[0]
        lists = [r for r in web_list_routes() if r[0].split(":")[0] == app]
        for list_name, _ in sorted(lists, key=lambda r: r[1] != parent):
            if (name, username) in found:
                break
            scan(list_name, username, client)
        return found.get((name, username))

    return link


@pytest.mark.parametrize("name,pattern,username", _cases(web_detail_routes(), lambda r: ""))
def test_detail_page(client_as, detail_links, name, pattern, username):
    client = client_as(username)  # logged in per test: its session row is rolled back after
    url = detail_links(name, pattern, username, client)
    if url is None:
        pytest.skip(f"no link to {name} on the list pages {username} sees in the demo county")
    label = f"{username} GET {url}"
    assert _status_ok(count_page(client, url, None), label), f"{label}: refused"
    c = count_page(client, url, None)
    _record("detail", f"{url} ({name}) as {username}", c, c)
    check_bounded(c, label, DETAIL_CEILING)


@pytest.mark.parametrize("path,list_path,username", _cases(api_detail_routes(), lambda r: ""))
def test_detail_api(client_as, path, list_path, username):
    client = client_as(username)
    items = client.get(list_path, {"limit": 1}).json().get("items")
    if not items:
        pytest.skip(f"{username} sees no record in {list_path} in the demo county")
    url = re.sub(r"\{\w+\}", str(items[0]["id"]), path)
    label = f"{username} GET {url}"
    assert _status_ok(count_api(client, url, None), label), f"{label}: refused"
    c = count_api(client, url, None)
    _record("api-detail", f"{url} as {username}", c, c)
    check_bounded(c, label, DETAIL_CEILING)


# -- the checker's own test: it must catch a query per row -------------------------------
#
# A page and an API operation over the demo's units, each in a bad version (the template
# or the schema reads ``unit.parent`` per row without ``select_related``) and a good one,
# and an unpaginated bad page (only the repeat ceiling can see its per-row query).
# Served from this module as the URLconf (``ROOT_URLCONF`` is overridden in the test).

_ROWS = Template("{% for u in page %}{{ u.name }}（{{ u.parent.name }}）{% endfor %}")


def _units_view(select_parent: bool, paged: bool = True):
    def view(request):
        qs = Unit.objects.order_by("path")
        if select_parent:
            qs = qs.select_related("parent")
        page = Paginator(qs, 50).get_page(request.GET.get("page")) if paged else qs
        return HttpResponse(_ROWS.render(Context({"page": page})))

    return view


class _UnitRow(Schema):
    name: str
    parent_name: str | None

    @staticmethod
    def resolve_parent_name(obj):
        return obj.parent.name if obj.parent_id else None


selftest_api = NinjaAPI(urls_namespace="perf_selftest", docs_url=None, openapi_url=None)


@selftest_api.get("/bad", response=list[_UnitRow])
@paginate(LimitOffsetPagination)
def _bad_units(request):
    return Unit.objects.order_by("path")


@selftest_api.get("/good", response=list[_UnitRow])
@paginate(LimitOffsetPagination)
def _good_units(request):
    return Unit.objects.select_related("parent").order_by("path")


urlpatterns = [
    url_path("bad/", _units_view(select_parent=False)),
    url_path("good/", _units_view(select_parent=True)),
    url_path("unpaged/", _units_view(select_parent=False, paged=False)),
    url_path("api/", selftest_api.urls),
]


def test_checker_catches_a_query_per_row(client_as, settings):
    settings.ROOT_URLCONF = __name__
    client = client_as("county")
    page = lambda url: lambda n: count_page(client, url, n)  # noqa: E731
    api = lambda url: lambda n: count_api(client, url, n)  # noqa: E731
    for measure in (page("/bad/"), api("/api/bad")):
        with pytest.raises(AssertionError, match=r"N\+1(.|\n)*core_unit"):
            check_list(measure, "bad")
    for measure in (page("/good/"), api("/api/good")):
        small, large = check_list(measure, "good")
        assert (small.rows, large.rows) == (SMALL, Unit.objects.count())  # the pages differ
        with pytest.raises(AssertionError, match="ceiling"):
            check_list(measure, "good", ceiling=small.queries - 1)
    # an unpaginated list cannot be compared by page size: the repeat ceiling catches it
    with pytest.raises(AssertionError, match="one statement ran"):
        check_list(page("/unpaged/"), "unpaged")
