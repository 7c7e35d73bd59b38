"""Demo data: at county scale, the past years' indicator snapshots, frozen as they are when
each year's annual report is published (the dashboard's trends then read them)."""

from __future__ import annotations

from fazhi.core import demo

from . import services


@demo.register(order=90)
def gen(ctx) -> None:
    if not ctx.bulk:
        return
    actor = ctx.users.get("county")
    n = 0
    for year in ctx.years[:-1]:
        for unit in [*ctx.townships, ctx.county]:
            services.take_snapshot(
                unit, year, actor=actor, purpose="年度报告取数（已冻结）", frozen=True
            )
            n += 1
    ctx.log(f"指标：往年 {n} 份冻结快照")
