"""The engine on the hand-labelled corpus (tests/review/corpus_eval.py), and the table
in docs/review.md is the one the corpus gives today (regenerate it with
``python -m tests.review.corpus_eval --write-docs``)."""

from tests.review import corpus_eval as ce


def test_figures_kinds_and_topics_on_the_corpus():
    fig = ce.eval_figures()
    assert fig["found"] >= 0.97 * fig["marked"]
    assert fig["kind_right"] >= 0.95 * fig["marked"]
    assert fig["spurious"] <= 2
    assert fig["traps_as_result"] <= 0.1 * fig["traps"]
    assert fig["extra_right"] == fig["extra_n"]
    assert fig["topic_right"] >= 0.85 * fig["topic_n"]


def test_sections_on_the_corpus():
    sec = ce.eval_sections()
    wrong = [r for r in sec["rows"] if not r["ok"]]
    assert not wrong, wrong


def test_the_docs_hold_the_current_table():
    doc = ce.DOCS.read_text(encoding="utf-8")
    a, b = doc.index(ce.START), doc.index(ce.END) + len(ce.END)
    assert doc[a:b] == ce.render(ce.eval_figures(), ce.eval_sections())
