import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from fazhi.core import audit, context
from fazhi.core.models import AuditEvent
from tests.ledgerapp.models import Note

pytestmark = pytest.mark.django_db


def test_audit_is_append_only_and_chained(world):
    for i in range(3):
        audit.record(audit.E.EXPORT, unit=world.township_a, detail={"i": i}, user=world.clerk_a)
    rows = list(AuditEvent.objects.order_by("id"))
    assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash
    assert audit.verify().ok
    with pytest.raises(PermissionDenied):
        rows[0].save()
    with pytest.raises(PermissionDenied):
        rows[0].delete()
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.filter(pk=rows[0].pk).update(username="x")


def test_verify_names_a_tampered_row(world):
    for i in range(4):
        audit.record(audit.E.EXPORT, detail={"i": i}, user=world.clerk_a)
    target = AuditEvent.objects.order_by("id")[1]
    table = AuditEvent._meta.db_table
    sql = f"UPDATE {table} SET username = %s WHERE id = %s"
    if connection.vendor == "postgresql":
        from django.db import DatabaseError, transaction

        # the trigger refuses even raw SQL
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cur,
        ):
            cur.execute(sql, ["mallory", target.pk])
        with (
            connection.cursor() as cur
        ):  # a table owner can still disable it: verify must catch that
            cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER fazhi_audit_append_only")
            cur.execute(sql, ["mallory", target.pk])
            cur.execute(f"ALTER TABLE {table} ENABLE TRIGGER fazhi_audit_append_only")
    else:
        with connection.cursor() as cur:  # tamper below the application
            cur.execute(sql, ["mallory", target.pk])
    result = audit.verify()
    assert not result.ok
    assert target.pk in result.broken_ids


def test_history_keeps_who_when_where_and_as_of(world):
    with context.acting(world.clerk_a, ip="10.0.0.8", channel="web"):
        note = Note.objects.create(unit=world.township_a, title="初稿", amount=1)
        note.title = "修改稿"
        note.amount = 2
        note.save()
    records = list(note.history.order_by("history_date"))
    assert [r.title for r in records] == ["初稿", "修改稿"]
    assert records[1].history_user == world.clerk_a
    assert records[1].history_ip == "10.0.0.8" and records[1].history_channel == "web"
    from fazhi.core.history import diff

    changes = {c["field"]: (c["old"], c["new"]) for c in diff(records[1])}
    assert changes["title"] == ("初稿", "修改稿")
    as_of = note.history.as_of(records[0].history_date)
    assert as_of.title == "初稿"


def test_login_events_are_audited(world, client):
    client.post("/login/", {"username": "clerk_a", "password": "wrong"})
    client.post("/login/", {"username": "CLERK_A", "password": "Test@pass2026"})
    client.post("/logout/")
    events = list(AuditEvent.objects.order_by("id").values_list("event", "username", "outcome"))
    assert events == [
        ("login_failed", "clerk_a", "failed"),
        ("login_ok", "clerk_a", "ok"),
        ("logout", "clerk_a", "ok"),
    ]
    assert AuditEvent.objects.first().ip == "127.0.0.1"
