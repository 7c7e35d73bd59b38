import io
import zipfile

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from fazhi.core import attachments
from fazhi.core.errors import InvalidInput
from fazhi.core.models import Attachment, AuditEvent
from tests.ledgerapp.models import Note

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _docx(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_type_is_read_from_content(world):
    note = Note.objects.create(unit=world.township_a, title="n")
    att = attachments.attach(note, SimpleUploadedFile("photo.pdf", PNG), user=world.clerk_a)
    assert att.kind == "png"  # the name said pdf; the bytes say png
    assert att.original_name == "photo.pdf"
    assert att.file.name.endswith(".png") and "photo" not in att.file.name
    with pytest.raises(InvalidInput, match="只接受"):
        attachments.attach(note, SimpleUploadedFile("a.pdf", b"MZ\x90\x00evil"), user=world.clerk_a)
    docx = _docx({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"})
    assert (
        attachments.attach(note, SimpleUploadedFile("a.docx", docx), user=world.clerk_a).kind
        == "docx"
    )


def test_zip_bomb_and_entry_count_refused(world):
    note = Note.objects.create(unit=world.township_a, title="n")
    bomb = _docx({"[Content_Types].xml": b"<x/>", "word/document.xml": b"\0" * (50 * 1024 * 1024)})
    with pytest.raises(InvalidInput) as exc:
        attachments.attach(note, SimpleUploadedFile("bomb.docx", bomb), user=world.clerk_a)
    assert exc.value.code == "zip_bomb"
    many = _docx({"[Content_Types].xml": b"x", **{f"word/{i}.xml": b"x" for i in range(2100)}})
    with pytest.raises(InvalidInput) as exc:
        attachments.attach(note, SimpleUploadedFile("many.docx", many), user=world.clerk_a)
    assert exc.value.code == "zip_entries"
    assert Attachment.objects.count() == 0


@override_settings(FAZHI_UPLOAD_MAX_BYTES=100)
def test_size_limit(world):
    note = Note.objects.create(unit=world.township_a, title="n")
    with pytest.raises(InvalidInput, match="大小上限"):
        attachments.attach(
            note, SimpleUploadedFile("big.png", PNG + b"\0" * 200), user=world.clerk_a
        )


def test_upload_and_download_pages_are_scoped(world, client_for):
    note = Note.objects.create(unit=world.township_a, title="n")
    ct = ContentType.objects.get_for_model(Note).pk
    url = f"/attachments/upload/{ct}/{note.pk}/"
    resp = client_for(world.clerk_a).post(
        url, {"file": SimpleUploadedFile("e.png", PNG), "next": "/"}
    )
    assert resp.status_code == 302
    att = Attachment.objects.get()
    assert client_for(world.clerk_a).get(f"/attachments/{att.pk}/").status_code == 200
    assert client_for(world.clerk_b).get(f"/attachments/{att.pk}/").status_code == 404
    assert (
        client_for(world.clerk_b).post(url, {"file": SimpleUploadedFile("x.png", PNG)}).status_code
        == 404
    )
    # A viewer may see but not attach.
    from fazhi.core.roles import Role
    from tests.factories import member

    viewer = member(world.township_a, Role.VIEWER)
    resp = client_for(viewer).post(url, {"file": SimpleUploadedFile("x.png", PNG), "next": "/"})
    assert resp.status_code == 403  # a refusal, not bad input (issue 21)
    assert (
        AuditEvent.objects.filter(event="permission_refused", username=viewer.username).count() == 1
    )
    assert Attachment.objects.count() == 1
