"""Time to refuse each file of the attack corpus, per upload path, and the memory it took.

    .venv/bin/python bench/attacks.py

For each hostile file: the review upload path and the Excel import path (both parse in a
limited child process), and the attachment path (type check only): the outcome (refused
with code, or read), the wall time, and the largest resident set of any child so far.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    os.environ.setdefault("FAZHI_VAR_DIR", tempfile.mkdtemp(prefix="fazhi-attacks-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()

    from fazhi.core import attachments, excel
    from fazhi.core.errors import DomainError
    from fazhi.review.engine.reader import ReviewInputError
    from tests.hostile import CORPUS

    def review(name, data):
        from fazhi.core.sandbox import run_limited
        from fazhi.review.services import _review

        return run_limited(_review, data, name, False)

    paths = {
        "review": review,
        "excel import": lambda name, data: excel.read_table(
            data, name, [excel.Column("a", "名称")]
        ),
        "attachment type check": lambda name, data: attachments.sniff(data),
    }
    print("| file | size MB | path | outcome | ms | max child RSS MB |")
    print("|---|---|---|---|---|---|")
    for name, make in CORPUS.items():
        data = make()
        for label, fn in paths.items():
            start = time.perf_counter()
            try:
                fn(name, data)
                outcome = "read (no parse error)"
            except (DomainError, ReviewInputError) as exc:
                outcome = f"refused: {exc.code}"
            ms = (time.perf_counter() - start) * 1000
            rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(
                f"| {name} | {len(data) / 1024 / 1024:.2f} | {label} | {outcome} | {ms:.0f} | {rss:.0f} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
