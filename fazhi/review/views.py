from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from fazhi.core.errors import DomainError
from fazhi.core.params import query
from fazhi.web.mechanisms import BY_KEY
from fazhi.web.switcher import current_unit, current_year

from . import county as county_review
from . import services
from .engine.sections import STATUTORY_NAMES


@login_required
def index(request):
    context = {
        "mechanism": BY_KEY["review"],
        "unit": current_unit(request),
        "year": current_year(request),
    }
    context["published"] = county_review.published_choices(request.user)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None and request.POST.get("report"):
            # A report this platform published, that the user sees: its review page's
            # content (the same cached review).
            try:
                rep = county_review.published_report_for(request.user, request.POST["report"])
                result = county_review.review_published(rep, include_text=True)
            except (Http404, DomainError):
                messages.error(request, "找不到该已公开的报告")
                return render(request, "review/index.html", context)
            context.update(_result_context(result), report=rep)
            return render(request, "review/result.html", context)
        if upload is None:
            messages.error(request, "请选择要审阅的报告文件")
        else:
            try:
                result = services.review_upload(upload, include_text=True)
            except DomainError as exc:
                messages.error(request, f"无法审阅“{upload.name}”：{exc.message}")
            else:
                context.update(_result_context(result))
                return render(request, "review/result.html", context)
    return render(request, "review/index.html", context)


def _result_context(result: dict) -> dict:
    n_results = sum(1 for f in result["facts"] if f.get("kind") == "result")
    return {
        "result": result,
        "n_results": n_results,
        "n_other": len(result["facts"]) - n_results,
        "segments": services.highlight_segments(result.pop("text"), result),
        "statutory_names": STATUTORY_NAMES,
        "missing_names": [STATUTORY_NAMES[n] for n in result["missing"]],
    }


@login_required
def report(request, pk: int):
    """The review of one published report, scoped like the report: the page, or the
    engine's JSON rendering with ``?format=json``."""
    rep = county_review.published_report_for(request.user, pk)
    as_json = query(request).choice("format", ["html", "json"], default="html") == "json"
    try:
        result = county_review.review_published(rep, include_text=not as_json)
    except DomainError as exc:
        messages.error(request, f"无法审阅该报告：{exc.message}")
        return render(request, "review/index.html", {"mechanism": BY_KEY["review"]}, status=400)
    if as_json:
        from .engine.render import render_json

        return HttpResponse(render_json(result), content_type="application/json; charset=utf-8")
    context = {"mechanism": BY_KEY["review"], "report": rep}
    context.update(_result_context(result))
    return render(request, "review/result.html", context)


@login_required
def county(request):
    """A county's townships' published reports of a year, reviewed side by side."""
    p = query(request)
    raw_year, ref = p.text("year", max_length=20), p.text("unit")
    year = raw_year or current_year(request)
    context = {"mechanism": BY_KEY["review"], "year": year, "data": None}
    try:
        if ref:
            unit = county_review.resolve_county(request.user, ref)
        else:
            unit = county_review.default_county(current_unit(request))
            if unit is None:
                raise DomainError("请选择县（区）", code="unit_required")
            unit = county_review.resolve_county(request.user, unit.code)
        year = county_review.check_year(year)
    except Http404:
        messages.error(request, "找不到该县（区），或您无权查看")
        return render(request, "review/county.html", context, status=404)
    except DomainError as exc:
        messages.error(request, exc.message)
        return render(request, "review/county.html", context, status=400)
    data = county_review.county_review(request.user, unit, year)
    for row in data["townships"]:  # the template looks a topic up by its name
        row["topic_map"] = {t["topic"]: t for t in (row["review"] or {}).get("topics", [])}
    context.update(
        county=unit,
        year=year,
        data=data,
        top_figures=county_review.TOP_FIGURES,
    )
    return render(request, "review/county.html", context)


@login_required
def compare(request):
    context = {"mechanism": BY_KEY["review"]}
    if request.method == "POST":
        try:
            context["cmp"] = services.compare_uploads(request.FILES.getlist("files"))
            context["statutory_names"] = STATUTORY_NAMES
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(request, "review/compare.html", context)
