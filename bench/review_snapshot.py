"""Dump the review engine's JSON for every corpus text, to diff before/after a change.

    python bench/review_snapshot.py OUT.json      # then: diff <(jq -S . A) <(jq -S . B)

Texts: ``tests/review/data`` (and its ``sections/``), the engine's seeds and
``/work/shared/corpus/seeds`` when present; each reviewed with the default options
(paragraph tags included) and with the batch options. Any difference between two dumps
is a change in the engine's output.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from fazhi.review.batch import BATCH_OPTIONS  # noqa: E402
from fazhi.review.engine.api import review_bytes  # noqa: E402

DIRS = [
    ROOT / "tests/review/data",
    ROOT / "tests/review/data/sections",
    ROOT / "fazhi/review/engine/data/reference",
    Path("/work/shared/corpus/seeds"),
]


def corpus_files() -> list[Path]:
    out = []
    for d in DIRS:
        if d.is_dir():
            out += sorted(p for p in d.iterdir() if p.suffix in (".txt", ".md", ".html"))
    return out


def main() -> None:
    dump = {}
    for p in corpus_files():
        data = p.read_bytes()
        key = str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)
        dump[key] = review_bytes(data, p.name, options={"include_clean": True})
        dump[key + " [batch]"] = review_bytes(data, p.name, options=BATCH_OPTIONS)
    # figures_corpus.jsonl / sections_corpus.json hold texts too
    for jl in (ROOT / "tests/review/data").glob("*.jsonl"):
        for i, line in enumerate(jl.read_text(encoding="utf-8").splitlines()):
            rec = json.loads(line)
            t = rec.get("s")
            if isinstance(t, str):
                dump[f"{jl.name}:{i}"] = review_bytes(t.encode(), "x.txt")
    # synthetic reports (GB18030 among them) and the seeds in traditional characters
    import tempfile

    import opencc

    from fazhi.review.batch import make_corpus

    with tempfile.TemporaryDirectory() as tmp:
        for p in make_corpus(tmp, 12):
            dump[f"corpus:{Path(p).name}"] = review_bytes(Path(p).read_bytes(), Path(p).name)
    s2t = opencc.OpenCC("s2t")
    for p in sorted((ROOT / "fazhi/review/engine/data/reference").glob("*.txt")):
        t = s2t.convert(p.read_text(encoding="utf-8"))
        dump[f"s2t:{p.name}"] = review_bytes(t.encode(), p.name, options={"include_clean": True})
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        json.dump(dump, f, ensure_ascii=False, indent=1, sort_keys=True)
    print(f"{len(dump)} reviews -> {sys.argv[1]}")


if __name__ == "__main__":
    main()
