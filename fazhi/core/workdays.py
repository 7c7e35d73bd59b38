"""Working days on the State Council holiday schedule.

Sources, in order: a schedule an admin entered for the year (CalendarYear), else the
``chinesecalendar`` package (which knows 2004 up to 2026), else weekends only, and the
result is then *provisional*: every function returns whether it was, so a deadline
computed for a year with no schedule is shown as provisional, never silently wrong.
Make-up working days (调休) count as working days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import chinese_calendar


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    provisional: bool

    def __str__(self) -> str:
        return self.date.isoformat() + ("（暂定）" if self.provisional else "")


@dataclass(frozen=True)
class YearSchedule:
    year: int
    source: str  # entered | package | provisional
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]

    @property
    def provisional(self) -> bool:
        return self.source == "provisional"


def _package_years() -> set[int]:
    return {d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays}


PACKAGE_YEARS = frozenset(_package_years())


@lru_cache(maxsize=64)
def schedule(year: int) -> YearSchedule:
    from .models import CalendarYear

    entered = CalendarYear.objects.filter(year=year).prefetch_related("days").first()
    if entered is not None:
        days = list(entered.days.all())
        return YearSchedule(
            year,
            "entered",
            frozenset(d.date for d in days if d.kind == "holiday"),
            frozenset(d.date for d in days if d.kind == "workday"),
        )
    if year in PACKAGE_YEARS:
        return YearSchedule(
            year,
            "package",
            frozenset(d for d in chinese_calendar.holidays if d.year == year),
            frozenset(d for d in chinese_calendar.workdays if d.year == year),
        )
    return YearSchedule(year, "provisional", frozenset(), frozenset())


def clear_cache() -> None:
    schedule.cache_clear()


def is_working_day(day: dt.date) -> bool:
    s = schedule(day.year)
    if day in s.workdays:
        return True
    if day in s.holidays:
        return False
    return day.weekday() < 5


def is_provisional(day: dt.date) -> bool:
    return schedule(day.year).provisional


def add_working_days(start: dt.date, n: int) -> Deadline:
    """The n-th working day after ``start`` (``start`` itself not counted)."""
    if n < 0:
        raise ValueError("n must be >= 0")
    day = start
    provisional = is_provisional(start)
    count = 0
    while count < n:
        day += dt.timedelta(days=1)
        provisional = provisional or is_provisional(day)
        if is_working_day(day):
            count += 1
    return Deadline(day, provisional)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def next_working_day(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def add_calendar_days(start: dt.date, n: int, *, roll_forward: bool = True) -> Deadline:
    """``start`` + n days; a period ending on a holiday ends on the next working day."""
    day = start + dt.timedelta(days=n)
    provisional = is_provisional(day)
    if roll_forward:
        rolled = next_working_day(day)
        provisional = provisional or is_provisional(rolled)
        day = rolled
    return Deadline(day, provisional)


def add_months(start: dt.date, months: int) -> dt.date:
    month = start.month - 1 + months
    year = start.year + month // 12
    month = month % 12 + 1
    import calendar

    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(start.day, last))


def year_status(year: int) -> str:
    return schedule(year).source
