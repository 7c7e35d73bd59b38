"""The pages of every declared ledger: list (filters, sorting, paging, counts, Excel
out), detail (fields, checklist, actions allowed now and why others are not,
attachments, timeline), the POST action endpoint, the create and edit forms and the
Excel import. Thin: parse → authorise → service → render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from fazhi.core import attachments, excel, pii, scoping
from fazhi.core.errors import DomainError, InvalidInput
from fazhi.core.models.units import TOWNSHIP_KINDS, UnitKind
from fazhi.core.params import parse_int, query
from fazhi.core.procedures import timeline
from fazhi.core.roles import Perm
from fazhi.web.switcher import current_unit

from . import fields as flow
from . import importing
from .declare import Ledger, display

PAGE_SIZE = 50


LEVEL_KINDS = (UnitKind.COUNTY, UnitKind.DEPARTMENT, *TOWNSHIP_KINDS)


def changeable_units(user, kinds=None):
    kinds = kinds or LEVEL_KINDS
    return scoping.visible_units(user, Perm.CHANGE).filter(kind__in=kinds).order_by("path")


def creatable_units(ledger: Ledger, user):
    """The units ``user`` may register a record of ``ledger`` in."""
    if ledger.create_units is not None:
        return ledger.create_units(user)
    return changeable_units(user, ledger.unit_kinds)


def any_creatable(ledger: Ledger, user) -> bool:
    """Whether ``user`` may register a record of ``ledger`` somewhere (the list page's
    登记 button): from the units already read for the request where the ledger keeps to
    the default rule."""
    if ledger.create_units is not None:
        return creatable_units(ledger, user).exists()
    kinds = ledger.unit_kinds or LEVEL_KINDS
    return any(u.kind in kinds for u in scoping.units(user, Perm.CHANGE))


def units_to_register(ledger: Ledger, user, refusal: str) -> list:
    """The units ``user`` may register (or import) ``ledger``'s records in: refused (403)
    where the ledger's duty is not the user's, or where there is none (the ledger's own
    ``refused``, else ``refusal``)."""
    ledger.require_duty(user)
    units = list(creatable_units(ledger, user))
    if not units:
        raise PermissionDenied(ledger.refused or refusal)
    return units


def unit_choices(user) -> list[tuple[str, str]]:
    """The 单位 filter's choices: the county and township-level units the user sees."""
    units = [u for u in scoping.units(user) if u.kind in LEVEL_KINDS]
    return [(str(u.pk), u.name) for u in units[:300]]


def _urls(ledger: Ledger, obj=None) -> dict:
    out = {"list": reverse(ledger.url("list"))}
    if ledger.create is not None:
        out["new"] = reverse(ledger.url("new"))
    if ledger.importer is not None:
        out["import"] = reverse(ledger.url("import"))
    if obj is not None:
        out["detail"] = reverse(ledger.url("detail"), kwargs={"pk": obj.pk})
        if ledger.update is not None:
            out["edit"] = reverse(ledger.url("edit"), kwargs={"pk": obj.pk})
    return out


def base_context(request, ledger: Ledger, tabs, obj=None) -> dict:
    return {
        "ledger": ledger,
        "tabs": tabs,
        "app": ledger.app,
        "today": timezone.localdate(),
        "urls": _urls(ledger, obj),
        "list_name": ledger.name("list"),
        "names": {
            k: ledger.url(k)
            for k in ("list", "new", "detail", "edit", "act", "import", "reveal", "export")
        },
    }


_PK = 2147483647  # stands for a record's key in a reversed URL; no route contains it


def detail_urls(ledger: Ledger):
    """A function from a record's key to its detail page's URL: reversed once per list,
    not once per row (reversing was a tenth of a 50-row list page's time)."""
    template = reverse(ledger.url("detail"), kwargs={"pk": _PK})
    before, after = template.split(str(_PK))
    return lambda pk: f"{before}{pk}{after}"


def cells_html(cells: list[str], url: str) -> SafeString:
    """A list row's cells as ``<td>`` elements, the first a link to the record: escaped
    here in one pass instead of through the template's loop, filter and branch for each
    of a page's 500 cells (most of a list page's template time)."""
    first, *rest = cells
    out = [f'<td><a href="{escape(url)}">{escape(first or "（未填）")}</a></td>']
    out.extend(f"<td>{escape(c)}</td>" for c in rest)
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


def list_view(ledger: Ledger, tabs):
    @login_required
    def view(request):
        ledger.require_duty(request.user)
        if request.GET.get("format") == "xlsx":
            return export(request, ledger)
        qs = ledger.filter_qs(
            ledger.base_qs(request.user, Perm.VIEW, page=True), query(request), user=request.user
        )
        qs = ledger.order_qs(qs, request.GET.get("order"))
        page = Paginator(qs, PAGE_SIZE).get_page(query(request).page())
        today = timezone.localdate()
        detail = detail_urls(ledger)
        rows = []
        for o in page.object_list:
            due = ledger.due(o) if ledger.due else None
            if ledger.due is None and hasattr(o, "overdue_on"):
                overdue = o.overdue_on(today)  # the case ledgers: the current step's deadline
            else:
                overdue = bool(due and due < today)
            rows.append(
                {
                    "obj": o,
                    "url": (url := detail(o.pk)),
                    "cells": (cells := [display(c.get(o)) for c in ledger.columns]),
                    "cells_html": cells_html(cells, url),
                    "due": due,
                    "overdue": overdue,
                }
            )
        params = request.GET.copy()
        params.pop("page", None)
        ctx = base_context(request, ledger, tabs)
        can_create = any_creatable(ledger, request.user)
        ctx.update(
            page=page,
            rows=rows,
            params=params.urlencode(),
            get=request.GET,
            can_create=ledger.create is not None and can_create,
            can_import=ledger.importer is not None and can_create,
            can_export=scoping.has_perm_anywhere(request.user, Perm.EXPORT),
            columns=ledger.columns,
            filters=[(f, f.choices_for(request.user)) for f in ledger.filters],
            units=unit_choices(request.user) if ledger.unit_filter else [],
            search_notice=pii.search_refused_notice(request.user, request.GET.get("q") or ""),
        )
        if ledger.list_context is not None:
            ctx.update(ledger.list_context(request))
        return render(request, ledger.template("list"), ctx)

    view.__name__ = f"{ledger.key}_list"
    return view


def export(request, ledger: Ledger):
    """The list as Excel: the same filters and order, the records the user may export,
    one ``export`` audit row (excel.export_response)."""
    ledger.require_duty(request.user)
    if not scoping.has_perm_anywhere(request.user, Perm.EXPORT):
        raise PermissionDenied("您的角色无权导出")
    qs = ledger.filter_qs(
        ledger.base_qs(request.user, Perm.EXPORT), query(request), user=request.user
    )
    qs = ledger.order_qs(qs, request.GET.get("order"))
    if ledger.export_columns is not None:
        cols, cell = ledger.export_columns, (lambda v: v)
    else:
        cols, cell = ledger.columns, display
    rows = ([cell(c.get(o)) for c in cols] for o in qs.iterator(chunk_size=500))
    title = ledger.export_title or ledger.title
    filename = f"{title}-{timezone.localdate():%Y%m%d}.xlsx" if ledger.export_title else None
    return excel.export_response(request, title, [c.header for c in cols], rows, filename=filename)


def export_view(ledger: Ledger, tabs):
    @login_required
    def view(request):
        return export(request, ledger)

    view.__name__ = f"{ledger.key}_export"
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
    ctx = base_context(request, ledger, tabs, obj)
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
        can_edit=ledger.update is not None and scoping.can(request.user, Perm.CHANGE, obj),
        error=error,
        failed_action=failed_action,
        history_count=obj.history.count(),
    )
    if ledger.people is not None:
        ctx.update(
            people=people_rows(request, ledger, obj),
            people_panel=True,
            may_reveal=pii.may_reveal(request.user, obj.unit),
        )
    if ledger.extra_context:
        ctx.update(ledger.extra_context(obj, request))
    return ctx


PERSONAL_LABELS = {"id_number": "证件号码", "phone": "联系电话", "applicant_name": "姓名"}
REVEALED = "ledgers_revealed"  # the session's values revealed for the next detail page


def _reveal_key(ledger: Ledger, obj, person: int, field: str) -> str:
    return f"{ledger.app}:{ledger.key}:{obj.pk}:{person}:{field}"


def people_rows(request, ledger: Ledger, obj) -> list[dict]:
    """The people panel: each person's personal fields masked, but for a value revealed
    by the POST just before (kept in the session for this one page)."""
    revealed = request.session.pop(REVEALED, {}) if request.method == "GET" else {}
    rows = []
    for p in ledger.people(obj):
        fields = []
        for name in ledger.personal:
            full = revealed.get(_reveal_key(ledger, obj, p.pk, name))
            fields.append(
                {
                    "name": name,
                    "label": PERSONAL_LABELS.get(name, name),
                    "value": full or p.shown(name, ledger.personal),
                    "revealable": bool(p.values.get(name)) and name not in p.plain and not full,
                }
            )
        rows.append({"person": p, "fields": fields})
    return rows


def reveal_view(ledger: Ledger, tabs):
    """POST: one personal field of one person in full, for the next page (pii.reveal
    audits it, and refuses, audited, a role that may not see it)."""

    @login_required
    def view(request, pk: int, person: int, field: str):
        obj = ledger.record(request.user, pk)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        target = next((p for p in ledger.people(obj) if p.pk == person), None)
        if (
            field not in ledger.personal
            or target is None
            or field in target.plain
            or not target.values.get(field)
        ):
            raise Http404
        value = pii.reveal(request.user, obj, field, target.values[field])
        if value is None:
            messages.error(request, "您的角色无权查看完整个人信息")
        else:
            revealed = request.session.get(REVEALED, {})
            revealed[_reveal_key(ledger, obj, person, field)] = value
            request.session[REVEALED] = revealed
        return redirect(reverse(ledger.url("detail"), kwargs={"pk": obj.pk}))

    view.__name__ = f"{ledger.key}_reveal"
    return view


def detail_view(ledger: Ledger, tabs):
    @login_required
    def view(request, pk: int):
        obj = ledger.record(request.user, pk)
        ledger.shown(obj, request.user)
        return render(
            request, ledger.template("detail"), detail_context(request, ledger, tabs, obj)
        )

    view.__name__ = f"{ledger.key}_detail"
    return view


def act_view(ledger: Ledger, tabs):
    @login_required
    def view(request, pk: int, action: str):
        obj = scoping.get_visible_or_404(ledger.scoped(request.user), request.user, pk=pk)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not any(scoping.can(request.user, p, obj) for p in ledger.act_perms):
            raise PermissionDenied("您的角色无权办理该记录")
        version = request.POST.get("version")
        try:
            flow.step(
                ledger,
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
            return render(request, ledger.template("detail"), ctx, status=exc.status)
        label = ledger.procedure.get(action).label
        messages.success(request, f"已{label}")
        return redirect(reverse(ledger.url("detail"), kwargs={"pk": pk}))

    view.__name__ = f"{ledger.key}_act"
    return view


def new_view(ledger: Ledger, tabs):
    @login_required
    def view(request):
        units = units_to_register(ledger, request.user, "您的角色无权登记")
        error = ""
        cur = current_unit(request)
        if request.method == "POST":
            # No unit posted: the current unit (the switcher's), when the user may register there.
            chosen = request.POST.get("unit") or (str(cur.pk) if cur else "")
            unit = next((u for u in units if str(u.pk) == chosen), None)
            if unit is None:
                error = "请选择登记单位"
            else:
                try:
                    obj = ledger.create(unit=unit, actor=request.user, raw=request.POST)
                except DomainError as exc:
                    error = exc.message
                else:
                    messages.success(request, ledger.notices.get("created") or f"已登记：{obj}")
                    return redirect(reverse(ledger.url("detail"), kwargs={"pk": obj.pk}))
        # A link may prefill the form: ``new/?theme=…&date=…``.
        post = request.POST if request.method == "POST" else request.GET
        fields = _field_choices(ledger, ledger.create_fields, None, request.user, post)
        ctx = base_context(request, ledger, tabs)
        ctx.update(
            units=units,
            fields=fields,
            error=error,
            post=post,
            selected_unit=post.get("unit") or (str(cur.pk) if cur else ""),
        )
        return render(request, ledger.template("new"), ctx, status=400 if error else 200)

    view.__name__ = f"{ledger.key}_new"
    return view


def _selected(post, name: str) -> list[str]:
    """The values chosen for a multiple-choice field (a form's POST or ``initial``)."""
    if hasattr(post, "getlist"):
        return post.getlist(name)
    value = post.get(name) or []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def _field_choices(ledger: Ledger, fields, obj, user, post=None) -> list[dict]:
    out = []
    for f in fields:
        choices = f.choices
        if not choices and ledger.choices_for:
            choices = ledger.choices_for(obj, f.name, user) or ()
        selected = _selected(post, f.name) if f.kind == "ints" and post is not None else []
        out.append({"f": f, "choices": choices, "selected": selected})
    return out


def initial(ledger: Ledger, obj, fields, user=None) -> dict:
    """The edit form's values: the record's own, as text (personal fields masked unless
    ``user`` may reveal the unit's personal data)."""
    from fazhi.core import pii

    from .declare import mask

    whole = user is not None and pii.may_reveal(user, obj.unit)
    data = {}
    for f in fields:
        value = getattr(obj, f.name, None)
        if f.kind == "ints":
            data[f.name] = [str(v.pk) for v in value.all()] if hasattr(value, "all") else []
        elif f.kind == "user":
            data[f.name] = "" if value is None else str(value.pk)
        elif f.kind == "bool":
            data[f.name] = "1" if value else ""
        elif hasattr(value, "isoformat"):
            data[f.name] = value.isoformat()[:10]
        elif hasattr(value, "pk"):
            data[f.name] = str(value.pk)
        else:
            shown = value if whole else mask(f.name, value, ledger.personal)
            data[f.name] = "" if value is None else str(shown)
    return data


def keep_masked(ledger: Ledger, obj, raw, fields) -> dict:
    """``raw`` with each personal field that comes back exactly as the edit form masked it
    replaced by the stored value: not touching the masked number keeps it."""
    from .declare import mask

    data = raw.copy() if hasattr(raw, "copy") else dict(raw)
    for f in fields:
        if f.name not in ledger.personal or f.name not in data:
            continue
        stored = getattr(obj, f.name, None)
        if stored and str(data.get(f.name, "")).strip() == mask(f.name, stored, ledger.personal):
            data[f.name] = stored
    return data


def edit_view(ledger: Ledger, tabs):
    @login_required
    def view(request, pk: int):
        obj = ledger.record(request.user, pk)
        scoping.require(request.user, Perm.CHANGE, obj.unit, "您的角色无权修改该记录")
        error = ""
        if request.method != "POST":
            ledger.shown(obj, request.user)  # the form shows the record (in full to a revealer)
        post = (
            request.POST
            if request.method == "POST"
            else initial(ledger, obj, ledger.edit_fields, request.user)
        )
        if request.method == "POST":
            raw = keep_masked(ledger, obj, request.POST, ledger.edit_fields)
            try:
                obj = ledger.update(obj, actor=request.user, raw=raw)
            except DomainError as exc:
                error = exc.message
            else:
                messages.success(request, ledger.notices.get("saved") or f"已保存：{obj}")
                return redirect(reverse(ledger.url("detail"), kwargs={"pk": obj.pk}))
        ctx = base_context(request, ledger, tabs, obj)
        ctx.update(
            object=obj,
            fields=_field_choices(ledger, ledger.edit_fields, obj, request.user, post),
            error=error,
            post=post,
        )
        return render(request, ledger.template("edit"), ctx, status=400 if error else 200)

    view.__name__ = f"{ledger.key}_edit"
    return view


def import_view(ledger: Ledger, tabs):
    @login_required
    def view(request):
        units = units_to_register(ledger, request.user, "您的角色无权导入")
        if query(request).flag("template"):
            return excel_template(ledger)
        ctx = base_context(request, ledger, tabs)
        cur = current_unit(request)
        ctx.update(
            units=units,
            columns=importing.columns(ledger.importer),
            selected_unit=request.POST.get("unit") or (str(cur.pk) if cur else ""),
        )
        if request.method != "POST":
            return render(request, ledger.template("import"), ctx)
        # No unit posted: the current unit (the switcher's), when the user may import there.
        chosen = request.POST.get("unit") or (str(cur.pk) if cur else "")
        unit = next((u for u in units if str(u.pk) == chosen), None)
        upload = request.FILES.get("file")
        try:
            if unit is None:
                raise InvalidInput("请选择导入单位")
            if upload is None:
                raise InvalidInput("请选择要导入的 Excel（.xlsx）或 CSV 文件")
            result = importing.run(
                ledger, root=unit, actor=request.user, data=upload.read(), filename=upload.name
            )
        except DomainError as exc:
            ctx["error"] = exc.message
            return render(request, ledger.template("import"), ctx, status=400)
        if result.ok:
            done = f"已导入 {result.created} 条"
            if result.skipped:
                done += f"，{result.skipped} 条此前已导入，未重复登记"
            messages.success(request, done)
            return redirect(reverse(ledger.url("list")))
        ctx["result"] = result
        return render(request, ledger.template("import"), ctx, status=400)

    view.__name__ = f"{ledger.key}_import"
    return view


def excel_template(ledger: Ledger):
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    resp = HttpResponse(importing.template(ledger), content_type=excel.XLSX_MIME)
    resp["Content-Disposition"] = content_disposition_header(True, f"{ledger.title}导入模板.xlsx")
    return resp


def urlpatterns_for(ledgers: list[Ledger], tabs) -> list:
    """Every page of each ledger, under ``<plural>/``."""
    patterns = []
    for lg in ledgers:
        p = lg.plural
        patterns.append(path(f"{p}/", list_view(lg, tabs), name=lg.name("list")))
        if lg.export_route:
            patterns.append(path(f"{p}/export.xlsx", export_view(lg, tabs), name=lg.name("export")))
        if lg.create is not None:
            patterns.append(path(f"{p}/new/", new_view(lg, tabs), name=lg.name("new")))
        if lg.importer is not None:
            patterns.append(path(f"{p}/import/", import_view(lg, tabs), name=lg.name("import")))
        patterns.append(path(f"{p}/<int:pk>/", detail_view(lg, tabs), name=lg.name("detail")))
        if lg.people is not None:
            patterns.append(
                path(
                    f"{p}/<int:pk>/reveal/<int:person>/<str:field>/",
                    reveal_view(lg, tabs),
                    name=lg.name("reveal"),
                )
            )
        if lg.update is not None:
            patterns.append(path(f"{p}/<int:pk>/edit/", edit_view(lg, tabs), name=lg.name("edit")))
        if lg.procedure is not None:
            patterns.append(
                path(
                    f"{p}/<int:pk>/actions/<str:action>/",
                    act_view(lg, tabs),
                    name=lg.name("act"),
                )
            )
    return patterns


# ---------------------------------------------------------------- an app's settings page
# Not a ledger, but every app's 设置 tab is one of two shapes: one whole number per county
# (decisions' filing days, enforcement's display days), or a form of the current county's
# settings (learning, legalservice).


def county_setting_view(model, field: str, save, context, *, invalid: str, saved: str):
    """The 设置 page of one whole number per county, ``field`` of ``model`` (its default
    where a county has kept none): each county the user sees with its value and whether the
    user may change it; a POST saves one county's, ``save(county=, actor=, <field>=n)``, a
    value that is not a whole number told ``invalid``, a refusal its message, a save
    ``saved`` (``{county}``: the county's name). ``context(**kw)`` adds the app's tabs."""
    app = model._meta.app_label
    default = model._meta.get_field(field).default

    @login_required
    def view(request):
        user = request.user
        counties = list(scoping.visible_units(user).filter(kind="county").order_by("path"))
        if request.method == "POST":
            _post_county_setting(request, counties, field, save, invalid, saved)
            return redirect(f"{app}:settings")
        kept = {s.unit_id: getattr(s, field) for s in model.objects.filter(unit__in=counties)}
        rows = [
            {
                "unit": c,
                field: kept.get(c.pk, default),
                "default": c.pk not in kept,
                "can": scoping.can(user, Perm.CONFIGURE, c),
            }
            for c in counties
        ]
        return render(request, f"{app}/settings.html", context(rows=rows))

    return view


def _post_county_setting(request, counties, field, save, invalid, saved):
    county = next((u for u in counties if str(u.pk) == request.POST.get("unit")), None)
    if county is None:
        raise Http404
    try:
        save(county=county, actor=request.user, **{field: int(request.POST.get(field) or 0)})
    except ValueError:
        messages.error(request, invalid)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, saved.format(county=county.name))


def save_settings_form(request, form, save, *, may: bool, refused: str, saved: str) -> bool:
    """A county's settings form posted: refused (403, ``refused``) unless the user ``may``;
    a valid form is saved with ``save(**cleaned_data)`` (a refusal shown as its message).
    True when saved, for the caller's redirect."""
    if not may:
        raise PermissionDenied(refused)
    if not form.is_valid():
        return False
    try:
        save(**form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, saved)
    return True
