"""The four ledgers of the mechanism (人民调解 disputes, 信访 petitions, 12345 hotline
appeals, 网格 grid cases), declared on fazhi.ledgers: list and Excel columns, filters,
search, people, the steps through each mechanism's service, and the API's spelling its
clients use (``/api/v1/disputes/disputes/{case_id}``…). List, export, reveal, the API and
the CLI's ``fazhi disputes <ledger> …`` come from these; the detail page with its
documents and mediation sessions, and the registration forms (people rows), are the
app's own (``views/``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from fazhi.core import pii
from fazhi.core.params import parse_int
from fazhi.ledgers import declare as framework

from . import choices, importers, queries, schemas
from .assistance import ASSISTANCE
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
    OverLevel,
    Petition,
    Petitioner,
    PetitionStatus,
    PetitionType,
)
from .organisations import ORGANISATION
from .procedures import DISPUTE, GRID, HOTLINE, PETITION
from .reception import RECEPTION
from .services import disputes as dispute_services
from .services import grid as grid_services
from .services import hotline as hotline_services
from .services import petitions as petition_services
from .training import TRAINING


def _date(d) -> str:
    return d.isoformat() if d else ""


def _user(u) -> str:
    return u.label if u else ""


def _yes(b) -> str:
    return "是" if b else ""


def _overdue(o) -> str:
    return "逾期" if o.overdue else ""


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


C = framework.Col

DISPUTE_COLUMNS = [
    C("编号", lambda o: o.number),
    C("纠纷", lambda o: o.title),
    C("类别", lambda o: o.category.name),
    C("村(社区)", lambda o: o.village.name if o.village_id else o.unit.name),
    C("状态", lambda o: o.get_status_display()),
    C("化解途径", lambda o: o.get_route_display()),
    C("承办人", lambda o: _user(o.handler)),
    C("当前期限", lambda o: _date(o.due_date)),
]

DISPUTE_EXPORT = [
    C("编号", lambda o: o.number),
    C("登记日期", lambda o: o.registered_on),
    C("单位", lambda o: o.unit.name),
    C("村(社区)", lambda o: o.village.name if o.village_id else ""),
    C("网格", lambda o: o.grid),
    C("来源", lambda o: o.get_source_display()),
    C("纠纷类别", lambda o: o.category.name),
    C("纠纷简称", lambda o: o.title),
    C("当事人", _parties),
    C("涉及金额（元）", lambda o: float(o.amount)),
    C("可能引发群体性事件", lambda o: _yes(o.risk_group)),
    C("可能激化为刑事案件", lambda o: _yes(o.risk_criminal)),
    C("报告公安机关日期", lambda o: o.police_reported_on),
    C("调委会", lambda o: o.committee.name if o.committee_id else ""),
    C("化解途径", lambda o: o.get_route_display()),
    C("法院案号", lambda o: o.court_case_number),
    C("法院委派/委托日期", lambda o: o.court_referred_on),
    C("承办人", lambda o: _user(o.handler)),
    C("调解期限", lambda o: o.mediation_due),
    C("状态", lambda o: o.get_status_display()),
    C("调解结果", lambda o: o.get_outcome_display()),
    C("协议形式", lambda o: o.get_agreement_form_display()),
    C("协议日期", lambda o: o.agreement_on),
    C("化解层级", lambda o: o.get_resolved_level_display()),
    C("回访期限", lambda o: o.followup_due),
    C("司法确认日期", lambda o: o.judicial_confirmed_on),
    C("结案日期", lambda o: o.closed_on),
    C("督办", lambda o: _yes(o.supervised)),
    C("是否逾期", _overdue),
]

DISPUTE_FLAGS = (
    ("supervised", "督办", Q(supervised=True)),
    ("risk", "风险纠纷", Q(risk_group=True) | Q(risk_criminal=True)),
    ("judicial", "已司法确认", Q(judicial_confirmed_on__isnull=False)),
)

PETITION_COLUMNS = [
    C("编号", lambda o: o.number),
    C("信访事项", lambda o: o.matter),
    C("类型", lambda o: o.get_petition_type_display()),
    C("形式", lambda o: o.get_channel_display()),
    C("状态", lambda o: o.get_status_display()),
    C("承办人", lambda o: _user(o.handler)),
    C("当前期限", lambda o: _date(o.due_date)),
]

PETITION_EXPORT = [
    C("编号", lambda o: o.number),
    C("收到日期", lambda o: o.received_on),
    C("单位", lambda o: o.unit.name),
    C("信访形式", lambda o: o.get_channel_display()),
    C("信访类型", lambda o: o.get_petition_type_display()),
    C("初信初访", lambda o: _yes(o.first_petition)),
    C("集体访", lambda o: _yes(o.is_group)),
    C("人数", lambda o: o.group_size),
    C("信访人", _petitioners),
    C("信访事项", lambda o: o.matter),
    C("受理告知期限", lambda o: o.acceptance_due),
    C("受理日期", lambda o: o.accepted_on),
    C("办理期限", lambda o: o.handling_due),
    C("延期", lambda o: f"延长{o.extension_days}日" if o.extended else ""),
    C("处理意见", lambda o: o.get_opinion_display()),
    C("答复日期", lambda o: o.replied_on),
    C("按期答复", lambda o: {True: "是", False: "否", None: ""}[o.replied_on_time]),
    C("复查", lambda o: o.reviewed_on or ("复查中" if o.status == "under_review" else "")),
    C("复核", lambda o: o.re_reviewed_on or ("复核中" if o.status == "under_re_review" else "")),
    C("状态", lambda o: o.get_status_display()),
    C("满意度", lambda o: o.get_satisfaction_display()),
    C("信访积案", lambda o: ("已化解" if o.backlog_resolved_at else "是") if o.backlog else ""),
    C("接访领导", lambda o: o.leader_name),
    C("接访领导职务", lambda o: o.leader_post),
    C("越级访", lambda o: o.get_over_level_display()),
    C("承办人", lambda o: _user(o.handler)),
    C("督办", lambda o: _yes(o.supervised)),
    C("是否逾期", _overdue),
]

PETITION_FLAGS = (
    ("supervised", "督办", Q(supervised=True)),
    ("backlog", "信访积案", Q(backlog=True)),
    ("first", "初信初访", Q(first_petition=True)),
    ("group", "集体访", Q(is_group=True)),
    ("over_level", "越级访", ~Q(over_level="")),
)

HOTLINE_COLUMNS = [
    C("工单编号", lambda o: o.number),
    C("热线", lambda o: o.line),
    C("类别", lambda o: o.category.name),
    C("来电时间", lambda o: timezone.localtime(o.received_at).strftime("%Y-%m-%d %H:%M")),
    C("状态", lambda o: o.get_status_display()),
    C("承办人", lambda o: _user(o.handler)),
    C("办理期限", lambda o: _date(o.deadline)),
]

HOTLINE_EXPORT = [
    C("工单编号", lambda o: o.number),
    C("热线", lambda o: o.line),
    C("诉求类别", lambda o: o.category.name),
    C("来电时间", lambda o: timezone.localtime(o.received_at).replace(tzinfo=None)),
    C("单位", lambda o: o.unit.name),
    C("村(社区)", lambda o: o.village.name if o.village_id else ""),
    C("来电人", lambda o: o.caller),
    C("联系电话", lambda o: pii.mask_mobile(o.phone) if o.phone else ""),
    C("诉求内容", lambda o: o.content),
    C("办理期限", lambda o: o.deadline),
    C("状态", lambda o: o.get_status_display()),
    C(
        "签收时间",
        lambda o: timezone.localtime(o.signed_at).replace(tzinfo=None) if o.signed_at else None,
    ),
    C("答复日期", lambda o: o.replied_on),
    C("办结日期", lambda o: o.completed_on),
    C("满意度", lambda o: o.get_satisfaction_display()),
    C("退回重办次数", lambda o: o.redo_count),
    C("提级督办", lambda o: _yes(o.escalated)),
    C("承办人", lambda o: _user(o.handler)),
    C("是否逾期", _overdue),
]

HOTLINE_FLAGS = (
    ("supervised", "督办", Q(supervised=True)),
    ("escalated", "提级督办", Q(escalated=True)),
    ("redo", "退回重办", Q(redo_count__gt=0)),
)

GRID_COLUMNS = [
    C("编号", lambda o: o.number),
    C("上报时间", lambda o: _local(o, "reported_at")),
    C("村(社区) / 网格", lambda o: " ".join(x for x in (_place(o), o.grid) if x)),
    C("类别", lambda o: o.get_category_display()),
    C("事件概要", lambda o: o.summary[:40] + ("…" if len(o.summary) > 40 else "")),
    C("状态", lambda o: o.get_status_display()),
    C("处置期限", lambda o: _date(o.due_on)),
]

GRID_EXPORT = [
    C("编号", lambda o: o.number),
    C("上报时间", lambda o: timezone.localtime(o.reported_at).replace(tzinfo=None)),
    C("单位", lambda o: o.unit.name),
    C("村(社区)", lambda o: o.village.name if o.village_id else ""),
    C("网格", lambda o: o.grid),
    C("事件类别", lambda o: o.get_category_display()),
    C("事件概要", lambda o: o.summary),
    C("上报网格员", lambda o: o.reporter),
    C("当事人", lambda o: o.person_name),
    C("联系电话", lambda o: pii.mask_mobile(o.phone) if o.phone else ""),
    C("处置期限", lambda o: o.due_on),
    C("状态", lambda o: o.get_status_display()),
    C("处置方式", lambda o: o.get_disposal_display()),
    C("处置日期", lambda o: o.handled_on),
    C("按期处置", lambda o: {True: "是", False: "否", None: ""}[o.handled_on_time]),
    C("处置情况", lambda o: o.handling),
    C("转办单位", lambda o: o.referred_to),
    C("矛盾纠纷编号", lambda o: o.dispute.number if o.dispute_id else ""),
    C("办结日期", lambda o: o.closed_on),
    C("承办人", lambda o: _user(o.handler)),
    C("督办", lambda o: _yes(o.supervised)),
    C("是否逾期", _overdue),
]

GRID_FLAGS = (
    ("supervised", "督办", Q(supervised=True)),
    ("late", "超期处置", Q(handled_on__gt=F("due_on"))),
    ("person", "有当事人", ~Q(person_name="")),
)


def _local(o, field) -> str:
    value = getattr(o, field)
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _place(o) -> str:
    return o.village.name if o.village_id else o.unit.name


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

# What the list pages' own filter form draws beyond the declared filters (``choices.py``).
STATUSES = {
    "dispute": DisputeStatus,
    "petition": PetitionStatus,
    "hotline": HotlineStatus,
    "grid": GridStatus,
}
FLAGS = {
    "dispute": DISPUTE_FLAGS,
    "petition": PETITION_FLAGS,
    "hotline": HOTLINE_FLAGS,
    "grid": GRID_FLAGS,
}


def _status_filter(model, statuses) -> framework.Filt:
    def apply(qs, value):
        if value == "open":
            return qs.filter(status__in=model.OPEN_STATES)
        return qs.filter(status=value)

    return framework.Filt("status", "状态", (("open", "在办"), *statuses.choices), apply)


def _table_filter(table) -> framework.Filt:
    return framework.Filt(
        "category",
        "类别",
        lambda user: [(str(pk), name) for pk, name in table.objects.values_list("pk", "name")],
        lambda qs, v: qs.filter(category_id=v),
    )


CATEGORY_FILTERS = {
    "dispute": _table_filter(DisputeCategory),
    "petition": framework.Filt(
        "category",
        "类别",
        tuple(PetitionType.choices),
        lambda qs, v: qs.filter(petition_type=v),
    ),
    "hotline": _table_filter(HotlineCategory),
    "grid": framework.Filt(
        "category", "类别", tuple(GridCategory.choices), lambda qs, v: qs.filter(category=v)
    ),
}


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


def _filters(key: str, model) -> list[framework.Filt]:
    """The page's filters, also the API's and the CLI's."""
    out = [_status_filter(model, STATUSES[key]), CATEGORY_FILTERS[key]]
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
        for param, label, q in FLAGS[key]
    ]
    if key == "petition":
        # 越级访 to one level (到省 …): the API's and the CLI's (the page has the check box)
        out.append(
            framework.Filt(
                "level",
                "越级访层级",
                tuple(OverLevel.choices),
                page=False,
                apply=lambda qs, v: qs.filter(over_level=v),
            )
        )
    return out


def _acts(services):
    """A step through the mechanism's own service (its inputs parsed there)."""

    def act(obj, action, *, user, raw, comment="", expected_version=None):
        return services.act(
            obj, action, user=user, data=raw, comment=comment, expected_version=expected_version
        )

    return act


def _api_unit(refused: str):
    """The unit a create through the API names: one the user sees (400 otherwise, as the
    API has always answered), and may register in."""

    def pick(user, unit_id):
        from django.core.exceptions import PermissionDenied

        from fazhi.core import scoping
        from fazhi.core.errors import InvalidInput
        from fazhi.core.roles import Perm

        unit = scoping.visible_units(user).filter(pk=unit_id).first()
        if unit is None:
            raise InvalidInput("找不到该单位", code="unknown_unit")
        if not scoping.can(user, Perm.CHANGE, unit):
            raise PermissionDenied(refused)
        return unit

    return pick


def _register_dispute(*, unit, actor, raw):
    data = dict(raw)
    parties = data.pop("parties", None) or []
    return dispute_services.register_dispute(actor=actor, unit=unit, data=data, parties=parties)


def _register_petition(*, unit, actor, raw):
    data = dict(raw)
    people = data.pop("petitioners", None) or []
    return petition_services.register_petition(
        actor=actor, unit=unit, data=data, petitioners=people
    )


def _create_appeal(*, unit, actor, raw):
    return hotline_services.create_appeal(actor=actor, unit=unit, data=dict(raw))


def _report_case(*, unit, actor, raw):
    return grid_services.report_case(actor=actor, unit=unit, data=dict(raw))


DISPUTE_IN = {"create_in": schemas.DisputeIn, "action_in": schemas.DisputeActionIn}


def _declare(
    key: str,
    *,
    plural: str,
    model,
    title: str,
    columns,
    export,
    people,
    year_field: str,
    services,
    procedure,
    create,
    people_title: str = "当事人",
    personal=("id_number", "phone"),
    api: dict | None = None,
    refused: str = "您无权在该单位登记",
    out=schemas.CaseOut,
    related=(),
    **kw,
):
    """A case ledger of the mechanism; ``refused``: why the API refuses a create in a unit
    the user sees but may not register in."""
    lg = framework.Ledger(
        app="disputes",
        key=key,
        plural=plural,
        model=model,
        title=title,
        columns=columns,
        filters=_filters(key, model),
        related=("unit", "handler", "village", *related),
        procedure=procedure,
        act=_acts(services),
        act_perms=("view",),  # the procedure's own guards decide who takes a step
        create=create,
        people=people,
        people_title=people_title,
        personal=personal,
        search_q=lambda text, user: search_q(model, text, user),
        year_field=f"{year_field}__year",
        orders={"due": ("due_date", "id"), "-due": ("-due_date", "-id")},
        ordering=tuple(model._meta.ordering),
        export_columns=export,
        export_route=True,
        export_title=f"{title}台账",
        templates={"list": "disputes/case_list.html"},
        names={"act": f"{key}_action"},
        api={
            "slash": False,
            "param": "case_id",
            "options": True,
            **DISPUTE_IN,
            "unit": _api_unit(refused),
            **(api or {}),
        },
        out=out,
        tag="disputes",
        **kw,
    )
    lg.list_context = choices.list_context(lg, STATUSES[key], FLAGS[key])
    return lg


LEDGERS = {
    "dispute": _declare(
        "dispute",
        plural="cases",
        model=Dispute,
        title="矛盾纠纷",
        columns=DISPUTE_COLUMNS,
        export=DISPUTE_EXPORT,
        people=_dispute_people,
        year_field="registered_on",
        services=dispute_services,
        procedure=DISPUTE,
        create=_register_dispute,
        api={"path": "disputes", "thing": "disputes"},
        related=("category",),
        prefetch=("parties",),
        page_prefetch=(),  # the list's columns show no party: nothing to decrypt
        importer=importers.DISPUTE_IMPORTER,
    ),
    "petition": _declare(
        "petition",
        plural="petitions",
        model=Petition,
        title="信访",
        columns=PETITION_COLUMNS,
        export=PETITION_EXPORT,
        people=_petition_people,
        people_title="信访人",
        year_field="received_on",
        services=petition_services,
        procedure=PETITION,
        create=_register_petition,
        api={"thing": "petitions", "create_in": schemas.PetitionIn},
        visible=queries.petitions_visible_to,
        prefetch=("petitioners",),
        page_prefetch=(),
        importer=importers.PETITION_IMPORTER,
    ),
    "hotline": _declare(
        "hotline",
        plural="hotline",
        model=HotlineAppeal,
        title="热线诉求",
        columns=HOTLINE_COLUMNS,
        export=HOTLINE_EXPORT,
        people=_hotline_people,
        people_title="来电人",
        personal=("phone",),
        year_field="received_on",
        services=hotline_services,
        procedure=HOTLINE,
        create=_create_appeal,
        api={"create_in": schemas.HotlineIn},
        related=("category",),
    ),
    "grid": _declare(
        "grid",
        plural="grid",
        model=GridCase,
        title="网格事件",
        columns=GRID_COLUMNS,
        export=GRID_EXPORT,
        people=_grid_people,
        personal=("phone",),
        year_field="reported_on",
        services=grid_services,
        procedure=GRID,
        create=_report_case,
        api={"create_in": schemas.GridCaseIn},
        refused="您无权在该单位上报",
        out=schemas.GridCaseOut,
        related=("dispute",),
    ),
}
DECLARED = LEDGERS  # the name the pages and tests have used

# 人民调解员培训: a framework ledger of its own pages (declared in ``training.py``).
LEDGERS["training"] = TRAINING
# 领导接访下访 and 司法救助: likewise (``reception.py``, ``assistance.py``).
LEDGERS["reception"] = RECEPTION
LEDGERS["assistance"] = ASSISTANCE
# 调解组织 for reading (list, detail, export, API, CLI); registered with their members on
# the committees page (``organisations.py``).
LEDGERS["organisation"] = ORGANISATION
