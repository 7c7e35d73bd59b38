"""In the browser: record a study session, check a cadre in, see the cadre's hours change."""

import datetime as dt

import pytest
from django.utils import timezone

from fazhi.learning import services
from tests.browser.conftest import SCREENSHOTS, login
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_record_a_session_and_see_hours_change(live_server, page, world):
    user = world.clerk_a
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password_changed_at"])
    cadre = services.create_cadre(
        unit=world.township_a, actor=world.admin_a, name="王伟", post="镇长"
    )
    services.create_cadre(unit=world.township_a, actor=world.admin_a, name="李娜", post="科员")
    login(page, live_server.url, "clerk_a", PASSWORD)

    page.goto(f"{live_server.url}/learning/cadres/{cadre.pk}/")
    assert page.locator("#cadre-hours").inner_text() == "0.0"

    page.goto(f"{live_server.url}/learning/sessions/new/")
    page.select_option("#new-kind", "lecture")
    day = timezone.localdate() - dt.timedelta(days=1)
    page.fill("#new-date", day.isoformat())
    page.fill("#new-topic", "民法典合同编专题讲座")
    page.fill("#new-laws", "《中华人民共和国民法典》")
    page.fill("#new-lecturer", "县司法局 刘律师")
    page.fill("#new-hours", "2.5")
    page.click("#create-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "学法活动已登记" in page.content()

    page.check(f"#cadre-{cadre.pk}")
    page.click("#save-attendance")
    page.wait_for_load_state("networkidle")
    assert "新增 1 人" in page.content()
    assert page.locator("#attended-count").inner_text() == "1"

    assert "签到：王伟 2.5 小时" in page.locator("#attendance-history").inner_text()
    page.click(f"#attendance-form a[href='/learning/cadres/{cadre.pk}/']")
    page.wait_for_load_state("networkidle")
    assert page.locator("#cadre-hours").inner_text() == "2.5"
    assert "民法典合同编专题讲座" in page.content()

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{live_server.url}/learning/")
    page.screenshot(path=str(SCREENSHOTS / "learning-index.png"), full_page=True)
    page.goto(f"{live_server.url}/learning/cadres/")
    page.screenshot(path=str(SCREENSHOTS / "learning-cadres.png"), full_page=True)
    page.goto(f"{live_server.url}/publicity/")
    assert "即将到来的主题宣传日" in page.content()
    page.screenshot(path=str(SCREENSHOTS / "publicity-index.png"), full_page=True)
