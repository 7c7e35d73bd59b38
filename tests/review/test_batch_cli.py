"""Batch (local pool and Dask), CLI, renderers, compare, reference index."""

import json

import pytest

from fazhi.review.batch import load_done, make_corpus, run_batch
from fazhi.review.engine import Reference, review_file
from fazhi.review.engine.cli import main
from fazhi.review.engine.compare import compare, render_compare_html, render_compare_text
from fazhi.review.engine.render import render

from .test_seeds import S000, S001, S002


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    make_corpus(root, 300, target_chars=3000)
    (root / "000" / "broken.docx").write_bytes(b"PK\x03\x04 this is not a zip")
    return root


def _lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_batch_local_resumable(corpus, tmp_path):
    out = tmp_path / "out.jsonl"
    stats = run_batch(corpus, out, workers=2, progress=False)
    assert stats["total"] == 301 and stats["errors"] == 1 and stats["ok"] == 300
    rows = _lines(out)
    assert len(rows) == 301
    errors = [r for r in rows if "error" in r]
    assert errors == [{"file": "000/broken.docx", "error": errors[0]["error"]}]
    assert errors[0]["error"]["code"] == "bad_docx"
    ok = [r for r in rows if "error" not in r]
    assert all(r["facts"] and r["meta"]["year"] for r in ok)
    # simulate an interrupted run: drop the last lines and leave a truncated one
    text = out.read_text(encoding="utf-8").splitlines()
    out.write_text("\n".join(text[:-5]) + "\n" + text[-5][:30], encoding="utf-8")
    stats = run_batch(corpus, out, workers=1, progress=False)
    assert stats["skipped"] == 296 and stats["total"] == 5
    assert len(load_done(out)) == 301
    stats = run_batch(corpus, out, workers=2, progress=False)
    assert stats["total"] == 0


def test_batch_dask(corpus, tmp_path):
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as cluster,
    ):
        out = tmp_path / "dask.jsonl"
        stats = run_batch(
            corpus / "000", out, scheduler=cluster.scheduler_address, progress=False, chunk=16
        )
    rows = _lines(out)
    assert stats["total"] == len(rows) == 301
    assert sum(1 for r in rows if "error" in r) == 1


def test_cli_review_formats(capsys):
    assert main([str(S000)]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["meta"]["year"] == 2021
    assert main(["review", str(S001), str(S002), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("file,mechanism") and "98.5" in out
    assert main([str(S002), "-f", "html", "--text"]) == 0
    out = capsys.readouterr().out
    assert "<mark" in out and "98.5" in out
    assert main([str(S002), "-f", "text"]) == 0
    assert "得分" in capsys.readouterr().out


def test_cli_errors_one_line(tmp_path, capsys):
    assert main([str(tmp_path / "missing.txt")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not_found" in err
    bad = tmp_path / "x.docx"
    bad.write_bytes(b"PK\x03\x04xx")
    assert main([str(bad)]) == 2
    assert capsys.readouterr().err.startswith("review: bad_docx")
    assert main(["--format", "xml", str(S000)]) != 0
    assert capsys.readouterr().err.count("\n") == 1


def test_cli_stdin(monkeypatch, capsys):
    import io
    import sys

    data = S000.read_text(encoding="utf-8").encode("gb18030")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["-", "-f", "json"]) == 0
    r = json.loads(capsys.readouterr().out)
    # seven results, and "以下三项工作" counted as a count of parts (issue 17)
    assert r["file"] == "-" and sum(f["kind"] == "result" for f in r["facts"]) == 7
    assert [f["text"] for f in r["facts"] if f["kind"] == "count"] == ["三项"]


def test_compare():
    results = [review_file(p) for p in (S000, S001, S002)]
    cmp = compare(results)
    assert cmp["sections"][str(S001)]["missing"] == [2, 3, 4, 5]
    assert cmp["checks"]["first_responsible"][str(S001)] is False
    assert any(row["mechanism"] == "调解" for row in cmp["figures"])
    assert "法定部分" in render_compare_text(cmp)
    assert "<table>" in render_compare_html(cmp)
    assert main(["compare", str(S000), str(S002), "-f", "json"]) == 0


def test_render_all_formats():
    r = review_file(S000, options={"include_text": True})
    for fmt in ("json", "csv", "html", "text"):
        assert render(r, fmt)
    with pytest.raises(ValueError):
        render(r, "xml")


def test_reference_index_roundtrip(tmp_path):
    ref = Reference.from_paths(S000, S001)
    assert ref.n_docs == 2
    idx = tmp_path / "ref.refidx"
    ref.save(idx)
    loaded = Reference.load(idx)
    assert loaded.df == ref.df and loaded.docs == ref.docs
    # a near copy of seed 000 is boilerplate against an index holding seed 000
    text = S000.read_text(encoding="utf-8").replace("光辉", "青山")
    from fazhi.review.engine import review_text

    r = review_text(text, reference=str(idx))
    bp = next(c for c in r["checks"] if c["code"] == "boilerplate")
    assert bp["ok"] is False and bp["share"] > 0.8
    # the seed itself is not compared with itself
    r = review_file(S000, reference=loaded)
    assert next(c for c in r["checks"] if c["code"] == "boilerplate")["ok"] is True
    assert main(["index", str(S002), "--out", str(tmp_path / "b.refidx")]) == 0
