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
    from django.utils import timezone

    from fazhi.core.models import Notification

    notice = Notification.objects.create(
        user=world.admin_a, day=timezone.localdate(), title=f"{MARKER} 提醒", items=[]
    )
    return {"note": note, "attachment": att, "notification": notice}


SEEDERS = [seed_core]
ROUTES = {
    "web:unit_history": lambda w, o: {"pk": w.township_a.pk},
    "web:attachment": lambda w, o: {"pk": o["attachment"].pk},
    "web:attachment_upload": lambda w, o: {
        "ct": ContentType.objects.get_for_model(Note).pk,
        "object_id": str(o["note"].pk),
    },
}
ROUTES["web:notification_read"] = lambda w, o: {"pk": o["notification"].pk}
ROUTES["web:user_action"] = lambda w, o: {"pk": w.clerk_a.pk}
ROUTES["web:role_revoke"] = lambda w, o: {"pk": w.clerk_a.memberships.get().pk}
EXEMPT = {
    "web:document_template_default": "built-in document layouts with placeholders: no records",
    "web:my_work": "lists only the requesting user's own items (tested in core)",
}
API_ROUTES = {
    "/api/v1/units/{unit_id}": lambda w, o: {"unit_id": w.township_a.pk},
    "/api/v1/users/{user_id}/{action}": lambda w, o: {"user_id": w.clerk_a.pk, "action": "disable"},
    "/api/v1/roles/{membership_id}": lambda w, o: {"membership_id": w.clerk_a.memberships.get().pk},
}
