"""In the browser: registering an adviser closes the village's coverage gap."""

from __future__ import annotations

import pytest

from fazhi.core import demo

from .conftest import SCREENSHOTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_registering_an_adviser_closes_the_gap(live_server, page):
    demo.build()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    login(page, live_server.url, "clerk_df", demo.DEMO_PASSWORD)
    page.click("nav [data-nav=legalservice]")
    assert "法律服务" in page.locator("h1").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "legalservice-index.png"), full_page=True)
    page.click("#sub-nav >> text=一村一法律顾问")
    assert page.locator("[data-gap]").all_inner_texts() == ["河口村"]
    page.click("text=登记法律顾问")
    page.fill("#new-name", "吴律师")
    page.fill("#new-firm", "信和律师事务所")
    page.fill("#new-phone", "13700001111")
    page.fill("#new-contract_start", "2020-01-01")
    page.fill("#new-contract_end", "2030-12-31")
    page.check("#new-units_served label:has-text('河口村')")
    page.click("#create-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "吴律师" in page.locator("h1").inner_text()
    assert "137****1111" in page.locator("#fields").inner_text()
    page.click("#sub-nav >> text=一村一法律顾问")
    assert page.locator("[data-gap]").count() == 0
    assert "实现法律顾问全覆盖" in page.locator("#full-coverage").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "legalservice-coverage.png"), full_page=True)
    page.click("#sub-nav >> text=法律咨询")
    page.screenshot(path=str(SCREENSHOTS / "legalservice-consultations.png"), full_page=True)
    assert page.locator("#ledger tbody tr").count() > 0
