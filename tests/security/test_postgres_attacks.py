"""Attacks that only PostgreSQL can answer (docs/SECURITY.md rows 9 and 11).

- The application's role (the one DATABASE_URL names in production: it does not own the
  tables, docs/DEPLOY.md "PostgreSQL") cannot rewrite the audit log by raw SQL: UPDATE and
  young DELETE are refused by the trigger, TRUNCATE, DROP and disabling the trigger by
  ownership.
- SQL-injection payloads in every text query parameter of every API list and every page
  (search, ordering, filters) give no 500, no database error and no extra rows, and leave
  the tables as they were.

Run with DATABASE_URL=postgres://...; on SQLite these tests are skipped (the dump test of
tests/security/test_pii_at_rest.py runs pg_dump on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLPattern, URLResolver
from django.utils import timezone

from fazhi.core import audit
from fazhi.core.models import AuditEvent

pytestmark = [pytest.mark.postgres]

APP_ROLE = "fazhi_attack_test_app"  # created and dropped inside the test's transaction
PAYLOADS = [
    "'; DROP TABLE core_auditevent; --",
    "' OR 1=1--",
    "' OR '1'='1",
    "%' AND pg_sleep(0)--",
    "1) OR (1=1",
    "-id; select 1",
    "id; DELETE FROM core_user",
    '" OR ""="',
    "\\'; SELECT pg_sleep(0); --",
    "%",
    "_",
]
NO_MATCH = "无此记录zzqx"
DB_ERROR = re.compile(
    r"(syntax error at or near|psycopg|ProgrammingError|DataError|SQLSTATE)", re.I
)


@pytest.fixture(autouse=True)
def _postgres_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: run with DATABASE_URL=postgres://...")


# ---------------------------------------------------------------- the audit table


def _as_app_role(sql: str, params=()):
    """Run one statement as the application's role, inside a savepoint."""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"SET LOCAL ROLE {APP_ROLE}")
        cur.execute(sql, params)


def test_the_application_role_cannot_rewrite_the_audit_log(world):
    audit.record(audit.E.EXPORT, user=world.clerk_a, detail={"n": 1})
    audit.record(audit.E.EXPORT, user=world.clerk_a, detail={"n": 2})
    table = AuditEvent._meta.db_table
    first = AuditEvent.objects.order_by("id").first()
    with connection.cursor() as cur:
        # The grants of docs/DEPLOY.md, on a role that does not own the tables.
        cur.execute(f"CREATE ROLE {APP_ROLE} NOLOGIN")
        cur.execute(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}")
        cur.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}"
        )
        cur.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}")
    before = list(AuditEvent.objects.order_by("id").values_list("id", "hash", "username"))

    # It reads the log, as the audit admin's page does.
    _as_app_role(f"SELECT count(*) FROM {table}")
    refused = {
        f"UPDATE {table} SET username = 'mallory' WHERE id = %s": "append-only",
        f"UPDATE {table} SET detail = '{{}}'::jsonb": "append-only",
        f"DELETE FROM {table} WHERE id = %s": "183 days",
        f"TRUNCATE {table}": "permission denied|must be owner",
        f"DROP TABLE {table}": "must be owner",
        f"ALTER TABLE {table} DISABLE TRIGGER fazhi_audit_append_only": "must be owner",
        f"DROP TRIGGER fazhi_audit_append_only ON {table}": "must be owner",
        "DROP FUNCTION fazhi_audit_append_only()": "must be owner",
        "CREATE OR REPLACE FUNCTION fazhi_audit_append_only() RETURNS trigger AS "
        "$$ BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql": "must be owner|permission denied",
    }
    for sql, message in refused.items():
        params = [first.pk] if "%s" in sql else []
        with pytest.raises(DatabaseError, match=message):
            _as_app_role(sql, params)
    after = list(AuditEvent.objects.order_by("id").values_list("id", "hash", "username"))
    assert after == before
    assert audit.verify().ok


def test_old_rows_may_go_by_retention_but_not_young_ones(world):
    """The trigger's line is the legal minimum: rows past 183 days may be removed (the daily
    retention job does that as the application role), younger ones never."""
    audit.record(audit.E.EXPORT, user=world.clerk_a)
    table = AuditEvent._meta.db_table
    young = AuditEvent.objects.order_by("-id").first()
    with (
        pytest.raises(DatabaseError, match="183 days"),
        transaction.atomic(),
        connection.cursor() as cur,
    ):
        cur.execute(f"DELETE FROM {table} WHERE id = %s", [young.pk])
    # An old row (inserted as such: an UPDATE to age it would be refused).
    old_at = timezone.now() - dt.timedelta(days=200)
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (at, event, outcome, username, object_type, object_id, "
            "object_label, unit_name, ip, channel, detail, prev_hash, hash) "
            "VALUES (%s, 'export', 'ok', '', '', '', '', '', '', '', '{}', '', '') RETURNING id",
            [old_at],
        )
        old_id = cur.fetchone()[0]
        cur.execute(f"DELETE FROM {table} WHERE id = %s", [old_id])
        assert cur.rowcount == 1


# ---------------------------------------------------------------- injection


def _count(payload) -> int | None:
    if isinstance(payload, dict):
        if isinstance(payload.get("count"), int):
            return payload["count"]
        if isinstance(payload.get("items"), list):
            return len(payload["items"])
        return None
    if isinstance(payload, list):
        return len(payload)
    return None


def _text_query_params(op) -> list[str]:
    out = []
    for p in op.get("parameters", []):
        if p["in"] != "query" or p["name"] in ("limit", "offset"):
            continue
        schema = p.get("schema", {})
        kinds = {schema.get("type")} | {s.get("type") for s in schema.get("anyOf", [])}
        if "string" in kinds and not schema.get("format"):
            out.append(p["name"])
    return out


def _tables() -> dict[str, int]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT relname, n_live_tup FROM pg_stat_user_tables WHERE schemaname = 'public'"
        )
        names = sorted(r[0] for r in cur.fetchall())
        counts = {}
        for name in ("core_user", "core_unit", "disputes_dispute", "core_auditchainhead"):
            cur.execute(f"SELECT count(*) FROM {name}")
            counts[name] = cur.fetchone()[0]
    return {"tables": len(names), **counts}


@pytest.fixture
def county_client(transactional_db):
    """The demo county, and a client of its county supervisor that turns a view's exception
    into the 500 a user would get (each request in its own transaction, as in production,
    so one failed statement does not hide the next)."""
    from django.test import Client

    from fazhi.core import demo
    from fazhi.core.models import User

    demo.build(log=lambda *a: None)
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username="county"))
    return client


def test_injection_in_api_query_parameters(county_client):
    from fazhi.api import api

    client = county_client
    tables = _tables()
    schema = api.get_openapi_schema()
    problems, tried = [], 0
    for path, ops in schema["paths"].items():
        op = ops.get("get")
        if op is None or "{" in path:
            continue
        names = _text_query_params(op)
        for name in names:
            base = client.get(path, {name: NO_MATCH})
            base_n = _count(base.json()) if base.status_code == 200 else None
            for payload in PAYLOADS:
                tried += 1
                resp = client.get(path, {name: payload})
                body = resp.content.decode("utf-8", "replace")
                if resp.status_code >= 500 or DB_ERROR.search(body):
                    problems.append(f"{path}?{name}={payload!r}: {resp.status_code}")
                    continue
                if resp.status_code == 200 and base_n is not None:
                    n = _count(resp.json())
                    # A payload is a value like any other: never more rows than a search
                    # for text no record holds ("%" and "_" are literal characters).
                    if n is not None and n > base_n:
                        problems.append(f"{path}?{name}={payload!r}: {n} rows > {base_n}")
    assert tried > 50, tried
    assert problems == [], "\n".join(problems)
    assert _tables() == tables


def _page_routes() -> list[str]:
    skip = re.compile(r"(logout|switch|healthz|_act$|action|import|snapshot|otp|_default$)")

    def walk(res, ns=""):
        for p in res.url_patterns:
            if isinstance(p, URLResolver):
                if str(p.pattern).startswith(("api/", "django-admin/")):
                    continue
                yield from walk(p, f"{ns}{p.namespace}:" if p.namespace else ns)
            elif isinstance(p, URLPattern) and p.name and not p.pattern.converters:
                if not skip.search(p.name):
                    yield f"{ns}{p.name}"

    return sorted({reverse(n) for n in walk(get_resolver())})


ORDERING = ("ordering", "order", "sort", "o", "order_by")


def _rows(html: str) -> int:
    return len(re.findall(r"<tr[\s>]", html))


def test_injection_in_page_search_and_ordering(county_client):
    client = county_client
    tables = _tables()
    problems, tried = [], 0
    for path in _page_routes():
        base = client.get(path, {"q": NO_MATCH})
        if base.status_code != 200 or "html" not in base.get("Content-Type", ""):
            continue
        base_rows = _rows(base.content.decode())
        plain = client.get(path)
        plain_rows = _rows(plain.content.decode()) if plain.status_code == 200 else None
        for payload in PAYLOADS:
            tried += 1
            resp = client.get(path, {"q": payload, **dict.fromkeys(ORDERING, payload)})
            html = resp.content.decode("utf-8", "replace")
            if resp.status_code >= 500 or DB_ERROR.search(html):
                problems.append(f"{path} q/ordering={payload!r}: {resp.status_code}")
                continue
            if resp.status_code == 200 and _rows(html) > base_rows:
                problems.append(f"{path} q={payload!r}: {_rows(html)} rows > {base_rows}")
            # Ordering alone filters nothing and adds nothing.
            resp = client.get(path, dict.fromkeys(ORDERING, payload))
            if resp.status_code >= 500:
                problems.append(f"{path} ordering={payload!r}: {resp.status_code}")
            elif resp.status_code == 200 and plain_rows is not None:
                if _rows(resp.content.decode()) > plain_rows:
                    problems.append(f"{path} ordering={payload!r}: extra rows")
    assert tried > 200, tried
    assert problems == [], "\n".join(problems)
    assert _tables() == tables
