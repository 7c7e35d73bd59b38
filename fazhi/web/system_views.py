"""System pages for the three separated admin duties: users, roles, audit log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from fazhi.core import accounts, audit, excel, scoping, sso
from fazhi.core.errors import DomainError
from fazhi.core.models import SsoProvider
from fazhi.core.models.audit import AuditEventType
from fazhi.core.params import query
from fazhi.core.roles import Perm, Role


def _need(user, perm, *, hide: bool = False):
    """Pages answer 403 to a role without the duty; a record's route answers 404 (it may not know it exists)."""
    if not scoping.has_perm_anywhere(user, perm):
        if hide:
            raise Http404
        raise PermissionDenied("您的角色无权访问此页面")


@login_required
def users(request):
    _need(request.user, Perm.MANAGE_USERS)
    status = 200
    if request.method == "POST":
        unit = (
            scoping.visible_units(request.user, Perm.MANAGE_USERS)
            .filter(pk=request.POST.get("unit") or 0)
            .first()
        )
        try:
            accounts.create_user(
                request.user,
                username=request.POST.get("username", ""),
                display_name=request.POST.get("display_name", ""),
                password=request.POST.get("password", ""),
                unit=unit,
                role=request.POST.get("role") or None,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        except accounts.Refused as exc:  # a role asked for by whom may not grant: nothing made
            messages.error(request, str(exc))
            status = 403
        else:
            messages.success(
                request, "用户已创建；首次登录须修改初始密码。角色由安全管理员在“角色授权”中授予"
            )
            return redirect("web:users")
    qs = (
        accounts.manageable_users(request.user)
        .prefetch_related("memberships__unit", "external_identities")
        .order_by("username")
    )
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(username__icontains=q) | qs.filter(display_name__icontains=q)
    page = Paginator(qs, 50).get_page(query(request).page())
    return render(
        request,
        "web/system_users.html",
        {
            "page": page,
            "units": scoping.visible_units(request.user, Perm.MANAGE_USERS),
            "roles": Role.choices,
            "can_grant": scoping.has_perm_anywhere(request.user, Perm.MANAGE_ROLES),
            "sso_providers": [(p, p.label) for p in SsoProvider],
            "q": q,
            "post": request.POST,
        },
        status=status,
    )


def _managed_user(request, pk):
    user = accounts.manageable_users(request.user).filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


@login_required
def user_action(request, pk: int):
    _need(request.user, Perm.MANAGE_USERS, hide=True)
    user = _managed_user(request, pk)
    if request.method != "POST":
        raise Http404
    action = request.POST.get("action")
    try:
        if action in ("disable", "enable"):
            accounts.set_active(request.user, user, action == "enable")
        elif action == "reset_password":
            accounts.reset_password(request.user, user, request.POST.get("password", ""))
        elif action == "unlock":
            accounts.unlock(request.user, user)
        elif action == "sso_map":
            sso.map_identity(
                request.user,
                user,
                request.POST.get("provider", ""),
                request.POST.get("subject", ""),
            )
        elif action == "sso_unmap":
            identity = user.external_identities.filter(pk=request.POST.get("identity") or 0).first()
            if identity is None:
                raise Http404
            sso.unmap_identity(request.user, identity.provider, identity.subject)
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    except accounts.Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已完成：{user.username}")
    return redirect("web:users")


@login_required
def roles(request):
    _need(request.user, Perm.MANAGE_ROLES)
    status = 200
    if request.method == "POST":
        target = (
            accounts.manageable_users(request.user, Perm.MANAGE_ROLES)
            .filter(username__iexact=request.POST.get("username", "").strip())
            .first()
        )
        unit = (
            scoping.visible_units(request.user, Perm.MANAGE_ROLES)
            .filter(pk=request.POST.get("unit") or 0)
            .first()
        )
        if target is None or unit is None:
            messages.error(request, "请填写本单位范围内的用户和单位")
        else:
            try:
                accounts.grant(request.user, target, unit, request.POST.get("role", ""))
            except DomainError as exc:
                messages.error(request, exc.message)
            except accounts.Refused as exc:
                messages.error(request, str(exc))
                status = 403
            else:
                messages.success(request, "已授权")
                return redirect("web:roles")
    memberships = accounts.visible_memberships(request.user).order_by(
        "unit__path", "user__username"
    )
    page = Paginator(memberships, 100).get_page(query(request).page())
    return render(
        request,
        "web/system_roles.html",
        {
            "page": page,
            "units": scoping.visible_units(request.user, Perm.MANAGE_ROLES),
            "roles": Role.choices,
        },
        status=status,
    )


@login_required
def role_revoke(request, pk: int):
    _need(request.user, Perm.MANAGE_ROLES, hide=True)
    m = accounts.visible_memberships(request.user).filter(pk=pk).first()
    if m is None or request.method != "POST":
        raise Http404
    try:
        accounts.revoke(request.user, m)
    except DomainError as exc:
        messages.error(request, exc.message)
    except accounts.Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已撤销")
    return redirect("web:roles")


@login_required
def audit_log(request):
    _need(request.user, Perm.READ_AUDIT)
    try:
        qs = audit.search(query(request), request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        qs = audit.search({}, request.user)
    if request.GET.get("export") == "xlsx":
        return excel.export_response(
            request, "审计日志", audit.EXPORT_HEADERS, audit.export_rows(qs[:100000])
        )
    page = Paginator(qs, 50).get_page(query(request).page())
    return render(
        request,
        "web/system_audit.html",
        {
            "page": page,
            "events": AuditEventType.choices,
            "params": request.GET,
            "query": request.GET.urlencode(),
        },
    )
