"""The security audit log: append-only, each row hash-chained to the one before."""

from __future__ import annotations

import hashlib
import json

from django.core.exceptions import PermissionDenied
from django.db import models


class AuditEventType(models.TextChoices):
    LOGIN_OK = "login_ok", "登录成功"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGOUT = "logout", "退出登录"
    LOCKOUT = "lockout", "账号锁定"
    SSO = "sso", "统一身份认证"
    PERMISSION_REFUSED = "permission_refused", "越权访问被拒"
    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    TRANSITION = "transition", "流程操作"
    EXPORT = "export", "导出"
    PII_REVEAL = "pii_reveal", "查看完整个人信息"
    RECORD_VIEW = "record_view", "查看受限记录"
    INPUT_REJECTED = "input_rejected", "输入被拒"
    CONFIG = "config", "配置变更"
    TOKEN = "token", "令牌"
    PASSWORD_CHANGED = "password_changed", "修改密码"
    ACCOUNT = "account", "账号管理"
    ROLE = "role", "角色授权"
    BACKUP = "backup", "备份与恢复"
    RETENTION = "retention", "到期清理"


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("审计日志只能追加，不能修改")

    def delete(self):
        raise PermissionDenied("审计日志只能追加，不能删除")


class AuditEvent(models.Model):
    at = models.DateTimeField("时间", db_index=True)
    event = models.CharField("事件", max_length=32, choices=AuditEventType.choices, db_index=True)
    outcome = models.CharField("结果", max_length=16, default="ok")
    user_id = models.BigIntegerField("用户ID", null=True, blank=True, db_index=True)
    username = models.CharField("用户名", max_length=150, blank=True)
    unit_id = models.BigIntegerField("单位ID", null=True, blank=True, db_index=True)
    unit_name = models.CharField("单位", max_length=100, blank=True)
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象ID", max_length=64, blank=True)
    object_label = models.CharField("对象", max_length=200, blank=True)
    ip = models.CharField("来源地址", max_length=45, blank=True)
    channel = models.CharField("渠道", max_length=10, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "审计日志"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_event_display()} {self.username}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("审计日志只能追加，不能删除")

    def canonical(self) -> bytes:
        data = {
            "at": self.at.isoformat(),
            "event": self.event,
            "outcome": self.outcome,
            "user_id": self.user_id,
            "username": self.username,
            "unit_id": self.unit_id,
            "unit_name": self.unit_name,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_label": self.object_label,
            "ip": self.ip,
            "channel": self.channel,
            "detail": self.detail,
        }
        return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")

    def compute_hash(self) -> str:
        return hashlib.sha256(self.prev_hash.encode("ascii") + self.canonical()).hexdigest()


class AuditChainHead(models.Model):
    """One row holding the last hash; locked while a row is appended, so the chain is linear."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64, blank=True)
    count = models.BigIntegerField(default=0)
    # After the retention job removes old rows, the chain starts from the last removed row.
    anchor_id = models.BigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"audit head #{self.count}"
