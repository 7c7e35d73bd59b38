"""The ``fazhi`` console command: every management command, plus ``fazhi run``.

``fazhi`` with no arguments or ``--help`` lists the commands of the installed fazhi apps,
each with the first line of its help (read from the commands themselves, so a new command
is listed without touching this file); ``fazhi CMD --help`` shows one. Django's own
commands (``migrate`` …) are reachable too. Errors, bad arguments included, end with a
non-zero exit and one line on stderr.
"""

from __future__ import annotations

import os
import shutil
import sys
import unicodedata

USAGE = "用法: fazhi COMMAND [options]   (fazhi COMMAND --help 查看帮助)"


def commands() -> list[tuple[str, list[tuple[str, str]]]]:
    """The fazhi apps' management commands: ``[(app's name, [(command, help), …]), …]`` in
    ``INSTALLED_APPS`` order, each app's commands by name."""
    import django
    from django.apps import apps
    from django.core.management import get_commands, load_command_class

    django.setup()
    by_app: dict[str, list[tuple[str, str]]] = {}
    for name, app in sorted(get_commands().items()):
        if app.startswith("fazhi."):
            text = (load_command_class(app, name).help or "").strip()
            by_app.setdefault(app, []).append((name, text.splitlines()[0] if text else ""))
    return [
        (cfg.verbose_name, by_app[cfg.name]) for cfg in apps.get_app_configs() if cfg.name in by_app
    ]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fit(text: str, room: int) -> str:
    """``text`` cut to ``room`` terminal columns (a Chinese character takes two), with …"""
    if _width(text) <= room:
        return text
    out, used = "", 0
    for c in text:
        used += _width(c)
        if used > room - 1:
            break
        out += c
    return out + "…"


def _usage() -> str:
    lines = [USAGE, "", "fazhi 命令:"]
    try:
        groups = commands()
    except Exception as exc:  # the settings cannot load: say so, still show how to ask
        first = str(exc).splitlines()[0] if str(exc) else ""
        lines.append(f"  （无法读取命令列表：{type(exc).__name__}: {first}）")
        groups = []
    names = [name for _label, cmds in groups for name, _text in cmds]
    pad = max((len(n) for n in names), default=8) + 2
    room = max(30, shutil.get_terminal_size((100, 24)).columns - pad - 5)
    for label, cmds in groups:
        lines.append(f"  {label}")
        for name, text in cmds:
            lines.append(f"    {name:<{pad}}{_fit(text, room)}")
    lines.append("")
    lines.append(
        "以及 Django 的全部管理命令（fazhi help --commands 列出），如 migrate、createsuperuser。"
    )
    return "\n".join(lines)


def _utility(argv: list[str]):
    """Django's command dispatcher, with two differences for the command line: an unknown
    command and bad arguments are one line on stderr, not a hint or argparse's usage."""
    import difflib

    from django.core.management import ManagementUtility, get_commands
    from django.core.management.base import BaseCommand

    class Utility(ManagementUtility):
        def fetch_command(self, subcommand):
            from django.conf import settings

            known = get_commands()
            if subcommand not in known:
                _ = settings.INSTALLED_APPS  # settings that cannot load say so (one line)
                close = difflib.get_close_matches(subcommand, known)
                hint = f"（是否为 {close[0]}？）" if close else ""
                _fail(f"fazhi: 错误: 未知命令“{subcommand}”{hint}；fazhi --help 列出全部命令", 1)
            command = super().fetch_command(subcommand)
            if isinstance(command, BaseCommand):
                _raise_on_bad_arguments(command)
            return command

    return Utility(argv)


def _raise_on_bad_arguments(command) -> None:
    """Build this one command's parser the way Django builds it for ``call_command``: a bad
    argument then raises ``CommandError`` (``main`` prints it as one line and exits 2)
    instead of printing the usage and the error over several lines. Only this command
    object is touched; no parser class is changed for the process."""
    make = command.create_parser

    def create_parser(prog_name, subcommand, **kwargs):
        called = getattr(command, "_called_from_command_line", False)
        command._called_from_command_line = False  # CommandParser.error then raises
        try:
            return make(prog_name, subcommand, **kwargs)
        finally:
            command._called_from_command_line = called

    command.create_parser = create_parser


def _fail(line: str, status: int):
    sys.stderr.write(line + "\n")
    sys.exit(status)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    argv = list(sys.argv if argv is None else argv)
    if len(argv) == 1 or argv[1] in ("-h", "--help"):
        print(_usage())
        return
    from django.core.management.base import CommandError

    try:
        _utility(["fazhi", *argv[1:]]).execute()
    except KeyboardInterrupt:
        sys.stderr.write("已中断\n")
        sys.exit(130)
    except CommandError as exc:  # the arguments did not parse (errors while running are
        # written by Django's run_from_argv and exit there)
        if os.environ.get("FAZHI_TRACEBACK") or "--traceback" in argv:
            raise
        message = (str(exc).removeprefix("Error: ").splitlines() or [type(exc).__name__])[0]
        _fail(f"fazhi {argv[1]}: 错误: {message}", 2)
    except Exception as exc:  # a traceback is for developers: FAZHI_TRACEBACK=1 shows it
        if os.environ.get("FAZHI_TRACEBACK") or "--traceback" in argv:
            raise
        sys.stderr.write(
            f"错误: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}\n"
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
