"""fazhi report_previous UNIT YEAR FILE --user U [--apply]

Import last year's report into UNIT's YEAR report (a draft): print how many of its figures
map to indicators and each one that does not; with --apply, write this year's draft in
last year's structure into the report's sections.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from fazhi.core import context
from fazhi.core.errors import DomainError
from fazhi.core.management.base import refused, resolve_unit_year, resolve_user
from fazhi.reports import previous
from fazhi.reports.models import AnnualReport


class Command(BaseCommand):
    help = "导入上一年度报告，按其结构和表述起草本年报告（--apply 写入草稿）"

    def add_arguments(self, parser):
        parser.add_argument("unit", help="单位代码或完整名称")
        parser.add_argument("year", help="本年报告的年度")
        parser.add_argument("file", help="上一年度报告文件（DOCX、TXT 或 HTML）")
        parser.add_argument("--user", required=True, help="以此用户身份导入")
        parser.add_argument(
            "--apply", action="store_true", help="导入后采用上年结构写入本年草稿（覆盖各部分正文）"
        )

    def handle(self, *args, **opts):
        from fazhi.review.engine.reader import DEFAULT_MAX_BYTES

        unit, year = resolve_unit_year(opts["unit"], opts["year"])
        report = AnnualReport.objects.filter(unit=unit, year=year).select_related("unit").first()
        if report is None:
            raise CommandError(
                f"{unit.name}尚未编制{year}年度报告；请先生成草稿（fazhi report {opts['unit']} "
                f"{year} --create --user 用户名）"
            )
        actor = resolve_user(opts["user"])
        path = Path(opts["file"])
        try:
            with path.open("rb") as fh:
                data = fh.read(DEFAULT_MAX_BYTES + 1)
        except FileNotFoundError:
            raise CommandError(f"找不到文件：{path}")
        except IsADirectoryError:
            raise CommandError(f"{path} 是目录，请指定报告文件")
        except OSError:
            raise CommandError(f"无法读取文件：{path}")
        try:
            with context.acting(actor, channel="cli"):
                prev = previous.import_previous(report, data, path.name, actor=actor)
                written = (
                    previous.apply_previous(report, actor=actor, overwrite=True)
                    if opts["apply"]
                    else []
                )
        except DomainError as exc:
            raise CommandError(exc.message)
        except PermissionDenied as exc:
            raise refused(exc)
        c = previous.counts(prev)
        self.stdout.write(
            f"已导入“{prev.name}”：对应到指标 {c['mapped']} 个，"
            f"未对应 {c['unmapped']} 个，目标值 {c['targets']} 个"
        )
        for f in previous.unmapped(prev):
            where = f"第{f['section']}部分" if f["section"] else "开头语"
            subject = f"（{f['subject']}）" if f.get("subject") else ""
            self.stdout.write(f"  待核 {where}：{f['text']}{subject}")
        if written:
            names = "、".join("开头语" if n == 0 else f"第{n}部分" for n in written)
            self.stdout.write(f"已采用上年结构写入{names}")
