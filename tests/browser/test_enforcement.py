"""The enforcement case page in the browser: checklist, refusal reasons, upload then a step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fazhi.enforcement import services
from tests.factories import PASSWORD

from .conftest import SCREENSHOTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_case_page_refuses_then_allows_after_process_record(live_server, page, world, tmp_path):
    today = timezone.localdate()
    certs = [
        services.create_certificate(
            unit=world.township_a,
            actor=world.clerk_a,
            raw={
                "holder_name": n,
                "number": f"B{i}",
                "issued_on": "2020-01-01",
                "expires_on": (today + dt.timedelta(days=20 + 400 * i)).isoformat(),
            },
        )
        for i, n in enumerate(["张执法", "李执法"])
    ]
    case = services.create_case(
        unit=world.township_a,
        actor=world.clerk_a,
        raw={
            "kind": "penalty",
            "subject_type": "natural",
            "subject_name": "王小明",
            "id_number": "11010519491231002X",
            "legal_basis": "《食品安全法》第一百二十四条",
            "opened_on": (today - dt.timedelta(days=5)).isoformat(),
            "officers": [str(c.pk) for c in certs],
        },
    )
    login(page, live_server.url, "clerk_a", PASSWORD)
    page.goto(f"{live_server.url}/enforcement/cases/{case.pk}/")
    assert "全过程记录" in page.locator("[data-refused=investigate]").inner_text()
    assert "11010519491231002X" not in page.content()
    f = tmp_path / "执法记录仪截图.png"
    f.write_bytes(PNG)
    page.set_input_files("#upload-form input[type=file]", str(f))
    page.click("#upload-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.locator("#action-investigate summary").click()
    page.fill("#investigate-investigated_on", today.isoformat())
    page.fill("#investigate-evidence_summary", "现场笔录、执法记录仪视频")
    page.click("#action-investigate button[data-action=investigate]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#status").inner_text() == "调查取证完毕"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "enforcement-case.png"), full_page=True)
    page.goto(f"{live_server.url}/enforcement/")
    assert "30日内到期需换发的执法证件" in page.content()
    page.screenshot(path=str(SCREENSHOTS / "enforcement-index.png"), full_page=True)
