"""fazhi indicators UNIT YEAR [--format table|json|csv]"""

from __future__ import annotations

import csv
import io
import json

from django.core.management.base import BaseCommand, CommandError

from fazhi.core.cells import safe_row
from fazhi.core.management.base import resolve_unit_year
from fazhi.indicators import registry, services


class Command(BaseCommand):
    help = "计算一个单位（含下级）一个年度的全部指标"

    def add_arguments(self, parser):
        parser.add_argument("unit", help="单位代码或完整名称")
        parser.add_argument("year", help="年度，如 2024")
        parser.add_argument("--format", choices=["table", "json", "csv"], default="table")

    def handle(self, *args, **opts):
        unit, year = resolve_unit_year(opts["unit"], opts["year"])
        if not 2000 <= year <= 2100:
            raise CommandError(f"年度超出范围：{year}")
        rows = services.rows(registry.compute(unit, year))
        fmt = opts["format"]
        if fmt == "json":
            out = json.dumps(
                {"unit": unit.code, "unit_name": unit.name, "year": year, "items": rows},
                ensure_ascii=False,
                indent=2,
            )
        elif fmt == "csv":
            buf = io.StringIO()
            w = csv.writer(buf)
            w.writerow(["code", "name", "value", "measure", "status", "target", "text"])
            for r in rows:
                w.writerow(
                    safe_row(
                        [
                            r["code"],
                            r["name"],
                            r["value"] or "",
                            r["measure"],
                            r["status"],
                            r["target"] or "",
                            r["text"],
                        ]
                    )
                )
            out = buf.getvalue().rstrip("\n")
        else:
            lines = [f"{unit.name}（{unit.code}）{year}年度指标"]
            for r in rows:
                target = f"  目标 {r['target']}{r['measure']}" if r["target"] is not None else ""
                flag = "  ✗未达标" if r["meets_target"] is False else ""
                lines.append(f"{r['code']:<38} {r['name']:<16} {r['text']}{target}{flag}")
            out = "\n".join(lines)
        self.stdout.write(out)
