"""Entering a year's State Council holiday schedule (for years the package does not know).

Text format, one line each (``#`` starts a comment)::

    2027-01-01 放假 元旦
    2027-02-05~2027-02-11 放假 春节
    2027-02-14 上班 春节调休
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction

from . import audit
from .models import CalendarDay, CalendarYear

_HOLIDAY_WORDS = {"放假", "假日", "休息", "holiday"}
_WORKDAY_WORDS = {"上班", "调休", "调休上班", "补班", "workday"}
_LINE = re.compile(
    r"^(\d{4}-\d{1,2}-\d{1,2})(?:\s*[~～至]\s*(\d{4}-\d{1,2}-\d{1,2}))?\s+(\S+)\s*(.*)$"
)


class CalendarInputError(ValueError):
    pass


def parse_schedule(year: int, text: str) -> list[tuple[dt.date, str, str]]:
    if not 2000 <= year <= 2100:
        raise CalendarInputError("年度应在2000到2100之间")
    days: dict[dt.date, tuple[str, str]] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = _LINE.match(line)
        if not m:
            raise CalendarInputError(f"第{number}行格式不正确：应为“日期 放假|上班 名称”")
        try:
            start = dt.date.fromisoformat(_pad(m.group(1)))
            end = dt.date.fromisoformat(_pad(m.group(2))) if m.group(2) else start
        except ValueError:
            raise CalendarInputError(f"第{number}行日期无效")
        word = m.group(3)
        if word in _HOLIDAY_WORDS:
            kind = "holiday"
        elif word in _WORKDAY_WORDS:
            kind = "workday"
        else:
            raise CalendarInputError(f"第{number}行类型应为“放假”或“上班”")
        if end < start or (end - start).days > 31:
            raise CalendarInputError(f"第{number}行日期范围无效")
        day = start
        while day <= end:
            if day.year != year:
                raise CalendarInputError(f"第{number}行的日期不在{year}年内")
            days[day] = (kind, m.group(4).strip()[:50])
            day += dt.timedelta(days=1)
    if not days:
        raise CalendarInputError("没有填写任何日期")
    return [(d, k, n) for d, (k, n) in sorted(days.items())]


def _pad(text: str) -> str:
    y, m, d = text.split("-")
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


def save_schedule(
    year: int, days: list[tuple[dt.date, str, str]], *, source: str = "", user=None
) -> CalendarYear:
    """Replace the year's entered schedule, atomically and audited."""
    with transaction.atomic():
        cal, _ = CalendarYear.objects.update_or_create(
            year=year, defaults={"source": source[:200], "entered_by": user}
        )
        cal.days.all().delete()
        CalendarDay.objects.bulk_create(
            [CalendarDay(calendar=cal, date=d, kind=k, name=n) for d, k, n in days]
        )
        audit.record(
            audit.E.CONFIG, obj=cal, detail={"calendar_year": year, "days": len(days)}, user=user
        )
    from . import workdays

    workdays.clear_cache()
    return cal
