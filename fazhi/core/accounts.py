"""Account and role administration, split by duty (等保 三权分立, SECURITY.md row 6):

- the system admin (``manage_users``) creates, disables and resets users in their subtree;
- the security admin (``manage_roles``) grants and revokes roles there;
- the audit admin (``read_audit``) only reads the audit log.
Every change is audited. Views, API and the ``fazhi user`` command call these functions.
"""

from __future__ import annotations

from typing import NoReturn

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from . import audit, scoping
from .errors import InvalidInput
from .models import ApiToken, Membership, Unit
from .models.tokens import TokenEndReason
from .roles import SECOND_FACTOR_ROLES, Perm, Role

ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


def _require(actor, perm: str, unit: Unit | None = None) -> None:
    if unit is None:
        scoping.require_duty(actor, perm)
    else:
        scoping.require(actor, perm, unit, "您的角色无权执行此操作")


def manageable_users(actor, perm: str = Perm.MANAGE_USERS):
    """Users with a membership in the actor's subtree, plus users with no membership at all."""
    user_model = get_user_model()
    if scoping.is_global(actor):
        return user_model.objects.all()
    paths = scoping.paths_for(actor, perm)
    if not paths:
        return user_model.objects.none()
    q = Q(memberships__isnull=True)
    for p in paths:
        q |= Q(memberships__unit__path__startswith=p)
    return user_model.objects.filter(q).distinct()


class Refused(PermissionDenied):
    """An account or role change refused for want of the duty; its ``permission_refused``
    audit row is already written (the API's handler does not write a second one)."""

    audited = True


def _refuse(actor, message: str, *, unit: Unit | None = None, **detail) -> NoReturn:
    # Outside any transaction of the change, so the row stays when the change is refused.
    audit.record(
        audit.E.PERMISSION_REFUSED,
        user=actor,
        unit=unit,
        outcome="refused",
        detail={k: v for k, v in detail.items() if v is not None},
    )
    raise Refused(message)


def _check_grant(actor, user, unit: Unit | None, role: str, *, username: str = "") -> None:
    """The one rule for every path that writes a membership (SECURITY.md row 6):
    only a holder of ``manage_roles`` over the unit grants; never to themselves; one person
    holds one of the three admin duties and nothing else (三员分立)."""
    who = user.username if user is not None else username
    allowed = (
        scoping.can(actor, Perm.MANAGE_ROLES, unit)
        if unit is not None
        else scoping.has_perm_anywhere(actor, Perm.MANAGE_ROLES)
    )
    if not allowed:
        _refuse(
            actor,
            "只有安全管理员可以授予角色；请先创建用户，再由安全管理员授权",
            unit=unit,
            action="grant",
            user=who,
            role=str(role)[:40],
        )
    if role not in Role.values:
        raise InvalidInput(f"未知的角色：{role}")
    if unit is None:
        raise InvalidInput("授予角色须选择单位")
    if user is None:
        return
    if user == actor:
        _refuse(actor, "不能给自己授权", unit=unit, action="grant", user=who, role=role)
    held = set(user.memberships.exclude(role=role).values_list("role", flat=True))
    if held and (role in ADMIN_ROLES or held & ADMIN_ROLES):
        _refuse(
            actor,
            "系统管理员、安全管理员、审计管理员须由不同的人担任，且不兼任业务角色",
            unit=unit,
            action="grant",
            user=who,
            role=role,
            reason="separation_of_duties",
        )


def create_user(
    actor,
    *,
    username: str,
    display_name: str,
    password: str,
    unit: Unit | None = None,
    role: str | None = None,
):
    """Make a user with an initial password (changed at first login). A ``role`` is granted
    only when the actor may grant it there; otherwise the whole call is refused and audited,
    and nothing is written: the system admin's users have no role until the security admin
    grants one."""
    _require(actor, Perm.MANAGE_USERS, unit)
    user_model = get_user_model()
    username = (username or "").strip()
    if role:
        _check_grant(actor, None, unit, role, username=username)
    if not username or len(username) > 150:
        raise InvalidInput("请填写登录名（不超过150字符）")
    if user_model.objects.filter(username__iexact=username).exists():
        raise InvalidInput(f"登录名“{username}”已被使用（不区分大小写）")
    user = user_model(username=username, display_name=(display_name or "")[:50])
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput("；".join(exc.messages))
    try:
        with transaction.atomic():
            user.set_password(password)
            user.password_changed_at = None  # an initial password must be changed at first login
            user.save()
            audit.record(
                audit.E.ACCOUNT,
                user=actor,
                unit=unit,
                detail={"action": "create", "user": username},
            )
            if role:
                _grant(actor, user, unit, role)
    except IntegrityError:
        raise InvalidInput(f"登录名“{username}”已被使用")
    return user


def set_active(actor, user, active: bool) -> None:
    """Disabling also ends the user's API tokens (``User.save``)."""
    if user not in manageable_users(actor):
        raise InvalidInput("找不到该用户")
    if user == actor:
        raise InvalidInput("不能停用自己的账号")
    with transaction.atomic():
        if not active:
            ApiToken.end_all(user, TokenEndReason.DISABLED, by=actor)
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record(
            audit.E.ACCOUNT,
            user=actor,
            detail={"action": "enable" if active else "disable", "user": user.username},
        )


def reset_password(actor, user, password: str) -> None:
    """Set an initial password: it must be changed at first login, and the user's web sessions
    (Django's session hash) and API tokens end. The password of a security or audit admin is
    not the system admin's to reset (one duty must not take over another): only the server
    operator (``fazhi user reset-password``) resets it."""
    if user not in manageable_users(actor):
        raise InvalidInput("找不到该用户")
    other_duty = user.memberships.filter(role__in=[Role.SECURITY_ADMIN, Role.AUDIT_ADMIN]).exists()
    if other_duty and not scoping.is_global(actor):
        _refuse(
            actor,
            "安全管理员、审计管理员的密码只能由服务器管理员在命令行重置",
            action="reset_password",
            user=user.username,
        )
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput("；".join(exc.messages))
    with transaction.atomic():
        ApiToken.end_all(user, TokenEndReason.PASSWORD_RESET, by=actor)
        user.set_password(password)
        user.password_changed_at = None
        user.save()
        audit.record(
            audit.E.ACCOUNT, user=actor, detail={"action": "reset_password", "user": user.username}
        )
    from axes.utils import reset

    reset(username=user.username.lower())


def unlock(actor, user) -> None:
    if user not in manageable_users(actor):
        raise InvalidInput("找不到该用户")
    from axes.utils import reset

    reset(username=user.username.lower())
    audit.record(audit.E.ACCOUNT, user=actor, detail={"action": "unlock", "user": user.username})


def _grant(actor, user, unit: Unit, role: str) -> Membership:
    """The only writer of memberships outside the demo data (tests/security/
    test_accounts_attack.py scans for others). Checked every time: there is no unchecked path."""
    _check_grant(actor, user, unit, role)
    m, created = Membership.objects.get_or_create(user=user, unit=unit, role=role)
    if created:
        audit.record(
            audit.E.ROLE,
            user=actor,
            unit=unit,
            detail={"action": "grant", "user": user.username, "role": role},
        )
        if role in SECOND_FACTOR_ROLES:  # a token made without the second factor ends here
            ApiToken.end_all(user, TokenEndReason.SECOND_FACTOR_ROLE, by=actor)
    scoping.clear_cache(user)
    return m


def grant(actor, user, unit: Unit, role: str) -> Membership:
    _check_grant(actor, user, unit, role)  # refused outside the transaction: its row stays
    with transaction.atomic():
        return _grant(actor, user, unit, role)


def revoke(actor, membership: Membership) -> None:
    """Removing a role also ends the user's API tokens (``signals._role_removed``)."""
    if not scoping.can(actor, Perm.MANAGE_ROLES, membership.unit):
        _refuse(
            actor,
            "只有安全管理员可以撤销角色",
            unit=membership.unit,
            action="revoke",
            user=membership.user.username,
            role=membership.role,
        )
    if membership.user == actor:
        raise InvalidInput("不能撤销自己的角色")
    with transaction.atomic():
        audit.record(
            audit.E.ROLE,
            user=actor,
            unit=membership.unit,
            detail={"action": "revoke", "user": membership.user.username, "role": membership.role},
        )
        ApiToken.end_all(membership.user, TokenEndReason.ROLE_REVOKED, by=actor)
        membership.delete()
    scoping.clear_cache(membership.user)


def visible_memberships(actor):
    return Membership.objects.filter(
        scoping.scope_q(actor, Perm.MANAGE_ROLES) if not scoping.is_global(actor) else Q()
    ).select_related("user", "unit")
