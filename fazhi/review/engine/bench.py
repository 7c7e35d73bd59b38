"""The engine against its floor, in one process, over the same texts: ``review bench``.

The *floor* is what any reviewer of these texts must at least do: decode the bytes,
convert them to simplified characters (opencc ``t2s``) and run one regular expression
over them. The *engine* is :func:`~fazhi.review.engine.api.review_bytes` on the same
bytes, with the default options (the full review, paragraph tags included) and with the
batch options (no paragraph tags). Both run in this process, one after the other, on one
core; the figure that matters is the ratio (engine time / floor time), which a loaded
machine disturbs far less than either rate.

Texts: the shipped seeds (``data/reference``), ``/work/shared/corpus/seeds`` when present,
and the test texts and drafts in ``tests/review/data`` when run from a checkout; each
reviewed as many times as it takes to reach ``mb`` million characters.

Memory: ``n_memory`` small reports (a few paragraphs of the seeds, varied) reviewed one
after another as a batch does; the resident set size is read after the first tenth and at
the end, so that growth (a cache or list that never stops filling) shows.
"""

from __future__ import annotations

import gc
import random
import re
import time
from pathlib import Path

from .api import review_bytes
from .clean import _converter
from .reader import decode_bytes

_HERE = Path(__file__).resolve().parent
TEXT_DIRS = [
    _HERE / "data" / "reference",
    Path("/work/shared/corpus/seeds"),
    _HERE.parents[2] / "tests" / "review" / "data",
    _HERE.parents[2] / "tests" / "review" / "data" / "sections",
]
BATCH_OPTIONS = {"paragraphs": False}
# the floor's one regex pass: figures with their units (what facts.py looks for)
_FLOOR_RX = re.compile(r"\d+(?:\.\d+)?\s*(?:万|亿)?(?:人次|件|起|次|场|份|个|名|户|人|项|元|%)")


def corpus_blobs() -> list[tuple[bytes, str]]:
    """(bytes, name) of every text file found in :data:`TEXT_DIRS`, each once."""
    seen: set[bytes] = set()
    out = []
    for d in TEXT_DIRS:
        if not d.is_dir():
            continue
        for p in sorted(d.iterdir()):
            if p.suffix not in (".txt", ".md") or p.name.upper() == "README.MD":
                continue
            data = p.read_bytes()
            if data not in seen:
                seen.add(data)
                out.append((data, p.name))
    return out


def floor_one(data: bytes) -> int:
    text = decode_bytes(data)[0]
    text = _converter().convert(text)
    return len(_FLOOR_RX.findall(text))


def _chars(blobs) -> int:
    return sum(len(decode_bytes(d)[0]) for d, _ in blobs)


def _time(fn, blobs, reps: int) -> float:
    gc.collect()
    t0 = time.process_time()
    for _ in range(reps):
        for data, name in blobs:
            fn(data, name)
    return time.process_time() - t0


def speed(mb: float = 2.0, repeat: int = 3) -> dict:
    """Characters/second of the floor and the engine over the same texts; best of
    ``repeat`` runs each, the runs interleaved."""
    blobs = corpus_blobs()
    per_pass = _chars(blobs)
    reps = max(1, round(mb * 1e6 / per_pass))
    total = per_pass * reps
    runs = {
        "floor": lambda d, n: floor_one(d),
        "engine": lambda d, n: review_bytes(d, n),
        "engine_batch": lambda d, n: review_bytes(d, n, options=BATCH_OPTIONS),
    }
    for fn in runs.values():  # warm-up: opencc, the reference index
        fn(*blobs[0])
    best = {k: float("inf") for k in runs}
    for _ in range(repeat):
        for k, fn in runs.items():
            best[k] = min(best[k], _time(fn, blobs, reps))
    rate = {k: total / v for k, v in best.items()}
    return {
        "texts": len(blobs),
        "chars": total,
        "floor_chars_per_s": round(rate["floor"]),
        "engine_chars_per_s": round(rate["engine"]),
        "engine_batch_chars_per_s": round(rate["engine_batch"]),
        "ratio": round(best["engine"] / best["floor"], 2),
        "ratio_batch": round(best["engine_batch"] / best["floor"], 2),
    }


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        import os

        return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024
    except OSError:  # not Linux: the peak instead
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def small_reports(n: int, seed: int = 11):
    """``n`` small reports (~1 500 characters): a seed's head and a few paragraphs of
    the seeds with their figures varied, so that no two are the same."""
    rng = random.Random(seed)
    seeds = [d.decode("utf-8") for d, _ in corpus_blobs()[:3]]
    paras = [ln for s in seeds for ln in s.split("\n") if len(ln) > 40]
    heads = [s.split("\n")[:3] for s in seeds]
    digits = re.compile(r"\d{1,3}(?=[件次人个项名])")
    for i in range(n):
        body = rng.sample(paras, 4)
        text = "\n".join(heads[i % len(heads)] + body)
        text = digits.sub(lambda m: str(rng.randint(1, 999)), text)
        yield text.encode("utf-8"), f"r{i:05d}.txt"


def memory(n: int = 10000) -> dict:
    """RSS after the first tenth of ``n`` small reviews and after all of them."""
    first = max(1, n // 10)
    gc.collect()
    start = _rss_mb()
    rss_first = None
    chars = 0
    t0 = time.process_time()
    for i, (data, name) in enumerate(small_reports(n), 1):
        chars += review_bytes(data, name, options=BATCH_OPTIONS)["chars"]
        if i == first:
            gc.collect()
            rss_first = _rss_mb()
    dt = time.process_time() - t0
    gc.collect()
    end = _rss_mb()
    return {
        "reports": n,
        "avg_chars": round(chars / n),
        "reports_per_s": round(n / dt, 1),
        "rss_mb_start": round(start, 1),
        f"rss_mb_after_{first}": round(rss_first, 1),
        f"rss_mb_after_{n}": round(end, 1),
        "rss_growth_mb_last_90pct": round(end - rss_first, 1),
    }


def run(mb: float = 2.0, repeat: int = 3, n_memory: int = 10000) -> dict:
    out = {"speed": speed(mb, repeat)}
    if n_memory:
        out["memory"] = memory(n_memory)
    return out


def format_text(res: dict) -> str:
    s = res["speed"]
    lines = [
        f"texts: {s['texts']} files replicated to {s['chars'] / 1e6:.2f} M chars",
        f"floor  (decode + opencc t2s + 1 regex): {s['floor_chars_per_s'] / 1e6:7.2f} M chars/s",
        f"engine (review, default options):       {s['engine_chars_per_s'] / 1e6:7.2f} M chars/s"
        f"   ratio {s['ratio']:.1f}x",
        f"engine (review, batch options):         {s['engine_batch_chars_per_s'] / 1e6:7.2f} M chars/s"
        f"   ratio {s['ratio_batch']:.1f}x",
    ]
    m = res.get("memory")
    if m:
        first = [k for k in m if k.startswith("rss_mb_after_")]
        lines.append(
            f"memory: {m['reports']} small reports (~{m['avg_chars']} chars) at "
            f"{m['reports_per_s']} reports/s; RSS {m['rss_mb_start']} MB at start, "
            f"{m[first[0]]} MB after {first[0].rsplit('_', 1)[1]}, "
            f"{m[first[1]]} MB at the end (growth {m['rss_growth_mb_last_90pct']} MB)"
        )
    return "\n".join(lines)
