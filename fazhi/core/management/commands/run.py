from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from fazhi.core import demo
from fazhi.core.models import Unit


class Command(BaseCommand):
    help = "迁移数据库，空库时载入演示数据，并在 http://127.0.0.1:8000 启动服务"

    def add_arguments(self, parser):
        parser.add_argument(
            "--addr", default="127.0.0.1:8000", help="监听地址，默认 127.0.0.1:8000"
        )
        parser.add_argument("--no-demo", action="store_true", help="空库时也不载入演示数据")
        parser.add_argument("--reload", action="store_true", help="代码改动时自动重启（开发用）")

    def handle(self, *args, addr, no_demo, reload, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("数据库已迁移：" + str(settings.DATABASES["default"]["NAME"]))
        if not no_demo and settings.DEMO_MODE and not Unit.objects.exists():
            self.stdout.write("空数据库，正在载入演示数据……")
            demo.build(log=lambda s: self.stdout.write(s))
        if demo.exists() and settings.DEMO_MODE:
            self.stdout.write(demo.logins_table())
        self.stdout.write(f"服务地址: http://{addr}/  （Ctrl+C 停止）")
        call_command("runserver", addr, use_reloader=reload, skip_checks=False)
