"""kill -9 during writes (SECURITY.md row 17): no record without its audit row, no half-written file."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

WRITER = r"""
import os, sys, django
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from fazhi.core import attachments, audit
from fazhi.core.models import Unit
from django.contrib.auth import get_user_model
from tests.ledgerapp.models import Note
unit = Unit.objects.get(code="KILL")
user = get_user_model().objects.get(username="killer")
blob = b"\x89PNG\r\n\x1a\n" + os.urandom(256 * 1024)
print("ready", flush=True)
i = 0
while True:
    with transaction.atomic():
        note = Note.objects.create(unit=unit, title=f"n{i}")
        audit.record(audit.E.CREATE, obj=note, user=user)
    attachments.attach(note, SimpleUploadedFile("e.png", blob), user=user)
    i += 1
"""


@pytest.mark.django_db(transaction=True)
def test_kill_minus_nine_leaves_no_orphans(tmp_path, settings):
    from fazhi.core.models import Attachment, AuditEvent, Membership, Unit, UnitKind
    from fazhi.core.roles import Role
    from tests.factories import UserFactory
    from tests.ledgerapp.models import Note

    unit = Unit.objects.create(code="KILL", name="压力测试镇", kind=UnitKind.COUNTY)
    user = UserFactory(username="killer")
    Membership.objects.create(user=user, unit=unit, role=Role.TOWNSHIP_STAFF)
    media = tmp_path / "media"
    env = {**os.environ, "FAZHI_MEDIA_ROOT": str(media), "DJANGO_SETTINGS_MODULE": "tests.settings"}
    env["DATABASE_URL"] = _url()
    cycles = 5
    for _ in range(cycles):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER],
            env=env,
            stdout=subprocess.PIPE,
            cwd=Path(__file__).parents[2],
        )
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(0.4)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    notes = list(Note.objects.filter(unit=unit).values_list("pk", flat=True))
    assert notes, "the writer wrote nothing before it was killed"
    audited = set(
        AuditEvent.objects.filter(event="create", object_type="ledgerapp.note").values_list(
            "object_id", flat=True
        )
    )
    orphans = [pk for pk in notes if str(pk) not in audited]
    print(
        f"kill -9: {cycles} cycles, {len(notes)} records written, {len(orphans)} without audit row"
    )
    assert orphans == []
    for att in Attachment.objects.filter(unit=unit):
        path = Path(media) / att.file.name
        assert path.exists() and path.stat().st_size == att.size
    partial = list(Path(media).rglob(".partial-*")) if media.exists() else []
    # A temporary file may be left by a kill; it is never under a record's name.
    names = {a.file.name for a in Attachment.objects.all()}
    assert not any(str(p.relative_to(media)) in names for p in partial)


def _url() -> str:
    """The running test database, for the writer process."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db.get('USER') or 'postgres'}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
