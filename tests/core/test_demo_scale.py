"""The scaled demo generator and the fast bulk insert it uses (``fazhi demo --scale county``).

The county scale itself (about a million records) is measured by ``make bench``, not run
here; these tests build the same generator at a tiny scale: several counties, several
years, and check what the county scale relies on.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from fazhi.core import bulk, demo
from fazhi.core.models import Unit, UnitKind
from tests.core.test_cli import _run

TINY = demo.Scale(
    townships=5,
    villages_per_township=4,
    years=2,
    counties=2,
    disputes=(6, 8),
    petitions=(2, 3),
    hotline=(10, 12),
    grid_cases=(10, 14),
)


@pytest.fixture
def tiny(monkeypatch):
    monkeypatch.setitem(demo.SCALES, "tiny", TINY)
    return "tiny"


@pytest.mark.django_db
def test_scaled_build_has_every_county_township_village_and_year(tiny):
    from django.contrib.auth import get_user_model

    from fazhi.disputes.models import Dispute, HotlineAppeal

    ctx = demo.build(scale=tiny, seed=11, year=2026)
    counties = Unit.objects.filter(kind=UnitKind.COUNTY).order_by("code")
    assert [c.code for c in counties] == ["990100", "990200"]
    assert len(ctx.counties) == 2 and ctx.years == [2025, 2026]
    for county in counties:
        units = Unit.objects.subtree(county)
        assert units.townships().count() == 5
        assert units.villages().count() == 20
        years = {
            d.year
            for d in HotlineAppeal.objects.in_subtree(county).values_list("received_on", flat=True)
        }
        assert years == {2025, 2026}
        assert Dispute.objects.in_subtree(county).exists()
    users = set(get_user_model().objects.values_list("username", flat=True))
    assert {"clerk_df", "clerk_df_2", "county", "county_2"} <= users
    # the second county's clerk works in the second county
    clerk2 = get_user_model().objects.get(username="clerk_df_2")
    assert clerk2.memberships.get().unit.code.startswith("9902")


@pytest.mark.django_db
def test_bulk_generated_identifiers_are_encrypted_at_rest(tiny):
    from fazhi.disputes.models import DisputeParty, HotlineAppeal

    demo.build(scale=tiny, seed=12, year=2026)
    party = DisputeParty.objects.exclude(id_number="").first()
    appeal = HotlineAppeal.objects.exclude(phone="").first()
    assert len(party.id_number) == 18 and appeal.phone.startswith("1")
    with connection.cursor() as cur:
        cur.execute("SELECT id_number FROM disputes_disputeparty WHERE id = %s", [party.pk])
        raw_id = cur.fetchone()[0]
        cur.execute("SELECT phone FROM disputes_hotlineappeal WHERE id = %s", [appeal.pk])
        raw_phone = cur.fetchone()[0]
    assert party.id_number not in raw_id and appeal.phone not in raw_phone
    # and the blind index finds them, as the ledgers' search does
    from fazhi.core import crypto

    kind = HotlineAppeal._meta.get_field("phone").kind
    assert HotlineAppeal.objects.filter(phone_bidx=crypto.blind_index(kind, appeal.phone)).exists()


@pytest.mark.django_db
def test_bulk_insert_round_trips_values_and_leaves_the_sequence_usable(world):
    from fazhi.disputes.demo import ensure_categories
    from fazhi.disputes.models import Dispute, DisputeCategory, DisputeParty

    ensure_categories()
    cat = DisputeCategory.objects.first()
    rows = [
        Dispute(
            unit=world.village_a,
            number=f"B-{i}",
            title=f"批量{i}",
            source="visit",
            category=cat,
            amount=Decimal("1234.56"),
            registered_on=dt.date(2026, 3, i + 1),
        )
        for i in range(30)
    ]
    bulk.insert(Dispute, rows)
    pks = [d.pk for d in rows]
    assert pks == list(range(pks[0], pks[0] + 30))
    bulk.insert(
        DisputeParty, [DisputeParty(dispute=d, name="甲", phone="13800138000") for d in rows]
    )
    back = Dispute.objects.get(pk=pks[5])
    assert back.title == "批量5" and back.amount == Decimal("1234.56")
    assert back.registered_on == dt.date(2026, 3, 6) and back.created_at is not None
    assert back.parties.get().phone == "13800138000"
    # an ordinary insert afterwards gets a fresh key (PostgreSQL: the sequence was moved)
    later = Dispute.objects.create(
        unit=world.village_a, number="B-later", title="其后", source="visit", category=cat,
        registered_on=dt.date(2026, 4, 1),
    )  # fmt: skip
    assert later.pk > pks[-1]
    assert bulk.insert(Dispute, []) == []


def test_unknown_scale_and_misplaced_counties_are_one_line_errors(tmp_path):
    assert _run("migrate", "-v0", tmp_path=tmp_path).returncode == 0
    bad = _run("demo", "--counties", "2", tmp_path=tmp_path)
    assert bad.returncode == 1 and "province" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    bad = _run("demo", "--scale", "province", "--counties", "0", tmp_path=tmp_path)
    assert bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1
    bad = _run("demo", "--scale", "galaxy", tmp_path=tmp_path)
    assert bad.returncode != 0 and len(bad.stderr.strip().splitlines()) == 1


@pytest.mark.django_db
def test_a_county_of_twenty_townships_builds(monkeypatch):
    """The county scale has 20 townships: per-township dates (a visit on 12 + k June)
    must stay valid days for every one of them."""
    wide = demo.Scale(
        townships=20,
        villages_per_township=1,
        years=1,
        counties=1,
        disputes=(1, 2),
        petitions=(1, 1),
        hotline=(1, 2),
        grid_cases=(1, 2),
    )
    monkeypatch.setitem(demo.SCALES, "wide", wide)
    demo.build(scale="wide", seed=13, year=2026)
    assert Unit.objects.townships().count() == 20
