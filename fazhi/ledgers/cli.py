"""The command line of every declared ledger:
``fazhi <app> <ledger> list|show|create|update|actions|act|export|import`` (the older
order ``fazhi <app> <op> <ledger>`` still works).

Everything goes through the same services as the pages and the API: a refused step
exits non-zero with the reason on one line of stderr.
"""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from fazhi.core import context, scoping
from fazhi.core.errors import DomainError
from fazhi.core.management.base import refused, resolve_unit, resolve_user
from fazhi.core.params import Query
from fazhi.core.roles import Perm

from . import fields as flow
from . import importing
from .declare import display, serialize

OPS = ["list", "show", "create", "update", "act", "actions", "export", "import", "settings"]


def _pairs(items) -> dict:
    data: dict = {}
    for item in items or []:
        if "=" not in item:
            raise CommandError(f"--set 应为 键=值：{item}")
        key, value = item.split("=", 1)
        key = key.strip()
        if key in data:  # repeated keys make a list (e.g. officers)
            prev = data[key] if isinstance(data[key], list) else [data[key]]
            data[key] = [*prev, value]
        else:
            data[key] = value
    return data


def build_command(app_label: str, ledgers, settings_fn=None) -> type[BaseCommand]:
    """``settings_fn(county, actor, data) -> str`` handles ``settings --unit COUNTY --set k=v``."""
    by_key = {lg.key: lg for lg in ledgers}
    keys = ", ".join(by_key)

    class Command(BaseCommand):
        help = f"{app_label}台账：<台账> {'|'.join(OPS[:-1])}（台账：{keys}）"
        # An app's own verbs beside the ledgers': verb -> the names its two positional
        # arguments take (the ledger command's ``ledger`` and ``id``); ``do_<verb>(**options)``
        # runs it, its refusals exit as the ledgers' do.
        verbs: dict[str, tuple[str, str | None]] = {}

        def add_arguments(self, parser):
            parser.add_argument("op", help=f"台账（{keys}）或操作（{'、'.join(OPS)}）")
            parser.add_argument("ledger", nargs="?", default="", help=f"操作或台账：{keys}")
            parser.add_argument("id", nargs="?", help="记录编号（import 时为文件路径）")
            parser.add_argument("action", nargs="?")
            parser.add_argument(
                "--as", dest="username", help="以该用户身份办理（必填于 create/act）"
            )
            parser.add_argument("--unit", help="单位代码或名称")
            parser.add_argument("--status")
            parser.add_argument("--year", type=int)
            parser.add_argument("--set", action="append", default=[], metavar="键=值")
            parser.add_argument("--expected-version", type=int)
            parser.add_argument("--comment", default="")
            parser.add_argument("--json", action="store_true", help="以 JSON 输出")
            parser.add_argument("-o", "--output", help="export：写入的 .xlsx 文件")

        def handle(self, *args, **options):
            verb = options["op"]
            if verb not in self.verbs:
                return self.handle_ledger(*args, **options)
            first, second = self.verbs[verb]
            o = dict(options)
            o[first] = options["ledger"]
            if second:
                o[second] = options["id"]
            missing = [n for n in (first, second) if n and not o.get(n)]
            if missing:
                raise CommandError(f"{verb} 缺少参数：{' '.join(missing)}")
            try:
                getattr(self, "do_" + verb.replace("-", "_"))(**o)
            except DomainError as exc:
                raise CommandError(exc.message)
            except PermissionDenied as exc:
                raise refused(exc)

        def handle_ledger(
            self,
            *args,
            op,
            ledger,
            id,
            action,
            username,
            unit,
            status,
            year,
            json: bool,
            expected_version,
            comment,
            **options,
        ):
            if op in by_key:  # fazhi <app> <ledger> <op>
                op, ledger = ledger, op
            if op not in OPS:
                raise CommandError(f"未知的操作“{op}”（可用：{'、'.join(OPS)}）")
            if id is not None and op != "import":
                from fazhi.core.params import parse_int

                pk = parse_int(id)
                if pk is None:
                    raise CommandError(f"记录编号应为数字：{id}")
                id = pk
            user = resolve_user(username) if username else None
            if op == "settings":
                if settings_fn is None or user is None or not unit:
                    raise CommandError("用法：settings --unit 县(区) --as 用户 --set 键=值")
                with context.acting(user, channel="cli"):
                    try:
                        self.stdout.write(
                            settings_fn(resolve_unit(unit), user, _pairs(options["set"]))
                        )
                    except DomainError as exc:
                        raise CommandError(exc.message)
                    except PermissionDenied as exc:
                        raise refused(exc)
                return
            lg = by_key.get(ledger)
            if lg is None:
                raise CommandError(f"未知的台账“{ledger}”（可用：{keys}）")
            with context.acting(user, channel="cli"):
                try:
                    return self._run(
                        lg,
                        op,
                        id,
                        action,
                        user,
                        unit,
                        status,
                        year,
                        json,
                        expected_version,
                        comment,
                        options["set"],
                        options.get("output"),
                    )
                except DomainError as exc:
                    raise CommandError(exc.message)
                except PermissionDenied as exc:
                    raise refused(exc)

        def _qs(self, lg, user):
            if user is not None:
                return lg.base_qs(user, Perm.VIEW)
            qs = lg.model.objects.select_related(*lg.related)
            if lg.prefetch:
                qs = qs.prefetch_related(*lg.prefetch)
            return lg.annotate(qs) if lg.annotate else qs

        def _get(self, lg, user, pk):
            if pk is None:
                raise CommandError("请给出记录编号")
            obj = self._qs(lg, user).filter(pk=pk).first()
            if obj is None:
                raise CommandError(f"{lg.title} {pk} 不存在或无权查看")
            return obj

        def _print(self, obj, as_json):
            if as_json:
                self.stdout.write(json_dumps(serialize(obj)))
                return
            self.stdout.write(f"{obj.pk} {obj}")
            if hasattr(obj, "get_status_display"):
                self.stdout.write(f"  状态：{obj.get_status_display()}（版本 {obj.version}）")

        def _run(
            self,
            lg,
            op,
            pk,
            action,
            user,
            unit,
            status,
            year,
            as_json,
            expected_version,
            comment,
            sets,
            output=None,
        ):
            if lg.duty:
                if user is None:
                    raise CommandError("该台账仅限有权限的用户查看，请用 --as 指定用户")
                if op in ("list", "export", "create", "import"):
                    lg.require_duty(user)
            if op == "export":
                return self._export(lg, user, unit, status, year, output)
            if op == "list":
                qs = self._qs(lg, user)
                if unit:
                    qs = qs.in_subtree(resolve_unit(unit))
                params = Query({"status": status or "", "year": str(year or "")})
                qs = lg.filter_qs(qs, params)
                params.strict()
                for o in qs.order_by(*lg.ordering)[:1000]:
                    self.stdout.write(
                        "\t".join([str(o.pk)] + [display(c.get(o)) for c in lg.columns])
                    )
                return
            if op == "show":
                obj = self._get(lg, user, pk)
                lg.shown(obj, user)
                self._print(obj, as_json)
                if lg.checklist and not as_json:
                    for row in lg.checklist(obj):
                        self.stdout.write(f"  [{row['state']}] {row['label']} {row['note']}")
                return
            if op == "actions":
                obj = self._get(lg, user, pk)
                if user is None:
                    raise CommandError("请用 --as 指定用户")
                for o in lg.procedure.available(obj, user) if lg.procedure else []:
                    mark = "可以" if o.allowed else f"不可：{o.reason}"
                    self.stdout.write(f"{o.transition.action}\t{o.transition.label}\t{mark}")
                return
            if user is None:
                raise CommandError("请用 --as 指定办理人")
            data = _pairs(sets)
            if op == "import":
                return self._import(lg, user, unit, pk)
            if op == "update":
                if lg.update is None:
                    raise CommandError(f"{lg.title}不能在此修改")
                obj = self._get(lg, user, pk)
                scoping.require(user, Perm.CHANGE, obj.unit, f"{user.username} 无权修改该记录")
                from .pages import initial, keep_masked

                raw = initial(lg, obj, lg.edit_fields)
                raw.update(data)
                raw = keep_masked(lg, obj, raw, lg.edit_fields)
                self._print(lg.update(obj, actor=user, raw=raw), as_json)
                return
            if op == "create":
                if lg.create is None:
                    raise CommandError(f"{lg.title}不能在此登记")
                if not unit:
                    raise CommandError("请用 --unit 指定单位")
                u = resolve_unit(unit)
                from .api import require_create

                require_create(lg, user, u, f"{user.username} 无权在{u.name}登记")
                obj = lg.create(unit=u, actor=user, raw=data)
                self._print(obj, as_json)
                return
            if lg.procedure is None:
                raise CommandError(f"{lg.title}没有办理环节")
            if not action:
                raise CommandError("请给出操作名（用 actions 子命令查看）")
            obj = self._get(lg, user, pk)
            obj = flow.step(
                lg,
                obj,
                action,
                user=user,
                raw=data,
                expected_version=expected_version,
                comment=comment,
            )
            self._print(obj, as_json)

        def _export(self, lg, user, unit, status, year, output):
            from fazhi.core import excel

            if user is None:
                raise CommandError("请用 --as 指定导出人")
            if not output:
                raise CommandError("请用 -o 指定导出的 .xlsx 文件")
            if not scoping.has_perm_anywhere(user, Perm.EXPORT):
                raise refused(PermissionDenied(f"{user.username} 的角色无权导出"))
            qs = lg.base_qs(user, Perm.EXPORT)
            root = resolve_unit(unit) if unit else None
            if root is not None:
                qs = qs.in_subtree(root)
            params = Query({"status": status or "", "year": str(year or "")})
            qs = lg.filter_qs(qs, params, user=user).order_by(*lg.ordering)
            params.strict()
            rows = ([display(c.get(o)) for c in lg.columns] for o in qs.iterator(chunk_size=500))
            n = excel.export_file(
                output, lg.title, [c.header for c in lg.columns], rows, user=user, unit=root
            )
            self.stdout.write(f"已导出 {n} 条{lg.title}到 {output}")

        def _import(self, lg, user, unit, path):
            if lg.importer is None:
                raise CommandError(f"{lg.title}不能从Excel导入")
            if user is None or not unit or not path:
                raise CommandError(f"用法：{lg.key} import 文件 --unit 单位 --as 用户")
            try:
                with open(path, "rb") as fh:
                    data = fh.read()
            except OSError as exc:
                raise CommandError(f"无法读取文件：{exc.strerror}")
            result = importing.run(
                lg, root=resolve_unit(unit), actor=user, data=data, filename=str(path)
            )
            if not result.ok:
                for e in result.errors[:50]:
                    self.stdout.write(str(e))
                raise CommandError(f"文件中有 {len(result.errors)} 处错误，未导入任何记录")
            self.stdout.write(f"已导入 {result.created} 条，跳过已导入的 {result.skipped} 条")

    return Command


def json_dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)
