"""The attack corpus (SECURITY.md row 11): hostile files built in memory, used by the tests
and by bench/attacks.py, which records how fast each is refused and the memory it took."""

from __future__ import annotations

import io
import zipfile

CT = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def _zip(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]>"
)


def billion_laughs_xlsx() -> bytes:
    sst = (
        LAUGHS
        + b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>'
    )
    return _zip(
        {"[Content_Types].xml": CT, "xl/workbook.xml": b"<workbook/>", "xl/sharedStrings.xml": sst}
    )


def billion_laughs_docx() -> bytes:
    doc = (
        LAUGHS
        + b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>'
    )
    return _zip({"[Content_Types].xml": CT, "word/document.xml": doc})


def external_entity_docx() -> bytes:
    doc = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>'
    )
    return _zip({"[Content_Types].xml": CT, "word/document.xml": doc})


def zip_bomb_docx() -> bytes:
    return _zip({"[Content_Types].xml": CT, "word/document.xml": b"\0" * (60 * 1024 * 1024)})


def zip_bomb_xlsx() -> bytes:
    return _zip({"[Content_Types].xml": CT, "xl/worksheets/sheet1.xml": b" " * (60 * 1024 * 1024)})


def many_entries_docx(n: int = 10_000) -> bytes:
    entries = {"[Content_Types].xml": CT, "word/document.xml": b"<w:document/>"}
    entries.update({f"word/media/{i}.bin": b"x" for i in range(n)})
    return _zip(entries, zipfile.ZIP_STORED)


def deep_html(depth: int = 200_000) -> bytes:
    return (
        b"<html><body>"
        + b"<div>" * depth
        + "法治政府建设".encode()
        + b"</div>" * depth
        + b"</body></html>"
    )


def malformed_xlsx() -> bytes:
    return b"PK\x03\x04" + b"\x00garbage" * 1000


def invalid_utf8() -> bytes:
    return bytes(range(128, 256)) * 4000


def huge_line(mb: int = 15) -> bytes:
    return ("调解矛盾纠纷" * (mb * 1024 * 1024 // 18)).encode("utf-8")


CORPUS = {
    "billion_laughs.xlsx": billion_laughs_xlsx,
    "billion_laughs.docx": billion_laughs_docx,
    "external_entity.docx": external_entity_docx,
    "zip_bomb.docx": zip_bomb_docx,
    "zip_bomb.xlsx": zip_bomb_xlsx,
    "many_entries.docx": many_entries_docx,
    "deep.html": deep_html,
    "malformed.xlsx": malformed_xlsx,
    "invalid_utf8.csv": invalid_utf8,
    "huge_line.txt": huge_line,
}
