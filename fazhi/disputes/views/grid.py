"""Grid-case pages beyond the shared ledger views: the report form and the import.

The list, detail, steps, export and reveal pages are the shared ones in ``cases.py``
(ledger key ``grid``), so a grid case looks and works like a hotline appeal.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from fazhi.core.errors import DomainError

from ..models import GridCategory
from ..models.grid import DEFAULT_HANDLING_WORKING_DAYS, HANDLING_WORKING_DAYS
from ..services import grid as grid_services
from .common import _changeable_units, _default_unit, _form_context, _unit_from_post


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
    if request.method == "POST":
        try:
            g = grid_services.report_case(
                actor=request.user, unit=_unit_from_post(request), data=request.POST.dict()
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已上报网格事件 {g.number}，处置期限 {g.due_on}")
            return redirect("disputes:grid_detail", g.pk)
    return render(request, "disputes/grid_form.html", context)


@login_required
def grid_import(request):
    units = list(_changeable_units(request.user))
    if not units:
        raise PermissionDenied("您的角色无权导入")
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError("请选择网格事件台账 Excel 或 CSV 文件")
            from fazhi.core.excel import MAX_IMPORT_BYTES

            result = grid_services.import_cases(
                actor=request.user,
                unit=_unit_from_post(request),
                data=upload.read(MAX_IMPORT_BYTES + 1),
                filename=upload.name,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            (messages.warning if result.errors else messages.success)(
                request, "导入完成：" + result.summary()
            )
    return render(
        request,
        "disputes/grid_import.html",
        {
            "tab": "grid",
            "units": units,
            "unit": _default_unit(request, units),
            "result": result,
            "columns": grid_services.IMPORT_COLUMNS,
            "list_url": reverse("disputes:grid_list"),
        },
    )
