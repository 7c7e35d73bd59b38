"""The legal-services pages that are not ledgers: the overview, 一村一法律顾问 coverage,
the monthly duty compliance and the county's settings. The ledgers (advisers, shifts,
consultations, the centre's days, referrals) are declared in ledgers.py; the few views
below that wrap a ledger page keep the forms older pages posted working."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from fazhi.core import excel, scoping
from fazhi.core.errors import DomainError
from fazhi.core.models import Unit
from fazhi.core.models.units import UnitKind
from fazhi.core.params import parse_int, query
from fazhi.core.roles import Perm
from fazhi.ledgers.pages import save_settings_form
from fazhi.web.switcher import current_unit, current_year

from . import forms, services
from .ledgers import APP, TABS
from .models import AidOutcome, DutyShift, LegalAdviser, LegalAidReferral
from .procedures import run_shift


def _root(request) -> Unit:
    unit = current_unit(request)
    if unit is None:
        raise Http404("没有可查看的单位")
    return unit


def _township(request) -> Unit | None:
    """The township the user is working in, if they may register records there."""
    unit = _root(request)
    township = unit.township()
    if township is None or not scoping.can(request.user, Perm.CHANGE, township):
        return None
    return township


def _page(request, template, context):
    return render(request, template, {"tabs": TABS, "app": APP, **context})


# ---------------------------------------------------------------- landing


@login_required
def index(request):
    root = _root(request)
    year = current_year(request)
    today = timezone.localdate()
    rows = services.coverage(root, today)
    month = today.month if year == today.year else 12
    duty = services.duty_compliance(root, year, month)
    context = {
        "unit": root,
        "year": year,
        "coverage": services.village_coverage(root, year),
        "gaps": [r.village for r in rows if not r.covered],
        "villages": len(rows),
        "consult": services.consultations_total(root, year),
        "center": services.service_center_totals(root, year),
        "aid_open": LegalAidReferral.objects.visible_to(request.user)
        .in_subtree(root)
        .filter(outcome=AidOutcome.REFERRED)
        .count(),
        "duty_short": [d for d in duty if not d.met],
        "duty_month": month,
        "expiring": LegalAdviser.objects.visible_to(request.user)
        .in_subtree(root)
        .filter(
            active=True, contract_end__gte=today, contract_end__lte=today + dt.timedelta(days=60)
        ),
        "township": _township(request),
    }
    return _page(request, "legalservice/index.html", context)


@login_required
def coverage(request):
    root = _root(request)
    day = query(request).date("date", timezone.localdate())
    rows = services.coverage(root, day)
    if request.GET.get("format") == "xlsx":
        scoping.require_duty(request.user, Perm.EXPORT, "您的角色无权导出")
        cells = [
            [r.village.name, "是" if r.village.remote else "否"]
            + ["、".join(a.name for a in r.advisers), "是" if r.covered else "否"]
            for r in rows
        ]
        headers = ["村(社区)", "偏远村", "法律顾问", "覆盖"]
        return excel.export_response(request, "一村一法律顾问覆盖情况", headers, cells, unit=root)
    return _page(
        request,
        "legalservice/coverage.html",
        {
            "rows": rows,
            "day": day,
            "unit": root,
            "gaps": [r for r in rows if not r.covered],
            "township": _township(request),
        },
    )


# ---------------------------------------------------------------- duty


@login_required
def duty(request):
    root = _root(request)
    today = timezone.localdate()
    year = current_year(request)
    month = query(request).int("month", lo=1, hi=12)
    month = month or (today.month if year == today.year else 12)
    rows = services.duty_compliance(root, year, month)
    minimum, remote = services.settings_for(root)
    return _page(
        request,
        "legalservice/duty.html",
        {
            "rows": rows,
            "year": year,
            "month": month,
            "months": range(1, 13),
            "minimum": minimum,
            "minimum_remote": remote,
            "unit": root,
        },
    )


# ---------------------------------------------------------------- settings


@login_required
def settings_page(request):
    root = _root(request)
    county = root if root.kind == UnitKind.COUNTY else root.county()
    if county is None:
        raise Http404
    minimum, remote = services.settings_for(root)
    may = scoping.can(request.user, Perm.CONFIGURE, county)
    form = forms.SettingsForm(
        request.POST or None, initial={"duty_min_days": minimum, "duty_min_days_remote": remote}
    )
    save = partial(services.save_settings, county, actor=request.user)
    refused = "只有县级管理人员可以设置坐班值班最低要求"
    if request.method == "POST" and save_settings_form(
        request, form, save, may=may, refused=refused, saved="已保存"
    ):
        return redirect("legalservice:settings")
    return _page(
        request,
        "legalservice/settings.html",
        {
            "form": form,
            "county": county,
            "may": may,
            "minimum": minimum,
            "remote": remote,
        },
    )


# ---------------------------------------------------------------- older forms


def posting(get_view, post_view):
    """A ledger page (GET) that still takes the form its older version posted to it."""

    def view(request, *args, **kwargs):
        if request.method == "POST":
            return post_view(request, *args, **kwargs)
        return get_view(request, *args, **kwargs)

    view.__name__ = get_view.__name__
    return login_required(view)


def shift_post(request, pk: int):
    """The detail page's older form: ``action`` (hold|miss), ``note``, ``version``."""
    s = scoping.get_visible_or_404(DutyShift.objects.all(), request.user, pk=pk)
    scoping.require(request.user, Perm.CHANGE, s, "您的角色无权办理该记录")
    try:
        run_shift(
            s,
            request.POST.get("action", ""),
            user=request.user,
            note=request.POST.get("note", ""),
            expected_version=parse_int(request.POST.get("version"), 0, 2**62),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已登记")
    return redirect("legalservice:shift_detail", pk=s.pk)


def aid_post(request, pk: int):
    """The detail page's older outcome form: ``outcome``, ``note``."""
    r = scoping.get_visible_or_404(LegalAidReferral.objects.all(), request.user, pk=pk)
    scoping.require(request.user, Perm.CHANGE, r, "您的角色无权修改")
    try:
        services.set_referral_outcome(
            r,
            actor=request.user,
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已更新结果")
    return redirect("legalservice:aid_detail", pk=r.pk)


def center_post(request):
    """The centre list's older entry form: one day's counts for the user's township."""
    from .ledgers import create_center_day

    township = _township(request)
    if township is None:
        raise PermissionDenied("您的角色无权登记")
    try:
        create_center_day(unit=township, actor=request.user, raw=request.POST)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已保存当日统计")
    return redirect("legalservice:center")
