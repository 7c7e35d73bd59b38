"""Scoping cases for the core routes (see tests/scoping.py)."""

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from fazhi.core import attachments
from tests.ledgerapp.models import Note
from tests.scoping import MARKER

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def seed_core(world):
    note = Note.objects.create(unit=world.township_a, title=f"{MARKER} 笔记")
    att = attachments.attach(note, SimpleUploadedFile("证据.png", PNG), user=world.admin_a)
    return {"note": note, "attachment": att}


SEEDERS = [seed_core]
ROUTES = {
    "web:unit_history": lambda w, o: {"pk": w.township_a.pk},
    "web:attachment": lambda w, o: {"pk": o["attachment"].pk},
    "web:attachment_upload": lambda w, o: {
        "ct": ContentType.objects.get_for_model(Note).pk,
        "object_id": str(o["note"].pk),
    },
}
API_ROUTES = {
    "/api/v1/units/{unit_id}": lambda w, o: {"unit_id": w.township_a.pk},
}
