"""The study pages that are not ledgers: the overview, the exam page, the settings, a
session's check-in and sign-in sheet, and the change history. The cadre and session
ledgers are declared in ``ledgers.py`` and built by ``fazhi.ledgers``."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fazhi.core import scoping
from fazhi.core.errors import DomainError
from fazhi.core.roles import Perm
from fazhi.ledgers import pages as ledger_pages
from fazhi.web.mechanisms import BY_KEY
from fazhi.web.switcher import current_unit, current_year
from fazhi.web.views import history_page

from . import importers, services
from .common import parse_int
from .forms import SettingsForm
from .ledgers import CADRE, EXAM, SESSION, TABS
from .models import Cadre, ExamResult, StudySession

MECHANISM = BY_KEY["learning"]


def _base(request, **extra) -> dict:
    unit = current_unit(request)
    ctx = {
        "mechanism": MECHANISM,
        "app": "learning",
        "tabs": TABS,
        "unit": unit,
        "year": current_year(request),
        "can_change": unit is not None and scoping.can(request.user, Perm.CHANGE, unit),
        "can_export": scoping.has_perm_anywhere(request.user, Perm.EXPORT),
    }
    ctx.update(extra)
    return ctx


def _in_unit(qs, request):
    """Scope a list to what the user may see, then to the unit chosen in the switcher."""
    unit = current_unit(request)
    qs = qs.visible_to(request.user)
    return qs.in_subtree(unit) if unit is not None else qs.none()


# --------------------------------------------------------------------------- landing
@login_required
def index(request):
    ctx = _base(request)
    unit, year = ctx["unit"], ctx["year"]
    if unit is not None:
        rules = services.rules_for(unit)
        cadres = _in_unit(Cadre.objects.filter(active=True), request).select_related("unit")
        report = services.hours_report(cadres, year, rules=rules)
        behind = sorted((r for r in report if r.behind), key=lambda r: r.hours)
        ctx.update(
            rules=rules,
            summary=services.session_summary(unit, year),
            cadre_count=len(report),
            met=sum(1 for r in report if r.status == services.Pace.MET),
            behind=behind[:10],
            behind_count=len(behind),
            expected=report[0].expected if report else None,
            rates=services.exam_rates(unit, year, rules=rules),
            recent=_in_unit(StudySession.objects.all(), request)
            .annotate(n=Count("attendances"))
            .select_related("unit")[:8],
        )
    return render(request, "learning/index.html", ctx)


# --------------------------------------------------------------------------- ledgers
def _export_of(ledger):
    """An old ``…/export/`` address: the ledger's own Excel (``?format=xlsx``), for the unit
    and year chosen in the top bar unless the query names others (as the old exports)."""
    view = ledger_pages.list_view(ledger, TABS)

    @login_required
    def export(request):
        params = request.GET.copy()
        params["format"] = "xlsx"
        unit = current_unit(request)
        if unit is not None and "unit" not in params:
            params["unit"] = str(unit.pk)
        if ledger.year_field and "year" not in params:
            params["year"] = str(current_year(request))
        request.GET = params
        return view(request)

    export.__name__ = f"{ledger.key}_export"
    return export


session_export = _export_of(SESSION)
cadre_export = _export_of(CADRE)
exam_export = _export_of(EXAM)


@login_required
@require_POST
def session_attendance(request, pk: int):
    session = scoping.get_visible_or_404(StudySession.objects.all(), request.user, pk=pk)
    scoping.require(request.user, Perm.CHANGE, session.unit, "您无权为该学法活动签到")
    ids = {parse_int(v) for v in request.POST.getlist("cadre")}
    if None in ids:
        messages.error(request, "参学人员选择不正确")
        return redirect("learning:session_detail", pk=pk)
    try:
        added, removed = services.set_attendance(session, ids, actor=request.user)
        for key, value in request.POST.items():
            if key.startswith("hours_") and value.strip():
                cadre_id = parse_int(key[6:])
                if cadre_id in ids:
                    hours = Decimal(value.strip())
                    row = session.attendances.select_related("cadre").get(cadre_id=cadre_id)
                    if row.hours != hours:
                        services.check_in(session, row.cadre, actor=request.user, hours=hours)
    except InvalidOperation:
        messages.error(request, "学时应为数字")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已保存签到：新增 {added} 人，取消 {removed} 人")
    return redirect("learning:session_detail", pk=pk)


@login_required
@require_POST
def session_import(request, pk: int):
    """A session's sign-in sheet (签到表): credits the cadres named on it."""
    session = scoping.get_visible_or_404(StudySession.objects.all(), request.user, pk=pk)
    scoping.require(request.user, Perm.CHANGE, session.unit, "您无权为该学法活动导入签到表")
    back = reverse("learning:session_detail", args=[pk])
    return _import(
        request,
        lambda data, name: importers.import_sign_in(session, data, name, actor=request.user),
        back,
        "已从签到表记录 {n} 人",
    )


@login_required
def session_history(request, pk: int):
    session = scoping.get_visible_or_404(StudySession.objects.all(), request.user, pk=pk)
    return history_page(request, session, session.history.all())


@login_required
def cadre_history(request, pk: int):
    cadre = scoping.get_visible_or_404(Cadre.objects.all(), request.user, pk=pk)
    return history_page(request, cadre, cadre.history.all())


def _import(request, run, back: str, ok: str):
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要导入的文件")
        return redirect(back)
    try:
        n = run(upload.read(), upload.name)
    except importers.ImportFailed as exc:
        return render(
            request,
            "learning/import_errors.html",
            _base(request, errors=exc.errors, back=back),
            status=400,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ok.format(n=n))
    return redirect(back)


# --------------------------------------------------------------------------- exam
@login_required
def exam(request):
    ctx = _base(request)
    unit, year = ctx["unit"], ctx["year"]
    if unit is not None:
        rules = services.rules_for(unit)
        children = (
            scoping.visible_units(request.user)
            .filter(parent=unit)
            .exclude(kind__in=("village", "community"))
        )
        ctx["rows"] = services.exam_rates_by_unit(unit, children, year, rules=rules)
        ctx["total"] = services.exam_rates(unit, year, rules=rules)
        ctx["rules"] = rules
        ctx["results"] = (
            ExamResult.objects.visible_to(request.user).in_subtree(unit).filter(year=year).count()
        )
    return render(request, "learning/exam.html", ctx)


@login_required
@require_POST
def exam_import(request):
    unit, year = current_unit(request), current_year(request)
    if unit is None or not scoping.can(request.user, Perm.CHANGE, unit):
        raise PermissionDenied("您无权在当前单位导入考试成绩")
    platform = (request.POST.get("platform") or "法宣在线").strip()[:50]
    return _import(
        request,
        lambda data, name: importers.import_exam(
            unit, year, data, name, actor=request.user, platform=platform
        ),
        reverse("learning:exam"),
        f"已导入{year}年考试成绩 {{n}} 条",
    )


# --------------------------------------------------------------------------- settings
@login_required
def settings_page(request):
    unit = current_unit(request)
    county = services.county_of(unit) if unit else None
    if county is None or not scoping.can(request.user, Perm.VIEW, county):
        county = None
    can_configure = county is not None and scoping.can(request.user, Perm.CONFIGURE, county)
    rules = services.rules_for(unit) if unit else None
    instance = services.LearningSettings.objects.filter(unit=county).first() if county else None
    form = SettingsForm(request.POST or None, instance=instance)
    save = partial(services.save_settings, county, actor=request.user)
    refused = "只有县级管理人员可以修改学法设置"
    if request.method == "POST" and ledger_pages.save_settings_form(
        request, form, save, may=can_configure, refused=refused, saved="学法设置已保存"
    ):
        return redirect("learning:settings")
    return render(
        request,
        "learning/settings.html",
        _base(
            request,
            form=form,
            county=county,
            rules=rules,
            can_configure=can_configure,
        ),
    )
