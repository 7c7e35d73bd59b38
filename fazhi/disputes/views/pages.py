"""Landing page, registration forms, hotline import, committees, the county overdue page."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from fazhi.core import scoping
from fazhi.core.errors import DomainError
from fazhi.core.params import parse_int, query
from fazhi.core.roles import Perm
from fazhi.web.switcher import current_year

from .. import queries
from ..models import (
    CommitteeMember,
    Dispute,
    DisputeCategory,
    DisputeConfig,
    DisputeSource,
    GridCase,
    HotlineAppeal,
    HotlineCategory,
    MediationCommittee,
    OrganisationKind,
    OverLevel,
    Petition,
    PetitionChannel,
    PetitionType,
    Sector,
)
from ..services import disputes as dispute_services
from ..services import hotline as hotline_services
from ..services import petitions as petition_services
from .common import (
    PARTY_ROWS,
    _changeable_units,
    _checked,
    _form_context,
    _import_page,
    _import_units,
    _people_from_post,
    _registered,
    _unit_from_post,
    get_case,
)

RISKS = ("risk_group", "risk_criminal")  # the dispute form's two risk checkboxes

GRID_STATS = {
    "disposed": Count("id", filter=Q(handled_on__isnull=False)),
    "on_spot": Count("id", filter=Q(disposal="on_the_spot")),
    "on_time": Count("id", filter=Q(handled_on__lte=F("due_on"))),
    "escalated": Count("id", filter=Q(disposal="escalated")),
    "referred": Count("id", filter=Q(disposal="referred")),
}


@login_required
def index(request):
    today = timezone.localdate()
    year = current_year(request)
    user = request.user
    cards = []
    for label, qs, date_field, url in (
        ("矛盾纠纷", queries.disputes_visible_to(user), "registered_on", "disputes:dispute_list"),
        ("信访件", queries.petitions_visible_to(user), "received_on", "disputes:petition_list"),
        ("热线诉求", queries.hotline_visible_to(user), "received_on", "disputes:hotline_list"),
        ("网格事件", queries.grid_visible_to(user), "reported_on", "disputes:grid_list"),
    ):
        model = qs.model
        stats = qs.filter(**{f"{date_field}__year": year}).aggregate(
            total=Count("id"),
            closed=Count("id", filter=~Q(status__in=model.OPEN_STATES)),
            **(GRID_STATS if model is GridCase else {}),  # one pass over the biggest ledger
        )
        live = qs.filter(status__in=model.OPEN_STATES).aggregate(
            open=Count("id"),
            overdue=Count("id", filter=Q(due_date__lt=today)),
            supervised=Count("id", filter=Q(supervised=True)),
        )
        cards.append({"label": label, "url": url, **stats, **live})
    disputes = queries.disputes_visible_to(user).filter(registered_on__year=year)
    dstats = disputes.aggregate(
        succeeded=Count("id", filter=Q(outcome="succeeded")),
        at_village=Count("id", filter=Q(resolved_level="village")),
        at_township=Count("id", filter=Q(resolved_level="township")),
    )
    from django.db.models import Sum

    dstats["amount"] = disputes.aggregate(s=Sum("amount"))["s"] or 0
    hot = queries.hotline_visible_to(user).filter(received_on__year=year)
    hstats = hot.aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(status="completed")),
        rated=Count("id", filter=~Q(satisfaction="")),
        happy=Count("id", filter=Q(satisfaction__in=("satisfied", "basic"))),
    )
    pet = queries.petitions_visible_to(user).filter(received_on__year=year)
    pstats = pet.aggregate(
        first=Count("id", filter=Q(first_petition=True)),
        backlogs=Count("id", filter=Q(backlog=True)),
        backlog_resolved=Count("id", filter=Q(backlog=True, backlog_resolved_at__isnull=False)),
    )
    gstats = cards[-1]
    mine = []
    for qs, url in (
        (queries.disputes_visible_to(user), "disputes:dispute_detail"),
        (queries.petitions_visible_to(user), "disputes:petition_detail"),
        # str(appeal) names its category: fetch it with the row, not once per row
        (queries.hotline_visible_to(user).select_related("category"), "disputes:hotline_detail"),
        (queries.grid_visible_to(user), "disputes:grid_detail"),
    ):
        for o in qs.filter(handler=user, status__in=qs.model.OPEN_STATES).order_by("due_date")[:10]:
            mine.append({"obj": o, "url": reverse(url, args=[o.pk]), "kind": qs.model.KIND_LABEL})
    mine.sort(key=lambda m: (m["obj"].due_date is None, m["obj"].due_date or today))
    committees = MediationCommittee.objects.visible_to(user).prefetch_related("members")
    warnings = [(c, c.warnings(today)) for c in committees[:50]]
    return render(
        request,
        "disputes/index.html",
        {
            "tab": "index",
            "cards": cards,
            "year": year,
            "today": today,
            "dstats": dstats,
            "hstats": hstats,
            "pstats": pstats,
            "gstats": gstats,
            "mine": mine[:15],
            "committee_warnings": [(c, w) for c, w in warnings if w],
            "is_county": scoping.has_perm_anywhere(user, Perm.SUPERVISE),
        },
    )


@login_required
def dispute_new(request):
    context = _form_context(
        request,
        {
            "tab": "dispute",
            "sources": DisputeSource.choices,
            "categories": DisputeCategory.objects.filter(active=True),
            "rows": range(PARTY_ROWS),
        },
    )
    d = _registered(
        request,
        dispute_services.register_dispute,
        checkboxes=RISKS,
        parties=_people_from_post(request.POST, "p"),
    )
    if d is not None:
        messages.success(request, f"已登记纠纷 {d.number}")
        if d.risk_criminal:
            messages.warning(
                request, "该纠纷可能激化为刑事案件：请及时报告公安机关并在案件页面记录"
            )
        return redirect("disputes:dispute_detail", d.pk)
    return render(request, "disputes/dispute_form.html", context)


@login_required
def dispute_edit(request, pk):
    d = get_case(request, "dispute", pk)
    if not scoping.can(request.user, Perm.CHANGE, d):
        raise PermissionDenied("您无权修改该纠纷")
    if request.method == "POST":
        try:
            version = request.POST.get("version")
            dispute_services.update_dispute(
                d,
                actor=request.user,
                data={
                    **{
                        k: request.POST.get(k, "")
                        for k in ("title", "summary", "amount", "category", "grid")
                    },
                    **_checked(request.POST, RISKS),
                },
                expected_version=parse_int(version, 0, 2**62),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已保存")
            return redirect("disputes:dispute_detail", d.pk)
    return render(
        request,
        "disputes/dispute_edit.html",
        {"obj": d, "tab": "dispute", "categories": DisputeCategory.objects.filter(active=True)},
    )


@login_required
def petition_new(request):
    context = _form_context(
        request,
        {
            "tab": "petition",
            "channels": PetitionChannel.choices,
            "types": PetitionType.choices,
            "over_levels": OverLevel.choices,
            "rows": range(PARTY_ROWS),
            "complained_units": scoping.visible_units(request.user).order_by("path")[:300],
        },
    )
    p = _registered(
        request,
        petition_services.register_petition,
        checkboxes=("is_group", "confidential", "first_petition"),
        petitioners=_people_from_post(request.POST, "p"),
    )
    if p is not None:
        messages.success(request, f"已登记信访件 {p.number}，受理告知期限 {p.acceptance_due}")
        return redirect("disputes:petition_detail", p.pk)
    return render(request, "disputes/petition_form.html", context)


@login_required
def hotline_new(request):
    context = _form_context(
        request, {"tab": "hotline", "categories": HotlineCategory.objects.all()}
    )
    h = _registered(request, hotline_services.create_appeal)
    if h is not None:
        messages.success(request, f"已登记工单 {h.number}，办理期限 {h.deadline}")
        return redirect("disputes:hotline_detail", h.pk)
    return render(request, "disputes/hotline_form.html", context)


@login_required
def hotline_import(request):
    return _import_page(
        request,
        _import_units(request.user),
        "disputes/hotline_import.html",
        hotline_services.import_appeals,
        no_file="请选择热线系统导出的 Excel 或 CSV 文件",
        done="导入完成：",
        context={"tab": "hotline", "columns": hotline_services.IMPORT_COLUMNS},
    )


@login_required
def ledger_import(request, key):
    """Import a dispute or petition ledger kept in Excel (all-or-nothing per file)."""
    from ..importers import IMPORTERS

    importer, columns = IMPORTERS[key]
    units = _import_units(request.user)
    if query(request).flag("template"):  # the empty sheet to fill in
        from fazhi.ledgers.pages import excel_template

        from ..ledgers import LEDGERS

        return excel_template(LEDGERS[key])
    return _import_page(
        request,
        units,
        "disputes/ledger_import.html",
        importer,
        no_file="请选择 Excel 或 CSV 文件",
        done="导入：",
        context={
            "tab": key,
            "columns": columns,
            "label": "矛盾纠纷" if key == "dispute" else "信访件",
        },
    )


@login_required
def committee_list(request):
    today = timezone.localdate()
    committees = (
        MediationCommittee.objects.visible_to(request.user)
        .select_related("unit", "parent")
        .prefetch_related("members")
    )
    return render(
        request,
        "disputes/committees.html",
        {
            "tab": "committees",
            "rows": [(c, c.warnings(today)) for c in committees],
            "can_create": bool(_changeable_units(request.user)),
        },
    )


@login_required
def committee_edit(request, pk=None):
    committee = None
    if pk is not None:
        committee = scoping.get_visible_or_404(
            MediationCommittee.objects.all(), request.user, pk=pk
        )
    units = list(_changeable_units(request.user))
    if committee is not None and not scoping.can(request.user, Perm.CHANGE, committee):
        raise PermissionDenied("您无权修改该调委会")
    if not units:
        raise PermissionDenied("您的角色无权登记调委会")
    if request.method == "POST":
        members = [
            {
                "name": request.POST.get(f"m{i}_name", ""),
                "gender": request.POST.get(f"m{i}_gender", "male"),
                "position": request.POST.get(f"m{i}_position", "member"),
            }
            for i in range(12)
        ]
        try:
            unit = committee.unit if committee else _unit_from_post(request)
            c = dispute_services.save_committee(
                actor=request.user,
                unit=unit,
                data=request.POST.dict(),
                members=members,
                committee=committee,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            for w in c.warnings():
                messages.warning(request, w)
            messages.success(request, f"已保存 {c.name}")
            return redirect("disputes:committee_list")
    existing = list(committee.members.all()) if committee else []
    member_rows = [{"i": i, "m": existing[i] if i < len(existing) else None} for i in range(12)]
    parents = (
        MediationCommittee.objects.visible_to(request.user)
        .exclude(kind=OrganisationKind.ROOM)
        .select_related("unit")
        .order_by("unit__path", "name")[:300]
    )
    posted = request.POST if request.method == "POST" else {}
    chosen = {
        "kind": posted.get("kind") or (committee.kind if committee else ""),
        "sector": posted.get("sector") or (committee.sector if committee else ""),
        "parent": str(posted.get("parent") or (committee.parent_id if committee else "") or ""),
    }
    return render(
        request,
        "disputes/committee_form.html",
        {
            "tab": "committees",
            "obj": committee,
            "units": units,
            "member_rows": member_rows,
            "members": CommitteeMember,
            "kinds": [
                {"value": v, "label": label, "selected": v == chosen["kind"]}
                for v, label in OrganisationKind.choices
            ],
            "sectors": [
                {"value": v, "label": label, "selected": v == chosen["sector"]}
                for v, label in Sector.choices
            ],
            "parents": [
                {
                    "pk": p.pk,
                    "label": f"{p.unit.name} {p.name}",
                    "selected": str(p.pk) == chosen["parent"],
                }
                for p in parents
                if committee is None or p.pk != committee.pk
            ],
        },
    )


@login_required
def overdue(request):
    """County supervisors: every township's overdue cases side by side, per mechanism."""
    today = timezone.localdate()
    if not scoping.has_perm_anywhere(request.user, Perm.SUPERVISE):
        raise PermissionDenied("只有督办人员可以查看逾期汇总")
    townships = list(
        scoping.visible_units(request.user, Perm.SUPERVISE)
        .filter(kind__in=("township", "subdistrict", "development_zone"))
        .order_by("path")
    )
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    supervised: dict[int, int] = defaultdict(int)
    for key, qs in (
        ("dispute", queries.disputes_visible_to(request.user, Perm.SUPERVISE)),
        ("petition", queries.petitions_visible_to(request.user, Perm.SUPERVISE)),
        ("hotline", queries.hotline_visible_to(request.user, Perm.SUPERVISE)),
    ):
        rows = qs.filter(status__in=qs.model.OPEN_STATES, due_date__lt=today).values_list(
            "unit__path", "supervised"
        )
        for path, sup in rows:
            for t in townships:
                if path.startswith(t.path):
                    counts[t.pk][key] += 1
                    supervised[t.pk] += int(sup)
                    break
    table = []
    for t in townships:
        c = counts[t.pk]
        table.append(
            {
                "unit": t,
                "dispute": c["dispute"],
                "petition": c["petition"],
                "hotline": c["hotline"],
                "total": c["dispute"] + c["petition"] + c["hotline"],
                "supervised": supervised[t.pk],
            }
        )
    totals = {k: sum(r[k] for r in table) for k in ("dispute", "petition", "hotline", "total")}
    return render(
        request,
        "disputes/overdue.html",
        {"tab": "overdue", "table": table, "totals": totals, "today": today},
    )


@login_required
def settings_page(request):
    units = [
        u
        for u in scoping.visible_units(request.user, Perm.CONFIGURE).filter(
            kind__in=("township", "subdistrict", "development_zone")
        )
    ]
    if not units:
        raise PermissionDenied("只有管理员可以维护调解设置")
    if request.method == "POST":
        from django.db import transaction

        from fazhi.core import audit

        unit = next((u for u in units if str(u.pk) == request.POST.get("unit")), None)
        try:
            days = int(request.POST.get("followup_days", ""))
        except ValueError:
            days = -1
        if unit is None:
            messages.error(request, "请选择单位")
        elif not 1 <= days <= 365:
            messages.error(request, "回访天数应为1至365之间的整数")
        else:
            with transaction.atomic():
                cfg, _ = DisputeConfig.objects.get_or_create(
                    unit=unit, defaults={"created_by": request.user}
                )
                cfg.followup_days = days
                cfg.save()
                audit.record(
                    audit.E.CONFIG, obj=cfg, user=request.user, detail={"followup_days": days}
                )
            messages.success(request, f"{unit.name}：协议后 {days} 天内回访")
            return redirect("disputes:settings")
    rows = [(u, DisputeConfig.followup_days_for(u)) for u in units]
    return render(request, "disputes/settings.html", {"tab": "settings", "rows": rows})


_ = (Dispute, Petition, HotlineAppeal)
