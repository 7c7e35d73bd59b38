"""Measure the review engine on the hand-labelled test corpus.

* ``data/figures_corpus.jsonl``: sentences from real reports (sources in
  ``data/README.md``), each with its figures marked by hand: ``[text, kind, topic,
  {extra expectations}]``. ``kind`` is result / count / rank / target / threshold /
  structure; ``topic`` is the mechanism a result figure belongs to.
* ``data/sections_corpus.json``: whole reports with the statutory sections they have
  and whether their order is right.

``python -m tests.review.corpus_eval`` prints the figures; ``--write-docs`` replaces
the table between the ``corpus-eval`` markers in docs/review.md (tests/review/
test_corpus.py checks that the docs hold what this prints).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from fazhi.review.engine import review_file
from fazhi.review.engine.clean import clean
from fazhi.review.engine.facts import MECHANISMS, extract_facts

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "fazhi" / "review" / "engine" / "data" / "reference"
DOCS = ROOT / "docs" / "review.md"
START, END = "<!-- corpus-eval:start -->", "<!-- corpus-eval:end -->"


def load_figures() -> list[dict]:
    out = []
    for line in (DATA / "figures_corpus.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            out.append(json.loads(line))
    return out


def _locate(text: str, items: list) -> list[tuple[int, int, list]]:
    pos = 0
    out = []
    for it in items:
        i = text.find(it[0], pos)
        if i < 0:
            raise ValueError(f"{it[0]!r} not in {text!r}")
        out.append((i, i + len(it[0]), it))
        pos = i + len(it[0])
    return out


def eval_figures() -> dict:
    marked = found = kind_right = spurious = 0
    traps = traps_right = traps_as_result = 0
    topic_n = topic_right = 0
    held_n = held_right = 0
    extra_n = extra_right = 0
    confusion: Counter = Counter()
    misses = []
    for row in load_figures():
        text = clean(row["s"]).text
        exp = _locate(text, row["f"])
        facts = extract_facts(text)
        used = set()
        for s, e, (t, kind, topic, *rest) in exp:
            marked += 1
            f = next(
                (
                    f
                    for i, f in enumerate(facts)
                    if i not in used and f["start"] < e and s < f["end"]
                ),
                None,
            )
            if f is not None:
                used.add(facts.index(f))
                found += 1
            got_kind = f["kind"] if f else None
            if got_kind == kind:
                kind_right += 1
            if kind != "result":
                traps += 1
                traps_right += got_kind == kind
                traps_as_result += got_kind == "result"
            if kind == "result" and topic:
                topic_n += 1
                got = f["mechanism"] if f else "—"
                confusion[(topic, got)] += 1
                topic_right += got == topic
                if row.get("held"):
                    held_n += 1
                    held_right += got == topic
            if rest:
                for k, v in rest[0].items():
                    extra_n += 1
                    ok = f is not None and f.get(k) == v
                    extra_right += ok
                    if not ok:
                        misses.append(f"{t}: {k}={v!r}, got {f.get(k) if f else None!r}")
            if got_kind != kind or (kind == "result" and topic and f and f["mechanism"] != topic):
                misses.append(
                    f"{row['src']} {t}: want {kind}/{topic}, got "
                    + (f"{f['kind']}/{f['mechanism']} ({f['text']})" if f else "nothing")
                )
        for i, f in enumerate(facts):
            if i not in used:
                spurious += 1
                misses.append(f"{row['src']} spurious {f['text']} ({f['kind']})")
    return {
        "marked": marked,
        "found": found,
        "kind_right": kind_right,
        "spurious": spurious,
        "traps": traps,
        "traps_right": traps_right,
        "traps_as_result": traps_as_result,
        "topic_n": topic_n,
        "topic_right": topic_right,
        "held_n": held_n,
        "held_right": held_right,
        "extra_n": extra_n,
        "extra_right": extra_right,
        "confusion": confusion,
        "misses": misses,
    }


def eval_sections() -> dict:
    spec = json.loads((DATA / "sections_corpus.json").read_text(encoding="utf-8"))
    rows = []
    for name, want in spec.items():
        if name.startswith("_"):
            continue
        path = SEEDS / name[5:] if name.startswith("seed:") else DATA / "sections" / name
        r = review_file(path, options={"boilerplate": False, "paragraphs": False})
        present = sorted({s["statutory"] for s in r["sections"] if s["part"] and s["statutory"]})
        order = next(c["ok"] for c in r["checks"] if c["code"] == "sections_order")
        rows.append(
            {
                "file": name,
                "present": present,
                "want": want["present"],
                "order": order,
                "want_order": want["order_ok"],
                "ok": present == want["present"] and order == want["order_ok"],
            }
        )
    return {"rows": rows, "right": sum(r["ok"] for r in rows), "n": len(rows)}


def render(fig: dict, sec: dict) -> str:
    lines = [
        START,
        "",
        "| measure | value |",
        "|---|---|",
        f"| figures found / hand-marked | {fig['found']}/{fig['marked']} |",
        f"| of those, kind right (result, count, rank, target, threshold, structure) | {fig['kind_right']}/{fig['marked']} |",
        f"| found but not marked (spurious) | {fig['spurious']} |",
        f"| traps (not results) reported as their kind | {fig['traps_right']}/{fig['traps']} ({fig['traps_as_result']} taken as results) |",
        f"| value, approx, among right | {fig['extra_right']}/{fig['extra_n']} |",
        f"| topic right (result figures) | {fig['topic_right']}/{fig['topic_n']} |",
        f"| of those, held out (labelled after the topic rules were written) | {fig['held_right']}/{fig['held_n']} |",
        f"| reports with sections right | {sec['right']}/{sec['n']} |",
        "",
        "Topic confusion (rows: hand label, columns: engine; — not found):",
        "",
    ]
    conf = fig["confusion"]
    rows = [m for m in MECHANISMS if any(k[0] == m for k in conf)]
    cols = [m for m in (*MECHANISMS, "—") if any(k[1] == m for k in conf)]
    lines.append("| label \\ engine | " + " | ".join(cols) + " |")
    lines.append("|---|" + "---|" * len(cols))
    for r in rows:
        cells = [str(conf.get((r, c), "")) for c in cols]
        lines.append(f"| {r} | " + " | ".join(cells) + " |")
    lines += ["", END]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    fig, sec = eval_figures(), eval_sections()
    table = render(fig, sec)
    print(table)
    if "-v" in argv:
        print("\n".join(fig["misses"]))
        for r in sec["rows"]:
            print(r)
    if "--write-docs" in argv:
        doc = DOCS.read_text(encoding="utf-8")
        a, b = doc.index(START), doc.index(END) + len(END)
        DOCS.write_text(doc[:a] + table + doc[b:], encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
