"""Draft, edit, approve and publish a report in the browser, then open the public page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from fazhi.core.roles import Role
from tests.browser import conftest as browser_conf
from tests.factories import PASSWORD, build_world, member

from .fixtures import YEAR, seed_ledgers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_draft_edit_approve_publish_and_public_page(live_server, page):
    world = build_world()
    seed_ledgers(world)
    member(world.township_a, Role.LEADER, username="leader_a")
    browser_conf.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url

    browser_conf.login(page, base, "clerk_a", PASSWORD)
    page.goto(f"{base}/?year={YEAR}")
    page.wait_for_selector("#dashboard")
    page.wait_for_selector("#trend-chart canvas")
    page.screenshot(path=str(browser_conf.SCREENSHOTS / "reports-dashboard.png"), full_page=True)
    page.goto(f"{base}/reports/?year={YEAR}")
    page.click("#create-report")
    page.wait_for_selector("#section-1")
    # Live preview follows typing.
    page.fill("#section-5", "本年度无其他需要报告的情况。")
    # (a locator, not wait_for_function: the page's CSP forbids the eval that one needs)
    expect(page.locator("#preview")).to_contain_text("本年度无其他需要报告的情况", timeout=15000)
    page.screenshot(path=str(browser_conf.SCREENSHOTS / "reports-editor.png"), full_page=True)
    page.click("#save-sections")
    page.wait_for_selector(".alert-success")
    for field in page.locator("input[name=cause]").all():
        field.fill("调解员力量不足")
        field.locator("xpath=..").locator("button").click()
        page.wait_for_selector(".alert-success")
    page.goto(page.url.replace("/edit/", "/"))
    page.click("#action-submit")
    assert page.locator("#report-status").inner_text() == "已提交审批"
    report_url = page.url

    page.context.clear_cookies()
    browser_conf.login(page, base, "leader_a", PASSWORD)
    page.goto(report_url)
    page.click("#action-approve")
    assert page.locator("#report-status").inner_text() == "领导已审批"

    page.context.clear_cookies()
    browser_conf.login(page, base, "clerk_a", PASSWORD)
    page.goto(report_url)
    page.fill("#secrecy-reviewer", "王保密")
    page.click("#action-secrecy_review")
    page.click("#action-publish")
    assert page.locator("#report-status").inner_text() == "已公开"
    assert page.locator("#index-number").inner_text().startswith("100001/")
    figure = page.locator("#report-body .report-figure[data-code='disputes.mediated']")
    assert figure.inner_text() == "5件" and "快照" in figure.get_attribute("title")
    page.screenshot(path=str(browser_conf.SCREENSHOTS / "reports-published.png"), full_page=True)

    page.context.clear_cookies()
    page.goto(f"{base}/public/reports/")
    assert "甲镇关于2024年度法治政府建设情况的报告" in page.content()
    page.click("text=甲镇关于2024年度法治政府建设情况的报告")
    # The click starts a navigation: wait for the report page, not whatever is mid-load.
    page.wait_for_url("**/public/reports/*/")
    expect(page.locator("body")).to_contain_text("本年度无其他需要报告的情况")
    assert "调处矛盾纠纷" in page.content()
