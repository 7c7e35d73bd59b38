from __future__ import annotations

import getpass

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from fazhi.core import accounts, context
from fazhi.core.errors import DomainError
from fazhi.core.management.base import resolve_unit, resolve_user
from fazhi.core.models import Membership


class _Root:
    """The server operator at the console: acts with every permission, recorded as 'cli'."""

    pk = None
    username = "cli"
    label = "命令行"
    is_authenticated = False
    is_active = True
    is_superuser = True


class Command(BaseCommand):
    help = (
        "用户与角色：create USER [UNIT ROLE] [--name N]；grant USER UNIT ROLE；"
        "revoke USER UNIT ROLE；disable|enable|unlock|reset-password USER；list；"
        "sso-map USER --provider oidc|cas --subject S（对应统一身份认证账号）；"
        "sso-unmap --provider P --subject S；sso-list。"
        "--user U 按该用户的职责执行（如系统管理员不能授予角色），不给则为服务器管理员"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "action",
            choices=[
                "create",
                "grant",
                "revoke",
                "disable",
                "enable",
                "unlock",
                "reset-password",
                "list",
                "sso-map",
                "sso-unmap",
                "sso-list",
            ],
        )
        parser.add_argument("username", nargs="?")
        parser.add_argument("unit", nargs="?")
        parser.add_argument("role", nargs="?")
        parser.add_argument("--name", default="")
        parser.add_argument("--password", help="初始密码（不填则从终端读入）")
        parser.add_argument("--provider", choices=["oidc", "cas"], help="统一身份认证方式")
        parser.add_argument(
            "--subject", default="", help="统一身份认证平台的用户标识（OIDC sub / CAS 用户名）"
        )
        parser.add_argument(
            "--user", dest="as_user", help="以该用户的职责执行（与网页、接口同一规则）"
        )

    def handle(self, *args, action, username, unit, role, name, password, as_user, **options):
        actor = resolve_user(as_user) if as_user else _Root()
        try:
            with context.acting(actor if as_user else None, channel="cli"):
                if action.startswith("sso-"):
                    self._sso(actor, action, username, options["provider"], options["subject"])
                else:
                    self._do(actor, action, username, unit, role, name, password)
        except DomainError as exc:
            raise CommandError(exc.message)
        except PermissionDenied as exc:  # accounts.Refused has written its audit row
            raise CommandError(str(exc) or "您的角色无权执行此操作")

    def _sso(self, actor, action, username, provider, subject):
        from fazhi.core import sso
        from fazhi.core.models import ExternalIdentity

        if action == "sso-list":
            users = accounts.manageable_users(actor)
            rows = ExternalIdentity.objects.filter(user__in=users).select_related("user")
            for i in rows.order_by("provider", "subject"):
                last = i.last_login_at.isoformat() if i.last_login_at else "-"
                self.stdout.write(f"{i.provider}\t{i.subject}\t{i.user.username}\t{last}")
            return
        if not provider or not subject:
            raise CommandError("请给出 --provider oidc|cas 和 --subject")
        if action == "sso-unmap":
            sso.unmap_identity(actor, provider, subject)
        else:
            if not username:
                raise CommandError("用法：fazhi user sso-map USER --provider P --subject S")
            sso.map_identity(actor, resolve_user(username), provider, subject)
        self.stdout.write("已完成")

    def _do(self, actor, action, username, unit, role, name, password):
        if action == "list":
            for m in accounts.visible_memberships(actor).order_by("unit__path", "user__username"):
                self.stdout.write(f"{m.user.username}\t{m.unit.code}\t{m.unit.name}\t{m.role}")
            return
        if not username:
            raise CommandError("请给出用户名")
        if action == "create":
            pw = password or getpass.getpass("初始密码: ")
            u = accounts.create_user(
                actor,
                username=username,
                display_name=name,
                password=pw,
                unit=resolve_unit(unit) if unit else None,
                role=role,
            )
            self.stdout.write(f"已创建用户 {u.username}（首次登录须修改密码）")
            return
        user = resolve_user(username)
        if action in ("grant", "revoke"):
            if not (unit and role):
                raise CommandError("用法：fazhi user grant|revoke USER UNIT ROLE")
            target = resolve_unit(unit)
            if action == "grant":
                accounts.grant(actor, user, target, role)
            else:
                m = Membership.objects.filter(user=user, unit=target, role=role).first()
                if m is None:
                    raise CommandError("没有这项授权")
                accounts.revoke(actor, m)
            self.stdout.write("已完成")
            return
        if action == "unlock":
            accounts.unlock(actor, user)
        elif action == "reset-password":
            pw = password or getpass.getpass("新初始密码: ")
            accounts.reset_password(actor, user, pw)
        else:
            accounts.set_active(actor, user, action == "enable")
        self.stdout.write("已完成")
