from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from fazhi.reports import render, services
from fazhi.review.engine import review_bytes, review_text

from .fixtures import YEAR
from .helpers import publish


@pytest.fixture
def published(seeded, leader_a):
    report = services.create_report(seeded.township_a, YEAR, actor=seeded.clerk_a)
    return publish(report, seeded.clerk_a, leader_a)


def _east_asia(run_or_style_element):
    fonts = run_or_style_element.find(qn("w:rPr")).find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia"))


def test_docx_page_setup_fonts_and_headings(published):
    doc = Document(io.BytesIO(bytes(published.docx)))
    sec = doc.sections[0]
    mm = [
        round(x.mm, 1)
        for x in (
            sec.page_width,
            sec.page_height,
            sec.top_margin,
            sec.bottom_margin,
            sec.left_margin,
            sec.right_margin,
        )
    ]
    assert mm == [210, 297, 37, 35, 28, 26]
    grid = sec._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars" and grid.get(qn("w:linePitch")) == "579"
    paras = doc.paragraphs
    title = paras[0]
    assert title.text == published.title and title.alignment == 1  # centred
    assert (
        title.runs[0].font.size == Pt(22) and _east_asia(title.runs[0]._element) == "方正小标宋简体"
    )
    h1 = [p for p in paras if p.style.name == "Heading 1"]
    assert [p.text[:2] for p in h1] == ["一、", "二、", "三、", "四、", "五、"]
    for p in h1:
        assert _east_asia(p.runs[0]._element) == "黑体"
    assert _east_asia(doc.styles["Heading 1"].element) == "黑体"
    assert _east_asia(doc.styles["Heading 2"].element) == "楷体_GB2312"
    assert (
        doc.styles["Heading 3"].font.bold
        and _east_asia(doc.styles["Heading 3"].element) == "仿宋_GB2312"
    )
    # A level-two heading run in 楷体 opens a paragraph of 仿宋 body text, 三号.
    lead = next(p for p in paras if p.text.startswith("（一）"))
    assert _east_asia(lead.runs[0]._element) == "楷体_GB2312"
    assert _east_asia(lead.runs[1]._element) == "仿宋_GB2312" and lead.runs[1].font.size == Pt(16)
    assert "全年共调处矛盾纠纷5件" in lead.text
    assert _east_asia(doc.styles["Normal"].element) == "仿宋_GB2312"
    # Issuing units and date at the end, right-aligned.
    tail = [p for p in paras if p.text][-3:]
    assert [p.text for p in tail] == ["中共甲镇委员会", "甲镇人民政府", f"{YEAR + 1}年1月15日"]
    assert all(p.alignment == 2 for p in tail)
    # Page numbers "— PAGE —" in 4号宋体: odd pages right, even pages left.
    assert doc.settings.odd_and_even_pages_header_footer
    odd, even = sec.footer.paragraphs[0], sec.even_page_footer.paragraphs[0]
    assert odd.alignment == 2 and even.alignment == 0
    for p in (odd, even):
        xml = p._p.xml
        assert "PAGE" in xml and p.text.startswith("— ") and p.text.endswith(" —")
        assert p.runs[0].font.size == Pt(14) and _east_asia(p.runs[0]._element) == "宋体"


def test_markdown_and_json(published):
    md = render.to_markdown(published)
    assert md.startswith(f"# {published.title}") and "## 五、其他需要报告的情况" in md
    data = render.to_json(published)
    assert len(data["sections"]) == 6 and data["index_number"] == published.index_number
    assert all(f["code"] for f in data["figures"])


def _expected_facts(report):
    """(value, unit) each figure must be read back as, from the report's JSON."""
    out = []
    for f in render.to_json(report)["figures"]:
        if f["value"] is None:
            continue
        from decimal import Decimal

        v = Decimal(f["value"])
        if f["measure"] == "万元":
            out.append((f["code"], v * 10000, "元"))
        else:
            out.append((f["code"], v, f["measure"]))
    return out


@pytest.mark.parametrize("fmt", ["text", "docx", "html"])
def test_round_trip_through_review(published, fmt):
    if fmt == "docx":
        result = review_bytes(bytes(published.docx), "report.docx")
    elif fmt == "html":
        result = review_bytes(published.html.encode(), "report.html")
    else:
        result = review_text(render.to_text(published), "report.txt")
    assert result["missing"] == []
    assert {s["statutory"] for s in result["sections"] if s.get("part")} >= {1, 2, 3, 4, 5}
    facts = [(round(float(f["value"]), 2), f["unit"]) for f in result["facts"]]
    for code, value, unit in _expected_facts(published):
        assert (round(float(value), 2), unit) in facts, (code, value, unit)


def _ensure_soffice():
    if render.soffice():
        return True
    if (
        shutil.which("apt-get")
        and hasattr(__import__("os"), "geteuid")
        and __import__("os").geteuid() == 0
    ):
        subprocess.run(
            ["apt-get", "install", "-y", "--no-install-recommends", "libreoffice-writer-nogui"],
            check=False,
            capture_output=True,
            timeout=600,
            env={"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
        )
    return bool(render.soffice())


def test_pdf_through_libreoffice(published):
    if not _ensure_soffice():
        pytest.skip("LibreOffice（soffice）未安装且无法从 Debian 软件源安装")
    from pdfminer.pdfpage import PDFPage

    pdf = render.to_pdf(published)
    pages = list(PDFPage.get_pages(io.BytesIO(pdf)))
    x0, y0, x1, y1 = pages[0].mediabox
    assert round((x1 - x0) / 72 * 25.4) == 210 and round((y1 - y0) / 72 * 25.4) == 297
    # The fixture's report: about 1,900 characters at 22 × 28 a page, plus headings.
    chars = len(render.to_text(published))
    assert chars // (22 * 28) <= len(pages) <= chars // (22 * 28) + 4


def test_review_page_offers_published_reports(published, client_for, seeded):
    c = client_for(seeded.supervisor)
    page = c.get("/review/").content.decode()
    assert "本平台已公开的年度报告" in page and published.index_number in page
    result = c.post("/review/", {"report": published.pk}).content.decode()
    assert "调处矛盾纠纷" in result
    r = c.post("/review/", {"report": 999999}, follow=True)
    assert "找不到该已公开的报告" in r.content.decode()
