"""The ``fazhi`` console command: every management command, plus ``fazhi run``.

``fazhi`` with no arguments or ``--help`` lists the commands; ``fazhi CMD --help`` shows
one. Errors end with a non-zero exit and one line on stderr.
"""

from __future__ import annotations

import os
import sys

FAZHI_COMMANDS = {
    "run": "迁移数据库、空库时载入演示数据并启动服务（http://127.0.0.1:8000）",
    "demo": "生成确定性的演示数据（--scale small）",
    "units": "列出单位（代码、类型、上级）",
    "token": "为用户创建或吊销 API 令牌",
    "audit": "审计日志：verify 校验哈希链，tail 查看最近记录",
    "calendar": "节假日安排：查看某年依据，或从文件录入某年安排",
    "workdays": "按工作日计算期限",
}


def _usage() -> str:
    lines = ["用法: fazhi COMMAND [options]   (fazhi COMMAND --help 查看帮助)", "", "fazhi 命令:"]
    for name, text in FAZHI_COMMANDS.items():
        lines.append(f"  {name:<12} {text}")
    lines.append("")
    lines.append(
        "以及 Django 的全部管理命令（fazhi help --commands 列出），如 migrate、createsuperuser。"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    argv = list(sys.argv if argv is None else argv)
    if len(argv) == 1 or argv[1] in ("-h", "--help"):
        print(_usage())
        return
    from django.core.management import execute_from_command_line
    from django.core.management.base import CommandError, CommandParser

    def one_line_error(parser, message):  # argparse prints usage; the CLI says one line
        if not parser.called_from_command_line:
            raise CommandError(f"Error: {message}")
        sys.stderr.write(f"{parser.prog}: 错误: {message}\n")
        sys.exit(2)

    CommandParser.error = one_line_error
    try:
        execute_from_command_line(["fazhi", *argv[1:]])
    except KeyboardInterrupt:
        sys.stderr.write("已中断\n")
        sys.exit(130)
    except Exception as exc:  # a traceback is for developers: FAZHI_TRACEBACK=1 shows it
        if os.environ.get("FAZHI_TRACEBACK") or "--traceback" in argv:
            raise
        sys.stderr.write(
            f"错误: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}\n"
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
