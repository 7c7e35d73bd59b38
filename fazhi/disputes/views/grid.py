"""Grid-case pages beyond the shared ledger views: the report form and the import.

The list, detail, steps, export and reveal pages are the shared ones in ``cases.py``
(ledger key ``grid``), so a grid case looks and works like a hotline appeal.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from ..models import GridCategory
from ..models.grid import DEFAULT_HANDLING_WORKING_DAYS, HANDLING_WORKING_DAYS
from ..services import grid as grid_services
from .common import _form_context, _import_page, _import_units, _registered


def _categories():
    return [
        (key, label, HANDLING_WORKING_DAYS.get(key, DEFAULT_HANDLING_WORKING_DAYS))
        for key, label in GridCategory.choices
    ]


@login_required
def grid_new(request):
    context = _form_context(
        request,
        {
            "tab": "grid",
            "categories": _categories(),
            "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    g = _registered(request, grid_services.report_case)
    if g is not None:
        messages.success(request, f"已上报网格事件 {g.number}，处置期限 {g.due_on}")
        return redirect("disputes:grid_detail", g.pk)
    return render(request, "disputes/grid_form.html", context)


@login_required
def grid_import(request):
    return _import_page(
        request,
        _import_units(request.user),
        "disputes/grid_import.html",
        grid_services.import_cases,
        no_file="请选择网格事件台账 Excel 或 CSV 文件",
        done="导入完成：",
        context={
            "tab": "grid",
            "columns": grid_services.IMPORT_COLUMNS,
            "list_url": reverse("disputes:grid_list"),
        },
    )
