"""``fazhi review FILE... | compare | batch | bench | index | county``: the review CLI."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from fazhi.review.engine.cli import main


class Command(BaseCommand):
    help = (
        "审阅已公开的法治政府建设年度报告：review FILE... [--format json|csv|html|text]；"
        "review compare FILE...；review batch DIR --out results.jsonl [--scheduler tcp://HOST:PORT]；"
        "review bench [--mb 2] [--memory-n 10000]（引擎与下限之比）；review bench --batch [--n 1000]；"
        "review county UNIT YEAR [--format json|text] [--user 用户名]（一个县各乡镇已公开报告的审阅对照）"
    )

    def run_from_argv(self, argv):
        # The engine parses its own arguments (its options would clash with Django's).
        args = argv[2:]
        if args in (["-h"], ["--help"]):
            args = []
            sys.stdout.write(self.help + "\n")
            sys.exit(0)
        if args and args[0] == "county":
            sys.exit(_county(args[1:]))
        sys.exit(main(args))

    def handle(self, *args, **options):  # called by call_command
        args = list(args)
        code = _county(args[1:]) if args and args[0] == "county" else main(args)
        if code:
            from django.core.management.base import CommandError

            raise CommandError(f"review exited with {code}")


def _county(argv: list[str]) -> int:
    """``review county UNIT YEAR``: the county's townships' published reports of YEAR,
    reviewed side by side (fazhi.review.county). Without ``--user`` the operator sees every
    township; with it, what that user would see on the page. Errors: one line on stderr."""
    import argparse
    import json

    from django.core.exceptions import PermissionDenied
    from django.core.management.base import CommandError
    from django.core.serializers.json import DjangoJSONEncoder
    from django.http import Http404

    from fazhi.core.errors import DomainError
    from fazhi.core.management.base import resolve_user
    from fazhi.review import county

    class Parser(argparse.ArgumentParser):
        def error(self, message):
            raise CommandError(f"参数错误：{message}")

    p = Parser(prog="fazhi review county", add_help=False)
    p.add_argument("unit")
    p.add_argument("year")
    p.add_argument("--format", "-f", choices=["json", "text"], default="text")
    p.add_argument("--user")
    try:
        args = p.parse_args(argv)
        user = resolve_user(args.user) if args.user else _Operator()
        try:
            c = county.resolve_county(user, args.unit)
        except Http404:
            raise CommandError(f"找不到县（区）“{args.unit}”，或该用户无权查看")
        data = county.county_review(user, c, county.check_year(args.year))
    except (CommandError, DomainError, PermissionDenied) as exc:
        msg = getattr(exc, "message", None) or str(exc)
        sys.stderr.write("review county: " + " ".join(msg.split()) + "\n")  # one line
        return 2
    if args.format == "json":
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder))
        sys.stdout.write("\n")
    else:
        sys.stdout.write(county.render_text(data))
    return 0


class _Operator:
    """The command line's operator: sees every unit (as the other commands do)."""

    is_authenticated = True
    is_active = True
    is_superuser = True
