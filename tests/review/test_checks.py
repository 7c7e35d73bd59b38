"""Checks a draft cannot fool (issue 14 item 9): placeholders, repeated sentences, text
shared by two heads, targets and thresholds that are not results."""

from pathlib import Path

import pytest

from fazhi.review.engine import review_file, review_text
from fazhi.review.engine.quality import find_placeholders

DATA = Path(__file__).resolve().parent / "data"
DRAFT = DATA / "fazhi_draft_dongfeng_2026.txt"
SEEDS = Path(__file__).resolve().parents[2] / "fazhi" / "review" / "engine" / "data" / "reference"


def check(r, code):
    return next(c for c in r["checks"] if c["code"] == code)


@pytest.fixture(scope="module")
def draft():
    return review_file(DRAFT, options={"include_text": True})


# ---------------------------------------------------------------- fazhi's own draft


def test_draft_with_placeholder_causes_is_not_complete(draft):
    ph = check(draft, "placeholders")
    assert ph["ok"] is False
    assert len(ph["items"]) == 16
    text = draft["text"]
    for it in ph["items"]:
        assert text[it["start"] : it["end"]] == it["text"] == "（原因待填写）"
        assert it["section"] == 2 and it["heading"]
    assert "第2部分16处" in ph["reason"]
    sc = draft["score"]
    assert sc["complete"] is False and sc["blocking"] == ["placeholders"]
    assert sc["total"] < sc["max"] and "占位符" in sc["verdict"]


def test_draft_fails_shortcomings_concrete(draft):
    sc = check(draft, "shortcomings_concrete")
    assert sc["ok"] is False
    assert sc["placeholder_causes"] == 16
    assert "原因未填写" in sc["reason"]


def test_draft_targets_are_not_result_figures(draft):
    by_text = [(f["text"], f["kind"]) for f in draft["facts"]]
    assert ("79.4%", "result") in by_text
    targets = [f for f in draft["facts"] if f["kind"] == "target"]
    assert {f["value"] for f in targets} == {80, 0, 100}
    assert len(targets) == 9  # 未达到80%/100%的目标 ×8, 高于0件的目标
    # figure density counts results only
    n_results = sum(1 for f in draft["facts"] if f["kind"] == "result")
    assert f"{n_results} 个" in check(draft, "figure_density")["reason"]


def test_draft_heads_share_text(draft):
    hd = check(draft, "heads_distinct")
    assert hd["ok"] is False and "书记与镇长" in hd["reason"]
    it = hd["items"][0]
    assert "专题研究重大行政决策合法性审查" in it["text"] and it["length"] >= 15
    assert {o["head"] for o in it["occurrences"]} == {"书记", "镇长"}
    text = draft["text"]
    for o in it["occurrences"]:
        assert "等法治议题" in text[o["start"] : o["end"]] and o["section"] == 3


def test_a_filled_draft_scores_complete_again():
    """The same draft with causes written and the heads told apart loses every new failure."""
    text = DRAFT.read_text(encoding="utf-8")
    causes = iter(
        f"原因是{x}村调解员{n}人中有{n - 1}人为新任，培训不足"
        for x, n in zip("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳", range(2, 40))
    )
    while "（原因待填写）" in text:
        text = text.replace("原因：（原因待填写）", next(causes), 1)
    text = text.replace(
        "镇长刘某主持研究“听取法治政府建设工作汇报”、“研究年度普法依法治理工作要点”、“专题研究重大行政决策合法性审查”等法治议题。",
        "镇长刘某3月12日带队到红星村接访群众，现场协调土地纠纷2起。",
    )
    r = review_text(text)
    assert check(r, "placeholders")["ok"] is True
    assert check(r, "shortcomings_concrete")["ok"] is True
    assert check(r, "heads_distinct")["ok"] is True
    assert check(r, "repeated_sentences")["ok"] is True
    assert r["score"]["blocking"] == []


# ---------------------------------------------------------------- the seeds


@pytest.mark.parametrize(
    "name,total,maximum,complete",
    [
        # before item 9: 7/8, 1/6 and 8/8. The two new checks that can always be decided
        # (placeholders, repeated_sentences) pass on every seed; heads_distinct cannot be
        # decided (no seed writes the two heads apart) and stays out of the score.
        # issue 17 adds targets_as_results (decided on every report) and
        # figures_with_subject (decided when there are results): 000 and 002 pass the
        # second, 001 has no result figure; 002 fails the first — its part 1 gives
        # "确保参学率、参考率、优秀率达到三个100%", a requirement, not a result.
        ("000_9016071757988ef3.txt", 11, 12, False),
        ("001_36a972dc84b9d279.txt", 4, 9, False),
        ("002_7fd64a31cf2fad1d.txt", 11, 12, False),
    ],
)
def test_seeds_have_no_placeholder_and_keep_their_score(name, total, maximum, complete):
    r = review_file(SEEDS / name)
    assert check(r, "placeholders")["ok"] is True and check(r, "placeholders")["items"] == []
    assert check(r, "repeated_sentences")["ok"] is True
    assert check(r, "heads_distinct")["ok"] is None
    sc = r["score"]
    assert (sc["total"], sc["max"], sc["complete"]) == (total, maximum, complete)
    assert sc["blocking"] == []


# ---------------------------------------------------------------- placeholders


@pytest.mark.parametrize(
    "text,found",
    [
        ("原因：（原因待填写）。", ["（原因待填写）"]),
        ("全年受理〔待核：全年受理数〕件。", ["〔待核：全年受理数〕"]),
        ("由【单位名称】负责。", ["【单位名称】"]),
        ("【】年度", ["【】"]),
        ("XX村调解纠纷3件。", ["XX"]),
        ("xx村调解纠纷3件。", ["xx"]),
        ("××镇人民政府", ["××"]),
        ("于X月X日召开会议。", ["X月X日"]),
        ("于20XX年X月召开会议。", ["20XX年X月"]),
        ("共调解X件。", ["X"]),
        ("○○村召开会议。", ["○○"]),
        ("于○月○日召开会议。", ["○月○日"]),
        ("此项数据待填写。", ["待填写"]),
        ("签字：______。", ["______"]),
        # not placeholders
        ("某某村王某与李某某宅基地纠纷调解成功。", []),
        ("二〇〇九年、二○二二年一月五日", []),
        ("有待补充完善，有待提高。", []),
        ("接待群众来访。对待核查的线索逐一核查。", []),
        ("【典型案例】某某村王某", []),
        ("Excel 表格 3×4", []),
    ],
)
def test_placeholder_forms(text, found):
    assert [p["text"] for p in find_placeholders(text)] == found


def test_anonymised_names_are_not_placeholders():
    r = review_text("一、主要举措和成效\n某某村王某与邻居因宅基地发生纠纷，经调解达成协议。")
    assert check(r, "placeholders")["ok"] is True


def test_placeholder_position_and_section():
    text = "一、主要举措和成效\n全年调解纠纷12件。\n二、存在的不足和原因\n一是XX村调解不及时，原因是人员不足。"
    r = review_text(text)
    (it,) = check(r, "placeholders")["items"]
    assert text[it["start"] : it["end"]] == "XX"
    assert it["section"] == 2 and it["heading"].startswith("一是")


# ---------------------------------------------------------------- repeated sentences


def test_repeated_sentence_is_caught():
    text = (
        "一、主要举措和成效\n（一）依法决策。严格落实重大行政决策程序，全年审查合同15份。\n"
        "（二）公正执法。一是严格落实重大行政决策程序，全年审查合同15份。二是短句重复。\n"
        "二、存在的不足和原因\n短句重复。由于人员不足，导致青山村调解滞后。"
    )
    r = review_text(text)
    rep = check(r, "repeated_sentences")
    assert rep["ok"] is False
    (it,) = rep["items"]  # "短句重复" is shorter than 12 characters: not compared
    assert it["count"] == 2 and "严格落实重大行政决策程序" in it["text"]
    assert [o["section"] for o in it["occurrences"]] == [1, 1]
    for o in it["occurrences"]:
        assert text[o["start"] : o["end"]].endswith("全年审查合同15份")


def test_sentences_differing_in_a_figure_are_not_repeats():
    text = "全年开展普法宣传活动共计20场次。\n全年开展普法宣传活动共计21场次。"
    assert check(review_text(text), "repeated_sentences")["ok"] is True


# ---------------------------------------------------------------- two heads

HEADS = """一、主要举措和成效
全年调解纠纷12件。
二、存在的不足和原因
由于人员不足，导致青山村调解滞后。
三、党政主要负责人履行推进法治建设第一责任人职责情况
（一）党委书记李某履职情况
{party}
（二）镇长刘某履职情况
{gov}
四、下一步工作安排
一是加强学法。
"""


def test_two_heads_sharing_a_sentence_are_caught():
    shared = "坚持把法治建设纳入全镇发展总体规划，做到同部署同推进同督促同考核。"
    r = review_text(
        HEADS.format(
            party="3月主持召开党委会专题研究法治建设。" + shared,
            gov="5月带队到红星村接访群众。" + shared,
        )
    )
    hd = check(r, "heads_distinct")
    assert hd["ok"] is False
    (it,) = hd["items"]
    assert "同部署同推进同督促同考核" in it["text"]
    assert sorted(o["head"] for o in it["occurrences"]) == ["书记", "镇长"]


def test_two_heads_sharing_a_long_clause_are_caught():
    r = review_text(
        HEADS.format(
            party="3月主持研究“听取法治政府建设工作汇报”等议题，部署全年工作。",
            gov="6月主持研究“听取法治政府建设工作汇报”等议题，要求限期整改。",
        )
    )
    assert check(r, "heads_distinct")["ok"] is False


def test_two_heads_with_distinct_text_pass():
    r = review_text(
        HEADS.format(
            party="3月12日主持召开党委会，专题研究《东风镇法治建设工作要点》。4月带头述法。",
            gov="5月8日带队到红星村接访群众，现场协调土地纠纷2起。9月为镇机关干部讲授民法典专题课。",
        )
    )
    hd = check(r, "heads_distinct")
    assert hd["ok"] is True and hd["items"] == []
    assert "书记与镇长" in hd["reason"]


def test_heads_in_paragraphs_and_other_unit_kinds():
    text = HEADS.replace("（一）党委书记李某履职情况\n", "").replace("（二）镇长刘某履职情况\n", "")
    text = text.replace("镇", "街道")
    same = "带头开展法治宣传进社区活动并为群众现场解答法律问题。"
    r = review_text(
        text.format(
            party="街道党工委书记李某3月主持会议。" + same,
            gov="街道办事处主任刘某5月接访群众。" + same,
        )
    )
    hd = check(r, "heads_distinct")
    assert hd["ok"] is False and "书记与主任" in hd["reason"]


def test_a_passing_mention_of_the_secretary_is_not_a_head_part():
    r = review_text(
        HEADS.replace("（一）党委书记李某履职情况\n", "")
        .replace("（二）镇长刘某履职情况\n", "")
        .format(party="调整充实法治建设工作领导小组，由党委书记任组长。", gov="全年组织学法12次。")
    )
    assert check(r, "heads_distinct")["ok"] is None


# ---------------------------------------------------------------- targets and thresholds


@pytest.mark.parametrize(
    "sentence,figure,kind,bound",
    [
        ("村级化解率79.4%，未达到80%的目标。", "80%", "target", None),
        ("超期未调结纠纷2件，高于0件的目标。", "0件", "target", None),
        ("调解成功率目标为95%。", "95%", "target", None),
        ("确保年度学法时间不少于40小时。", "40小时", "threshold", "min"),
        ("法律顾问覆盖率不低于90%。", "90%", "threshold", "min"),
        ("调处涉案金额50万元以上纠纷3起。", "50万元以上", "threshold", "min"),
        ("对3万元以下罚款适用简易程序。", "3万元以下", "threshold", "max"),
    ],
)
def test_targets_and_thresholds_are_not_results(sentence, figure, kind, bound):
    r = review_text("一、主要举措和成效\n" + sentence)
    f = next(f for f in r["facts"] if figure in f["text"])
    assert f["kind"] == kind and f.get("bound") == bound and f["approx"] is False
    results = [f["text"] for f in r["facts"] if f["kind"] == "result"]
    assert not any(figure in t for t in results)


def test_a_result_stated_with_yishang_stays_a_result():
    r = review_text("接受宣传的人数在1000人以上，发放材料500多份。")
    f = next(f for f in r["facts"] if "1000" in f["text"])
    assert f["kind"] == "result" and f["approx"] is True


def test_targets_do_not_make_shortcomings_concrete():
    text = (
        "一、主要举措和成效\n全年调解纠纷12件。\n二、存在的不足和原因\n"
        "一是工作有待提高，未达到80%的目标。原因是人员不足。\n三、党政主要负责人履行推进法治建设第一责任人职责情况\n书记带头述法。\n四、下一步工作安排\n一是加强学法。"
    )
    sc = check(review_text(text), "shortcomings_concrete")
    assert sc["figures"] == 0 and sc["ok"] is False
