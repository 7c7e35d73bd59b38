"""``fazhi disputes``: the dispute, petition, hotline and grid-case ledgers from the command line.

``fazhi disputes <ledger> list|show|create|actions|act|export`` comes from the ledger
framework (``fazhi.ledgers.cli``, off the declarations in ``ledgers.py``); the older
commands (``list KIND``, ``act KIND ID ACTION``, ``export KIND UNIT``, the imports,
``report-grid``, ``committees``) keep their arguments and output."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fazhi.core import context, excel
from fazhi.core.errors import DomainError
from fazhi.core.management.base import refused, resolve_unit, resolve_user
from fazhi.ledgers import fields as flow
from fazhi.ledgers.cli import build_command

from ...ledgers import LEDGERS
from ...models import MediationCommittee, OrganisationKind
from ...services import grid as grid_services
from ...services import hotline as hotline_services

KINDS = ("dispute", "petition", "hotline", "grid")
Framework = build_command("disputes", list(LEDGERS.values()))


class Command(BaseCommand):
    help = "矛盾纠纷、信访、热线诉求、网格事件：列表、办理、上报与导入、导出台账、检查调委会"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        for key, lg in LEDGERS.items():
            # ``fazhi disputes dispute show 12``: the framework's arguments, the ledger
            # already chosen (its ``ledger`` argument takes the first word after the op).
            Framework().add_arguments(sub.add_parser(key, help=f"{lg.title}台账（框架命令）"))
        ls = sub.add_parser("list", help="列出案件")
        ls.add_argument("kind", choices=KINDS)
        ls.add_argument("--unit", help="单位代码或名称（含下级）")
        ls.add_argument("--user", help="按该用户的可见范围")
        ls.add_argument("--status")
        ls.add_argument("--overdue", action="store_true")
        ls.add_argument("--format", choices=("table", "json"), default="table")
        act = sub.add_parser(
            "act",
            help="办理一步，如 act dispute 12 assign --user admin_df --set handler=mediator_df",
        )
        act.add_argument("kind", choices=KINDS)
        act.add_argument("id", type=int)
        act.add_argument("action")
        act.add_argument("--user", required=True)
        act.add_argument("--set", action="append", default=[], metavar="字段=值")
        act.add_argument("--comment", default="")
        imp = sub.add_parser("import-hotline", help="导入热线系统导出的 Excel/CSV")
        imp.add_argument("unit")
        imp.add_argument("file")
        imp.add_argument("--user", required=True)
        rep = sub.add_parser(
            "report-grid",
            help="上报网格事件，如 report-grid 990101 --user mediator_df --village 红星村 "
            "--category 安全隐患 --summary 路边电线裸露",
        )
        rep.add_argument("unit")
        rep.add_argument("--user", required=True)
        rep.add_argument("--category", required=True, help="事件类别（名称或代码）")
        rep.add_argument("--summary", required=True)
        rep.add_argument("--village", help="村(社区)名称或编号")
        rep.add_argument("--grid", default="")
        rep.add_argument("--reporter", default="", help="上报网格员（默认为 --user 的姓名）")
        rep.add_argument("--reported-at", default="", help="上报时间，默认现在")
        rep.add_argument("--person", default="", help="当事人姓名")
        rep.add_argument("--phone", default="", help="当事人联系电话")
        img = sub.add_parser("import-grid", help="导入网格事件台账（Excel/CSV，按编号去重）")
        img.add_argument("unit")
        img.add_argument("file")
        img.add_argument("--user", required=True)
        iml = sub.add_parser("import", help="导入矛盾纠纷或信访台账（Excel/CSV，有错则整份不导入）")
        iml.add_argument("kind", choices=("dispute", "petition"))
        iml.add_argument("unit")
        iml.add_argument("file")
        iml.add_argument("--user", required=True)
        exp = sub.add_parser("export", help="导出台账（Excel）")
        exp.add_argument("kind", choices=KINDS)
        exp.add_argument("unit")
        exp.add_argument("--out", required=True)
        com = sub.add_parser("committees", help="列出调解组织，检查调委会组成和任期")
        com.add_argument("--unit")
        com.add_argument(
            "--kind",
            choices=OrganisationKind.values,
            help="只列出该类型："
            + "、".join(f"{v}={label}" for v, label in OrganisationKind.choices),
        )

    def handle(self, *args, verb, **opts):
        if verb in LEDGERS:
            # The words after the ledger: op, id, action (parsed as op, ledger, id).
            op, pk, action = opts.pop("op"), opts.pop("ledger"), opts.pop("id")
            opts.pop("action", None)
            command = Framework(stdout=self.stdout._out, stderr=self.stderr._out)
            return command.handle(op=verb, ledger=op, id=pk or None, action=action, **opts)
        try:
            return getattr(self, "do_" + verb.replace("-", "_"))(**opts)
        except DomainError as exc:
            raise CommandError(exc.message)
        except PermissionDenied as exc:
            raise refused(exc)

    def _qs(self, kind, unit=None, user=None):
        ledger = LEDGERS[kind]
        if user is not None:
            qs = ledger.base_qs(user, "view")
        else:
            qs = ledger.model.objects.select_related(*ledger.related)
        if unit is not None:
            qs = qs.filter(unit__path__startswith=unit.path)
        return qs

    def do_list(self, kind, unit, user, status, overdue, format, **_):
        qs = self._qs(
            kind, resolve_unit(unit) if unit else None, resolve_user(user) if user else None
        )
        params = {"status": status or "", "overdue": "1" if overdue else ""}
        qs = LEDGERS[kind].order_qs(LEDGERS[kind].filter_qs(qs, params), "due")
        rows = [
            {
                "id": o.pk,
                "number": o.number,
                "unit": o.unit.name,
                "status": o.get_status_display(),
                "handler": o.handler.label if o.handler_id else "",
                "due": o.due_date.isoformat() if o.due_date else "",
                "overdue": o.overdue,
            }
            for o in qs[:5000]
        ]
        if format == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        for r in rows:
            self.stdout.write(
                f"{r['id']:>6} {r['number']:<14} {r['unit']:<8} {r['status']:<8} "
                f"{r['handler']:<12} {r['due']:<10}{' 逾期' if r['overdue'] else ''}"
            )
        self.stdout.write(f"共 {len(rows)} 件")

    def do_act(self, kind, id, action, user, set, comment, **_):
        actor = resolve_user(user)
        ledger = LEDGERS[kind]
        obj = ledger.base_qs(actor, "view").filter(pk=id).first()
        if obj is None:
            raise CommandError(f"找不到编号为 {id} 的{ledger.title}（或无权查看）")
        data = {}
        for item in set:
            if "=" not in item:
                raise CommandError(f"--set 应为 字段=值：{item}")
            k, v = item.split("=", 1)
            data[k.strip()] = v
        with context.acting(actor, channel="cli"):
            obj = flow.step(ledger, obj, action, user=actor, raw=data, comment=comment)
        self.stdout.write(
            f"{obj.number}：{obj.get_status_display()}"
            + (f"，期限 {obj.due_date}" if obj.due_date else "")
        )

    def _import(self, importer, unit, file, user):
        """Run ``importer`` on ``file`` for ``user`` in ``unit``; each bad row's error written."""
        actor = resolve_user(user)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {file}")
        with context.acting(actor, channel="cli"):
            result = importer(
                actor=actor, unit=resolve_unit(unit), data=path.read_bytes(), filename=path.name
            )
        for e in result.errors:
            self.stdout.write(e)
        return result

    def do_import_hotline(self, unit, file, user, **_):
        result = self._import(hotline_services.import_appeals, unit, file, user)
        self.stdout.write(result.summary())

    def do_report_grid(self, unit, user, category, summary, village, grid, reporter, **opts):
        actor = resolve_user(user)
        data = {
            "category": category,
            "summary": summary,
            "village": village or "",
            "grid": grid,
            "reporter": reporter,
            "reported_at": opts.get("reported_at") or "",
            "person_name": opts.get("person") or "",
            "phone": opts.get("phone") or "",
        }
        with context.acting(actor, channel="cli"):
            g = grid_services.report_case(actor=actor, unit=resolve_unit(unit), data=data)
        self.stdout.write(f"{g.pk} {g.number}：{g.get_status_display()}，处置期限 {g.due_on}")

    def do_import_grid(self, unit, file, user, **_):
        result = self._import(grid_services.import_cases, unit, file, user)
        self.stdout.write(result.summary())

    def do_import(self, kind, unit, file, user, **_):
        from ...importers import IMPORTERS

        result = self._import(IMPORTERS[kind][0], unit, file, user)
        if result.errors:
            raise CommandError(result.summary())
        self.stdout.write(result.summary())

    def do_export(self, kind, unit, out, **_):
        ledger = LEDGERS[kind]
        unit = resolve_unit(unit)
        qs = self._qs(kind, unit)
        cols = ledger.export_columns
        rows = ([c.get(o) for c in cols] for o in qs.iterator(chunk_size=1000))
        excel.export_file(out, ledger.export_title, [c.header for c in cols], rows, unit=unit)
        self.stdout.write(f"已导出到 {out}")

    def do_committees(self, unit, kind=None, **_):
        qs = MediationCommittee.objects.select_related("unit", "parent").prefetch_related("members")
        if unit:
            qs = qs.filter(unit__path__startswith=resolve_unit(unit).path)
        if kind:
            qs = qs.filter(kind=kind)
        today = timezone.localdate()
        bad = committees = 0
        rows = list(qs)
        for c in rows:
            if not c.is_committee:
                under = f"，属{c.parent.name}" if c.parent_id else ""
                self.stdout.write(f"{c.unit.name} {c.name}（{c.kind_label}{under}）")
                continue
            committees += 1
            ws = c.warnings(today)
            bad += bool(ws)
            label = f"（{c.kind_label}）" if c.kind == OrganisationKind.PROFESSIONAL else ""
            self.stdout.write(
                f"{c.unit.name} {c.name}{label}：" + ("；".join(ws) if ws else "符合要求")
            )
        others = len(rows) - committees
        self.stdout.write(
            f"共 {committees} 个调委会"
            + (f"、{others} 个其他调解组织" if others else "")
            + f"，{bad} 个需要处理"
        )
