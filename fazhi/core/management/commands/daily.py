from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from fazhi.core import audit, reminders, retention


class Command(BaseCommand):
    help = "每日任务（cron 或 systemd 定时器）：到期提醒、停用长期未用账号、个人信息到期匿名化、审计日志到期清理（不少于183天）"

    def handle(self, *args, **options):
        now = timezone.now()
        r = reminders.run(timezone.localdate())
        disabled = retention.disable_inactive_accounts(now)
        anonymised = retention.run(now)
        purged = audit.purge_expired(now)
        self.stdout.write(
            f"提醒 {r['digests']} 条；停用账号 {disabled} 个；匿名化 {sum(anonymised.values())} 条"
            f"（{', '.join(f'{k}: {v}' for k, v in anonymised.items()) or '无到期记录'}）；清理审计日志 {purged} 条"
        )
