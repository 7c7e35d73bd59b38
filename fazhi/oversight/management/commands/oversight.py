"""fazhi oversight rectifications|action|import-findings — the same services as the pages."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fazhi.core import context
from fazhi.core.errors import DomainError
from fazhi.core.management.base import refused, resolve_unit, resolve_user
from fazhi.oversight import importers, services
from fazhi.oversight.models import Inspection, Rectification
from fazhi.oversight.procedures import run as run_rectification


class Command(BaseCommand):
    help = "督察整改：rectifications 列出整改事项（--overdue 只看逾期）；action 办理整改；import-findings 导入问题"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        p = sub.add_parser("rectifications", help="列出单位及下级的整改事项")
        p.add_argument("unit")
        p.add_argument("--overdue", action="store_true")
        p.add_argument("--format", choices=["table", "json"], default="table")
        p = sub.add_parser("action", help="办理：start / submit / sign_off / send_back")
        p.add_argument("id", type=int)
        p.add_argument("action")
        p.add_argument("--user", required=True)
        p.add_argument("--measures", default="")
        p.add_argument("--evidence-note", default="")
        p.add_argument("--reason", default="")
        p = sub.add_parser("import-findings", help="导入某次督察/自查发现的问题（全部正确才导入）")
        p.add_argument("inspection", type=int)
        p.add_argument("file")
        p.add_argument("--user", required=True)
        p = sub.add_parser("closed-rate", help="整改销号率")
        p.add_argument("unit")
        p.add_argument("--year", type=int, required=True)

    def handle(self, *args, verb, **o):
        try:
            getattr(self, "do_" + verb.replace("-", "_"))(**o)
        except DomainError as exc:
            raise CommandError(exc.message)
        except PermissionDenied as exc:
            raise refused(exc)

    def do_rectifications(self, unit, overdue, format, **o):
        u = resolve_unit(unit)
        today = timezone.localdate()
        qs = Rectification.objects.in_subtree(u).select_related("unit", "inspection")
        if overdue:
            qs = qs.overdue(today)
        rows = list(qs.order_by("deadline"))
        if format == "json":
            self.stdout.write(
                json.dumps(
                    [
                        {
                            "id": r.pk,
                            "unit": r.unit.code,
                            "problem": r.problem,
                            "owner": r.owner_name,
                            "deadline": r.deadline.isoformat(),
                            "status": r.status,
                            "overdue": r.overdue_on(today),
                        }
                        for r in rows
                    ],
                    ensure_ascii=False,
                )
            )
            return
        for r in rows:
            flag = " 逾期" if r.overdue_on(today) else ""
            self.stdout.write(
                f"{r.pk:>6} {r.unit.name} {r.deadline} {r.get_status_display()}{flag} "
                f"{r.owner_name} {r.problem[:30]}"
            )
        self.stdout.write(f"共 {len(rows)} 项")

    def do_action(self, id, action, user, measures, evidence_note, reason, **o):
        actor = resolve_user(user)
        r = Rectification.objects.visible_to(actor).filter(pk=id).first()
        if r is None:
            raise CommandError(f"找不到整改事项 {id}（或无权查看）")
        with context.acting(actor, channel="cli"):
            r = run_rectification(
                r,
                action,
                user=actor,
                data={"measures": measures, "evidence_note": evidence_note, "reason": reason},
            )
        self.stdout.write(f"整改事项 {r.pk}：{r.get_status_display()}")

    def do_import_findings(self, inspection, file, user, **o):
        actor = resolve_user(user)
        i = Inspection.objects.visible_to(actor).filter(pk=inspection).first()
        if i is None:
            raise CommandError(f"找不到督察/自查 {inspection}（或无权查看）")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {file}")
        with context.acting(actor, channel="cli"):
            result = importers.import_findings(i, path.read_bytes(), path.name, actor=actor)
        if not result.ok:
            for e in result.errors:
                self.stderr.write(str(e))
            raise CommandError(f"文件中有 {len(result.errors)} 处错误，未导入任何记录")
        self.stdout.write(f"已导入 {result.created} 个问题")

    def do_closed_rate(self, unit, year, **o):
        u = resolve_unit(unit)
        r = services.rectification_closed_rate(u, year)
        self.stdout.write(json.dumps({k: v for k, v in r.items()}, ensure_ascii=False))
