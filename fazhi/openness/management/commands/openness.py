"""fazhi openness <ledger> list|show|create|update|actions|act|export|import (the
disclosure and request ledgers, ``ledgers.py``), and: summary UNIT [--year] (items
disclosed per category and channel, requests by outcome); document ID KEY --as USER
-o FILE (a request's 补正告知书 / 延期答复告知书 / 答复书; KEY ``report``: an annual
report's DOCX, a published one's as published); annual-report UNIT [--year]
[--json] (the tables of the 政府信息公开工作年度报告, ``annual.py``) — the same services as
the pages."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils import timezone

from fazhi.core import scoping
from fazhi.core.management.base import resolve_unit, resolve_user
from fazhi.core.params import parse_int
from fazhi.ledgers.cli import build_command
from fazhi.openness import annual, annual_render, documents, services
from fazhi.openness.ledgers import LEDGERS
from fazhi.openness.models import InformationRequest, OpennessReport

Ledgers = build_command("政务公开", LEDGERS)
VERBS = {
    "summary": ("unit", None),
    "document": ("record", "key"),
    "annual-report": ("unit", None),
}


class Command(Ledgers):
    verbs = VERBS
    help = (
        Ledgers.help + "；summary 单位 [--year 年度] 主动公开按类别、渠道统计和依申请公开办理结果；"
        "document 申请编号 correction|extension|reply --as 用户 -o 文件.docx 生成告知书/答复书；"
        "document 年度报告编号 report --as 用户 -o 文件.docx 年度报告（已公开的为公开时的文件）；"
        "annual-report 单位 [--year 年度] [--json] 政府信息公开工作年度报告的法定表格（由台账生成）"
    )

    def do_summary(self, unit, year, json: bool = False, **o):
        u = resolve_unit(unit)
        year = year or timezone.localdate().year
        disclosed = services.disclosure_counts(u, year)
        requests = services.request_figures(u, year)
        if json:
            import json as _json

            self.stdout.write(
                _json.dumps(
                    {
                        "unit": u.code,
                        "year": year,
                        "disclosed": disclosed["total"],
                        "by_category": {v: n for v, _, n in disclosed["by_category"]},
                        "by_channel": {v: n for v, _, n in disclosed["by_channel"]},
                        "requests": {k: v for k, v in requests.items() if k != "by_outcome"},
                        "by_outcome": {v: n for v, _, n in requests["by_outcome"]},
                    },
                    ensure_ascii=False,
                )
            )
            return
        self.stdout.write(f"{u.name} {year}年：主动公开政府信息 {disclosed['total']} 条")
        for _, label, n in disclosed["by_category"]:
            if n:
                self.stdout.write(f"  {label:<12}{n}")
        self.stdout.write(
            f"依申请公开：收到 {requests['received']} 件，已答复 {requests['replied']} 件，"
            f"按期 {requests['on_time']} 件，逾期未答复 {requests['overdue']} 件"
        )
        for _, label, n in requests["by_outcome"]:
            if n:
                self.stdout.write(f"  {label:<12}{n}")

    def do_document(self, record, key, username, output, **o):
        if not username:
            raise CommandError("document 需要 --as 用户")
        if not output:
            raise CommandError("document 需要 -o 文件.docx")
        user = resolve_user(username)
        pk = parse_int(record)
        if key == "report":
            report = OpennessReport.objects.select_related("unit").filter(pk=pk).first()
            if report is None or not scoping.can(user, "view", report):
                raise CommandError(f"找不到年度报告 {record}")
            name, data = annual_render.docx_of(report)
            Path(output).write_bytes(data)
            self.stdout.write(f"已生成 {name} → {output}")
            return
        r = InformationRequest.objects.select_related("unit").filter(pk=pk).first() if pk else None
        if r is None or not scoping.can(user, "view", r):
            raise CommandError(f"找不到申请 {record}")
        name, data = documents.render(r, key)
        Path(output).write_bytes(data)
        self.stdout.write(f"已生成 {name} → {output}")

    def do_annual_report(self, unit, year, json: bool = False, **o):
        u = resolve_unit(unit)
        tables = annual.annual_tables(u, year or timezone.localdate().year - 1)
        if json:
            import json as _json

            self.stdout.write(_json.dumps(tables, ensure_ascii=False))
            return
        self.stdout.write(annual.markdown(tables))
