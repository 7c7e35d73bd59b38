"""Petitions (《信访工作条例》2022): registration and the statutory steps with their time limits."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from fazhi.core import audit, workdays
from fazhi.core.errors import InvalidInput
from fazhi.core.models import Unit

from ..models import (
    Opinion,
    OverLevel,
    Petition,
    PetitionChannel,
    Petitioner,
    PetitionType,
    Satisfaction,
)
from ..procedures import PETITION
from .common import ASSIGN, SUPERVISE, check_can_create, next_number, stepper
from .disputes import _village, clean_person
from .fields import Action, Field, parse_value, today

ACCEPTANCE_DAYS = 15  # art. 23: notify acceptance within 15 days of receipt
RETURN_WORKING_DAYS = 5  # outside the remit: return within 5 working days
HANDLING_DAYS = 60  # art. 34
EXTENSION_MAX = 30  # art. 34: extendable once by up to 30 days
REVIEW_DAYS = 30  # arts. 35–36
MAX_REPRESENTATIVES = 5


def refresh_due(p: Petition) -> None:
    pairs = {
        "received": ("acceptance_due", "受理告知期限"),
        "accepted": ("handling_due", "办理期限"),
        "under_review": ("review_due", "复查答复期限"),
        "under_re_review": ("re_review_due", "复核答复期限"),
    }
    if p.status in pairs:
        field, label = pairs[p.status]
        p.due_date = getattr(p, field)
        p.due_provisional = getattr(p, f"{field}_provisional")
        p.due_label = label
    else:
        p.due_date, p.due_provisional, p.due_label = None, False, ""


def set_receipt_deadlines(p: Petition) -> None:
    acc = workdays.add_calendar_days(p.received_on, ACCEPTANCE_DAYS)
    ret = workdays.add_working_days(p.received_on, RETURN_WORKING_DAYS)
    p.acceptance_due, p.acceptance_due_provisional = acc.date, acc.provisional
    p.return_due, p.return_due_provisional = ret.date, ret.provisional


@transaction.atomic
def register_petition(*, actor, unit: Unit, data: dict, petitioners: list[dict]) -> Petition:
    village = _village(unit, data.get("village"))
    owner = village or unit
    check_can_create(actor, owner)
    channel = data.get("channel") or ""
    if channel not in PetitionChannel.values:
        raise InvalidInput("请选择信访形式（来信、来访、来电、网上信访、上级转送交办）")
    ptype = data.get("petition_type") or ""
    if ptype not in PetitionType.values:
        raise InvalidInput("请选择信访类型（建议意见、检举控告、申诉求决）")
    matter = (data.get("matter") or "").strip()
    if not matter or len(matter) > 200:
        raise InvalidInput("请填写信访事项（不超过200字）")
    received_on = parse_value(
        Field("received_on", "收到日期", "date"), data.get("received_on") or today()
    )
    if received_on > today():
        raise InvalidInput("收到日期不能晚于今天")
    people = []
    for raw in petitioners or []:
        if not (raw.get("name") or "").strip():
            continue
        person = clean_person({**raw, "kind": "person"}, org_allowed=False)
        person.pop("kind")
        person.pop("side")
        person["representative"] = bool(raw.get("representative"))
        people.append(person)
    if not people:
        raise InvalidInput("请至少填写一名信访人")
    is_group = bool(data.get("is_group"))
    group_size = data.get("group_size") or len(people)
    try:
        group_size = int(group_size)
    except (TypeError, ValueError):
        raise InvalidInput("人数应为整数")
    if is_group:
        reps = [p for p in people if p["representative"]] or people
        if len(reps) > MAX_REPRESENTATIVES:
            raise InvalidInput(
                f"多人采用走访形式提出同一信访事项的，应当推选代表，代表人数不超过{MAX_REPRESENTATIVES}人"
            )
    prior = None
    prior_id = data.get("prior")
    if prior_id not in (None, ""):
        from ..queries import petitions_visible_to

        prior = (
            petitions_visible_to(actor).filter(pk=prior_id).first()
            if str(prior_id).isdecimal()
            else None
        )
        if prior is None:
            raise InvalidInput("找不到所选的前次信访件")
    complained = None
    cu = data.get("complained_unit")
    if cu not in (None, ""):
        complained = Unit.objects.filter(pk=cu).first() if str(cu).isdecimal() else None
        if complained is None:
            raise InvalidInput("找不到被反映单位")
    confidential = bool(data.get("confidential"))
    if confidential and complained is None:
        raise InvalidInput("标记保密的信访件须填写被反映单位")
    leader_name, leader_post = clean_leader(data)
    over_level = clean_over_level(data.get("over_level"))
    p = Petition(
        unit=owner,
        created_by=actor,
        number=next_number(Petition, owner, received_on.year, "信"),
        channel=channel,
        petition_type=ptype,
        first_petition=prior is None
        and data.get("first_petition", True) not in (False, "0", "false", ""),
        is_group=is_group,
        group_size=max(group_size, len(people)),
        matter=matter,
        request=(data.get("request") or "").strip()[:5000],
        village=village,
        prior=prior,
        received_on=received_on,
        confidential=confidential,
        complained_unit=complained,
        leader_name=leader_name,
        leader_post=leader_post,
        over_level=over_level,
    )
    set_receipt_deadlines(p)
    refresh_due(p)
    p.save()
    for person in people:
        Petitioner.objects.create(petition=p, **person)
    audit.record(audit.E.CREATE, obj=p, user=actor)
    return p


def clean_leader(data: dict) -> tuple[str, str]:
    """The head who received the petitioner in person (接访领导) and their post, both optional;
    a post without a name is refused (the report names who received whom)."""
    name = str(data.get("leader_name") or "").strip()
    post = str(data.get("leader_post") or "").strip()
    if len(name) > 50 or len(post) > 50:
        raise InvalidInput("接访领导姓名和职务均不超过50字")
    if post and not name:
        raise InvalidInput("填写了接访领导职务，请同时填写接访领导姓名")
    return name, post


NO_OVER_LEVEL = ("", "否", "无", "没有", "未越级", "none", "no", "0", "false")


def clean_over_level(value) -> str:
    """越级访: a level's value (province) or label (到省), or blank / 否 / 无 for none."""
    text = str(value if value is not None else "").strip()
    if text.lower() in NO_OVER_LEVEL:
        return ""
    by_label = {str(label): v for v, label in OverLevel.choices}
    by_label.update({"县": "county", "市": "city", "省": "province", "京": "capital"})
    if text in OverLevel.values:
        return text
    if text in by_label:
        return by_label[text]
    labels = "、".join(label for _v, label in OverLevel.choices)
    raise InvalidInput(f"越级访应为{labels}之一（未越级的留空）")


# --- steps -----------------------------------------------------------------------------


def _not_future(day, label):
    if day > today():
        raise InvalidInput(f"{label}不能晚于今天")


def _accept(p, cd, user):
    _not_future(cd["accepted_on"], "受理日期")
    if cd["accepted_on"] < p.received_on:
        raise InvalidInput("受理日期不能早于收到日期")
    p.accepted_on = cd["accepted_on"]
    dl = workdays.add_calendar_days(p.accepted_on, HANDLING_DAYS)
    p.handling_due, p.handling_due_provisional = dl.date, dl.provisional
    p.status = "accepted"
    refresh_due(p)


def _not_accept(p, cd, user):
    p.not_accepted_reason = cd["reason"]
    p.closed_on = cd["decided_on"]
    p.status = "not_accepted"
    refresh_due(p)


def _return(p, cd, user):
    p.returned_on = cd["returned_on"]
    p.returned_reason = cd["reason"]
    p.closed_on = cd["returned_on"]
    p.status = "returned"
    refresh_due(p)


def _extend(p, cd, user):
    days = cd["days"]
    if not 1 <= days <= EXTENSION_MAX:
        raise InvalidInput(f"延长期限不得超过{EXTENSION_MAX}日")
    dl = workdays.add_calendar_days(p.handling_due, days)
    p.handling_due, p.handling_due_provisional = dl.date, dl.provisional
    p.extended = True
    p.extension_days = days
    p.extension_approver = cd["approver"]
    p.extension_reason = cd["reason"]
    refresh_due(p)


def _reply(p, cd, user):
    _not_future(cd["replied_on"], "答复日期")
    if p.accepted_on and cd["replied_on"] < p.accepted_on:
        raise InvalidInput("答复日期不能早于受理日期")
    if cd["request"]:
        p.request = cd["request"]
    if not p.request:
        raise InvalidInput("请填写信访人的诉求")
    p.facts = cd["facts"]
    p.opinion = cd["opinion"]
    p.opinion_text = cd["opinion_text"]
    p.legal_basis = cd["legal_basis"]
    p.replied_on = cd["replied_on"]
    p.replied_on_time = bool(p.handling_due and p.replied_on <= p.handling_due)
    p.review_request_due = workdays.add_calendar_days(p.replied_on, REVIEW_DAYS).date
    p.status = "replied"
    refresh_due(p)


def _review_deadline(requested_on, answered_on, request_due, early: str, late: str):
    """The deadline of a review (复查 or 复核) asked for on ``requested_on``: refused before
    the answer it reviews (``early``) or after the 30 days to ask (``late``)."""
    if requested_on < answered_on:
        raise InvalidInput(early)
    if requested_on > request_due:
        raise InvalidInput(f"{late}（截至{request_due:%Y-%m-%d}），已超过期限")
    return workdays.add_calendar_days(requested_on, REVIEW_DAYS)


def _request_review(p, cd, user):
    dl = _review_deadline(
        cd["requested_on"],
        p.replied_on,
        p.review_request_due,
        "申请日期不能早于书面答复日期",
        "复查应在收到书面答复之日起30日内申请",
    )
    p.review_requested_on = cd["requested_on"]
    p.review_due, p.review_due_provisional = dl.date, dl.provisional
    p.status = "under_review"
    refresh_due(p)


def _review(p, cd, user):
    if cd["reviewed_on"] < p.review_requested_on:
        raise InvalidInput("复查答复日期不能早于申请日期")
    p.reviewed_on = cd["reviewed_on"]
    p.review_result = cd["result"]
    p.re_review_request_due = workdays.add_calendar_days(p.reviewed_on, REVIEW_DAYS).date
    p.status = "reviewed"
    refresh_due(p)


def _request_re_review(p, cd, user):
    dl = _review_deadline(
        cd["requested_on"],
        p.reviewed_on,
        p.re_review_request_due,
        "申请日期不能早于复查答复日期",
        "复核应在收到复查意见之日起30日内申请",
    )
    p.re_review_requested_on = cd["requested_on"]
    p.re_review_due, p.re_review_due_provisional = dl.date, dl.provisional
    p.status = "under_re_review"
    refresh_due(p)


def _re_review(p, cd, user):
    if cd["reviewed_on"] < p.re_review_requested_on:
        raise InvalidInput("复核答复日期不能早于申请日期")
    p.re_reviewed_on = cd["reviewed_on"]
    p.re_review_result = cd["result"]
    p.closed_on = cd["reviewed_on"]
    p.status = "re_reviewed"
    refresh_due(p)


def _close(p, cd, user):
    p.closed_on = cd["closed_on"]
    p.status = "closed"
    refresh_due(p)


def _rate(p, cd, user):
    p.satisfaction = cd["satisfaction"]


def _mark_backlog(p, cd, user):
    p.backlog = True
    p.backlog_since = cd["since"]
    p.backlog_resolved_at = None
    p.backlog_resolved_by = None


def _resolve_backlog(p, cd, user):
    p.backlog_resolved_at = timezone.now()
    p.backlog_resolved_by = user


def _leader(p, cd, user):
    p.leader_name, p.leader_post = clean_leader(cd)


def _over_level(p, cd, user):
    p.over_level = clean_over_level(cd.get("over_level"))


ACTIONS: dict[str, Action] = {
    "assign": ASSIGN,
    "supervise": SUPERVISE,
    "accept": Action((Field("accepted_on", "受理日期", "date", True, default=today),), _accept),
    "not_accept": Action(
        (
            Field("reason", "不予受理的理由和依据", "textarea", True),
            Field("decided_on", "告知日期", "date", True, default=today),
        ),
        _not_accept,
        comment_field="reason",
    ),
    "return": Action(
        (
            Field(
                "reason", "退回理由（不属于本单位职责的，写明应向哪个机关提出）", "textarea", True
            ),
            Field("returned_on", "退回日期", "date", True, default=today),
        ),
        _return,
        comment_field="reason",
    ),
    "extend": Action(
        (
            Field("days", "延长天数（不超过30日）", "int", True, default=30),
            Field("approver", "批准人（本单位负责人）", required=True),
            Field("reason", "延期理由", "textarea", True),
            Field("notice_on", "书面告知信访人日期", "date", True, default=today),
        ),
        _extend,
        comment_field="reason",
    ),
    "reply": Action(
        (
            Field("request", "信访人诉求", "textarea"),
            Field("facts", "查明的事实", "textarea", True),
            Field("opinion", "处理意见", "choice", True, tuple(Opinion.choices)),
            Field("opinion_text", "处理意见内容", "textarea", True),
            Field("legal_basis", "法律政策依据", "textarea", True),
            Field("replied_on", "书面答复日期", "date", True, default=today),
        ),
        _reply,
    ),
    "request_review": Action(
        (Field("requested_on", "申请复查日期", "date", True, default=today),), _request_review
    ),
    "review": Action(
        (
            Field("result", "复查意见", "textarea", True),
            Field("reviewed_on", "复查答复日期", "date", True, default=today),
        ),
        _review,
        comment_field="result",
    ),
    "request_re_review": Action(
        (Field("requested_on", "申请复核日期", "date", True, default=today),),
        _request_re_review,
    ),
    "re_review": Action(
        (
            Field("result", "复核意见", "textarea", True),
            Field("reviewed_on", "复核答复日期", "date", True, default=today),
        ),
        _re_review,
        comment_field="result",
    ),
    "close": Action((Field("closed_on", "办结日期", "date", True, default=today),), _close),
    "rate": Action(
        (Field("satisfaction", "满意度", "choice", True, tuple(Satisfaction.choices)),), _rate
    ),
    "mark_backlog": Action(
        (
            Field("since", "列为积案日期", "date", True, default=today),
            Field("note", "说明", "textarea"),
        ),
        _mark_backlog,
        comment_field="note",
    ),
    "resolve_backlog": Action(
        (Field("note", "化解情况", "textarea", True),), _resolve_backlog, comment_field="note"
    ),
    "leader": Action(
        (
            Field("leader_name", "接访领导", required=True),
            Field("leader_post", "接访领导职务", help="如：党委书记、乡镇长"),
        ),
        _leader,
    ),
    "over_level": Action(
        (
            Field(
                "over_level",
                "越级访",
                "choice",
                False,
                (("", "未越级"), *OverLevel.choices),
                help="信访人越级到县、到市、到省或进京的，选择其到达的层级；未越级的选“未越级”",
            ),
        ),
        _over_level,
    ),
}
assert set(ACTIONS) == set(PETITION.transitions), "every petition step needs its inputs"


act = stepper(PETITION, ACTIONS)
