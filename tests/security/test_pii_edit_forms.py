"""Issue 21 L2: identifiers in edit forms are masked for roles that may not reveal.

As a legal adviser (no ``reveal_pii``), the edit pages of a legal liaison and of a legal
adviser carried the whole phone number in the input's value. Now the input shows it masked
(``pii.MaskedIdentifiersMixin``); submitting the masked value unchanged keeps the stored
number; a new full number replaces it. A role that may reveal sees the whole number.
"""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django import forms
from django.apps import apps

from fazhi.core import pii
from fazhi.core.crypto import EncryptedIdentifierField
from fazhi.core.roles import Role
from fazhi.legalservice import services as legalservice_services
from fazhi.legalservice.models import LegalAdviser, LegalAidReferral
from fazhi.publicity import services as publicity_services
from fazhi.publicity.models import LegalLiaison
from tests.factories import member
from tests.legalservice.helpers import adviser

PHONE = "13912345678"
MASKED = pii.mask_mobile(PHONE)
NEW = "13700001111"


def _liaison(world):
    return publicity_services.create_liaison(
        unit=world.village_a, actor=world.clerk_a, name="李明白", phone=PHONE
    )


def _edit_pages(world):
    liaison = _liaison(world)
    a = adviser(world, phone=PHONE)
    referral = legalservice_services.record_referral(
        unit=world.township_a,
        actor=world.clerk_a,
        date=dt.date(2024, 3, 1),
        person_name="张大伟",
        matter="追索劳动报酬",
        phone=PHONE,
    )
    # (page, stored number, form, status of a refused number: the ledger framework's edit
    # page answers a form error 400)
    return [
        (
            f"/publicity/liaisons/{liaison.pk}/edit/",
            lambda: LegalLiaison.objects.get(pk=liaison.pk).phone,
            {"name": "李明白", "occupation": "", "active": "on"},
            400,
        ),
        (
            f"/legalservice/advisers/{a.pk}/edit/",
            lambda: LegalAdviser.objects.get(pk=a.pk).phone,
            {
                "name": a.name,
                "firm": a.firm,
                "contract_start": "2024-01-01",
                "contract_end": "2030-12-31",
                "served": [world.village_a.pk],
                "note": "",
                "active": "on",
            },
            400,
        ),
        (
            f"/legalservice/aid/{referral.pk}/edit/",
            lambda: LegalAidReferral.objects.get(pk=referral.pk).phone,
            {"matter": "追索劳动报酬", "referred_to": "县法律援助中心", "outcome": "accepted"},
            400,
        ),
    ]


@pytest.mark.django_db
def test_edit_forms_mask_for_a_role_that_may_not_reveal(world, client_for):
    user = member(world.township_a, Role.LEGAL_ADVISER, username="adviser_x")
    c = client_for(user)
    for url, stored, data, refused in _edit_pages(world):
        page = c.get(url)
        assert page.status_code == 200, url
        html = page.content.decode()
        assert PHONE not in html and f'value="{MASKED}"' in html, url
        # unchanged: the stored number stays
        r = c.post(url, {**data, "phone": MASKED})
        assert r.status_code == 302, (url, r.content.decode()[:2000])
        assert stored() == PHONE, url
        # a new full number replaces it
        r = c.post(url, {**data, "phone": NEW})
        assert r.status_code == 302 and stored() == NEW, url
        # a wrong number is refused as before
        r = c.post(url, {**data, "phone": "139****0000"})
        assert r.status_code == refused and stored() == NEW, url


@pytest.mark.django_db
def test_edit_forms_show_the_whole_number_to_a_revealing_role(world, client_for):
    c = client_for(world.clerk_a)
    for url, stored, data, _refused in _edit_pages(world):
        html = c.get(url).content.decode()
        assert f'value="{PHONE}"' in html, url
        r = c.post(url, {**data, "phone": MASKED})  # a masked value kept there too
        assert r.status_code == 302 and stored() == PHONE, url


def _form_classes():
    for config in apps.get_app_configs():
        if not config.name.startswith("fazhi."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for obj in vars(module).values():
            if (
                isinstance(obj, type)
                and issubclass(obj, forms.BaseForm)
                and obj.__module__ == module.__name__
            ):
                yield obj


def _identifier_fields(cls) -> set[str]:
    names = {n for n in cls.base_fields if n in ("phone", "id_number", "mobile")}
    meta = getattr(cls, "_meta", None)
    model = getattr(meta, "model", None)
    if model is not None:
        names |= {
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, EncryptedIdentifierField) and f.name in cls.base_fields
        }
    return names


def test_every_form_with_an_identifier_masks_it():
    """Every form class of every app that holds a phone or ID number field uses the mixin
    and names each such field."""
    seen = []
    for cls in _form_classes():
        fields = _identifier_fields(cls)
        if not fields:
            continue
        seen.append(cls.__name__)
        assert issubclass(cls, pii.MaskedIdentifiersMixin), cls
        assert fields <= set(cls.identifier_fields), (cls, fields)
    # Liaisons, advisers and referrals are ledgers now: their edit pages are in _edit_pages
    # (no hand-written form with an identifier is left).


def test_every_ledger_with_an_identifier_masks_it():
    """The same for the ledgers' generated edit pages: every identifier field a ledger edits
    is one of its personal fields (masked in the form, the list, Excel and the API)."""
    seen = []
    from fazhi.ledgers import all_ledgers

    for lg in all_ledgers():
        identifiers = {
            f.name
            for f in lg.model._meta.concrete_fields
            if isinstance(f, EncryptedIdentifierField)
        }
        edited = identifiers & {f.name for f in (*lg.edit_fields, *lg.create_fields)}
        if not edited:
            continue
        seen.append(f"{lg.app}:{lg.key}")
        assert edited <= set(lg.personal), (lg.key, edited)
    assert "publicity:liaison" in seen
