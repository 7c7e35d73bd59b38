"""Retention: personal data of long-closed cases anonymised by the daily job, held ones kept."""

import datetime as dt
import logging

import pytest
from django.utils import timezone

from fazhi.core import retention
from fazhi.core.models import AuditEvent
from fazhi.disputes.models import DisputeParty, HotlineAppeal, Petitioner

from .helpers import ID_A, PHONE_A, appeal, dispute, petition

pytestmark = pytest.mark.django_db
LONG_AGO = timezone.localdate() - dt.timedelta(days=365 * 11)


def _close(case, on):
    case.closed_on = on
    case.save()


def test_old_closed_cases_are_anonymised_held_and_recent_ones_kept(world):
    old = dispute(world, title="旧案")
    held = dispute(world, title="保全案")
    recent = dispute(world, title="近案")
    _close(old, LONG_AGO)
    _close(held, LONG_AGO)
    held.legal_hold = True
    held.save()
    _close(recent, timezone.localdate())
    pet = petition(world)
    _close(pet, LONG_AGO)
    call = appeal(world, "T-OLD")
    _close(call, LONG_AGO)

    done = retention.run()
    assert (
        done["disputes.Dispute"] == 1
        and done["disputes.Petition"] == 1
        and done["disputes.HotlineAppeal"] == 1
    )
    gone = DisputeParty.objects.filter(dispute=old)
    assert {p.name for p in gone} == {retention.ANONYMISED}
    assert all(p.id_number == "" and p.phone == "" for p in gone)
    assert all(h.id_number in ("", None) for h in DisputeParty.history.filter(dispute_id=old.pk))
    assert {p.name for p in DisputeParty.objects.filter(dispute=held)} == {"张三", "李四"}
    assert DisputeParty.objects.filter(dispute=recent, id_number=ID_A).exists() or any(
        p.id_number == ID_A for p in DisputeParty.objects.filter(dispute=recent)
    )
    assert Petitioner.objects.get(petition=pet).name == retention.ANONYMISED
    refreshed = HotlineAppeal.objects.get(pk=call.pk)
    assert refreshed.caller == retention.ANONYMISED and refreshed.phone == ""
    assert AuditEvent.objects.filter(event="retention").count() >= 3
    assert retention.run()["disputes.Dispute"] == 0  # once only


def test_logs_carry_no_identifiers(world, caplog, api_for):
    """SECURITY.md row 14: register, search, export and reveal; the logs never hold the numbers."""
    caplog.set_level(logging.DEBUG)
    d = dispute(world)
    api = api_for(world.admin_a)
    api.get("/disputes/disputes", q=ID_A)
    api.get(f"/disputes/disputes/{d.pk}")
    c = api.c
    c.get("/disputes/cases/export.xlsx")
    c.get(f"/disputes/cases/?q={PHONE_A}")
    c.post(
        "/api/v1/auth/token",
        {"username": "admin_a", "password": "wrong"},
        content_type="application/json",
    )
    text = caplog.text
    assert ID_A not in text and PHONE_A not in text and "wrong" not in text
