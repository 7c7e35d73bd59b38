"""Every page's query parameters against hostile values (issue 21, L3): never a 500.

The outside test found 27 page/parameter pairs answering 500 (``?unit=`` on the public
enforcement page without login, ``?year=``, ``category=``, ``handler=``, ``village=`` with a
20-digit number on the dispute, petition, hotline, grid, decisions and enforcement lists
and their exports, ``/indicators/?unit=x'``). Pages now read their parameters through
``fazhi.core.params`` (one validating helper), which records every parameter a page asks
for on the request (``request.fazhi_query.read``): that is how this test learns which
parameters each page understands, as schemathesis learns the API's from its schema.

Routes: every page of the URL resolver (as ``tests/scoping.py`` walks it); pages with path
parameters through the first link to them on the other pages (detail, history, edit
pages). Each page is asked once without parameters (and once with ``format=xlsx``) as
each user, then every parameter it read — plus the ones every list page may take
(``q``, ``page``, ``order``, ``format``) and the pairs the outside test found
(``KNOWN``, so the test fails on the code before the fix, which recorded nothing) —
gets each hostile value, alone, and all together. Users: anonymous (the public pages),
a township clerk and the county supervisor over the small demo county; the system
pages also as the three separated admins. Demo built once for the module.
"""

from __future__ import annotations

import contextlib
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.core.cache import caches
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from fazhi.core import demo, excel
from tests.scoping import iter_url_patterns

BIG = "99999999999999999999"
HOSTILE = (
    BIG,
    "-1",
    "0",
    "x'",
    "１２",
    "٣",
    "³",
    "",
    "99999-12-31",
    "2026-02-30",
    str(2**31),
)  # 2**31: past a 32-bit id
HOSTILE_ALONE = (BIG, "-1", "x'", "１２", "٣", "99999-12-31")
USERS = (None, "clerk_df", "county")
ADMIN_USERS = ("sysadmin", "secadmin", "auditor")
EXTRAS = ("q", "page", "order", "format")
# The pairs the outside test found (and the API-shaped neighbours): fuzzed even when the
# page records nothing, so this module fails on the code before the fix.
LEDGER_PARAMS = ("year", "category", "handler", "village", "unit")
KNOWN: dict[str, tuple[str, ...]] = {
    "enforcement:public": ("unit",),
    "indicators:index": ("unit",),
    "disputes:dispute_list": LEDGER_PARAMS,
    "disputes:dispute_export": LEDGER_PARAMS,
    "disputes:petition_list": LEDGER_PARAMS,
    "disputes:petition_export": LEDGER_PARAMS,
    "disputes:hotline_list": LEDGER_PARAMS,
    "disputes:hotline_export": LEDGER_PARAMS,
    "disputes:grid_list": LEDGER_PARAMS,
    "disputes:grid_export": LEDGER_PARAMS,
    "decisions:decision_list": ("year", "status"),
    "decisions:catalog_list": ("year", "status"),
    "enforcement:case_list": ("year", "kind", "status", "is_major"),
}
SKIP = {"logout", "web:switch", "healthz"}  # POST only / no parameters
SKIP_PATH = re.compile(r"(download|/docx/|\.docx|/attachments/)")
# POST-only actions (a GET is 404/405 before anything is read): no page to fuzz.
POST_ONLY = re.compile(r"(_act|action|reveal|revoke|_upload|attendance|notification_read)$")


def _routes() -> list[tuple[str, str, list[str]]]:
    return [
        r
        for r in iter_url_patterns()
        if r[0] not in SKIP and not SKIP_PATH.search(r[1]) and not POST_ONLY.search(r[0])
    ]


ROUTES = _routes()


# -- the demo county, once for the module ------------------------------------------------


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    """The small demo county inside a transaction rolled back after the module (as
    ``tests/perf/test_query_counts.py`` builds it, for the same reasons)."""
    for c in caches.all():
        c.clear()
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
            for c in caches.all():
                c.clear()


def _add_reports(ctx) -> None:
    """The small demo writes no annual reports: a draft and a published one, so the report
    pages (and the public report page) have a record to link to."""
    from fazhi.reports import services
    from tests.reports.helpers import publish

    df, users = ctx.townships[0], ctx.users
    last = services.create_report(df, ctx.year - 1, actor=users["clerk_df"])
    services.create_report(df, ctx.year - 2, actor=users["clerk_df"])
    publish(last, users["clerk_df"], users["leader_df"])


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href and href.startswith("/"):
            self.hrefs.append(urlsplit(href).path)


@pytest.fixture(scope="module")
def urls(county, django_db_blocker):
    """route name -> a URL of it: reversed when it takes no path parameters, else the first
    link to it found on the pages without, then on the pages found so (detail pages link
    to edit and history pages); as the clerk (whose township's records may be edited) and
    the county supervisor."""
    found: dict[str, str] = {}
    with django_db_blocker.unblock():
        # corrections_df: the restricted roster's pages (403/404 to the other two)
        for username in ("clerk_df", "county", "corrections_df"):
            c = _client(county, username)
            pages = [reverse(name) for name, _pattern, params in ROUTES if not params]
            found.update({name: reverse(name) for name, _p, params in ROUTES if not params})
            for _depth in range(2):
                linked = []
                for url in pages:
                    resp = c.get(url)
                    if resp.status_code != 200 or "html" not in resp.get("Content-Type", ""):
                        continue
                    parser = _Links()
                    parser.feed(resp.content.decode("utf-8", "replace"))
                    for href in parser.hrefs:
                        try:
                            match = resolve(href)
                        except Resolver404:
                            continue
                        if match.view_name not in found and match.kwargs:
                            found[match.view_name] = href
                            linked.append(href)
                pages = linked
    return found


def _client(county, username: str | None) -> Client:
    c = Client()
    if username:
        c.force_login(county.users[username])
    return c


def _read(resp) -> dict[str, str]:
    """The parameters the page asked ``fazhi.core.params`` for (none before the fix)."""
    q = getattr(resp.wsgi_request, "fazhi_query", None)
    return dict(q.read) if q is not None else {}


def _users(name: str, pattern: str) -> tuple:
    if pattern.startswith(("system/", "account/")):
        return USERS + ADMIN_USERS
    if name.startswith("corrections:"):  # a restricted ledger: its role's holder too
        return (*USERS, "corrections_df")
    return USERS


def _check(c: Client, url: str, params: dict, who, problems: list) -> None:
    resp = c.get(url, params)
    if resp.status_code >= 500:
        problems.append(f"{who or 'anonymous'} GET {url} {params} -> {resp.status_code}")


@pytest.fixture
def cheap_exports():
    """Exports build the workbook from every filtered row: the query still runs and the
    first rows' cells are still made (where a parameter would fail); no workbook is written."""
    original = excel.export_xlsx

    def read_rows(title, headers, rows, *a, **kw):
        for _ in zip(range(20), rows, strict=False):
            pass
        return b"PK"

    modules = [m for n, m in list(sys.modules.items()) if n.startswith("fazhi.") and m]
    holders = [m for m in modules if getattr(m, "export_xlsx", None) is original]
    with contextlib.ExitStack() as stack:
        for m in holders:
            stack.enter_context(mock.patch.object(m, "export_xlsx", read_rows))
        yield


# Also sent alone: ids and dates (a lookup or a date built from the value). Years, pages
# and small numbers are in every page's all-at-once requests (the shell reads ``year``
# on every page, so alone they would only repeat the shell's case on each route).
ALONE_KINDS = {"id", "date"}


@pytest.mark.parametrize(("name", "pattern"), [(n, p) for n, p, _ in ROUTES])
def test_page_parameters_never_500(county, urls, db, cheap_exports, name, pattern):
    """Each hostile value in every parameter at once; each id and date parameter (and the
    ``KNOWN`` pairs) also alone."""
    url = urls.get(name)
    if url is None:
        pytest.skip(f"no link to {name} on the demo's pages")
    problems: list[str] = []
    for who in _users(name, pattern):
        c = _client(county, who)
        base = c.get(url)
        if base.status_code >= 500:
            problems.append(f"{who} GET {url} -> {base.status_code}")
            continue
        if who is None and base.status_code in (301, 302):
            continue  # login required: nothing is parsed before the redirect
        read = _read(base)
        export = c.get(url, {"format": "xlsx"})
        read.update(_read(export))
        known = KNOWN.get(name, ())
        names = sorted({*read, *EXTRAS, *known})
        alone = sorted({n for n, kind in read.items() if kind in ALONE_KINDS} | set(known))
        modes = [{}]
        is_export = "spreadsheet" in base.get("Content-Type", "")
        if not is_export and "spreadsheet" in export.get("Content-Type", ""):
            modes.append({"format": "xlsx"})
        for extra in modes:
            for value in HOSTILE:
                _check(c, url, {**dict.fromkeys(names, value), **extra}, who, problems)
            for param in alone:
                for value in HOSTILE_ALONE:
                    _check(c, url, {param: value, **extra}, who, problems)
    assert problems == [], "\n".join(problems[:20])


# -- the registry: the pages do read their parameters through the helper ----------------


def test_the_known_pairs_are_read_through_the_helper(county, urls, db):
    """Each parameter the outside test broke is now asked of ``fazhi.core.params`` (so the
    fuzzing above learns it from the page, not only from ``KNOWN``)."""
    missing = []
    for name, params in KNOWN.items():
        c = _client(county, "county")
        read = _read(c.get(urls[name]))
        missing += [f"{name}?{p}" for p in params if p not in read]
    assert missing == []


def test_a_bad_value_is_ignored_with_a_notice(county, db):
    c = _client(county, "clerk_df")
    plain = c.get("/disputes/cases/")
    resp = c.get("/disputes/cases/", {"year": BIG, "village": "x'", "status": "open"})
    assert resp.status_code == 200
    text = resp.content.decode()
    assert "参数“year”无效，已忽略" in text and "参数“village”无效，已忽略" in text
    assert "参数“status”" not in text  # a good value is no notice
    assert "参数“" not in plain.content.decode()
    public = Client().get("/enforcement/public/", {"unit": BIG})
    assert public.status_code == 200
    assert "参数“unit”无效，已忽略" in public.content.decode()


# -- no page parses a parameter by hand --------------------------------------------------

FAZHI = Path(__file__).parents[2] / "fazhi"
# Raw reads left: free text (the search term), and string comparisons with a fixed value.
RAW_OK = {"q", "format", "export", "order", "next"}
RAW_READ = re.compile(r"request\.(GET|POST)(?:\.get\(|\[)\s*[\"'](\w+)")
PARSE_BY_HAND = re.compile(
    r"(int|Decimal|fromisoformat)\(\s*request\.GET|request\.GET[^\n]*\.(isdecimal|isdigit)\("
)


def test_no_page_parses_a_query_parameter_by_hand():
    """Pages read numbers, dates and choices of ``request.GET`` through ``fazhi.core.params``;
    only free text and fixed-string comparisons are read raw. The API (ninja schemas)
    validates its own parameters."""
    problems = []
    for path in FAZHI.rglob("*.py"):
        if path.name in ("api.py", "api_grid.py", "params.py") or "migrations" in path.parts:
            continue
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{path.relative_to(FAZHI.parent)}:{i}: {line.strip()}"
            for source, name in RAW_READ.findall(line):
                if source == "GET" and name not in RAW_OK:
                    problems.append(where)
            if PARSE_BY_HAND.search(line):
                problems.append(where)
    assert problems == []
