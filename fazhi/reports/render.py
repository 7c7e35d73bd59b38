"""The report as DOCX (GB/T 9704-2012), Markdown, HTML, PDF (LibreOffice) and JSON.

All formats are built from ``blocks(report)``: the title, the preamble, each section's
heading and paragraphs (a paragraph may open with a level-two ``（一）…。`` or level-three
``1. …。`` heading run), and the issuing units and date at the end. Figures stay
``figures.Figure`` objects until the last step, so HTML can say where each comes from.
"""

from __future__ import annotations

import html as html_lib
import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from fazhi.core import documents as gb
from fazhi.core import pii
from fazhi.indicators import registry

from . import figures

H2 = re.compile(r"^(（[一二三四五六七八九十]+）[^。\n]{1,60}?。)")
H3 = re.compile(r"^(\d{1,2}[.．、][^。\n]{1,60}?。)")
SIZE_4 = gb.SIZE_4
SONG = "宋体"


@dataclass
class Block:
    kind: str  # title | preamble | h1 | p | sign
    parts: list = field(default_factory=list)  # str | figures.Figure
    lead: str = ""  # a heading run opening the paragraph
    lead_level: int = 0  # 2 or 3


def date_text(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def blocks(report, sections=None) -> list[Block]:
    values = figures.values_for(report)
    overrides = {o.code: o for o in report.overrides.all()}
    out = [Block("title", [report.title])]
    for section in sections if sections is not None else report.sections.all():
        if section.number:
            out.append(Block("h1", [section.heading]))
        for line in section.text.splitlines():
            line = line.strip()
            if not line:
                continue
            lead, level = "", 0
            for pattern, lv in ((H2, 2), (H3, 3)):
                m = pattern.match(line)
                if m and "{{" not in m.group(1):
                    lead, level, line = m.group(1), lv, line[m.end() :]
                    break
            kind = "preamble" if section.number == 0 else "p"
            out.append(Block(kind, figures.split(line, values, overrides), lead, level))
    sign = [u.strip() for u in re.split(r"[\n；;]", report.issuers) if u.strip()]
    day = report.signed_on or report.published_on or timezone.localdate()
    out.append(Block("sign", sign + [date_text(day)]))
    return out


def _plain(parts) -> str:
    return pii.mask_free_text("".join(p if isinstance(p, str) else p.text for p in parts))


# --------------------------------------------------------------------------- text / markdown
def to_text(report) -> str:
    lines = []
    for b in blocks(report):
        if b.kind == "sign":
            lines.extend(x for x in b.parts if x)
        else:
            lines.append(b.lead + _plain(b.parts))
    return "\n".join(lines) + "\n"


def to_markdown(report) -> str:
    lines = []
    for b in blocks(report):
        if b.kind == "title":
            lines += [f"# {_plain(b.parts)}", ""]
        elif b.kind == "h1":
            lines += [f"## {_plain(b.parts)}", ""]
        elif b.kind == "sign":
            lines += [""] + [f'<p align="right">{x}</p>' for x in b.parts if x]
        else:
            lead = f"**{b.lead}**" if b.lead else ""
            lines += [lead + _plain(b.parts), ""]
    if report.index_number:
        lines += ["", f"索引号：{report.index_number}　公开日期：{report.published_on}"]
    return "\n".join(lines).rstrip() + "\n"


# --------------------------------------------------------------------------- html
def _figure_html(f: figures.Figure, report, public: bool) -> str:
    if not f.known:
        return f'<mark class="report-figure-unknown">{html_lib.escape(f.text)}</mark>'
    snap = report.snapshot
    source = f"指标 {f.code}（{f.indicator.name}）"
    if snap is not None:
        taken = snap.taken_at.astimezone().strftime("%Y-%m-%d %H:%M")
        source += f"，数据快照 #{snap.pk}，取数时间 {taken}"
    if f.overridden:
        source += f"；人工更正（台账：{f.ledger_text}；理由：{f.override_reason}）"
    attrs = (
        f'class="report-figure{" report-figure-override" if f.overridden else ""}" '
        f'data-code="{f.code}" data-snapshot="{snap.pk if snap else ""}" '
        f'title="{html_lib.escape(source)}"'
    )
    text = html_lib.escape(f.text)
    if public or snap is None:
        return f"<span {attrs}>{text}</span>"
    href = f"/indicators/?unit={report.unit_id}&year={report.year}#{f.code}"
    return f'<a {attrs} href="{href}">{text}</a>'


def body_html(report, *, public: bool = False, sections=None) -> str:
    out = []
    for b in blocks(report, sections):
        inner = "".join(
            html_lib.escape(pii.mask_free_text(p))
            if isinstance(p, str)
            else _figure_html(p, report, public)
            for p in b.parts
        )
        if b.kind == "title":
            out.append(f'<h1 class="report-title">{inner}</h1>')
        elif b.kind == "h1":
            out.append(f'<h2 class="report-h1">{inner}</h2>')
        elif b.kind == "sign":
            out.append(
                '<div class="report-sign">'
                + "".join(f"<p>{html_lib.escape(x)}</p>" for x in b.parts if x)
                + "</div>"
            )
        else:
            lead = ""
            if b.lead:
                cls = "report-h2" if b.lead_level == 2 else "report-h3"
                lead = f'<span class="{cls}">{html_lib.escape(b.lead)}</span>'
            out.append(f"<p>{lead}{inner}</p>")
    return "\n".join(out)


REPORT_CSS = """
body{font-family:"仿宋_GB2312","FangSong",serif;max-width:46em;margin:2em auto;line-height:1.9;font-size:16pt}
.report-title{font-family:"方正小标宋简体","SimSun",serif;font-size:22pt;text-align:center;font-weight:normal}
.report-h1{font-family:"黑体","SimHei",sans-serif;font-size:16pt;font-weight:normal}
.report-h2{font-family:"楷体_GB2312","KaiTi",serif}.report-h3{font-weight:bold}
p{text-indent:2em;margin:0}.report-sign p{text-align:right;text-indent:0}
.report-figure{border-bottom:1px dotted #0a58ca;color:inherit;text-decoration:none}
.report-figure-override{border-bottom:1px dashed #dc3545}.report-meta{font-size:11pt;color:#555}
"""


def to_html(report, *, public: bool = False) -> str:
    meta = ""
    if report.index_number:
        meta = (
            f'<p class="report-meta">索引号：{html_lib.escape(report.index_number)}'
            f"　发布机构：{html_lib.escape(report.unit.name)}"
            f"　发布日期：{report.published_on}</p>"
        )
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{html_lib.escape(report.title)}</title><style>{REPORT_CSS}</style></head>"
        f"<body>{meta}{body_html(report, public=public)}</body></html>"
    )


# --------------------------------------------------------------------------- docx
def _style_fonts(style, name: str, size, bold: bool) -> None:
    style.font.name = name
    style.font.size = size
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    pf = style.paragraph_format
    pf.space_before = pf.space_after = Pt(0)
    pf.line_spacing = Pt(28.95)


def _page_number(paragraph) -> None:
    """— PAGE — in 4号 宋体."""

    def run(text=None):
        r = paragraph.add_run(text or "")
        gb.set_font(r, SONG, SIZE_4)
        return r

    run("— ")
    r = run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    r._element.append(begin)
    r = run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    r._element.append(instr)
    r = run()
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    r._element.append(sep)
    run("1")
    r = run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    r._element.append(end)
    run(" —")


def _setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28) - Mm(7)  # page number 7 mm below the text block
    # 22 lines of 28 characters: the document grid fixes both.
    sect = section._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), "579")  # 225 mm / 22 lines, in twips
    grid.set(qn("w:charSpace"), "-842")  # 156 mm / 28 chars at 16 pt, in 1/4096 pt
    doc.settings.odd_and_even_pages_header_footer = True
    odd = section.footer.paragraphs[0]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    odd.paragraph_format.right_indent = Pt(16)  # one character in from the edge
    _page_number(odd)
    even = section.even_page_footer.paragraphs[0]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = Pt(16)
    _page_number(even)
    _style_fonts(doc.styles["Heading 1"], gb.HEADING_FONT, gb.SIZE_3, False)
    _style_fonts(doc.styles["Heading 2"], gb.KAITI_FONT, gb.SIZE_3, False)
    _style_fonts(doc.styles["Heading 3"], gb.BODY_FONT, gb.SIZE_3, True)
    _style_fonts(doc.styles["Title"], gb.TITLE_FONT, gb.SIZE_2, False)
    for name in ("Heading 1", "Heading 2", "Heading 3"):
        doc.styles[name].paragraph_format.first_line_indent = Pt(32)
    title = doc.styles["Title"]
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    ppr = title.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)


setup_page = _setup  # the GB/T 9704 page other official documents use too


def to_docx(report) -> bytes:
    doc = gb.new_document()
    _setup(doc)
    for b in blocks(report):
        if b.kind == "title":
            p = doc.add_paragraph(style="Title")
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            gb.set_font(p.add_run(_plain(b.parts)), gb.TITLE_FONT, gb.SIZE_2)
            doc.add_paragraph()
        elif b.kind == "h1":
            p = doc.add_paragraph(style="Heading 1")
            gb.set_font(p.add_run(_plain(b.parts)), gb.HEADING_FONT, gb.SIZE_3, False)
        elif b.kind == "sign":
            doc.add_paragraph()
            for line in (x for x in b.parts if x):
                p = doc.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                p.paragraph_format.right_indent = Pt(64)  # 4 characters in, per GB/T 9704
                gb.set_font(p.add_run(line), gb.BODY_FONT, gb.SIZE_3)
        else:
            body = _plain(b.parts)
            if b.lead and not body:
                style = "Heading 2" if b.lead_level == 2 else "Heading 3"
                p = doc.add_paragraph(style=style)
            else:
                p = doc.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
                p.paragraph_format.first_line_indent = Pt(32)
            if b.lead:
                if b.lead_level == 2:
                    gb.set_font(p.add_run(b.lead), gb.KAITI_FONT, gb.SIZE_3, False)
                else:
                    gb.set_font(p.add_run(b.lead), gb.BODY_FONT, gb.SIZE_3, True)
            if body:
                gb.set_font(p.add_run(body), gb.BODY_FONT, gb.SIZE_3)
    return gb.to_bytes(doc)


# --------------------------------------------------------------------------- pdf
class PdfUnavailable(Exception):
    pass


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(report, *, timeout: int = 120) -> bytes:
    exe = soffice()
    if exe is None:
        raise PdfUnavailable(
            "未安装 LibreOffice（soffice），无法生成 PDF；请安装 libreoffice-writer-nogui"
        )
    data = report.docx if report.docx else to_docx(report)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "report.docx"
        src.write_bytes(bytes(data))
        try:
            subprocess.run(  # noqa: S603
                [
                    exe,
                    f"-env:UserInstallation=file://{tmp}/profile",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    tmp,
                    str(src),
                ],
                check=True,
                capture_output=True,
                timeout=timeout,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise PdfUnavailable(f"LibreOffice 转换 PDF 失败：{exc}")
        out = Path(tmp) / "report.pdf"
        if not out.exists():
            raise PdfUnavailable("LibreOffice 未生成 PDF")
        return out.read_bytes()


# --------------------------------------------------------------------------- json
def to_json(report) -> dict:
    values = figures.values_for(report)
    overrides = {o.code: o for o in report.overrides.all()}
    sections = []
    figs = []
    for s in report.sections.all():
        text = figures.plain(s.text, values, overrides)
        sections.append(
            {
                "number": s.number,
                "heading": s.heading,
                "text": pii.mask_free_text(text),
                "edited": s.edited,
                "sources": s.sources,
            }
        )
        for code in figures.codes_in(s.text):
            f = figures.figure(code, values, overrides)
            figs.append(
                {
                    "section": s.number,
                    "code": code,
                    "name": f.indicator.name if f.indicator else None,
                    "text": f.text,
                    "value": None if not f.value or f.value.value is None else str(f.value.value),
                    "measure": f.indicator.measure if f.indicator else None,
                    "status": f.value.status if f.value else registry.UNAVAILABLE,
                    "overridden": f.overridden,
                    "override_reason": f.override_reason,
                }
            )
    return {
        "unit": {"code": report.unit.code, "name": report.unit.name},
        "year": report.year,
        "title": report.title,
        "status": report.status,
        "index_number": report.index_number or None,
        "published_on": report.published_on.isoformat() if report.published_on else None,
        "snapshot": report.snapshot_id,
        "sections": sections,
        "figures": figs,
    }


def to_json_text(report) -> str:
    return json.dumps(to_json(report), ensure_ascii=False, indent=2)
