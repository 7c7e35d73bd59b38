from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from fazhi.core import audit, backup
from fazhi.core.errors import DomainError


class Command(BaseCommand):
    help = "备份数据库和上传文件到一个 .tar 文件（SQLite 在线备份；PostgreSQL 用 pg_dump），附各表行数和校验和"

    def add_arguments(self, parser):
        parser.add_argument("output", help="备份文件路径，如 var/backup-2026-11-22.tar")

    def handle(self, *args, output, **options):
        try:
            manifest = backup.create(output)
        except DomainError as exc:
            raise CommandError(exc.message)
        except Exception as exc:
            raise CommandError(f"备份失败：{exc}")
        audit.record(audit.E.BACKUP, detail={"action": "backup", "file": str(output)[-200:]})
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            f"已备份 {len(manifest['tables'])} 张表、{rows} 行到 {output}（{manifest['bytes']} 字节，{manifest['seconds']} 秒）"
        )
