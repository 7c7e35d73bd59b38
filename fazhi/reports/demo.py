"""Demo data: each demo township's work plan for next year (工作要点) and this year's
annual report drafted from its ledgers, as a 党政办 writer finds it on opening fazhi; and
东风镇's last year's report, imported into its report of the demo year.

``demo_previous(report)`` imports ``demo_data/dongfeng_2025.txt`` (a hand-written 2025
report in the seeds' register: five sections, figures the indicators hold and some they
do not) into ``report``; the demo build calls it for 东风镇's report of the newest year.
"""

from __future__ import annotations

import re
from pathlib import Path

from fazhi.core import demo

from . import services
from .models import AnnualReport, WorkPlanItem

# (theme, content, owner, when): {we}/{whole}/{place}/{party}/{gov} in the unit's voice.
PLAN = [
    (
        "organisation",
        "召开法治建设领导小组会议，研究部署{next}年度法治政府建设工作要点",
        "党政办",
        "3月底前",
    ),
    (
        "organisation",
        "将法治建设纳入{grassroots}和站所年度绩效考核，{party}每半年听取一次法治建设工作汇报",
        "党政办",
        "全年",
    ),
    (
        "decisions",
        "对{next}年度重大行政决策事项目录内事项逐项落实公众参与、风险评估和合法性审查",
        "司法所",
        "全年",
    ),
    ("decisions", "行政规范性文件合法性审核和备案率保持100%", "司法所", "全年"),
    ("enforcement", "组织执法人员参加执法资格考试和综合执法业务培训", "综合执法队", "9月底前"),
    (
        "disputes",
        "开展矛盾纠纷“大排查大化解”专项行动，每季度研判一次重点矛盾纠纷",
        "综治中心",
        "每季度",
    ),
    ("disputes", "规范{grassroots}调委会建设，组织人民调解员培训", "司法所", "6月底前"),
    (
        "learning",
        "落实党委理论学习中心组学法和会前学法制度，全年领导班子集体学法不少于4次",
        "党政办",
        "全年",
    ),
    ("learning", "组织“宪法宣传周”和“法律明白人”培训活动", "司法所", "12月"),
    (
        "services",
        "实现{grassroots}法律顾问服务全覆盖，每月至少到村（社区）服务一次",
        "司法所",
        "全年",
    ),
    ("oversight", "对督察、自查发现问题逐项整改销号", "纪检监察室", "6月底前"),
]

# Each township uses a different selection, so no two demo plans read alike.
PICKS = {
    0: [0, 2, 5, 7, 9, 10],
    1: [0, 3, 6, 8, 9],
    2: [1, 2, 5, 8, 10],
    3: [0, 1, 4, 6, 7, 9],
}


@demo.register(order=95)
def gen(ctx) -> None:
    if ctx.bulk:
        return
    from .voice import for_unit

    made = 0
    for i, unit in enumerate(ctx.townships):
        v = for_unit(unit)
        for order, k in enumerate(PICKS.get(i % len(PICKS), PICKS[0])):
            theme, content, owner, when = PLAN[k]
            WorkPlanItem.objects.create(
                unit=unit,
                year=ctx.year + 1,
                theme=theme,
                content=content.format(next=ctx.year + 1, grassroots=v.grassroots, party=v.party),
                owner=owner,
                when=when,
                order=order,
            )
            made += 1
    drafted = 0
    for unit in ctx.townships[:4]:
        actor = _writer(ctx, unit)
        if actor is None or AnnualReport.objects.filter(unit=unit, year=ctx.year).exists():
            continue
        services.create_report(unit, ctx.year, actor=actor)
        drafted += 1
    ctx.log(f"年度报告：{made} 项工作要点，{drafted} 份草稿")


def _writer(ctx, unit):
    """The demo user who drafts ``unit``'s report (its clerk, else its admin)."""
    from fazhi.core.models import Membership
    from fazhi.core.roles import Role

    m = (
        Membership.objects.filter(unit=unit, role__in=[Role.TOWNSHIP_STAFF, Role.TOWNSHIP_ADMIN])
        .select_related("user")
        .order_by("role")
        .first()
    )
    return m.user if m else None


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
def gen_previous(ctx) -> None:
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

        # redrafted now it knows last year's figures ("较上年减少7件")
        services.generate(report, actor=ctx.users.get("clerk_df"))
        c = counts(prev)
        ctx.log(
            f"年度报告：{DEMO_UNIT}上年报告已导入（对应指标 {c['mapped']} 个，待核 {c['unmapped']} 个）"
        )
