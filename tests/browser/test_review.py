from pathlib import Path

import pytest

from fazhi.core import demo

from .conftest import SCREENSHOTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SEED = Path(__file__).resolve().parents[2] / "fazhi/review/engine/data/reference"


def test_upload_a_report_and_read_the_review(live_server, page):
    demo.build()
    login(page, live_server.url, "county", demo.DEMO_PASSWORD)
    page.click("nav [data-nav=review]")
    seed = sorted(SEED.glob("*.txt"))[2]
    page.set_input_files("#review-file", str(seed))
    page.click("#review-submit")
    page.wait_for_selector("#review-checks")
    assert page.locator("#review-checks li").count() >= 6
    assert page.locator("#review-text mark").count() > 5
    assert "第1部分" in page.locator("#review-sections").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "review-result.png"), full_page=False)
