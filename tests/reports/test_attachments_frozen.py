"""Publication freezes a report: no file is attached to it afterwards (issue 21 "Also seen").
Files reach a record only through ``core.attachments.attach`` (the one upload route on the
web; the API and the CLI have none), which asks the record ``attachments_closed()``."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from fazhi.core import attachments
from fazhi.core.errors import DomainError
from fazhi.core.models import Attachment, AuditEvent
from fazhi.reports import services

from .fixtures import YEAR
from .helpers import fill_causes, publish

PDF = b"%PDF-1.4\n%test\n"


def _upload(client, report):
    ct = ContentType.objects.get_for_model(report).pk
    return client.post(
        f"/attachments/upload/{ct}/{report.pk}/",
        {"file": SimpleUploadedFile("late.pdf", PDF), "next": f"/reports/{report.pk}/"},
        follow=True,
    )


def test_web_upload_to_a_published_report_is_refused(seeded, leader_a, client_for):
    w = seeded
    c = client_for(w.clerk_a)
    report = services.create_report(w.township_a, YEAR, actor=w.clerk_a)
    _upload(c, report)
    assert attachments.for_object(report).count() == 1  # a draft takes files
    report = publish(report, w.clerk_a, leader_a)
    before = AuditEvent.objects.filter(event="input_rejected").count()
    resp = _upload(c, report)
    assert "报告已发布，不能再添加附件" in resp.content.decode()
    assert attachments.for_object(report).count() == 1
    assert AuditEvent.objects.filter(event="input_rejected").count() == before + 1


def test_attach_refuses_every_non_draft_report(seeded, leader_a):
    w = seeded
    report = services.create_report(w.township_a, YEAR, actor=w.clerk_a)
    fill_causes(report, w.clerk_a)
    report = services.run_action(report, "submit", actor=w.clerk_a)
    with pytest.raises(DomainError, match="只有草稿可以添加附件") as exc:
        attachments.attach(report, SimpleUploadedFile("a.pdf", PDF), user=w.clerk_a)
    assert exc.value.status == 409
    report = services.run_action(report, "approve", actor=leader_a)
    report = services.run_action(
        report, "secrecy_review", actor=w.clerk_a, data={"reviewer": "王", "conclusion": "public"}
    )
    report = services.run_action(report, "publish", actor=w.clerk_a)
    with pytest.raises(DomainError, match="报告已发布，不能再添加附件"):
        attachments.attach(report, SimpleUploadedFile("a.pdf", PDF), user=w.clerk_a)
    assert not Attachment.objects.exists()


def test_no_other_route_writes_attachments():
    """Every file reaches a record through ``attachments.attach``: nothing else builds an
    ``Attachment`` (but the demo data), and the API has no upload route of its own."""
    import re
    from pathlib import Path

    from fazhi.api import api

    root = Path(__file__).resolve().parents[2] / "fazhi"
    builders = sorted(
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if "migrations" not in p.parts
        and re.search(r"(?<!class )\bAttachment\(", p.read_text(encoding="utf-8"))
    )
    assert builders == ["core/attachments.py", "oversight/demo.py"], builders
    api_paths = [str(p.pattern) for p in api.urls[0]]
    assert api_paths and not [p for p in api_paths if "attach" in p.lower()]
