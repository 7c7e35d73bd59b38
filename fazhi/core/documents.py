"""DOCX documents filled from records (告知书, 意见书, 协议书 …), with replaceable templates.

An app registers each document::

    documents.register(DocSpec(
        key="disputes.agreement", title="人民调解协议书",
        fields=[("case_no", "编号"), ("parties", "当事人"), ...],
        build=build_agreement,          # context -> python-docx Document, the built-in layout
    ))

``render(key, context)`` returns DOCX bytes: from the admin's uploaded template if one is
active (``{{字段}}`` placeholders replaced, in paragraphs and table cells), else from the
built-in layout. ``default_template(key)`` gives the built-in layout with the placeholders
left in, as a starting point for an admin's own template. Layout helpers follow the
official document format (GB/T 9704-2012): A4, margins 37/35/28/26 mm, 仿宋_GB2312 三号
body, 方正小标宋简体 二号 title, with the East Asian font attribute set so Word shows them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from . import audit
from .attachments import check_ooxml
from .errors import InvalidInput
from .models import DocumentTemplate

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
KAITI_FONT = "楷体_GB2312"
SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号


@dataclass
class DocSpec:
    key: str
    title: str
    build: Callable[[dict], Document]
    fields: list[tuple[str, str]] = field(default_factory=list)


REGISTRY: dict[str, DocSpec] = {}


def register(spec: DocSpec) -> DocSpec:
    REGISTRY[spec.key] = spec
    return spec


def get_spec(key: str) -> DocSpec:
    try:
        return REGISTRY[key]
    except KeyError:
        raise InvalidInput(f"未知的文书：{key}", code="unknown_document")


def set_font(run, name: str, size=None, bold: bool | None = None) -> None:
    run.font.name = name
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.font.bold = bold


def new_document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    style = doc.styles["Normal"]
    style.font.name = BODY_FONT
    style.font.size = SIZE_3
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), BODY_FONT)
    style.paragraph_format.line_spacing = Pt(28.95)  # 22 lines a page
    return doc


def add_title(doc, text: str) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(p.add_run(text), TITLE_FONT, SIZE_2)


def add_para(
    doc,
    text: str,
    *,
    bold: bool = False,
    align: str = "justify",
    indent: bool = True,
    font: str = BODY_FONT,
):
    p = doc.add_paragraph()
    p.alignment = {
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
    }[align]
    if indent and align == "justify":
        p.paragraph_format.first_line_indent = Pt(32)  # two characters
    set_font(p.add_run(text), font, SIZE_3, bold)
    return p


def add_fields_table(doc, rows: list[tuple[str, str]]) -> None:
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        set_font(cells[0].paragraphs[0].add_run(label), BODY_FONT, SIZE_4, True)
        set_font(cells[1].paragraphs[0].add_run(str(value or "")), BODY_FONT, SIZE_4)


def add_signature(doc, unit_name: str, date_text: str) -> None:
    doc.add_paragraph()
    add_para(doc, unit_name, align="right", indent=False)
    add_para(doc, date_text, align="right", indent=False)


_PLACEHOLDER = re.compile(r"{{\s*([\w\u4e00-\u9fff.]+)\s*}}")


def _fill_paragraph(paragraph, context: dict) -> None:
    text = "".join(r.text for r in paragraph.runs)
    if "{{" not in text:
        return
    new = _PLACEHOLDER.sub(lambda m: _as_text(context.get(m.group(1), "")), text)
    for i, run in enumerate(paragraph.runs):
        run.text = new if i == 0 else ""


def _as_text(value) -> str:
    if isinstance(value, list | tuple):
        return "；".join(str(v) for v in value)
    return "" if value is None else str(value)


def fill_placeholders(doc, context: dict) -> None:
    for p in doc.paragraphs:
        _fill_paragraph(p, context)
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    _fill_paragraph(p, context)


def to_bytes(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def render(key: str, context: dict) -> bytes:
    """The document ``key`` filled from ``context``. Documents show identifiers masked:
    the structured ones by the app's context, those written into free text here."""
    from . import pii

    context = pii.mask_free_text_in(context)
    spec = get_spec(key)
    override = DocumentTemplate.objects.filter(key=key).first()
    if override is not None:
        with override.file.open("rb") as fh:
            doc = Document(io.BytesIO(fh.read()))
        fill_placeholders(doc, context)
        return to_bytes(doc)
    return to_bytes(spec.build(context))


def default_template(key: str) -> bytes:
    spec = get_spec(key)
    return to_bytes(spec.build({k: "{{" + k + "}}" for k, _ in spec.fields}))


MAX_TEMPLATE_BYTES = 5 * 1024 * 1024


def replace_template(key: str, data: bytes, *, user) -> DocumentTemplate:
    get_spec(key)
    if len(data) > MAX_TEMPLATE_BYTES:
        raise InvalidInput("模板文件超过 5 MB", code="too_large")
    if not data.startswith(b"PK\x03\x04") or check_ooxml(data) != "docx":
        raise InvalidInput("模板应为 Word（.docx）文件", code="bad_type")
    try:
        Document(io.BytesIO(data))
    except Exception:
        raise InvalidInput("模板文件无法读取", code="bad_file")
    with transaction.atomic():
        tpl, _ = DocumentTemplate.objects.get_or_create(key=key, defaults={"uploaded_by": user})
        tpl.file.save(f"{key}.docx", ContentFile(data), save=False)
        tpl.uploaded_by = user
        tpl.save()
        audit.record(
            audit.E.CONFIG, user=user, detail={"document_template": key, "action": "replace"}
        )
    return tpl


def reset_template(key: str, *, user) -> None:
    with transaction.atomic():
        DocumentTemplate.objects.filter(key=key).delete()
        audit.record(
            audit.E.CONFIG, user=user, detail={"document_template": key, "action": "reset"}
        )


def docx_response(filename: str, data: bytes):
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
