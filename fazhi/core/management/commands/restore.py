from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from fazhi.core import backup
from fazhi.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "从备份文件恢复到当前配置的数据库（须为空库，或加 --force），并核对行数、校验和与审计哈希链"
    )

    def add_arguments(self, parser):
        parser.add_argument("input", help="fazhi backup 生成的 .tar 文件")
        parser.add_argument("--force", action="store_true", help="目标数据库不是空库时也覆盖")

    def handle(self, *args, input, force, **options):
        call_command("migrate", interactive=False, verbosity=0)
        try:
            result = backup.restore(input, force=force)
        except DomainError as exc:
            raise CommandError(exc.message)
        except Exception as exc:
            raise CommandError(f"恢复失败：{exc}")
        if result["mismatched"] or not result["audit_ok"]:
            raise CommandError(
                f"恢复后核对不一致：表 {result['mismatched'][:10]}，审计链{'完整' if result['audit_ok'] else '断裂'}"
            )
        self.stdout.write(
            f"已恢复 {result['tables']} 张表、{result['rows']} 行，校验和一致，审计链完整（{result['audit_rows']} 条），用时 {result['seconds']} 秒"
        )
