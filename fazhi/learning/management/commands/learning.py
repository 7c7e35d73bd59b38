"""``fazhi learning``: study hours, exam rates and imports from the command line, and each
ledger's ``fazhi learning <ledger> list|show|create|update|export|import`` (fazhi.ledgers:
``cadre``, ``session``, ``exam_result``)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fazhi.core import context, scoping
from fazhi.core.errors import DomainError
from fazhi.core.excel import export_file
from fazhi.core.management.base import refused, resolve_unit, resolve_user
from fazhi.core.roles import Perm
from fazhi.ledgers.cli import build_command

from ... import importers, services
from ...ledgers import LEDGERS
from ...models import Cadre, StudySession

LedgerCommand = build_command("学法", LEDGERS)


def _read(path: str) -> bytes:
    p = Path(path)
    if not p.is_file():
        raise CommandError(f"找不到文件：{path}")
    return p.read_bytes()


def _fmt(rate) -> str:
    return "不适用" if rate is None else f"{rate}%"


class Command(BaseCommand):
    help = "学法台账：干部学法时长与进度、学法考试四率、导入签到表/干部名册/考试成绩、导出"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        h = sub.add_parser("hours", help="干部学法时长与进度")
        h.add_argument("unit")
        h.add_argument("--year", type=int)
        h.add_argument("--behind", action="store_true", help="只列落后或未达标的干部")
        h.add_argument("--format", choices=("table", "json"), default="table")
        r = sub.add_parser("exam-rates", help="学法考试 参学率、参考率、合格率、优秀率")
        r.add_argument("unit")
        r.add_argument("--year", type=int)
        s = sub.add_parser("import-signin", help="导入一次学法活动的签到表")
        s.add_argument("session", type=int, help="学法活动编号")
        s.add_argument("file")
        s.add_argument("--user", required=True)
        ro = sub.add_parser("import-roster", help="导入干部名册")
        ro.add_argument("unit")
        ro.add_argument("file")
        ro.add_argument("--user", required=True)
        e = sub.add_parser("import-exam", help="导入考试平台的成绩导出文件")
        e.add_argument("unit")
        e.add_argument("file")
        e.add_argument("--year", type=int, required=True)
        e.add_argument("--platform", default="法宣在线")
        e.add_argument("--user", required=True)
        x = sub.add_parser("export", help="导出干部学法时长台账（Excel）")
        x.add_argument("unit")
        x.add_argument("--year", type=int)
        x.add_argument("--out", required=True)
        for lg in LEDGERS:  # fazhi learning <ledger> <op> [id] …, the framework's own
            p = sub.add_parser(
                lg.key, help=f"{lg.title}台账：list、show、create、update、export、import"
            )
            LedgerCommand().add_arguments(p)

    def handle(self, *args, verb, **opts):
        if verb in {lg.key for lg in LEDGERS}:
            # The sub-parser read ``<op> [id]`` into the framework's ``op`` and ``ledger``.
            opts["id"], opts["action"] = opts.pop("ledger") or None, opts.pop("id")
            cmd = LedgerCommand(stdout=self.stdout._out, stderr=self.stderr._out)
            return cmd.handle(*args, ledger=verb, **opts)
        try:
            return getattr(self, "do_" + verb.replace("-", "_"))(**opts)
        except importers.ImportFailed as exc:
            for e in exc.errors:
                self.stderr.write(str(e))
            raise CommandError(f"导入失败，未写入任何记录（{len(exc.errors)} 处错误）")
        except DomainError as exc:
            raise CommandError(exc.message)
        except PermissionDenied as exc:
            raise refused(exc)

    def _rows(self, unit, year):
        cadres = Cadre.objects.in_subtree(unit).filter(active=True).select_related("unit")
        return services.hours_report(cadres, year, rules=services.rules_for(unit))

    def do_hours(self, unit, year, behind, format, **_):
        unit = resolve_unit(unit)
        year = year or timezone.localdate().year
        rows = self._rows(unit, year)
        if behind:
            rows = [r for r in rows if r.behind]
        if format == "json":
            data = [
                {
                    "unit": r.cadre.unit.name,
                    "name": r.cadre.name,
                    "post": r.cadre.post,
                    "hours": str(r.hours),
                    "required": str(r.required),
                    "expected": str(r.expected),
                    "status": r.status,
                }
                for r in rows
            ]
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=1))
            return
        for r in rows:
            self.stdout.write(
                f"{r.cadre.unit.name}\t{r.cadre.name}\t{r.cadre.post}\t{r.hours}/{r.required}\t"
                f"应达{r.expected}\t{r.status_label}"
            )
        self.stdout.write(f"共 {len(rows)} 人")

    def do_exam_rates(self, unit, year, **_):
        unit = resolve_unit(unit)
        year = year or timezone.localdate().year
        r = services.exam_rates(unit, year)
        self.stdout.write(
            f"{unit.name} {year}年：干部 {r.cadres} 人，参学 {r.studied}，参考 {r.took}，"
            f"合格 {r.passed}，优秀 {r.excellent}"
        )
        self.stdout.write(
            f"参学率 {_fmt(r.study_rate)}  参考率 {_fmt(r.participation_rate)}  "
            f"合格率 {_fmt(r.pass_rate)}  优秀率 {_fmt(r.excellent_rate)}"
        )

    def do_import_signin(self, session, file, user, **_):
        actor = resolve_user(user)
        obj = StudySession.objects.filter(pk=session).select_related("unit").first()
        if obj is None or not scoping.can(actor, Perm.VIEW, obj):
            raise CommandError(f"找不到学法活动 {session}")
        with context.acting(actor):
            n = importers.import_sign_in(obj, _read(file), file, actor=actor)
        self.stdout.write(self.style.SUCCESS(f"已从签到表记录 {n} 人"))

    def do_import_roster(self, unit, file, user, **_):
        actor, unit = resolve_user(user), resolve_unit(unit)
        with context.acting(actor):
            n = importers.import_roster(unit, _read(file), file, actor=actor)
        self.stdout.write(self.style.SUCCESS(f"已导入干部 {n} 人"))

    def do_import_exam(self, unit, file, year, platform, user, **_):
        actor, unit = resolve_user(user), resolve_unit(unit)
        with context.acting(actor):
            n = importers.import_exam(unit, year, _read(file), file, actor=actor, platform=platform)
        self.stdout.write(self.style.SUCCESS(f"已导入{year}年考试成绩 {n} 条"))

    def do_export(self, unit, year, out, **_):
        unit = resolve_unit(unit)
        year = year or timezone.localdate().year
        rows = [
            [
                r.cadre.unit.name,
                r.cadre.name,
                r.cadre.post,
                r.sessions,
                float(r.hours),
                float(r.required),
                float(r.expected),
                r.status_label,
            ]
            for r in self._rows(unit, year)
        ]
        headers = ["单位", "姓名", "职务", "参学次数", "学法时长", "年度要求", "按进度应达", "状态"]
        export_file(out, f"{year}年干部学法时长台账", headers, rows, unit=unit)
        self.stdout.write(self.style.SUCCESS(f"已导出 {len(rows)} 行到 {out}"))
