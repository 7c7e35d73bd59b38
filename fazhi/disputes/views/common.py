"""What the disputes pages share: the record a URL names, the units a user may register
in, and the registration form's unit, village and people rows. Imported by the page
modules, importing none of them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from fazhi.core import scoping
from fazhi.core.errors import DomainError
from fazhi.core.models import Unit
from fazhi.core.params import post
from fazhi.core.roles import Perm
from fazhi.web.switcher import current_unit

from ..ledgers import LEDGERS

PARTY_ROWS = 4


def _ledger(key):
    try:
        return LEDGERS[key]
    except KeyError:
        raise Http404


def get_case(request, key, pk, perm=Perm.VIEW):
    ledger = _ledger(key)
    return scoping.get_visible_or_404(ledger.base_qs(request.user, perm), request.user, pk=pk)


def _changeable_units(user):
    units = scoping.visible_units(user, Perm.CHANGE).filter(
        kind__in=("township", "subdistrict", "development_zone", "village", "community")
    )
    return units.order_by("path")


def _default_unit(request, units):
    cu = current_unit(request)
    if cu is not None and any(u.pk == cu.pk for u in units):
        return cu
    return units[0] if units else None


def _form_context(request, extra):
    units = list(_changeable_units(request.user))
    if not units:
        raise PermissionDenied("您的角色无权登记")
    unit = _default_unit(request, units)
    township = unit.township() or unit
    villages = Unit.objects.filter(
        path__startswith=township.path, kind__in=("village", "community")
    ).order_by("path")
    return {"units": units, "unit": unit, "villages": villages, "post": request.POST, **extra}


def _unit_from_post(request):
    pk = post(request).id("unit")
    unit = _changeable_units(request.user).filter(pk=pk).first() if pk else None
    if unit is None:
        raise DomainError("请选择登记单位")
    return unit


def _checked(post, names) -> dict:
    """The checkboxes ``names`` of a form as booleans (an unticked box is not posted)."""
    return {name: post.get(name) == "on" for name in names}


def _registered(request, register, checkboxes=(), **kw):
    """On a POST, ``register(actor=…, unit=…, data=…, **kw)`` for the user in the unit the
    form names, ``data`` the form with its ``checkboxes`` as booleans: the new record, or
    None with the refusal shown as an error (None on a GET)."""
    if request.method != "POST":
        return None
    try:
        return register(
            actor=request.user,
            unit=_unit_from_post(request),
            data={**request.POST.dict(), **_checked(request.POST, checkboxes)},
            **kw,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return None


def _import_units(user):
    units = list(_changeable_units(user))
    if not units:
        raise PermissionDenied("您的角色无权导入")
    return units


def _import_page(request, units, template, importer, *, no_file, done, context):
    """An import form; on a POST, ``importer`` run on the uploaded file in the unit the form
    names, its summary (after ``done``) said as a message and its result shown."""
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError(no_file)
            from fazhi.core.excel import MAX_IMPORT_BYTES

            result = importer(
                actor=request.user,
                unit=_unit_from_post(request),
                data=upload.read(MAX_IMPORT_BYTES + 1),
                filename=upload.name,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            (messages.warning if result.errors else messages.success)(
                request, done + result.summary()
            )
    return render(
        request,
        template,
        {"units": units, "unit": _default_unit(request, units), "result": result, **context},
    )


def _people_from_post(post, prefix: str) -> list[dict]:
    out = []
    for i in range(PARTY_ROWS):
        out.append(
            {
                "name": post.get(f"{prefix}{i}_name", ""),
                "kind": post.get(f"{prefix}{i}_kind", "person"),
                "side": post.get(f"{prefix}{i}_side", "applicant"),
                "id_number": post.get(f"{prefix}{i}_id_number", ""),
                "phone": post.get(f"{prefix}{i}_phone", ""),
                "address": post.get(f"{prefix}{i}_address", ""),
                "representative": post.get(f"{prefix}{i}_representative") == "on",
            }
        )
    return out
