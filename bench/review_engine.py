"""The review engine alone, one process, CPU time: the seeds ×N and the bench's corpus.

    python bench/review_engine.py [--n 100] [--corpus 200] [--repeat 3]

Reviews each seed report (fazhi/review/engine/data/reference/) ``--n`` times, then the
``--corpus`` synthetic reports ``review bench`` writes (``batch.make_corpus``), with the
batch options (no paragraph tags), and prints reports/s and million characters/s of the
best of ``--repeat`` runs. CPU time (``time.process_time``), so that other processes on a
shared machine disturb the figure less; no Django, no pool. ``make bench`` is the full
suite; this is the quick before/after for a change to the engine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fazhi.review.batch import _SEEDS_DIR, BATCH_OPTIONS, make_corpus  # noqa: E402
from fazhi.review.engine.api import review_bytes  # noqa: E402


def _run(blobs, reps: int) -> tuple[int, float, int]:
    chars = 0
    t0 = time.process_time()
    for _ in range(reps):
        for data, name in blobs:
            chars += review_bytes(data, name, options=BATCH_OPTIONS)["chars"]
    return reps * len(blobs), time.process_time() - t0, chars


def _best(blobs, reps: int, repeat: int) -> str:
    n, dt, chars = min((_run(blobs, reps) for _ in range(repeat)), key=lambda r: r[1])
    return (
        f"{n} reviews in {dt:.2f}s CPU = {n / dt:.1f} reports/s, {chars / dt / 1e6:.3f} M chars/s"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100, help="times each seed is reviewed")
    ap.add_argument("--corpus", type=int, default=200, help="synthetic reports (0: skip)")
    ap.add_argument("--repeat", type=int, default=3, help="runs; the best is printed")
    args = ap.parse_args()
    seeds = [(p.read_bytes(), p.name) for p in sorted(_SEEDS_DIR.glob("*.txt"))]
    review_bytes(*seeds[0], options=BATCH_OPTIONS)  # warm-up: opencc, reference index
    print(f"seeds ×{args.n}: {_best(seeds, args.n, args.repeat)}")
    if args.corpus:
        with tempfile.TemporaryDirectory() as tmp:
            paths = make_corpus(Path(tmp) / "corpus", args.corpus)
            blobs = [(Path(p).read_bytes(), Path(p).name) for p in paths]
        print(f"corpus ({args.corpus}, ~10 000 chars): {_best(blobs, 1, args.repeat)}")


if __name__ == "__main__":
    main()
