import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from fazhi.core import pii
from fazhi.core.models import AuditEvent
from tests.ledgerapp.models import Note

VALID_ID = "11010519491231002X"


def test_resident_id_check_digit():
    assert pii.is_valid_resident_id(VALID_ID)
    assert pii.is_valid_resident_id(VALID_ID.lower())
    assert not pii.is_valid_resident_id("110105194912310021")  # wrong check digit
    assert not pii.is_valid_resident_id("110105194902300028")  # 30 February
    assert not pii.is_valid_resident_id("1101051949123100")
    with pytest.raises(ValidationError):
        pii.validate_resident_id("123")


def test_mobile():
    assert pii.is_valid_mobile("13812345678")
    assert pii.is_valid_mobile("+86 138-1234-5678")
    assert not pii.is_valid_mobile("12812345678")
    assert not pii.is_valid_mobile("1381234567")
    with pytest.raises(ValidationError):
        pii.validate_mobile("abc")


def test_masks():
    assert pii.mask_resident_id("110105194912310021") == "110105********0021"
    assert pii.mask_mobile("13812345678") == "138****5678"
    assert pii.mask_mobile("") == ""


@given(st.text(max_size=40))
def test_masking_never_shows_the_middle(value):
    masked = pii.mask_resident_id(value)
    assert len(masked) == len(pii.normalize_resident_id(value))
    masked_phone = pii.mask_mobile(value)
    assert len(masked_phone) == len(pii.normalize_mobile(value))


@given(st.from_regex(r"\A\d{17}\Z"))
def test_generated_ids_validate(first17):
    value = first17 + pii.id_check_digit(first17)
    y, m, d = int(value[6:10]), int(value[10:12]), int(value[12:14])
    import datetime as dt

    try:
        dt.date(y, m, d)
        date_ok = True
    except ValueError:
        date_ok = False
    assert pii.is_valid_resident_id(value) == date_ok


@pytest.mark.django_db
def test_reveal_is_audited_and_refused_for_viewers(world):
    from fazhi.core.roles import Role
    from tests.factories import member

    note = Note.objects.create(unit=world.township_a, title="n")
    assert pii.reveal(world.clerk_a, note, "phone", "13812345678") == "13812345678"
    row = AuditEvent.objects.filter(event="pii_reveal").get()
    assert row.username == "clerk_a" and row.detail == {"field": "phone"}
    assert "13812345678" not in str(row.detail)
    viewer = member(world.township_a, Role.VIEWER)
    assert pii.reveal(viewer, note, "phone", "13812345678") is None
    assert AuditEvent.objects.filter(event="permission_refused", outcome="refused").exists()
