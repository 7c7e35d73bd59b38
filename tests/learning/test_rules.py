"""The study rules: hours against the (county-configurable) requirement, pace, exam rates."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from fazhi.core.errors import InvalidInput
from fazhi.core.models import AuditEvent
from fazhi.learning import services
from fazhi.learning.models import Attendance, StudySession

from .helpers import cadre, session

pytestmark = pytest.mark.django_db


def test_elapsed_fraction():
    assert services.elapsed_fraction(2023, dt.date(2024, 6, 1)) == 1
    assert services.elapsed_fraction(2025, dt.date(2024, 6, 1)) == 0
    assert services.elapsed_fraction(2024, dt.date(2024, 12, 31)) == 1
    # 2024 is a leap year: 1 July is day 183 of 366, exactly half.
    assert services.elapsed_fraction(2024, dt.date(2024, 7, 1)) == Decimal("0.5")


@time_machine.travel(dt.datetime(2024, 7, 1, 10, tzinfo=dt.UTC))
def test_hours_against_pro_rata_and_full_requirement(world):
    on_pace, behind, met = cadre(world, name="甲"), cadre(world, name="乙"), cadre(world, name="丙")
    for i in range(10):  # 10 sessions of 2 h = 20 h: exactly half of 40 on 1 July
        s = session(world, date=dt.date(2024, 1, 10) + dt.timedelta(days=i * 10))
        services.check_in(s, on_pace, actor=world.clerk_a)
        services.check_in(s, met, actor=world.clerk_a)
        if i < 9:
            services.check_in(s, behind, actor=world.clerk_a)
    big = session(world, date=dt.date(2024, 6, 1), hours="20", kind="training")
    services.check_in(big, met, actor=world.clerk_a)
    # Last year's hours do not count this year.
    old = session(world, date=dt.date(2023, 12, 30), hours="8")
    services.check_in(old, behind, actor=world.clerk_a)

    by_name = {
        r.cadre.name: r
        for r in services.hours_report(
            services.Cadre.objects.filter(unit=world.township_a),
            2024,
            rules=services.rules_for(world.township_a),
        )
    }
    assert by_name["甲"].hours == 20 and by_name["甲"].expected == 20
    assert by_name["甲"].status == "on_pace"
    assert by_name["乙"].hours == 18 and by_name["乙"].status == "behind" and by_name["乙"].behind
    assert by_name["丙"].hours == 40 and by_name["丙"].status == "met"
    assert by_name["乙"].shortfall == 22
    # After the year: behind becomes "short" (未达标), met stays met.
    past = services.hours_report(
        services.Cadre.objects.filter(unit=world.township_a),
        2024,
        today=dt.date(2025, 1, 2),
        rules=services.rules_for(world.township_a),
    )
    assert {r.cadre.name: r.status for r in past} == {"甲": "short", "乙": "short", "丙": "met"}


@time_machine.travel(dt.datetime(2024, 12, 31, 10, tzinfo=dt.UTC))
def test_requirement_is_configurable_per_county(world):
    c = cadre(world)
    s = session(world, date=dt.date(2024, 5, 1), hours="30", kind="training")
    services.check_in(s, c, actor=world.clerk_a)
    assert services.cadre_hours(c, 2024).status == "short"  # 30 < 40 by default
    with pytest.raises(PermissionDenied):
        services.save_settings(world.county, actor=world.admin_a, required_hours=Decimal("30"))
    services.save_settings(world.county, actor=world.supervisor, required_hours=Decimal("30"))
    assert services.cadre_hours(c, 2024).status == "met"
    assert services.indicator_cadres_hours_rate(world.township_a, 2024) == Decimal("100.0")
    # The other county keeps the default.
    assert services.rules_for(world.other_township).required_hours == 40
    with pytest.raises(InvalidInput, match="优秀分数线不能低于合格分数线"):
        services.save_settings(
            world.county,
            actor=world.supervisor,
            exam_pass=Decimal("80"),
            exam_excellent=Decimal("70"),
        )
    with pytest.raises(InvalidInput, match="县"):
        services.save_settings(world.township_a, actor=world.supervisor)


def test_leadership_sessions_counted_apart(world):
    session(world, kind="central_group")  # leadership by nature
    session(world, kind="pre_meeting", leadership_group=True)
    session(world, kind="lecture")
    s = services.session_summary(world.township_a, 2024)
    assert s["total"] == 3 and s["leadership"] == 2
    assert dict(s["by_kind"])["党委理论学习中心组学法"] == 1
    assert StudySession.objects.get(kind="central_group").leadership_group is True
    assert services.indicator_sessions(world.county, 2024) == 3
    assert services.indicator_sessions(world.township_b, 2024) == 0


@time_machine.travel(dt.datetime(2024, 6, 1, 10, tzinfo=dt.UTC))
def test_attendance_rules(world):
    c = cadre(world)
    s = session(world, date=dt.date(2024, 5, 1), hours="2")
    with pytest.raises(InvalidInput, match="不能超过本次活动学时"):
        services.check_in(s, c, actor=world.clerk_a, hours=Decimal("3"))
    future = session(world, date=dt.date(2024, 6, 20))
    with pytest.raises(InvalidInput, match="尚未举行"):
        services.check_in(future, c, actor=world.clerk_a)
    other = cadre(world, unit=world.township_b, name="乙乡干部")
    with pytest.raises(InvalidInput, match="不属于"):
        services.check_in(s, other, actor=world.clerk_a)
    with pytest.raises(PermissionDenied):
        services.check_in(s, c, actor=world.clerk_b)
    services.check_in(s, c, actor=world.clerk_a, hours=Decimal("1.5"))
    services.check_in(s, c, actor=world.clerk_a)  # corrects to the session's hours
    row = Attendance.objects.get()
    assert row.hours == 2 and row.history.count() == 2
    # Session hours may not drop below what was credited.
    with pytest.raises(InvalidInput, match="超过新的活动学时"):
        services.update_session(s, actor=world.clerk_a, hours=Decimal("1"))
    # An inactive cadre cannot be checked in.
    services.update_cadre(c, actor=world.clerk_a, active=False)
    c.refresh_from_db()
    with pytest.raises(InvalidInput, match="不在职"):
        services.check_in(session(world, date=dt.date(2024, 5, 2)), c, actor=world.clerk_a)
    assert AuditEvent.objects.filter(object_type="learning.attendance").exists()


@time_machine.travel(dt.datetime(2024, 6, 1, 10, tzinfo=dt.UTC))
def test_set_attendance_adds_and_removes(world):
    a, b, c = cadre(world, name="甲"), cadre(world, name="乙"), cadre(world, name="丙")
    s = session(world, date=dt.date(2024, 5, 1))
    assert services.set_attendance(s, {a.pk, b.pk}, actor=world.clerk_a) == (2, 0)
    assert services.set_attendance(s, {b.pk, c.pk}, actor=world.clerk_a) == (1, 1)
    assert set(s.attendances.values_list("cadre__name", flat=True)) == {"乙", "丙"}
    outsider = cadre(world, unit=world.township_b, name="外")
    with pytest.raises(InvalidInput):
        services.set_attendance(s, {outsider.pk}, actor=world.clerk_a)


def _result(world, c, **kw):
    return services.record_exam_result(c, year=2024, actor=world.clerk_a, **kw)


def test_exam_rates(world):
    rules = services.rules_for(world.township_a)
    cs = [cadre(world, name=f"干部{i}") for i in range(5)]
    _result(world, cs[0], studied_online=True, score=Decimal("95"))
    _result(world, cs[1], studied_online=True, score=Decimal("60"))
    _result(world, cs[2], studied_online=True, score=Decimal("59.5"))
    _result(world, cs[3], studied_online=True)  # studied, did not take the exam
    r = services.exam_rates(world.township_a, 2024, rules=rules)
    assert (r.cadres, r.studied, r.took, r.passed, r.excellent) == (5, 4, 3, 2, 1)
    assert r.study_rate == Decimal("80.0")
    assert r.participation_rate == Decimal("60.0")
    assert r.pass_rate == Decimal("66.7")
    assert r.excellent_rate == Decimal("33.3")
    assert services.indicator_exam_participation_rate(world.county, 2024) == Decimal("60.0")
    # A cadre who left keeps counting for the year in which they have a result.
    services.update_cadre(cs[0], actor=world.clerk_a, active=False)
    assert services.exam_rates(world.township_a, 2024).cadres == 5
    assert services.exam_rates(world.township_a, 2025).cadres == 4
    with pytest.raises(InvalidInput, match="须填写成绩"):
        _result(world, cs[4], took_exam=True)


def test_exam_rates_with_zero_participants_are_not_applicable(world):
    r = services.exam_rates(world.township_b, 2024)
    assert r.cadres == 0
    assert r.study_rate is None and r.participation_rate is None
    assert r.pass_rate is None and r.excellent_rate is None
    cadre(world, name="没考")
    r = services.exam_rates(world.township_a, 2024)
    assert r.participation_rate == Decimal("0.0")  # a real zero: one cadre, nobody took it
    assert r.pass_rate is None and r.excellent_rate is None  # nobody took it: not applicable
    assert services.indicator_cadres_hours_rate(world.township_b, 2024) is None


def test_indicators_use_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    cs = [cadre(world, name=f"干部{i}") for i in range(12)]
    with time_machine.travel(dt.datetime(2024, 12, 1, tzinfo=dt.UTC)):
        for i in range(6):
            s = session(world, date=dt.date(2024, 3, 1 + i), hours="8")
            for c in cs[: 2 * i + 1]:
                services.check_in(s, c, actor=world.clerk_a)
    for c in cs:
        _result(world, c, studied_online=True, score=Decimal("88"))
    with django_assert_max_num_queries(4):
        assert services.indicator_sessions(world.county, 2024) == 6
    with django_assert_max_num_queries(6):
        # 40 h needs 5 sessions of 8 h: cadre 0 attended 6, cadres 1 and 2 attended 5 → 3 of 12.
        assert services.indicator_cadres_hours_rate(world.county, 2024) == Decimal("25.0")
    with django_assert_max_num_queries(6):
        assert services.indicator_exam_participation_rate(world.county, 2024) == Decimal("100.0")
