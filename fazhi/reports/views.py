"""Pages: the reports list, a report, its editor with live preview, steps, downloads, the county view."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from fazhi.core import audit, scoping
from fazhi.core.documents import docx_response
from fazhi.core.errors import DomainError
from fazhi.core.models.units import UnitKind
from fazhi.core.params import post, query
from fazhi.core.procedures import timeline
from fazhi.core.roles import Perm
from fazhi.indicators import registry
from fazhi.web.switcher import current_unit, current_year

from . import contrib, figures, services
from . import render as rendering
from .models import AnnualReport, ReportSection, SecrecyConclusion
from .procedures import PROCEDURE


def _get(request, pk: int) -> AnnualReport:
    return scoping.get_visible_or_404(
        AnnualReport.objects.select_related("unit", "snapshot"), request.user, pk=pk
    )


@login_required
def index(request):
    unit, year = current_unit(request), current_year(request)
    reports = (
        AnnualReport.objects.visible_to(request.user)
        .select_related("unit")
        .order_by("-year", "unit__path")
    )
    year_filter = query(request).year()
    if year_filter:
        reports = reports.filter(year=year_filter)
    if request.method == "POST":
        try:
            form = post(request)
            target_year = form.year(default=year)
            if form.bad:
                raise ValueError("year")
            report = services.create_report(unit, target_year, actor=request.user)
        except ValueError:
            messages.error(request, "年度格式不正确")
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已根据台账生成报告草稿，请逐部分核对修改")
            return redirect("reports:edit", pk=report.pk)
    own = AnnualReport.objects.filter(unit=unit, year=year).first() if unit else None
    return render(
        request,
        "reports/index.html",
        {
            "unit": unit,
            "year": year,
            "reports": reports[:200],
            "own": own,
            "can_create": unit is not None
            and unit.kind not in (UnitKind.VILLAGE, UnitKind.COMMUNITY)
            and scoping.can(request.user, Perm.CHANGE, unit),
            "is_county": unit is not None and unit.kind == UnitKind.COUNTY,
            "report_by": services.report_by(unit.county() if unit else None, year),
            "publish_by": services.publish_by(year),
        },
    )


@login_required
def detail(request, pk: int):
    report = _get(request, pk)
    options = PROCEDURE.available(report, request.user)
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "body": rendering.body_html(report),
            "options": options,
            "timeline": timeline(report),
            "overrides": report.overrides.all(),
            "problems": services.blocking_problems(report) if report.editable else [],
            "can_change": scoping.can(request.user, Perm.CHANGE, report),
            "secrecy_choices": SecrecyConclusion.choices,
        },
    )


@login_required
def edit(request, pk: int):
    report = _get(request, pk)
    can_change = scoping.can(request.user, Perm.CHANGE, report)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied("您的角色无权修改报告")
        what = request.POST.get("what", "sections")
        try:
            if what == "sections":
                for section in report.sections.all():
                    key = f"section_{section.number}"
                    if key in request.POST and request.POST[key].strip() != section.text.strip():
                        services.update_section(
                            report, section.number, request.POST[key], actor=request.user
                        )
                messages.success(request, "已保存")
            elif what == "reset":
                services.reset_section(report, int(request.POST["number"]), actor=request.user)
                messages.success(request, "已恢复为生成的文字")
            elif what == "regenerate":
                services.generate(report, actor=request.user)
                messages.success(request, "已按最新台账重新生成；人工修改过的部分保留不变")
            elif what == "regenerate_section":
                number = int(request.POST.get("number", ""))
                services.generate(
                    report,
                    actor=request.user,
                    sections=[number],
                    overwrite=request.POST.get("overwrite") == "1",
                )
                messages.success(request, "已重新生成该部分；其他部分未改动")
            elif what == "plan_add":
                services.add_plan_item(
                    report,
                    actor=request.user,
                    theme=request.POST.get("theme", ""),
                    content=request.POST.get("content", ""),
                    owner=request.POST.get("owner", ""),
                    when=request.POST.get("when", ""),
                )
                messages.success(request, "已添加工作要点")
            elif what == "plan_delete":
                services.delete_plan_item(report, request.POST.get("item"), actor=request.user)
                messages.success(request, "已删除工作要点")
            elif what == "carry":
                made = services.carry_shortfalls(report, actor=request.user)
                messages.success(request, f"已从存在的不足生成 {len(made)} 项工作要点")
            elif what == "details":
                services.update_details(
                    report,
                    actor=request.user,
                    title=request.POST.get("title"),
                    issuers=request.POST.get("issuers"),
                )
                messages.success(request, "已保存")
            elif what == "cause":
                services.set_cause(
                    report,
                    request.POST.get("shortfall"),
                    request.POST.get("cause", ""),
                    actor=request.user,
                )
                messages.success(request, "已保存原因")
            elif what == "override":
                services.set_override(
                    report,
                    request.POST.get("code", ""),
                    request.POST.get("value", ""),
                    request.POST.get("reason", ""),
                    actor=request.user,
                )
                messages.success(request, "已登记数据更正")
            elif what == "remove_override":
                services.remove_override(report, request.POST.get("code", ""), actor=request.user)
                messages.success(request, "已撤销数据更正")
        except (DomainError, ValueError, KeyError) as exc:
            messages.error(request, getattr(exc, "message", "") or "提交的内容不正确")
        return redirect("reports:edit", pk=report.pk)
    sections = list(report.sections.all())
    values, overrides = figures.values_for(report), services.overrides_of(report)
    return render(
        request,
        "reports/edit.html",
        {
            "report": report,
            "sections": sections,
            "shortfalls": [
                (item, figures.plain(item.description, values, overrides))
                for item in report.shortfalls.all()
            ],
            "plan": services.plan_items(report),
            "themes": contrib.THEMES.values(),
            "overrides": report.overrides.all(),
            "indicators": registry.all_indicators(),
            "body": rendering.body_html(report),
            "can_change": can_change and report.editable,
            "problems": services.blocking_problems(report) if report.editable else [],
        },
    )


@login_required
@require_POST
def preview(request, pk: int):
    """The live preview: the sections as typed, rendered with the report's figures."""
    report = _get(request, pk)
    sections = []
    for s in report.sections.all():
        text = request.POST.get(f"section_{s.number}")
        sections.append(
            ReportSection(number=s.number, heading=s.heading, text=s.text if text is None else text)
        )
    return HttpResponse(rendering.body_html(report, sections=sections))


@login_required
@require_POST
def action(request, pk: int, action: str):
    report = _get(request, pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    data = {
        "comment": request.POST.get("comment", ""),
        "reviewer": request.POST.get("reviewer", ""),
        "conclusion": request.POST.get("conclusion", ""),
        "note": request.POST.get("note", ""),
    }
    try:
        report = services.run_action(
            report, action, actor=request.user, data=data, expected_version=version
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{PROCEDURE.get(action).label}")
    return redirect("reports:detail", pk=report.pk)


FORMATS = {"docx", "md", "html", "pdf", "json"}


@login_required
def download(request, pk: int, fmt: str):
    report = _get(request, pk)
    if not scoping.can(request.user, Perm.EXPORT, report) and not scoping.can(
        request.user, Perm.CHANGE, report
    ):
        raise PermissionDenied("您的角色无权导出报告")
    if fmt not in FORMATS:
        messages.error(request, "不支持的格式")
        return redirect("reports:detail", pk=report.pk)
    name = f"{report.unit.name}{report.year}年度法治政府建设报告"
    if fmt == "docx":
        response = docx_response(
            f"{name}.docx", bytes(report.docx) if report.docx else rendering.to_docx(report)
        )
    elif fmt == "pdf":
        try:
            data = rendering.to_pdf(report)
        except rendering.PdfUnavailable as exc:
            messages.error(request, str(exc))
            return redirect("reports:detail", pk=report.pk)
        response = _file(data, "application/pdf", f"{name}.pdf")
    elif fmt == "md":
        response = _file(rendering.to_markdown(report).encode(), "text/markdown", f"{name}.md")
    elif fmt == "json":
        text = rendering.to_json_text(report)
        response = _file(text.encode(), "application/json", f"{name}.json")
    else:
        response = _file(rendering.to_html(report).encode(), "text/html", f"{name}.html")
    # One row per file handed out (not for a PDF that could not be made).
    audit.record(audit.E.EXPORT, obj=report, user=request.user, detail={"format": fmt})
    return response


def _file(data: bytes, mime: str, filename: str):
    response = HttpResponse(data, content_type=f"{mime}; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
def status(request):
    """The county's view: which townships submitted and published, who is late."""
    unit, year = current_unit(request), current_year(request)
    year = query(request).year(default=year)
    county = unit if unit and unit.kind == UnitKind.COUNTY else (unit.county() if unit else None)
    if county is None or not scoping.can(request.user, Perm.VIEW, county):
        return render(request, "reports/status.html", {"no_county": True, "year": year})
    if request.method == "POST":
        try:
            day = dt.date.fromisoformat(request.POST.get("report_by", ""))
            services.set_deadline(county, year, day, actor=request.user)
        except ValueError:
            messages.error(request, "日期格式应为 YYYY-MM-DD")
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已设定报送截止日期")
        return redirect(f"{request.path}?year={year}")
    return render(
        request,
        "reports/status.html",
        {
            "county": county,
            "year": year,
            "st": services.county_status(county, year),
            "can_configure": scoping.can(request.user, Perm.CONFIGURE, county),
        },
    )
