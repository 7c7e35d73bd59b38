"""The 政府信息公开工作年度报告 as a document: its six sections in the national format's
order, the prose the writer edited and the tables drafted from the records, as blocks
from which the DOCX (GB/T 9704-2012 page, as the 法治 report), the HTML of the public
page and the plain text the review engine reads are all built."""

from __future__ import annotations

import html as html_lib
from dataclasses import dataclass, field

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from fazhi.core import documents as gb
from fazhi.core import pii

from .annual import COLUMNS, HEADERS, RESULTS

SECTIONS = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]


@dataclass
class Block:
    kind: str  # title | meta | h1 | p | table
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)  # a table: the first row is its header


def _n(v) -> str:
    return "未登记" if v is None else str(v)


def _tables_2(t: dict) -> list[Block]:
    p = t.get("proactive") or []
    if len(p) < 6:
        return [Block("p", "（表格未生成）")]
    docs = [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]]
    docs += [[r["item"], _n(r["issued"]), _n(r["repealed"]), _n(r["in_force"])] for r in p[:2]]
    decisions = [["信息内容", "本年处理决定数量"]]
    decisions += [[r["item"], _n(r["decisions"])] for r in p[2:5]]
    fees = [["信息内容", "本年收费金额（单位：万元）"], [p[5]["item"], _n(p[5]["amount"])]]
    return [Block("table", rows=docs), Block("table", rows=decisions), Block("table", rows=fees)]


def _table_3(t: dict) -> list[Block]:
    rows = [["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", *HEADERS]]
    for r in t.get("requests") or []:
        rows.append([r["label"], *(str(r["cells"].get(k, 0)) for k in COLUMNS), str(r["total"])])
    return [Block("table", rows=rows)]


def _table_4(t: dict) -> list[Block]:
    c = t.get("challenges") or {}
    keys = ["upheld", "corrected", "other", "pending", "total"]
    groups = [
        ("行政复议", "reconsideration"),
        ("行政诉讼（未经复议直接起诉）", "litigation_direct"),
        ("行政诉讼（复议后起诉）", "litigation_after"),
    ]
    rows = [["类别", *RESULTS]]
    for label, g in groups:
        cells = c.get(g) or {}
        rows.append([label, *(str(cells.get(k, 0)) for k in keys)])
    return [Block("table", rows=rows)]


def _prose(text: str) -> list[Block]:
    paras = [p.strip() for p in (text or "").splitlines() if p.strip()]
    return [Block("p", p) for p in paras] or [Block("p", "（待撰稿人填写）")]


def blocks(report) -> list[Block]:
    t = report.tables or {}
    out = [Block("title", report.title)]
    if report.index_number:
        out.append(
            Block(
                "meta",
                f"索引号：{report.index_number}　发布机构：{report.unit.name}"
                f"　发布日期：{report.published_on or ''}",
            )
        )
    body = [
        _prose(report.overview),
        _tables_2(t),
        _table_3(t),
        _table_4(t),
        _prose(report.problems),
        _prose(report.other),
    ]
    for heading, content in zip(SECTIONS, body, strict=True):
        out.append(Block("h1", heading))
        out += content
    return out


# --------------------------------------------------------------------------- text, html


def to_text(report) -> str:
    """Plain text, a table one line per row, cells joined with `` | `` (as the review
    engine reads a DOCX)."""
    lines = []
    for b in blocks(report):
        if b.kind == "table":
            lines += [" | ".join(r) for r in b.rows]
        else:
            lines.append(pii.mask_free_text(b.text))
    return "\n".join(lines) + "\n"


CSS = """
body{font-family:"仿宋_GB2312","FangSong",serif;max-width:50em;margin:2em auto;line-height:1.9;font-size:16pt}
.report-title{font-family:"方正小标宋简体","SimSun",serif;font-size:22pt;text-align:center;font-weight:normal}
.report-h1{font-family:"黑体","SimHei",sans-serif;font-size:16pt;font-weight:normal}
p{text-indent:2em;margin:0}.report-meta{font-size:11pt;color:#555;text-indent:0}
table{border-collapse:collapse;margin:.5em 0;font-size:11pt;line-height:1.4}
td,th{border:1px solid #333;padding:2px 6px;text-align:center}td:first-child{text-align:left}
"""


def body_html(report) -> str:
    out = []
    for b in blocks(report):
        e = html_lib.escape
        if b.kind == "title":
            out.append(f'<h1 class="report-title">{e(b.text)}</h1>')
        elif b.kind == "meta":
            out.append(f'<p class="report-meta">{e(b.text)}</p>')
        elif b.kind == "h1":
            out.append(f'<h2 class="report-h1">{e(b.text)}</h2>')
        elif b.kind == "table":
            head = "".join(f"<th>{e(c)}</th>" for c in b.rows[0])
            body = "".join(
                "<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in b.rows[1:]
            )
            out.append(
                f'<table class="table table-sm table-bordered"><thead>'
                f"<tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            )
        else:
            out.append(f"<p>{e(pii.mask_free_text(b.text))}</p>")
    return "\n".join(out)


def to_html(report) -> str:
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{html_lib.escape(report.title)}</title><style>{CSS}</style></head>"
        f"<body>{body_html(report)}</body></html>"
    )


# --------------------------------------------------------------------------- docx


def to_docx(report) -> bytes:
    from fazhi.reports.render import setup_page

    doc = gb.new_document()
    setup_page(doc)
    for b in blocks(report):
        if b.kind == "title":
            p = doc.add_paragraph(style="Title")
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            gb.set_font(p.add_run(b.text), gb.TITLE_FONT, gb.SIZE_2)
            doc.add_paragraph()
        elif b.kind == "meta":
            p = doc.add_paragraph()
            gb.set_font(p.add_run(b.text), gb.BODY_FONT, Pt(12))
        elif b.kind == "h1":
            p = doc.add_paragraph(style="Heading 1")
            gb.set_font(p.add_run(b.text), gb.HEADING_FONT, gb.SIZE_3, False)
        elif b.kind == "table":
            table = doc.add_table(rows=len(b.rows), cols=len(b.rows[0]))
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for i, row in enumerate(b.rows):
                for j, value in enumerate(row):
                    cell = table.cell(i, j)
                    cell.text = ""
                    para = cell.paragraphs[0]
                    para.paragraph_format.first_line_indent = Pt(0)
                    para.paragraph_format.line_spacing = Pt(16)
                    gb.set_font(para.add_run(value), "宋体", Pt(10.5), i == 0)
            doc.add_paragraph()
        else:
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            p.paragraph_format.first_line_indent = Pt(32)
            gb.set_font(p.add_run(b.text), gb.BODY_FONT, gb.SIZE_3)
    return gb.to_bytes(doc)


def docx_of(report) -> tuple[str, bytes]:
    """(file name, DOCX): a published report's frozen file, a draft's rendered now."""
    name = f"{report.title}{'' if report.docx else '（草稿）'}.docx"
    return name, bytes(report.docx) if report.docx else to_docx(report)
