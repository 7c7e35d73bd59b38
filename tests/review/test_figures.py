"""Figures of other kinds than results (issue 17): ranks, positions and batches, counts
of parts, approximate amounts, thresholds, targets and pledges, organisation make-up."""

import pytest

from fazhi.review.engine import review_text
from fazhi.review.engine.facts import extract_facts


def _one(sentence: str, text: str) -> dict:
    fs = [f for f in extract_facts(sentence) if text in f["text"]]
    assert fs, (sentence, [f["text"] for f in extract_facts(sentence)])
    return fs[0]


@pytest.mark.parametrize(
    "sentence,text,value,unit,among,ranked",
    [
        ("我镇在全市年度考核中位列第三名。", "第三名", 3, "名", "全市", "年度考核"),
        (
            "法治政府建设考核综合排名全省第2位。",
            "第2位",
            2,
            "位",
            "全省",
            "法治政府建设考核综合排名",
        ),
        ("我县获评第五批全国法治创建先进县。", "第五批", 5, "批", "全国", "全国法治创建先进县"),
        ("12345热线办理质效8月全区排名第4。", "第4", 4, "名", "全区", None),
        ("行政执法案卷评查成绩位居全省第10名。", "第10名", 10, "名", "全省", None),
        ("全省第10名。", "第10名", 10, "名", "全省", None),
    ],
)
def test_ranks_positions_and_batches(sentence, text, value, unit, among, ranked):
    f = _one(sentence, text)
    assert f["kind"] == "rank" and f["value"] == value and f["unit"] == unit
    assert f["among"] == among
    if ranked:
        assert f["ranked"] == ranked
    assert f["approx"] is False


@pytest.mark.parametrize(
    "sentence",
    [
        "始终把人民群众的利益摆在第一位。",
        "召开第三次全体会议。",
        "第二批次物资已经发放。",
        "根据《条例》第十条规定办理。",
    ],
)
def test_ordinals_that_are_not_ranks(sentence):
    assert not [f for f in extract_facts(sentence) if f["kind"] == "rank"]


@pytest.mark.parametrize(
    "sentence,text,value",
    [
        ("深入开展法治宣传“3大行动”。", "3大", 3),
        ("推进六方面重点工作。", "六方面", 6),
        ("将建设内容细分为七方面21个要点。", "七方面", 7),
        ("重点做好以下三项工作：", "三项", 3),
        ("从五个方面作出安排。", "五个方面", 5),
    ],
)
def test_counts_of_parts(sentence, text, value):
    f = _one(sentence, text)
    assert f["kind"] == "count" and f["value"] == value


def test_a_count_of_parts_takes_the_figure_after_it():
    fs = extract_facts("将建设内容细分为七方面21个要点。")
    assert [(f["text"], f["kind"]) for f in fs] == [("七方面", "count"), ("21个", "count")]


def test_party_congresses_and_articles_are_not_counts():
    assert extract_facts("深入学习贯彻党的二十大精神和十九大报告。") == []
    assert extract_facts("一方面加强学法，另一方面作为队伍建设的一项重要工作。") == []


def test_a_plan_named_as_a_noun_is_no_pledge():
    f = _one("法律顾问未按计划坐班为1次。", "1次")
    assert f["kind"] == "result"


@pytest.mark.parametrize(
    "sentence,text,value",
    [
        ("全年各类项目投资超12亿余元。", "超12亿余元", 1200000000),
        ("覆盖群众两万余人次。", "两万余人次", 20000),
        ("开展普法宣传近200场。", "近200场", 200),
        ("受众约1.5万人次。", "约1.5万人次", 15000),
        ("发放资料3000份左右。", "3000份左右", 3000),
        ("服务群众1万多人。", "1万多人", 10000),
        ("累计超过800小时。", "800小时", 800),
    ],
)
def test_approximate_markers_in_every_combination(sentence, text, value):
    f = _one(sentence, text)
    assert f["text"].endswith(text) and f["value"] == value
    assert f["approx"] is True and f["kind"] == "result"


@pytest.mark.parametrize(
    "sentence,text",
    [
        ("组建1支由12名律师组成的法律服务队伍。", "1支"),
        ("组建1支由12名律师组成的法律服务队伍。", "12名"),
        ("镇党委书记任组长，4名相关部门负责人为成员。", "4名"),
        ("领导小组下设1个办公室。", "1个"),
    ],
)
def test_organisation_make_up_is_not_a_result(sentence, text):
    assert _one(sentence, text)["kind"] == "structure"


@pytest.mark.parametrize(
    "sentence,text",
    [
        ("力争矛盾纠纷调解成功率达到98%以上，信访按期答复率达到100%。", "98%"),
        ("力争矛盾纠纷调解成功率达到98%以上，信访按期答复率达到100%。", "100%"),
        ("确保参学率、参考率、优秀率达到三个100%。", "100%"),
        ("计划开展普法宣传20场。", "20场"),
    ],
)
def test_pledges_are_targets(sentence, text):
    f = _one(sentence, text)
    assert f["kind"] == "target" and f["approx"] is False


def test_a_figure_at_the_very_start_of_the_text_is_read():
    assert _one("近200场", "200")["approx"] is True


def test_other_kinds_are_kept_out_of_the_figure_count():
    text = (
        "一、主要举措和成效\n我镇在全市年度考核中位列第三名，推进六方面重点工作，"
        "组建1支法律服务队伍，全年调解纠纷12件。"
    )
    r = review_text(text, options={"boilerplate": False})
    kinds = {f["text"]: f["kind"] for f in r["facts"]}
    assert kinds == {"第三名": "rank", "六方面": "count", "1支": "structure", "12件": "result"}
    d = next(c for c in r["checks"] if c["code"] == "figure_density")
    assert "1 个" in d["reason"]


@pytest.mark.parametrize(
    "sentence,text,topic",
    [
        ("将普法经费3万元列入年度财政预算。", "3万元", "经费"),
        ("全年共安排法治建设相关经费11.6万元，已支出7.54万元。", "7.54万元", "经费"),
        ("全年调处矛盾纠纷290件，涉及金额1072.14万元。", "1072.14万元", "调解"),
        ("审查合同33份、涉及合同金额4810.7万元。", "4810.7万元", "决策"),
        ("办理行政处罚案件4件，罚没金额2万元。", "2万元", "执法"),
        ("为农民工追回拖欠工资86.5万元。", "86.5万元", "公共法律服务"),
        ("全年各类项目投资超12亿余元。", "12亿", "其他"),
        ("全年开展安全生产检查120次，排查整改安全隐患85处。", "120次", "执法"),
        ("全年开展安全生产检查120次，排查整改安全隐患85处。", "85处", "执法"),
        ("组织法律顾问、乡贤能人开展宣讲36场，受众达2800余人次。", "2800余人次", "普法"),
        ("累计精简申报材料288项。", "288项", "其他"),
    ],
)
def test_topic_from_subject_and_unit(sentence, text, topic):
    assert _one(sentence, text)["mechanism"] == topic
