"""Excel ledgers in: disputes and petitions kept in Excel before the platform.

All-or-nothing per file: any bad row and nothing is imported; every bad row is reported
with its row number and the reason. Each row goes through the registration service, so
history, audit and deadlines are as for a record entered by hand. (Hotline appeals have
their own importer in ``services/hotline.py``: good rows in, bad rows reported.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from fazhi.core import excel
from fazhi.core.errors import DomainError, InvalidInput
from fazhi.core.models import Unit

from .models import DisputeSource, PetitionChannel, PetitionType
from .services import disputes as ds
from .services import petitions as ps
from .services.common import check_can_create

DISPUTE_COLUMNS = [
    excel.Column("registered_on", "登记日期", True, excel.parse_date),
    excel.Column("village", "村(社区)", aliases=("村（社区）",)),
    excel.Column("grid", "网格"),
    excel.Column("source", "来源", True, excel.parse_choice(DisputeSource)),
    excel.Column("category", "纠纷类别", True, aliases=("类别",)),
    excel.Column("title", "纠纷简称", True, aliases=("纠纷名称",)),
    excel.Column("parties", "当事人", True),
    excel.Column("amount", "涉及金额（元）", False, excel.parse_decimal, ("涉及金额", "金额")),
    excel.Column("summary", "纠纷简要情况", aliases=("简要情况",)),
]
PETITION_COLUMNS = [
    excel.Column("received_on", "收到日期", True, excel.parse_date, ("登记日期",)),
    excel.Column("channel", "信访形式", True, excel.parse_choice(PetitionChannel)),
    excel.Column("petition_type", "信访类型", True, excel.parse_choice(PetitionType)),
    excel.Column("first_petition", "初信初访", False, excel.parse_bool),
    excel.Column("petitioners", "信访人", True),
    excel.Column("matter", "信访事项", True),
    excel.Column("request", "诉求"),
    excel.Column("leader_name", "接访领导", aliases=("接访领导姓名",)),
    excel.Column("leader_post", "接访领导职务"),
]


@dataclass
class LedgerImport:
    created: list = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.errors:
            return f"{len(self.errors)} 处错误，未导入任何记录"
        return f"已导入 {len(self.created)} 件"


def _names(text) -> list[str]:
    return [
        n.strip()
        for n in str(text or "").replace("，", "、").replace(",", "、").split("、")
        if n.strip()
    ]


def _village_id(unit: Unit, name):
    if not name:
        return None
    township = unit.township() or unit
    v = Unit.objects.filter(
        path__startswith=township.path, name=str(name).strip(), kind__in=("village", "community")
    ).first()
    if v is None:
        raise InvalidInput(f"村(社区)“{name}”不在本乡镇")
    return v.pk


def _run(rows, row_errors, build) -> LedgerImport:
    result = LedgerImport(errors=[str(e) for e in row_errors])
    if result.errors:
        return result
    try:
        with transaction.atomic():
            for r in rows:
                try:
                    with transaction.atomic():
                        result.created.append(build(r))
                except DomainError as exc:
                    result.errors.append(f"第{r['_row']}行：{exc.message}")
            if result.errors:
                raise _Rollback
    except _Rollback:
        result.created = []
    return result


class _Rollback(Exception):
    pass


def import_disputes(*, actor, unit: Unit, data: bytes, filename: str) -> LedgerImport:
    check_can_create(actor, unit)
    rows, errors = excel.read_table(data, filename, DISPUTE_COLUMNS)

    def build(r):
        parties = [
            {"name": n, "side": "applicant" if i == 0 else "respondent"}
            for i, n in enumerate(_names(r["parties"]))
        ]
        return ds.register_dispute(
            actor=actor,
            unit=unit,
            parties=parties,
            data={
                **r,
                "village": _village_id(unit, r.get("village")),
                "amount": r.get("amount") or 0,
            },
        )

    return _run(rows, errors, build)


def import_petitions(*, actor, unit: Unit, data: bytes, filename: str) -> LedgerImport:
    check_can_create(actor, unit)
    rows, errors = excel.read_table(data, filename, PETITION_COLUMNS)

    def build(r):
        people = [{"name": n} for n in _names(r["petitioners"])]
        return ps.register_petition(
            actor=actor,
            unit=unit,
            petitioners=people,
            data={
                **r,
                "first_petition": r.get("first_petition") is not False,
                "is_group": len(people) > 1 and r["channel"] == "visit",
            },
        )

    return _run(rows, errors, build)


IMPORTERS = {
    "dispute": (import_disputes, DISPUTE_COLUMNS),
    "petition": (import_petitions, PETITION_COLUMNS),
}
