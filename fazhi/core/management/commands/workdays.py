from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from fazhi.core import workdays


class Command(BaseCommand):
    help = "按工作日计算期限：workdays START N（START 之后第 N 个工作日）"

    def add_arguments(self, parser):
        parser.add_argument("start", help="起算日 YYYY-MM-DD")
        parser.add_argument("n", type=int, help="工作日数")

    def handle(self, *args, start, n, **options):
        try:
            day = dt.date.fromisoformat(start)
        except ValueError:
            raise CommandError("起算日格式应为 YYYY-MM-DD")
        if not 0 <= n <= 400:
            raise CommandError("工作日数应在 0 到 400 之间")
        d = workdays.add_working_days(day, n)
        self.stdout.write(str(d))
