"""A small hand-countable set of ledger records for township A (and noise elsewhere)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fazhi.disputes.models import Dispute, DisputeCategory, Petition

YEAR = 2024


def _dispute(unit, n, **kw):
    cat = DisputeCategory.objects.order_by("pk").first() or DisputeCategory.objects.create(
        name="邻里纠纷"
    )
    base = {
        "unit": unit,
        "number": f"{unit.code}-{n}",
        "title": f"纠纷{n}",
        "source": "visit",
        "category": cat,
        "registered_on": dt.date(YEAR, 3, n),
        "mediation_due": dt.date(YEAR, 4, n),
    }
    base.update(kw)
    return Dispute.objects.create(**base)


def seed_ledgers(world) -> None:
    a, v = world.township_a, world.village_a
    # Township A, 2024: 5 disputes; 3 succeeded (2 in the village), 1 failed, 1 open past due.
    _dispute(
        v,
        1,
        status="closed",
        outcome="succeeded",
        resolved_level="village",
        amount=Decimal("10000"),
        agreement_on=dt.date(YEAR, 3, 20),
    )
    _dispute(
        v,
        2,
        status="closed",
        outcome="succeeded",
        resolved_level="village",
        amount=Decimal("20000"),
        agreement_on=dt.date(YEAR, 3, 21),
    )
    _dispute(
        a,
        3,
        status="agreed",
        outcome="succeeded",
        resolved_level="township",
        amount=Decimal("30500"),
        agreement_on=dt.date(YEAR, 3, 22),
    )
    _dispute(a, 4, status="terminated", outcome="failed", terminated_on=dt.date(YEAR, 3, 25))
    _dispute(a, 5, status="mediating", amount=Decimal("5000"), mediation_due=dt.date(YEAR, 6, 1))
    # Noise: another year, the sibling township.
    _dispute(
        a,
        6,
        registered_on=dt.date(YEAR - 1, 5, 1),
        status="closed",
        outcome="succeeded",
        amount=Decimal("99999"),
    )
    _dispute(world.township_b, 7, status="closed", outcome="succeeded", amount=Decimal("7"))
    # Petitions: two in A, one replied on time (satisfied), one late (unsatisfied).
    for n, on_time, sat in ((1, True, "satisfied"), (2, False, "unsatisfied")):
        Petition.objects.create(
            unit=a,
            number=f"XF-{n}",
            channel="letter",
            petition_type="claim",
            matter=f"事项{n}",
            received_on=dt.date(YEAR, 5, n),
            acceptance_due=dt.date(YEAR, 5, 20),
            return_due=dt.date(YEAR, 5, 10),
            status="closed",
            replied_on=dt.date(YEAR, 6, n),
            replied_on_time=on_time,
            satisfaction=sat,
        )


EXPECTED = {
    "disputes.mediated": ("ok", "5"),
    "disputes.succeeded": ("ok", "3"),
    "disputes.success_rate": ("ok", "75.0"),
    "disputes.amount_yuan": ("ok", "6.55"),
    "disputes.resolved_in_village_rate": ("ok", "66.7"),
    "disputes.overdue": ("ok", "1"),
    "petitions.received": ("ok", "2"),
    "petitions.replied_on_time_rate": ("ok", "50.0"),
    "petitions.satisfaction_rate": ("ok", "50.0"),
    "petitions.backlog_resolved": ("ok", "0"),
    "hotline.received": ("ok", "0"),
    "hotline.completion_rate": ("na", None),
    "hotline.satisfaction_rate": ("na", None),
    "advisers.village_coverage": ("ok", "0.0"),
}
