"""Every upload and import path against the attack corpus: refused (or read safely), never a 500."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fazhi.core import attachments, documents, excel
from fazhi.core.errors import DomainError
from fazhi.core.models import Attachment
from fazhi.review import services as review_services
from tests.hostile import CORPUS
from tests.ledgerapp.models import Note

pytestmark = pytest.mark.django_db
HOSTILE = sorted(CORPUS)


@pytest.fixture(scope="module")
def corpus():
    return {name: make() for name, make in CORPUS.items()}


@pytest.mark.parametrize("name", HOSTILE)
def test_review_refuses_or_reads_safely(name, corpus):
    data = corpus[name]
    try:
        result = review_services.review_upload(SimpleUploadedFile(name, data))
    except DomainError as exc:
        assert exc.code and exc.message
        return
    # Only plain text may be read; no entity was expanded, nothing came from the file system.
    assert name in ("huge_line.txt", "invalid_utf8.csv", "deep.html")
    assert "root:" not in json.dumps(result, ensure_ascii=False)


@pytest.mark.parametrize("name", HOSTILE)
def test_excel_import_refuses(name, corpus):
    columns = [excel.Column("a", "名称", required=True)]
    with pytest.raises(DomainError):
        excel.read_table(corpus[name], name, columns)


@pytest.mark.parametrize("name", HOSTILE)
def test_attachment_upload_refuses_or_stores_bytes_only(name, corpus, world):
    note = Note.objects.create(unit=world.township_a, title="n")
    try:
        att = attachments.attach(note, SimpleUploadedFile(name, corpus[name]), user=world.clerk_a)
    except DomainError:
        assert not Attachment.objects.exists()
        return
    assert att.kind in ("docx", "xlsx")  # stored as evidence, never parsed on the server
    assert name in ("billion_laughs.docx", "external_entity.docx", "billion_laughs.xlsx")


@pytest.mark.parametrize(
    "name",
    [
        "billion_laughs.docx",
        "external_entity.docx",
        "zip_bomb.docx",
        "many_entries.docx",
        "malformed.xlsx",
    ],
)
def test_document_template_upload_refuses(name, corpus, world):
    documents.register(
        documents.DocSpec("tests.doc", "测试文书", build=lambda ctx: documents.new_document())
    )
    try:
        with pytest.raises(DomainError):
            documents.replace_template("tests.doc", corpus[name], user=world.admin_a)
    finally:
        documents.REGISTRY.pop("tests.doc", None)


def test_oversized_api_request_is_413(world, client_for):
    c = client_for(world.admin_a)
    big = json.dumps({"username": "x" * (3 * 1024 * 1024), "password": "y"})
    resp = c.post("/api/v1/auth/token", big, content_type="application/json")
    assert resp.status_code == 413 and resp.json()["error"]["code"] == "too_large"


def test_review_api_with_hostile_files_is_4xx(world, api_for, corpus):
    api = api_for(world.clerk_a)
    for name in ("zip_bomb.docx", "billion_laughs.docx", "malformed.xlsx", "many_entries.docx"):
        resp = api.c.post("/api/v1/review/", {"file": SimpleUploadedFile(name, corpus[name])})
        assert resp.status_code == 400, (name, resp.status_code)
        assert resp.json()["error"]["code"]
