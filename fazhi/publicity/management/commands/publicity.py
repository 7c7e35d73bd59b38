"""``fazhi publicity``: themed days, coverage gaps, the year's figures, event import and
export, and every ledger's ``fazhi publicity <ledger> list|show|create|update|export|import``
(from its declaration, fazhi/ledgers/cli.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fazhi.core import context
from fazhi.core.errors import DomainError
from fazhi.core.excel import export_file
from fazhi.core.management.base import refused, resolve_unit, resolve_user
from fazhi.ledgers import importing
from fazhi.ledgers.cli import OPS, build_command
from fazhi.ledgers.declare import display

from ... import services
from ...ledgers import EVENT, LEDGERS
from ...models import PublicityEvent

LedgerCommand = build_command("普法", LEDGERS)
LEDGER_OPS = [op for op in OPS if op not in ("settings", "act", "actions")]


class Command(BaseCommand):
    help = "普法台账：主题宣传日、覆盖缺口、年度统计、导入和导出普法活动；各台账 <台账> <操作>"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        c = sub.add_parser("calendar", help="即将到来的主题宣传日")
        c.add_argument("--date", help="从哪天算起（YYYY-MM-DD，默认今天）")
        g = sub.add_parser("gaps", help="没有法律明白人、没有示范称号的村(社区)")
        g.add_argument("unit")
        s = sub.add_parser("summary", help="年度普法活动统计")
        s.add_argument("unit")
        s.add_argument("--year", type=int)
        i = sub.add_parser("import-events", help="导入普法活动台账（Excel/CSV）")
        i.add_argument("unit")
        i.add_argument("file")
        i.add_argument("--user", required=True)
        x = sub.add_parser("export", help="导出普法活动台账（Excel）")
        x.add_argument("unit")
        x.add_argument("--year", type=int)
        x.add_argument("--out", required=True)
        for lg in LEDGERS:
            p = sub.add_parser(lg.key, help=f"{lg.title}：{'|'.join(LEDGER_OPS)}")
            p.add_argument("op", choices=LEDGER_OPS)
            p.add_argument("id", nargs="?", help="记录编号（import 时为文件路径）")
            p.add_argument("--as", dest="username", help="以该用户身份办理")
            p.add_argument("--unit", help="单位代码或名称")
            p.add_argument("--year", type=int)
            p.add_argument("--set", action="append", default=[], metavar="键=值")
            p.add_argument("--json", action="store_true", help="以 JSON 输出")
            p.add_argument("-o", "--output", help="export：写入的 .xlsx 文件")

    def handle(self, *args, verb, **opts):
        if verb in {lg.key for lg in LEDGERS}:
            cmd = LedgerCommand()
            cmd.stdout, cmd.stderr = self.stdout, self.stderr
            return cmd.handle(
                op=opts["op"],
                ledger=verb,
                id=opts["id"],
                action=None,
                username=opts["username"],
                unit=opts["unit"],
                status=None,
                year=opts["year"],
                json=opts["json"],
                expected_version=None,
                comment="",
                set=opts["set"],
                output=opts["output"],
            )
        try:
            return getattr(self, "do_" + verb.replace("-", "_"))(**opts)
        except DomainError as exc:
            raise CommandError(exc.message)
        except PermissionDenied as exc:
            raise refused(exc)

    def do_calendar(self, date, **_):
        try:
            today = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError("日期格式应为 YYYY-MM-DD")
        for d in services.themed_days(today):
            when = f"{d.start}–{d.end}" if d.is_week else str(d.start)
            left = "进行中" if d.ongoing else f"{d.days_until} 天后"
            self.stdout.write(f"{when}\t{d.label}\t{left}")

    def do_gaps(self, unit, **_):
        unit = resolve_unit(unit)
        no_liaison = [v.name for v in services.villages_without_liaison(unit)]
        no_model = [v.name for v in services.villages_without_model(unit)]
        self.stdout.write("没有法律明白人的村(社区)：" + ("、".join(no_liaison) or "无"))
        self.stdout.write("没有民主法治示范称号的村(社区)：" + ("、".join(no_model) or "无"))

    def do_summary(self, unit, year, **_):
        unit = resolve_unit(unit)
        year = year or timezone.localdate().year
        s = services.event_summary(unit, year)
        self.stdout.write(
            f"{unit.name} {year}年：普法活动 {s['events']} 次，受众 {s['audience']} 人，"
            f"发放材料 {s['materials']} 份，现场咨询 {s['consultations']} 起"
        )

    def do_import_events(self, unit, file, user, **_):
        actor, unit = resolve_user(user), resolve_unit(unit)
        p = Path(file)
        if not p.is_file():
            raise CommandError(f"找不到文件：{file}")
        with context.acting(actor):
            result = importing.run(
                EVENT, root=unit, actor=actor, data=p.read_bytes(), filename=file
            )
        if not result.ok:
            for e in result.errors:
                self.stderr.write(str(e))
            raise CommandError(f"导入失败，未写入任何记录（{len(result.errors)} 处错误）")
        done = f"已导入普法活动 {result.created} 次"
        if result.skipped:
            done += f"，{result.skipped} 次此前已导入"
        self.stdout.write(self.style.SUCCESS(done))

    def do_export(self, unit, year, out, **_):
        unit = resolve_unit(unit)
        year = year or timezone.localdate().year
        events = (
            PublicityEvent.objects.in_subtree(unit)
            .filter(date__year=year)
            .select_related("unit", "duty")
            .order_by("date", "pk")
        )
        rows = [[display(c.get(e)) for c in EVENT.columns] for e in events]
        headers = [c.header for c in EVENT.columns]
        export_file(out, EVENT.title, headers, rows, unit=unit)
        self.stdout.write(self.style.SUCCESS(f"已导出 {len(rows)} 行到 {out}"))
