"""Record builders for the oversight tests."""

from __future__ import annotations

import datetime as dt

from fazhi.oversight import services
from fazhi.oversight.models import InspectionKind


def county_inspection(world, *, date=dt.date(2024, 9, 10), title="2024年度法治政府建设督察"):
    return services.create_inspection(
        actor=world.supervisor,
        kind=InspectionKind.SUPERVISION,
        target=world.township_a,
        date=date,
        title=title,
    )


def finding(
    inspection, world, *, problem="规范性文件备案超期", deadline=None, days=None, owner=None
):
    return services.add_finding(
        inspection,
        actor=world.supervisor,
        problem=problem,
        owner_name="钱副镇长",
        deadline=deadline,
        days=days,
        owner_username=owner,
    )
