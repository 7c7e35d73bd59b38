"""Checks that say where and why (issue 17 item 5): goals written among the results,
figures that name nothing they count, boilerplate sentences with offsets, and a report
with a placeholder anywhere never complete, never full marks, never "shortcomings
concrete"."""

from pathlib import Path

from fazhi.review.engine import review_file, review_text

DATA = Path(__file__).resolve().parent / "data"
OPTS = {"include_text": True}

BODY = (
    "一、主要举措和成效\n全年调解矛盾纠纷120起，调解成功率98%。\n"
    "二、存在的不足和原因\n一是河口村调解员不足，全年仅培训1次。原因是经费有限。\n"
    "三、党政主要负责人履行推进法治建设第一责任人职责情况\n镇党委书记主持专题学法4次。\n"
    "四、下一步工作安排\n一是加强学法。\n\n某镇人民政府\n2026年1月20日"
)


def check(r, code):
    return next(c for c in r["checks"] if c["code"] == code)


def test_a_pledge_among_the_results_is_reported_where_and_why():
    text = BODY.replace("调解成功率98%。", "调解成功率98%，力争信访按期答复率达到100%。")
    r = review_text(text, options=OPTS)
    c = check(r, "targets_as_results")
    assert c["ok"] is False and len(c["items"]) == 1
    it = c["items"][0]
    assert r["text"][it["start"] : it["end"]] == "达到100%"
    assert it["section"] == 1 and "目标" in it["why"] and "力争" in it["statement"]
    assert "第1部分" in c["reason"]
    # the same pledge in the plans part is what that part is for
    plan = BODY.replace("一是加强学法。", "一是力争信访按期答复率达到100%。")
    assert check(review_text(plan), "targets_as_results")["ok"] is True


def test_figures_without_a_subject_are_reported_where():
    text = BODY.replace("调解成功率98%。", "调解成功率98%。全年共4次，达到95%，又有3次。")
    r = review_text(text, options=OPTS)
    c = check(r, "figures_with_subject")
    got = [r["text"][it["start"] : it["end"]] for it in c["items"]]
    assert got == ["共4次", "达到95%", "3次"]
    assert c["ok"] is False and "3/7" in c["reason"]
    assert all(it["section"] == 1 and it["why"] for it in c["items"])


def test_a_list_takes_its_subject():
    r = review_text(
        "一、主要举措和成效\n山林、土地和医疗纠纷居前三位，分别为29件、28件、27件。其中来访34件、来信15件。"
    )
    assert check(r, "figures_with_subject")["items"] == []
    assert {f["subject"] for f in r["facts"] if f["text"] == "34件"} == {"来访"}


def test_boilerplate_sentences_have_offsets():
    seed = (
        Path(__file__).resolve().parents[2]
        / "fazhi/review/engine/data/reference/000_9016071757988ef3.txt"
    ).read_text(encoding="utf-8")
    text = BODY + "\n" + seed[1500:3500]
    r = review_text(text, options=OPTS)
    c = check(r, "boilerplate")
    assert c["items"], c["reason"]
    for it in c["items"]:
        assert r["text"][it["start"] : it["end"]] == it["text"]


def test_a_placeholder_anywhere_fails_shortcomings_and_full_marks():
    r = review_text(BODY, options=OPTS)
    assert check(r, "shortcomings_concrete")["ok"] is True
    # the fill-in is in part 4, not part 2
    r = review_text(BODY.replace("一是加强学法。", "一是全年学法X次。"), options=OPTS)
    sc = check(r, "shortcomings_concrete")
    assert sc["ok"] is False and "占位符" in sc["reason"]
    assert r["score"]["complete"] is False and r["score"]["total"] < r["score"]["max"]
    assert r["score"]["blocking"] == ["placeholders"]


def test_fazhis_draft_in_markdown_is_never_complete():
    r = review_file(DATA / "sections" / "fazhi_draft_dongfeng_2026.md", options=OPTS)
    assert r["missing"] == []
    assert check(r, "placeholders")["ok"] is False
    assert check(r, "shortcomings_concrete")["ok"] is False
    sc = r["score"]
    assert not sc["complete"] and sc["total"] < sc["max"]
    for it in check(r, "placeholders")["items"]:
        assert r["text"][it["start"] : it["end"]] == "（原因待填写）" and it["section"] == 2
