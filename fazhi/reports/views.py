"""Pages: the reports list, a report, its editor with live preview, steps, downloads, the county view."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from fazhi.core import audit, scoping
from fazhi.core.documents import docx_response
from fazhi.core.errors import DomainError, InvalidInput
from fazhi.core.models.units import UnitKind
from fazhi.core.params import post, query
from fazhi.core.procedures import timeline
from fazhi.core.roles import Perm
from fazhi.indicators import registry
from fazhi.web.switcher import current_unit, current_year

from . import contrib, figures, previous, services
from . import render as rendering
from .models import AnnualReport, PreviousReport, ReportSection, ReportStatus, SecrecyConclusion
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
            "omitted": services.omitted_points(report),
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


@login_required
def previous_report(request, pk: int):
    """Last year's report against this year's draft: upload it, see each figure mapped or
    left for the writer, and take its structure and wording into the draft."""
    report = _get(request, pk)
    can_change = scoping.can(request.user, Perm.CHANGE, report) and report.editable
    last_year = (
        AnnualReport.objects.filter(
            unit=report.unit, year=report.year - 1, status=ReportStatus.PUBLISHED
        )
        .exclude(docx=None)
        .first()
    )
    if request.method == "POST":
        if not scoping.can(request.user, Perm.CHANGE, report):
            raise PermissionDenied("您的角色无权修改报告")
        what = request.POST.get("what", "")
        try:
            if what == "upload":
                upload = request.FILES.get("file")
                if upload is None:
                    messages.error(request, "请选择上一年度报告文件（DOCX、TXT 或 HTML）")
                    return redirect("reports:previous", pk=report.pk)
                from fazhi.review.engine.reader import DEFAULT_MAX_BYTES

                prev = previous.import_previous(
                    report, upload.read(DEFAULT_MAX_BYTES + 1), upload.name, actor=request.user
                )
                messages.success(request, _imported_message(prev))
            elif what == "published":
                if last_year is None:
                    messages.error(request, "本平台没有本单位已公开的上年报告")
                    return redirect("reports:previous", pk=report.pk)
                prev = previous.import_previous(
                    report, bytes(last_year.docx), f"{last_year.title}.docx", actor=request.user
                )
                messages.success(request, _imported_message(prev))
            elif what == "apply":
                chosen = request.POST.getlist("sections")
                if request.POST.get("choose") and not chosen:
                    raise InvalidInput("请至少选择一个部分")
                written = previous.apply_previous(
                    report,
                    actor=request.user,
                    sections=chosen or None,
                    overwrite=request.POST.get("confirm") == "1",
                )
                names = "、".join("开头语" if n == 0 else f"第{n}部分" for n in written)
                messages.success(
                    request,
                    f"已采用上年结构写入{names}；请逐项填写〔待核：…〕标记的数据后再提交",
                )
                return redirect("reports:edit", pk=report.pk)
            else:
                messages.error(request, "提交的内容不正确")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("reports:previous", pk=report.pk)
    prev = PreviousReport.objects.filter(report=report).first()
    side = previous.side_by_side(prev, report) if prev else None
    for row in side["sections"] if side else []:
        row["old_html"] = _pieces_html(row["old"])
        row["new_html"] = _pieces_html(row["new"])
    clash = previous.would_overwrite(report) if prev and can_change else []
    return render(
        request,
        "reports/previous.html",
        {
            "report": report,
            "previous": prev,
            "side": side,
            "unmapped": previous.unmapped(prev) if prev else [],
            "clash": "、".join("开头语" if n == 0 else f"第{n}部分" for n in clash),
            "can_change": can_change,
            "last_year": last_year,
        },
    )


def _pieces_html(pieces: list[dict]) -> str:
    """One column of the side-by-side page: text escaped, each figure marked."""
    out = []
    for p in pieces:
        text = escape(p.get("text") or "")
        kind = p["kind"]
        if kind == "text":
            out.append(text)
        elif kind == "mapped":
            title = escape(f"对应指标：{p.get('name')}（{p.get('code')}）")
            out.append(f'<span class="prev-mapped" title="{title}">{text}</span>')
        elif kind == "unmapped":
            out.append(
                f'<mark class="prev-unmapped" title="没有对应的指标，需人工核实">{text}</mark>'
            )
        elif kind == "target":
            out.append(f'<span class="prev-target" title="目标或要求，保留原文">{text}</span>')
        elif kind == "figure":
            title = escape(f"指标：{p.get('name')}（{p.get('code')}），上年：{p.get('old')}")
            if p.get("changed"):
                out.append(
                    f'<del class="prev-old">{escape(p.get("old") or "")}</del>'
                    f'<ins class="prev-new" data-code="{escape(p.get("code") or "")}" '
                    f'title="{title}">{text}</ins>'
                )
            else:
                out.append(
                    f'<span class="prev-same" data-code="{escape(p.get("code") or "")}" '
                    f'title="{title}（与上年相同）">{text}</span>'
                )
        elif kind == "pending":
            out.append(f'<mark class="prev-pending" title="请填写本年数据">〔待核：{text}〕</mark>')
        elif kind == "date":
            old = escape(p.get("old") or "")
            out.append(
                f'<mark class="prev-pending" title="上年的日期（原文 {old}），请核实">'
                f"〔待核：{text}〕</mark>"
            )
        elif kind == "year":
            out.append(
                f'<ins class="prev-year" title="原文 {escape(p.get("old") or "")}">{text}</ins>'
            )
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped above


def _imported_message(prev) -> str:
    c = previous.counts(prev)
    return (
        f"已导入“{prev.name}”：{c['mapped']} 个数据对应到指标，将换成本年数据；"
        f"{c['unmapped']} 个数据没有对应的指标，已标出待核"
    )
