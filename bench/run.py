"""The benchmark suite (``make bench``, ``make bench-county``): per measure the median and
p95 over repeated runs, the first (cold) run, the queries of one run, peak memory, and the
machine; written to ``bench/results.json`` and ``bench/results.md``. docs/BENCH.md explains
every measure.

    python bench/run.py [--scale small|county] [--repeat 11] [--only TEXT …]
    python bench/run.py --use-db [--year 2026]     # the data DATABASE_URL already holds

Data: ``--scale`` builds that demo scale into a temporary SQLite database (the build is a
measure of its own); ``--use-db`` uses DATABASE_URL as it is (e.g. a county-scale
PostgreSQL database). With ``--use-db`` the suite writes only sessions, audit events of its
logins and exports, and nothing else: report drafts are made inside a transaction that is
rolled back.

Requests run in-process through Django's test ``Client``: the times are server time
(middleware, views, templates, database), without network, WSGI server or browser.
Measures: every list API endpoint (GET operations without path parameters, from the ninja
OpenAPI schema) and every list page, first page (as the county supervisor ``county`` and
the township clerk ``clerk_df``), filtered, searched and sorted (as ``county``; "n/a" when
the route declares no such parameter); every detail page and detail API for the newest
record of each kind each user sees; indicators, report draft, DOCX and indicators+DOCX
for a township-year and the county-year; the Excel export of a year's disputes; review
throughput; the demo build. Times are never asserted in tests; they are recorded here.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import os
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import common  # noqa: E402

common.fix_sys_path()

USERS = ("county", "clerk_df")
# Users tried, in order, for admin-only routes that both USERS are refused (403).
ADMIN_USERS = ("sysadmin", "secadmin", "auditor")
NOT_A_LIST_PAGE = re.compile(
    r"(^|[:_])(new|create|edit|import|export|settings|snapshot|switch|tokens|otp|healthz|"
    r"login|logout|password_change|password_change_done)$"
)
DETAIL_NAME = re.compile(r"(^|[:_])detail$")
# API query parameters tried, in order, for the "filtered" variant; a value is taken from
# the first item of the first page (``year`` from --year).
API_FILTERS = ("status", "kind", "theme", "channel", "outcome", "level", "place_kind", "year")
API_TEXT_FIELDS = ("person_name", "caller", "title", "label", "name", "topic", "matter", "problem")
# Required query parameters of summary endpoints, filled in so they can be measured.
API_REQUIRED = {
    "year": lambda ctx: ctx.year,
    "month": lambda ctx: ctx.month,
    "unit": lambda ctx: ctx.county.code,
    "date": lambda ctx: ctx.today.isoformat(),
    "start": lambda ctx: ctx.today.isoformat(),
    "working_days": lambda ctx: 15,
}


# --------------------------------------------------------------------------- measuring
class Suite:
    def __init__(self, repeat: int, only: list[str]):
        self.repeat = repeat
        self.only = only
        self.rows: list[dict] = []

    def wanted(self, name: str) -> bool:
        return not self.only or any(s in name for s in self.only)

    def skip(self, name: str, kind: str, note: str, **meta) -> None:
        if self.wanted(name):
            self.rows.append({"name": name, "kind": kind, "status": "n/a", "note": note, **meta})

    def measure(
        self,
        name: str,
        fn: Callable[[], object],
        *,
        kind: str,
        goal: str | None = None,
        repeat: int | None = None,
        check: Callable[[object], str | None] | None = None,
        before: Callable[[], object] | None = None,
        **meta,
    ) -> dict | None:
        """Warm-up (the "first" time), ``repeat`` timed runs, then one instrumented run
        counting queries and tracing allocations (peak). Neither instrument is on during
        the timed runs: both slow code down. ``before`` runs (untimed) before every run."""
        if not self.wanted(name):
            return None
        repeat = repeat or self.repeat
        row: dict = {"name": name, "kind": kind, **meta}
        before = before or (lambda: None)
        try:
            before()
            start = time.perf_counter()
            result = fn()
            row["first_ms"] = round((time.perf_counter() - start) * 1000, 1)
            problem = check(result) if check else None
            if problem:
                row.update(status="error", note=problem)
                self._add(row)
                return row
            times = []
            for _ in range(repeat):
                before()
                start = time.perf_counter()
                fn()
                times.append((time.perf_counter() - start) * 1000)
            before()
            with common.QueryLog() as queries:
                tracemalloc.start()
                result = fn()
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
            row["queries"] = len(queries)
            problem = check(result) if check else None
            if problem:  # it answered at first, then failed
                row.update(status="error", note=f"last run: {problem}")
                self._add(row)
                return row
        except Exception as exc:  # one broken measure must not stop the suite
            tracemalloc.stop()
            row.update(status="error", note=f"{type(exc).__name__}: {exc}"[:300])
            self._add(row)
            return row
        row.update(
            status="ok",
            runs=repeat,
            median_ms=round(statistics.median(times), 1),
            p95_ms=round(common.percentile(times, 95), 1),
            min_ms=round(min(times), 1),
            max_ms=round(max(times), 1),
            peak_mb=round(peak / 1024 / 1024, 2),
            rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        )
        if goal:
            row["goal"] = goal
            row["goal_ms"] = common.GOALS_MS[goal]
            row["meets_goal"] = row["p95_ms"] < row["goal_ms"]
        self._add(row)
        return row

    def _add(self, row: dict) -> None:
        self.rows.append(row)
        status = row.get("status")
        if status == "ok":
            mark = {True: "ok", False: "MISSES GOAL", None: ""}[row.get("meets_goal")]
            queries = f", {row['queries']} q" if "queries" in row else ""
            print(
                f"  {row['name']}: median {row['median_ms']} ms, p95 {row.get('p95_ms')} ms"
                f"{queries} {mark}",
                flush=True,
            )
        else:
            print(f"  {row['name']}: {status} {row.get('note', '')}", flush=True)


def http_check(expect_json: bool = False) -> Callable:
    def check(resp) -> str | None:
        if resp.status_code != 200:
            where = resp.get("Location", "")
            body = where or resp.content[:200].decode("utf-8", "replace")
            return f"HTTP {resp.status_code} {body}".strip()
        if expect_json and not resp.get("Content-Type", "").startswith("application/json"):
            return f"not JSON: {resp.get('Content-Type')}"
        return None

    return check


# --------------------------------------------------------------------------- context
class Ctx:
    """What the measures need: users and their clients, the county, a township, the year."""

    def __init__(self, year: int | None):
        from django.contrib.auth import get_user_model
        from django.db.models import Max
        from django.utils import timezone

        from fazhi.core import demo
        from fazhi.core.models import Unit
        from fazhi.core.models.units import TOWNSHIP_KINDS

        self.today = timezone.localdate()
        self.county = Unit.objects.get(code=demo.COUNTY_CODE)
        self.township = (
            Unit.objects.filter(parent=self.county, kind__in=TOWNSHIP_KINDS)
            .order_by("code")
            .first()
        )
        if year is None:
            from fazhi.disputes.models import Dispute

            newest = Dispute.objects.aggregate(m=Max("registered_on"))["m"]
            year = newest.year if newest else self.today.year
        self.year = year
        self.month = self.today.month if year == self.today.year else 12
        self.user_model = get_user_model()
        self._clients: dict = {}

    def user(self, username: str):
        return self.user_model.objects.get(username=username)

    def client(self, username: str):
        from django.test import Client

        if username not in self._clients:
            c = Client()
            c.force_login(self.user(username))
            self._clients[username] = c
        return self._clients[username]

    def common(self, label: str, field: str):
        """The most frequent non-empty value of ``field`` in ``label``'s table."""
        from django.apps import apps
        from django.db.models import Count

        model = apps.get_model(label)
        row = (
            model._default_manager.exclude(**{f"{field}__isnull": True})
            .exclude(**{field: ""})
            .values(field)
            .annotate(n=Count("pk"))
            .order_by("-n", field)
            .first()
        )
        return None if row is None else row[field]

    def newest(self, label: str, field: str, chars: int = 0):
        """``field`` of the newest row of ``label`` (its first ``chars`` characters)."""
        from django.apps import apps

        model = apps.get_model(label)
        value = (
            model._default_manager.exclude(**{field: ""})
            .order_by("-pk")
            .values_list(field, flat=True)
            .first()
        )
        if value is None:
            return None
        return str(value)[:chars] if chars else str(value)


def _resolve(params: dict, ctx: Ctx) -> dict | None:
    out = {}
    for k, v in params.items():
        v = v(ctx) if callable(v) else v
        if v is None or v == "":
            return None
        out[k] = v
    return out


def _common(label, field):
    return lambda ctx: ctx.common(label, field)


def _newest(label, field, chars=0):
    return lambda ctx: ctx.newest(label, field, chars)


def _year(ctx):
    return ctx.year


# Page variants (GET parameters the views read; see each app's views). Decisions and
# enforcement ledgers are added from their registries in page_variants().
PAGE_VARIANTS: dict[str, dict[str, dict]] = {
    "disputes:dispute_list": {
        "filtered": {"status": "open", "year": _year},
        "search": {"q": _newest("disputes.DisputeParty", "name")},
        "sorted": {"order": "due"},
    },
    "disputes:petition_list": {
        "filtered": {"status": "open", "year": _year},
        "search": {"q": _newest("disputes.Petitioner", "name")},
        "sorted": {"order": "due"},
    },
    "disputes:hotline_list": {
        "filtered": {"status": "open", "year": _year},
        "search": {"q": _newest("disputes.HotlineAppeal", "caller")},
        "sorted": {"order": "due"},
    },
    "learning:session_list": {
        "filtered": {"kind": _common("learning.StudySession", "kind"), "year": _year},
        "search": {"q": _newest("learning.StudySession", "topic", 4)},
        "sorted": {"order": "date"},
    },
    "learning:cadre_list": {
        "filtered": {"status": "behind"},
        "search": {"q": _newest("learning.Cadre", "name")},
        "sorted": {"order": "hours"},
    },
    "learning:exam": {"search": {"q": _newest("learning.Cadre", "name")}},
    "publicity:event_list": {
        "filtered": {"theme": _common("publicity.PublicityEvent", "theme"), "year": _year},
        "search": {"q": _newest("publicity.PublicityEvent", "title", 4)},
        "sorted": {"order": "audience"},
    },
    "publicity:liaison_list": {
        "filtered": {"untrained": "1"},
        "search": {"q": _newest("publicity.LegalLiaison", "name")},
    },
    "publicity:model_list": {"filtered": {"level": _common("publicity.ModelVillage", "level")}},
    "legalservice:advisers": {
        "filtered": {"state": "in_force"},
        "search": {"q": _newest("legalservice.LegalAdviser", "name")},
        "sorted": {"order": "-end"},
    },
    "legalservice:shifts": {
        "filtered": {"status": _common("legalservice.DutyShift", "status")},
        "sorted": {"order": "-date"},
    },
    "legalservice:consultations": {
        "filtered": {"channel": _common("legalservice.Consultation", "channel")},
        "search": {"q": _newest("legalservice.Consultation", "topic", 4)},
        "sorted": {"order": "persons"},
    },
    "legalservice:center": {
        "filtered": {"date_from": lambda ctx: f"{ctx.year}-01-01"},
        "sorted": {"order": "date"},
    },
    "legalservice:aid": {
        "filtered": {"outcome": _common("legalservice.LegalAidReferral", "outcome")},
        "sorted": {"order": "-date"},
    },
    "oversight:groups": {"sorted": {"order": "-year"}},
    "oversight:reports": {"filtered": {"year": _year}, "sorted": {"order": "-year"}},
    "oversight:funding": {"filtered": {"all": "1"}, "sorted": {"order": "amount"}},
    "oversight:inspections": {
        "filtered": {"kind": _common("oversight.Inspection", "kind")},
        "sorted": {"order": "-date"},
    },
    "oversight:rectifications": {
        "filtered": {"status": "open"},
        "search": {"q": _newest("oversight.Rectification", "problem", 4)},
        "sorted": {"order": "deadline"},
    },
    "reports:index": {"filtered": {"year": _year}},
    "reports:status": {"filtered": {"year": _year}},
    "indicators:index": {"filtered": {"unit": lambda ctx: ctx.township.pk}},
    "web:users": {"search": {"q": "clerk"}},
    "web:audit": {"filtered": {"event": "login"}},
}


def page_variants() -> dict[str, dict[str, dict]]:
    variants = dict(PAGE_VARIANTS)
    with contextlib.suppress(ImportError):
        from fazhi.disputes.ledgers import LEDGERS as case_ledgers

        for key, lg in case_ledgers.items():  # ledgers added later (grid cases): by number
            variants.setdefault(
                f"disputes:{key}_list",
                {
                    "filtered": {"status": "open", "year": _year},
                    "search": {"q": _newest(lg.model._meta.label, "number")},
                    "sorted": {"order": "due"},
                },
            )
    registries = []
    for mod in ("fazhi.decisions.ledgers", "fazhi.enforcement.ledgers"):
        with contextlib.suppress(ImportError):
            registries.extend(__import__(mod, fromlist=["LEDGERS"]).LEDGERS)
    for lg in registries:
        label = lg.model._meta.label
        fields = {f.name for f in lg.model._meta.get_fields()}
        v: dict[str, dict] = {}
        for f in lg.filters:
            if not f.choices:
                continue
            if f.name in fields:
                v["filtered"] = {f.name: _common(label, f.name)}
            else:
                first = next((c[0] for c in f.choices if c[0]), None)
                v["filtered"] = {f.name: first}
            break
        if lg.year_field:
            v.setdefault("filtered", {})["year"] = _year
        if lg.search and lg.search[0] in fields:
            v["search"] = {"q": _newest(label, lg.search[0], 4)}
        order = next((c.order for c in lg.columns if c.order), None)
        if order:
            v["sorted"] = {"order": f"-{order}"}
        variants.setdefault(f"{lg.app}:{lg.key}_list", v)
    return variants


# --------------------------------------------------------------------------- discovery
@contextlib.contextmanager
def spy_lookups():
    """Record the querysets views pass to ``scoping.get_visible_or_404`` (how every detail
    route fetches its record), to learn which model a detail route shows."""
    from fazhi.core import scoping

    original = scoping.get_visible_or_404
    seen: list = []

    def spy(queryset, user, perm="view", **lookup):
        seen.append((queryset, user, perm, lookup))
        return original(queryset, user, perm, **lookup)

    scoping.get_visible_or_404 = spy
    try:
        yield seen
    finally:
        scoping.get_visible_or_404 = original


def newest_visible_pk(client, url_for: Callable[[int], str]) -> tuple[int | None, str]:
    """Ask for record 0 (404) while spying, then find the newest record of the same
    queryset that the user may see. Returns (pk, model label) or (None, why)."""
    from fazhi.core import scoping

    with spy_lookups() as seen:
        client.get(url_for(0))
    for queryset, user, perm, lookup in seen:
        if "pk" in lookup or "id" in lookup:
            model = queryset.model
            field = getattr(model, "scope_field", "unit")
            pk = (
                queryset.filter(scoping.scope_q(user, perm, field=field))
                .order_by("-pk")
                .values_list("pk", flat=True)
                .first()
            )
            if pk is None:
                return None, f"no {model._meta.label} visible to this user"
            return pk, model._meta.label
    return None, "the view does not use scoping.get_visible_or_404"


def list_pages(ctx: Ctx) -> list[tuple[str, str]]:
    from django.urls import reverse

    pages = []
    for name, _route, converters in common.iter_url_patterns():
        if converters or NOT_A_LIST_PAGE.search(name):
            continue
        with contextlib.suppress(Exception):
            pages.append((name, reverse(name)))
    return pages


def detail_pages() -> list[tuple[str, str]]:
    out = []
    for name, _route, converters in common.iter_url_patterns():
        if DETAIL_NAME.search(name) and len(converters) == 1:
            param = next(iter(converters))
            out.append((name, param))
    return out


def api_operations() -> tuple[list[tuple[str, list]], list[tuple[str, str]]]:
    """(list endpoints with their query parameters, detail endpoints with their path
    parameter): GET operations without / with exactly one path parameter."""
    from fazhi.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    lists, details = [], []
    for path, ops in sorted(schema["paths"].items()):
        if "get" not in ops:
            continue
        params = ops["get"].get("parameters", [])
        path_params = re.findall(r"{(\w+)}", path)
        if not path_params:
            lists.append((path, params))
        elif len(path_params) == 1 and path.endswith("}"):
            details.append((path, path_params[0]))
    return lists, details


# --------------------------------------------------------------------------- measures
def _url(path: str, params: dict | None) -> str:
    from urllib.parse import urlencode

    return f"{path}?{urlencode(params)}" if params else path


def _users_for(ctx: Ctx, path: str, users: list[str]) -> tuple[list[str], str]:
    """``users`` that get a 200, or else the first admin user that does (admin routes);
    with the last failure seen, if none does."""
    ok, why = [], ""
    for u in [*users, *ADMIN_USERS]:
        if ok and u in ADMIN_USERS:
            break
        try:
            resp = ctx.client(u).get(path)
        except Exception as exc:  # a crashing view is reported as the measure's error
            why = f"{u}: {type(exc).__name__}: {exc}"[:300]
            continue
        if resp.status_code == 200:
            ok.append(u)
            if u in ADMIN_USERS:
                break
        elif u in users:
            why = f"{u}: HTTP {resp.status_code}"
    return ok, why


VARIANTS = ("filtered", "search", "sorted")


def _candidates(prefix: str, users: list[str]) -> list[str]:
    everyone = [*users, *ADMIN_USERS]
    names = [f"{prefix} · first page · {u}" for u in everyone]
    names += [f"{prefix} · {v} · {u}" for v in VARIANTS for u in everyone]
    return names


def _first_pages(suite, ctx, prefix, path, users, kind, check, **meta) -> list[str]:
    who, why = _users_for(ctx, path, users)
    if not who:
        status_error = "Error" in why or "Exception" in why
        row = {"name": f"{prefix} · first page", "kind": kind, "note": why or "no user may read it"}
        row["status"] = "error" if status_error else "n/a"
        if status_error:
            suite._add(row)
        else:
            suite.rows.append(row)
        return []
    for u in who:
        client = ctx.client(u)
        suite.measure(
            f"{prefix} · first page · {u}",
            lambda c=client, p=path: c.get(p),
            kind=kind,
            goal=kind,
            check=check,
            url=path,
            user=u,
            variant="first page",
            **meta,
        )
    return who


def _variant(suite, client, prefix, variant, u, path, params, kind, check, **meta) -> None:
    name = f"{prefix} · {variant} · {u}"
    if params is None:
        suite.skip(name, kind, f"no {variant} parameter", variant=variant, **meta)
        return
    url = _url(path, params)
    suite.measure(
        name,
        lambda: client.get(url),
        kind=kind,
        goal=kind,
        check=check,
        url=url,
        user=u,
        variant=variant,
        note=_label(params),
        **meta,
    )


def measure_api_lists(suite: Suite, ctx: Ctx, users: list[str]) -> None:
    lists, _ = api_operations()
    check = http_check(expect_json=True)
    for path, params in lists:
        prefix = f"api {path}"
        if not any(suite.wanted(n) for n in _candidates(prefix, users)):
            continue
        query = {p["name"]: p for p in params if p.get("in") == "query"}
        missing = [n for n, p in query.items() if p.get("required") and n not in API_REQUIRED]
        if missing:
            suite.skip(f"{prefix} · first page", "api", f"required parameters {missing}")
            continue
        required = {n: API_REQUIRED[n](ctx) for n, p in query.items() if p.get("required")}
        first_url = _url(path, required)
        who = _first_pages(suite, ctx, prefix, first_url, users, "api", check)
        if not who or "limit" not in query:
            continue  # refused, or not a paginated list (a summary): one variant only
        u = who[0]
        client = ctx.client(u)
        body = client.get(first_url).json()
        items = body.get("items") if isinstance(body, dict) else body
        item = items[0] if items else {}
        fparams = None
        for name in API_FILTERS:
            value = ctx.year if name == "year" else item.get(name)
            if name in query and isinstance(value, str | int) and not isinstance(value, bool):
                if value != "":
                    fparams = {**required, name: value}
                    break
        text = _search_text(item) if "q" in query else None
        variants = {
            "filtered": fparams,
            "search": {**required, "q": text} if text else None,
            "sorted": {**required, "order": "-due"} if "order" in query else None,
        }
        for variant, vparams in variants.items():
            _variant(suite, client, prefix, variant, u, path, vparams, "api", check)


def _label(params: dict) -> str:
    return " ".join(f"{k}={v}" for k, v in params.items())


def _search_text(item: dict) -> str | None:
    people = item.get("people") or []
    if people and people[0].get("name"):
        return people[0]["name"]
    for key in API_TEXT_FIELDS:
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:4]
    number = item.get("number")
    return number if isinstance(number, str) and number else None  # a whole case number


def _details(suite, ctx, users, routes, kind, url_for, check) -> None:
    for route, param in routes:
        for u in users:
            name = f"{kind} {route} · newest · {u}"
            if not suite.wanted(name):
                continue
            client = ctx.client(u)
            try:
                pk, what = newest_visible_pk(client, lambda pk, r=route, p=param: url_for(r, p, pk))
                if pk is None and kind == "api":
                    pk = _first_id_from_list(client, route)
                    what = "first item of the list endpoint" if pk else what
            except Exception as exc:
                suite._add(
                    {"name": name, "kind": kind, "status": "error", "note": f"{exc!r}"[:300]}
                )
                continue
            if pk is None:
                suite.skip(name, kind, what, user=u, variant="detail")
                continue
            url = url_for(route, param, pk)
            suite.measure(
                name,
                lambda c=client, url=url: c.get(url),
                kind=kind,
                goal=kind,
                check=check,
                url=url,
                user=u,
                variant="detail",
                note=what,
            )


def measure_api_details(suite: Suite, ctx: Ctx, users: list[str]) -> None:
    _, details = api_operations()

    def url_for(path, param, pk):
        return path.format(**{param: pk})

    _details(suite, ctx, users, details, "api", url_for, http_check(True))


def _first_id_from_list(client, path: str) -> int | None:
    base = path[: path.rfind("/{")]
    for candidate in (base, base + "/"):
        resp = client.get(candidate)
        if resp.status_code == 200:
            body = resp.json()
            items = body.get("items") if isinstance(body, dict) else body
            if items and isinstance(items[0], dict) and "id" in items[0]:
                return items[0]["id"]
    return None


def measure_pages(suite: Suite, ctx: Ctx, users: list[str]) -> None:
    variants = page_variants()
    check = http_check()
    for name, path in list_pages(ctx):
        prefix = f"page {path}"
        if not any(suite.wanted(n) for n in _candidates(prefix, users)):
            continue
        who = _first_pages(suite, ctx, prefix, path, users, "page", check, route=name)
        if not who:
            continue
        u = who[0]
        client = ctx.client(u)
        declared = variants.get(name, {})
        for variant in VARIANTS:
            if variant not in declared:
                if variant != "search":  # "n/a" rows for filters and sorting only
                    _variant(suite, client, prefix, variant, u, path, None, "page", check)
                continue
            params = _resolve(declared[variant], ctx)
            if params is None:
                suite.skip(f"{prefix} · {variant} · {u}", "page", "no value in the data")
                continue
            _variant(suite, client, prefix, variant, u, path, params, "page", check, route=name)


def measure_detail_pages(suite: Suite, ctx: Ctx, users: list[str]) -> None:
    from django.urls import reverse

    def url_for(name, param, pk):
        return reverse(name, kwargs={param: pk})

    _details(suite, ctx, users, detail_pages(), "page", url_for, http_check())


def measure_after_write(suite: Suite, ctx: Ctx, users: list[str]) -> None:
    """The pages that read cached indicator values, right after a write in the township
    (as after a clerk of that township saves any record): the township's and the county's
    cached values are then unreachable and are computed again."""
    try:
        from fazhi.indicators import cache
    except ImportError:
        return

    def bump():
        cache.bump_for_path(ctx.township.path)

    for u in users:
        unit = ctx.county if u == "county" else ctx.township
        for prefix, url, kind in (
            ("page /", "/", "page"),
            ("page /indicators/", "/indicators/", "page"),
            (
                "api /api/v1/indicators",
                _url("/api/v1/indicators", {"unit": unit.code, "year": ctx.year}),
                "api",
            ),
        ):
            client = ctx.client(u)
            suite.measure(
                f"{prefix} · after a write · {u}",
                lambda c=client, url=url: c.get(url),
                kind=kind,
                goal=kind,
                check=http_check(kind == "api"),
                before=bump,
                url=url,
                user=u,
                variant="after a write",
                note=f"indicator cache of {ctx.township.name} and the county invalidated first",
            )


@contextlib.contextmanager
def rolled_back():
    from django.db import transaction

    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def measure_reports(suite: Suite, ctx: Ctx) -> None:
    """Indicators, draft, DOCX and indicators+DOCX, township-year and county-year.

    Indicators are computed cold (``fresh=True``: the cache of indicator values bypassed);
    a second measure shows the cached read. Drafts are made inside a transaction that is
    rolled back; for the county-year the county supervisor gets a temporary township-admin
    role there (no demo user may draft a county report)."""
    from fazhi.core import scoping
    from fazhi.core.models import Membership
    from fazhi.core.roles import Role
    from fazhi.indicators import registry
    from fazhi.reports import render, services
    from fazhi.reports.models import AnnualReport, ReportStatus

    def cold(unit):
        return registry.compute(unit, ctx.year, fresh=True)

    for scope, unit, username in (
        ("township", ctx.township, "admin_df"),
        ("county", ctx.county, "county"),
    ):
        tag = f"{scope}-year ({unit.name} {ctx.year})"
        suite.measure(f"indicators {tag} cold", lambda u=unit: cold(u), kind="compute")
        suite.measure(
            f"indicators {tag} cached",
            lambda u=unit: registry.compute(u, ctx.year),
            kind="compute",
        )
        names = [f"report {x} {tag}" for x in ("draft", "DOCX", "indicators+DOCX")]
        if not any(suite.wanted(n) for n in names):
            continue
        with rolled_back():
            actor = ctx.user(username)
            if scope == "county":
                Membership.objects.create(user=actor, unit=unit, role=Role.TOWNSHIP_ADMIN)
                scoping.clear_cache(actor)
            report = AnnualReport.objects.filter(unit=unit, year=ctx.year).first()
            if report is None:
                report = services.create_report(unit, ctx.year, actor=actor)
            if report.status == ReportStatus.DRAFT:
                suite.measure(
                    names[0],
                    lambda r=report, a=actor: services.generate(r, actor=a),
                    kind="report",
                )
            else:
                suite.skip(names[0], "report", f"the report is {report.status}, not a draft")
            report.refresh_from_db()
            suite.measure(names[1], lambda r=report: render.to_docx(r), kind="report")
            suite.measure(
                names[2],
                lambda u=unit, r=report: (cold(u), render.to_docx(r)),
                kind="report",
                goal=f"report-{scope}",
            )
            scoping.clear_cache(actor)


def measure_export(suite: Suite, ctx: Ctx) -> None:
    from django.urls import reverse

    url = _url(reverse("disputes:dispute_export"), {"year": ctx.year})
    client = ctx.client("county")

    def check(resp):
        problem = http_check()(resp)
        if problem:
            return problem
        if "spreadsheet" not in resp.get("Content-Type", ""):
            return f"not an xlsx: {resp.get('Content-Type')}"
        return None

    suite.measure(
        f"export disputes xlsx {ctx.year} · county",
        lambda: client.get(url),
        kind="export",
        check=check,
        url=url,
        user="county",
        repeat=min(suite.repeat, 5),
        rows=_count_disputes(ctx),
    )


def _count_disputes(ctx: Ctx) -> int:
    from fazhi.disputes.models import Dispute

    return Dispute.objects.filter(registered_on__year=ctx.year).count()


def measure_review(suite: Suite, n: int) -> dict | None:
    name = f"review throughput ({n} reports)"
    if not suite.wanted(name):
        return None
    from fazhi.review.batch import bench as review_bench

    start = time.perf_counter()
    r = review_bench(n)
    elapsed = (time.perf_counter() - start) * 1000
    row = {
        "name": name,
        "kind": "review",
        "status": "ok",
        "runs": 1,
        "median_ms": round(1000 / r["single_core_reports_per_s"], 1),
        "p95_ms": None,
        "first_ms": round(elapsed, 1),
        "peak_mb": r.get("peak_traced_mb_single_process"),
        "rss_mb": r.get("peak_rss_mb_worker"),
        "note": (
            f"{r['single_core_reports_per_s']} reports/s on one core,"
            f" {r['batch_reports_per_s']} reports/s with {r['workers']} workers;"
            f" median_ms = ms per report on one core"
        ),
        "review": r,
    }
    suite._add(row)
    return r


def measure_review_engine(suite: Suite) -> dict | None:
    """The engine against its floor (decode + opencc + one regex) over the same texts,
    in this process: ``fazhi review bench``; the ratio is printed."""
    name = "review engine vs floor"
    if not suite.wanted(name):
        return None
    from fazhi.review.engine import bench as engine_bench

    start = time.perf_counter()
    r = engine_bench.run(mb=2.0, repeat=3, n_memory=10000)
    elapsed = (time.perf_counter() - start) * 1000
    s, m = r["speed"], r["memory"]
    print(engine_bench.format_text(r))
    suite._add(
        {
            "name": name,
            "kind": "review",
            "status": "ok",
            "runs": 3,
            "median_ms": None,
            "p95_ms": None,
            "first_ms": round(elapsed, 1),
            "peak_mb": None,
            "rss_mb": m[f"rss_mb_after_{m['reports']}"],
            "note": (
                f"engine {s['engine_chars_per_s'] / 1e6:.2f} M chars/s, floor"
                f" {s['floor_chars_per_s'] / 1e6:.2f} M chars/s: ratio {s['ratio']}x"
                f" (batch options {s['ratio_batch']}x); RSS growth over the last 90% of"
                f" {m['reports']} reports {m['rss_growth_mb_last_90pct']} MB"
            ),
            "engine": r,
        }
    )
    return r


# --------------------------------------------------------------------------- output
def write_results(results: dict, out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / "results.json"
    json_path.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    md_path = out_dir / "results.md"
    md_path.write_text(markdown(results), encoding="utf-8")
    return json_path, md_path


def markdown(results: dict) -> str:
    m, db, ds = results["machine"], results["database"], results["dataset"]
    git = m["git"]
    lines = [
        "# fazhi benchmark results",
        "",
        f"Command: `{results['command']}` — {results['started_at']}, {results['duration_s']} s.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, {m['os']},"
        f" Python {m['python']}, Django {m['django']}. Database: {db['vendor']} {db['version']}."
        f" Commit {git['commit'][:12]}{' (uncommitted changes)' if git['dirty'] else ''}."
        f" Load average (1/5/15 min) at start {m.get('loadavg_start')}, at end"
        f" {m.get('loadavg_end')}: anything above 0 is other processes sharing the cores.",
        "",
        f"Data: {ds['kind']}, year {results['year']}. Records: "
        + ", ".join(f"{k} {v:,}" for k, v in list(results["records"].items())[:12])
        + ".",
        "",
        "Requests run in-process (Django test Client): server time without network or WSGI"
        " server. p95 is nearest-rank over the timed runs (with 11 runs, the slowest);"
        " `first` is the warm-up run (cold caches). Peak = tracemalloc peak of one run;"
        " RSS = process max RSS after the measure. Goals (p95): API < 100 ms, pages < 200 ms,"
        " township report < 1 s, county report < 2 s.",
        "",
    ]
    rows = results["measures"]
    ok = [r for r in rows if r.get("status") == "ok" and "meets_goal" in r]
    missed = [r for r in ok if not r["meets_goal"]]
    errors = [r for r in rows if r.get("status") == "error"]
    lines.append(
        f"**{len(ok) - len(missed)} of {len(ok)} measures with a goal meet it;"
        f" {len(errors)} errors.**"
    )
    lines.append("")
    if missed:
        lines += ["## Missing their goal", "", *_table(missed), ""]
    if errors:
        lines += ["## Errors", ""]
        lines += [f"- {r['name']}: {r.get('note', '')}" for r in errors]
        lines.append("")
    lines += ["## All measures", "", *_table(rows)]
    return "\n".join(lines) + "\n"


def _table(rows: list[dict]) -> list[str]:
    out = [
        "| measure | median ms | p95 ms | first ms | queries | peak MB | RSS MB | goal | |",
        "|---|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    f = common.fmt_ms
    for r in rows:
        if r.get("status") != "ok":
            out.append(f"| {r['name']} | | | | | | | | {r.get('status')}: {r.get('note', '')} |")
            continue
        goal = f"<{r['goal_ms']}" if "goal_ms" in r else ""
        mark = {True: "✔", False: "✘"}.get(r.get("meets_goal"), "")
        note = r.get("note", "")
        out.append(
            f"| {r['name']} | {f(r.get('median_ms'))} | {f(r.get('p95_ms'))} |"
            f" {f(r.get('first_ms'))} | {r.get('queries', '')} | {r.get('peak_mb', '')} |"
            f" {r.get('rss_mb', '')} | {goal} | {mark} {note} |"
        )
    return out


# --------------------------------------------------------------------------- main
def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    data = parser.add_mutually_exclusive_group()
    data.add_argument(
        "--scale",
        choices=("small", "county"),
        help="build this demo scale into a temporary SQLite database (default: small)",
    )
    data.add_argument(
        "--use-db",
        action="store_true",
        help="use the data DATABASE_URL holds (the demo county must be there)",
    )
    parser.add_argument("--repeat", type=int, default=11, help="timed runs per measure")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="TEXT",
        help="run only measures whose name contains TEXT (repeatable)",
    )
    parser.add_argument("--users", default=",".join(USERS), help="comma-separated demo users")
    parser.add_argument("--year", type=int, help="the year measured (default: newest with data)")
    parser.add_argument("--review-n", type=int, default=1000, help="reports for review throughput")
    parser.add_argument("--out", type=Path, default=common.BENCH, help="where results go")
    args = parser.parse_args(argv)
    if not args.use_db and not args.scale:
        args.scale = "small"
    return args


def setup_django(args) -> str:
    """Environment before Django starts (a temporary directory, removed at exit)."""
    tmp = tempfile.mkdtemp(prefix="fazhi-bench-")
    atexit.register(shutil.rmtree, tmp, True)
    if args.use_db:
        if "DATABASE_URL" not in os.environ:
            raise SystemExit("--use-db needs DATABASE_URL (e.g. a county-scale PostgreSQL)")
        common.private_var_dir(os.environ, Path(tmp))
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ["FAZHI_VAR_DIR"] = tmp
        os.environ.pop("FAZHI_MEDIA_ROOT", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    os.environ.setdefault("FAZHI_DEBUG", "0")  # DEBUG keeps every query in memory
    os.environ.setdefault("FAZHI_DEMO", "1")
    os.environ.setdefault("FAZHI_LOG_LEVEL", "WARNING")
    common.quiet_warnings()
    import django

    django.setup()
    return os.environ["DATABASE_URL"]


def main(argv=None) -> int:
    args = parse_args(argv)
    started = time.time()
    command = " ".join(["python bench/run.py", *(sys.argv[1:] if argv is None else argv)])
    in_process = args.use_db and _django_ready()  # called from a test: Django is set up
    if not in_process:
        setup_django(args)
    from django.conf import settings
    from django.core.management import call_command

    from fazhi.core import demo

    if not in_process:
        settings.ALLOWED_HOSTS = ["*"]  # the test Client's "testserver", whatever FAZHI_ENV
    load_start = _load()
    suite = Suite(args.repeat, args.only)
    if args.use_db:
        if not demo.exists():
            raise SystemExit("DATABASE_URL holds no demo county (run `fazhi demo` first)")
        dataset = {"kind": f"DATABASE_URL ({settings.DATABASES['default']['ENGINE']})"}
    else:
        from django.db import connection

        # A throwaway database: no fsync while migrating and building (the settings'
        # synchronous=FULL is restored before anything is measured).
        with connection.cursor() as cur:
            cur.execute("PRAGMA synchronous=OFF")
        call_command("migrate", verbosity=0)
        print(f"building the {args.scale} demo in {settings.DATABASES['default']['NAME']} …")
        start = time.perf_counter()
        demo.build(scale=args.scale, log=lambda *a, **k: None)
        build_s = time.perf_counter() - start
        with connection.cursor() as cur:
            cur.execute("PRAGMA synchronous=FULL")
        dataset = {"kind": f"demo {args.scale} (temporary SQLite)", "build_s": round(build_s, 1)}
        suite.rows.append(
            {
                "name": f"demo build {args.scale}",
                "kind": "build",
                "status": "ok",
                "runs": 1,
                "median_ms": round(build_s * 1000, 1),
                "first_ms": round(build_s * 1000, 1),
                "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    ctx = Ctx(args.year)
    users = [u.strip() for u in args.users.split(",") if u.strip()]
    print(f"measuring (year {ctx.year}, users {', '.join(users)}, {args.repeat} runs each) …")
    measure_api_lists(suite, ctx, users)
    measure_api_details(suite, ctx, users)
    measure_pages(suite, ctx, users)
    measure_detail_pages(suite, ctx, users)
    measure_after_write(suite, ctx, users)
    measure_reports(suite, ctx)
    measure_export(suite, ctx)
    review = measure_review(suite, args.review_n)
    engine = measure_review_engine(suite)
    results = {
        "command": command,
        "started_at": time.strftime("%Y-%m-%d %H:%M:%S %z", time.localtime(started)),
        "duration_s": round(time.time() - started, 1),
        "in_process": True,
        "machine": {**common.machine(), "loadavg_start": load_start, "loadavg_end": _load()},
        "database": common.database_info(),
        "dataset": dataset,
        "scale": args.scale or "DATABASE_URL",
        "year": ctx.year,
        "records": common.record_counts(),
        "goals_ms": common.GOALS_MS,
        "measures": suite.rows,
    }
    if review:
        results["review"] = review
    if engine:
        results["review_engine"] = engine
    json_path, md_path = write_results(results, args.out)
    with_goal = [r for r in suite.rows if "meets_goal" in r]
    missed = [r for r in with_goal if not r["meets_goal"]]
    errors = [r for r in suite.rows if r.get("status") == "error"]
    print(
        f"{len(suite.rows)} measures; {len(with_goal) - len(missed)}/{len(with_goal)} meet"
        f" their goal; {len(errors)} errors. Written: {json_path}, {md_path}"
    )
    for r in missed:
        print(f"  ✘ {r['name']}: p95 {r['p95_ms']} ms (goal {r['goal_ms']})")
    for r in errors:
        print(f"  error {r['name']}: {r.get('note')}")
    return 1 if errors else 0


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _django_ready() -> bool:
    from django.apps import apps

    return apps.ready


if __name__ == "__main__":
    raise SystemExit(main())
