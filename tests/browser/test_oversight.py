"""In the browser: a township records a rectification through to the county's sign-off."""

from __future__ import annotations

import pytest
from django.utils import timezone

from fazhi.oversight import services
from fazhi.oversight.models import InspectionKind, RectificationStatus
from tests.factories import PASSWORD, build_world

from .conftest import SCREENSHOTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_rectification_from_measures_to_sign_off(live_server, page, tmp_path):
    # Built from the test world (not the demo) so the test depends on no other app's demo data.
    world = build_world()
    for user in (world.clerk_a, world.supervisor):
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password_changed_at"])
    inspection = services.create_inspection(
        actor=world.supervisor,
        kind=InspectionKind.SUPERVISION,
        target=world.township_a,
        date=timezone.localdate(),
        title="年度法治政府建设督察",
    )
    rect = services.add_finding(
        inspection,
        actor=world.supervisor,
        problem="规范性文件备案超过法定期限",
        owner_name="钱副镇长",
        days=20,
        owner_username="clerk_a",
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    login(page, live_server.url, "clerk_a", PASSWORD)
    page.click("nav [data-nav=oversight]")
    assert "督察整改" in page.locator("h1").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "oversight-index.png"), full_page=True)
    page.goto(f"{live_server.url}/oversight/rectifications/?status=open")
    assert "规范性文件备案超过法定期限" in page.locator("#ledger").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "oversight-rectifications.png"), full_page=True)
    page.click("#ledger tbody a")
    page.click("#action-start summary")  # each step's form folds under its name
    page.fill("#start-measures", "逐项补办备案手续，建立台账月度检查制度")
    page.click("button[data-action=start]")
    page.wait_for_load_state("networkidle")
    assert "整改中" in page.locator("#fields").inner_text()
    assert "请先上传整改证明材料" in page.locator("[data-refused=submit]").inner_text()

    evidence = tmp_path / "整改照片.png"
    evidence.write_bytes(PNG)
    page.set_input_files("#upload-form input[name=file]", str(evidence))
    page.click("#upload-form button")
    page.wait_for_load_state("networkidle")
    assert "整改照片.png" in page.locator("#attachments").inner_text()
    page.click("#action-submit summary")
    page.fill("#submit-evidence_note", "备案已补办，附回执照片")
    page.click("button[data-action=submit]")
    page.wait_for_load_state("networkidle")
    assert "待销号" in page.locator("#fields").inner_text()
    assert "甲县督察人员销号" in page.locator("[data-refused=sign_off]").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "oversight-rectification-submitted.png"), full_page=True)

    page.click("#user-menu")
    page.click("#logout")
    login(page, live_server.url, "supervisor", PASSWORD)
    page.goto(f"{live_server.url}/oversight/rectifications/{rect.pk}/")
    page.click("#action-sign_off summary")
    page.click("button[data-action=sign_off]")
    page.wait_for_load_state("networkidle")
    assert "已销号" in page.locator("#fields").inner_text()
    rect.refresh_from_db()
    assert rect.status == RectificationStatus.SIGNED_OFF
    page.goto(f"{live_server.url}/oversight/townships/")
    assert "甲镇" in page.locator("#township-table").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "oversight-townships.png"), full_page=True)
