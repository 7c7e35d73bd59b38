from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from fazhi.core import audit, context
from fazhi.core.management.base import resolve_user
from fazhi.core.models import ApiToken
from fazhi.core.models.tokens import TokenEndReason


class Command(BaseCommand):
    help = "API 令牌：create USER [--name N] [--days D] 创建（只显示一次）；revoke PREFIX 吊销；list USER 列出"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "revoke", "list"])
        parser.add_argument("target", help="用户名（create/list）或令牌前缀（revoke）")
        parser.add_argument("--name", default="CLI")
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="有效天数（默认 FAZHI_TOKEN_DAYS，90），0 表示不过期",
        )

    def handle(self, *args, action, target, name, days, **options):
        if action == "revoke":
            tokens = list(ApiToken.objects.filter(prefix=target, revoked=False))
            if len(tokens) != 1:
                raise CommandError(f"找不到唯一的有效令牌“{target}”")
            with transaction.atomic(), context.acting(channel="cli"):
                tokens[0].end(TokenEndReason.REVOKED)
            self.stdout.write("已吊销")
            return
        user = resolve_user(target)
        if action == "list":
            for t in ApiToken.objects.filter(user=user).order_by("-created_at"):
                ended = f"  {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else ""
                expires = f"{t.expires_at:%Y-%m-%d}" if t.expires_at else "不过期"
                self.stdout.write(
                    f"{t.prefix}  {t.name}  {t.created_at:%Y-%m-%d}  到期 {expires}  {t.state}{ended}"
                )
            return
        if days is not None and days < 0:
            raise CommandError("--days 不能为负数")
        from fazhi.core import security

        if security.password_expired(user):
            raise CommandError(f"用户“{user.username}”的密码已过期，须先修改密码才能创建令牌")
        with transaction.atomic():
            token, key = ApiToken.issue(user, name, days=True if days is None else days or None)
            with context.acting(channel="cli"):
                audit.record(
                    audit.E.TOKEN, user=user, detail={"action": "create", "prefix": token.prefix}
                )
        self.stdout.write(key)
