"""Grid cases (网格事件): report, the disposal steps, import from an Excel grid ledger.

Every change goes through here (pages, API, CLI and import alike):

* ``report_case`` registers what a grid worker reported, with its handling deadline
  (``models.grid.handling_deadline``: local practice, see there);
* ``act(case, action, ...)`` takes one step of ``procedures.GRID``: ``handle`` (就地处置,
  what was done is required), ``refer`` (转办 to a named office), ``escalate`` (转为矛盾纠纷:
  a ``Dispute`` is registered through ``services.disputes.register_dispute`` with source
  ``screening`` and linked, in the same transaction), ``close``, and ``assign`` /
  ``supervise`` as on the other ledgers.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from fazhi.core import audit, excel, scoping
from fazhi.core.errors import InvalidInput
from fazhi.core.models import Unit
from fazhi.core.roles import Perm

from ..models import GridCase, GridCategory, GridDisposal
from ..models.grid import handling_deadline
from ..procedures import GRID
from .common import ASSIGN, SUPERVISE, ImportResult, read_import, record_import, row_number, stepper
from .disputes import clean_phone
from .fields import Action, Field, clean, today

NUMBER_PREFIX = "网"


def refresh_due(g: GridCase) -> None:
    """The case works to its handling deadline until it is disposed of, then to none."""
    if g.status == "reported":
        g.due_date, g.due_provisional, g.due_label = g.due_on, g.due_on_provisional, "处置期限"
    else:
        g.due_date, g.due_provisional, g.due_label = None, False, ""


def category_value(value) -> str:
    """A category from its key (``safety``) or its Chinese name (安全隐患)."""
    text = str(value or "").strip()
    if text in GridCategory.values:
        return text
    by_label = {str(label): key for key, label in GridCategory.choices}
    if text in by_label:
        return by_label[text]
    raise InvalidInput(f"事件类别无效（可选：{'、'.join(by_label)}）")


def _reported_at(value) -> dt.datetime:
    if value in (None, ""):
        return timezone.now()
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, dt.date):
        return timezone.make_aware(dt.datetime.combine(value, dt.time(9, 0)))
    text = str(value).strip().replace("T", " ")
    try:
        return excel.parse_datetime(text)
    except ValueError as exc:
        raise InvalidInput(f"上报时间：{exc}")


def _township(unit: Unit) -> Unit:
    return unit.township() or unit


def _village(unit: Unit, value) -> Unit | None:
    """The village named (id or name) within ``unit``'s township; a village unit is its own."""
    if value in (None, ""):
        return unit if unit.is_village else None
    township = _township(unit)
    qs = Unit.objects.filter(path__startswith=township.path, kind__in=("village", "community"))
    text = str(value).strip()
    village = qs.filter(pk=int(text)).first() if text.isdecimal() else qs.filter(name=text).first()
    if village is None:
        raise InvalidInput(f"村(社区)“{text}”不在本乡镇")
    return village


def _text(data: dict, key: str, limit: int) -> str:
    return str(data.get(key) or "").strip()[:limit]


def _build(unit: Unit, data: dict, actor) -> GridCase:
    """A new, unsaved case from ``data`` (validated; the number is given on save)."""
    summary = str(data.get("summary") or "").strip()
    if not summary:
        raise InvalidInput("请填写事件概要")
    if len(summary) > 5000:
        raise InvalidInput("事件概要不能超过5000字")
    category = category_value(data.get("category"))
    reported_at = _reported_at(data.get("reported_at"))
    reported_on = timezone.localtime(reported_at).date()
    if reported_on > today():
        raise InvalidInput("上报时间不能晚于今天")
    village = _village(unit, data.get("village"))
    reporter = _text(data, "reporter", 50) or (getattr(actor, "label", "") or "")[:50]
    if not reporter:
        raise InvalidInput("请填写上报网格员")
    person_name = _text(data, "person_name", 50)
    phone = str(data.get("phone") or "").strip()
    dl = handling_deadline(category, reported_on)
    g = GridCase(
        unit=village or unit,
        created_by=actor if getattr(actor, "pk", None) else None,
        number=str(data.get("number") or "").strip()[:40],
        village=village,
        grid=_text(data, "grid", 50),
        reported_at=reported_at,
        reported_on=reported_on,
        category=category,
        summary=summary,
        reporter=reporter,
        person_name=person_name,
        phone=clean_phone(phone, "当事人联系电话"),
        due_on=dl.date,
        due_on_provisional=dl.provisional,
    )
    refresh_due(g)
    return g


def _check_can_report(actor, owner: Unit) -> None:
    scoping.require(actor, Perm.CHANGE, owner, "您无权在该单位上报网格事件")


def next_number(unit: Unit, year: int) -> str:
    """网2024-00001: numbered per township and year (about 12,000 a year fit in 5 digits)."""
    township = _township(unit)
    stem = f"{NUMBER_PREFIX}{year}-"
    same = GridCase.objects.filter(unit__path__startswith=township.path)
    top = same.filter(number__startswith=stem).aggregate(m=Max("number"))["m"] or ""
    tail = top[len(stem) :]
    n = int(tail) if tail.isdecimal() else 0
    while True:
        n += 1
        number = f"{stem}{n:05d}"
        if not same.filter(number=number).exists():
            return number


def _save_new(g: GridCase) -> None:
    """Save with the next number; two reports at the same moment retry, never 500."""
    given = bool(g.number)
    for _attempt in range(5):
        if not given:
            g.number = next_number(g.unit, g.reported_on.year)
        try:
            with transaction.atomic():
                g.save()
            return
        except IntegrityError:
            if given:
                raise InvalidInput(f"编号“{g.number}”已存在")
    raise InvalidInput("编号分配冲突，请重试")


@transaction.atomic
def report_case(*, actor, unit: Unit, data: dict) -> GridCase:
    """上报: register a grid case (the number is assigned; any number in ``data`` is ignored)."""
    g = _build(unit, {**data, "number": ""}, actor)
    _check_can_report(actor, g.unit)
    _save_new(g)
    audit.record(audit.E.CREATE, obj=g, user=actor)
    return g


# --- import ------------------------------------------------------------------------------

IMPORT_COLUMNS = [
    excel.Column("number", "编号", aliases=("事件编号",)),
    excel.Column("reported_at", "上报时间", True, excel.parse_datetime, ("上报日期", "发现时间")),
    excel.Column("village", "村(社区)", aliases=("村（社区）", "所属村")),
    excel.Column("grid", "网格", aliases=("所属网格",)),
    excel.Column("category", "事件类别", True, aliases=("类别", "事件类型")),
    excel.Column("summary", "事件概要", True, aliases=("事件内容", "内容")),
    excel.Column("reporter", "上报网格员", True, aliases=("网格员", "上报人")),
    excel.Column("person_name", "当事人", aliases=("当事人姓名",)),
    excel.Column("phone", "联系电话", aliases=("电话",)),
    excel.Column("disposal", "处置方式"),
    excel.Column("handled_on", "处置日期", False, excel.parse_date),
    excel.Column("handling", "处置情况"),
    excel.Column("referred_to", "转办单位"),
]


def _row_disposal(r: dict) -> tuple[str, dict] | None:
    """The step an imported row already took: (action, data), or None (still to dispose of)."""
    way = str(r.get("disposal") or "").strip()
    handling = str(r.get("handling") or "").strip()
    referred_to = str(r.get("referred_to") or "").strip()
    when = r.get("handled_on")
    if way in ("", "就地处置", GridDisposal.ON_THE_SPOT) and not referred_to:
        if not handling:
            if when:
                raise InvalidInput("填写了处置日期，但未填写处置情况")
            return None
        return "handle", {"handling": handling, "handled_on": when}
    if way in ("转办", GridDisposal.REFERRED) or (not way and referred_to):
        if not referred_to:
            raise InvalidInput("处置方式为转办，请填写转办单位")
        return "refer", {"referred_to": referred_to, "handling": handling, "handled_on": when}
    if way in ("转为矛盾纠纷", GridDisposal.ESCALATED):
        raise InvalidInput("转为矛盾纠纷须在系统中办理（登记纠纷并关联），不能导入")
    raise InvalidInput(f"处置方式“{way}”无效（可选：就地处置、转办）")


def import_cases(*, actor, unit: Unit, data: bytes, filename: str) -> ImportResult:
    """Import a grid ledger kept in Excel (or this ledger's own export).

    Good rows are saved in one transaction, bad rows reported with their row number. A row
    whose 编号 is already in the township's ledger is left as it is, so importing the same
    file (or an export) twice changes nothing. A row with 处置情况 (and 转办单位 for a
    referral) is recorded as disposed of, through the same step as by hand. Phones masked
    in an export (138****5678) are not personal data any more and are skipped.
    """
    _check_can_report(actor, unit)
    rows, result = read_import(data, filename, IMPORT_COLUMNS)
    township = _township(unit)
    numbers = {str(r.get("number") or "").strip() for r in rows} - {""}
    existing = set(
        GridCase.objects.filter(
            unit__path__startswith=township.path, number__in=list(numbers)
        ).values_list("number", flat=True)
    )
    seen: set[str] = set()
    todo: list[tuple[GridCase, tuple[str, dict] | None]] = []
    for r in rows:
        number = str(r.get("number") or "").strip()
        if number and number in existing:
            result.unchanged += 1
            continue
        if number and number in seen:
            result.errors.append(f"第{r['_row']}行“编号”：与文件中前面的行重复")
            continue
        phone = str(r.get("phone") or "")
        try:
            g = _build(unit, {**r, "phone": "" if "*" in phone else phone}, actor)
            _check_can_report(actor, g.unit)
            step = _row_disposal(r)
            if step is not None:
                action, values = step
                values = {k: v for k, v in values.items() if v not in (None, "")}
                values.setdefault("handled_on", g.reported_on)
                clean(ACTIONS[action].fields, values)
                _disposed_on(g, values["handled_on"], "处置日期")
                step = (action, values)
        except InvalidInput as exc:
            result.errors.append(f"第{r['_row']}行：{exc.message}")
            continue
        except PermissionDenied as exc:
            result.errors.append(f"第{r['_row']}行：{exc}")
            continue
        if number:
            seen.add(number)
        todo.append((g, step))
    result.errors.sort(key=row_number)
    with transaction.atomic():
        for g, step in todo:
            _save_new(g)
            if step is not None:
                act(g, step[0], user=actor, data=step[1])
        result.created = len(todo)
        record_import("grid", result, unit=unit, actor=actor, filename=filename)
    return result


# --- steps -------------------------------------------------------------------------------


def _disposed_on(g: GridCase, day: dt.date, what: str) -> dt.date:
    if day < g.reported_on:
        raise InvalidInput(f"{what}不能早于上报日期（{g.reported_on:%Y-%m-%d}）")
    if day > today():
        raise InvalidInput(f"{what}不能晚于今天")
    return day


def _handle(g, cd, user):
    g.handled_on = _disposed_on(g, cd["handled_on"], "处置日期")
    g.handling = cd["handling"]
    g.disposal = GridDisposal.ON_THE_SPOT
    if not g.handler_id and getattr(user, "pk", None):
        g.handler = user
    g.status = "handled"
    refresh_due(g)


def _refer(g, cd, user):
    g.handled_on = _disposed_on(g, cd["handled_on"], "转办日期")
    g.referred_to = cd["referred_to"][:100]
    g.handling = cd["handling"] or f"转{g.referred_to}办理"
    g.disposal = GridDisposal.REFERRED
    g.status = "referred"
    refresh_due(g)


_NAME_SPLIT = re.compile(r"[、，,；;\s]+")


def _escalate(g, cd, user):
    from . import disputes as dispute_services

    day = _disposed_on(g, cd["handled_on"], "转交日期")
    names = [n for n in _NAME_SPLIT.split(cd["parties"] or "") if n]
    if not names and g.person_name:
        names = [g.person_name]
    if not names:
        raise InvalidInput("请填写纠纷当事人（多人用“、”分隔）")
    parties = [
        {
            "name": n,
            "side": "applicant" if i == 0 else "respondent",
            "phone": g.phone if n == g.person_name else "",
        }
        for i, n in enumerate(names)
    ]
    title = (cd["title"] or "").strip() or g.summary.strip().splitlines()[0][:60]
    # The dispute is registered in this step's transaction: if anything after it fails,
    # neither the dispute nor the escalation is kept.
    d = dispute_services.register_dispute(
        actor=user,
        unit=g.unit,
        data={
            "title": title,
            "source": "screening",
            "category": cd["category"].pk,
            "village": g.village_id,
            "grid": g.grid,
            "summary": f"网格事件{g.number}：{g.summary}"[:5000],
            "amount": cd["amount"] or 0,
            "registered_on": day,
        },
        parties=parties,
    )
    g.dispute = d
    g.handled_on = day
    g.handling = cd["note"] or f"转为矛盾纠纷{d.number}，由人民调解组织调处"
    g.disposal = GridDisposal.ESCALATED
    g.status = "escalated"
    refresh_due(g)


def _close(g, cd, user):
    if g.handled_on and cd["closed_on"] < g.handled_on:
        raise InvalidInput("办结日期不能早于处置日期")
    if cd["closed_on"] > today():
        raise InvalidInput("办结日期不能晚于今天")
    g.closed_on = cd["closed_on"]
    g.status = "closed"
    refresh_due(g)


ACTIONS: dict[str, Action] = {
    "assign": ASSIGN,
    "supervise": SUPERVISE,
    "handle": Action(
        (
            Field("handling", "处置情况", "textarea", True),
            Field("handled_on", "处置日期", "date", True, default=today),
        ),
        _handle,
    ),
    "refer": Action(
        (
            Field("referred_to", "转办单位", required=True, help="如：镇综合执法队、镇应急办"),
            Field("handling", "转办说明", "textarea"),
            Field("handled_on", "转办日期", "date", True, default=today),
        ),
        _refer,
        comment_field="handling",
    ),
    "escalate": Action(
        (
            Field("category", "纠纷类别", "dispute_category", True),
            Field("title", "纠纷简称", help="默认取事件概要的第一行"),
            Field(
                "parties", "纠纷当事人", help="多人用“、”分隔，第一人为申请人；默认为本事件当事人"
            ),
            Field("amount", "涉及金额（元）", "decimal"),
            Field("handled_on", "转交日期", "date", True, default=today),
            Field("note", "说明", "textarea"),
        ),
        _escalate,
        comment_field="note",
    ),
    "close": Action(
        (
            Field("closed_on", "办结日期", "date", True, default=today),
            Field("note", "办结说明", "textarea"),
        ),
        _close,
        comment_field="note",
    ),
}
assert set(ACTIONS) == set(GRID.transitions), "every grid step needs its inputs"


act = stepper(GRID, ACTIONS)
