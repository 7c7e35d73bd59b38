"""fazhi legalservice coverage|duty|import|settings, and every ledger as
``fazhi legalservice <ledger> list|show|create|update|actions|act|export|import``
(``fazhi.ledgers.cli``) — the same services as the pages."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fazhi.core import context
from fazhi.core.errors import DomainError
from fazhi.core.management.base import refused, resolve_unit, resolve_user
from fazhi.ledgers.cli import OPS, build_command
from fazhi.legalservice import ledgers, services
from fazhi.legalservice.ledgers import LEDGERS

LedgerCommand = build_command("法律服务", LEDGERS)

IMPORTS = {
    "consultations": ledgers.import_consultations,
    "center": ledgers.import_center_days,
    "shifts": ledgers.import_shifts,
    "aid": ledgers.import_referrals,
}


class Command(BaseCommand):
    help = "法律服务：coverage 一村一法律顾问缺口；duty 坐班值班达标；import 导入台账；settings 设置每月最低天数"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        p = sub.add_parser("coverage", help="列出村(社区)法律顾问覆盖情况与缺口")
        p.add_argument("unit", help="单位代码或名称")
        p.add_argument("--date", help="YYYY-MM-DD，默认今天")
        p.add_argument("--format", choices=["table", "json"], default="table")
        p = sub.add_parser("duty", help="某月坐班值班达标情况")
        p.add_argument("unit")
        p.add_argument("--month", required=True, help="YYYY-MM")
        p = sub.add_parser("import", help="从 Excel/CSV 导入（全部正确才导入）")
        p.add_argument("kind", choices=list(IMPORTS))
        p.add_argument("unit")
        p.add_argument("file")
        p.add_argument("--user", required=True, help="以哪个用户的身份导入")
        p = sub.add_parser("settings", help="设置县(区)每月最少坐班值班天数")
        p.add_argument("county")
        p.add_argument("--min-days", type=int, required=True)
        p.add_argument("--min-days-remote", type=int, required=True)
        p.add_argument("--user", required=True)
        for lg in LEDGERS:
            p = sub.add_parser(lg.key, help=f"{lg.title}台账：{'、'.join(OPS[:-1])}")
            p.add_argument("op", choices=OPS[:-1])
            p.add_argument("id", nargs="?", help="记录编号（import 时为文件路径）")
            p.add_argument("action", nargs="?")
            p.add_argument("--as", dest="username", help="以该用户身份办理")
            p.add_argument("--unit", help="单位代码或名称")
            p.add_argument("--status")
            p.add_argument("--year", type=int)
            p.add_argument("--set", action="append", default=[], metavar="键=值")
            p.add_argument("--expected-version", type=int)
            p.add_argument("--comment", default="")
            p.add_argument("--json", action="store_true", help="以 JSON 输出")
            p.add_argument("-o", "--output", help="export：写入的 .xlsx 文件")

    def handle(self, *args, verb, **o):
        if verb not in {"coverage", "duty", "import", "settings"}:  # a ledger
            cmd = LedgerCommand(stdout=self.stdout, stderr=self.stderr)
            return cmd.handle(ledger=o.pop("op"), op=verb, **o)
        try:
            getattr(self, f"do_{verb}")(**o)
        except DomainError as exc:
            raise CommandError(exc.message)
        except PermissionDenied as exc:
            raise refused(exc)

    def do_coverage(self, unit, date, format, **o):
        u = resolve_unit(unit)
        try:
            day = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError("--date 格式应为 YYYY-MM-DD")
        rows = services.coverage(u, day)
        gaps = [r.village.name for r in rows if not r.covered]
        if format == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "unit": u.code,
                        "date": day.isoformat(),
                        "villages": len(rows),
                        "covered": len(rows) - len(gaps),
                        "gaps": gaps,
                    },
                    ensure_ascii=False,
                )
            )
            return
        for r in rows:
            names = "、".join(a.name for a in r.advisers) or "（无）"
            self.stdout.write(f"{r.village.code:<12}{r.village.name:<10}{names}")
        self.stdout.write(
            f"{u.name} {day}：{len(rows)} 个村(社区)，{len(rows) - len(gaps)} 个有在聘法律顾问"
            + (f"；缺口：{'、'.join(gaps)}" if gaps else "；已全覆盖")
        )

    def do_duty(self, unit, month, **o):
        u = resolve_unit(unit)
        try:
            y, m = (int(x) for x in month.split("-"))
        except ValueError:
            raise CommandError("--month 格式应为 YYYY-MM")
        for r in services.duty_compliance(u, y, m):
            flag = "达标" if r.met else f"差{r.short}天"
            self.stdout.write(f"{r.village.name:<10} 最低{r.minimum}天 已坐班{r.held}天 {flag}")

    def do_import(self, kind, unit, file, user, **o):
        u = resolve_unit(unit)
        actor = resolve_user(user)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {file}")
        fn = IMPORTS[kind]
        with context.acting(actor, channel="cli"):
            result = fn(u, path.read_bytes(), path.name, actor=actor)
        if not result.ok:
            for e in result.errors:
                self.stderr.write(str(e))
            raise CommandError(f"文件中有 {len(result.errors)} 处错误，未导入任何记录")
        self.stdout.write(f"已导入 {result.created} 条")

    def do_settings(self, county, min_days, min_days_remote, user, **o):
        u = resolve_unit(county)
        actor = resolve_user(user)
        with context.acting(actor, channel="cli"):
            services.save_settings(
                u, actor=actor, duty_min_days=min_days, duty_min_days_remote=min_days_remote
            )
        self.stdout.write(f"{u.name}：每村每月至少 {min_days} 天，偏远村至少 {min_days_remote} 天")
