"""Identifiers encrypted at rest with a blind index (SECURITY.md row 12)."""

import subprocess

import pytest
from django.db import connection

from fazhi.core import crypto
from tests.ledgerapp.models import Note

pytestmark = pytest.mark.django_db
ID = "11010519491231002X"
PHONE = "13812345678"


def test_stored_encrypted_read_back_plain_and_found_by_blind_index(world):
    note = Note.objects.create(
        unit=world.township_a, title="n", id_number=ID.lower(), phone="138-1234-5678"
    )
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id_number, phone, id_number_bidx FROM ledgerapp_note WHERE id = %s", [note.pk]
        )
        raw_id, raw_phone, bidx = cur.fetchone()
    assert raw_id.startswith("v1:") and ID not in raw_id and PHONE not in raw_phone
    assert bidx == crypto.blind_index("resident_id", ID)
    fresh = Note.objects.get(pk=note.pk)
    assert fresh.id_number == ID and fresh.phone == PHONE
    assert (
        Note.objects.filter(id_number_bidx=crypto.blind_index("resident_id", ID.lower())).get()
        == note
    )
    # History keeps the ciphertext too.
    with connection.cursor() as cur:
        cur.execute("SELECT id_number FROM ledgerapp_historicalnote")
        assert all(ID not in (r[0] or "") for r in cur.fetchall())


def test_key_rotation_reads_old_values(world, monkeypatch):
    import base64
    import secrets

    old = "k1:" + base64.b64encode(secrets.token_bytes(32)).decode()
    new = "k2:" + base64.b64encode(secrets.token_bytes(32)).decode()
    monkeypatch.setenv("FAZHI_PII_KEYS", old)
    crypto.clear_keys()
    sealed = crypto.encrypt(ID)
    monkeypatch.setenv("FAZHI_PII_KEYS", f"{new},{old}")
    crypto.clear_keys()
    assert crypto.decrypt(sealed) == ID
    assert crypto.encrypt(ID).startswith("v1:k2:")
    monkeypatch.delenv("FAZHI_PII_KEYS")
    crypto.clear_keys()


@pytest.mark.django_db(transaction=True)
def test_database_dump_has_no_plain_identifiers(world, tmp_path):
    Note.objects.create(unit=world.township_a, title="n", id_number=ID, phone=PHONE)
    if connection.vendor == "sqlite":
        dump = "\n".join(connection.connection.iterdump())
    else:
        db = connection.settings_dict
        out = subprocess.run(
            [
                "pg_dump",
                "-h",
                db.get("HOST") or "127.0.0.1",
                "-U",
                db.get("USER") or "postgres",
                db["NAME"],
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        dump = out.stdout
    assert "ledgerapp_note" in dump
    assert dump.count(ID) == 0 and dump.count(PHONE) == 0
