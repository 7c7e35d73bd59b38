"""Batch review of a directory tree of reports, locally or on a Dask cluster.

``run_batch(root, out.jsonl)`` writes one JSON line per file: the review result, or
``{"file", "error": {"code", "message"}}``. The ``file`` key is the path relative to
``root``. A re-run skips files already in ``out.jsonl`` (a truncated last line from an
interrupted run is ignored and its file redone). Memory stays flat in the number of
files: the tree is walked lazily, at most ``workers * 4`` chunks are in flight, and each
result is appended and flushed as it arrives.
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

SKIP_SUFFIXES = (".jsonl", ".refidx", ".gz", ".zip", ".png", ".jpg", ".jpeg", ".gif")
BATCH_OPTIONS = {"paragraphs": False}


# ---------------------------------------------------------------- work units


def review_path(path: str, rel: str, options: dict | None = None, reference=None) -> dict:
    from .engine.api import review_file
    from .engine.reader import ReviewInputError

    opts = dict(BATCH_OPTIONS)
    opts.update(options or {})
    try:
        res = review_file(path, reference=reference, options=opts)
        res["file"] = rel
        return res
    except ReviewInputError as exc:
        return {"file": rel, "error": exc.as_dict()}
    except MemoryError:
        return {"file": rel, "error": {"code": "memory", "message": "内存不足 / out of memory"}}
    except Exception as exc:  # one bad file never stops the batch
        return {
            "file": rel,
            "error": {
                "code": "internal",
                "message": f"内部错误 / internal error: {type(exc).__name__}: {exc}"[:300],
            },
        }


def review_chunk(
    items: list[tuple[str, str]], options: dict | None = None, reference=None
) -> list[str]:
    """Review ``(path, rel)`` pairs; returns JSON lines (small to send back)."""
    return [json.dumps(review_path(p, r, options, reference), ensure_ascii=False) for p, r in items]


# ---------------------------------------------------------------- helpers


def iter_files(root: str | os.PathLike) -> Iterator[tuple[str, str]]:
    root = os.fspath(root)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for f in sorted(filenames):
            if f.startswith(".") or f.lower().endswith(SKIP_SUFFIXES):
                continue
            path = os.path.join(dirpath, f)
            yield path, os.path.relpath(path, root)


def load_done(out_jsonl: str | os.PathLike) -> set[str]:
    done: set[str] = set()
    try:
        fh = open(out_jsonl, encoding="utf-8")  # noqa: SIM115
    except FileNotFoundError:
        return done
    with fh:
        for line in fh:
            try:
                done.add(json.loads(line)["file"])
            except (ValueError, KeyError, TypeError):
                continue  # truncated line of an interrupted run
    return done


def _open_out(out_jsonl: str | os.PathLike):
    p = Path(out_jsonl)
    if p.parent and not p.parent.exists():
        p.parent.mkdir(parents=True, exist_ok=True)
    if p.exists() and p.stat().st_size:
        with open(p, "rb") as fh:
            fh.seek(-1, os.SEEK_END)
            last = fh.read(1)
        if last != b"\n":
            with open(p, "ab") as fh:
                fh.write(b"\n")
    return open(p, "a", encoding="utf-8")  # noqa: SIM115


def _chunks(it: Iterable, n: int) -> Iterator[list]:
    buf = []
    for x in it:
        buf.append(x)
        if len(buf) >= n:
            yield buf
            buf = []
    if buf:
        yield buf


class _Progress:
    def __init__(self, total: int, enabled: bool):
        self.bar = None
        self.enabled = enabled
        self.total = total
        self.n = 0
        self.t0 = time.monotonic()
        self.last = 0.0
        if enabled:
            try:
                from tqdm import tqdm

                self.bar = tqdm(total=total, file=sys.stderr, unit="report", dynamic_ncols=True)
            except ImportError:  # pragma: no cover
                self.bar = None

    def update(self, k: int = 1) -> None:
        self.n += k
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.update(k)
            return
        now = time.monotonic()  # pragma: no cover - fallback without tqdm
        if now - self.last > 0.5 or self.n == self.total:
            rate = self.n / max(now - self.t0, 1e-9)
            sys.stderr.write(f"\r{self.n}/{self.total} {rate:.0f}/s")
            sys.stderr.flush()
            self.last = now

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.enabled:  # pragma: no cover
            sys.stderr.write("\n")


# ---------------------------------------------------------------- runners


def run_batch(
    root_dir: str | os.PathLike,
    out_jsonl: str | os.PathLike,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    chunk: int = 8,
    options: dict | None = None,
    reference: str | None = None,
) -> dict:
    """Review every file under ``root_dir`` into ``out_jsonl``; returns counts."""
    root_dir = os.fspath(root_dir)
    if not os.path.isdir(root_dir):
        from .engine.reader import ReviewInputError

        raise ReviewInputError("not_found", f"目录不存在 / no such directory: {root_dir}")
    done = load_done(out_jsonl)
    total = sum(1 for _p, rel in iter_files(root_dir) if rel not in done)
    todo = ((p, rel) for p, rel in iter_files(root_dir) if rel not in done)
    bar = _Progress(total, progress)
    stats = {"total": total, "skipped": len(done), "ok": 0, "errors": 0}
    t0 = time.monotonic()
    with _open_out(out_jsonl) as out:

        def emit(lines: list[str]) -> None:
            for line in lines:
                out.write(line + "\n")
                if '"error": {' in line[:400] and json.loads(line).get("error"):
                    stats["errors"] += 1
                else:
                    stats["ok"] += 1
            out.flush()
            bar.update(len(lines))

        try:
            if scheduler:
                _run_dask(scheduler, todo, emit, chunk, options, reference, workers)
            else:
                n = workers or os.cpu_count() or 1
                if n <= 1:
                    for items in _chunks(todo, chunk):
                        emit(review_chunk(items, options, reference))
                else:
                    _run_local(n, todo, emit, chunk, options, reference)
        finally:
            bar.close()
    stats["seconds"] = round(time.monotonic() - t0, 3)
    return stats


def _error_lines(items, code, message) -> list[str]:
    return [
        json.dumps({"file": rel, "error": {"code": code, "message": message}}, ensure_ascii=False)
        for _p, rel in items
    ]


def _run_local(n: int, todo, emit, chunk, options, reference) -> None:
    chunks = _chunks(todo, chunk)
    retry: list[list] = []  # single-file chunks after a worker crash
    max_inflight = n * 4
    ex = ProcessPoolExecutor(max_workers=n)
    pending: dict = {}
    try:
        while True:
            while len(pending) < max_inflight:
                if retry:
                    items, single = retry.pop(), True
                else:
                    items = next(chunks, None)
                    single = False
                    if items is None:
                        break
                pending[ex.submit(review_chunk, items, options, reference)] = (items, single)
            if not pending:
                break
            finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            broken = False
            for fut in finished:
                items, single = pending.pop(fut)
                try:
                    emit(fut.result())
                except BrokenProcessPool:
                    broken = True
                    if single or len(items) == 1:
                        emit(
                            _error_lines(
                                items,
                                "worker_crashed",
                                "处理该文件时工作进程崩溃 / worker crashed on this file",
                            )
                        )
                    else:
                        retry.extend([it] for it in items)
            if broken:
                # the pool is unusable: resubmit everything else one by one on a new pool
                for items, _single in pending.values():
                    retry.extend([it] for it in items)
                pending.clear()
                ex.shutdown(wait=False, cancel_futures=True)
                ex = ProcessPoolExecutor(max_workers=n)
    finally:
        ex.shutdown(wait=True, cancel_futures=True)


def _run_dask(scheduler, todo, emit, chunk, options, reference, workers) -> None:
    try:
        from distributed import Client, as_completed
    except ImportError:
        from .engine.reader import ReviewInputError

        raise ReviewInputError(
            "no_dask", "未安装 dask.distributed / dask.distributed is not installed"
        ) from None
    own = not isinstance(scheduler, Client)
    client = Client(scheduler) if own else scheduler
    try:
        n = workers or max(1, sum(client.nthreads().values()))
        max_inflight = n * 4
        chunks = _chunks(todo, chunk)
        meta: dict = {}

        def submit(items):
            fut = client.submit(review_chunk, items, options, reference, pure=False)
            meta[fut.key] = items
            return fut

        initial = []
        for _ in range(max_inflight):
            items = next(chunks, None)
            if items is None:
                break
            initial.append(submit(items))
        ac = as_completed(initial)
        for fut in ac:
            items = meta.pop(fut.key)
            try:
                emit(fut.result())
            except Exception as exc:
                emit(
                    _error_lines(
                        items,
                        "worker_failed",
                        f"集群任务失败 / cluster task failed: {type(exc).__name__}",
                    )
                )
            fut.release()
            nxt = next(chunks, None)
            if nxt is not None:
                ac.add(submit(nxt))
    finally:
        if own:
            client.close()


# ---------------------------------------------------------------- bench

_SEEDS_DIR = Path(__file__).parent / "engine" / "data" / "reference"
_DIGITS = re.compile(
    r"(?<![年〔\d])\d{1,4}(?=[余多]?(?:人次|件|起|次|场|份|个|名|小时|户|人|期|篇|家|所|处|项|万元))"
)
_PLACES = ["光辉", "泉掌", "青山", "白马", "龙泉", "石桥", "清河", "金沙", "东坝", "南山"]


def make_corpus(
    root: str | os.PathLike, n: int, *, target_chars: int = 10000, seed: int = 7
) -> list[str]:
    """Write ``n`` synthetic reports (~``target_chars`` each) varied from the seeds."""
    rng = random.Random(seed)
    seeds = [p.read_text(encoding="utf-8") for p in sorted(_SEEDS_DIR.glob("*.txt"))]
    paragraphs = [line for s in seeds for line in s.split("\n") if len(line) > 60]
    root = Path(root)
    paths = []
    for i in range(n):
        base = seeds[i % len(seeds)]
        lines = base.rstrip("\n").split("\n")
        # pad part one with paragraphs from the other seeds until ~target_chars
        extra = []
        size = len(base)
        while size < target_chars:
            p = rng.choice(paragraphs)
            extra.append(p)
            size += len(p) + 1
        insert_at = max(4, len(lines) // 3)
        lines = lines[:insert_at] + extra + lines[insert_at:]
        text = "\n".join(lines)
        text = _DIGITS.sub(lambda m: str(rng.randint(1, 999)), text)
        place = rng.choice(_PLACES)
        text = text.replace("光辉", place).replace("泉掌", place)
        sub = root / f"{i // 500:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        path = sub / f"r{i:06d}.txt"
        enc = "gb18030" if i % 10 == 3 else "utf-8"
        path.write_bytes(text.encode(enc, "replace"))
        paths.append(str(path))
    return paths


def bench(
    n_reports: int = 1000,
    *,
    workers: int | None = None,
    sample: int = 200,
    workdir: str | None = None,
) -> dict:
    """Measure reports/second (one core, and the local pool) and peak memory."""
    import tracemalloc

    from .engine.api import review_bytes
    from .engine.reader import read_bytes

    n_reports = max(1, int(n_reports))
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        corpus = Path(tmp) / "corpus"
        paths = make_corpus(corpus, n_reports)
        sample_paths = paths[: min(sample, len(paths))]
        blobs = [(Path(p).read_bytes(), p) for p in sample_paths]
        chars = sum(len(read_bytes(d, n).text) for d, n in blobs) / len(blobs)
        # one core, in process (after warm-up: opencc, reference index)
        review_bytes(blobs[0][0], blobs[0][1], options=BATCH_OPTIONS)
        t0 = time.perf_counter()
        for data, name in blobs:
            review_bytes(data, name, options=BATCH_OPTIONS)
        single = time.perf_counter() - t0
        # memory per review, traced on a smaller sample (tracemalloc slows things down)
        tracemalloc.start()
        for data, name in blobs[:20]:
            review_bytes(data, name, options=BATCH_OPTIONS)
        _cur, peak_traced = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        # the whole batch through the local pool
        out = Path(tmp) / "out.jsonl"
        n_workers = workers or os.cpu_count() or 1
        t0 = time.perf_counter()
        stats = run_batch(corpus, out, workers=n_workers, progress=False)
        batch_s = time.perf_counter() - t0
        out_bytes = out.stat().st_size
    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "reports": n_reports,
        "avg_chars": round(chars),
        "single_core_reports_per_s": round(len(blobs) / single, 1),
        "workers": n_workers,
        "batch_seconds": round(batch_s, 2),
        "batch_reports_per_s": round(n_reports / batch_s, 1),
        "batch_ok": stats["ok"],
        "batch_errors": stats["errors"],
        "peak_traced_mb_single_process": round(peak_traced / 1024 / 1024, 1),
        "peak_rss_mb_main": round(self_rss, 1),
        "peak_rss_mb_worker": round(child_rss, 1),
        "output_mb": round(out_bytes / 1024 / 1024, 2),
    }
