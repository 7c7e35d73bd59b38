from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fazhi.core import reminders


class Command(BaseCommand):
    help = "生成到期提醒：3个工作日内到期和已逾期的事项，每人每天一条汇总通知（由 cron 或 systemd 定时器每日运行）"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按某日计算（YYYY-MM-DD，默认今天）")

    def handle(self, *args, date, **options):
        try:
            today = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError("--date 格式应为 YYYY-MM-DD")
        result = reminders.run(today)
        self.stdout.write(
            f"{today}: 共 {result['items']} 项在办事项，{result['due_soon']} 项即将到期或逾期，生成 {result['digests']} 条汇总通知"
        )
