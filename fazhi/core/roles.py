"""Roles and what each may do. One table, read by every scoping check."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"
    COUNTY_SUPERVISOR = "county_supervisor", "县级督导"
    TOWNSHIP_ADMIN = "township_admin", "乡镇管理员"
    TOWNSHIP_STAFF = "township_staff", "乡镇工作人员"
    VILLAGE_MEDIATOR = "village_mediator", "村调解员"
    LEGAL_ADVISER = "legal_adviser", "法律顾问"
    LEADER = "leader", "领导"
    VIEWER = "viewer", "只读用户"
    # 司法所 (or the county's 社区矫正 bureau) staff who keep the special groups' roster
    # (社区矫正对象, 安置帮教对象); no other role sees that ledger at all.
    CORRECTIONS_OFFICER = "corrections_officer", "社区矫正工作人员"


class Perm(models.TextChoices):
    VIEW = "view", "查看台账"
    CHANGE = "change", "登记和办理"
    SUPERVISE = "supervise", "交办与督办"
    APPROVE = "approve", "审批"
    EXPORT = "export", "导出"
    REVEAL_PII = "reveal_pii", "查看完整个人信息"
    CONFIGURE = "configure", "维护本单位设置"
    MANAGE_UNITS = "manage_units", "管理单位"
    MANAGE_USERS = "manage_users", "管理用户"
    MANAGE_ROLES = "manage_roles", "管理角色"
    MANAGE_CALENDAR = "manage_calendar", "维护节假日安排"
    READ_AUDIT = "read_audit", "查看审计日志"
    CORRECTIONS = "corrections", "社区矫正与安置帮教"


P = Perm
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    # Separation of duties: the three admins do not read or change business data.
    Role.SYSTEM_ADMIN: frozenset({P.MANAGE_UNITS, P.MANAGE_USERS, P.MANAGE_CALENDAR}),
    Role.SECURITY_ADMIN: frozenset({P.MANAGE_ROLES}),
    Role.AUDIT_ADMIN: frozenset({P.READ_AUDIT}),
    Role.COUNTY_SUPERVISOR: frozenset({P.VIEW, P.SUPERVISE, P.EXPORT, P.CONFIGURE}),
    Role.TOWNSHIP_ADMIN: frozenset(
        {P.VIEW, P.CHANGE, P.SUPERVISE, P.EXPORT, P.REVEAL_PII, P.CONFIGURE}
    ),
    Role.TOWNSHIP_STAFF: frozenset({P.VIEW, P.CHANGE, P.EXPORT, P.REVEAL_PII}),
    Role.VILLAGE_MEDIATOR: frozenset({P.VIEW, P.CHANGE, P.REVEAL_PII}),
    Role.LEGAL_ADVISER: frozenset({P.VIEW, P.CHANGE}),
    Role.LEADER: frozenset({P.VIEW, P.APPROVE, P.EXPORT}),
    Role.VIEWER: frozenset({P.VIEW}),
    # Held besides the user's ordinary role in the unit (a membership per role): the
    # special groups' roster is open only to this one.
    Role.CORRECTIONS_OFFICER: frozenset({P.VIEW, P.CHANGE, P.EXPORT, P.REVEAL_PII, P.CORRECTIONS}),
}

# Roles that must use a second factor (security issue); listed here so the rule is in one place.
SECOND_FACTOR_ROLES = frozenset(
    {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.COUNTY_SUPERVISOR}
)


def role_allows(role: str, perm: str) -> bool:
    return perm in ROLE_PERMISSIONS.get(role, frozenset())
