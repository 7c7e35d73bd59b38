"""List, detail, step, export, document and reveal pages shared by the three ledgers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fazhi.core import attachments, pii, scoping
from fazhi.core import documents as core_documents
from fazhi.core.errors import DomainError
from fazhi.core.history import diff
from fazhi.core.params import parse_int
from fazhi.core.procedures import timeline
from fazhi.core.roles import Perm
from fazhi.ledgers import fields as flow
from fazhi.ledgers.pages import people_rows

from .. import documents
from ..ledgers import STATUSES
from ..services import disputes as dispute_services
from ..services import grid as grid_services
from ..services import hotline as hotline_services
from ..services import petitions as petition_services
from ..services.fields import eligible_handlers
from .common import _ledger, get_case
from .fields import detail_fields

SERVICES = {
    "dispute": dispute_services,
    "petition": petition_services,
    "hotline": hotline_services,
    "grid": grid_services,
}


HIDDEN_FIELDS = {"version", "updated_at", "due_date", "due_provisional", "due_label"}


def _timeline(obj, ledger):
    """Every step (with what it changed) and every other edit, oldest first."""
    labels = dict(STATUSES[ledger.key].choices)
    steps = []
    for t in timeline(obj):
        change = ""
        if t.from_status != t.to_status:
            change = f"{labels.get(t.from_status, t.from_status)} → {labels.get(t.to_status, t.to_status)}"
        steps.append(
            {
                "at": t.at,
                "who": t.actor_name,
                "what": t.label,
                "comment": t.comment,
                "change": change,
                "details": "",
            }
        )
    fields = {f.attname: f for f in obj._meta.fields} | {f.name: f for f in obj._meta.fields}
    entries = list(steps)
    for rec in obj.history.select_related("history_user").order_by("history_date")[:300]:
        who = rec.history_user.label if rec.history_user else "系统"
        if rec.history_type == "+":
            entries.append(
                {
                    "at": rec.history_date,
                    "who": who,
                    "what": "登记",
                    "comment": "",
                    "change": "",
                    "details": "",
                }
            )
            continue
        changes = [
            c for c in diff(rec) if c["field"] not in HIDDEN_FIELDS and c["field"] != "status"
        ]
        text = "；".join(
            f"{fields[c['field']].verbose_name if c['field'] in fields else c['field']}："
            f"{_fmt(fields.get(c['field']), c['old'])} → {_fmt(fields.get(c['field']), c['new'])}"
            for c in changes
        )
        # A save made by a step belongs to that step: show its changes there.
        step = next(
            (
                s
                for s in steps
                if not s.get("matched") and 0 <= (s["at"] - rec.history_date).total_seconds() < 5
            ),
            None,
        )
        if step is not None:
            # The step's own save, made just before its record in the same transaction.
            step["matched"] = True
            step["details"] = text
        elif text:
            entries.append(
                {
                    "at": rec.history_date,
                    "who": who,
                    "what": "修改记录",
                    "comment": "",
                    "change": "",
                    "details": text,
                }
            )
    entries.sort(key=lambda e: e["at"])
    return entries


def _fmt(field, value):
    if value in (None, ""):
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if field is not None and field.choices:
        return str(dict(field.choices).get(value, value))
    if field is not None and field.is_relation and field.related_model is not None:
        target = field.related_model.objects.filter(pk=value).first()
        return str(target) if target is not None else str(value)
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "hour") else value.isoformat()
    text = str(value)
    return text[:60] + ("…" if len(text) > 60 else "")


def _action_forms(obj, ledger, user):
    services = SERVICES[ledger.key]
    forms = []
    for option in ledger.procedure.available(obj, user):
        spec = services.ACTIONS[option.transition.action]
        fields = []
        for f in spec.fields:
            choices = list(f.choices)
            if f.kind == "user":
                choices = [(str(u.pk), u.label) for u in eligible_handlers(obj)]
            elif f.kind == "committee":
                from django.db.models import Q

                from ..models import MediationCommittee

                # the township's organisations and those above it (a county's
                # 行业性专业性 committee), named with their kind when not a 调委会
                township = obj.unit.township() or obj.unit
                choices = [
                    (str(c.pk), c.name if c.is_committee else f"{c.name}（{c.get_kind_display()}）")
                    for c in MediationCommittee.objects.filter(
                        Q(unit__path__startswith=township.path)
                        | Q(unit_id__in=township.ancestor_ids())
                    )
                ]
            elif f.kind == "dispute_category":
                from ..models import DisputeCategory

                choices = [(str(c.pk), c.name) for c in DisputeCategory.objects.filter(active=True)]
            default = f.default() if callable(f.default) else f.default
            fields.append({"f": f, "choices": choices, "default": default})
        forms.append({"option": option, "fields": fields})
    return forms


def _not_applicable(obj, ledger):
    """The steps that do not apply in the current state, with why (shown under the buttons)."""
    status = obj.status
    label = obj.get_status_display()
    out = []
    for t in ledger.procedure.transitions.values():
        if status not in t.source:
            out.append((t.label, f"当前状态为“{label}”，不能{t.label}"))
    return out


@login_required
def case_detail(request, key, pk):
    ledger = _ledger(key)
    obj = get_case(request, key, pk)
    ct = ContentType.objects.get_for_model(obj)
    context = {
        "ledger": ledger,
        "obj": obj,
        "tab": ledger.key,
        "fields": detail_fields(obj, request.user),
        "people": people_rows(request, ledger, obj),
        "declared": ledger,
        "declared_names": {"reveal": ledger.url("reveal")},
        "forms": _action_forms(obj, ledger, request.user),
        "not_applicable": _not_applicable(obj, ledger),
        "timeline": _timeline(obj, ledger),
        "attachments": attachments.for_object(obj),
        "ct": ct.pk,
        "documents": documents.available(obj) if ledger.key in ("dispute", "petition") else [],
        "today": timezone.localdate(),
        "can_change": scoping.can(request.user, Perm.CHANGE, obj),
        "may_reveal": pii.may_reveal(request.user, obj.unit),
        "sessions": obj.sessions.all() if ledger.key == "dispute" else [],
        "followups": obj.followups.all() if ledger.key == "dispute" else [],
    }
    return render(request, "disputes/case_detail.html", context)


@login_required
@require_POST
def case_action(request, key, pk, action):
    ledger = _ledger(key)
    obj = get_case(request, key, pk)
    if action not in ledger.procedure.transitions:
        raise Http404
    services = SERVICES[key]
    version = request.POST.get("version")
    expected = parse_int(version, 0, 2**62)
    data = {
        k: v
        for k, v in request.POST.items()
        if k not in ("csrfmiddlewaretoken", "version", "comment")
    }
    for f in services.ACTIONS[action].fields:
        if f.kind == "bool" and f.name not in request.POST:
            data[f.name] = False if f.default is None else data.get(f.name, False)
    try:
        flow.step(
            ledger,
            obj,
            action,
            user=request.user,
            raw=data,
            comment=request.POST.get("comment", ""),
            expected_version=expected,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{ledger.procedure.get(action).label}")
    return redirect(reverse(f"disputes:{key}_detail", args=[obj.pk]))


@login_required
def case_document(request, key, pk, name):
    obj = get_case(request, key, pk)
    if key == "hotline":
        raise Http404
    try:
        filename, data = documents.render(obj, name)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(reverse(f"disputes:{key}_detail", args=[obj.pk]))
    return core_documents.docx_response(filename, data)


def version_input(obj) -> HttpResponse:  # pragma: no cover - helper for templates
    return HttpResponse(str(obj.version))
