from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from fazhi.core.errors import DomainError
from fazhi.web.mechanisms import BY_KEY
from fazhi.web.switcher import current_unit, current_year

from . import services
from .engine.sections import STATUTORY_NAMES


def published_upload(pk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fazhi.reports.public import published_docx

    found = published_docx(pk)
    if found is None:
        return None
    name, data = found
    return SimpleUploadedFile(name, data)


@login_required
def index(request):
    context = {
        "mechanism": BY_KEY["review"],
        "unit": current_unit(request),
        "year": current_year(request),
    }
    from fazhi.reports.public import published_choices

    context["published"] = published_choices()
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None and request.POST.get("report"):
            # A report this platform published (public already): review its DOCX.
            upload = published_upload(request.POST["report"])
            if upload is None:
                messages.error(request, "找不到该已公开的报告")
                return render(request, "review/index.html", context)
        if upload is None:
            messages.error(request, "请选择要审阅的报告文件")
        else:
            try:
                result = services.review_upload(upload, include_text=True)
            except DomainError as exc:
                messages.error(request, f"无法审阅“{upload.name}”：{exc.message}")
            else:
                n_results = sum(1 for f in result["facts"] if f.get("kind") == "result")
                context.update(
                    result=result,
                    n_results=n_results,
                    n_other=len(result["facts"]) - n_results,
                    segments=services.highlight_segments(result.pop("text"), result),
                    statutory_names=STATUTORY_NAMES,
                    missing_names=[STATUTORY_NAMES[n] for n in result["missing"]],
                )
                return render(request, "review/result.html", context)
    return render(request, "review/index.html", context)


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
