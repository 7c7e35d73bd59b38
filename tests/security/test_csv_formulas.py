"""Every CSV fazhi writes neutralises formula cells with the function the Excel exports use
(issue 21, L4): ``fazhi.core.cells.safe_cell``."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from fazhi.core import cells, excel

ROOT = Path(__file__).resolve().parents[2] / "fazhi"
FORMULAS = ["=1+2", "+1+2", "-1+cmd|' /C calc'!A0", "@SUM(1,2)", "\t=1+2", "\r=1+2"]
CSV_WRITERS = {
    "review/engine/render.py",
    "indicators/management/commands/indicators.py",
}


def _formula(cell: str) -> bool:
    return cell.startswith(cells.FORMULA_STARTS) and not re.fullmatch(r"[+-]?[\d.]+", cell)


def test_safe_cell_rule():
    for f in FORMULAS:
        assert cells.safe_cell(f) == "'" + f
    for plain in ("-12.5", "+3", "1e5", "甲镇", "", None, 7, "＝1+2"):
        assert cells.safe_cell(plain) == plain


def test_excel_uses_the_same_function():
    from openpyxl import load_workbook

    data = excel.export_xlsx("t", ["a"] * len(FORMULAS), [FORMULAS])
    ws = load_workbook(io.BytesIO(data)).active
    got = [c.value for c in next(ws.iter_rows(min_row=2, max_row=2))]
    assert got == [cells.safe_cell(f) for f in FORMULAS]
    assert all(c.data_type == "s" for c in next(ws.iter_rows(min_row=2, max_row=2)))


def test_every_csv_writer_is_known_and_uses_safe_cells():
    """Grep the product for CSV writers: each one is listed here and calls ``safe_row``."""
    pattern = re.compile(r"csv\.(writer|DictWriter)\(|text/csv")
    found = {
        str(p.relative_to(ROOT))
        for p in ROOT.rglob("*.py")
        if pattern.search(p.read_text(encoding="utf-8"))
    }
    assert found == CSV_WRITERS, "a new CSV writer: route its rows through cells.safe_row"
    for rel in found:
        text = (ROOT / rel).read_text(encoding="utf-8")
        assert "from fazhi.core.cells import safe_row" in text, rel


def test_review_render_csv_neutralises_every_cell():
    from fazhi.review.engine.render import render_csv

    fact = {
        "mechanism": "@SUM(1,2)",
        "subject": '=HYPERLINK("http://x";"x")',
        "value": 1,
        "unit": "+件",
        "approx": False,
        "qualifier": "-x",
        "text": "\t=1",
        "start": 0,
        "end": 1,
    }
    out = render_csv(
        [
            {"file": "=a.txt", "facts": [fact]},
            {"file": "@b.txt", "error": {"code": "=c", "message": "+d"}},
        ]
    )
    rows = list(csv.reader(io.StringIO(out)))[1:]
    assert rows and not any(_formula(c) for row in rows for c in row), rows


def test_review_cli_csv_regression(tmp_path, capsys, monkeypatch):
    """The tester's case: a file named like a formula, a subject beginning ``@SUM(``."""
    from fazhi.review.engine.cli import main

    name = '=HYPERLINK("evil.example";"x").txt'
    (tmp_path / name).write_text(
        "某镇2023年度法治政府建设情况报告\n@SUM(1+1)行政复议案件12件，纠正3件。\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    assert main([name, "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))[1:]
    assert rows
    assert rows[0][0] == "'" + name
    assert any(r[2].startswith("'@SUM") for r in rows), rows
    assert not any(_formula(c) for row in rows for c in row), rows


@pytest.mark.django_db
def test_indicators_cli_csv_neutralises(world, monkeypatch):
    from fazhi.indicators import services

    def rows(_values):
        return [
            {
                "code": "=x",
                "name": "@SUM(1)",
                "value": "-1+1",
                "measure": "+",
                "status": "\t=1",
                "target": None,
                "text": "=HYPERLINK(1)",
            }
        ]

    monkeypatch.setattr(services, "rows", rows)
    out = io.StringIO()
    call_command("indicators", "100001", "2024", "--format", "csv", stdout=out)
    body = list(csv.reader(io.StringIO(out.getvalue())))[1:]
    assert body and not any(_formula(c) for row in body for c in row), body
