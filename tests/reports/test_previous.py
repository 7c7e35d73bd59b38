"""Start this year's report from last year's: import, map, adapt, apply (issue 14 item 7)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from fazhi.core.errors import DomainError, InvalidInput
from fazhi.reports import previous, render, services
from fazhi.reports.demo import demo_previous
from fazhi.reports.models import AnnualReport, PreviousReport
from tests.hostile import CORPUS

from .fixtures import YEAR
from .helpers import fill_causes

LAST = YEAR - 1

# A hand-written report of last year (the year before the fixtures' ledgers).
LAST_YEAR_TEXT = f"""甲镇关于{LAST}年度法治政府建设情况的报告

{LAST}年，甲镇坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻习近平法治思想，扎实推进法治政府建设。现将{LAST}年度法治政府建设情况报告如下：

一、{LAST}年度推进法治政府建设的主要举措和成效

（一）依法化解矛盾纠纷。全年共调处矛盾纠纷12件，调解成功10件，调解成功率83.3%。全年受理信访件4件，按期答复率100%。
（二）抓好普法宣传。印发《甲镇{LAST}年普法工作要点》，落实“八五”普法规划（2021—2025年），发放宣传资料300余份。自2019年起坚持每月开展法律进村活动。

二、{LAST}年度推进法治政府建设存在的不足和原因

一是普法形式较为单一，主要原因是宣传阵地建设滞后。二是个别干部法治意识不强，主要原因是学法培训不够系统。

三、{LAST}年度党政主要负责人履行推进法治建设第一责任人职责，加强法治政府建设的有关情况

镇党委书记、镇长认真履行推进法治建设第一责任人职责，镇党委书记于{LAST}年12月在县委依法治县委员会会议上述法。

四、{YEAR}年度推进法治政府建设的主要安排

{YEAR}年，我镇将重点抓好以下工作：一是健全调解组织，确保调解成功率达到95%。二是创新普法方式，力争普法受众保持在5000人次以上。

五、其他需要报告的情况

无。

中共甲镇委员会
甲镇人民政府
{YEAR}年1月10日
"""


@pytest.fixture
def draft(seeded):
    return services.create_report(seeded.township_a, YEAR, actor=seeded.clerk_a)


def _import(report, actor, text=LAST_YEAR_TEXT, name="甲镇上年报告.txt"):
    return previous.import_previous(report, text.encode(), name, actor=actor)


def test_mapped_figures_become_tokens_and_render_this_years_values(seeded, draft):
    prev = _import(draft, seeded.clerk_a)
    assert set(int(k) for k in prev.sections) == {0, 1, 2, 3, 4, 5}
    codes = [f["code"] for f in previous.mapped(prev)]
    assert codes == [
        "disputes.mediated",
        "disputes.succeeded",
        "disputes.success_rate",
        "petitions.received",
        "petitions.replied_on_time_rate",
    ]
    fig = next(f for f in prev.figures if f["code"] == "disputes.mediated")
    assert (fig["section"], fig["text"], fig["value"]) == (1, "12件", "12")
    assert prev.sections["1"][fig["start"] : fig["end"]] == "12件"
    adapted = previous.adapt(prev, YEAR)
    assert "全年共调处矛盾纠纷{{disputes.mediated}}" in adapted[1]
    assert "调解成功率{{disputes.success_rate}}" in adapted[1]
    assert "12件" not in adapted[1] and "83.3%" not in adapted[1]
    written = previous.apply_previous(draft, actor=seeded.clerk_a)
    assert written == [0, 1, 2, 3, 4, 5]
    text = render.to_text(draft)
    assert "全年共调处矛盾纠纷5件，调解成功3件，调解成功率75%" in text
    assert "受理信访件2件，按期答复率50%" in text
    s1 = draft.sections.get(number=1)
    assert s1.edited and s1.text == adapted[1].strip() and s1.generated != s1.text
    # A redraft from the ledgers keeps the adopted text; a reset restores the ledger draft.
    # (The redraft now knows last year's figures from the import: "较上年减少7件".)
    services.generate(draft, actor=seeded.clerk_a)
    redrafted = draft.sections.get(number=1)
    assert redrafted.text == s1.text and "较上年减少7件" in redrafted.generated
    services.reset_section(draft, 1, actor=seeded.clerk_a)
    assert draft.sections.get(number=1).text == redrafted.generated


def test_unmapped_figures_are_marked_and_block_submission(seeded, draft):
    prev = _import(draft, seeded.clerk_a)
    assert [f["text"] for f in previous.unmapped(prev)] == ["300余份", "达到95%"]
    previous.apply_previous(draft, actor=seeded.clerk_a)
    s1 = draft.sections.get(number=1).text
    assert "发放宣传资料〔待核：300余份〕" in s1
    # A target after an indicator's phrase would read as a wrong figure: left for the writer.
    assert "确保调解成功率达到〔待核：95%〕" in draft.sections.get(number=4).text
    # Another target stays as written.
    assert "保持在5000人次以上" in draft.sections.get(number=4).text
    fill_causes(draft, seeded.clerk_a)
    problems = services.blocking_problems(draft)
    assert any("第一部分有 1 处上年数据待核实（“300余份”）" in p for p in problems)
    assert any(p.startswith("第四部分有 1 处") for p in problems)
    with pytest.raises(DomainError, match="待核实"):
        services.run_action(draft, "submit", actor=seeded.clerk_a)
    # Filled in: the problem goes.
    services.update_section(
        draft, 1, s1.replace("〔待核：300余份〕", "500余份"), actor=seeded.clerk_a
    )
    assert not any(p.startswith("第一部分有") for p in services.blocking_problems(draft))


def test_year_numbers_move_on(seeded, draft):
    prev = _import(draft, seeded.clerk_a)
    adapted = previous.adapt(prev, YEAR)
    assert adapted[0].startswith(f"{YEAR}年，甲镇坚持")
    assert f"现将{YEAR}年度法治政府建设情况报告如下" in adapted[0]
    assert f"《甲镇{LAST}年普法工作要点》" in adapted[1]  # a title is not moved
    assert "（2021—2025年）" in adapted[1] and "自2019年起" in adapted[1]
    assert f"于〔待核：{YEAR}年12月〕在县委" in adapted[3]  # a date: moved, to check
    assert adapted[4].startswith(f"{YEAR + 1}年，我镇将")
    assert "甲镇" in adapted[0]  # the unit's name kept
    # The title and signature block are not carried into the sections.
    assert "报告\n" not in adapted[0] and "人民政府" not in adapted[5]
    assert adapted[5] == "无。"


def test_docx_of_a_published_report_round_trips(seeded, draft, frozen):
    data = render.to_docx(draft)
    this_year = services.create_report(seeded.township_a, YEAR + 1, actor=seeded.clerk_a)
    prev = previous.import_previous(this_year, data, "甲镇上年报告.docx", actor=seeded.clerk_a)
    assert set(int(k) for k in prev.sections) == {0, 1, 2, 3, 4, 5}
    assert prev.sections["5"] == "无。"
    assert prev.sections["1"].startswith("（一）")
    codes = {f["code"] for f in previous.mapped(prev)}
    used = {c for s in draft.sections.all() for c in services.figures.codes_in(s.text)}
    assert {"disputes.mediated", "disputes.success_rate", "petitions.received"} <= codes
    assert used - codes == set(), (used - codes, previous.unmapped(prev))
    adapted = previous.adapt(prev, YEAR + 1)
    assert "调处矛盾纠纷{{disputes.mediated}}" in adapted[1]


def test_html_of_a_report_imports(seeded, draft, frozen):
    this_year = services.create_report(seeded.township_a, YEAR + 1, actor=seeded.clerk_a)
    data = render.to_html(draft, public=True).encode()
    prev = previous.import_previous(this_year, data, "上年报告.html", actor=seeded.clerk_a)
    assert set(int(k) for k in prev.sections) == {0, 1, 2, 3, 4, 5}
    assert "disputes.mediated" in {f["code"] for f in previous.mapped(prev)}
    # A hand-written HTML page of last year's report.
    page = "".join(f"<p>{line}</p>" for line in LAST_YEAR_TEXT.splitlines() if line.strip())
    html = f"<html><body><h1>政务公开</h1>{page}</body></html>".encode()
    prev = previous.import_previous(draft, html, "last.html", actor=seeded.clerk_a)
    assert previous.counts(prev) == {"mapped": 5, "unmapped": 2, "targets": 1}


def test_bad_file_is_refused_in_chinese(seeded, draft, api_for, tmp_path):
    with pytest.raises(InvalidInput, match="无法读取“x.docx”：DOCX") as exc:
        previous.import_previous(draft, b"PK\x03\x04 broken", "x.docx", actor=seeded.clerk_a)
    assert " / " not in exc.value.message
    with pytest.raises(InvalidInput, match="文件为空"):
        previous.import_previous(draft, b"", "x.txt", actor=seeded.clerk_a)
    with pytest.raises(InvalidInput, match="没有找到年度报告的法定部分"):
        previous.import_previous(draft, "随便写的几句话。".encode(), "x.txt", actor=seeded.clerk_a)
    wrong = LAST_YEAR_TEXT.replace(str(LAST), str(LAST - 2))
    with pytest.raises(InvalidInput, match=f"请导入{LAST}年度的报告"):
        previous.import_previous(draft, wrong.encode(), "x.txt", actor=seeded.clerk_a)
    assert not PreviousReport.objects.exists()
    api = api_for(seeded.clerk_a)
    r = api.c.post(
        f"/api/v1/reports/{draft.pk}/previous",
        {"file": SimpleUploadedFile("x.docx", b"PK\x03\x04 not a zip")},
    )
    assert r.status_code == 400 and r.json()["error"]["code"]
    assert "无法读取" in r.json()["error"]["message"]
    bad = tmp_path / "bad.txt"
    bad.write_text("没有五个部分的一段文字。", encoding="utf-8")
    with pytest.raises(CommandError, match="没有找到年度报告的法定部分"):
        call_command("report_previous", "甲镇", str(YEAR), str(bad), "--user", "clerk_a")
    with pytest.raises(CommandError, match="找不到文件"):
        call_command(
            "report_previous", "甲镇", str(YEAR), str(tmp_path / "no.txt"), "--user", "clerk_a"
        )
    with pytest.raises(CommandError, match="尚未编制"):
        call_command("report_previous", "乙乡", str(YEAR), str(bad), "--user", "clerk_a")


def test_cli_prints_counts_and_unmapped_then_applies(seeded, draft, tmp_path):
    path = tmp_path / "last.txt"
    path.write_text(LAST_YEAR_TEXT, encoding="utf-8")
    out = io.StringIO()
    call_command("report_previous", "甲镇", str(YEAR), str(path), "--user", "clerk_a", stdout=out)
    text = out.getvalue()
    assert "对应到指标 5 个，未对应 2 个" in text
    assert "待核 第1部分：300余份（发放宣传资料）" in text
    assert not draft.sections.get(number=1).edited
    out = io.StringIO()
    call_command(
        "report_previous", "甲镇", str(YEAR), str(path), "--user", "clerk_a", "--apply", stdout=out
    )
    assert "已采用上年结构写入开头语、第1部分" in out.getvalue()
    assert "{{disputes.mediated}}" in draft.sections.get(number=1).text
    with pytest.raises(CommandError, match="无权"):
        call_command("report_previous", "甲镇", str(YEAR), str(path), "--user", "clerk_b")


def test_scoping(seeded, draft, api_for, client_for, leader_a):
    w = seeded
    with pytest.raises(PermissionDenied):
        _import(draft, w.clerk_b)
    with pytest.raises(PermissionDenied):
        _import(draft, leader_a)  # a leader approves, does not draft
    _import(draft, w.clerk_a)
    with pytest.raises(PermissionDenied):
        previous.apply_previous(draft, actor=w.clerk_b)
    for user in (w.clerk_b, w.outsider):
        api = api_for(user)
        assert api.get(f"/reports/{draft.pk}/previous").status_code == 404
        assert api.post(f"/reports/{draft.pk}/previous/apply", {}).status_code == 404
        r = api.c.post(
            f"/api/v1/reports/{draft.pk}/previous",
            {"file": SimpleUploadedFile("a.txt", LAST_YEAR_TEXT.encode())},
        )
        assert r.status_code == 404
        assert client_for(user).get(f"/reports/{draft.pk}/previous/").status_code == 404
    # The leader sees the comparison but may not change the draft.
    assert api_for(leader_a).get(f"/reports/{draft.pk}/previous").status_code == 200
    r = api_for(leader_a).post(f"/reports/{draft.pk}/previous/apply", {})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    page = client_for(leader_a).get(f"/reports/{draft.pk}/previous/")
    assert page.status_code == 200 and 'id="apply-previous"' not in page.content.decode()
    assert (
        client_for(leader_a).post(f"/reports/{draft.pk}/previous/", {"what": "apply"}).status_code
        == 403
    )


def test_api(seeded, draft, api_for):
    api = api_for(seeded.clerk_a)
    assert api.get(f"/reports/{draft.pk}/previous").json()["error"]["code"] == "no_previous"
    r = api.post(f"/reports/{draft.pk}/previous/apply", {})
    assert r.status_code == 404 and r.json()["error"]["code"] == "no_previous"
    r = api.c.post(f"/api/v1/reports/{draft.pk}/previous", {})
    assert r.status_code == 400 and r.json()["error"]["code"] == "no_file"
    r = api.c.post(
        f"/api/v1/reports/{draft.pk}/previous",
        {"file": SimpleUploadedFile("last.txt", LAST_YEAR_TEXT.encode())},
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["counts"] == {"mapped": 5, "unmapped": 2, "targets": 1}
    assert body["mapped"][0] == {
        "section": 1,
        "text": "12件",
        "value": "12",
        "measure": "件",
        "subject": "调处矛盾纠纷",
        "code": "disputes.mediated",
        "name": "调处矛盾纠纷",
    }
    assert body["unmapped"][0]["text"] == "300余份" and body["unmapped"][0]["code"] is None
    side = api.get(f"/reports/{draft.pk}/previous").json()
    one = next(s for s in side["sections"] if s["number"] == 1)
    fig = next(p for p in one["new"] if p["kind"] == "figure")
    assert fig == {
        "kind": "figure",
        "code": "disputes.mediated",
        "name": "调处矛盾纠纷",
        "old": "12件",
        "text": "5件",
        "changed": True,
    }
    assert {"kind": "pending", "text": "300余份"} in one["new"]
    # An edited section is not overwritten without saying so.
    services.update_section(draft, 2, "手工写的不足。", actor=seeded.clerk_a)
    r = api.post(f"/reports/{draft.pk}/previous/apply", {})
    assert r.status_code == 409 and r.json()["error"]["code"] == "would_overwrite"
    assert "第2部分已人工修改" in r.json()["error"]["message"]
    r = api.post(f"/reports/{draft.pk}/previous/apply", {"sections": [1, 3]})
    assert r.status_code == 200 and r.json()["written"] == [1, 3]
    assert draft.sections.get(number=2).text == "手工写的不足。"
    r = api.post(f"/reports/{draft.pk}/previous/apply", {"sections": [9]})
    assert r.status_code == 400 and "没有第9部分" in r.json()["error"]["message"]
    r = api.post(f"/reports/{draft.pk}/previous/apply", {"overwrite": True})
    assert r.status_code == 200 and r.json()["written"] == [0, 1, 2, 3, 4, 5]


def test_side_by_side_page(seeded, draft, client_for):
    c = client_for(seeded.clerk_a)
    url = f"/reports/{draft.pk}/previous/"
    html = c.get(url).content.decode()
    assert 'id="previous-upload"' in html and 'id="apply-previous"' not in html
    assert url in c.get(f"/reports/{draft.pk}/").content.decode()
    assert url in c.get(f"/reports/{draft.pk}/edit/").content.decode()
    r = c.post(url, {"what": "upload"}, follow=True)
    assert "请选择上一年度报告文件" in r.content.decode()
    r = c.post(url, {"what": "upload", "file": SimpleUploadedFile("x.docx", b"PK\x03\x04 broken")})
    assert r.status_code == 302
    assert "无法读取" in c.get(url).content.decode()
    upload = SimpleUploadedFile("last.txt", LAST_YEAR_TEXT.encode())
    r = c.post(url, {"what": "upload", "file": upload}, follow=True)
    html = r.content.decode()
    assert "5 个数据对应到指标" in html and 'id="previous-counts"' in html
    assert (
        '<del class="prev-old">12件</del><ins class="prev-new" data-code="disputes.mediated"'
        in html
    )
    assert '<mark class="prev-pending" title="请填写本年数据">〔待核：300余份〕</mark>' in html
    assert '<mark class="prev-unmapped" title="没有对应的指标，需人工核实">300余份</mark>' in html
    assert (
        '<span class="prev-mapped" title="对应指标：调处矛盾纠纷（disputes.mediated）">12件</span>'
        in html
    )
    assert f'<ins class="prev-year" title="原文 {LAST}年">{YEAR}年</ins>' in html
    assert "采用上年结构生成本年草稿" in html and 'id="apply-confirm"' not in html
    # An edited section asks for confirmation before it is overwritten.
    services.update_section(draft, 2, "手工写的不足。", actor=seeded.clerk_a)
    html = c.get(url).content.decode()
    assert 'id="apply-confirm"' in html and "第2部分已人工修改" in html
    r = c.post(url, {"what": "apply", "choose": "1", "sections": ["1", "2"]}, follow=True)
    assert "第2部分已人工修改" in r.content.decode()
    assert draft.sections.get(number=2).text == "手工写的不足。"
    r = c.post(url, {"what": "apply", "choose": "1"}, follow=True)
    assert "请至少选择一个部分" in r.content.decode()
    r = c.post(url, {"what": "apply", "choose": "1", "sections": ["1", "2"], "confirm": "1"})
    assert r.status_code == 302 and r["Location"] == f"/reports/{draft.pk}/edit/"
    assert draft.sections.get(number=2).text.startswith("一是普法形式较为单一")
    html = c.get(url).content.decode()
    assert "本年草稿已采用" in html and "本年草稿待核 1 处" in html
    # Reflected text is escaped.
    services.update_section(draft, 5, "<script>alert(1)</script>", actor=seeded.clerk_a)
    evil = LAST_YEAR_TEXT.replace("无。\n", "<script>alert(1)</script>\n")
    c.post(url, {"what": "upload", "file": SimpleUploadedFile("e.txt", evil.encode())})
    assert "<script>alert(1)</script>" not in c.get(url).content.decode()


def test_published_report_of_last_year_on_this_platform(seeded, draft, client_for, leader_a):
    from .helpers import publish

    last = publish(draft, seeded.clerk_a, leader_a)
    this_year = services.create_report(seeded.township_a, YEAR + 1, actor=seeded.clerk_a)
    c = client_for(seeded.clerk_a)
    url = f"/reports/{this_year.pk}/previous/"
    assert f"采用本平台已公开的《{last.title}》" in c.get(url).content.decode()
    c.post(url, {"what": "published"})
    prev = PreviousReport.objects.get(report=this_year)
    assert prev.name == f"{last.title}.docx" and previous.counts(prev)["mapped"] >= 10


def test_only_a_draft_takes_last_years_report(seeded, draft, leader_a):
    fill_causes(draft, seeded.clerk_a)
    services.run_action(draft, "submit", actor=seeded.clerk_a)
    draft.refresh_from_db()
    with pytest.raises(DomainError, match="只有草稿可以修改"):
        _import(draft, seeded.clerk_a)


def test_demo_last_years_report(seeded, draft):
    prev = demo_previous(draft, seeded.clerk_a)
    c = previous.counts(prev)
    # every figure found is mapped or left for the writer; indicators the apps add map more
    assert c["mapped"] + c["unmapped"] == 43 and c["mapped"] >= 25 and c["targets"] == 3, c
    assert f"{LAST}年，东风镇" in prev.sections["0"]
    assert demo_previous(draft, seeded.clerk_a) == prev  # once
    codes = {f["code"] for f in previous.mapped(prev)}
    assert {"disputes.mediated", "petitions.received", "publicity.events"} <= codes
    unmapped = [f["text"] for f in previous.unmapped(prev)]
    assert "8500余份" in unmapped and "18.6万元" in unmapped
    # The mapped figure after “人大代表建议” is not the hotline's 办结率.
    assert "100%" in unmapped
    previous.apply_previous(draft, actor=seeded.clerk_a)
    assert AnnualReport.objects.get(pk=draft.pk).version > draft.version


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_hostile_files_are_refused_or_read_safely(name, world, frozen):
    report = services.create_report(world.township_a, YEAR, actor=world.clerk_a)
    try:
        prev = previous.import_previous(report, CORPUS[name](), name, actor=world.clerk_a)
    except DomainError as exc:
        assert exc.code and exc.message and " / " not in exc.message
        assert not PreviousReport.objects.exists()
        return
    assert "root:" not in prev.text  # nothing came from the file system
