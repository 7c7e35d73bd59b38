"""Demo data: 东风镇's last year's report, imported into its report of the demo year.

``demo_previous(report)`` imports ``demo_data/dongfeng_2025.txt`` (a hand-written 2025
report in the seeds' register: five sections, figures the indicators hold and some they
do not) into ``report``; the demo build calls it for 东风镇's report of the newest year
when that report exists (a generator creating it calls ``demo_previous`` itself).
"""

from __future__ import annotations

import re
from pathlib import Path

from fazhi.core import demo

DEMO_FILE = Path(__file__).parent / "demo_data" / "dongfeng_2025.txt"
DEMO_YEAR = 2025  # the year the demo file reports on
DEMO_UNIT = "东风镇"


def demo_text(year: int) -> bytes:
    """The demo file as the report of ``year`` (its years moved by the difference)."""
    text = DEMO_FILE.read_text(encoding="utf-8")
    shift = year - DEMO_YEAR
    if shift:
        text = re.sub(r"(?<!\d)(20\d\d)(?=\s*年)", lambda m: str(int(m.group(1)) + shift), text)
    return text.encode("utf-8")


def _actor(report):
    if report.created_by_id:
        return report.created_by
    from fazhi.core.models import Membership
    from fazhi.core.roles import Perm, role_allows

    for m in Membership.objects.filter(unit=report.unit).select_related("user"):
        if role_allows(m.role, Perm.CHANGE):
            return m.user
    return None


def demo_previous(report, actor=None):
    """Import the demo's last year's report into ``report`` (a draft); returns the
    ``PreviousReport`` (None when the report is not a draft or nobody may change it)."""
    from .models import PreviousReport
    from .previous import import_previous

    existing = PreviousReport.objects.filter(report=report).first()
    if existing is not None or not report.editable:
        return existing
    actor = actor or _actor(report)
    if actor is None:
        return None
    return import_previous(
        report,
        demo_text(report.year - 1),
        f"{report.unit.name}{report.year - 1}年度法治政府建设情况的报告.txt",
        actor=actor,
    )


@demo.register(order=950)
def gen(ctx) -> None:
    """东风镇's report of the newest year, if the build made one, starts from last year's."""
    if ctx.bulk:
        return
    from .models import AnnualReport

    report = AnnualReport.objects.filter(
        unit__name=DEMO_UNIT, unit__parent=ctx.county, year=ctx.year
    ).first()
    if report is None:
        return
    prev = demo_previous(report, ctx.users.get("clerk_df"))
    if prev is not None:
        from .previous import counts

        c = counts(prev)
        ctx.log(
            f"年度报告：{DEMO_UNIT}上年报告已导入（对应指标 {c['mapped']} 个，待核 {c['unmapped']} 个）"
        )
