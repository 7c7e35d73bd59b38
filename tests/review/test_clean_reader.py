"""Cleaning with offset maps, readers, input limits."""

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fazhi.review.engine import ReviewInputError, review_bytes, review_text
from fazhi.review.engine.clean import clean
from fazhi.review.engine.facts import extract_facts
from fazhi.review.engine.reader import read_bytes


def mapped_fact(text, **kw):
    """Clean, extract, map: return (fact, original span text)."""
    cr = clean(text, **kw)
    facts = extract_facts(cr.text)
    assert facts, cr.text
    f = facts[0]
    s, e = cr.mt.span(f["start"], f["end"])
    return f, text[s:e], cr


def test_pinyin_removed_and_mapped():
    text = "年度法治報(bào)告名稱(chēng)\n共調(tiáo)解糾紛(fēn)25起，成功率達(dá)96%。"
    cr = clean(text)
    assert "(chēng)" not in cr.text and "名称" in cr.text and "调解纠纷" in cr.text
    f, orig, _ = mapped_fact(text)
    assert f["value"] == 25 and f["unit"] == "起" and "25起" in orig
    assert f["subject"] == "调解纠纷"


def test_bookmark_and_space_runs():
    text = "[bookmark: _GoBack]全年开展普法活动" + " " * 300 + "12场，发放资料3000份。"
    f, orig, cr = mapped_fact(text)
    assert "bookmark" not in cr.text and "  " not in cr.text
    assert f["value"] == 12 and orig == "12场"
    assert "普法" in f["subject"]


def test_broken_lines_joined():
    text = "一、主要举措和成效\n今年以来，我镇共调解矛盾纠纷一百二十\n余起，调解成功率100%。\n二、存在的不足和原因\n经费不足。"
    cr = clean(text)
    assert "一百二十余起" in cr.text
    assert "\n二、存在的不足和原因" in cr.text  # headings are not joined
    f = extract_facts(cr.text)[0]
    assert (f["value"], f["approx"]) == (120, True)
    s, e = cr.mt.span(f["start"], f["end"])
    assert text[s:e] == "一百二十\n余起"


def test_fullwidth_and_ascii_punct():
    text = "２０２２年,我镇办理案件１,２００件,其中2.5%为复议案件;时间09:32。"
    cr = clean(text)
    assert cr.text.startswith("2022年，我镇")
    assert "1,200件" in cr.text and "2.5%" in cr.text and "09:32" in cr.text and "；" in cr.text
    facts = extract_facts(cr.text)
    assert [f["value"] for f in facts] == [1200, 2.5]
    s, e = cr.mt.span(facts[0]["start"], facts[0]["end"])
    assert text[s:e] == "１,２００件"


def test_chrome_removed_metadata_kept():
    text = (
        "首页 > 政务公开 > 其他法定信息\n字体：大 中 小\n【打印】【关闭】\n浏览次数：123\n"
        "索引号：11510000MB1234567X/2023-00012  发布日期：2023-02-10\n"
        "关于2022年法治政府建设情况的报告\n文号：青府发〔2023〕5号\n"
        "一、主要举措和成效\n全年开展学法活动8次。\n扫一扫在手机打开当前页\n分享到："
    )
    r = review_text(text)
    m = r["meta"]
    assert m["published"] == "2023-02-10"
    assert m["index_number"] == "11510000MB1234567X/2023-00012"
    assert m["doc_number"] == "青府发〔2023〕5号"
    assert m["year"] == 2022
    assert [f["value"] for f in r["facts"]] == [8]


def test_watermark_inside_words():
    text = (
        "一、主要举措\n全年调解矛内部资料盾纠纷35起。\n内部资料\n内部资料\n内部资料\n开展普法12场。"
    )
    cr = clean(text)
    assert "内部资料" not in cr.text and "调解矛盾纠纷35起" in cr.text
    cr2 = clean("全年调解矛XX网盾纠纷35起。", watermarks=["XX网"])
    assert "矛盾纠纷" in cr2.text


def test_chinese_dates_and_doc_number_brackets():
    text = "关于2023年度法治政府建设工作的报告\n我镇（2023）12号文件。\n一、主要举措和成效\n培训干部50人次。\n青山镇人民政府\n二〇二四年一月五日"
    r = review_text(text)
    assert r["meta"]["signed"] == "2024-01-05"
    assert r["meta"]["year"] == 2023
    assert r["meta"]["units"] == ["青山镇人民政府"]
    assert [f["value"] for f in r["facts"]] == [50]


def test_not_facts():
    text = "深入学习党的十九大精神，落实“三项制度”，增强“四个意识”，第一责任人，电话13812345678，依据《行政处罚法》第32条和〔2022〕8号文件，2021年12月。"
    assert extract_facts(clean(text).text) == []


def test_money_and_cn_numerals():
    facts = extract_facts(
        clean("落实普法经费2124.9万元，开展宣传二十余场，接待群众近300人次，投入1.2亿元。").text
    )
    got = [(f["value"], f["unit"], f["approx"]) for f in facts]
    assert got == [
        (21249000, "元", False),
        (20, "场", True),
        (300, "人次", True),
        (120000000, "元", False),
    ]
    assert facts[0]["mechanism"] == "经费"


_alphabet = st.sampled_from(
    list("法治政府建设年度报告调解纠纷一二三十余多起件次人%。，、；：\n \t()（）[]>")
    + [
        "稱(chēng)",
        "[bookmark: _GoBack]",
        "1,000",
        "2.5",
        "２０",
        "  " * 20,
        "\r\n",
        "扫一扫在手机打开当前页\n",
    ]
    + ["一、", "（一）", "1.", "20", "万元", "達", "體"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_alphabet, max_size=80).map("".join))
def test_clean_never_crashes_and_offsets_inside(text):
    cr = clean(text)
    n = len(text)
    assert len(cr.mt.offs) == len(cr.text)
    assert all(0 <= o < max(n, 1) for o in cr.mt.offs)
    for f in extract_facts(cr.text):
        s, e = cr.mt.span(f["start"], f["end"])
        assert 0 <= s <= e <= n
    r = review_text(text, options={"boilerplate": False})
    for f in r["facts"]:
        assert 0 <= f["start"] <= f["end"] <= n
    for s in r["sections"]:
        assert 0 <= s["start"] <= s["end"] <= n


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_review_arbitrary_text(text):
    r = review_text(text, options={"boilerplate": False})
    for f in r["facts"]:
        assert 0 <= f["start"] <= f["end"] <= len(text)


# ---------------------------------------------------------------- readers

SAMPLE = (
    "关于2022年法治政府建设情况的报告\n一、主要举措和成效\n共调解矛盾纠纷36起，调解成功率98%。\n"
)


@pytest.mark.parametrize(
    "enc", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le", "utf-16-be"]
)
def test_txt_encodings(enc):
    data = SAMPLE.encode(enc)
    if enc in ("utf-16-le", "utf-16-be"):
        pass  # no BOM: detected by the NUL pattern
    rr = read_bytes(data, "r.txt")
    assert rr.text == SAMPLE
    r = review_bytes(data, "r.txt")
    assert [f["value"] for f in r["facts"]] == [36, 98]


def test_html_visible_text():
    html = (
        "<html><head><meta charset='gbk'><title>t</title><style>p{}</style></head><body>"
        "<div class=crumb>首页 &gt; 政务公开 &gt; 法定信息</div><script>var a=1;</script>"
        "<table><tr><td>索引号</td><td>000014349/2023-00008</td><td>发布日期</td><td>2023-03-06</td></tr></table>"
        "<h1>关于2022年法治政府建设情况的报告</h1><p>一、主要举措和成效</p>"
        "<p>共调解矛盾纠纷36起&nbsp;，调解成功率98%。</p><div>扫一扫在手机打开当前页</div></body></html>"
    ).encode("gbk")
    rr = read_bytes(html, "r.html")
    assert (
        rr.kind == "html" and "var a" not in rr.text and "索引号 | 000014349/2023-00008" in rr.text
    )
    r = review_bytes(html, "r.html", options={"include_text": True})
    assert (
        r["meta"]["published"] == "2023-03-06"
        and r["meta"]["index_number"] == "000014349/2023-00008"
    )
    f = r["facts"][0]
    assert r["text"][f["start"] : f["end"]] == "36起"


def _docx_bytes():
    import docx

    d = docx.Document()
    d.add_paragraph("关于2022年法治政府建设情况的报告")
    d.add_paragraph("一、主要举措和成效")
    d.add_paragraph("共调解矛盾纠纷36起，调解成功率98%。")
    t = d.add_table(rows=1, cols=2)
    t.rows[0].cells[0].text = "学法次数"
    t.rows[0].cells[1].text = "12次"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx():
    data = _docx_bytes()
    rr = read_bytes(data, "r.docx")
    assert rr.kind == "docx"
    assert rr.text.split("\n")[:3] == [
        "关于2022年法治政府建设情况的报告",
        "一、主要举措和成效",
        "共调解矛盾纠纷36起，调解成功率98%。",
    ]
    assert "学法次数 | 12次" in rr.text
    r = review_bytes(data, "r.docx", options={"include_text": True})
    assert [f["value"] for f in r["facts"]] == [36, 98, 12]


def test_docx_zip_bomb_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<x/>")
        z.writestr("word/document.xml", b"<" + b"a" * (30 * 1024 * 1024) + b"/>")
    with pytest.raises(ReviewInputError) as ei:
        read_bytes(buf.getvalue(), "bomb.docx")
    assert ei.value.code == "docx_bomb"


def test_docx_too_many_entries_and_dtd():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i in range(1100):
            z.writestr(f"f{i}", "")
    with pytest.raises(ReviewInputError) as ei:
        read_bytes(buf.getvalue(), "many.docx")
    assert ei.value.code == "docx_bomb"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;</d>',
        )
    with pytest.raises(ReviewInputError) as ei:
        read_bytes(buf.getvalue(), "dtd.docx")
    assert ei.value.code == "docx_unsafe"


def test_corrupt_inputs():
    for data, name, code in [
        (b"PK\x03\x04garbage", "x.docx", "bad_docx"),
        (b"%PDF-1.4 garbage", "x.pdf", "bad_pdf"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "x.doc", "unsupported"),
        (b"   \n", "x.txt", "empty"),
    ]:
        with pytest.raises(ReviewInputError) as ei:
            read_bytes(data, name)
        assert ei.value.code in (code, "pdf_no_text"), (name, ei.value.code)
        assert "\n" not in ei.value.message


def test_oversize_refused():
    with pytest.raises(ReviewInputError) as ei:
        review_bytes(b"a" * 2048, "big.txt", options={"max_bytes": 1024})
    assert ei.value.code == "too_large" and "/" in ei.value.message


def _tiny_pdf(text: str) -> bytes:
    """A minimal one-page PDF with a Helvetica text layer (ASCII)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + o + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_pdf_text_layer():
    data = _tiny_pdf("Report 2022: 36 cases mediated")
    rr = read_bytes(data, "r.pdf")
    assert rr.kind == "pdf" and "36 cases mediated" in rr.text
    r = review_bytes(data, "r.pdf")
    assert r["file"] == "r.pdf" and r["meta"]["year"] is None
