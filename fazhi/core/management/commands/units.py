from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from fazhi.core.models import Unit


class Command(BaseCommand):
    help = "列出全部单位：代码、名称、类型、上级单位"

    def add_arguments(self, parser):
        parser.add_argument("--format", default="table", choices=["table", "json"])

    def handle(self, *args, format, **options):
        units = list(Unit.objects.select_related("parent").order_by("path"))
        if format == "json":
            data = [
                {
                    "id": u.pk,
                    "code": u.code,
                    "name": u.name,
                    "kind": u.kind,
                    "parent": u.parent.code if u.parent else None,
                    "depth": u.depth,
                }
                for u in units
            ]
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        if not units:
            self.stdout.write("还没有单位。运行 fazhi demo --scale small 生成演示数据。")
            return
        self.stdout.write(f"{'代码':<12}{'类型':<10}{'上级':<12}名称")
        for u in units:
            self.stdout.write(
                f"{u.code:<14}{u.kind:<18}{(u.parent.code if u.parent else '-'):<14}{'  ' * u.depth}{u.name}"
            )
