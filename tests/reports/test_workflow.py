from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from fazhi.core.errors import DomainError, TransitionNotAllowed
from fazhi.reports import figures, render, services
from fazhi.reports.models import AnnualReport

from .fixtures import YEAR
from .helpers import fill_causes, publish


@pytest.fixture
def report(seeded):
    return services.create_report(seeded.township_a, YEAR, actor=seeded.clerk_a)


def test_draft_has_five_statutory_sections(report):
    heads = [s.heading for s in report.sections.all() if s.number]
    assert heads == [
        f"一、{YEAR}年度推进法治政府建设的主要举措和成效",
        f"二、{YEAR}年度推进法治政府建设存在的不足和原因",
        f"三、{YEAR}年度党政主要负责人履行推进法治建设第一责任人职责，加强法治政府建设的有关情况",
        f"四、{YEAR + 1}年度推进法治政府建设的主要安排",
        "五、其他需要报告的情况",
    ]
    text = render.to_text(report)
    assert "全年共调处矛盾纠纷5件，调解成功3件，调解成功率75%，涉及金额6.55万元" in text
    assert "五、其他需要报告的情况\n无。" in text
    # Section two: the shortfalls grouped by theme, each point with a cause to fill in.
    disputes = report.shortfalls.get(key="theme:disputes")
    assert "indicator:disputes.success_rate" in disputes.items
    assert "调解成功率为75%，未达到95%的目标" in render.to_text(report)
    assert disputes.suggestions  # vetted causes to pick from
    assert "（原因待填写）" in text
    # Not-applicable rates are not written as 0 or 100%.
    assert "热线诉求办结率" not in text and "办结率" not in text


def test_every_figure_is_linked(report):
    html = render.body_html(report)
    assert 'data-code="disputes.mediated"' in html
    assert f'data-snapshot="{report.snapshot_id}"' in html
    data = render.to_json(report)
    codes = {f["code"] for f in data["figures"]}
    assert {"disputes.mediated", "disputes.success_rate", "disputes.amount_yuan"} <= codes
    fig = next(f for f in data["figures"] if f["code"] == "disputes.mediated")
    assert fig["value"] == "5" and fig["text"] == "5件"


def test_regenerate_keeps_edited_text(report, seeded):
    services.update_section(report, 5, "本年度无其他需要报告的情况。", actor=seeded.clerk_a)
    from .fixtures import _dispute

    _dispute(seeded.township_a, 11)
    report = services.generate(report, actor=seeded.clerk_a)
    s5 = report.sections.get(number=5)
    assert s5.text == "本年度无其他需要报告的情况。" and s5.edited
    assert "调处矛盾纠纷6件" in render.to_text(report)  # section one follows the ledgers


def test_hand_typed_figure_that_disagrees_blocks_submission(report, seeded, leader_a):
    fill_causes(report, seeded.clerk_a)
    s1 = report.sections.get(number=1)
    services.update_section(
        report, 1, s1.text.replace("{{disputes.mediated}}", "9件"), actor=seeded.clerk_a
    )
    problems = services.blocking_problems(report)
    assert any("调处矛盾纠纷9件" in p and "5件" in p for p in problems)
    with pytest.raises(TransitionNotAllowed):
        services.run_action(report, "submit", actor=seeded.clerk_a)
    # An explicit, recorded override lets it through and is shown as such.
    services.set_override(
        report, "disputes.mediated", "9", "含县级转办纠纷4件", actor=seeded.clerk_a
    )
    assert services.blocking_problems(report) == []
    report = services.run_action(report, "submit", actor=seeded.clerk_a)
    assert report.status == "submitted"
    ov = report.overrides.get()
    assert ov.ledger_value == "5件" and ov.reason == "含县级转办纠纷4件"


def test_override_needs_a_reason(report, seeded):
    with pytest.raises(DomainError):
        services.set_override(report, "disputes.mediated", "9", "", actor=seeded.clerk_a)


def test_procedure_and_publication(report, seeded, leader_a):
    with pytest.raises(TransitionNotAllowed, match="原因"):
        services.run_action(report, "submit", actor=seeded.clerk_a)
    fill_causes(report, seeded.clerk_a)
    report = services.run_action(report, "submit", actor=seeded.clerk_a)
    with pytest.raises(PermissionDenied, match="无权"):
        services.run_action(report, "approve", actor=seeded.clerk_a)  # staff may not approve
    report = services.run_action(report, "approve", actor=leader_a)
    with pytest.raises(TransitionNotAllowed):
        services.run_action(report, "publish", actor=seeded.clerk_a)  # secrecy review first
    with pytest.raises(TransitionNotAllowed, match="保密审查人"):
        services.run_action(report, "secrecy_review", actor=seeded.clerk_a, data={})
    report = services.run_action(
        report,
        "secrecy_review",
        actor=seeded.clerk_a,
        data={"reviewer": "王保密", "conclusion": "public"},
    )
    report = services.run_action(report, "publish", actor=seeded.clerk_a)
    assert report.status == "published"
    assert report.index_number == f"100001/{YEAR + 1}-00001"
    assert report.published_on.isoformat() == f"{YEAR + 1}-01-15"
    assert report.snapshot.frozen
    assert bytes(report.docx).startswith(b"PK") and "5件" in report.html
    steps = [t.action for t in __import__("fazhi.core.procedures", fromlist=["x"]).timeline(report)]
    assert steps == ["submit", "approve", "secrecy_review", "publish"]
    # Frozen: later ledger changes do not change the published figures.
    from .fixtures import _dispute

    _dispute(seeded.township_a, 12)
    report.refresh_from_db()
    assert "调处矛盾纠纷5件" in render.to_text(report)
    with pytest.raises(DomainError):
        services.update_section(report, 5, "改动", actor=seeded.clerk_a)


def test_ledger_change_after_submission_blocks_publication(report, seeded, leader_a):
    fill_causes(report, seeded.clerk_a)
    report = services.run_action(report, "submit", actor=seeded.clerk_a)
    report = services.run_action(report, "approve", actor=leader_a)
    report = services.run_action(
        report,
        "secrecy_review",
        actor=seeded.clerk_a,
        data={"reviewer": "王保密", "conclusion": "public"},
    )
    from .fixtures import _dispute

    _dispute(seeded.township_a, 13)
    with pytest.raises(TransitionNotAllowed, match="台账数据已变化"):
        services.run_action(report, "publish", actor=seeded.clerk_a)


def test_secret_report_is_not_published(report, seeded, leader_a):
    fill_causes(report, seeded.clerk_a)
    report = services.run_action(report, "submit", actor=seeded.clerk_a)
    report = services.run_action(report, "approve", actor=leader_a)
    report = services.run_action(
        report,
        "secrecy_review",
        actor=seeded.clerk_a,
        data={"reviewer": "王保密", "conclusion": "secret"},
    )
    with pytest.raises(TransitionNotAllowed, match="国家秘密"):
        services.run_action(report, "publish", actor=seeded.clerk_a)


def test_one_report_per_unit_and_year(report, seeded):
    with pytest.raises(DomainError, match="已存在"):
        services.create_report(seeded.township_a, YEAR, actor=seeded.clerk_a)
    assert AnnualReport.objects.count() == 1


def test_typed_mismatch_detection_unit():
    from fazhi.indicators.registry import Value

    values = {"disputes.success_rate": Value.rate(3, 4)}
    assert figures.typed_mismatches("调解成功率75%。", values, {}) == []
    assert figures.typed_mismatches("调解成功率80%。", values, {})


def test_county_status_and_lateness(seeded, leader_a):
    w = seeded
    report = services.create_report(w.township_a, YEAR, actor=w.clerk_a)
    publish(report, w.clerk_a, leader_a)
    import datetime as dt

    st = services.county_status(w.county, YEAR, today=dt.date(YEAR + 1, 3, 5))
    rows = {r["unit"].name: r for r in st["rows"]}
    assert rows["甲镇"]["published_on"] and not rows["甲镇"]["late_submit"]
    assert rows["乙乡"]["late_submit"] and not rows["乙乡"]["late_publish"]
    st = services.county_status(w.county, YEAR, today=dt.date(YEAR + 1, 4, 2))
    assert {r["unit"].name: r for r in st["rows"]}["乙乡"]["late_publish"]
    services.set_deadline(w.county, YEAR, dt.date(YEAR + 1, 3, 10), actor=w.supervisor)
    st = services.county_status(w.county, YEAR, today=dt.date(YEAR + 1, 3, 5))
    assert not {r["unit"].name: r for r in st["rows"]}["乙乡"]["late_submit"]


def test_a_step_the_role_may_not_take_is_a_403_with_one_refusal_row(
    report, seeded, api_for, client_for
):
    """Issue 21 "Refusals answered two ways": a workflow step refused for the role was a 409
    (TransitionNotAllowed) with no audit row; it is a refusal like any other now."""
    from fazhi.core.models import AuditEvent

    fill_causes(report, seeded.clerk_a)
    report = services.run_action(report, "submit", actor=seeded.clerk_a)

    def refusals():
        return AuditEvent.objects.filter(event="permission_refused").count()

    before = refusals()
    resp = api_for(seeded.clerk_a).post(
        f"/reports/{report.pk}/actions/approve", {"version": report.version}
    )
    assert resp.status_code == 403 and resp.json()["error"]["code"] == "forbidden"
    assert refusals() - before == 1
    resp = client_for(seeded.clerk_a).post(
        f"/reports/{report.pk}/actions/approve/", {"version": report.version}
    )
    assert resp.status_code == 403 and "无权" in resp.content.decode()
    assert refusals() - before == 2
    report.refresh_from_db()
    assert report.status == "submitted"
