"""Legal-services rules: coverage gaps, the monthly duty minimum, validation, indicators."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from fazhi.core.errors import DomainError, InvalidInput, TransitionNotAllowed
from fazhi.core.models import Unit, UnitKind
from fazhi.legalservice import services
from fazhi.legalservice.models import ShiftStatus
from fazhi.legalservice.procedures import run_shift

from .helpers import adviser

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 6, 20)


@pytest.fixture
def second_village(world):
    return Unit.objects.create(
        code="10000102", name="乙村", kind=UnitKind.VILLAGE, parent=world.township_a, remote=True
    )


@time_machine.travel("2024-06-20 10:00 +0800", tick=False)
def test_coverage_lists_the_gap_and_registering_an_adviser_closes_it(world, second_village):
    adviser(world, served=[world.village_a])
    rows = services.coverage(world.township_a)
    assert [(r.village.name, r.covered) for r in rows] == [("甲村", True), ("乙村", False)]
    assert services.coverage_gaps(world.township_a) == [second_village]
    adviser(world, name="钱律师", served=[second_village])
    assert services.coverage_gaps(world.township_a) == []
    cov = services.village_coverage(world.township_a, 2024)
    assert (cov["villages"], cov["covered"], cov["rate"]) == (2, 2, 1.0)


@time_machine.travel("2024-06-20 10:00 +0800", tick=False)
def test_an_expired_or_dismissed_adviser_leaves_a_gap(world):
    adviser(world, end=dt.date(2024, 5, 31))
    assert services.coverage_gaps(world.township_a) == [world.village_a]
    assert services.coverage_gaps(world.township_a, dt.date(2024, 5, 1)) == []
    a = adviser(world, name="孙律师")
    assert services.coverage_gaps(world.township_a) == []
    services.update_adviser(
        a,
        actor=world.admin_a,
        served=[world.village_a],
        name=a.name,
        firm=a.firm,
        contract_start=a.contract_start,
        contract_end=a.contract_end,
        active=False,
    )
    assert services.coverage_gaps(world.township_a) == [world.village_a]


def test_adviser_input_is_checked(world):
    with pytest.raises(InvalidInput, match="截止日期不能早于"):
        adviser(world, start=dt.date(2024, 6, 1), end=dt.date(2024, 5, 1))
    with pytest.raises(InvalidInput, match="联系电话无效"):
        adviser(world, phone="12345")
    other_village = Unit.objects.create(
        code="10000201", name="丙村", kind=UnitKind.VILLAGE, parent=world.township_b
    )
    with pytest.raises(InvalidInput, match="不在甲镇辖区内"):
        adviser(world, served=[other_village])
    with pytest.raises(PermissionDenied, match="无权"):
        services.create_adviser(
            unit=world.township_a,
            actor=world.clerk_b,
            served=[],
            name="x",
            firm="y",
            contract_start=TODAY,
            contract_end=TODAY,
        )
    assert not services.LegalAdviser.objects.exists()


@time_machine.travel("2024-06-20 10:00 +0800", tick=False)
def test_duty_minimum_is_lower_for_remote_villages_and_configurable_per_county(
    world, second_village
):
    a = adviser(world, served=[world.village_a, second_village])
    for day in (3, 10):
        services.plan_shift(
            unit=world.village_a,
            actor=world.clerk_a,
            adviser=a,
            date=dt.date(2024, 5, day),
            status=ShiftStatus.HELD,
        )
    services.plan_shift(
        unit=second_village,
        actor=world.clerk_a,
        adviser=a,
        date=dt.date(2024, 5, 6),
        status=ShiftStatus.HELD,
    )
    rows = {r.village.name: r for r in services.duty_compliance(world.township_a, 2024, 5)}
    assert (rows["甲村"].minimum, rows["甲村"].held, rows["甲村"].met) == (2, 2, True)
    assert (rows["乙村"].minimum, rows["乙村"].held, rows["乙村"].met) == (1, 1, True)

    services.save_settings(
        world.county, actor=world.supervisor, duty_min_days=3, duty_min_days_remote=2
    )
    rows = {r.village.name: r for r in services.duty_compliance(world.township_a, 2024, 5)}
    assert (rows["甲村"].minimum, rows["甲村"].short) == (3, 1)
    assert (rows["乙村"].minimum, rows["乙村"].short) == (2, 1)
    # June has nothing held yet.
    assert not any(r.met for r in services.duty_compliance(world.township_a, 2024, 6))


def test_settings_are_the_countys_and_validated(world):
    with pytest.raises(PermissionDenied, match="无权"):
        services.save_settings(
            world.county, actor=world.admin_a, duty_min_days=1, duty_min_days_remote=1
        )
    with pytest.raises(InvalidInput, match="按县"):
        services.save_settings(
            world.township_a, actor=world.supervisor, duty_min_days=1, duty_min_days_remote=1
        )
    with pytest.raises(InvalidInput, match="不应高于"):
        services.save_settings(
            world.county, actor=world.supervisor, duty_min_days=1, duty_min_days_remote=2
        )
    assert services.settings_for(world.village_a) == (2, 1)


@time_machine.travel("2024-06-20 10:00 +0800", tick=False)
def test_a_shift_is_held_only_on_or_after_its_day_and_within_the_contract(world):
    a = adviser(world, start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))
    with pytest.raises(InvalidInput, match="不在赵律师的聘用期内"):
        services.plan_shift(
            unit=world.village_a, actor=world.clerk_a, adviser=a, date=dt.date(2025, 1, 5)
        )
    future = services.plan_shift(
        unit=world.village_a, actor=world.clerk_a, adviser=a, date=dt.date(2024, 6, 25)
    )
    with pytest.raises(TransitionNotAllowed, match="尚未到"):
        run_shift(future, "hold", user=world.clerk_a)
    past = services.plan_shift(
        unit=world.village_a, actor=world.clerk_a, adviser=a, date=dt.date(2024, 6, 18)
    )
    past = run_shift(past, "hold", user=world.clerk_a, note="接待群众3人")
    assert past.status == ShiftStatus.HELD and past.version == 1
    with pytest.raises(TransitionNotAllowed, match="当前状态为“已坐班”"):
        run_shift(past, "miss", user=world.clerk_a)
    with pytest.raises(DomainError, match="已登记"):
        services.plan_shift(
            unit=world.village_a, actor=world.clerk_a, adviser=a, date=dt.date(2024, 6, 18)
        )


@time_machine.travel("2024-06-20 10:00 +0800", tick=False)
def test_consultations_and_centre_counts(world):
    a = adviser(world)
    services.record_consultation(
        unit=world.village_a,
        actor=world.clerk_a,
        date=TODAY,
        place="村委会",
        topic="土地流转",
        channel="on_site",
        adviser=a,
        persons=3,
    )
    with pytest.raises(InvalidInput, match="不能晚于今天"):
        services.record_consultation(
            unit=world.village_a,
            actor=world.clerk_a,
            date=TODAY + dt.timedelta(days=1),
            place="村委会",
            topic="x",
            channel="on_site",
        )
    with pytest.raises(InvalidInput, match="服务人次"):
        services.record_consultation(
            unit=world.village_a,
            actor=world.clerk_a,
            date=TODAY,
            place="村委会",
            topic="x",
            channel="on_site",
            persons=0,
        )
    services.record_center_day(
        unit=world.township_a, actor=world.clerk_a, date=TODAY, visits=5, self_service=2
    )
    # Entering the same day again corrects it rather than double-counting.
    services.record_center_day(
        unit=world.township_a, actor=world.clerk_a, date=TODAY, visits=8, self_service=4
    )
    with pytest.raises(InvalidInput, match="按乡镇"):
        services.record_center_day(
            unit=world.village_a, actor=world.clerk_a, date=TODAY, visits=1, self_service=1
        )
    assert services.service_center_totals(world.county, 2024) == {
        "visits": 8,
        "self_service": 4,
        "days": 1,
    }
    assert services.consultations_total(world.county, 2024) == {
        "count": 1,
        "persons": 3,
        "duty_shifts": 0,
    }
    assert services.consultations_total(world.township_b, 2024)["count"] == 0


@time_machine.travel("2024-06-20 10:00 +0800", tick=False)
def test_indicator_queries_are_bounded(world, django_assert_max_num_queries):
    villages = [
        Unit.objects.create(
            code=f"1000019{i}", name=f"村{i}", kind=UnitKind.VILLAGE, parent=world.township_a
        )
        for i in range(8)
    ]
    a = adviser(world, served=villages)
    for v in villages:
        services.record_consultation(
            unit=v,
            actor=world.clerk_a,
            date=TODAY,
            place="p",
            topic="t",
            channel="phone",
            adviser=a,
            persons=2,
        )
    with django_assert_max_num_queries(4):
        cov = services.village_coverage(world.county, 2024)
        total = services.consultations_total(world.county, 2024)
    assert (cov["villages"], cov["covered"]) == (9, 8)
    assert (total["count"], total["persons"]) == (8, 16)
    with django_assert_max_num_queries(3):
        services.coverage(world.county)


def test_legal_aid_referral_masks_the_person(world):
    r = services.record_referral(
        unit=world.township_a,
        actor=world.clerk_a,
        date=dt.date(2024, 3, 1),
        person_name="张大伟",
        matter="追索劳动报酬",
        phone="13812345678",
    )
    assert r.person_masked == "张*伟"
    r = services.set_referral_outcome(r, actor=world.clerk_a, outcome="accepted")
    assert r.get_outcome_display() == "已受理援助"
    with pytest.raises(InvalidInput):
        services.set_referral_outcome(r, actor=world.clerk_a, outcome="nonsense")
