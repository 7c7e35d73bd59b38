"""The writer's day in the browser: draft, pick a suggested cause, add a work-plan item,
regenerate one section keeping the edits in the others, download the DOCX (issue 14)."""

from __future__ import annotations

import io

import pytest

from tests.browser import conftest as browser_conf
from tests.factories import PASSWORD, build_world

from .fixtures import YEAR, seed_ledgers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_draft_cause_plan_regenerate_one_section_and_download(live_server, page):
    world = build_world()
    seed_ledgers(world)
    browser_conf.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url

    browser_conf.login(page, base, "clerk_a", PASSWORD)
    page.goto(f"{base}/reports/?year={YEAR}")
    page.click("#create-report")
    page.wait_for_selector("#section-1")
    one = page.input_value("#section-1")
    assert "一是" in one and "（一）" in one
    assert page.locator("#sources-1 li").count() >= 1  # the records beside the text

    # A suggested cause, clicked, fills the field; saved, the point no longer waits.
    shortfall = page.locator("form.shortfall").first
    suggestion = shortfall.locator("button.suggestion").first
    text = suggestion.get_attribute("data-text")
    suggestion.click()
    assert shortfall.locator("input[name=cause]").input_value() == text
    shortfall.locator("button[type=submit]").click()
    page.wait_for_selector(".alert-success")
    assert text.rstrip("。") in page.input_value("#section-2")

    # Next year's work: one item, then section four reads it.
    page.select_option("#plan-form select[name=theme]", "learning")
    page.fill("#plan-form input[name=content]", "组织开展宪法宣传周系列活动")
    page.fill("#plan-form input[name=owner]", "司法所")
    page.click("#plan-form button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert "组织开展宪法宣传周系列活动（司法所负责）" in page.input_value("#section-4")

    # The writer edits section five, then regenerates section one only.
    page.fill("#section-5", "本年度无其他需要报告的情况。")
    page.click("#save-sections")
    page.wait_for_selector(".alert-success")
    page.select_option("#regen-number", "1")
    page.click("#regenerate-section")
    page.wait_for_selector(".alert-success")
    assert page.input_value("#section-5") == "本年度无其他需要报告的情况。"
    # Regenerating the edited section without confirming is refused, and says why.
    page.select_option("#regen-number", "5")
    page.click("#regenerate-section")
    page.wait_for_selector(".alert-danger")
    assert "覆盖" in page.content()
    assert page.input_value("#section-5") == "本年度无其他需要报告的情况。"
    page.screenshot(
        path=str(browser_conf.SCREENSHOTS / "reports-narrative-editor.png"), full_page=True
    )

    page.goto(page.url.replace("/edit/", "/"))
    with page.expect_download() as info:
        page.click("#download-docx")
    from pathlib import Path

    import docx

    doc = docx.Document(io.BytesIO(Path(info.value.path()).read_bytes()))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "本年度无其他需要报告的情况。" in body and "一是" in body


def test_a_point_left_out_for_length_is_put_back_with_one_click(live_server, page, monkeypatch):
    from fazhi.reports import contrib, drafting
    from fazhi.reports.contrib import Contribution, Point

    contrib.autodiscover()
    six = [(f"拥挤要点{i}", f"拥挤要点正文第{i}条。") for i in range(6)]
    contrib.register(
        Contribution(
            "zz_crowded",
            points=lambda ctx: [
                Point("openness", lead, text, weight=200 - i) for i, (lead, text) in enumerate(six)
            ],
        )
    )
    monkeypatch.setattr(drafting, "SECTION_ONE_BUDGET", 1200)
    try:
        world = build_world()
        seed_ledgers(world)
        base = live_server.url
        browser_conf.login(page, base, "clerk_a", PASSWORD)
        page.goto(f"{base}/reports/?year={YEAR}")
        page.click("#create-report")
        page.wait_for_selector("#section-1")
        assert "拥挤要点5" not in page.input_value("#section-1")
        page.click("#omitted-1 summary")
        point = page.locator("#omitted-1 li", has_text="拥挤要点5")
        point.locator("button.insert-point").click()
        assert "拥挤要点5。拥挤要点正文第5条。" in page.input_value("#section-1")
        assert page.locator("#omitted-1 li", has_text="拥挤要点5").count() == 0
        page.click("#save-sections")
        page.wait_for_selector(".alert-success")
        assert "拥挤要点5。拥挤要点正文第5条。" in page.input_value("#section-1")
        assert page.locator("#omitted-1 li", has_text="拥挤要点5").count() == 0
    finally:
        contrib.REGISTRY.pop("zz_crowded", None)
