import pytest
from django.test import Client

from fazhi.web.mechanisms import MECHANISMS

pytestmark = pytest.mark.django_db


def test_login_page_in_chinese():
    resp = Client().get("/login/")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "登录" in html and 'lang="zh-hans"' in html
    assert "http://" not in html and "https://" not in html  # nothing from the internet


def test_pages_require_login():
    resp = Client().get("/")
    assert resp.status_code == 302 and resp["Location"].startswith("/login/")


def test_home_and_every_mechanism_page(world, client_for):
    """Every mechanism a clerk may open; a restricted one (``perm``) is neither listed nor
    opened for the clerk, and is both for its holder (A's admin holds the corrections role)."""
    for user in (world.clerk_a, world.admin_a):
        c = client_for(user)
        home = c.get("/").content.decode()
        for m in MECHANISMS:
            resp = c.get(f"/{m.key}/")
            if m.perm and user is world.clerk_a:
                assert f'data-nav="{m.key}"' not in home, m.key
                assert resp.status_code == 403, m.key
                continue
            assert m.label in home
            assert resp.status_code == 200, m.key
            assert m.label in resp.content.decode()


def test_switcher_lists_only_visible_units_and_refuses_others(world, client_for):
    c = client_for(world.clerk_a)
    html = c.get("/").content.decode()
    assert "甲镇" in html and "乙乡" not in html
    assert c.post("/switch/", {"unit": world.township_b.pk}).status_code == 404
    resp = c.post(
        "/switch/", {"unit": world.township_a.pk, "year": "2024", "next": "https://evil.example/"}
    )
    assert resp["Location"] == "/"
    assert c.session["fazhi_year"] == 2024


def test_healthz():
    resp = Client().get("/healthz")
    assert resp.status_code == 200 and resp.json() == {"status": "ok", "database": "ok"}


def test_user_without_unit_gets_an_empty_state(client_for):
    from tests.factories import UserFactory

    resp = client_for(UserFactory()).get("/")
    assert "还没有被分配到任何单位" in resp.content.decode()


def test_calendar_page_entry_by_system_admin_only(world, client_for):
    from fazhi.core.roles import Role
    from tests.factories import member

    admin = member(world.county, Role.SYSTEM_ADMIN)
    page = client_for(admin).get("/system/calendar/").content.decode()
    assert "暂定" in page  # a year beyond the package's data
    resp = client_for(admin).post(
        "/system/calendar/",
        {"year": "2027", "days": "2027-01-01 放假 元旦", "source": "测试"},
        follow=True,
    )
    assert "已保存2027年节假日安排" in resp.content.decode()
    resp = client_for(admin).post("/system/calendar/", {"year": "2027", "days": "2027-01-01 x"})
    assert "类型应为" in resp.content.decode()
    assert (
        client_for(world.clerk_a)
        .post("/system/calendar/", {"year": "2027", "days": ""})
        .status_code
        == 403
    )


def test_unit_history_page(world, client_for):
    world.township_a.name = "甲镇（新）"
    world.township_a.save()
    html = (
        client_for(world.clerk_a)
        .get(f"/system/units/{world.township_a.pk}/history/")
        .content.decode()
    )
    assert "甲镇（新）" in html and "name" in html


def test_tokens_page(world, client_for):
    c = client_for(world.clerk_a)
    html = c.post("/account/tokens/", {"action": "create", "name": "对接"}).content.decode()
    assert "fz_" in html
