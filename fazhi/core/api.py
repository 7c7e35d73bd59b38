"""Core API: who am I, the units I may see, the working-day calendar."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from fazhi.core.apitypes import DbId
from fazhi.core.pagination import LimitOffsetPagination

from . import scoping, workdays

router = Router(tags=["core"])
prefix = ""


class MembershipOut(Schema):
    unit_id: DbId
    unit_code: str
    unit_name: str
    role: str
    role_name: str


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    is_superuser: bool
    memberships: list[MembershipOut]
    permissions: list[str]


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_name: str
    parent_id: DbId | None
    depth: int

    @staticmethod
    def resolve_kind_name(obj):
        return obj.get_kind_display()


@router.get("/me", response=MeOut, summary="当前用户与其单位、角色")
def me(request):
    user = request.user
    memberships = [
        MembershipOut(
            unit_id=m.unit_id,
            unit_code=m.unit.code,
            unit_name=m.unit.name,
            role=m.role,
            role_name=m.get_role_display(),
        )
        for m in user.memberships.select_related("unit").order_by("unit__path")
    ]
    from .roles import ROLE_PERMISSIONS

    perms = sorted({p for m in memberships for p in ROLE_PERMISSIONS.get(m.role, ())})
    return MeOut(
        id=user.pk,
        username=user.username,
        display_name=user.display_name,
        is_superuser=user.is_superuser,
        memberships=memberships,
        permissions=perms,
    )


@router.get("/units/", response=list[UnitOut], summary="可见的单位（本单位及下级）")
@paginate(LimitOffsetPagination)
def list_units(request, kind: str | None = None, parent: int | None = None, q: str | None = None):
    qs = scoping.visible_units(request.user).order_by("path")
    if kind:
        qs = qs.filter(kind=kind)
    if parent is not None:
        qs = qs.filter(parent_id=parent)
    if q:
        qs = qs.filter(name__contains=q)
    return qs


@router.get("/units/{unit_id}", response=UnitOut, summary="单位详情")
def get_unit(request, unit_id: DbId):
    return get_object_or_404(scoping.visible_units(request.user), pk=unit_id)


class WorkdayOut(Schema):
    date: dt.date
    working_day: bool
    provisional: bool
    source: str


class DeadlineOut(Schema):
    start: dt.date
    working_days: int
    due: dt.date
    provisional: bool


@router.get("/calendar/day", response=WorkdayOut, summary="某日是否工作日")
def calendar_day(request, date: dt.date):
    return WorkdayOut(
        date=date,
        working_day=workdays.is_working_day(date),
        provisional=workdays.is_provisional(date),
        source=workdays.year_status(date.year),
    )


@router.get("/calendar/deadline", response=DeadlineOut, summary="按工作日计算期限")
def calendar_deadline(request, start: dt.date, working_days: int):
    if not 0 <= working_days <= 400:
        from ninja.errors import HttpError

        raise HttpError(400, "working_days 应在 0 到 400 之间")
    d = workdays.add_working_days(start, working_days)
    return DeadlineOut(
        start=start, working_days=working_days, due=d.date, provisional=d.provisional
    )


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = None
    name: str = "API"


class TokenOut(Schema):
    token: str
    expires_at: dt.datetime | None


@router.post(
    "/auth/token", auth=None, response=TokenOut, summary="用户名、密码（和动态口令）换取 API 令牌"
)
def issue_token(request, payload: TokenIn):
    """Login for API clients: the same lockout, password age and second factor as the web."""
    from axes.exceptions import AxesBackendPermissionDenied
    from django.conf import settings
    from django.contrib.auth import authenticate
    from django.db import transaction
    from ninja.errors import HttpError

    from . import audit, security
    from .models import ApiToken

    try:
        user = authenticate(request, username=payload.username, password=payload.password)
    except AxesBackendPermissionDenied:
        user = None
        locked = True
    else:
        locked = getattr(request, "axes_locked_out", False)
    if locked:
        raise HttpError(429, f"登录失败次数过多，账号已锁定 {settings.FAZHI_LOCKOUT_MINUTES} 分钟")
    if user is None:
        raise HttpError(401, "用户名或密码不正确")
    if security.password_expired(user):
        raise HttpError(403, "密码已过期，请先在网页上修改密码")
    if security.otp_required(user):
        try:
            security.verify_code(user, payload.otp or "")
        except security.OtpError as exc:
            raise HttpError(403, exc.message)
    with transaction.atomic():
        token, key = ApiToken.issue(user, payload.name[:100] or "API")
        audit.record(audit.E.TOKEN, user=user, detail={"action": "create", "prefix": token.prefix})
    return TokenOut(token=key, expires_at=token.expires_at)


class ApiTokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked: bool
    revoked_at: dt.datetime | None
    revoked_reason: str
    revoked_reason_name: str
    state: str

    @staticmethod
    def resolve_revoked_reason_name(obj):
        return obj.get_revoked_reason_display() if obj.revoked_reason else ""


@router.get("/auth/tokens", response=list[ApiTokenOut], summary="我的 API 令牌（含失效原因）")
@paginate(LimitOffsetPagination)
def my_tokens(request):
    from .models import ApiToken

    return ApiToken.objects.filter(user=request.user).order_by("-created_at", "-id")


# --- separated admin duties ------------------------------------------------------------
class AuditOut(Schema):
    id: int
    at: dt.datetime
    event: str
    outcome: str
    username: str
    unit_name: str
    object_type: str
    object_label: str
    ip: str
    channel: str
    detail: dict
    hash: str


def _need(request, perm, *, hide: bool = False):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    if not scoping.has_perm_anywhere(request.user, perm):
        if hide:
            raise Http404
        raise PermissionDenied("您的角色无权访问此接口")


@router.get("/audit/", response=list[AuditOut], summary="审计日志（审计管理员）")
@paginate(LimitOffsetPagination)
def audit_list(
    request,
    event: str | None = None,
    username: str | None = None,
    outcome: str | None = None,
    ip: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
):
    from . import audit
    from .roles import Perm

    _need(request, Perm.READ_AUDIT)
    params = {
        "event": event,
        "username": username,
        "outcome": outcome,
        "ip": ip,
        "date_from": date_from,
        "date_to": date_to,
    }
    return audit.search(params, request.user)


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    is_active: bool
    last_login: dt.datetime | None


class UserIn(Schema):
    username: str
    display_name: str = ""
    password: str
    unit_id: DbId | None = None
    role: str | None = None


@router.get("/users/", response=list[UserOut], summary="用户（系统管理员）")
@paginate(LimitOffsetPagination)
def users_list(request, q: str | None = None):
    from . import accounts
    from .roles import Perm

    _need(request, Perm.MANAGE_USERS)
    qs = accounts.manageable_users(request.user).order_by("username")
    if q:
        qs = qs.filter(username__icontains=q)
    return qs


@router.post("/users/", response={201: UserOut}, summary="新建用户（系统管理员）")
def users_create(request, payload: UserIn):
    from . import accounts
    from .roles import Perm

    _need(request, Perm.MANAGE_USERS)
    unit = None
    if payload.unit_id is not None:
        unit = get_object_or_404(
            scoping.visible_units(request.user, Perm.MANAGE_USERS), pk=payload.unit_id
        )
    user = accounts.create_user(
        request.user,
        username=payload.username,
        display_name=payload.display_name,
        password=payload.password,
        unit=unit,
        role=payload.role,
    )
    return 201, user


@router.post(
    "/users/{user_id}/{action}", response=UserOut, summary="停用、启用或解锁用户（系统管理员）"
)
def users_action(request, user_id: DbId, action: str):
    from ninja.errors import HttpError

    from . import accounts
    from .roles import Perm

    _need(request, Perm.MANAGE_USERS, hide=True)
    user = get_object_or_404(accounts.manageable_users(request.user), pk=user_id)
    if action == "disable":
        accounts.set_active(request.user, user, False)
    elif action == "enable":
        accounts.set_active(request.user, user, True)
    elif action == "unlock":
        accounts.unlock(request.user, user)
    else:
        raise HttpError(400, "action 应为 disable、enable 或 unlock")
    return user


class RoleOut(Schema):
    id: int
    username: str
    unit_id: DbId
    unit_name: str
    role: str

    @staticmethod
    def resolve_username(obj):
        return obj.user.username

    @staticmethod
    def resolve_unit_name(obj):
        return obj.unit.name


class RoleIn(Schema):
    username: str
    unit_id: DbId
    role: str


@router.get("/roles/", response=list[RoleOut], summary="角色授权（安全管理员）")
@paginate(LimitOffsetPagination)
def roles_list(request):
    from . import accounts
    from .roles import Perm

    _need(request, Perm.MANAGE_ROLES)
    return accounts.visible_memberships(request.user).order_by("unit__path", "id")


@router.post("/roles/", response={201: RoleOut}, summary="授予角色（安全管理员）")
def roles_grant(request, payload: RoleIn):
    from . import accounts
    from .roles import Perm

    _need(request, Perm.MANAGE_ROLES)
    unit = get_object_or_404(
        scoping.visible_units(request.user, Perm.MANAGE_ROLES), pk=payload.unit_id
    )
    user = get_object_or_404(
        accounts.manageable_users(request.user, Perm.MANAGE_ROLES),
        username__iexact=payload.username,
    )
    return 201, accounts.grant(request.user, user, unit, payload.role)


@router.delete("/roles/{membership_id}", response={204: None}, summary="撤销角色（安全管理员）")
def roles_revoke(request, membership_id: DbId):
    from . import accounts
    from .roles import Perm

    _need(request, Perm.MANAGE_ROLES, hide=True)
    m = get_object_or_404(accounts.visible_memberships(request.user), pk=membership_id)
    accounts.revoke(request.user, m)
    return 204, None
