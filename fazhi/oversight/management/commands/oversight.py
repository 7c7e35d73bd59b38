"""fazhi oversight <ledger> list|show|create|update|export|import|actions|act (every
ledger, ``ledgers.py``), and the verbs it had before: rectifications UNIT, action ID
STEP, import-findings INSPECTION FILE, closed-rate UNIT — the same services as the pages."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import CommandError
from django.utils import timezone

from fazhi.core import context
from fazhi.core.management.base import resolve_unit, resolve_user
from fazhi.ledgers.cli import build_command
from fazhi.oversight import importers, services
from fazhi.oversight.ledgers import LEDGERS
from fazhi.oversight.models import Inspection, Rectification
from fazhi.oversight.procedures import run as run_rectification

Ledgers = build_command("督察整改", LEDGERS)
# verb -> the names its positional arguments take (the ledger command's ``ledger``, ``id``)
VERBS = {
    "rectifications": ("unit", None),
    "action": ("id", "action"),
    "import-findings": ("inspection", "file"),
    "closed-rate": ("unit", None),
}


class Command(Ledgers):
    verbs = VERBS
    help = (
        Ledgers.help
        + "；rectifications 单位 [--overdue] 列出整改事项；action 编号 步骤 --user 用户"
        " 办理整改；import-findings 督察编号 文件 --user 用户 导入问题；closed-rate 单位 --year 年度"
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--overdue", action="store_true", help="rectifications：只看逾期")
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument("--user", help="action / import-findings：办理人")
        parser.add_argument("--measures", default="")
        parser.add_argument("--evidence-note", default="")
        parser.add_argument("--reason", default="")

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

    def _visible(self, model, pk, what: str, user):
        """The acting user and the record numbered ``pk`` they may see (``what`` names it)."""
        if not str(pk).isdigit():
            raise CommandError(f"{what}编号应为数字：{pk}")
        if not user:
            raise CommandError("请用 --user 指定办理人")
        actor = resolve_user(user)
        obj = model.objects.visible_to(actor).filter(pk=pk).first()
        if obj is None:
            raise CommandError(f"找不到{what} {pk}（或无权查看）")
        return actor, obj

    def do_action(self, id, action, user, measures, evidence_note, reason, **o):
        actor, r = self._visible(Rectification, id, "整改事项", user)
        with context.acting(actor, channel="cli"):
            r = run_rectification(
                r,
                action,
                user=actor,
                data={"measures": measures, "evidence_note": evidence_note, "reason": reason},
            )
        self.stdout.write(f"整改事项 {r.pk}：{r.get_status_display()}")

    def do_import_findings(self, inspection, file, user, **o):
        actor, i = self._visible(Inspection, inspection, "督察/自查", user)
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
        if not year:
            raise CommandError("请用 --year 指定年度")
        u = resolve_unit(unit)
        r = services.rectification_closed_rate(u, year)
        self.stdout.write(json.dumps({k: v for k, v in r.items()}, ensure_ascii=False))
