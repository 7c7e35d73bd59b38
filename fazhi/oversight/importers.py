"""Import an inspection's findings from Excel/CSV: row-level errors, all-or-nothing.

Not a ledger-wide import (``fazhi.ledgers.importing``): the rows belong to one inspection,
whose inspecting level (the county, for a 督察) adds them to the inspected unit."""

from __future__ import annotations

from django.db import transaction

from fazhi.core import audit
from fazhi.core.errors import DomainError
from fazhi.core.excel import Column, RowError, parse_date, parse_int, read_table
from fazhi.ledgers.importing import ImportResult

from . import services
from .models import Inspection

FINDING_COLUMNS = [
    Column("problem", "发现的问题", required=True, aliases=("问题", "存在问题")),
    Column("requirement", "整改要求"),
    Column("owner_name", "责任人", required=True, aliases=("整改责任人",)),
    Column("owner_username", "责任人账号"),
    Column("deadline", "整改期限", parse=parse_date, aliases=("期限",)),
    Column("days", "整改工作日数", parse=parse_int),
]


class _Rollback(Exception):
    pass


def import_findings(inspection: Inspection, data: bytes, filename: str, *, actor) -> ImportResult:
    rows, errors = read_table(data, filename, FINDING_COLUMNS)
    for row in rows:
        if row.get("days") is not None and not 1 <= row["days"] <= 365:
            errors.append(RowError(row["_row"], "整改工作日数", "应为 1 到 365"))
    result = ImportResult(errors=errors)
    if not errors:
        try:
            with transaction.atomic():
                for row in rows:
                    try:
                        services.add_finding(
                            inspection,
                            actor=actor,
                            problem=str(row["problem"]),
                            requirement=str(row.get("requirement") or ""),
                            owner_name=str(row["owner_name"]),
                            owner_username=row.get("owner_username"),
                            deadline=row.get("deadline"),
                            days=row.get("days"),
                        )
                    except DomainError as exc:
                        errors.append(RowError(row["_row"], "", exc.message))
                if errors:
                    raise _Rollback
        except _Rollback:
            pass
        else:
            result = ImportResult(created=len(rows))
    audit.record(
        audit.E.CREATE if result.ok else audit.E.INPUT_REJECTED,
        obj=inspection,
        user=actor,
        outcome="ok" if result.ok else "refused",
        detail={"import": "findings", "created": result.created, "errors": len(result.errors)},
    )
    return result
