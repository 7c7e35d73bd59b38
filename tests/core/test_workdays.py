import datetime as dt

import pytest

from fazhi.core import workdays
from fazhi.core.calendar_service import CalendarInputError, parse_schedule, save_schedule

D = dt.date
pytestmark = pytest.mark.django_db


def test_known_days():
    assert not workdays.is_working_day(D(2024, 10, 1))  # National Day
    assert workdays.is_working_day(D(2024, 10, 12))  # Saturday make-up day
    assert workdays.is_working_day(D(2026, 2, 14))  # Saturday make-up day before Spring Festival
    assert not workdays.is_working_day(D(2024, 10, 13))  # plain Sunday
    assert workdays.is_working_day(D(2024, 10, 8))


def test_add_working_days_across_national_day():
    # Friday 2024-09-27: Sun 29 (make-up) and Mon 30 count, 1-7 October are off.
    d = workdays.add_working_days(D(2024, 9, 27), 5)
    assert d == workdays.Deadline(D(2024, 10, 10), provisional=False)
    # A 15-working-day limit from 2024-09-25 crosses the holiday.
    assert workdays.add_working_days(D(2024, 9, 25), 15).date == D(2024, 10, 21)


def test_working_days_between():
    assert workdays.working_days_between(D(2024, 9, 30), D(2024, 10, 8)) == 1
    assert workdays.working_days_between(D(2024, 10, 8), D(2024, 9, 30)) == -1
    assert workdays.working_days_between(D(2024, 10, 8), D(2024, 10, 8)) == 0


def test_calendar_days_roll_forward_over_holidays():
    d = workdays.add_calendar_days(D(2024, 9, 16), 15)  # lands on 1 October
    assert d.date == D(2024, 10, 8)
    assert workdays.add_calendar_days(D(2024, 9, 16), 15, roll_forward=False).date == D(2024, 10, 1)


@pytest.mark.django_db
def test_year_without_schedule_is_provisional():
    d = workdays.add_working_days(D(2027, 1, 1), 3)
    assert d.provisional
    assert d.date == D(2027, 1, 6)  # weekends only: Mon 4, Tue 5, Wed 6
    assert "暂定" in str(d)
    # A deadline that reaches into 2027 from 2026 is provisional too.
    assert workdays.add_working_days(D(2026, 12, 28), 10).provisional
    assert not workdays.add_working_days(D(2026, 3, 2), 10).provisional


@pytest.mark.django_db
def test_entered_schedule_is_used_and_not_provisional():
    days = parse_schedule(
        2027, "2027-01-01 放假 元旦\n2027-01-04~2027-01-05 放假 测试\n2027-01-09 上班 调休"
    )
    save_schedule(2027, days, source="国办发明电〔2026〕1号")
    assert workdays.year_status(2027) == "entered"
    assert not workdays.is_working_day(D(2027, 1, 4))
    assert workdays.is_working_day(D(2027, 1, 9))  # a Saturday make-up day
    d = workdays.add_working_days(D(2026, 12, 31), 3)
    assert d == workdays.Deadline(D(2027, 1, 8), provisional=False)  # 1, 4, 5 off; 6, 7, 8


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "没有填写任何日期"),
        ("2027-13-01 放假 x", "日期无效"),
        ("2027-01-01 休假 x", "类型应为"),
        ("2026-01-01 放假 x", "不在2027年内"),
        ("garbage", "格式不正确"),
    ],
)
def test_schedule_input_errors(text, message):
    with pytest.raises(CalendarInputError, match=message):
        parse_schedule(2027, text)
