"""fazhi report UNIT YEAR --format docx|md|html|pdf|json -o FILE"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from fazhi.core import audit, context
from fazhi.core.errors import DomainError
from fazhi.core.management.base import refused, resolve_unit_year, resolve_user
from fazhi.reports import render, services
from fazhi.reports.models import AnnualReport


class Command(BaseCommand):
    help = "导出一个单位一个年度的法治政府建设年度报告"

    def add_arguments(self, parser):
        parser.add_argument("unit", help="单位代码或完整名称")
        parser.add_argument("year", help="年度")
        parser.add_argument(
            "--format", choices=["docx", "md", "html", "pdf", "json"], default="docx"
        )
        parser.add_argument(
            "-o", "--output", help="输出文件（缺省输出到标准输出，docx/pdf 必须指定）"
        )
        parser.add_argument("--create", action="store_true", help="尚未编制时根据台账生成草稿")
        parser.add_argument("--user", help="以此用户身份生成草稿（与 --create 同用）")

    def handle(self, *args, **opts):
        unit, year = resolve_unit_year(opts["unit"], opts["year"])
        report = AnnualReport.objects.filter(unit=unit, year=year).select_related("unit").first()
        if report is None:
            if not opts["create"]:
                raise CommandError(
                    f"{unit.name}尚未编制{year}年度报告；请先在网页上生成草稿，或加 --create --user 用户名"
                )
            if not opts["user"]:
                raise CommandError("--create 需要 --user 指定编制人")
            actor = resolve_user(opts["user"])
            try:
                with context.acting(actor, channel="cli"):
                    report = services.create_report(unit, year, actor=actor)
            except DomainError as exc:
                raise CommandError(exc.message)
            except PermissionDenied as exc:
                raise refused(exc)
        fmt = opts["format"]
        if fmt in ("docx", "pdf") and not opts["output"]:
            raise CommandError(f"{fmt} 格式需要用 -o 指定输出文件")
        if fmt == "docx":
            data = bytes(report.docx) if report.docx else render.to_docx(report)
        elif fmt == "pdf":
            try:
                data = render.to_pdf(report)
            except render.PdfUnavailable as exc:
                raise CommandError(str(exc))
        elif fmt == "md":
            data = render.to_markdown(report).encode()
        elif fmt == "html":
            data = render.to_html(report).encode()
        else:
            data = (render.to_json_text(report) + "\n").encode()
        if opts["output"]:
            try:
                Path(opts["output"]).write_bytes(data)
            except OSError as exc:
                raise CommandError(f"无法写入 {opts['output']}：{exc.strerror}")
            self.stderr.write(f"已写入 {opts['output']}（{len(data)} 字节）")
        else:
            self.stdout.write(data.decode())
        with context.acting(None, channel="cli"):
            audit.record(
                audit.E.EXPORT, obj=report, detail={"format": fmt, "file": opts["output"] or "-"}
            )
