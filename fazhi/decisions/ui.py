"""Generic pages over ``Ledger`` descriptors: list (filters, paging, Excel), detail
(fields, checklist, actions allowed now and why others are not, attachments, timeline),
the POST action endpoint and the create form. Thin: parse → authorise → service → render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone

from fazhi.core import attachments, excel, scoping
from fazhi.core.errors import DomainError
from fazhi.core.models.units import TOWNSHIP_KINDS, UnitKind
from fazhi.core.params import parse_int, query
from fazhi.core.procedures import timeline
from fazhi.core.roles import Perm
from fazhi.web.switcher import current_unit

from . import flow
from .ledgers import Ledger, display

PAGE_SIZE = 50


def changeable_units(user):
    kinds = {UnitKind.COUNTY, UnitKind.DEPARTMENT, *TOWNSHIP_KINDS}
    return scoping.visible_units(user, Perm.CHANGE).filter(kind__in=kinds).order_by("path")


def base_context(request, ledger: Ledger, tabs) -> dict:
    return {"ledger": ledger, "tabs": tabs, "app": ledger.app, "today": timezone.localdate()}


def list_view(ledger: Ledger, tabs):
    @login_required
    def view(request):
        perm = Perm.EXPORT if request.GET.get("format") == "xlsx" else Perm.VIEW
        if perm == Perm.EXPORT and not scoping.has_perm_anywhere(request.user, Perm.EXPORT):
            raise PermissionDenied("您的角色无权导出")
        qs = ledger.filter_qs(ledger.base_qs(request.user, perm), query(request), user=request.user)
        order = request.GET.get("order", "")
        orders = {c.order for c in ledger.columns if c.order}
        if order.lstrip("-") in orders:
            qs = qs.order_by(order, "-id")
        else:
            qs = qs.order_by(*ledger.ordering)
        if perm == Perm.EXPORT:
            rows = (
                [display(c.get(o)) for c in ledger.columns] for o in qs.iterator(chunk_size=500)
            )
            headers = [c.header for c in ledger.columns]
            return excel.export_response(request, ledger.title, headers, rows)
        page = Paginator(qs, PAGE_SIZE).get_page(query(request).page())
        today = timezone.localdate()
        rows = []
        for o in page.object_list:
            due = ledger.due(o) if ledger.due else None
            rows.append(
                {
                    "obj": o,
                    "cells": [display(c.get(o)) for c in ledger.columns],
                    "due": due,
                    "overdue": bool(due and due < today),
                }
            )
        params = request.GET.copy()
        params.pop("page", None)
        ctx = base_context(request, ledger, tabs)
        ctx.update(
            page=page,
            rows=rows,
            params=params.urlencode(),
            get=request.GET,
            can_create=ledger.create is not None and changeable_units(request.user).exists(),
            columns=ledger.columns,
        )
        return render(request, "decisions/ledger_list.html", ctx)

    view.__name__ = f"{ledger.key}_list"
    return view


def _forms(ledger: Ledger, obj, user):
    options = ledger.procedure.available(obj, user) if ledger.procedure else []
    forms = []
    for opt in options:
        spec = ledger.actions.get(opt.transition.action)
        fields = []
        for f in spec.fields if spec else ():
            choices = f.choices
            if not choices and ledger.choices_for:
                choices = ledger.choices_for(obj, f.name, user) or ()
            fields.append({"f": f, "choices": choices})
        forms.append({"option": opt, "fields": fields})
    return forms


def detail_context(request, ledger: Ledger, tabs, obj, *, error: str = "", failed_action=""):
    ctx = base_context(request, ledger, tabs)
    ctx.update(
        object=obj,
        fields=ledger.detail(obj) if ledger.detail else [],
        checklist=ledger.checklist(obj) if ledger.checklist else None,
        forms=_forms(ledger, obj, request.user),
        attachments=attachments.for_object(obj),
        ct=ContentType.objects.get_for_model(obj).pk,
        steps=[
            {
                "at": s.at,
                "actor_name": s.actor_name,
                "label": s.label,
                "comment": s.comment,
                "moved": s.from_status != s.to_status,
                "from": ledger.procedure._label(s.from_status)
                if ledger.procedure
                else s.from_status,
                "to": ledger.procedure._label(s.to_status) if ledger.procedure else s.to_status,
            }
            for s in timeline(obj)
        ],
        can_change=scoping.can(request.user, Perm.CHANGE, obj),
        error=error,
        failed_action=failed_action,
        history_count=obj.history.count(),
    )
    if ledger.extra_context:
        ctx.update(ledger.extra_context(obj, request))
    return ctx


def detail_view(ledger: Ledger, tabs):
    @login_required
    def view(request, pk: int):
        obj = scoping.get_visible_or_404(
            ledger.model.objects.select_related(*ledger.related), request.user, pk=pk
        )
        return render(
            request, "decisions/ledger_detail.html", detail_context(request, ledger, tabs, obj)
        )

    view.__name__ = f"{ledger.key}_detail"
    return view


def act_view(ledger: Ledger, tabs):
    @login_required
    def view(request, pk: int, action: str):
        obj = scoping.get_visible_or_404(ledger.model.objects.all(), request.user, pk=pk)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not scoping.can(request.user, Perm.CHANGE, obj) and not scoping.can(
            request.user, Perm.APPROVE, obj
        ):
            raise PermissionDenied("您的角色无权办理该记录")
        version = request.POST.get("version")
        try:
            flow.perform(
                ledger.procedure,
                ledger.actions,
                obj,
                action,
                user=request.user,
                raw=request.POST,
                expected_version=parse_int(version, 0, 2**62),
                comment=request.POST.get("comment", ""),
            )
        except DomainError as exc:
            obj.refresh_from_db()
            ctx = detail_context(
                request, ledger, tabs, obj, error=exc.message, failed_action=action
            )
            return render(request, "decisions/ledger_detail.html", ctx, status=exc.status)
        label = ledger.procedure.get(action).label
        messages.success(request, f"已{label}")
        return redirect(reverse(ledger.url("detail"), kwargs={"pk": pk}))

    view.__name__ = f"{ledger.key}_act"
    return view


def new_view(ledger: Ledger, tabs):
    @login_required
    def view(request):
        units = list(changeable_units(request.user))
        if not units:
            raise PermissionDenied("您的角色无权登记")
        error = ""
        if request.method == "POST":
            unit = next((u for u in units if str(u.pk) == request.POST.get("unit")), None)
            if unit is None:
                error = "请选择登记单位"
            else:
                try:
                    obj = ledger.create(unit=unit, actor=request.user, raw=request.POST)
                except DomainError as exc:
                    error = exc.message
                else:
                    messages.success(request, f"已登记：{obj}")
                    return redirect(reverse(ledger.url("detail"), kwargs={"pk": obj.pk}))
        cur = current_unit(request)
        fields = []
        for f in ledger.create_fields:
            choices = f.choices
            if not choices and ledger.choices_for:
                choices = ledger.choices_for(None, f.name, request.user) or ()
            fields.append({"f": f, "choices": choices})
        ctx = base_context(request, ledger, tabs)
        ctx.update(
            units=units,
            fields=fields,
            error=error,
            post=request.POST,
            selected_unit=request.POST.get("unit") or (str(cur.pk) if cur else ""),
        )
        return render(request, "decisions/ledger_new.html", ctx, status=400 if error else 200)

    view.__name__ = f"{ledger.key}_new"
    return view


def urlpatterns_for(ledgers: list[Ledger], tabs) -> list:
    patterns = []
    for lg in ledgers:
        patterns.append(path(f"{lg.plural}/", list_view(lg, tabs), name=f"{lg.key}_list"))
        if lg.create is not None:
            patterns.append(path(f"{lg.plural}/new/", new_view(lg, tabs), name=f"{lg.key}_new"))
        patterns.append(
            path(f"{lg.plural}/<int:pk>/", detail_view(lg, tabs), name=f"{lg.key}_detail")
        )
        if lg.procedure is not None:
            patterns.append(
                path(
                    f"{lg.plural}/<int:pk>/actions/<str:action>/",
                    act_view(lg, tabs),
                    name=f"{lg.key}_act",
                )
            )
    return patterns
