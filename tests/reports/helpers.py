from __future__ import annotations

from fazhi.reports import services


def fill_causes(report, actor):
    for item in report.shortfalls.all():
        services.set_cause(report, item.pk, "人员力量不足，工作机制还不健全", actor=actor)


def publish(report, clerk, leader):
    fill_causes(report, clerk)
    report = services.run_action(report, "submit", actor=clerk)
    report = services.run_action(report, "approve", actor=leader)
    report = services.run_action(
        report, "secrecy_review", actor=clerk, data={"reviewer": "王保密", "conclusion": "public"}
    )
    return services.run_action(report, "publish", actor=clerk)
