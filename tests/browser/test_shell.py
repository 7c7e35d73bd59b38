import pytest

from fazhi.core import demo
from fazhi.web.mechanisms import MECHANISMS

from .conftest import SCREENSHOTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_and_walk_the_navigation(live_server, page):
    demo.build()
    login(page, live_server.url, "wrong", "wrong")
    assert "用户名或密码不正确" in page.content()

    login(page, live_server.url, "clerk_df", demo.DEMO_PASSWORD)
    assert page.locator("h1").first.inner_text().startswith("工作台")
    assert page.locator("#switch-unit option:checked").inner_text().strip() == "东风镇"
    from django.contrib.auth import get_user_model

    from fazhi.web.mechanisms import shown_to

    shown = {m.key for m in shown_to(get_user_model().objects.get(username="clerk_df"))}
    for m in MECHANISMS:
        if m.key not in shown:  # a restricted roster (社区矫正): no entry for a clerk
            assert page.locator(f"nav [data-nav={m.key}]").count() == 0, m.key
            continue
        page.click(f"nav [data-nav={m.key}]")
        page.wait_for_load_state("networkidle")
        assert m.label in page.locator("h1").inner_text(), m.key
        assert page.locator("#empty-state, table, .card").count() > 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "shell-walk.png"), full_page=True)

    # The year switcher keeps the choice.
    page.select_option("#switch-year", "2024")
    page.wait_for_load_state("networkidle")
    assert page.locator("#switch-year option:checked").inner_text() == "2024年"

    page.click("#user-menu")
    page.click("#logout")
    page.wait_for_load_state("networkidle")
    assert "/login/" in page.url


def test_a_sibling_township_cannot_open_anothers_unit_page(live_server, page):
    demo.build()
    from fazhi.core.models import Unit

    other = Unit.objects.get(code="990101")
    login(page, live_server.url, "clerk_qh", demo.DEMO_PASSWORD)
    resp = page.goto(f"{live_server.url}/system/units/{other.pk}/history/")
    assert resp.status == 404
