"""The three real seed reports, with hand-checked expectations."""

from pathlib import Path

import pytest

from fazhi.review.engine import review_file

SEEDS = Path(__file__).resolve().parents[2] / "fazhi" / "review" / "engine" / "data" / "reference"
S000 = SEEDS / "000_9016071757988ef3.txt"
S001 = SEEDS / "001_36a972dc84b9d279.txt"
S002 = SEEDS / "002_7fd64a31cf2fad1d.txt"


@pytest.fixture(scope="module")
def r000():
    return review_file(S000, options={"include_text": True})


@pytest.fixture(scope="module")
def r001():
    return review_file(S001, options={"include_text": True})


@pytest.fixture(scope="module")
def r002():
    return review_file(S002, options={"include_text": True})


def fact(r, text_part, subject_part=None):
    for f in r["facts"]:
        if text_part in f["text"] and (
            subject_part is None or subject_part in (f["subject"] or "")
        ):
            return f
    raise AssertionError(
        f"no fact {text_part!r} / {subject_part!r} in {[f['text'] for f in r['facts']]}"
    )


def check(r, code):
    return next(c for c in r["checks"] if c["code"] == code)


def parts(r):
    return [(s["statutory"], s["heading"]) for s in r["sections"] if s["part"]]


def test_result_keys(r000):
    assert {"file", "meta", "sections", "missing", "facts", "checks", "score"} <= set(r000)
    assert set(r000["meta"]) >= {
        "units",
        "year",
        "signed",
        "published",
        "doc_number",
        "index_number",
        "title",
    }
    for f in r000["facts"]:
        assert set(f) >= {"text", "subject", "value", "unit", "approx", "mechanism", "start", "end"}
    for s in r000["sections"]:
        assert set(s) >= {"statutory", "heading", "start", "end", "level"}
    for c in r000["checks"]:
        assert set(c) >= {"code", "ok", "reason"} and c["reason"]


def test_seed000_meta(r000):
    m = r000["meta"]
    assert m["units"] == ["中共巴中市巴州区光辉镇委员会", "巴中市巴州区光辉镇人民政府"]
    assert m["year"] == 2021
    assert m["signed"] == "2021-12-25"
    assert m["published"] == "2022-01-05"
    assert m["title"] == "关于2021年法治政府建设情况的报告"


def test_seed000_sections(r000):
    assert [p[0] for p in parts(r000)] == [1, 2, 3, 4]
    assert r000["missing"] == [5]
    headings = [s["heading"] for s in r000["sections"]]
    assert "（二）加强法律宣传，营造法治环境" in headings
    levels = {s["heading"]: s["level"] for s in r000["sections"]}
    assert levels["一、推进法治政府建设的主要举措和成效"] == 1
    assert levels["（一）加强组织领导，落实经费保障"] == 2
    assert any(
        s["level"] == 5 and s["heading"].startswith("一是集中宣传") for s in r000["sections"]
    )
    # offsets point at the heading in the original text
    text = r000["text"]
    for s in r000["sections"]:
        if s["part"]:
            assert text[s["start"] : s["end"]].startswith(s["heading"][:2])


def test_seed000_facts(r000):
    text = r000["text"]
    f = fact(r000, "1000人以上")
    assert (f["value"], f["unit"], f["approx"], f["mechanism"]) == (1000, "人", True, "普法")
    assert f["subject"] == "接受宣传的人数"
    f = fact(r000, "500多份")
    assert (f["value"], f["unit"], f["approx"]) == (500, "份", True)
    assert f["subject"] == "发放各类宣传材料"
    f = fact(r000, "30余起")
    assert (f["value"], f["unit"], f["approx"]) == (30, "起", True)
    assert f["subject"] == "现场接待群众法律咨询"
    f = fact(r000, "11次")
    assert (f["value"], f["approx"], f["mechanism"]) == (11, False, "学法")
    assert "学法" in f["subject"]
    assert fact(r000, "4次", "专题研讨")["value"] == 4
    assert fact(r000, "1次", "法律讲座")["value"] == 1
    results = [f for f in r000["facts"] if f["kind"] == "result"]
    for f in results:
        digits = "".join(ch for ch in f["text"] if ch.isdigit())
        assert digits and digits in text[f["start"] : f["end"]].replace(",", "")
    # not results: years, dates, 十九大, 3·15, 五个一, 三项工作 after 以下
    texts = " ".join(f["text"] for f in results)
    assert "2021" not in texts and "15" not in texts and "三项" not in texts
    assert len(results) == 7
    # "重点做好以下三项工作" counts the plan's parts (issue 17): a count, not a result
    counts = [f for f in r000["facts"] if f["kind"] != "result"]
    assert [(f["text"], f["kind"], f["value"]) for f in counts] == [("三项", "count", 3)]


def test_seed000_checks(r000):
    assert check(r000, "sections_present")["ok"] is True
    assert check(r000, "sections_order")["ok"] is True
    sc = check(r000, "shortcomings_concrete")
    assert sc["ok"] is False and "套话" in sc["reason"] and "原因分析：无" in sc["reason"]
    assert check(r000, "first_responsible")["ok"] is True
    dl = check(r000, "publication_deadline")
    assert dl["ok"] is True and "2022-04-01" in dl["reason"]
    assert check(r000, "boilerplate")["ok"] is True
    assert r000["score"]["total"] == sum(r000["score"]["parts"].values())


def test_seed001_thematic(r001):
    m = r001["meta"]
    assert m["units"] == ["泉掌镇人民政府"]
    assert m["year"] == 2021
    assert m["signed"] is None and m["published"] is None
    assert [p[0] for p in parts(r001)] == [1, 1, 1, 1]
    assert r001["missing"] == [2, 3, 4, 5]
    # "确保……年度学法时间不少于40小时" is a requirement (a threshold), not a result
    f = fact(r001, "40小时")
    assert (f["value"], f["unit"], f["mechanism"]) == (40, "小时", "学法")
    assert (f["kind"], f["bound"], f["approx"]) == ("threshold", "min", False)
    assert check(r001, "first_responsible")["ok"] is False
    assert check(r001, "publication_deadline")["ok"] is None
    assert check(r001, "figure_density")["ok"] is False
    assert check(r001, "sections_present")["ok"] is False
    # the page-break inside "在各\n\n行政村" is joined in the clean text, not in the original
    assert "在各\n\n行政村" in r001["text"]


def test_seed002_traditional(r002):
    m = r002["meta"]
    assert m["units"] == ["阳新县经济开发区管委会"]
    assert m["year"] == 2022
    assert m["signed"] == "2023-03-02"
    assert m["published"] == "2023-03-06"
    assert m["index_number"] == "000014349yx_kfq/2023-00008"
    assert m["doc_number"] is None
    assert m["title"] == "阳新经济开发区管委会法制建设年度报告"
    assert [p[0] for p in parts(r002)] == [1, 2, 3, 4]
    assert r002["missing"] == [5]
    levels = {s["level"] for s in r002["sections"]}
    assert {1, 3, 4, 5} <= levels


def test_seed002_facts(r002):
    text = r002["text"]
    f = fact(r002, "100余起")
    assert (f["value"], f["unit"], f["approx"], f["mechanism"]) == (100, "起", True, "调解")
    assert f["subject"] == "调解矛盾纠纷"
    f = fact(r002, "98.5%")
    assert (f["value"], f["unit"], f["approx"]) == (98.5, "%", False)
    assert f["subject"] == "调解成功率" and f["qualifier"] == "达"
    # "涉案金额50万元以上纠纷3起": 50万元以上 bounds the disputes counted, it is no result
    f = fact(r002, "50万元")
    assert (f["value"], f["unit"], f["kind"], f["bound"]) == (500000, "元", "threshold", "min")
    assert f["approx"] is False
    f = fact(r002, "100万元")
    assert f["value"] == 1000000 and f["unit"] == "元"
    f = fact(r002, "800小时")
    assert (f["value"], f["approx"], f["mechanism"]) == (800, True, "法律顾问")
    f = fact(r002, "30多场次")
    assert (f["value"], f["unit"], f["approx"]) == (30, "场次", True)
    f = fact(r002, "100%")
    assert f["value"] == 100 and f["unit"] == "%" and f["count"] == 3
    f = fact(r002, "100余件")
    assert f["mechanism"] == "信访"
    f = fact(r002, "12个")
    assert f["object"].startswith("村")
    # offsets map into the traditional original with pinyin
    for f in r002["facts"]:
        digits = "".join(ch for ch in f["text"] if ch.isdigit())
        orig = text[f["start"] : f["end"]]
        assert digits in "".join(ch for ch in orig if ch.isdigit()), (f, orig)
    f = fact(r002, "98.5%")
    assert text[f["start"] : f["end"]] == "達(dá)98.5%"
    # index number / dates in the metadata table are not facts
    assert not any("00008" in f["text"] or f["value"] == 2023 for f in r002["facts"])


def test_seed002_checks(r002):
    sc = check(r002, "shortcomings_concrete")
    assert sc["ok"] is True and "原因" in sc["reason"]
    assert check(r002, "publication_deadline")["ok"] is True
    # every check passes but issue 17's targets_as_results: part 1 gives
    # "确保参学率、参考率、优秀率达到三个100%", a requirement where a result belongs
    failed = [c["code"] for c in r002["checks"] if c["ok"] is False]
    assert failed == ["targets_as_results"]
    assert r002["score"]["total"] == r002["score"]["max"] - 1


GENRE = """关于2023年度法治政府建设情况的报告
一、学习贯彻习近平法治思想的情况
镇党委开展中心组学法6次。
二、主要举措与成效
（一）依法决策。全年审查合同15份。
（二）党政主要负责人履行推进法治建设第一责任人职责情况。书记带头述法。
三、存在问题
由于人员不足，导致青山村调解工作滞后，全年仅调解纠纷8起。
四、2024年度主要工作
1.加强学法。
青山镇人民政府
2024年1月20日"""


def test_genre_variants():
    from fazhi.review.engine import review_text

    r = review_text(GENRE)
    assert [(s["statutory"], s["level"]) for s in r["sections"] if s["part"]] == [
        (None, 1),
        (1, 1),
        (3, 2),
        (2, 1),
        (4, 1),
    ]
    assert r["missing"] == [5]
    assert check(r, "sections_order")["ok"] is True
    assert (
        check(r, "first_responsible")["ok"] is True
        and "嵌套" in check(r, "first_responsible")["reason"]
    )
    assert check(r, "shortcomings_concrete")["ok"] is True
    assert check(r, "publication_deadline")["ok"] is None
    r = review_text(
        GENRE.replace("四、2024年度主要工作", "四、下一步工作打算").replace(
            "三、存在问题", "三、存在的不足"
        )
    )
    assert [s["statutory"] for s in r["sections"] if s["part"]] == [None, 1, 3, 2, 4]
    late = "发布日期：2024-04-15\n" + GENRE
    r = review_text(late)
    dl = check(r, "publication_deadline")
    assert dl["ok"] is False and "14 天" in dl["reason"]
