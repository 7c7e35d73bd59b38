"""A major decision taken through every step to publication in the browser."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import PASSWORD

from .conftest import SCREENSHOTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWS = "李副镇长|副镇长|同意|方案可行\n王委员|党委委员|不同意|资金来源需进一步明确\n赵镇长|镇长|同意|同意实施"


def step(pg, action, **fields):
    box = pg.locator(f"#action-{action}")
    assert box.count() == 1, f"{action} is not offered: {pg.locator('#actions').inner_text()}"
    box.locator("summary").click()
    for name, value in fields.items():
        sel = f"#{action}-{name}"
        el = pg.locator(sel)
        tag = el.evaluate("e => e.tagName")
        if tag == "SELECT":
            pg.select_option(sel, value)
        elif el.get_attribute("type") == "checkbox":
            pg.check(sel)
        else:
            pg.fill(sel, value)
    box.locator(f"button[data-action={action}]").click()
    pg.wait_for_load_state("networkidle")
    errors = pg.locator("#action-error")
    assert errors.count() == 0, errors.inner_text()


def test_major_decision_to_publication(live_server, page, world):
    from fazhi.core.roles import Role
    from tests.factories import member

    adviser = member(
        world.township_a, Role.LEGAL_ADVISER, username="adviser_a", display_name="刘律师"
    )
    today = timezone.localdate()
    year = today.year

    def d(days_ago: int) -> str:
        return (today - dt.timedelta(days=days_ago)).isoformat()

    login(page, live_server.url, "clerk_a", PASSWORD)
    base = live_server.url
    # The catalog: create, approve, publish.
    page.goto(f"{base}/decisions/catalogs/new/")
    page.fill("#new-year", str(year))
    page.click("#create-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    step(page, "approve", approved_on=d(80), approval_meeting="党政联席会议")
    step(page, "publish", published_on=d(79), publish_channel="镇政府网站")
    assert page.locator("#status").inner_text() == "已公布"

    # The decision, added to the published catalog with a reason.
    page.goto(f"{base}/decisions/major/new/")
    page.fill("#new-title", "镇区农贸市场提升改造方案")
    page.fill("#new-year", str(year))
    page.fill("#new-drafting_office", "镇经济发展办")
    page.click("#create-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "增补目录外事项须说明理由" in page.locator("#form-error").inner_text()
    page.fill("#new-added_reason", "群众反映强烈，年中新增")
    page.click("#create-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#checklist [data-state=next]").first.inner_text().find("公众参与") >= 0

    # A step out of order is not offered as a button; its reason is shown.
    assert "尚未确定是否需要公众参与" in page.locator("[data-refused=submit]").inner_text()

    step(
        page,
        "set_applicability",
        participation_applies="yes",
        expert_applies="yes",
        risk_applies="no",
        risk_reason="不涉及社会稳定风险，因为不调整摊位经营者既有权益",
        hearing_applies="no",
        hearing_reason="无重大利益分歧",
    )
    step(
        page,
        "record_participation",
        started_on=d(70),
        ended_on=d(38),
        people="政府网站公开征求意见、座谈会",
        opinions_count="12",
        handling="采纳8条，未采纳4条并说明理由",
    )
    step(
        page,
        "record_expert",
        started_on=d(35),
        people="张教授、李工程师",
        summary="方案可行",
        interest_excluded=True,
        signed=True,
    )
    step(page, "request_review", requested_on=d(30), days="7")
    # The review: assign a reviewer from outside the drafting office, give the opinion.
    decision_url = page.url
    page.click("#reviews a")
    page.wait_for_load_state("networkidle")
    step(page, "assign", reviewer=str(adviser.pk), reviewer_office="镇司法所")
    step(
        page,
        "give_opinion",
        conclusion="lawful",
        opinion="决策草案主体适格、程序合法、内容合法",
        opinion_on=d(20),
    )
    page.goto(decision_url)
    step(page, "submit")
    assert page.locator("#status").inner_text() == "提交集体讨论"
    step(
        page,
        "record_discussion",
        meeting_kind="leadership",
        meeting_date=d(15),
        members_total="5",
        attendees_count="3",
        head_name="赵镇长",
        views=VIEWS,
        outcome="adopted",
    )
    step(page, "report_party", reported_on=d(14), summary="已向镇党委请示报告")
    step(page, "decide", decided_on=d(12), decision_doc_number=f"甲政发〔{year}〕5号")
    step(page, "publish", published_on=d(10), publish_channel="镇政府网站")
    assert page.locator("#status").inner_text() == "已公布"
    states = page.locator("#checklist li").evaluate_all("els => els.map(e => e.dataset.state)")
    assert "todo" not in states and "blocked" not in states
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "decisions-detail.png"), full_page=True)
    page.goto(f"{base}/decisions/")
    page.screenshot(path=str(SCREENSHOTS / "decisions-index.png"), full_page=True)
