"""The county review: every township's published report of a year, reviewed side by side
(fazhi.review.county), on the page, the API and the command line, scoped."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from fazhi.core.roles import Role
from fazhi.reports import render, services
from fazhi.reports.models import AnnualReport, ReportSection
from fazhi.review import county
from tests.factories import UnitFactory, member
from tests.reports.fixtures import YEAR, seed_ledgers
from tests.reports.helpers import publish

PLACEHOLDER = "全年共调解纠纷XX件，其中【待填写】件在村级化解。"


@pytest.fixture
def published(world):
    """Township A and B publish their reports of YEAR; township C (new) publishes one that
    still holds placeholders (its frozen DOCX re-rendered after an edit: a report
    published before the placeholder check existed); township D writes none."""
    cache.clear()
    w = world
    c = UnitFactory(code="100003", name="丙街道", kind="subdistrict", parent=w.county)
    UnitFactory(code="100004", name="丁乡", kind="township", parent=w.county)
    with time_machine.travel(dt.datetime(YEAR + 1, 1, 15, 10, 0), tick=False):
        seed_ledgers(w)
        out = {}
        for unit, clerk in ((w.township_a, w.clerk_a), (w.township_b, w.clerk_b)):
            leader = member(unit, Role.LEADER)
            report = services.create_report(unit, YEAR, actor=clerk)
            out[unit.name] = publish(report, clerk, leader)
        clerk_c, leader_c = member(c, Role.TOWNSHIP_STAFF), member(c, Role.LEADER)
        report = publish(services.create_report(c, YEAR, actor=clerk_c), clerk_c, leader_c)
        section = ReportSection.objects.get(report=report, number=1)
        section.text = PLACEHOLDER + "\n" + (section.text or section.generated)
        section.save()
        AnnualReport.objects.filter(pk=report.pk).update(docx=render.to_docx(report))
        out[c.name] = AnnualReport.objects.get(pk=report.pk)
    return out


def _rows(data):
    return {r["unit"]["name"]: r for r in data["townships"]}


@pytest.mark.django_db
def test_service_reviews_every_township_of_the_county(world, published):
    data = county.county_review(world.supervisor, world.county, YEAR)
    rows = _rows(data)
    assert list(rows) == ["甲镇", "乙乡", "丙街道", "丁乡"]
    assert data["published"] == 3
    for name in ("甲镇", "乙乡"):
        rv = rows[name]["review"]
        assert rows[name]["published"] and rows[name]["report_id"] == published[name].pk
        assert [s["number"] for s in rv["sections"] if s["present"]][:4] == [1, 2, 3, 4]
        assert rv["placeholders"] == 0
        assert rv["topics"] and all(
            0 < len(t["figures"]) <= county.TOP_FIGURES for t in rv["topics"]
        )
        assert {"value", "unit", "subject"} <= set(rv["topics"][0]["figures"][0])
        assert rv["score"]["max"] >= rv["score"]["total"] > 0
    # the ledgers seeded 5 disputes in A and none in B: A's figures differ from B's
    assert rows["甲镇"]["review"]["topics"] != rows["乙乡"]["review"]["topics"]
    ph = rows["丙街道"]["review"]
    assert ph["placeholders"] == 2
    assert "placeholders" in {c["code"] for c in ph["failed_checks"]}
    assert not ph["score"]["complete"]
    assert rows["丁乡"] == {**rows["丁乡"], "published": False, "state": "未编制", "review": None}


@pytest.mark.django_db
def test_unpublished_report_shows_as_such(world, published):
    report = services.create_report(world.township_b, YEAR - 1, actor=world.clerk_b)
    rows = _rows(county.county_review(world.supervisor, world.county, YEAR - 1))
    assert rows["乙乡"]["state"] == "未发布（草稿）" and rows["乙乡"]["review"] is None
    assert rows["乙乡"]["report_id"] == report.pk


@pytest.mark.django_db
def test_the_review_is_cached_by_the_published_bytes(world, published, monkeypatch):
    county.county_review(world.supervisor, world.county, YEAR)
    calls = []
    real = county.review_bytes
    monkeypatch.setattr(county, "review_bytes", lambda *a, **k: calls.append(1) or real(*a, **k))
    county.county_review(world.supervisor, world.county, YEAR)
    assert calls == []  # every published report from the cache
    report = published["甲镇"]
    AnnualReport.objects.filter(pk=report.pk).update(docx=bytes(published["丙街道"].docx))
    rows = _rows(county.county_review(world.supervisor, world.county, YEAR))
    assert calls == []  # same bytes as 丙街道's: same cached review
    assert rows["甲镇"]["review"]["placeholders"] == 2
    AnnualReport.objects.filter(pk=report.pk).update(docx=render.to_docx(report))
    county.county_review(world.supervisor, world.county, YEAR)
    assert len(calls) == 1  # changed bytes: reviewed again


@pytest.mark.django_db
def test_page_shows_every_township_with_links(world, published, client_for):
    c = client_for(world.supervisor)
    resp = c.get(reverse("review:county"), {"unit": world.county.code, "year": YEAR})
    assert resp.status_code == 200
    html = resp.content.decode()
    for name in ("甲镇", "乙乡", "丙街道", "丁乡"):
        assert name in html
    for name in ("甲镇", "乙乡", "丙街道"):
        assert reverse("review:report", args=[published[name].pk]) in html
    assert "占位符 2 处未填写" in html and "未编制" in html
    assert 'style="' not in html and "<script>" not in html
    # the index page links to it
    assert reverse("review:county") in c.get(reverse("review:index")).content.decode()


@pytest.mark.django_db
def test_report_review_page_and_json(world, published, client_for):
    c = client_for(world.supervisor)
    pk = published["丙街道"].pk
    resp = c.get(reverse("review:report", args=[pk]))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert 'id="review-score"' in html and 'class="ph"' in html
    assert 'id="review-of-report"' in html and "unit=100000" in html
    data = json.loads(c.get(reverse("review:report", args=[pk]), {"format": "json"}).content)
    assert any(ch["code"] == "placeholders" and ch["ok"] is False for ch in data["checks"])
    assert "text" not in data
    # scoped like the report: B's clerk sees B's, not C's; a draft is not reviewed here
    b = client_for(world.clerk_b)
    assert b.get(reverse("review:report", args=[pk])).status_code == 404
    assert b.get(reverse("review:report", args=[published["乙乡"].pk])).status_code == 200
    draft = services.create_report(world.township_b, YEAR - 1, actor=world.clerk_b)
    assert b.get(reverse("review:report", args=[draft.pk])).status_code == 404


@pytest.mark.django_db
def test_api(world, published, api_for):
    resp = api_for(world.supervisor).get("/review/county", unit=world.county.code, year=YEAR)
    assert resp.status_code == 200, resp.content
    data = resp.json()
    rows = _rows(data)
    assert set(rows) == {"甲镇", "乙乡", "丙街道", "丁乡"}
    assert rows["甲镇"]["review_url"] == reverse("review:report", args=[published["甲镇"].pk])
    assert rows["丁乡"]["review_url"] is None and rows["丁乡"]["review"] is None
    assert rows["丙街道"]["review"]["placeholders"] == 2
    assert rows["甲镇"]["published_on"] == str(published["甲镇"].published_on)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"unit": "999999", "year": YEAR}, 404, "not_found"),
        ({"unit": "100000", "year": 1990}, 400, "year_out_of_range"),
        ({"unit": "100000", "year": "abc"}, 400, "bad_year"),
        ({"unit": "100001", "year": YEAR}, 400, "not_a_county"),
        ({"unit": "1" * 30, "year": YEAR}, 404, "not_found"),
        ({"unit": "x\x00'", "year": YEAR}, 404, "not_found"),
        ({"unit": "100000", "year": "٢٠٢٤"}, 400, "bad_year"),
        ({"unit": "100000", "year": "9" * 30}, 400, "bad_year"),
    ],
)
def test_api_bad_input(world, api_for, params, status, code):
    resp = api_for(world.supervisor).get("/review/county", **params)
    assert resp.status_code == status
    assert resp.json()["error"]["code"] == code


@pytest.mark.django_db
def test_scoping(world, published, client_for, api_for):
    # a township's clerk sees only their own township, on the page and in the API
    resp = client_for(world.clerk_b).get(reverse("review:county"))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "乙乡" in html and "甲镇" not in html and "丙街道" not in html
    data = api_for(world.clerk_b).get("/review/county", unit="100000", year=YEAR).json()
    assert [r["unit"]["name"] for r in data["townships"]] == ["乙乡"]
    # another county's user: as if the county did not exist
    resp = client_for(world.outsider).get(reverse("review:county"), {"unit": "100000"})
    assert resp.status_code == 404 and "甲镇" not in resp.content.decode()
    resp = api_for(world.outsider).get("/review/county", unit="100000", year=YEAR)
    assert resp.status_code == 404
    # the outsider's own county opens, with only their own township
    resp = client_for(world.outsider).get(reverse("review:county"), {"year": YEAR})
    assert resp.status_code == 200 and "丙镇" in resp.content.decode()


@pytest.mark.django_db
def test_page_bad_input_in_chinese(world, client_for):
    c = client_for(world.supervisor)
    resp = c.get(reverse("review:county"), {"unit": "100000", "year": "1990"})
    assert resp.status_code == 400 and "年度应在" in resp.content.decode()
    resp = c.get(reverse("review:county"), {"unit": "nope", "year": YEAR})
    assert resp.status_code == 404 and "找不到该县（区）" in resp.content.decode()


@pytest.mark.django_db
def test_cli(world, published, capsys):
    from fazhi.review.management.commands.review import _county

    assert _county(["100000", str(YEAR), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(_rows(data)) == {"甲镇", "乙乡", "丙街道", "丁乡"}
    assert _county(["甲县", str(YEAR)]) == 0
    out = capsys.readouterr().out
    assert "== 甲镇（100001）: 已公开" in out and "占位符: 2 处未填写" in out
    assert "== 丁乡（100004）: 未编制" in out
    assert _county(["100000", str(YEAR), "--user", "clerk_b", "-f", "json"]) == 0
    assert [r["unit"]["name"] for r in json.loads(capsys.readouterr().out)["townships"]] == ["乙乡"]
    for argv, msg in (
        (["999999", str(YEAR)], "找不到县（区）"),
        (["100000", "1990"], "年度应在"),
        (["100000"], "参数错误"),
        (["100000", str(YEAR), "--user", "outsider"], "无权查看"),
    ):
        assert _county(argv) == 2
        err = capsys.readouterr().err
        assert msg in err and err.count("\n") == 1, (argv, err)


@pytest.mark.django_db
def test_call_command_raises_on_failure(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("review", "county", "999999", str(YEAR), stdout=io.StringIO())
