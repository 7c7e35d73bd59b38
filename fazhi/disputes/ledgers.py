"""The three ledgers as staff keep them: list columns, Excel columns, filters, search."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from fazhi.core import pii
from fazhi.core.params import parse_int
from fazhi.ledgers import declare as framework

from . import choices, queries
from .models import (
    Dispute,
    DisputeCategory,
    DisputeParty,
    DisputeStatus,
    GridCase,
    GridCategory,
    GridStatus,
    HotlineAppeal,
    HotlineCategory,
    HotlineStatus,
    Petition,
    Petitioner,
    PetitionStatus,
)
from .procedures import DISPUTE, GRID, HOTLINE, PETITION


def _date(d) -> str:
    return d.isoformat() if d else ""


def _user(u) -> str:
    return u.label if u else ""


def _yes(b) -> str:
    return "是" if b else ""


def _overdue(o) -> str:
    return "逾期" if o.overdue else ""


@dataclass(frozen=True)
class Ledger:
    key: str
    label: str
    model: Any
    procedure: Any
    statuses: Any
    url_prefix: str
    list_columns: tuple
    export_columns: tuple
    flags: tuple  # (param, label, Q)
    categories: Any = None
    choices: Any = None  # a TextChoices of categories, where they are not a table
    date_field: str = ""  # the date the ``year`` filter reads
    related: tuple = ()  # more select_related for lists and exports

    def queryset(self, user, perm="view"):
        if self.model is Petition:
            qs = queries.petitions_visible_to(user, perm)
        else:
            qs = self.model.objects.visible_to(user, perm)
        related = ["unit", "handler", "village", *self.related]
        if self.categories is not None:
            related.append("category")
        return qs.select_related(*related)


SEARCH_ID_LIMIT = 2000


def search_q(model, text: str, user=None) -> Q:
    """Party name, ticket or case number; an ID or phone number matches exactly, through its
    blind index (the numbers themselves are encrypted at rest), and only in the units where
    ``user`` may reveal personal data (``pii.identifier_search``, audited); elsewhere, and
    for a role that may not reveal, identifiers are not searched at all. A term with digits
    is matched against free text and names only in those units too (``pii.free_text_q``).

    People named on a case (parties, petitioners) are looked up first and their cases
    matched by id (or with ``EXISTS`` when there are very many), not through a join: a
    join repeats a case per person and needs DISTINCT over the whole result, which at
    county scale sorted tens of thousands of rows per search. On PostgreSQL the searched
    columns have trigram indexes (migration ``0007_search_trigrams``), used for terms of
    three characters or more."""
    fields = ("id_number", "phone") if model in (Dispute, Petition) else ("phone",)
    ident = pii.identifier_search(user, text, fields=fields, ledger=model._meta.model_name)
    by_id = Q()
    for field, idx in ident.items():
        by_id |= Q(**{f"{field}_bidx": idx})
    q = Q(number__icontains=text)
    if model in (Dispute, Petition):
        if model is Dispute:
            people, parent = DisputeParty.objects.all(), "dispute"
            q |= pii.free_text_q(user, text, ("title",))
        else:
            people, parent = Petitioner.objects.all(), "petition"
            q |= pii.free_text_q(user, text, ("matter",))
        who = pii.free_text_q(user, text, ("name",), unit_field=f"{parent}__unit")
        if ident:
            who |= by_id & pii.reveal_scope_q(user, field=f"{parent}__unit")
        # The people's cases first (a trigram index serves a name of three characters),
        # then their ids as a literal list: PostgreSQL can then OR three index scans
        # (number, title, primary key) instead of testing every case of the county
        # against a subplan in list order. Many matches (a one-character surname across
        # a province): EXISTS, as the list would be long.
        ids = list(people.filter(who).values_list(f"{parent}_id", flat=True)[: SEARCH_ID_LIMIT + 1])
        if len(ids) <= SEARCH_ID_LIMIT:
            q |= Q(pk__in=sorted(set(ids)))
        else:
            q |= Q(Exists(people.filter(who, **{f"{parent}_id": OuterRef("pk")})))
    else:
        if model is GridCase:
            q |= pii.free_text_q(user, text, ("summary", "person_name")) | Q(grid=text)
        else:
            q |= pii.free_text_q(user, text, ("caller", "content"))
        if ident:
            q |= by_id & pii.reveal_scope_q(user)
    return q


def _parties(d):
    return "、".join(p.name for p in d.parties.all())


def _petitioners(p):
    return "、".join(x.name for x in p.petitioners.all())


DISPUTES = Ledger(
    key="dispute",
    label="矛盾纠纷",
    model=Dispute,
    procedure=DISPUTE,
    statuses=DisputeStatus,
    url_prefix="dispute",
    categories=DisputeCategory,
    list_columns=(
        ("编号", lambda o: o.number),
        ("纠纷", lambda o: o.title),
        ("类别", lambda o: o.category.name),
        ("村(社区)", lambda o: o.village.name if o.village_id else o.unit.name),
        ("状态", lambda o: o.get_status_display()),
        ("承办人", lambda o: _user(o.handler)),
        ("当前期限", lambda o: _date(o.due_date)),
    ),
    export_columns=(
        ("编号", lambda o: o.number),
        ("登记日期", lambda o: o.registered_on),
        ("单位", lambda o: o.unit.name),
        ("村(社区)", lambda o: o.village.name if o.village_id else ""),
        ("网格", lambda o: o.grid),
        ("来源", lambda o: o.get_source_display()),
        ("纠纷类别", lambda o: o.category.name),
        ("纠纷简称", lambda o: o.title),
        ("当事人", _parties),
        ("涉及金额（元）", lambda o: float(o.amount)),
        ("可能引发群体性事件", lambda o: _yes(o.risk_group)),
        ("可能激化为刑事案件", lambda o: _yes(o.risk_criminal)),
        ("报告公安机关日期", lambda o: o.police_reported_on),
        ("调委会", lambda o: o.committee.name if o.committee_id else ""),
        ("承办人", lambda o: _user(o.handler)),
        ("调解期限", lambda o: o.mediation_due),
        ("状态", lambda o: o.get_status_display()),
        ("调解结果", lambda o: o.get_outcome_display()),
        ("协议形式", lambda o: o.get_agreement_form_display()),
        ("协议日期", lambda o: o.agreement_on),
        ("化解层级", lambda o: o.get_resolved_level_display()),
        ("回访期限", lambda o: o.followup_due),
        ("司法确认日期", lambda o: o.judicial_confirmed_on),
        ("结案日期", lambda o: o.closed_on),
        ("督办", lambda o: _yes(o.supervised)),
        ("是否逾期", _overdue),
    ),
    flags=(
        ("supervised", "督办", Q(supervised=True)),
        ("risk", "风险纠纷", Q(risk_group=True) | Q(risk_criminal=True)),
        ("judicial", "已司法确认", Q(judicial_confirmed_on__isnull=False)),
    ),
)

PETITIONS = Ledger(
    key="petition",
    label="信访",
    model=Petition,
    procedure=PETITION,
    statuses=PetitionStatus,
    url_prefix="petition",
    list_columns=(
        ("编号", lambda o: o.number),
        ("信访事项", lambda o: o.matter),
        ("类型", lambda o: o.get_petition_type_display()),
        ("形式", lambda o: o.get_channel_display()),
        ("状态", lambda o: o.get_status_display()),
        ("承办人", lambda o: _user(o.handler)),
        ("当前期限", lambda o: _date(o.due_date)),
    ),
    export_columns=(
        ("编号", lambda o: o.number),
        ("收到日期", lambda o: o.received_on),
        ("单位", lambda o: o.unit.name),
        ("信访形式", lambda o: o.get_channel_display()),
        ("信访类型", lambda o: o.get_petition_type_display()),
        ("初信初访", lambda o: _yes(o.first_petition)),
        ("集体访", lambda o: _yes(o.is_group)),
        ("人数", lambda o: o.group_size),
        ("信访人", _petitioners),
        ("信访事项", lambda o: o.matter),
        ("受理告知期限", lambda o: o.acceptance_due),
        ("受理日期", lambda o: o.accepted_on),
        ("办理期限", lambda o: o.handling_due),
        ("延期", lambda o: f"延长{o.extension_days}日" if o.extended else ""),
        ("处理意见", lambda o: o.get_opinion_display()),
        ("答复日期", lambda o: o.replied_on),
        ("按期答复", lambda o: {True: "是", False: "否", None: ""}[o.replied_on_time]),
        ("复查", lambda o: o.reviewed_on or ("复查中" if o.status == "under_review" else "")),
        ("复核", lambda o: o.re_reviewed_on or ("复核中" if o.status == "under_re_review" else "")),
        ("状态", lambda o: o.get_status_display()),
        ("满意度", lambda o: o.get_satisfaction_display()),
        ("信访积案", lambda o: ("已化解" if o.backlog_resolved_at else "是") if o.backlog else ""),
        ("接访领导", lambda o: o.leader_name),
        ("接访领导职务", lambda o: o.leader_post),
        ("承办人", lambda o: _user(o.handler)),
        ("督办", lambda o: _yes(o.supervised)),
        ("是否逾期", _overdue),
    ),
    flags=(
        ("supervised", "督办", Q(supervised=True)),
        ("backlog", "信访积案", Q(backlog=True)),
        ("first", "初信初访", Q(first_petition=True)),
        ("group", "集体访", Q(is_group=True)),
    ),
)

HOTLINE_LEDGER = Ledger(
    key="hotline",
    label="热线诉求",
    model=HotlineAppeal,
    procedure=HOTLINE,
    statuses=HotlineStatus,
    url_prefix="hotline",
    categories=HotlineCategory,
    list_columns=(
        ("工单编号", lambda o: o.number),
        ("热线", lambda o: o.line),
        ("类别", lambda o: o.category.name),
        ("来电时间", lambda o: timezone.localtime(o.received_at).strftime("%Y-%m-%d %H:%M")),
        ("状态", lambda o: o.get_status_display()),
        ("承办人", lambda o: _user(o.handler)),
        ("办理期限", lambda o: _date(o.deadline)),
    ),
    export_columns=(
        ("工单编号", lambda o: o.number),
        ("热线", lambda o: o.line),
        ("诉求类别", lambda o: o.category.name),
        ("来电时间", lambda o: timezone.localtime(o.received_at).replace(tzinfo=None)),
        ("单位", lambda o: o.unit.name),
        ("村(社区)", lambda o: o.village.name if o.village_id else ""),
        ("来电人", lambda o: o.caller),
        ("联系电话", lambda o: pii.mask_mobile(o.phone) if o.phone else ""),
        ("诉求内容", lambda o: o.content),
        ("办理期限", lambda o: o.deadline),
        ("状态", lambda o: o.get_status_display()),
        (
            "签收时间",
            lambda o: timezone.localtime(o.signed_at).replace(tzinfo=None) if o.signed_at else None,
        ),
        ("答复日期", lambda o: o.replied_on),
        ("办结日期", lambda o: o.completed_on),
        ("满意度", lambda o: o.get_satisfaction_display()),
        ("退回重办次数", lambda o: o.redo_count),
        ("提级督办", lambda o: _yes(o.escalated)),
        ("承办人", lambda o: _user(o.handler)),
        ("是否逾期", _overdue),
    ),
    flags=(
        ("supervised", "督办", Q(supervised=True)),
        ("escalated", "提级督办", Q(escalated=True)),
        ("redo", "退回重办", Q(redo_count__gt=0)),
    ),
)


def _local(o, field) -> str:
    value = getattr(o, field)
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


GRID_LEDGER = Ledger(
    key="grid",
    label="网格事件",
    model=GridCase,
    procedure=GRID,
    statuses=GridStatus,
    url_prefix="grid",
    choices=GridCategory,
    date_field="reported_on",
    related=("dispute",),
    list_columns=(
        ("编号", lambda o: o.number),
        ("上报时间", lambda o: _local(o, "reported_at")),
        ("村(社区) / 网格", lambda o: " ".join(x for x in (_place(o), o.grid) if x)),
        ("类别", lambda o: o.get_category_display()),
        ("事件概要", lambda o: o.summary[:40] + ("…" if len(o.summary) > 40 else "")),
        ("状态", lambda o: o.get_status_display()),
        ("处置期限", lambda o: _date(o.due_on)),
    ),
    export_columns=(
        ("编号", lambda o: o.number),
        ("上报时间", lambda o: timezone.localtime(o.reported_at).replace(tzinfo=None)),
        ("单位", lambda o: o.unit.name),
        ("村(社区)", lambda o: o.village.name if o.village_id else ""),
        ("网格", lambda o: o.grid),
        ("事件类别", lambda o: o.get_category_display()),
        ("事件概要", lambda o: o.summary),
        ("上报网格员", lambda o: o.reporter),
        ("当事人", lambda o: o.person_name),
        ("联系电话", lambda o: pii.mask_mobile(o.phone) if o.phone else ""),
        ("处置期限", lambda o: o.due_on),
        ("状态", lambda o: o.get_status_display()),
        ("处置方式", lambda o: o.get_disposal_display()),
        ("处置日期", lambda o: o.handled_on),
        ("按期处置", lambda o: {True: "是", False: "否", None: ""}[o.handled_on_time]),
        ("处置情况", lambda o: o.handling),
        ("转办单位", lambda o: o.referred_to),
        ("矛盾纠纷编号", lambda o: o.dispute.number if o.dispute_id else ""),
        ("办结日期", lambda o: o.closed_on),
        ("承办人", lambda o: _user(o.handler)),
        ("督办", lambda o: _yes(o.supervised)),
        ("是否逾期", _overdue),
    ),
    flags=(
        ("supervised", "督办", Q(supervised=True)),
        ("late", "超期处置", Q(handled_on__gt=F("due_on"))),
        ("person", "有当事人", ~Q(person_name="")),
    ),
)


def _place(o) -> str:
    return o.village.name if o.village_id else o.unit.name


LEDGERS = {lg.key: lg for lg in (DISPUTES, PETITIONS, HOTLINE_LEDGER, GRID_LEDGER)}


# --- The same ledgers declared on fazhi.ledgers (the framework) --------------------------
#
# The move onto the framework goes a page at a time: so far the people panel and the
# reveal of a person's ID or phone number (``<prefix>/<pk>/reveal/<person>/<field>/``)
# come from these declarations; list, export, detail and steps are still the descriptor
# above with the views in ``views/cases.py``.


def _dispute_people(d) -> list[framework.Person]:
    return [
        framework.Person(
            pk=p.pk,
            role=f"{p.get_side_display()}（{p.get_kind_display()}）",
            name=p.name,
            values={"id_number": p.id_number, "phone": p.phone},
            address=p.address,
            plain=("id_number",) if p.kind == "org" else (),  # a credit code, not personal
        )
        for p in d.parties.all()
    ]


def _petition_people(p) -> list[framework.Person]:
    return [
        framework.Person(
            pk=x.pk,
            role="代表" if x.representative else "信访人",
            name=x.name,
            values={"id_number": x.id_number, "phone": x.phone},
            address=x.address,
        )
        for x in p.petitioners.all()
    ]


def _hotline_people(h) -> list[framework.Person]:
    return [framework.Person(h.pk, "来电人", h.caller, {"phone": h.phone}, h.address)]


def _grid_people(g) -> list[framework.Person]:
    if not (g.person_name or g.phone):
        return []
    return [framework.Person(g.pk, "当事人", g.person_name, {"phone": g.phone})]


YES = (("1", "是"),)  # a check box's value


def _status_filter(lg: Ledger) -> framework.Filt:
    def apply(qs, value):
        if value == "open":
            return qs.filter(status__in=lg.model.OPEN_STATES)
        return qs.filter(status=value)

    return framework.Filt("status", "状态", (("open", "在办"), *lg.statuses.choices), apply)


def _category_filter(lg: Ledger) -> framework.Filt | None:
    if lg.categories is not None:
        table = lg.categories
        return framework.Filt(
            "category",
            "类别",
            lambda user: [(str(pk), name) for pk, name in table.objects.values_list("pk", "name")],
            lambda qs, v: qs.filter(category_id=v),
        )
    if lg.model is Petition:
        from .models import PetitionType

        return framework.Filt(
            "category",
            "类别",
            tuple(PetitionType.choices),
            lambda qs, v: qs.filter(petition_type=v),
        )
    if lg.choices is not None:
        return framework.Filt(
            "category", "类别", tuple(lg.choices.choices), lambda qs, v: qs.filter(category=v)
        )
    return None


def _id_filter(name: str, label: str) -> framework.Filt:
    def apply(qs, value):
        pk = parse_int(value)
        return qs.filter(**{f"{name}_id": pk}) if pk else qs

    return framework.Filt(name, label, apply=apply)


def _due_filter(name: str, label: str, lookup: str) -> framework.Filt:
    def apply(qs, value):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return qs
        return qs.filter(**{f"due_date__{lookup}": day})

    return framework.Filt(name, label, apply=apply)


def _filters(lg: Ledger) -> list[framework.Filt]:
    """The page's filters (same parameters as the descriptor's ``filter``)."""
    model = lg.model
    out = [_status_filter(lg), _category_filter(lg)]
    out += [
        _id_filter("village", "村(社区)"),
        _id_filter("handler", "承办人"),
        _due_filter("due_from", "期限不早于", "gte"),
        _due_filter("due_to", "期限不晚于", "lte"),
        framework.Filt(
            "overdue",
            "已逾期",
            YES,
            lambda qs, v: qs.filter(
                status__in=model.OPEN_STATES, due_date__lt=timezone.localdate()
            ),
        ),
    ]
    out += [
        framework.Filt(param, label, YES, lambda qs, v, q=q: qs.filter(q))
        for param, label, q in lg.flags
    ]
    return [f for f in out if f is not None]


def _declare(lg: Ledger, plural: str, people, people_title: str, personal, **kw):
    model = lg.model
    year_field = lg.date_field or ("registered_on" if model is Dispute else "received_on")
    related = ["unit", "handler", "village", *lg.related]
    if lg.categories is not None:
        related.append("category")
    kw.setdefault("related", tuple(related))
    return framework.Ledger(
        app="disputes",
        key=lg.key,
        plural=plural,
        model=model,
        title=lg.label,
        columns=[framework.Col(h, fn) for h, fn in lg.list_columns],
        filters=_filters(lg),
        procedure=lg.procedure,
        people=people,
        people_title=people_title,
        personal=personal,
        search_q=lambda text, user: search_q(model, text, user),
        year_field=f"{year_field}__year",
        orders={"due": ("due_date", "id"), "-due": ("-due_date", "-id")},
        ordering=tuple(model._meta.ordering),
        export_columns=[framework.Col(h, fn) for h, fn in lg.export_columns],
        export_route=True,
        export_title=f"{lg.label}台账",
        templates={"list": "disputes/case_list.html"},
        list_context=choices.list_context(lg),
        **kw,
    )


DECLARED = {
    "dispute": _declare(DISPUTES, "cases", _dispute_people, "当事人", ("id_number", "phone")),
    "petition": _declare(
        PETITIONS,
        "petitions",
        _petition_people,
        "信访人",
        ("id_number", "phone"),
        visible=queries.petitions_visible_to,
        prefetch=("petitioners",),
    ),
    "hotline": _declare(HOTLINE_LEDGER, "hotline", _hotline_people, "来电人", ("phone",)),
    "grid": _declare(GRID_LEDGER, "grid", _grid_people, "当事人", ("phone",)),
}
