"""``fazhi review FILE... | compare | batch | bench | index``: the review engine's CLI."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from fazhi.review.engine.cli import main


class Command(BaseCommand):
    help = (
        "审阅已公开的法治政府建设年度报告：review FILE... [--format json|csv|html|text]；"
        "review compare FILE...；review batch DIR --out results.jsonl [--scheduler tcp://HOST:PORT]；"
        "review bench [--mb 2] [--memory-n 10000]（引擎与下限之比）；review bench --batch [--n 1000]"
    )

    def run_from_argv(self, argv):
        # The engine parses its own arguments (its options would clash with Django's).
        args = argv[2:]
        if args in (["-h"], ["--help"]):
            args = []
            sys.stdout.write(self.help + "\n")
            sys.exit(0)
        sys.exit(main(args))

    def handle(self, *args, **options):  # called by call_command
        code = main(list(args))
        if code:
            from django.core.management.base import CommandError

            raise CommandError(f"review exited with {code}")
