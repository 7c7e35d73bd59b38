from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from fazhi.core import demo


class Command(BaseCommand):
    help = (
        "生成确定性的演示数据：示范县、四个乡镇（含一个开发区）、十二个村(社区)、每个角色一个用户"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", default="small", choices=sorted(demo.SCALES), help="数据规模"
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="随机种子（同一种子得到同样的数据）"
        )
        parser.add_argument("--year", type=int, default=None, help="台账年度（默认今年）")
        parser.add_argument(
            "--counties",
            type=int,
            default=None,
            help="县的个数（仅 province 规模；默认 3，一个省约 100）",
        )

    def handle(self, *args, scale, seed, year, counties, **options):
        if not settings.DEMO_MODE:
            raise CommandError("演示数据只能在演示模式下生成（FAZHI_DEMO=1），生产环境不设默认账号")
        if demo.exists():
            raise CommandError("演示数据已存在（示范县）；如需重建，请先删除数据库")
        if counties is not None and scale != "province":
            raise CommandError("--counties 只用于 --scale province")
        started = time.perf_counter()
        try:
            demo.build(
                scale=scale,
                seed=seed,
                year=year,
                counties=counties,
                log=lambda s: self.stdout.write(s),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                # planner statistics, and the visibility map without which PostgreSQL
                # cannot count from an index alone (a county's grid cases: 80 -> 30 ms)
                cursor.execute("VACUUM ANALYZE")
            else:
                cursor.execute("ANALYZE")  # planner statistics for the freshly loaded tables
        self.stdout.write(f"用时 {time.perf_counter() - started:.1f} 秒")
        self.stdout.write(self.style.SUCCESS("演示数据已生成"))
        self.stdout.write(demo.logins_table())
