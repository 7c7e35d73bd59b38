"""Pages of the legal-services ledgers. Thin: parse → authorise → call the service → render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from fazhi.core import attachments, pii, scoping
from fazhi.core.errors import DomainError
from fazhi.core.models import Unit
from fazhi.core.models.units import UnitKind
from fazhi.core.params import parse_int, query
from fazhi.core.procedures import timeline
from fazhi.core.roles import Perm
from fazhi.web.switcher import current_unit, current_year

from . import forms, importers, services
from .models import (
    AidOutcome,
    Channel,
    Consultation,
    DutyShift,
    LegalAdviser,
    LegalAidReferral,
    ServiceCenterDay,
    ShiftStatus,
)
from .procedures import SHIFT, run_shift
from .webutil import history_rows, ledger_page


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


def _need_township(request) -> Unit:
    township = _township(request)
    if township is None:
        raise PermissionDenied("请先在右上角切换到您有登记权限的乡镇(街道)")
    return township


def _detail(request, obj, *, title, fields, template="legalservice/detail.html", **extra):
    ct = ContentType.objects.get_for_model(obj)
    ctx = {
        "title": title,
        "object": obj,
        "fields": fields,
        "attachments": attachments.for_object(obj),
        "ct": ct.pk,
        "can_change": scoping.can(request.user, Perm.CHANGE, obj),
        "timeline": timeline(obj),
        "history": history_rows(obj),
    }
    ctx.update(extra)
    return render(request, template, ctx)


def _date_filters(request, qs, field="date"):
    p = query(request)
    for key, lookup in (("date_from", "gte"), ("date_to", "lte")):
        day = p.date(key)
        if day:
            qs = qs.filter(**{f"{field}__{lookup}": day})
    return qs, forms.FilterForm(request.GET or None)


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
    return render(request, "legalservice/index.html", context)


# ---------------------------------------------------------------- advisers


def _adviser_qs(request):
    return (
        LegalAdviser.objects.visible_to(request.user)
        .in_subtree(_root(request))
        .select_related("unit")
    )


@login_required
def advisers(request):
    qs = _adviser_qs(request).prefetch_related("units_served")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(firm__icontains=q))
    state = query(request).choice("state", ("in_force", "ended"))
    today = timezone.localdate()
    if state == "in_force":
        qs = qs.filter(active=True, contract_start__lte=today, contract_end__gte=today)
    elif state == "ended":
        qs = qs.exclude(active=True, contract_start__lte=today, contract_end__gte=today)
    f = forms.FilterForm(request.GET or None)
    return ledger_page(
        request,
        title="法律顾问",
        qs=qs,
        headers=[
            "姓名",
            "律师事务所",
            "聘用单位",
            "服务村(社区)",
            "聘用起始",
            "聘用截止",
            "在聘",
            "联系电话",
        ],
        cells=lambda a: [
            a.name,
            a.firm,
            a.unit.name,
            "、".join(u.name for u in a.units_served.all()),
            a.contract_start,
            a.contract_end,
            a.in_force_on(today),
            pii.mask_mobile(a.phone),
        ],
        detail=lambda a: reverse("legalservice:adviser_detail", args=[a.pk]),
        filter_form=f,
        orderings={"end": "contract_end", "-end": "-contract_end", "name": "name"},
        actions=[(reverse("legalservice:adviser_new"), "登记法律顾问")]
        if _township(request)
        else [],
        empty="还没有登记法律顾问。点击“登记法律顾问”，填写姓名、律师事务所、聘用期和服务的村(社区)。",
        extra={
            "states": [("", "全部"), ("in_force", "在聘"), ("ended", "已到期/解聘")],
            "state": state,
        },
    )


@login_required
def adviser_new(request):
    township = _need_township(request)
    form = forms.AdviserForm(township, request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            a = services.create_adviser(
                township, actor=request.user, served=list(d.pop("served")), **d
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已登记法律顾问 {a.name}")
            return redirect("legalservice:adviser_detail", pk=a.pk)
    return render(request, "legalservice/form.html", {"form": form, "title": "登记法律顾问"})


@login_required
def adviser_detail(request, pk: int):
    a = scoping.get_visible_or_404(LegalAdviser.objects.select_related("unit"), request.user, pk=pk)
    today = timezone.localdate()
    fields = [
        ("姓名", a.name),
        ("律师事务所", a.firm),
        ("聘用单位", a.unit.name),
        ("联系电话", pii.mask_mobile(a.phone)),
        ("聘用期", f"{a.contract_start} 至 {a.contract_end}"),
        ("状态", "在聘" if a.in_force_on(today) else "不在聘用期或已解聘"),
        ("服务村(社区)", "、".join(u.name for u in a.units_served.all()) or "（未指定）"),
        ("备注", a.note),
    ]
    shifts = a.shifts.select_related("unit").order_by("-date")[:20]
    return _detail(
        request,
        a,
        title=f"法律顾问：{a.name}",
        fields=fields,
        edit_url=reverse("legalservice:adviser_edit", args=[a.pk]),
        related=[
            (
                "最近坐班值班",
                [
                    (
                        f"{s.date} {s.unit.name} {s.get_status_display()}",
                        reverse("legalservice:shift_detail", args=[s.pk]),
                    )
                    for s in shifts
                ],
            )
        ],
    )


@login_required
def adviser_edit(request, pk: int):
    a = scoping.get_visible_or_404(LegalAdviser.objects.select_related("unit"), request.user, pk=pk)
    if not scoping.can(request.user, Perm.CHANGE, a):
        raise PermissionDenied("您的角色无权修改法律顾问")
    initial = {
        "name": a.name,
        "firm": a.firm,
        "phone": a.phone,
        "contract_start": a.contract_start,
        "contract_end": a.contract_end,
        "served": list(a.units_served.all()),
        "note": a.note,
        "active": a.active,
    }
    form = forms.AdviserForm(
        a.unit, request.POST or None, initial=initial, viewer=request.user, unit=a.unit
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.update_adviser(a, actor=request.user, served=list(d.pop("served")), **d)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已保存")
            return redirect("legalservice:adviser_detail", pk=a.pk)
    return render(
        request, "legalservice/form.html", {"form": form, "title": f"修改法律顾问：{a.name}"}
    )


@login_required
def coverage(request):
    root = _root(request)
    day = query(request).date("date", timezone.localdate())
    rows = services.coverage(root, day)
    if request.GET.get("format") == "xlsx":
        return ledger_page(
            request,
            title="一村一法律顾问覆盖情况",
            qs=_ListQS(rows),
            headers=["村(社区)", "偏远村", "法律顾问", "覆盖"],
            cells=lambda r: [
                r.village.name,
                r.village.remote,
                "、".join(a.name for a in r.advisers),
                r.covered,
            ],
        )
    return render(
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


class _ListQS(list):
    """A list that answers the few queryset calls the export path makes."""

    def order_by(self, *a):
        return self


# ---------------------------------------------------------------- duty shifts


@login_required
def shifts(request):
    qs = (
        DutyShift.objects.visible_to(request.user)
        .in_subtree(_root(request))
        .select_related("unit", "adviser")
    )
    qs, f = _date_filters(request, qs)
    status = query(request).choice("status", ShiftStatus.values)
    if status:
        qs = qs.filter(status=status)
    return ledger_page(
        request,
        title="坐班值班",
        qs=qs,
        headers=["日期", "村(社区)", "法律顾问", "时长(小时)", "状态", "情况记录"],
        cells=lambda s: [
            s.date,
            s.unit.name,
            s.adviser.name,
            float(s.hours),
            s.get_status_display(),
            s.note,
        ],
        detail=lambda s: reverse("legalservice:shift_detail", args=[s.pk]),
        filter_form=f,
        orderings={"date": "date", "-date": "-date"},
        actions=[
            (reverse("legalservice:shift_new"), "安排坐班值班"),
            (reverse("legalservice:duty"), "每月达标情况"),
        ]
        if _township(request)
        else [(reverse("legalservice:duty"), "每月达标情况")],
        empty="还没有坐班值班记录。点击“安排坐班值班”，为法律顾问安排到村(社区)坐班的日期。",
        extra={
            "states": [("", "全部"), *ShiftStatus.choices],
            "state": status,
            "state_param": "status",
        },
    )


@login_required
def shift_new(request):
    township = _need_township(request)
    form = forms.ShiftForm(township, request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            s = services.plan_shift(d.pop("unit"), actor=request.user, **d)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已登记坐班值班")
            return redirect("legalservice:shift_detail", pk=s.pk)
    return render(request, "legalservice/form.html", {"form": form, "title": "安排坐班值班"})


@login_required
def shift_detail(request, pk: int):
    s = scoping.get_visible_or_404(
        DutyShift.objects.select_related("unit", "adviser"), request.user, pk=pk
    )
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            run_shift(
                s,
                action,
                user=request.user,
                note=request.POST.get("note", ""),
                expected_version=parse_int(request.POST.get("version"), 0, 2**62),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已登记")
        return redirect("legalservice:shift_detail", pk=s.pk)
    fields = [
        ("日期", s.date),
        ("村(社区)", s.unit.name),
        ("法律顾问", str(s.adviser)),
        ("时长(小时)", s.hours),
        ("状态", s.get_status_display()),
        ("情况记录", s.note),
    ]
    return _detail(
        request,
        s,
        title=f"坐班值班：{s.date} {s.unit.name}",
        fields=fields,
        options=SHIFT.available(s, request.user),
    )


@login_required
def duty(request):
    root = _root(request)
    today = timezone.localdate()
    year = current_year(request)
    month = query(request).int("month", lo=1, hi=12)
    month = month or (today.month if year == today.year else 12)
    rows = services.duty_compliance(root, year, month)
    minimum, remote = services.settings_for(root)
    return render(
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


# ---------------------------------------------------------------- consultations


@login_required
def consultations(request):
    qs = (
        Consultation.objects.visible_to(request.user)
        .in_subtree(_root(request))
        .select_related("unit", "adviser")
    )
    qs, f = _date_filters(request, qs)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(pii.free_text_q(request.user, q, ("topic", "place")))
    channel = query(request).choice("channel", Channel.values)
    if channel:
        qs = qs.filter(channel=channel)
    township = _township(request)
    return ledger_page(
        request,
        title="法律咨询",
        qs=qs,
        headers=["日期", "村(社区)/乡镇", "地点", "咨询事项", "方式", "法律顾问", "服务人次"],
        cells=lambda c: [
            c.date,
            c.unit.name,
            c.place,
            c.topic,
            c.get_channel_display(),
            c.adviser.name if c.adviser else "",
            c.persons,
        ],
        detail=lambda c: reverse("legalservice:consultation_detail", args=[c.pk]),
        filter_form=f,
        orderings={"date": "date", "-date": "-date", "persons": "-persons"},
        actions=[
            (reverse("legalservice:consultation_new"), "登记法律咨询"),
            (reverse("legalservice:consultations_import"), "从Excel导入"),
        ]
        if township
        else [],
        empty="还没有法律咨询记录。点击“登记法律咨询”，或从 Excel 导入台账。",
        extra={
            "states": [("", "全部方式"), *Channel.choices],
            "state": channel,
            "state_param": "channel",
        },
    )


@login_required
def consultation_new(request):
    township = _need_township(request)
    form = forms.ConsultationForm(
        township, request.POST or None, initial={"date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            c = services.record_consultation(d.pop("unit"), actor=request.user, **d)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已登记法律咨询")
            return redirect("legalservice:consultation_detail", pk=c.pk)
    return render(request, "legalservice/form.html", {"form": form, "title": "登记法律咨询"})


@login_required
def consultation_detail(request, pk: int):
    c = scoping.get_visible_or_404(
        Consultation.objects.select_related("unit", "adviser"), request.user, pk=pk
    )
    fields = [
        ("日期", c.date),
        ("村(社区)/乡镇", c.unit.name),
        ("地点", c.place),
        ("咨询事项", c.topic),
        ("方式", c.get_channel_display()),
        ("法律顾问", str(c.adviser or "")),
        ("服务人次", c.persons),
        ("解答意见", c.answer),
    ]
    return _detail(request, c, title=f"法律咨询：{c.topic}", fields=fields)


def _import_page(request, *, title, fn, columns, back):
    township = _need_township(request)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = fn(township, upload.read(), upload.name, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if result.ok:
                messages.success(request, f"已导入 {result.created} 条")
                return redirect(back)
            messages.error(
                request, f"文件中有 {len(result.errors)} 处错误，未导入任何记录，请修改后重新上传"
            )
    return render(
        request,
        "legalservice/import.html",
        {
            "form": form,
            "title": title,
            "result": result,
            "columns": columns,
            "back": back,
        },
    )


@login_required
def consultations_import(request):
    return _import_page(
        request,
        title="导入法律咨询台账",
        fn=importers.import_consultations,
        columns=importers.CONSULTATION_COLUMNS,
        back=reverse("legalservice:consultations"),
    )


# ---------------------------------------------------------------- service centre


@login_required
def center(request):
    root = _root(request)
    qs = ServiceCenterDay.objects.visible_to(request.user).in_subtree(root).select_related("unit")
    qs, f = _date_filters(request, qs)
    township = _township(request)
    entry = None
    if township is not None:
        entry = forms.CenterDayForm(request.POST or None, initial={"date": timezone.localdate()})
        if request.method == "POST" and entry.is_valid():
            try:
                services.record_center_day(township, actor=request.user, **entry.cleaned_data)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "已保存当日统计")
                return redirect("legalservice:center")
    elif request.method == "POST":
        raise PermissionDenied("您的角色无权登记")
    return ledger_page(
        request,
        title="公共法律服务中心",
        qs=qs,
        headers=["日期", "乡镇(街道)", "接待办事群众(人次)", "自助服务机使用(件)", "备注"],
        cells=lambda d: [d.date, d.unit.name, d.visits, d.self_service, d.note],
        filter_form=f,
        orderings={"date": "date", "-date": "-date"},
        actions=[(reverse("legalservice:center_import"), "从Excel导入")] if township else [],
        empty="还没有日统计。在上方填写某日的接待人次和自助服务机使用件数，或从 Excel 导入。",
        extra={
            "entry": entry,
            "totals": services.service_center_totals(root, current_year(request)),
            "year": current_year(request),
        },
    )


@login_required
def center_import(request):
    return _import_page(
        request,
        title="导入公共法律服务中心日统计",
        fn=importers.import_center_days,
        columns=importers.CENTER_COLUMNS,
        back=reverse("legalservice:center"),
    )


# ---------------------------------------------------------------- legal aid


@login_required
def aid(request):
    qs = (
        LegalAidReferral.objects.visible_to(request.user)
        .in_subtree(_root(request))
        .select_related("unit")
    )
    qs, f = _date_filters(request, qs)
    outcome = query(request).choice("outcome", AidOutcome.values)
    if outcome:
        qs = qs.filter(outcome=outcome)
    return ledger_page(
        request,
        title="法律援助转介",
        qs=qs,
        headers=["转介日期", "登记单位", "当事人", "事项", "转介至", "结果"],
        cells=lambda r: [
            r.date,
            r.unit.name,
            r.person_masked,
            r.matter,
            r.referred_to,
            r.get_outcome_display(),
        ],
        detail=lambda r: reverse("legalservice:aid_detail", args=[r.pk]),
        filter_form=f,
        orderings={"date": "date", "-date": "-date"},
        actions=[(reverse("legalservice:aid_new"), "登记转介")] if _township(request) else [],
        empty="还没有法律援助转介记录。群众需要法律援助时，点击“登记转介”。",
        extra={
            "states": [("", "全部"), *AidOutcome.choices],
            "state": outcome,
            "state_param": "outcome",
        },
    )


@login_required
def aid_new(request):
    township = _need_township(request)
    form = forms.ReferralForm(
        township, request.POST or None, initial={"date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            r = services.record_referral(d.pop("unit"), actor=request.user, **d)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已登记法律援助转介")
            return redirect("legalservice:aid_detail", pk=r.pk)
    return render(request, "legalservice/form.html", {"form": form, "title": "登记法律援助转介"})


@login_required
def aid_detail(request, pk: int):
    r = scoping.get_visible_or_404(
        LegalAidReferral.objects.select_related("unit"), request.user, pk=pk
    )
    form = forms.OutcomeForm(request.POST or None, initial={"outcome": r.outcome})
    if request.method == "POST":
        if not scoping.can(request.user, Perm.CHANGE, r):
            raise PermissionDenied("您的角色无权修改")
        if form.is_valid():
            try:
                services.set_referral_outcome(r, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "已更新结果")
                return redirect("legalservice:aid_detail", pk=r.pk)
    fields = [
        ("转介日期", r.date),
        ("登记单位", r.unit.name),
        ("当事人", r.person_masked),
        ("联系电话", pii.mask_mobile(r.phone)),
        ("事项", r.matter),
        ("转介至", r.referred_to),
        ("结果", r.get_outcome_display()),
        ("备注", r.note),
    ]
    return _detail(
        request,
        r,
        title=f"法律援助转介：{r.matter}",
        fields=fields,
        side_form=form,
        side_title="更新结果",
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
    if request.method == "POST":
        if not may:
            raise PermissionDenied("只有县级管理人员可以设置坐班值班最低要求")
        if form.is_valid():
            try:
                services.save_settings(county, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "已保存")
                return redirect("legalservice:settings")
    return render(
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
