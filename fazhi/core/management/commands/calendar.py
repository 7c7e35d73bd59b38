from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from fazhi.core import workdays
from fazhi.core.calendar_service import CalendarInputError, parse_schedule, save_schedule


class Command(BaseCommand):
    help = "节假日安排：show YEAR 查看依据；set YEAR FILE 从文件录入（每行“日期 放假|上班 名称”，- 为标准输入）"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["show", "set"])
        parser.add_argument("year", type=int)
        parser.add_argument("file", nargs="?")
        parser.add_argument("--source", default="", help="依据文号")

    def handle(self, *args, action, year, file, source, **options):
        if action == "show":
            s = workdays.schedule(year)
            label = {"entered": "已录入", "package": "内置数据", "provisional": "暂定（仅周末）"}[
                s.source
            ]
            self.stdout.write(
                f"{year}年：{label}；放假 {len(s.holidays)} 天，调休上班 {len(s.workdays)} 天"
            )
            for d in sorted(s.holidays | s.workdays):
                self.stdout.write(f"  {d} {'放假' if d in s.holidays else '上班'}")
            return
        if not file:
            raise CommandError("请给出安排文件（或 - 表示标准输入）")
        try:
            text = sys.stdin.read() if file == "-" else open(file, encoding="utf-8").read()  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"无法读取文件：{exc.strerror}")
        except UnicodeDecodeError:
            raise CommandError("文件不是 UTF-8 编码")
        try:
            days = parse_schedule(year, text)
        except CalendarInputError as exc:
            raise CommandError(str(exc))
        save_schedule(year, days, source=source)
        self.stdout.write(f"已录入{year}年节假日安排：{len(days)} 天")
