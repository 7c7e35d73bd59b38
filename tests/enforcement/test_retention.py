"""Retention of natural persons' data in closed enforcement cases and legal aid referrals."""

import datetime as dt

import pytest
from django.utils import timezone

from fazhi.core import retention
from fazhi.enforcement.models import EnforcementCase
from fazhi.legalservice.models import LegalAidReferral

from .helpers import ID, case, officers

pytestmark = pytest.mark.django_db
LONG_AGO = timezone.localdate() - dt.timedelta(days=365 * 11)


def test_closed_natural_person_cases_and_old_referrals_are_anonymised(world):
    certs = officers(world)
    old = case(world, certs=certs)
    held = case(world, certs=certs)
    company = case(world, certs=certs, subject_type="legal", subject_name="某某食品有限公司")
    for c in (old, held, company):
        c.closed_on = LONG_AGO
        c.legal_hold = c is held
        c.save()
    ref = LegalAidReferral.objects.create(
        unit=world.township_a, date=LONG_AGO, person_name="赵六", phone="13812345678", matter="讨薪"
    )
    done = retention.run()
    assert done["enforcement.EnforcementCase"] == 1
    assert done["legalservice.LegalAidReferral"] == 1
    old = EnforcementCase.objects.get(pk=old.pk)
    assert old.subject_name == retention.ANONYMISED and old.id_number == "" and old.anonymised_at
    assert all(h.id_number in ("", None) for h in EnforcementCase.history.filter(id=old.pk))
    assert EnforcementCase.objects.get(pk=held.pk).id_number == ID
    assert EnforcementCase.objects.get(pk=company.pk).subject_name == "某某食品有限公司"
    ref.refresh_from_db()
    assert ref.person_name == retention.ANONYMISED and ref.phone == ""
    assert retention.run()["enforcement.EnforcementCase"] == 0
