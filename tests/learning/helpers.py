"""Small builders for the study tests."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from fazhi.learning import services


def cadre(world, unit=None, name="张三", **kw):
    unit = unit or world.township_a
    data = {"name": name, "post": kw.pop("post", "科员"), **kw}
    return services.create_cadre(unit=unit, actor=_actor(world, unit), **data)


def _actor(world, unit):
    return world.admin_a if unit.is_within(world.township_a) else world.clerk_b


def session(world, unit=None, date=dt.date(2024, 3, 1), hours="2", **kw):
    data = {
        "kind": kw.pop("kind", "lecture"),
        "date": date,
        "topic": kw.pop("topic", "民法典专题讲座"),
        "hours": Decimal(hours),
        **kw,
    }
    unit = unit or world.township_a
    return services.create_session(unit=unit, actor=_actor(world, unit), **data)


def xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
