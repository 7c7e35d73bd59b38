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


def test_openapi_and_docs_are_local(world, client_for):
    c = client_for(world.clerk_a)
    schema = c.get("/api/v1/openapi.json")
    assert schema.status_code == 200 and "/api/v1/me" in schema.json()["paths"]
    docs = c.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn." not in html and "https://" not in html.replace("https://django-ninja", "")
