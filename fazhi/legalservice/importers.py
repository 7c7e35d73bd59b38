"""Excel/CSV import of consultations and service-centre daily counts: row-level errors,
all-or-nothing per file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from fazhi.core import audit
from fazhi.core.errors import DomainError
from fazhi.core.excel import Column, RowError, parse_choice, parse_date, parse_int, read_table
from fazhi.core.models import Unit

from . import services
from .models import Channel, LegalAdviser


@dataclass
class ImportResult:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Rollback(Exception):
    pass


def _run(rows: list[dict], errors: list[RowError], fn: Callable[[dict], None]) -> ImportResult:
    if errors:
        return ImportResult(0, errors)
    try:
        with transaction.atomic():
            for row in rows:
                try:
                    fn(row)
                except DomainError as exc:
                    errors.append(RowError(row["_row"], "", exc.message))
            if errors:
                raise _Rollback
    except _Rollback:
        return ImportResult(0, errors)
    return ImportResult(len(rows), [])


def _unit_resolver(root: Unit) -> Callable[[str | None], Unit]:
    units = {u.name: u for u in Unit.objects.subtree(root)}

    def resolve(name: str | None) -> Unit:
        if not name:
            return root
        unit = units.get(str(name).strip())
        if unit is None:
            raise DomainError(f"“{name}”不是{root.name}或其下属村(社区)")
        return unit

    return resolve


CONSULTATION_COLUMNS = [
    Column("date", "日期", required=True, parse=parse_date, aliases=("咨询日期",)),
    Column("unit", "村(社区)", aliases=("村社区", "单位")),
    Column("place", "地点", required=True),
    Column("topic", "咨询事项", required=True, aliases=("事项", "主题")),
    Column("channel", "方式", parse=parse_choice(Channel), aliases=("咨询方式",)),
    Column("adviser", "法律顾问", aliases=("解答人",)),
    Column("persons", "服务人次", parse=parse_int, aliases=("人次",)),
    Column("answer", "解答意见"),
]


def import_consultations(root: Unit, data: bytes, filename: str, *, actor) -> ImportResult:
    rows, errors = read_table(data, filename, CONSULTATION_COLUMNS)
    resolve = _unit_resolver(root)
    township = root.township() or root
    advisers = {a.name: a for a in LegalAdviser.objects.filter(unit=township)}

    def one(row: dict) -> None:
        adviser = None
        if row.get("adviser"):
            adviser = advisers.get(str(row["adviser"]).strip())
            if adviser is None:
                raise DomainError(f"找不到法律顾问“{row['adviser']}”")
        services.record_consultation(
            resolve(row.get("unit")),
            actor=actor,
            date=row["date"],
            place=str(row["place"]),
            topic=str(row["topic"]),
            channel=row.get("channel") or Channel.ON_SITE,
            adviser=adviser,
            persons=row.get("persons") or 1,
            answer=str(row.get("answer") or ""),
        )

    result = _run(rows, errors, one)
    _audit(root, actor, "consultations", result)
    return result


CENTER_COLUMNS = [
    Column("date", "日期", required=True, parse=parse_date),
    Column("unit", "乡镇(街道)", aliases=("单位",)),
    Column(
        "visits",
        "接待办事群众(人次)",
        required=True,
        parse=parse_int,
        aliases=("接待人次", "接待办事群众"),
    ),
    Column(
        "self_service",
        "自助服务机使用(件)",
        required=True,
        parse=parse_int,
        aliases=("自助服务机使用量", "自助服务"),
    ),
    Column("note", "备注"),
]


def import_center_days(root: Unit, data: bytes, filename: str, *, actor) -> ImportResult:
    rows, errors = read_table(data, filename, CENTER_COLUMNS)
    resolve = _unit_resolver(root)
    seen: dict[tuple, int] = {}
    for row in rows:
        key = (row.get("unit") or "", row.get("date"))
        if key in seen and row.get("date"):
            errors.append(RowError(row["_row"], "日期", f"与第{seen[key]}行重复"))
        seen.setdefault(key, row["_row"])

    def one(row: dict) -> None:
        services.record_center_day(
            resolve(row.get("unit")),
            actor=actor,
            date=row["date"],
            visits=row["visits"],
            self_service=row["self_service"],
            note=str(row.get("note") or ""),
        )

    result = _run(rows, errors, one)
    _audit(root, actor, "service_center_days", result)
    return result


def _audit(unit, actor, kind, result: ImportResult) -> None:
    audit.record(
        audit.E.CREATE if result.ok else audit.E.INPUT_REJECTED,
        unit=unit,
        user=actor,
        outcome="ok" if result.ok else "refused",
        detail={"import": kind, "created": result.created, "errors": len(result.errors)},
    )
