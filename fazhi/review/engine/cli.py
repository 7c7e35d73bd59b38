"""Command line: ``review FILE... | review compare FILE... | review batch DIR | review bench``.

``main(argv) -> int``; errors print one line on stderr and return non-zero (no
traceback). ``-`` reads stdin.
"""

from __future__ import annotations

import argparse
import json
import sys

from .reader import ReviewInputError

EXIT_INPUT = 2
EXIT_USAGE = 64


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage dump
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def _review_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="review", description="审阅法治政府建设年度报告 / review annual reports")
    p.add_argument("files", nargs="+", help="文件（- 表示标准输入）")
    p.add_argument("--format", "-f", choices=["json", "csv", "html", "text"], default="json")
    p.add_argument(
        "--text", action="store_true", help="include the original text (for highlighting)"
    )
    p.add_argument("--reference", help="reference corpus: a directory of reports or a saved index")
    p.add_argument("--max-mb", type=float, default=20.0, help="size limit in MB (default 20)")
    p.add_argument("--watermark", action="append", default=[], help="a watermark string to remove")
    return p


def _compare_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="review compare")
    p.add_argument("files", nargs="+")
    p.add_argument("--format", "-f", choices=["json", "html", "text"], default="text")
    p.add_argument("--reference")
    p.add_argument("--max-mb", type=float, default=20.0)
    return p


def _batch_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="review batch")
    p.add_argument("root")
    p.add_argument("--out", required=True)
    p.add_argument("--workers", type=int)
    p.add_argument("--scheduler", help="tcp://HOST:PORT of a Dask scheduler")
    p.add_argument("--chunk", type=int, default=8)
    p.add_argument("--reference")
    p.add_argument("--no-progress", action="store_true")
    return p


def _bench_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="review bench")
    p.add_argument("--batch", action="store_true", help="the batch throughput (pool) instead")
    p.add_argument("--n", type=int, default=1000, help="--batch: synthetic reports")
    p.add_argument("--workers", type=int, help="--batch: pool size")
    p.add_argument("--mb", type=float, default=2.0, help="million characters per timed run")
    p.add_argument("--repeat", type=int, default=3, help="timed runs; the best is kept")
    p.add_argument("--memory-n", type=int, default=10000, help="small reports for the RSS check")
    p.add_argument("--json", action="store_true")
    return p


def _index_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="review index")
    p.add_argument("paths", nargs="+", help="directories/files of reference reports")
    p.add_argument("--out", required=True, help="index file to write (.refidx)")
    p.add_argument("--no-default", action="store_true", help="do not include the shipped seeds")
    return p


def _options(args) -> dict:
    o = {"max_bytes": int(args.max_mb * 1024 * 1024)}
    if getattr(args, "text", False):
        o["include_text"] = True
    if getattr(args, "watermark", None):
        o["watermarks"] = args.watermark
    return o


def _review_all(files, args) -> list[dict]:
    from .api import review_file

    results = []
    for f in files:
        results.append(review_file(f, reference=args.reference, options=_options(args)))
    return results


def _write(s: str) -> None:
    sys.stdout.write(s)
    if not s.endswith("\n"):
        sys.stdout.write("\n")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "review":
        argv = argv[1:]
    try:
        if not argv or argv[0] in ("-h", "--help"):
            _write(
                "usage: review FILE... [--format json|csv|html|text]\n"
                "       review compare FILE... [--format text|json|html]\n"
                "       review batch DIR --out results.jsonl [--workers N] [--scheduler tcp://HOST:PORT]\n"
                "       review bench [--mb 2] [--memory-n 10000] [--json] | review bench --batch [--n 1000]\n"
                "       review index DIR... --out ref.refidx"
            )
            return 0 if argv else EXIT_USAGE
        cmd = argv[0]
        if cmd == "compare":
            from .compare import compare, render_compare_html, render_compare_text

            args = _compare_parser().parse_args(argv[1:])
            cmp = compare(_review_all(args.files, args))
            if args.format == "json":
                _write(json.dumps(cmp, ensure_ascii=False, indent=2))
            elif args.format == "html":
                _write(render_compare_html(cmp))
            else:
                _write(render_compare_text(cmp))
            return 0
        if cmd == "batch":
            from ..batch import run_batch

            args = _batch_parser().parse_args(argv[1:])
            stats = run_batch(
                args.root,
                args.out,
                workers=args.workers,
                scheduler=args.scheduler,
                progress=not args.no_progress,
                chunk=args.chunk,
                reference=args.reference,
            )
            sys.stderr.write(json.dumps(stats, ensure_ascii=False) + "\n")
            return 0
        if cmd == "bench":
            args = _bench_parser().parse_args(argv[1:])
            if args.batch:
                from ..batch import bench

                res = bench(args.n, workers=args.workers)
                _write(json.dumps(res, ensure_ascii=False, indent=2))
                return 0
            from . import bench as engine_bench

            res = engine_bench.run(args.mb, args.repeat, args.memory_n)
            _write(
                json.dumps(res, ensure_ascii=False, indent=2)
                if args.json
                else engine_bench.format_text(res)
            )
            return 0
        if cmd == "index":
            from .reference import Reference, default_reference

            args = _index_parser().parse_args(argv[1:])
            base = None if args.no_default else default_reference()
            ref = Reference.from_paths(*args.paths, base=base)
            ref.save(args.out)
            sys.stderr.write(f"{ref.n_docs} documents, {len(ref.df)} shingles -> {args.out}\n")
            return 0
        from .render import render

        args = _review_parser().parse_args(argv)
        results = _review_all(args.files, args)
        _write(
            render(
                results[0] if len(results) == 1 and args.format == "json" else results, args.format
            )
        )
        return 0
    except _UsageError as exc:
        sys.stderr.write(f"review: 参数错误 / usage error: {exc}\n")
        return EXIT_USAGE
    except ReviewInputError as exc:
        sys.stderr.write(f"review: {exc.code}: {exc.message}\n")
        return EXIT_INPUT
    except KeyboardInterrupt:
        sys.stderr.write("review: interrupted\n")
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # never a traceback on the CLI
        sys.stderr.write(f"review: 内部错误 / internal error: {type(exc).__name__}: {exc}\n")
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
