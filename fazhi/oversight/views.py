"""Pages of the oversight ledgers. Thin: parse → authorise → call the service → render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from fazhi.core import attachments, pii, scoping
from fazhi.core.errors import DomainError
from fazhi.core.models import Unit
from fazhi.core.models.units import TOWNSHIP_KINDS, UnitKind
from fazhi.core.params import parse_int, post, query
from fazhi.core.procedures import timeline
from fazhi.core.roles import Perm
from fazhi.web.switcher import current_unit, current_year

from . import forms, importers, services
from .models import (
    DutyReport,
    Funding,
    Inspection,
    InspectionKind,
    LeadingGroup,
    Rectification,
    RectificationStatus,
)
from .procedures import RECTIFICATION
from .procedures import run as run_rectification
from .webutil import history_rows, ledger_page

NAV = "oversight/_nav.html"


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


def _detail(request, obj, *, title, fields, template="oversight/detail.html", **extra):
    ctx = {
        "title": title,
        "object": obj,
        "fields": fields,
        "nav_template": NAV,
        "attachments": attachments.for_object(obj),
        "ct": ContentType.objects.get_for_model(obj).pk,
        "can_change": scoping.can(request.user, Perm.CHANGE, obj),
        "timeline": timeline(obj),
        "history": history_rows(obj),
    }
    ctx.update(extra)
    return render(request, template, ctx)


def _form(request, form, title):
    return render(
        request, "oversight/form.html", {"form": form, "title": title, "nav_template": NAV}
    )


def _visible_inspection(request, pk: int) -> Inspection:
    obj = (
        Inspection.objects.visible_to(request.user)
        .select_related("unit", "target")
        .filter(pk=pk)
        .first()
    )
    if obj is None:
        raise Http404
    return obj


def _rect_qs(request):
    return Rectification.objects.visible_to(request.user).in_subtree(_root(request))


# ---------------------------------------------------------------- landing


@login_required
def index(request):
    root = _root(request)
    year = current_year(request)
    today = timezone.localdate()
    rects = _rect_qs(request)
    context = {
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


# ---------------------------------------------------------------- leading group


@login_required
def groups(request):
    qs = (
        LeadingGroup.objects.visible_to(request.user)
        .in_subtree(_root(request))
        .select_related("unit")
        .annotate(member_count=Count("members"))  # one query for the page, not one per group
    )
    own = _own(request)
    return ledger_page(
        request,
        title="法治建设领导小组",
        qs=qs,
        headers=["年度", "单位", "名称", "成立文号", "办公室设在", "成员数"],
        cells=lambda g: [g.year, g.unit.name, g.name, g.doc_number, g.office, g.member_count],
        detail=lambda g: reverse("oversight:group_detail", args=[g.pk]),
        orderings={"year": "year", "-year": "-year"},
        actions=[(reverse("oversight:group_edit"), f"建立/调整{current_year(request)}年领导小组")]
        if own
        else [],
        empty="还没有领导小组。点击“建立领导小组”，填写成立文号、办公室，再添加组长、副组长和成员。",
        extra={"nav_template": NAV},
    )


@login_required
def group_edit(request):
    unit = _need_own(request)
    year = current_year(request)
    group = LeadingGroup.objects.filter(unit=unit, year=year).first()
    initial = {}
    if group:
        initial = {
            k: getattr(group, k)
            for k in ("name", "doc_number", "established_on", "office", "office_director", "duties")
        }
    form = forms.GroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            g = services.save_group(unit, actor=request.user, year=year, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已保存领导小组")
            return redirect("oversight:group_detail", pk=g.pk)
    return _form(request, form, f"{unit.name} {year}年法治建设领导小组")


@login_required
def group_detail(request, pk: int):
    g = scoping.get_visible_or_404(LeadingGroup.objects.select_related("unit"), request.user, pk=pk)
    form = forms.MemberForm(request.POST if request.POST.get("action") == "add" else None)
    if request.method == "POST":
        if not scoping.can(request.user, Perm.CHANGE, g):
            raise PermissionDenied("您的角色无权调整领导小组")
        try:
            if request.POST.get("action") == "remove":
                m = g.members.filter(pk=post(request).id("member")).first()
                if m is None:
                    raise Http404
                services.remove_member(m, actor=request.user)
                messages.success(request, f"已移除 {m.name}")
                return redirect("oversight:group_detail", pk=g.pk)
            if form.is_valid():
                services.add_member(g, actor=request.user, **form.cleaned_data)
                messages.success(request, "已添加成员")
                return redirect("oversight:group_detail", pk=g.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
    fields = [
        ("年度", g.year),
        ("单位", g.unit.name),
        ("名称", g.name),
        ("成立文号", g.doc_number),
        ("成立(调整)日期", g.established_on),
        ("办公室设在", g.office),
        ("办公室主任", g.office_director),
        ("工作职责", g.duties),
    ]
    return _detail(
        request,
        g,
        title=f"{g.year}年{g.name}",
        fields=fields,
        template="oversight/group_detail.html",
        members=g.members.all(),
        member_form=form,
    )


# ---------------------------------------------------------------- duty reports


@login_required
def reports(request):
    qs = (
        DutyReport.objects.visible_to(request.user)
        .in_subtree(_root(request))
        .select_related("unit")
    )
    year = query(request).year()
    if year:
        qs = qs.filter(year=year)
    return ledger_page(
        request,
        title="第一责任人述法",
        qs=qs,
        headers=["年度", "单位", "姓名", "职务", "学法次数", "听取汇报议题", "述法日期"],
        cells=lambda r: [
            r.year,
            r.unit.name,
            r.person_name,
            r.post,
            len(r.study_list),
            "；".join(r.topic_list),
            r.report_date,
        ],
        detail=lambda r: reverse("oversight:report_detail", args=[r.pk]),
        orderings={"year": "year", "-year": "-year"},
        actions=[(reverse("oversight:report_new"), "登记第一责任人履职")] if _own(request) else [],
        empty="还没有第一责任人履职记录。为党委书记、乡镇长等主要负责人登记本人学法、听取汇报议题和年终述法报告。",
        extra={"nav_template": NAV},
    )


def _report_form(request, unit, report=None):
    initial = {}
    if report:
        initial = {
            k: getattr(report, k)
            for k in ("person_name", "post", "study", "topics", "report_text", "report_date")
        }
    form = forms.DutyReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            r = services.save_duty_report(
                unit,
                actor=request.user,
                year=report.year if report else current_year(request),
                report=report,
                **form.cleaned_data,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已保存")
            return redirect("oversight:report_detail", pk=r.pk)
    return _form(
        request, form, "第一责任人履职与述法" + (f"：{report.person_name}" if report else "")
    )


@login_required
def report_new(request):
    return _report_form(request, _need_own(request))


@login_required
def report_edit(request, pk: int):
    r = scoping.get_visible_or_404(DutyReport.objects.select_related("unit"), request.user, pk=pk)
    if not scoping.can(request.user, Perm.CHANGE, r):
        raise PermissionDenied("您的角色无权修改")
    return _report_form(request, r.unit, r)


@login_required
def report_detail(request, pk: int):
    r = scoping.get_visible_or_404(DutyReport.objects.select_related("unit"), request.user, pk=pk)
    fields = [
        ("年度", r.year),
        ("单位", r.unit.name),
        ("姓名", r.person_name),
        ("职务", r.post),
        ("本人学法情况", r.study),
        ("听取法治工作汇报/专题研究议题", r.topics),
        ("述法日期", r.report_date),
        ("述法报告", r.report_text),
    ]
    return _detail(
        request,
        r,
        title=str(r),
        fields=fields,
        edit_url=reverse("oversight:report_edit", args=[r.pk]),
    )


# ---------------------------------------------------------------- funding


@login_required
def funding(request):
    root = _root(request)
    year = current_year(request)
    qs = Funding.objects.visible_to(request.user).in_subtree(root).select_related("unit")
    if not query(request).flag("all"):
        qs = qs.filter(year=year)
    own = _own(request)
    entry = None
    if own is not None:
        entry = forms.FundingForm(request.POST or None)
        if request.method == "POST" and entry.is_valid():
            try:
                services.add_funding(own, actor=request.user, year=year, **entry.cleaned_data)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "已登记经费")
                return redirect("oversight:funding")
    elif request.method == "POST":
        raise PermissionDenied("您的角色无权登记经费")
    return ledger_page(
        request,
        title="经费保障",
        qs=qs,
        headers=["年度", "单位", "类别", "项目", "预算金额(元)", "已支出(元)", "备注"],
        cells=lambda f: [
            f.year,
            f.unit.name,
            f.get_kind_display(),
            f.item,
            float(f.amount),
            float(f.spent),
            f.note,
        ],
        orderings={"amount": "-amount"},
        empty="本年度还没有经费记录。在上方登记普法经费、法治建设经费等预算项目。",
        template="oversight/funding.html",
        extra={
            "nav_template": NAV,
            "entry": entry,
            "totals": services.funding_totals(root, year),
            "year": year,
        },
    )


# ---------------------------------------------------------------- inspections


def _inspection_targets(request):
    """Units the user may open an inspection of: townships under a county they supervise
    (督察), or their own unit (自查)."""
    root = _root(request)
    return (
        Unit.objects.subtree(root)
        .filter(kind__in=TOWNSHIP_KINDS)
        .filter(
            scoping.unit_scope_q(request.user, Perm.SUPERVISE)
            | scoping.unit_scope_q(request.user, Perm.CHANGE)
        )
        .order_by("path")
    )


@login_required
def inspections(request):
    root = _root(request)
    qs = (
        Inspection.objects.visible_to(request.user)
        .filter(Q(unit__path__startswith=root.path) | Q(target__path__startswith=root.path))
        .select_related("target", "unit")
        .annotate(n=Count("findings"))
    )
    kind = query(request).choice("kind", InspectionKind.values)
    if kind:
        qs = qs.filter(kind=kind)
    may = _inspection_targets(request).exists()
    return ledger_page(
        request,
        title="督察/自查",
        qs=qs,
        headers=["检查日期", "类型", "名称", "检查单位", "被检查单位", "发现问题数"],
        cells=lambda i: [i.date, i.get_kind_display(), i.title, i.unit.name, i.target.name, i.n],
        detail=lambda i: reverse("oversight:inspection_detail", args=[i.pk]),
        orderings={"date": "date", "-date": "-date"},
        actions=[(reverse("oversight:inspection_new"), "登记督察/自查")] if may else [],
        empty="还没有督察或自查记录。县级督察后登记督察及发现的问题；乡镇自查也在此登记。",
        extra={
            "nav_template": NAV,
            "states": [("", "全部"), *InspectionKind.choices],
            "state": kind,
            "state_param": "kind",
        },
    )


@login_required
def inspection_new(request):
    targets = _inspection_targets(request)
    if not targets.exists():
        raise PermissionDenied("您的角色无权登记督察或自查")
    form = forms.InspectionForm(
        targets, request.POST or None, initial={"date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            i = services.create_inspection(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已登记，请逐条登记发现的问题")
            return redirect("oversight:inspection_detail", pk=i.pk)
    return _form(request, form, "登记督察/自查")


@login_required
def inspection_detail(request, pk: int):
    i = _visible_inspection(request, pk)
    may_add = services.may_add_findings(request.user, i)
    form = forms.FindingForm(request.POST or None)
    if request.method == "POST":
        if not may_add:
            raise PermissionDenied("您的角色无权登记发现的问题")
        if form.is_valid():
            try:
                services.add_finding(i, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "已登记问题并交办整改")
                return redirect("oversight:inspection_detail", pk=i.pk)
    fields = [
        ("类型", i.get_kind_display()),
        ("名称", i.title),
        ("检查单位", i.unit.name),
        ("被检查单位", i.target.name),
        ("检查日期", i.date),
        ("检查组", i.team),
        ("检查情况", i.summary),
    ]
    findings = (
        Rectification.objects.visible_to(request.user).filter(inspection=i).order_by("number")
    )
    return _detail(
        request,
        i,
        title=f"{i.get_kind_display()}：{i.title}",
        fields=fields,
        template="oversight/inspection_detail.html",
        findings=findings,
        finding_form=form,
        may_add=may_add,
        today=timezone.localdate(),
        can_change=scoping.can(request.user, Perm.CHANGE, i.unit),
    )


@login_required
def inspection_import(request, pk: int):
    i = _visible_inspection(request, pk)
    if not services.may_add_findings(request.user, i):
        raise PermissionDenied("您的角色无权登记发现的问题")
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    result = None
    back = reverse("oversight:inspection_detail", args=[i.pk])
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = importers.import_findings(i, upload.read(), upload.name, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if result.ok:
                messages.success(request, f"已导入 {result.created} 个问题")
                return redirect(back)
            messages.error(
                request, f"文件中有 {len(result.errors)} 处错误，未导入任何记录，请修改后重新上传"
            )
    return render(
        request,
        "oversight/import.html",
        {
            "form": form,
            "title": f"导入发现的问题：{i.title}",
            "result": result,
            "columns": importers.FINDING_COLUMNS,
            "back": back,
            "nav_template": NAV,
        },
    )


# ---------------------------------------------------------------- rectifications


@login_required
def rectifications(request):
    today = timezone.localdate()
    qs = _rect_qs(request).select_related("unit", "inspection")
    p = query(request)
    status = p.choice("status", [*RectificationStatus.values, "overdue", "open"])
    if status in RectificationStatus.values:
        qs = qs.filter(status=status)
    elif status == "overdue":
        qs = qs.overdue(today)
    elif status == "open":
        qs = qs.open()
    kind = p.choice("kind", InspectionKind.values)
    if kind:
        qs = qs.filter(inspection__kind=kind)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(pii.free_text_q(request.user, q, ("problem", "owner_name")))
    return ledger_page(
        request,
        title="整改销号",
        qs=qs,
        headers=["问题", "单位", "来源", "责任人", "整改期限", "状态", "逾期"],
        cells=lambda r: [
            f"{r.inspection.title} 问题{r.number}：{r.problem[:40]}",
            r.unit.name,
            r.inspection.get_kind_display(),
            r.owner_name,
            f"{r.deadline}{'（暂定）' if r.deadline_provisional else ''}",
            r.get_status_display(),
            r.overdue_on(today),
        ],
        detail=lambda r: reverse("oversight:rectification_detail", args=[r.pk]),
        orderings={"deadline": "deadline", "-deadline": "-deadline"},
        empty="没有符合条件的整改事项。督察或自查登记发现的问题后，每个问题在这里整改到销号。",
        extra={
            "nav_template": NAV,
            "state": status,
            "states": [
                ("", "全部"),
                ("open", "未销号"),
                ("overdue", "已逾期"),
                *RectificationStatus.choices,
            ],
        },
    )


@login_required
def rectification_detail(request, pk: int):
    r = scoping.get_visible_or_404(
        Rectification.objects.select_related(
            "unit", "inspection", "inspection__unit", "owner_user", "signed_off_by"
        ),
        request.user,
        pk=pk,
    )
    today = timezone.localdate()
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "measures":
                if not scoping.can(request.user, Perm.CHANGE, r):
                    raise PermissionDenied("您的角色无权修改整改措施")
                services.update_measures(
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
                version = request.POST.get("version")
                run_rectification(
                    r,
                    action,
                    user=request.user,
                    data=data,
                    expected_version=parse_int(version, 0, 2**62),
                )
                messages.success(request, "已办理")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("oversight:rectification_detail", pk=r.pk)
    fields = [
        (
            "来源",
            f"{r.inspection.get_kind_display()}：{r.inspection.title}（{r.inspection.unit.name}，{r.inspection.date}）",
        ),
        ("整改单位", r.unit.name),
        ("发现的问题", r.problem),
        ("整改要求", r.requirement),
        ("责任人", r.owner_name + (f"（{r.owner_user.label}）" if r.owner_user else "")),
        (
            "整改期限",
            f"{r.deadline}{'（暂定）' if r.deadline_provisional else ''}"
            f"{' · 已逾期' if r.overdue_on(today) else ''}",
        ),
        ("状态", r.get_status_display()),
        ("整改措施", r.measures),
        ("整改成效说明", r.evidence_note),
        ("提请销号日期", r.submitted_on),
        ("销号", f"{r.signed_off_on} {r.signed_off_by.label}" if r.signed_off_by else ""),
        ("退回理由", r.return_reason),
    ]
    editable = r.status in (
        RectificationStatus.OPEN,
        RectificationStatus.IN_PROGRESS,
    ) and scoping.can(request.user, Perm.CHANGE, r)
    return _detail(
        request,
        r,
        title=f"整改：问题{r.number}",
        fields=fields,
        template="oversight/rectification_detail.html",
        options=RECTIFICATION.available(r, request.user),
        editable=editable,
        overdue=r.overdue_on(today),
    )


@login_required
def by_township(request):
    root = _root(request)
    today = timezone.localdate()
    rows = services.by_township(request.user, root, today)
    return render(
        request,
        "oversight/by_township.html",
        {
            "rows": rows,
            "unit": root,
            "today": today,
            "nav_template": NAV,
            "overdue": _rect_qs(request)
            .overdue(today)
            .select_related("unit", "inspection")
            .order_by("deadline")[:200],
        },
    )
