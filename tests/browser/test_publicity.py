"""In the browser: plan an event from a themed day, register a liaison where the village
had none, and see the liaison's phone masked until the audited reveal."""

from __future__ import annotations

import pytest

from fazhi.core import demo

from .conftest import SCREENSHOTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_publicity_ledgers(live_server, page):
    demo.build()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    login(page, live_server.url, "clerk_df", demo.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/publicity/")
    page.click("#themed-days >> text=策划活动 >> nth=0")
    page.wait_for_load_state("networkidle")
    assert page.locator("#new-theme").input_value() != ""
    page.fill("#new-title", "主题日普法宣传")
    page.select_option("#new-place_kind", "community")
    page.screenshot(path=str(SCREENSHOTS / "publicity-event-new.png"), full_page=True)
    page.click("#create-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "主题日普法宣传" in page.locator("h1").inner_text()

    page.goto(f"{live_server.url}/publicity/liaisons/")
    assert "河口村" in page.locator("#coverage .table-warning").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "publicity-liaisons.png"), full_page=True)
    page.click("#new-record")
    page.select_option("#new-unit", label="河口村")
    page.fill("#new-name", "赵明白")
    page.fill("#new-phone", "13700001111")
    page.click("#create-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "赵明白" in page.locator("h1").inner_text()
    assert "137****1111" in page.locator("#phone").inner_text()
    page.click("text=查看完整号码")
    page.wait_for_load_state("networkidle")
    assert "13700001111" in page.locator("#phone").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "publicity-liaison.png"), full_page=True)
    page.goto(f"{live_server.url}/publicity/liaisons/")
    assert page.locator("#coverage .table-warning").count() == 0
