"""Every declared ledger, through the framework (NetBox's ``ViewTestCases`` in one suite).

Each ledger of every app (``fazhi.ledgers.all_ledgers()``) is exercised the same way, with
the record its app's scoping cases seed in township A (tests/scoping.py): the list page
shows it and its count, the detail page and the API answer with its fields, the Excel
export writes its one audit row, the edit and import pages answer, the CLI lists it, and
the list page's query count stays bounded. A ledger added later is
covered without a line here; a ledger whose detail route has no scoping case fails.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fazhi.core.models import AuditEvent
from fazhi.ledgers import all_ledgers
from tests.scoping import ROUTES, seed

LEDGERS = all_ledgers()
IDS = [f"{lg.app}.{lg.key}" for lg in LEDGERS]

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(world):
    return seed(world)


def _record(lg, world, seeded):
    case = ROUTES.get(lg.url("detail"))
    assert case is not None, f"{lg.url('detail')} has no scoping case"
    pk = case(world, seeded)["pk"]
    return lg.model.objects.get(pk=pk)


def test_every_app_declares_its_ledgers():
    apps = {lg.app for lg in LEDGERS}
    assert {"decisions", "enforcement", "disputes"} <= apps
    assert len(set(IDS)) == len(IDS)


@pytest.mark.parametrize("lg", LEDGERS, ids=IDS)
def test_pages(lg, world, seeded, client_for):
    obj = _record(lg, world, seeded)
    c = client_for(world.admin_a)
    resp = c.get(reverse(lg.url("list")))
    assert resp.status_code == 200
    body = resp.content.decode()
    assert reverse(lg.url("detail"), kwargs={"pk": obj.pk}) in body
    assert "共 " in body  # the count
    resp = c.get(reverse(lg.url("detail"), kwargs={"pk": obj.pk}))
    assert resp.status_code == 200
    assert lg.title in resp.content.decode()
    if lg.update is not None:
        assert c.get(reverse(lg.url("edit"), kwargs={"pk": obj.pk})).status_code == 200
    if lg.create is not None:
        assert c.get(reverse(lg.url("new"))).status_code == 200
    if lg.importer is not None:
        resp = c.get(reverse(lg.url("import")) + "?template=1")
        assert resp.status_code == 200 and resp.content.startswith(b"PK")


@pytest.mark.parametrize("lg", LEDGERS, ids=IDS)
def test_export_is_audited(lg, world, seeded, client_for):
    _record(lg, world, seeded)
    c = client_for(world.admin_a)
    before = AuditEvent.objects.filter(event="export").count()
    resp = c.get(reverse(lg.url("list")), {"format": "xlsx"})
    assert resp.status_code == 200
    assert resp.content.startswith(b"PK")
    assert AuditEvent.objects.filter(event="export").count() == before + 1


# Ledgers whose API is still written by hand (their answers carry figures the generic
# record does not); every other ledger's API must come from the framework.
HAND_API = {
    "learning.cadre": "the answer carries the year's hours (learning/api.py)",
    "learning.session": "the answer carries the attendance (learning/api.py)",
}


@pytest.mark.parametrize("lg", LEDGERS, ids=IDS)
def test_api(lg, world, seeded, api_for):
    if f"{lg.app}.{lg.key}" in HAND_API:
        pytest.skip(HAND_API[f"{lg.app}.{lg.key}"])
    obj = _record(lg, world, seeded)
    c = api_for(world.admin_a).c
    base = reverse(f"api:{lg.app}_{lg.key}_list")  # an app may mount it at another path
    resp = c.get(base)
    assert resp.status_code == 200, resp.content
    items = resp.json()["items"]
    assert obj.pk in {i["id"] for i in items}
    resp = c.get(reverse(f"api:{lg.app}_{lg.key}_get", kwargs={lg.api_param: obj.pk}))
    assert resp.status_code == 200
    assert resp.json()["id"] == obj.pk


CLOSED = [
    (lg, f)
    for lg in LEDGERS
    if f"{lg.app}.{lg.key}" not in HAND_API
    for f in lg.filters
    if f.choices
]


@pytest.mark.parametrize("lg,f", CLOSED, ids=[f"{lg.app}.{lg.key}.{f.name}" for lg, f in CLOSED])
def test_api_refuses_a_value_outside_a_filters_choices(lg, f, world, seeded, api_for):
    """A page ignores it with a notice; the API answers 400 ``bad_parameter`` naming the
    parameter, not the whole unfiltered list."""
    _record(lg, world, seeded)
    c = api_for(world.admin_a).c
    base = reverse(f"api:{lg.app}_{lg.key}_list")
    resp = c.get(base, {f.name: "no-such-choice"})
    assert resp.status_code == 400, resp.content
    error = resp.json()["error"]
    assert error["code"] == "bad_parameter" and f"“{f.name}”" in error["message"]
    good = f.choices_for(world.admin_a)
    if good:
        value = good[0][0] if isinstance(good[0], tuple | list) else good[0]
        assert c.get(base, {f.name: str(value)}).status_code == 200


def test_cli_refuses_a_bad_status():
    from django.core.management.base import CommandError

    lg = next(lg for lg in LEDGERS if any(f.name == "status" and f.choices for f in lg.filters))
    with pytest.raises(CommandError, match="参数“status”的取值“bogus”无效"):
        call_command(lg.app, lg.key, "list", "--status", "bogus", stdout=io.StringIO())


def test_openapi_types_every_field():
    """Every ledger's detail answer is a typed schema: no property without a type, and the
    generated ``fields`` object names every column of the model."""
    from fazhi.api import api

    schema = api.get_openapi_schema()
    comps = schema["components"]["schemas"]
    ops = {op["operationId"]: op for ops in schema["paths"].values() for op in ops.values()}

    def resolve(node):
        return comps[node["$ref"].rsplit("/", 1)[-1]] if "$ref" in node else node

    for lg in LEDGERS:
        if f"{lg.app}.{lg.key}" in HAND_API:
            continue
        op = ops[f"{lg.app}_{lg.api.get('thing', lg.key)}_get"]
        ok = op["responses"].get(200) or op["responses"]["200"]
        out = resolve(ok["content"]["application/json"]["schema"])
        assert out["properties"], lg.key
        for name, prop in out["properties"].items():
            assert {"type", "$ref", "anyOf", "allOf"} & set(prop), (lg.key, name)
        if "fields" in out["properties"] and lg.out is None:
            fields = resolve(out["properties"]["fields"])
            assert len(fields["properties"]) == len(lg.model._meta.concrete_fields), lg.key


@pytest.mark.parametrize("lg", LEDGERS, ids=IDS)
def test_cli_lists_and_shows(lg, world, seeded):
    obj = _record(lg, world, seeded)
    out = io.StringIO()
    call_command(lg.app, lg.key, "list", "--as", world.admin_a.username, stdout=out)
    assert str(obj.pk) in out.getvalue().split()
    out = io.StringIO()
    call_command(lg.app, lg.key, "show", str(obj.pk), "--as", world.admin_a.username, stdout=out)
    assert out.getvalue().startswith(f"{obj.pk} ")


@pytest.mark.parametrize("lg", LEDGERS, ids=IDS)
def test_list_page_query_count_is_bounded(lg, world, seeded, client_for):
    """The list page reads a bounded number of queries (per-ledger N+1 checks with many
    rows live in tests/perf)."""
    _record(lg, world, seeded)
    c = client_for(world.admin_a)
    url = reverse(lg.url("list"))
    c.get(url)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as one:
        c.get(url)
    assert len(one) <= 30, [q["sql"][:120] for q in one.captured_queries]


@pytest.mark.parametrize("lg", LEDGERS, ids=IDS)
def test_list_page_builds_each_filters_choices_once(lg, world, seeded, client_for):
    """A filter's choices (built for the user) are read once per request, though the page
    checks the query against them, draws the form from them and labels the chosen one."""
    _record(lg, world, seeded)
    c = client_for(world.admin_a)
    url = reverse(lg.url("list"))
    c.get(url)
    with CaptureQueriesContext(connection) as one:
        c.get(url)
    sqls = [q["sql"] for q in one.captured_queries]
    assert len(sqls) == len(set(sqls)), [s[:160] for s in sqls if sqls.count(s) > 1]
    # the session comes from the cache (written through to the database), not a query
    assert not [s for s in sqls if "django_session" in s]
