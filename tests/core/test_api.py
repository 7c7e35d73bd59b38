import pytest
from django.test import Client

from fazhi.core.models import ApiToken

pytestmark = pytest.mark.django_db


def test_me(world, api_for):
    resp = api_for(world.clerk_a).get("/me")
    assert resp.status_code == 200
    body = resp.json()
    assert body["username"] == "clerk_a"
    assert body["memberships"][0]["unit_code"] == "100001"
    assert "change" in body["permissions"]


def test_unauthenticated_is_401_json():
    resp = Client().get("/api/v1/me")
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == "unauthorized"


def test_token_auth_and_revocation(world):
    token, key = ApiToken.issue(world.clerk_b, "test")
    c = Client()
    resp = c.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert resp.status_code == 200 and resp.json()["username"] == "clerk_b"
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    assert ApiToken.objects.filter(key_hash__contains=key).count() == 0  # only the hash is stored
    token.revoked = True
    token.save()
    assert c.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    assert c.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer fz_nonsense").status_code == 401


def test_units_are_scoped(world, api_for):
    resp = api_for(world.clerk_a).get("/units/")
    names = [u["name"] for u in resp.json()["items"]]
    assert names == ["甲镇", "甲村"]
    assert api_for(world.supervisor).get("/units/").json()["count"] == 4
    assert api_for(world.clerk_a).get(f"/units/{world.township_b.pk}").status_code == 404
    assert api_for(world.clerk_a).get(f"/units/{world.village_a.pk}").json()["kind_name"] == "村"


def test_validation_errors_are_machine_readable(world, api_for):
    resp = api_for(world.clerk_a).get("/calendar/deadline", start="2024-13-01", working_days=3)
    assert resp.status_code == 422
    err = resp.json()["error"]
    assert err["code"] == "validation_error" and err["details"][0]["field"].endswith("start")
    resp = api_for(world.clerk_a).get("/calendar/deadline", start="2024-09-27", working_days=5000)
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "bad_request"
    resp = api_for(world.clerk_a).get("/units/not-a-number")
    assert resp.status_code == 422


def test_calendar_endpoints(world, api_for):
    body = (
        api_for(world.clerk_a).get("/calendar/deadline", start="2024-09-27", working_days=5).json()
    )
    assert body == {
        "start": "2024-09-27",
        "working_days": 5,
        "due": "2024-10-10",
        "provisional": False,
    }
    body = api_for(world.clerk_a).get("/calendar/day", date="2024-10-12").json()
    assert body["working_day"] is True and body["source"] == "package"


def test_operation_ids_read_app_thing_verb_and_tags_are_app_labels(world, client_for):
    """NetBox's naming (docs/architecture.md, "API"): one id per operation, from the path."""
    import re

    from django.apps import apps

    schema = client_for(world.clerk_a).get("/api/v1/openapi.json").json()
    labels = {c.label for c in apps.get_app_configs() if c.name.startswith("fazhi.")}
    ids, tags = [], set()
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            (tag,) = op["tags"]
            assert tag in labels, (method, path, tag)
            assert re.fullmatch(rf"{tag}(_[a-z0-9]+)+", op["operationId"]), (method, path)
            ids.append(op["operationId"])
            tags.add(tag)
    assert len(ids) == len(set(ids))
    assert {t["name"] for t in schema["tags"]} == tags
    assert {"name": "disputes", "description": "矛盾纠纷"} in schema["tags"]
    by_route = {
        (m.upper(), p): op["operationId"]
        for p, ops in schema["paths"].items()
        for m, op in ops.items()
    }
    assert by_route["POST", "/api/v1/disputes/disputes"] == "disputes_disputes_create"
    assert by_route["GET", "/api/v1/disputes/disputes"] == "disputes_disputes_list"
    assert by_route["GET", "/api/v1/disputes/grid/{case_id}"] == "disputes_grid_get"
    assert (
        by_route["POST", "/api/v1/disputes/grid/{case_id}/actions/{action}"] == "disputes_grid_act"
    )
    # a ledger's routes carry the framework's ids: <app>_<ledger>_<verb>
    assert by_route["PATCH", "/api/v1/publicity/events/{record_id}"] == "publicity_event_update"
    assert by_route["GET", "/api/v1/me"] == "core_me_get"
    assert by_route["GET", "/api/v1/decisions/catalogs/"] == "decisions_catalog_list"  # its own


def test_a_clashing_id_keeps_the_views_own():
    from fazhi.api import name_operations

    ok = {200: {"content": {"application/json": {"schema": {"type": "object"}}}}}
    schema = {
        "paths": {
            "/api/v1/x/a": {"get": {"operationId": "m_a", "tags": [], "responses": ok}},
            "/api/v1/x/a/": {"get": {"operationId": "m_b", "tags": [], "responses": ok}},
        }
    }
    assert name_operations(schema, "/api/v1/", {("x",): "x"}) == ["x_a_get"]
    assert [ops["get"]["operationId"] for ops in schema["paths"].values()] == ["x_a_get", "m_b"]


def test_openapi_and_docs_are_local(world, client_for):
    c = client_for(world.clerk_a)
    schema = c.get("/api/v1/openapi.json")
    assert schema.status_code == 200 and "/api/v1/me" in schema.json()["paths"]
    docs = c.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn." not in html and "https://" not in html.replace("https://django-ninja", "")
