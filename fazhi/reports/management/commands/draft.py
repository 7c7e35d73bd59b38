"""fazhi draft ACTION UNIT YEAR --user U …: the drafting steps of an annual report.

show                       each section: edited or not, its sources (and section one's
                           points left out for length, which the writer may put back)
regenerate [--section N]   redraft the report, or only section N (--overwrite if edited)
causes                     section two's points, their causes and suggested causes
cause ID TEXT              enter a point's cause
plan                       next year's work plan (工作要点)
plan-add --theme T --content C [--owner O] [--when W]
plan-delete ID
carry                      carry section two's points into the plan
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from fazhi.core import context
from fazhi.core.errors import DomainError
from fazhi.core.management.base import refused, resolve_unit_year, resolve_user
from fazhi.reports import contrib, figures, services
from fazhi.reports.models import AnnualReport

ACTIONS = ["show", "regenerate", "causes", "cause", "plan", "plan-add", "plan-delete", "carry"]


class Command(BaseCommand):
    help = (
        "年度报告起草：show | regenerate [--section N] [--overwrite] | causes | cause ID 原因 | "
        "plan | plan-add --theme T --content C | plan-delete ID | carry；--user 必填。"
        f"方面（theme）：{'、'.join(contrib.THEMES)}"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=ACTIONS)
        parser.add_argument("unit", help="单位代码或完整名称")
        parser.add_argument("year", help="年度")
        parser.add_argument("args", nargs="*", help="cause：编号 原因；plan-delete：编号")
        parser.add_argument("--user", required=True, help="以此用户身份操作")
        parser.add_argument(
            "--section", type=int, action="append", help="只重新生成这一部分（0–5）"
        )
        parser.add_argument("--overwrite", action="store_true", help="覆盖该部分的人工修改")
        parser.add_argument("--theme", default="")
        parser.add_argument("--content", default="")
        parser.add_argument("--owner", default="")
        parser.add_argument("--when", default="")

    def handle(self, *args, **opts):
        unit, year = resolve_unit_year(opts["unit"], opts["year"])
        actor = resolve_user(opts["user"])
        report = AnnualReport.objects.filter(unit=unit, year=year).select_related("unit").first()
        if report is None:
            raise CommandError(f"{unit.name}尚未编制{year}年度报告；先用 fazhi report … --create")
        from fazhi.core import scoping
        from fazhi.core.roles import Perm

        if not scoping.can(actor, Perm.VIEW, report):
            raise CommandError("您无权查看该报告")
        try:
            with context.acting(actor, channel="cli"):
                self._do(report, actor, opts["action"], list(args), opts)
        except DomainError as exc:
            raise CommandError(exc.message)
        except PermissionDenied as exc:
            raise refused(exc)

    def _do(self, report, actor, action, args, opts):
        out = self.stdout.write
        if action == "show":
            for s in report.sections.all():
                name = "导语" if s.number == 0 else s.heading
                flag = "已人工修改" if s.edited else "生成"
                out(f"[{s.number}] {name}（{flag}，{len(s.text)}字，依据{len(s.sources)}项）")
                for src in s.sources:
                    out(f"    - {src.get('label', '')} {src.get('url', '')}".rstrip())
                if s.number == 1:
                    for p in services.omitted_points(report):
                        out(f"    * 篇幅所限未写入：{p['theme_title']}｜{p['lead']}。{p['plain']}")
        elif action == "regenerate":
            services.generate(
                report, actor=actor, sections=opts["section"], overwrite=opts["overwrite"]
            )
            what = (
                "全文" if not opts["section"] else f"第{'、'.join(map(str, opts['section']))}部分"
            )
            out(f"已重新生成{what}")
        elif action == "causes":
            values, overrides = figures.values_for(report), services.overrides_of(report)
            for s in report.shortfalls.all():
                out(f"[{s.pk}] {figures.plain(s.description, values, overrides)}")
                out(f"    原因：{s.cause or '（未填写）'}")
                for sg in s.suggestions or []:
                    out(f"    建议：{sg}")
        elif action == "cause":
            if len(args) < 2:
                raise CommandError("用法：fazhi draft cause 单位 年度 编号 原因 --user U")
            services.set_cause(report, args[0], " ".join(args[1:]), actor=actor)
            out("已保存原因")
        elif action == "plan":
            for it in services.plan_items(report):
                extra = "，".join(x for x in (it.owner, it.when) if x)
                out(
                    f"[{it.pk}] {it.theme_label}：{it.content}{'（' + extra + '）' if extra else ''}"
                )
        elif action == "plan-add":
            it = services.add_plan_item(
                report,
                actor=actor,
                theme=opts["theme"],
                content=opts["content"],
                owner=opts["owner"],
                when=opts["when"],
            )
            out(f"已添加工作要点 [{it.pk}]")
        elif action == "plan-delete":
            if not args:
                raise CommandError("用法：fazhi draft plan-delete 单位 年度 编号 --user U")
            services.delete_plan_item(report, args[0], actor=actor)
            out("已删除")
        elif action == "carry":
            made = services.carry_shortfalls(report, actor=actor)
            out(f"已生成 {len(made)} 项工作要点")
