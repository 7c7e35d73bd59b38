"""Hotline appeals (12345 / 8890): entry by hand, import from the hotline system, the steps."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from fazhi.core import audit, excel, workdays
from fazhi.core.errors import InvalidInput
from fazhi.core.models import Unit

from ..models import HotlineAppeal, HotlineCategory, Satisfaction
from ..procedures import HOTLINE
from .common import (
    ASSIGN,
    SUPERVISE,
    ImportResult,
    check_can_create,
    notify_supervisors,
    read_import,
    record_import,
    row_number,
    stepper,
)
from .disputes import clean_phone
from .fields import Action, Field, today


def refresh_due(h: HotlineAppeal) -> None:
    if h.status in HotlineAppeal.OPEN_STATES:
        h.due_date, h.due_provisional, h.due_label = h.deadline, h.deadline_provisional, "办理期限"
    else:
        h.due_date, h.due_provisional, h.due_label = None, False, ""


def category_by_ref(value) -> HotlineCategory:
    cat = None
    if value not in (None, ""):
        if str(value).isdecimal():
            cat = HotlineCategory.objects.filter(pk=int(value)).first()
        if cat is None:
            cat = HotlineCategory.objects.filter(name=str(value).strip()).first()
    if cat is None:
        names = "、".join(HotlineCategory.objects.values_list("name", flat=True))
        raise InvalidInput(f"诉求类别无效（可选：{names}）")
    return cat


def _received_at(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    try:
        return excel.parse_datetime(value)
    except ValueError as exc:
        raise InvalidInput(str(exc))


def _build(unit: Unit, data: dict, actor) -> HotlineAppeal:
    ticket = str(data.get("number") or "").strip()
    if not ticket or len(ticket) > 40:
        raise InvalidInput("请填写工单编号（不超过40字符）")
    content = (data.get("content") or "").strip()
    if not content:
        raise InvalidInput("请填写诉求内容")
    received_at = _received_at(data.get("received_at"))
    received_on = timezone.localtime(received_at).date()
    if received_on > today():
        raise InvalidInput("来电时间不能晚于今天")
    cat = category_by_ref(data.get("category"))
    line = str(data.get("line") or "12345").strip()[:10]
    village = None
    v = data.get("village")
    if v not in (None, ""):
        township = unit.township() or unit
        qs = Unit.objects.filter(path__startswith=township.path, kind__in=("village", "community"))
        village = qs.filter(pk=v).first() if str(v).isdecimal() else qs.filter(name=str(v)).first()
        if village is None:
            raise InvalidInput(f"村(社区)“{v}”不在本乡镇")
    dl = workdays.add_working_days(received_on, cat.deadline_days)
    h = HotlineAppeal(
        unit=unit,
        created_by=actor,
        number=ticket,
        line=line,
        category=cat,
        received_at=received_at,
        received_on=received_on,
        caller=(data.get("caller") or "").strip()[:50],
        phone=clean_phone(str(data.get("phone") or "")),
        address=(data.get("address") or "").strip()[:200],
        content=content[:5000],
        village=village,
        deadline=dl.date,
        deadline_provisional=dl.provisional,
    )
    refresh_due(h)
    return h


@transaction.atomic
def create_appeal(*, actor, unit: Unit, data: dict) -> HotlineAppeal:
    check_can_create(actor, unit)
    h = _build(unit, data, actor)
    if HotlineAppeal.objects.filter(number=h.number).exists():
        raise InvalidInput(f"工单编号“{h.number}”已存在")
    h.save()
    audit.record(audit.E.CREATE, obj=h, user=actor)
    return h


IMPORT_COLUMNS = [
    excel.Column("number", "工单编号", True, aliases=("工单号", "编号")),
    excel.Column("line", "热线", aliases=("来源",)),
    excel.Column("category", "诉求类别", True, aliases=("类别", "诉求类型")),
    excel.Column("received_at", "来电时间", True, excel.parse_datetime, ("受理时间",)),
    excel.Column("caller", "来电人", aliases=("姓名", "诉求人")),
    excel.Column("phone", "联系电话", aliases=("电话",)),
    excel.Column("address", "地址", aliases=("诉求地址",)),
    excel.Column("content", "诉求内容", True, aliases=("内容",)),
    excel.Column("village", "村(社区)", aliases=("所属村", "村（社区）")),
]


def import_appeals(*, actor, unit: Unit, data: bytes, filename: str) -> ImportResult:
    """Import the hotline system's export: good rows in one transaction, bad rows reported.

    A ticket number already in the ledger is left as it is, so importing the same file
    twice changes nothing.
    """
    check_can_create(actor, unit)
    rows, result = read_import(data, filename, IMPORT_COLUMNS)
    numbers = [str(r.get("number") or "").strip() for r in rows]
    existing = set(
        HotlineAppeal.objects.filter(number__in=[n for n in numbers if n]).values_list(
            "number", flat=True
        )
    )
    seen: set[str] = set()
    to_create: list[HotlineAppeal] = []
    for r in rows:
        number = str(r.get("number") or "").strip()
        if number in existing:
            result.unchanged += 1
            continue
        if number in seen:
            result.errors.append(f"第{r['_row']}行“工单编号”：与文件中前面的行重复")
            continue
        try:
            h = _build(unit, r, actor)
        except InvalidInput as exc:
            result.errors.append(f"第{r['_row']}行：{exc.message}")
            continue
        seen.add(number)
        to_create.append(h)
    result.errors.sort(key=row_number)
    with transaction.atomic():
        for h in to_create:
            h.save()
        result.created = len(to_create)
        record_import("hotline", result, unit=unit, actor=actor, filename=filename)
    return result


# --- steps -----------------------------------------------------------------------------


def _sign(h, cd, user):
    h.signed_at = timezone.now()
    if not h.handler_id:
        h.handler = user
    h.status = "signed"
    refresh_due(h)


def _reply(h, cd, user):
    h.reply = cd["reply"]
    h.replied_on = cd["replied_on"]
    h.status = "replied"
    refresh_due(h)


def _complete(h, cd, user):
    if h.replied_on and cd["completed_on"] < h.replied_on:
        raise InvalidInput("办结日期不能早于答复日期")
    h.completed_on = cd["completed_on"]
    h.closed_on = cd["completed_on"]
    h.status = "completed"
    refresh_due(h)


def _send_back(h, cd, user):
    h.redo_count += 1
    h.completed_on = None
    h.closed_on = None
    h.satisfaction = cd["satisfaction"] or h.satisfaction
    h.status = "signed"
    if h.redo_count >= HotlineAppeal.ESCALATE_AFTER and not h.escalated:
        h.escalated = True
        h.supervised = True
        h.supervision_note = f"退回重办已达{h.redo_count}次，提级督办"
        from django.urls import reverse

        notify_supervisors(
            h,
            f"{today():%Y-%m-%d} 提级督办：1 件",
            f"热线工单 {h.number} 退回重办{h.redo_count}次",
            reverse("disputes:hotline_detail", args=[h.pk]),
        )
    refresh_due(h)


def _rate(h, cd, user):
    h.satisfaction = cd["satisfaction"]


ACTIONS: dict[str, Action] = {
    "assign": ASSIGN,
    "supervise": SUPERVISE,
    "sign": Action((), _sign),
    "reply": Action(
        (
            Field("reply", "答复内容", "textarea", True),
            Field("replied_on", "答复日期", "date", True, default=today),
        ),
        _reply,
    ),
    "complete": Action(
        (Field("completed_on", "办结日期", "date", True, default=today),), _complete
    ),
    "send_back": Action(
        (
            Field("reason", "退回理由", "textarea", True),
            Field("satisfaction", "市民评价", "choice", False, tuple(Satisfaction.choices)),
        ),
        _send_back,
        comment_field="reason",
    ),
    "rate": Action(
        (Field("satisfaction", "满意度", "choice", True, tuple(Satisfaction.choices)),), _rate
    ),
}
assert set(ACTIONS) == set(HOTLINE.transitions), "every hotline step needs its inputs"


act = stepper(HOTLINE, ACTIONS)
