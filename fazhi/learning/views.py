"""Study pages: thin views (parse → authorise → call the service → render)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fazhi.core import attachments, scoping
from fazhi.core.errors import DomainError
from fazhi.core.excel import export_response
from fazhi.core.models import Unit
from fazhi.core.params import query
from fazhi.core.procedures import timeline
from fazhi.core.roles import Perm
from fazhi.web.mechanisms import BY_KEY
from fazhi.web.switcher import current_unit, current_year
from fazhi.web.views import _history_page

from . import importers, services
from .common import paginate, parse_int
from .forms import CadreForm, SessionForm, SettingsForm, UploadForm
from .models import Attendance, Cadre, ExamResult, SessionKind, StudySession

MECHANISM = BY_KEY["learning"]


def _base(request, **extra) -> dict:
    unit = current_unit(request)
    ctx = {
        "mechanism": MECHANISM,
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


def _require_export(request) -> None:
    if not scoping.has_perm_anywhere(request.user, Perm.EXPORT):
        raise PermissionDenied("您的角色无权导出台账")


def _export(request, filename: str, headers: list[str], rows: list[list], *, unit) -> object:
    return export_response(request, filename, headers, rows, unit=unit)


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


# --------------------------------------------------------------------------- sessions
def _sessions(request):
    year = current_year(request)
    qs = _in_unit(StudySession.objects.filter(date__year=year), request)
    p = query(request)
    kind = p.choice("kind", SessionKind.values)
    if kind:
        qs = qs.filter(kind=kind)
    if p.flag("leadership"):
        qs = qs.filter(leadership_group=True)
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(topic__contains=q) | Q(laws__contains=q) | Q(lecturer__contains=q))
    order = p.choice("order", ("date",))
    qs = qs.order_by("date", "pk") if order == "date" else qs.order_by("-date", "-pk")
    return qs.select_related("unit").annotate(n=Count("attendances"))


@login_required
def session_list(request):
    page = paginate(request, _sessions(request))
    return render(
        request,
        "learning/session_list.html",
        _base(request, page=page, kinds=SessionKind.choices, tab="sessions"),
    )


@login_required
def session_export(request):
    _require_export(request)
    rows = [
        [
            s.date,
            s.unit.name,
            s.get_kind_display(),
            s.topic,
            s.laws,
            s.lecturer,
            float(s.hours),
            "是" if s.leadership_group else "否",
            s.place,
            s.n,
        ]
        for s in _sessions(request).visible_to(request.user, Perm.EXPORT)
    ]
    headers = [
        "日期",
        "单位",
        "学法形式",
        "主题",
        "学习的法律法规",
        "主讲人",
        "学时",
        "领导班子学法",
        "地点",
        "参学人数",
    ]
    return _export(request, "学法活动台账", headers, rows, unit=current_unit(request))


@login_required
def session_create(request):
    ctx = _base(request, tab="sessions")
    form = SessionForm(
        request.POST or None,
        user=request.user,
        with_unit=True,
        initial={"unit": ctx["unit"], "date": timezone.localdate(), "hours": "2"},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = data.pop("unit")
        try:
            session = services.create_session(unit, data, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "学法活动已登记，请记录参学人员")
            return redirect("learning:session_detail", pk=session.pk)
    return render(request, "learning/form.html", {**ctx, "form": form, "title": "登记学法活动"})


@login_required
def session_edit(request, pk: int):
    session = scoping.get_visible_or_404(StudySession.objects.all(), request.user, pk=pk)
    if not scoping.can(request.user, Perm.CHANGE, session):
        raise PermissionDenied("您无权修改该学法活动")
    form = SessionForm(request.POST or None, instance=StudySession.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_session(session, form.cleaned_data, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已保存")
            return redirect("learning:session_detail", pk=pk)
    return render(
        request,
        "learning/form.html",
        _base(request, form=form, title=f"修改学法活动：{session.topic}", tab="sessions"),
    )


@login_required
def session_detail(request, pk: int):
    session = scoping.get_visible_or_404(
        StudySession.objects.select_related("unit", "created_by"), request.user, pk=pk
    )
    attended = {
        a.cadre_id: a
        for a in session.attendances.select_related("cadre", "cadre__unit").order_by("cadre__name")
    }
    eligible = list(services.eligible_cadres(session).select_related("unit"))
    extra = [a.cadre for a in attended.values() if a.cadre not in eligible]
    can_change = scoping.can(request.user, Perm.CHANGE, session)
    return render(
        request,
        "learning/session_detail.html",
        _base(
            request,
            session=session,
            rows=[(c, attended.get(c.pk)) for c in eligible + extra],
            attended_count=len(attended),
            can_edit=can_change,
            upcoming=session.date > timezone.localdate(),
            upload=UploadForm(),
            files=attachments.for_object(session),
            steps=timeline(session),
            attendance_history=Attendance.history.filter(session_id=session.pk)
            .select_related("history_user", "cadre")
            .order_by("-history_date")[:50],
            ct=_ct(session),
            tab="sessions",
        ),
    )


def _ct(obj) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


@login_required
@require_POST
def session_attendance(request, pk: int):
    session = scoping.get_visible_or_404(StudySession.objects.all(), request.user, pk=pk)
    if not scoping.can(request.user, Perm.CHANGE, session):
        raise PermissionDenied("您无权为该学法活动签到")
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
    session = scoping.get_visible_or_404(StudySession.objects.all(), request.user, pk=pk)
    if not scoping.can(request.user, Perm.CHANGE, session):
        raise PermissionDenied("您无权为该学法活动导入签到表")
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择签到表文件")
    else:
        try:
            n = importers.import_sign_in(session, upload.read(), upload.name, actor=request.user)
        except importers.ImportFailed as exc:
            return render(
                request,
                "learning/import_errors.html",
                _base(
                    request, errors=exc.errors, back=reverse("learning:session_detail", args=[pk])
                ),
                status=400,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已从签到表记录 {n} 人")
    return redirect("learning:session_detail", pk=pk)


@login_required
def session_history(request, pk: int):
    session = scoping.get_visible_or_404(StudySession.objects.all(), request.user, pk=pk)
    return _history_page(request, session, session.history.all())


# --------------------------------------------------------------------------- cadres
def _hours_rows(request):
    unit, year = current_unit(request), current_year(request)
    qs = _in_unit(Cadre.objects.all(), request).select_related("unit")
    p = query(request)
    if not p.flag("inactive"):
        qs = qs.filter(active=True)
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(post__contains=q))
    if p.flag("leaders"):
        qs = qs.filter(Q(is_leader=True) | Q(in_leadership_group=True))
    if unit is None:
        return [], None
    rules = services.rules_for(unit)
    rows = services.hours_report(qs, year, rules=rules)
    status = p.choice("status", ["behind", *services.Pace.LABELS])
    if status == "behind":
        rows = [r for r in rows if r.behind]
    elif status in services.Pace.LABELS:
        rows = [r for r in rows if r.status == status]
    if p.choice("order", ("hours",)) == "hours":
        rows.sort(key=lambda r: r.hours)
    return rows, rules


@login_required
def cadre_list(request):
    rows, rules = _hours_rows(request)
    page = paginate(request, rows)
    return render(
        request,
        "learning/cadre_list.html",
        _base(
            request,
            page=page,
            rules=rules,
            statuses=services.Pace.LABELS,
            tab="cadres",
            expected=rows[0].expected if rows else None,
            upload=UploadForm(),
        ),
    )


@login_required
def cadre_export(request):
    _require_export(request)
    rows, _rules = _hours_rows(request)
    visible = set(Cadre.objects.visible_to(request.user, Perm.EXPORT).values_list("pk", flat=True))
    data = [
        [
            r.cadre.unit.name,
            r.cadre.name,
            r.cadre.post,
            "是" if r.cadre.in_leadership_group else "否",
            r.sessions,
            float(r.hours),
            float(r.required),
            float(r.expected),
            r.status_label,
        ]
        for r in rows
        if r.cadre.pk in visible
    ]
    headers = [
        "单位",
        "姓名",
        "职务",
        "领导班子成员",
        "参学次数",
        "学法时长",
        "年度要求",
        "按进度应达",
        "状态",
    ]
    return _export(
        request,
        f"{current_year(request)}年干部学法时长台账",
        headers,
        data,
        unit=current_unit(request),
    )


@login_required
def cadre_create(request):
    ctx = _base(request, tab="cadres")
    form = CadreForm(
        request.POST or None, user=request.user, with_unit=True, initial={"unit": ctx["unit"]}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = data.pop("unit")
        try:
            cadre = services.create_cadre(unit, data, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已添加干部{cadre.name}")
            return redirect("learning:cadre_detail", pk=cadre.pk)
    return render(request, "learning/form.html", {**ctx, "form": form, "title": "添加干部"})


@login_required
def cadre_edit(request, pk: int):
    cadre = scoping.get_visible_or_404(Cadre.objects.all(), request.user, pk=pk)
    if not scoping.can(request.user, Perm.CHANGE, cadre):
        raise PermissionDenied("您无权修改该干部信息")
    form = CadreForm(request.POST or None, instance=Cadre.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_cadre(cadre, form.cleaned_data, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已保存")
            return redirect("learning:cadre_detail", pk=pk)
    return render(
        request,
        "learning/form.html",
        _base(request, form=form, title=f"修改干部：{cadre.name}", tab="cadres"),
    )


@login_required
def cadre_detail(request, pk: int):
    cadre = scoping.get_visible_or_404(Cadre.objects.select_related("unit"), request.user, pk=pk)
    year = current_year(request)
    return render(
        request,
        "learning/cadre_detail.html",
        _base(
            request,
            cadre=cadre,
            hours=services.cadre_hours(cadre, year),
            attendances=Attendance.objects.filter(cadre=cadre, session__date__year=year)
            .select_related("session")
            .order_by("-session__date"),
            exams=ExamResult.objects.filter(cadre=cadre).order_by("-year"),
            can_edit=scoping.can(request.user, Perm.CHANGE, cadre),
            tab="cadres",
        ),
    )


@login_required
def cadre_history(request, pk: int):
    cadre = scoping.get_visible_or_404(Cadre.objects.all(), request.user, pk=pk)
    return _history_page(request, cadre, cadre.history.all())


@login_required
@require_POST
def cadre_import(request):
    unit = current_unit(request)
    if unit is None or not scoping.can(request.user, Perm.CHANGE, unit):
        raise PermissionDenied("您无权在当前单位导入干部名册")
    return _import(
        request,
        lambda data, name: importers.import_roster(unit, data, name, actor=request.user),
        "learning:cadre_list",
        "已导入干部 {n} 人",
    )


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
            _base(request, errors=exc.errors, back=reverse(back)),
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
    ctx = _base(request, tab="exam", upload=UploadForm())
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
        qs = _in_unit(ExamResult.objects.filter(year=year), request).select_related("cadre", "unit")
        if request.GET.get("q"):
            qs = qs.filter(cadre__name__contains=request.GET["q"].strip())
        ctx["page"] = paginate(request, qs.order_by("unit__path", "cadre__name"))
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
        "learning:exam",
        f"已导入{year}年考试成绩 {{n}} 条",
    )


@login_required
def exam_export(request):
    _require_export(request)
    unit, year = current_unit(request), current_year(request)
    if unit is None:
        raise Http404
    rules = services.rules_for(unit)
    qs = (
        ExamResult.objects.visible_to(request.user, Perm.EXPORT)
        .in_subtree(unit)
        .filter(year=year)
        .select_related("cadre", "unit")
        .order_by("unit__path", "cadre__name")
    )
    rows = []
    for r in qs:
        level = ""
        if r.took_exam and r.score is not None:
            level = (
                "优秀"
                if r.score >= rules.exam_excellent
                else ("合格" if r.score >= rules.exam_pass else "不合格")
            )
        rows.append(
            [
                r.unit.name,
                r.cadre.name,
                r.cadre.post,
                r.platform,
                "是" if r.studied_online else "否",
                "是" if r.took_exam else "否",
                float(r.score) if r.score is not None else None,
                level,
            ]
        )
    headers = ["单位", "姓名", "职务", "考试平台", "参学", "参考", "成绩", "等次"]
    return _export(request, f"{year}年学法考试成绩", headers, rows, unit=unit)


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
    if request.method == "POST":
        if not can_configure:
            raise PermissionDenied("只有县级管理人员可以修改学法设置")
        if form.is_valid():
            try:
                services.save_settings(county, form.cleaned_data, actor=request.user)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "学法设置已保存")
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
            tab="settings",
        ),
    )


def unit_or_404(user, unit_id) -> Unit:
    unit = scoping.visible_units(user).filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit
