"""Shell pages: home, unit/year switch, mechanism landing pages, health, system pages."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.http import FileResponse, Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from fazhi.core import attachments, audit, scoping, workdays
from fazhi.core.calendar_service import CalendarInputError, parse_schedule, save_schedule
from fazhi.core.errors import DomainError
from fazhi.core.history import diff
from fazhi.core.models import ApiToken, Attachment, CalendarYear
from fazhi.core.params import post, query
from fazhi.core.roles import Perm

from . import panels
from .mechanisms import BY_KEY, shown_to
from .switcher import SESSION_UNIT, SESSION_YEAR, current_unit, current_year


def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def home(request):
    unit = current_unit(request)
    year = current_year(request)
    context = {
        "unit": unit,
        "year": year,
        "cards": shown_to(request.user),
        "no_unit": unit is None,
        "panels": [],
    }
    if unit is not None and scoping.can(request.user, Perm.VIEW, unit):
        data, context["panels"] = panels.shown(unit, year)
        context.update(data)
    return render(request, "web/home.html", context)


@login_required
@require_POST
def switch(request):
    form = post(request)
    if form.get("unit"):
        unit_id = form.id("unit")
        unit = scoping.visible_units(request.user).filter(pk=unit_id).first() if unit_id else None
        if unit is None:
            raise Http404
        request.session[SESSION_UNIT] = unit.pk
    if form.get("year"):
        year = form.year()
        if year is None:
            messages.error(request, "年度格式不正确")
        else:
            request.session[SESSION_YEAR] = year
    nxt = request.POST.get("next") or reverse("web:home")
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = reverse("web:home")
    return redirect(nxt)


def mechanism_home(key: str):
    """The landing page of a mechanism whose ledgers are not built yet: says what will be here."""
    mechanism = BY_KEY[key]

    @login_required
    def view(request):
        return render(
            request,
            "web/mechanism.html",
            {"mechanism": mechanism, "unit": current_unit(request), "year": current_year(request)},
        )

    view.__name__ = f"{key}_home"
    return view


@login_required
def units(request):
    qs = scoping.visible_units(request.user).select_related("parent").order_by("path")
    return render(request, "web/units.html", {"units": qs})


@login_required
def unit_history(request, pk: int):
    unit = scoping.visible_units(request.user).filter(pk=pk).first()
    if unit is None:
        raise Http404
    return history_page(request, unit, unit.history.all())


def history_page(request, obj, history_qs):
    rows = []
    records = list(history_qs.select_related("history_user").order_by("-history_date")[:200])
    for rec in records:
        rows.append({"record": rec, "changes": diff(rec)})
    as_of = None
    as_of_text = query(request).text("as_of", max_length=40)
    snapshot = None
    if as_of_text:
        try:
            as_of = dt.datetime.fromisoformat(as_of_text)
        except ValueError:
            messages.error(request, "时间格式应为 YYYY-MM-DDTHH:MM")
        else:
            from django.utils import timezone

            if timezone.is_naive(as_of):
                as_of = timezone.make_aware(as_of)
            snapshot = history_qs.filter(history_date__lte=as_of).order_by("-history_date").first()
    return render(
        request,
        "web/history.html",
        {
            "object": obj,
            "rows": rows,
            "as_of": as_of,
            "snapshot": snapshot,
            "fields": [f for f in obj._meta.fields],
        },
    )


@login_required
def calendar(request):
    can_manage = scoping.has_perm_anywhere(request.user, Perm.MANAGE_CALENDAR)
    year = current_year(request)
    form_error = None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("只有系统管理员可以维护节假日安排")
        try:
            entry_year = post(request).year()
            if entry_year is None:
                raise ValueError("year")
            days = parse_schedule(entry_year, request.POST.get("days", ""))
            save_schedule(
                entry_year, days, source=request.POST.get("source", ""), user=request.user
            )
        except (ValueError, CalendarInputError) as exc:
            form_error = str(exc) if isinstance(exc, CalendarInputError) else "年度应为四位数字"
        else:
            messages.success(request, f"已保存{entry_year}年节假日安排（{len(days)}天）")
            return redirect("web:calendar")
    years = []
    for y in range(year - 1, year + 3):
        years.append({"year": y, "source": workdays.year_status(y)})
    return render(
        request,
        "web/calendar.html",
        {
            "years": years,
            "entered": CalendarYear.objects.prefetch_related("days"),
            "can_manage": can_manage,
            "form_error": form_error,
            "post": request.POST,
        },
    )


@login_required
def attachment_download(request, pk: int):
    att = scoping.get_visible_or_404(Attachment.objects.all(), request.user, pk=pk)
    target = att.target
    if target is None:
        raise Http404
    # The record's own rule as well as its unit's (a restricted roster, a confidential
    # petition): a file is seen only with the record it belongs to.
    visible = getattr(type(target).objects, "visible_to", None)
    if visible is not None and not visible(request.user).filter(pk=target.pk).exists():
        raise Http404

    response = FileResponse(att.file.open("rb"), as_attachment=True, filename=att.original_name)
    response["Content-Type"] = attachments.KIND_MIME.get(att.kind, "application/octet-stream")
    return response


@login_required
def attachment_upload(request, ct: int, object_id: str):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        content_type = ContentType.objects.get_for_id(ct)
    except ContentType.DoesNotExist:
        raise Http404
    model = content_type.model_class()
    if model is None or not hasattr(model.objects, "visible_to"):
        raise Http404
    target = scoping.get_visible_or_404(model.objects.all(), request.user, pk=object_id)
    upload = request.FILES.get("file")
    nxt = request.POST.get("next") or reverse("web:home")
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = reverse("web:home")
    if upload is None:
        messages.error(request, "请选择要上传的文件")
        return redirect(nxt)
    try:
        attachments.attach(
            target, upload, user=request.user, description=request.POST.get("description", "")
        )
    except DomainError as exc:
        audit.record(
            audit.E.INPUT_REJECTED, obj=target, outcome="refused", detail={"reason": exc.code}
        )
        messages.error(request, exc.message)
    else:
        messages.success(request, "附件已上传")
    return redirect(nxt)


@login_required
def tokens(request):
    new_key = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            name = (request.POST.get("name") or "").strip()[:100] or "API"
            with transaction.atomic():
                token, new_key = ApiToken.issue(request.user, name)
                audit.record(audit.E.TOKEN, detail={"action": "create", "prefix": token.prefix})
        elif action == "revoke":
            token = ApiToken.objects.filter(user=request.user, pk=request.POST.get("id")).first()
            if token is None:
                raise Http404
            if not token.revoked:
                with transaction.atomic():
                    token.end()
            messages.success(request, "令牌已吊销")
            return redirect("web:tokens")
    return render(
        request,
        "web/tokens.html",
        {
            "tokens": ApiToken.objects.filter(user=request.user).order_by("-created_at"),
            "new_key": new_key,
        },
    )


@login_required
def my_work(request):
    from django.utils import timezone

    from fazhi.core import reminders

    today = timezone.localdate()
    items = reminders.my_work(request.user, today)
    notes = request.user.notifications.all()[:10]
    return render(
        request,
        "web/my_work.html",
        {
            "items": items,
            "today": today,
            "notifications": notes,
            "horizon": reminders.horizon(today),
        },
    )


@login_required
@require_POST
def notification_read(request, pk: int):
    from django.utils import timezone

    note = request.user.notifications.filter(pk=pk).first()
    if note is None:
        raise Http404
    note.read_at = timezone.now()
    note.save(update_fields=["read_at"])
    return redirect("web:my_work")


@login_required
def document_templates(request):
    from fazhi.core import documents

    can_configure = scoping.has_perm_anywhere(request.user, Perm.CONFIGURE)
    if request.method == "POST":
        if not can_configure:
            raise PermissionDenied("只有管理员可以更换文书模板")
        key = request.POST.get("key", "")
        try:
            if request.POST.get("action") == "reset":
                documents.reset_template(key, user=request.user)
                messages.success(request, "已恢复内置模板")
            else:
                upload = request.FILES.get("file")
                if upload is None:
                    raise DomainError("请选择 .docx 模板文件")
                documents.replace_template(
                    key, upload.read(documents.MAX_TEMPLATE_BYTES + 1), user=request.user
                )
                messages.success(request, "模板已更换")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("web:document_templates")
    from fazhi.core.models import DocumentTemplate

    overrides = set(DocumentTemplate.objects.values_list("key", flat=True))
    specs = sorted(documents.REGISTRY.values(), key=lambda s: s.key)
    return render(
        request,
        "web/document_templates.html",
        {"specs": specs, "overrides": overrides, "can_configure": can_configure},
    )


@login_required
def document_template_default(request, key: str):
    from fazhi.core import documents

    if key not in documents.REGISTRY:
        raise Http404
    return documents.docx_response(
        f"{documents.REGISTRY[key].title}-模板.docx", documents.default_template(key)
    )
