"""In the browser: register a dispute, assign it, record an agreement and a follow-up."""

import pytest

from fazhi.disputes.models import Dispute
from tests.browser.conftest import SCREENSHOTS, login
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_step(pg, action):
    pg.click(f"#action-{action} summary")


def _submit_step(pg, action):
    pg.click(f"#action-{action} button[type=submit]")
    pg.wait_for_load_state("networkidle")


def test_dispute_from_registration_to_follow_up(live_server, page, world):
    from fazhi.disputes.demo import ensure_categories

    ensure_categories()  # seeded by a data migration, which an earlier transactional test flushed
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    login(page, live_server.url, world.admin_a.username, PASSWORD)
    page.goto(f"{live_server.url}/disputes/")
    page.screenshot(path=str(SCREENSHOTS / "disputes-index.png"), full_page=True)
    page.click("#new-dispute")
    page.select_option("#village", str(world.village_a.pk))
    page.fill("#title", "王某与赵某相邻通行纠纷")
    page.select_option("#source", "screening")
    page.fill("#amount", "3000")
    page.fill("#summary", "网格员排查发现，双方因通行道路发生争执。")
    page.fill("#p0_name", "王某")
    page.fill("#p1_name", "赵某")
    page.click("#save")
    page.wait_for_load_state("networkidle")
    assert "已登记纠纷" in page.content()
    assert page.locator("#status").inner_text() == "已登记"

    _open_step(page, "assign")
    page.select_option("#assign-handler", str(world.mediator_a.pk))
    page.fill("#assign-note", "请一周内组织调解")
    _submit_step(page, "assign")
    assert page.locator("#status").inner_text() == "已交办"

    _open_step(page, "session")
    page.fill("#session-notes", "双方到场，同意各退一步。")
    _submit_step(page, "session")
    assert page.locator("#status").inner_text() == "调解中"

    _open_step(page, "agree")
    page.select_option("#agree-agreement_form", "written")
    page.fill("#agree-agreement_text", "赵某让出一米宽通道，王某补偿3000元。")
    for box in ("parties_signed", "mediator_signed", "seal_recorded"):
        page.check(f"#agree-{box}")
    page.select_option("#agree-resolved_level", "village")
    _submit_step(page, "agree")
    assert page.locator("#status").inner_text() == "已达成协议"
    page.screenshot(path=str(SCREENSHOTS / "disputes-detail.png"), full_page=True)

    _open_step(page, "follow_up")
    page.check("#follow_up-performed")
    page.fill("#follow_up-notes", "通道已让出，补偿款已付清。")
    _submit_step(page, "follow_up")
    assert page.locator("#status").inner_text() == "已结案"
    timeline = page.locator("#timeline").inner_text()
    for step in ("登记", "交办", "记录调解", "达成协议", "回访"):
        assert step in timeline
    d = Dispute.objects.get(title="王某与赵某相邻通行纠纷")
    assert d.status == "closed" and d.followups.get().performed and d.handler == world.mediator_a

    page.goto(f"{live_server.url}/disputes/cases/")
    assert "王某与赵某相邻通行纠纷" in page.locator("#case-list").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "disputes-list.png"), full_page=True)


def test_grid_case_reported_and_handled_on_the_spot(live_server, page, world):
    from fazhi.disputes.models import GridCase

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    login(page, live_server.url, world.mediator_a.username, PASSWORD)
    page.goto(f"{live_server.url}/disputes/")
    page.click("#new-grid")
    page.select_option("#village", str(world.village_a.pk))
    page.fill("#grid", "第3网格")
    page.select_option("#category", "safety")
    page.fill("#summary", "村道边电线杆倾斜，存在倒伏风险。")
    page.fill("#person_name", "赵某")
    page.fill("#phone", "13812345678")
    page.click("#save")
    page.wait_for_load_state("networkidle")
    assert "已上报网格事件" in page.content()
    assert page.locator("#status").inner_text() == "待处置"
    assert "138****5678" in page.locator("#people").inner_text()
    assert "13812345678" not in page.content()
    page.screenshot(path=str(SCREENSHOTS / "grid-detail-reported.png"), full_page=True)

    _open_step(page, "handle")
    page.fill("#handle-handling", "已联系供电所加固电线杆，设置警示标志。")
    _submit_step(page, "handle")
    assert page.locator("#status").inner_text() == "已就地处置"
    assert "就地处置" in page.locator("#timeline").inner_text()
    g = GridCase.objects.get(summary="村道边电线杆倾斜，存在倒伏风险。")
    assert g.status == "handled" and g.handler == world.mediator_a and g.due_date is None
    assert g.unit == world.village_a and g.category == "safety"
    page.screenshot(path=str(SCREENSHOTS / "grid-detail-handled.png"), full_page=True)

    page.click("#tab-grid")
    page.wait_for_load_state("networkidle")
    assert g.number in page.locator("#case-list").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "grid-list.png"), full_page=True)
