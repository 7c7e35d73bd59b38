"""Sections found at any heading level and in any markup (issue 17 item 4)."""

from pathlib import Path

from fazhi.review.engine import review_bytes, review_file, review_text
from fazhi.review.engine.cli import main

DATA = Path(__file__).resolve().parent / "data" / "sections"
OPTS = {"boilerplate": False, "include_text": True}


def _parts(r):
    return [(s["statutory"], s["heading"]) for s in r["sections"] if s["part"]]


def _check(r, code):
    return next(c for c in r["checks"] if c["code"] == code)


def test_fazhis_own_markdown_has_all_five_sections(capsys):
    r = review_file(DATA / "fazhi_draft_dongfeng_2026.md", options=OPTS)
    assert r["missing"] == []
    assert [n for n, _ in _parts(r)] == [1, 2, 3, 4, 5]
    assert _check(r, "sections_order")["ok"] is True
    assert r["meta"]["title"] == "东风镇关于2026年度法治政府建设情况的报告"
    # the signature in inline HTML (<p align="right">…</p>) is read
    assert r["meta"]["units"] == ["中共东风镇委员会", "东风镇人民政府"]
    assert r["meta"]["signed"] == "2026-12-07"
    # offsets point into the Markdown as read: the heading text, markers outside it
    h = next(s for s in r["sections"] if s["statutory"] == 2 and s["part"])
    assert r["text"][h["start"] : h["heading_end"]].startswith("二、")
    assert r["text"][h["start"] - 3 : h["start"]] == "## "
    # the bold lead-ins are level-2 headings
    subs = [s["heading"] for s in r["sections"] if s["level"] == 2]
    assert "（一）加强组织领导，强化责任落实和经费保障" in subs
    assert main(["review", str(DATA / "fazhi_draft_dongfeng_2026.md"), "-f", "text"]) == 0
    assert "缺少:" not in capsys.readouterr().out  # the "缺少" line of missing sections


def test_fazhis_own_html_has_all_five_sections():
    r = review_file(DATA / "fazhi_draft_dongfeng_2026.html", options=OPTS)
    assert [n for n, _ in _parts(r)] == [1, 2, 3, 4, 5]


def test_markdown_and_html_markup_are_ordinary_input():
    md = (
        "# 某镇2025年度法治政府建设情况报告\n\n"
        "## 一、主要举措和成效\n\n**（一）强化组织领导。**全年召开专题会议4次。\n\n"
        "## 二、存在的不足和原因\n\n> 一是调解员培训不足，全年仅培训1次。原因是经费有限。\n\n"
        "## 三、党政主要负责人履行推进法治建设第一责任人职责情况\n\n镇党委书记带头学法6次。\n\n"
        "## 四、2026年工作安排\n\n一是加强学法。\n"
    )
    r = review_text(md, options=OPTS)
    assert r["missing"] == [5] and _check(r, "sections_order")["ok"] is True
    html = (
        "<html><body><h1>某镇2025年度法治政府建设情况报告</h1>"
        "<h2>一、主要举措和成效</h2><p><strong>（一）强化组织领导。</strong>全年召开专题会议4次。</p>"
        "<h2>二、存在的不足和原因</h2><p>一是调解员培训不足。原因是经费有限。</p>"
        "<h2>三、党政主要负责人履行推进法治建设第一责任人职责情况</h2><p>书记带头学法6次。</p>"
        "<h2>四、2026年工作安排</h2><p><em>一是加强学法。</em></p></body></html>"
    )
    r = review_bytes(html.encode(), "r.html", options=OPTS)
    assert r["missing"] == [5] and _check(r, "sections_order")["ok"] is True


def test_a_statutory_part_given_as_a_sub_part_is_found_and_ordered():
    r = review_file(DATA / "nested_subpart.txt", options=OPTS)
    assert r["missing"] == [5]
    p1 = next(s for s in r["sections"] if s["part"] and s["statutory"] == 1)
    assert p1["level"] == 2 and "主要举措和成效" in p1["heading"]
    assert _check(r, "sections_order")["ok"] is True
    assert _check(r, "sections_present")["ok"] is True


def test_thematic_headings_map_to_parts():
    r = review_file(DATA / "thematic.txt", options=OPTS)
    assert [n for n, _ in _parts(r)] == [1, 1, 2, 3, 4]


def test_the_order_check_judges_what_was_found():
    r = review_file(DATA / "duty_first.txt", options=OPTS)
    o = _check(r, "sections_order")
    assert o["ok"] is False and "3→1" in o["reason"]
    # a first-responsible sub-part inside part 1 is judged with part 1
    text = (
        "一、主要举措和成效\n（一）党政主要负责人履行推进法治建设第一责任人职责情况\n书记带头学法。\n"
        "（二）依法决策\n审查合同3份。\n二、存在的不足和原因\n一是力量不足。原因是编制少。\n"
        "三、下一步工作安排\n一是加强学法。"
    )
    r = review_text(text, options=OPTS)
    assert r["missing"] == [5] and _check(r, "sections_order")["ok"] is True
