from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from fazhi.core import audit
from fazhi.core.models import AuditEvent


class Command(BaseCommand):
    help = "审计日志：verify 校验哈希链（有断裂时退出码非零）；tail [-n N] 查看最近记录"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "tail"])
        parser.add_argument("-n", type=int, default=20)

    def handle(self, *args, action, n, **options):
        if action == "verify":
            result = audit.verify()
            if not result.ok:
                raise CommandError(
                    f"审计日志哈希链断裂：共校验 {result.checked} 条，异常记录 ID {result.broken_ids[:20]}"
                )
            self.stdout.write(f"审计日志完整：共校验 {result.checked} 条")
            return
        for row in AuditEvent.objects.order_by("-id")[: max(1, n)]:
            self.stdout.write(
                f"{row.id}\t{row.at:%Y-%m-%d %H:%M:%S}\t{row.event}\t{row.outcome}\t{row.username}\t{row.ip}\t{row.object_label}"
            )
