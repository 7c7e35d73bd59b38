"""Upload and serve evidence files. The type is read from the content, not the name."""

from __future__ import annotations

import hashlib
import io
import zipfile

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction

from . import audit
from .errors import DomainError, InvalidInput
from .models import Attachment
from .roles import Perm
from .scoping import require

KIND_MIME = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
}
ZIP_MAX_ENTRIES = 2000
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 200


def check_ooxml(data: bytes) -> str:
    """'docx' or 'xlsx' for a well-formed, non-hostile OOXML package, else InvalidInput."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise InvalidInput("文件已损坏，无法读取", code="bad_file")
    if len(infos) > ZIP_MAX_ENTRIES:
        raise InvalidInput("文件内部条目过多，已拒绝", code="zip_entries")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > ZIP_MAX_UNCOMPRESSED or total / packed > ZIP_MAX_RATIO:
        raise InvalidInput("文件解压后过大（疑似压缩炸弹），已拒绝", code="zip_bomb")
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names:
        raise InvalidInput("不是有效的Office文件", code="bad_file")
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    raise InvalidInput("只接受Word（DOCX）或Excel（XLSX）格式的Office文件", code="bad_type")


def sniff(data: bytes) -> str:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"PK\x03\x04"):
        return check_ooxml(data)
    raise InvalidInput("只接受PDF、DOCX、XLSX、JPG、PNG文件（按文件内容判断）", code="bad_type")


def attach(target, upload, *, user, description: str = "") -> Attachment:
    """Attach an uploaded file to a ledger record the user may change and that still takes
    files: a record whose model says why not (``attachments_closed()``, e.g. a published
    report) refuses with 409, on every path (the one upload route calls this)."""
    unit = target.unit
    require(user, Perm.CHANGE, unit, "您的角色无权为该记录上传附件")
    closed = getattr(target, "attachments_closed", None)
    reason = closed() if callable(closed) else ""
    if reason:
        raise DomainError(reason, code="attachments_closed")
    limit = settings.FAZHI_UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise InvalidInput(f"文件超过大小上限（{limit // (1024 * 1024)} MB）", code="too_large")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(f"文件超过大小上限（{limit // (1024 * 1024)} MB）", code="too_large")
    if not data:
        raise InvalidInput("文件为空", code="empty")
    kind = sniff(data)
    name = (getattr(upload, "name", "") or "附件").replace("\\", "/").split("/")[-1][:200]
    with transaction.atomic():
        att = Attachment(
            unit=unit,
            content_type=ContentType.objects.get_for_model(target),
            object_id=str(target.pk),
            original_name=name,
            kind=kind,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            description=description[:200],
            uploaded_by=user,
        )
        att.file.save("upload", ContentFile(data), save=False)
        att.save()
        audit.record(audit.E.CREATE, obj=att, unit=unit, detail={"attached_to": str(target)})
    return att


def for_object(target):
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=str(target.pk)
    )
