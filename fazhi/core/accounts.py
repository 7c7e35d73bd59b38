"""Account and role administration, split by duty (等保 三权分立, SECURITY.md row 6):

- the system admin (``manage_users``) creates, disables and resets users in their subtree;
- the security admin (``manage_roles``) grants and revokes roles there;
- the audit admin (``read_audit``) only reads the audit log.
Every change is audited. Views, API and the ``fazhi user`` command call these functions.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from . import audit, scoping
from .errors import InvalidInput
from .models import Membership, Unit
from .roles import Perm, Role


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


def create_user(
    actor,
    *,
    username: str,
    display_name: str,
    password: str,
    unit: Unit | None = None,
    role: str | None = None,
):
    _require(actor, Perm.MANAGE_USERS, unit)
    user_model = get_user_model()
    username = (username or "").strip()
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
            if unit is not None and role:
                _grant(actor, user, unit, role, check=False)
    except IntegrityError:
        raise InvalidInput(f"登录名“{username}”已被使用")
    return user


def set_active(actor, user, active: bool) -> None:
    if user not in manageable_users(actor):
        raise InvalidInput("找不到该用户")
    if user == actor:
        raise InvalidInput("不能停用自己的账号")
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record(
            audit.E.ACCOUNT,
            user=actor,
            detail={"action": "enable" if active else "disable", "user": user.username},
        )


def reset_password(actor, user, password: str) -> None:
    if user not in manageable_users(actor):
        raise InvalidInput("找不到该用户")
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput("；".join(exc.messages))
    with transaction.atomic():
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


def _grant(actor, user, unit: Unit, role: str, *, check: bool = True) -> Membership:
    if role not in Role.values:
        raise InvalidInput(f"未知的角色：{role}")
    if check:
        _require(actor, Perm.MANAGE_ROLES, unit)
        if user == actor:
            raise InvalidInput("不能给自己授权")
    m, created = Membership.objects.get_or_create(user=user, unit=unit, role=role)
    if created:
        audit.record(
            audit.E.ROLE,
            user=actor,
            unit=unit,
            detail={"action": "grant", "user": user.username, "role": role},
        )
    scoping.clear_cache(user)
    return m


def grant(actor, user, unit: Unit, role: str) -> Membership:
    with transaction.atomic():
        return _grant(actor, user, unit, role)


def revoke(actor, membership: Membership) -> None:
    _require(actor, Perm.MANAGE_ROLES, membership.unit)
    if membership.user == actor:
        raise InvalidInput("不能撤销自己的角色")
    with transaction.atomic():
        audit.record(
            audit.E.ROLE,
            user=actor,
            unit=membership.unit,
            detail={"action": "revoke", "user": membership.user.username, "role": membership.role},
        )
        membership.delete()


def visible_memberships(actor):
    return Membership.objects.filter(
        scoping.scope_q(actor, Perm.MANAGE_ROLES) if not scoping.is_global(actor) else Q()
    ).select_related("user", "unit")
