"""调解组织 as a ledger for reading: the list (kind, sector, filters, the disputes each
handled in the year, the statutory warnings of a 人民调解委员会), the detail, the Excel
export, the API (``GET /api/v1/disputes/organisations[/{id}]``) and
``fazhi disputes organisation list|show|export``, from the framework.

An organisation is registered and edited, with its members, on the committees page
(``/disputes/committees/``, ``services.disputes.save_committee``): the members' rows are a
form of their own. This declaration gives the rest of what a ledger has."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from fazhi.ledgers.declare import Col, Filt, Ledger, model_fields

from .models import MediationCommittee, OrganisationKind, Sector


def _year(p) -> int:
    return p.year() or timezone.localdate().year


def _with_handled(qs, p):
    """The disputes each organisation handled in the year (registered in it)."""
    year = _year(p)
    return qs.annotate(
        handled=Count("disputes", filter=Q(disputes__registered_on__year=year), distinct=True),
        active_members=Count("members", filter=Q(members__active=True), distinct=True),
    )


def _members(o) -> str:
    rows = [m for m in o.members.all() if m.active]
    return "、".join(f"{m.name}（{m.get_position_display()}）" for m in rows)


def _handled(o):
    return getattr(o, "handled", None)


def _detail(o) -> list[tuple[str, object]]:
    rows = [
        ("名称", o.name),
        ("所在单位", o.unit.name),
        ("类型", o.kind_label),
        ("所属调解组织", o.parent.name if o.parent_id else ""),
    ]
    rows += model_fields(o, ["term_start", "term_end"])
    rows += [
        ("在任成员", _members(o) or "（未登记）"),
        ("调处纠纷（全部年度）", o.disputes.count()),
        ("提示", "；".join(o.warnings()) or "无"),
    ]
    return rows


ORGANISATION = Ledger(
    app="disputes",
    key="organisation",
    plural="organisations",
    model=MediationCommittee,
    title="调解组织",
    columns=[
        Col("名称", lambda o: o.name, "name"),
        Col("所在单位", lambda o: o.unit.name, "unit__path"),
        Col("类型", lambda o: o.kind_label, "kind"),
        Col("所属调解组织", lambda o: o.parent.name if o.parent_id else ""),
        Col("在任成员", lambda o: getattr(o, "active_members", None)),
        Col("本年调处纠纷", _handled),
        Col("本届任期届满", lambda o: o.term_end, "term_end"),
        Col("提示", lambda o: "；".join(o.warnings())),
    ],
    filters=[
        Filt("kind", "类型", tuple(OrganisationKind.choices)),
        Filt("sector", "领域", tuple(Sector.choices)),
    ],
    search=("name",),
    related=("unit", "parent"),
    prefetch=("members",),
    prepare=_with_handled,
    ordering=("unit__path", "name"),
    detail=_detail,
    extra_template="disputes/_organisation_extra.html",
    personal=(),
    empty="还没有调解组织。请在“调委会”页登记调解委员会、综治中心、调解工作室等调解组织及其成员。",
)
