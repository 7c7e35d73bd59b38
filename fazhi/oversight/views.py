"""The oversight pages that are not ledgers (the overview, the county's table by township,
建立/调整 the current year's leading group, the import of an inspection's findings) and the
forms on ledger pages that post to the page's own URL, as they did before the ledger
framework (members of a group, findings of an inspection, a rectification's steps, a
funding line on the list). The ledgers themselves are declared in ``ledgers.py``."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from fazhi.core import excel, scoping
from fazhi.core.errors import DomainError, InvalidInput
from fazhi.core.models import Unit
from fazhi.core.models.units import UnitKind
from fazhi.core.params import parse_int, post
from fazhi.core.roles import Perm
from fazhi.ledgers import pages
from fazhi.ledgers.fields import parse
from fazhi.web.switcher import current_unit, current_year

from . import importers, services
from .ledgers import (
    FINDING_FIELDS,
    FUNDING,
    FUNDING_FIELDS,
    GROUP,
    GROUP_FIELDS,
    INSPECTION,
    MEMBER_FIELDS,
    RECTIFICATION,
    TABS,
)
from .models import (
    DutyReport,
    Inspection,
    LeadingGroup,
    Rectification,
    RectificationStatus,
)
from .procedures import run as run_rectification


def _root(request) -> Unit:
    unit = current_unit(request)
    if unit is None:
        raise Http404("没有可查看的单位")
    return unit


def _own(request) -> Unit | None:
    """The current unit if the user may register its own records (group, reports, funding)."""
    unit = _root(request)
    return unit if scoping.can(request.user, Perm.CHANGE, unit) else None


def _need_own(request) -> Unit:
    unit = _own(request)
    if unit is None:
        raise PermissionDenied("请先在右上角切换到您有登记权限的单位")
    return unit


def _rect_qs(request):
    return Rectification.objects.visible_to(request.user).in_subtree(_root(request))


def _tabs() -> dict:
    return {"tabs": TABS, "app": "oversight"}


# ---------------------------------------------------------------- dashboards


@login_required
def index(request):
    root = _root(request)
    year = current_year(request)
    today = timezone.localdate()
    rects = _rect_qs(request)
    context = {
        **_tabs(),
        "unit": root,
        "year": year,
        "today": today,
        "group": services.leading_group_for(root, year),
        "reports": DutyReport.objects.visible_to(request.user).filter(unit=root, year=year),
        "funding": services.funding_totals(root, year)
        if scoping.can(request.user, Perm.VIEW, root)
        else None,
        "rate": services.rectification_closed_rate(root, year),
        "overdue": rects.overdue(today).select_related("unit", "inspection")[:20],
        "awaiting": rects.filter(status=RectificationStatus.SUBMITTED).select_related(
            "unit", "inspection"
        )[:20],
        "inspections": Inspection.objects.visible_to(request.user)
        .filter(year=year)
        .filter(Q(unit__path__startswith=root.path) | Q(target__path__startswith=root.path))
        .select_related("target")[:10],
        "county_rows": services.by_township(request.user, root, today)
        if root.kind == UnitKind.COUNTY
        else None,
        "own": _own(request),
    }
    return render(request, "oversight/index.html", context)


@login_required
def by_township(request):
    root = _root(request)
    today = timezone.localdate()
    rows = services.by_township(request.user, root, today)
    return render(
        request,
        "oversight/by_township.html",
        {
            **_tabs(),
            "rows": rows,
            "unit": root,
            "today": today,
            "overdue": _rect_qs(request)
            .overdue(today)
            .select_related("unit", "inspection")
            .order_by("deadline")[:200],
        },
    )


# ---------------------------------------------------------------- leading group


@login_required
def group_edit(request):
    """建立/调整 the current unit's group for the current year: a GET opens its edit page (or
    the new one); a POST of the group's fields saves it, as this page did before."""
    unit = _need_own(request)
    year = current_year(request)
    group = LeadingGroup.objects.filter(unit=unit, year=year).first()
    if request.method != "POST":
        if group is not None:
            return redirect(GROUP.url("edit"), pk=group.pk)
        return redirect(reverse(GROUP.url("new")) + f"?year={year}")
    try:
        g = services.save_group(
            unit=unit, actor=request.user, year=year, **parse(GROUP_FIELDS, request.POST)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(GROUP.url("list"))
    messages.success(request, "已保存领导小组")
    return redirect(GROUP.url("detail"), pk=g.pk)


def group_post(request, pk: int):
    """Add or remove a member of the group (the forms on its page)."""
    g = scoping.get_visible_or_404(LeadingGroup.objects.select_related("unit"), request.user, pk=pk)
    scoping.require(request.user, Perm.CHANGE, g.unit, "您的角色无权调整领导小组")
    try:
        if request.POST.get("action") == "remove":
            m = g.members.filter(pk=post(request).id("member")).first()
            if m is None:
                raise Http404
            services.remove_member(m, actor=request.user)
            messages.success(request, f"已移除 {m.name}")
        else:
            services.add_member(g, actor=request.user, **parse(MEMBER_FIELDS, request.POST))
            messages.success(request, "已添加成员")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(GROUP.url("detail"), pk=g.pk)


# ---------------------------------------------------------------- funding


def funding_post(request):
    """A funding line of the current unit and year, posted from the list page."""
    unit = _need_own(request)
    try:
        data = parse(FUNDING_FIELDS, request.POST)
        services.create_funding(unit=unit, actor=request.user, year=current_year(request), **data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已登记经费")
    return redirect(FUNDING.url("list"))


# ---------------------------------------------------------------- inspections


def _visible_inspection(request, pk: int) -> Inspection:
    return scoping.get_visible_or_404(
        Inspection.objects.select_related("unit", "target"), request.user, pk=pk
    )


def inspection_post(request, pk: int):
    """A finding of the inspection, handed to the inspected unit to rectify."""
    i = _visible_inspection(request, pk)
    if not services.may_add_findings(request.user, i):
        raise PermissionDenied("您的角色无权登记发现的问题")
    try:
        services.add_finding(i, actor=request.user, **parse(FINDING_FIELDS, request.POST))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已登记问题并交办整改")
    return redirect(INSPECTION.url("detail"), pk=i.pk)


@login_required
def inspection_import(request, pk: int):
    """The inspection's findings from Excel: every row right, or none imported."""
    i = _visible_inspection(request, pk)
    if not services.may_add_findings(request.user, i):
        raise PermissionDenied("您的角色无权登记发现的问题")
    if request.GET.get("template"):
        resp = HttpResponse(
            excel.export_xlsx(
                "发现的问题导入模板", [c.header for c in importers.FINDING_COLUMNS], []
            ),
            content_type=excel.XLSX_MIME,
        )
        resp["Content-Disposition"] = content_disposition_header(True, "发现的问题导入模板.xlsx")
        return resp
    back = reverse(INSPECTION.url("detail"), kwargs={"pk": i.pk})
    ctx = pages.base_context(request, RECTIFICATION, TABS)
    ctx.update(
        units=[i.target],
        selected_unit=str(i.target.pk),
        columns=importers.FINDING_COLUMNS,
        urls={"list": back},
        inspection=i,
    )
    if request.method != "POST":
        return render(request, "ledgers/import.html", ctx)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise InvalidInput("请选择要导入的 Excel（.xlsx）或 CSV 文件")
        result = importers.import_findings(i, upload.read(), upload.name, actor=request.user)
    except DomainError as exc:
        ctx["error"] = exc.message
        return render(request, "ledgers/import.html", ctx, status=400)
    if result.ok:
        messages.success(request, f"已导入 {result.created} 个问题")
        return redirect(back)
    ctx["result"] = result
    return render(request, "ledgers/import.html", ctx, status=400)


# ---------------------------------------------------------------- rectifications


def rectification_post(request, pk: int):
    """The measures form and the steps, posted to the rectification's page."""
    r = scoping.get_visible_or_404(
        Rectification.objects.select_related("unit", "inspection", "inspection__unit"),
        request.user,
        pk=pk,
    )
    action = request.POST.get("action", "")
    try:
        if action == "measures":
            services.update_rectification(
                r,
                actor=request.user,
                measures=request.POST.get("measures", ""),
                evidence_note=request.POST.get("evidence_note"),
            )
            messages.success(request, "已保存整改措施")
        else:
            data = {
                k: request.POST.get(k, "")
                for k in ("measures", "evidence_note", "reason", "comment")
            }
            run_rectification(
                r,
                action,
                user=request.user,
                data=data,
                expected_version=parse_int(request.POST.get("version"), 0, 2**62),
            )
            messages.success(request, "已办理")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(RECTIFICATION.url("detail"), pk=r.pk)


# ---------------------------------------------------------------- the ledger pages' own POSTs

POSTS = {
    GROUP.name("detail"): group_post,
    FUNDING.name("list"): funding_post,
    INSPECTION.name("detail"): inspection_post,
    RECTIFICATION.name("detail"): rectification_post,
}


def with_post(view, handler):
    """``view`` (a generated ledger page) answering a POST with ``handler``."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if request.method == "POST":
            return handler(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return wrapped
