"""Shared page helpers for ledger apps: list pages with filters, pagination,
ordering and the Excel export of the same filtered rows; detail-page history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from fazhi.core import excel, scoping
from fazhi.core.history import diff
from fazhi.core.params import parse_date
from fazhi.core.params import query as parsed_query
from fazhi.core.roles import Perm

PAGE_SIZE = 50
EXPORT_MAX = 50_000


def ledger_page(
    request,
    *,
    title: str,
    qs,
    headers: list[str],
    cells: Callable[[object], list],
    detail: Callable[[object], str] | None = None,
    filter_form=None,
    orderings: dict[str, str] | None = None,
    actions: Iterable[tuple[str, str]] = (),
    empty: str = "",
    extra: dict | None = None,
    template: str,
):
    orderings = orderings or {}
    order = request.GET.get("order", "")
    if order in orderings:
        qs = qs.order_by(orderings[order], "-pk")
    elif hasattr(qs, "ordered") and not qs.ordered:
        qs = qs.order_by("-pk")
    if request.GET.get("format") == "xlsx":
        if not scoping.has_perm_anywhere(request.user, Perm.EXPORT):
            raise PermissionDenied("您的角色无权导出")
        return excel.export_response(
            request,
            title,
            headers,
            (_plain(cells(o)) for o in qs[:EXPORT_MAX]),
            filename=f"{title}-{timezone.localdate():%Y%m%d}.xlsx",
        )
    page = Paginator(qs, PAGE_SIZE).get_page(parsed_query(request).page())
    rows = [
        {"url": detail(o) if detail else "", "cells": [_show(c) for c in cells(o)]} for o in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    context = {
        "title": title,
        "headers": headers,
        "rows": rows,
        "page": page,
        "filter_form": filter_form,
        "orderings": orderings,
        "order": order,
        "query": query.urlencode(),
        "actions": actions,
        "empty": empty,
        "can_export": scoping.has_perm_anywhere(request.user, Perm.EXPORT),
    }
    context.update(extra or {})
    return render(request, template, context)


def _plain(values: list) -> list:
    out = []
    for v in values:
        if isinstance(v, bool):
            out.append("是" if v else "否")
        elif v is None:
            out.append("")
        elif isinstance(v, int | float | dt.date | str):
            out.append(v)
        else:
            out.append(str(v))
    return out


def _show(v):
    if isinstance(v, bool):
        return "是" if v else "否"
    if v is None:
        return ""
    return v


def history_rows(obj, limit: int = 50) -> list[dict]:
    records = list(obj.history.select_related("history_user").order_by("-history_date")[:limit])
    return [{"record": r, "changes": diff(r)} for r in records]


def parse_day(value, default=None):
    """An ISO date from a query or form value (``fazhi.core.params.parse_date``), else ``default``."""
    return parse_date(value) or default
