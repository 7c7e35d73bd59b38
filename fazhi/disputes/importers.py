"""Excel ledgers in: disputes and petitions kept in Excel before the platform, as
``fazhi.ledgers.importing.Importer``s (declared on the ledgers in ``ledgers.py``).

All-or-nothing per file: any bad row and nothing is imported; every bad row is reported
with its row number and the reason. Each row goes through the registration service, so
history, audit and deadlines are as for a record entered by hand; a row already
registered (same unit, date and title or matter) is skipped, so a file imported twice
registers nothing new. (Hotline appeals and grid cases have their own importers in
``services/``: good rows in, bad rows reported.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fazhi.core import excel
from fazhi.core.errors import InvalidInput
from fazhi.core.models import Unit
from fazhi.ledgers import importing
from fazhi.ledgers.importing import Importer

from .models import Dispute, DisputeSource, Petition, PetitionChannel, PetitionType
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


def _over_level(value) -> str:
    try:
        return ps.clean_over_level(value)
    except InvalidInput as exc:
        raise ValueError(exc.message) from None


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
    excel.Column("over_level", "越级访", parse=_over_level, aliases=("越级上访", "越级")),
]


@dataclass
class LedgerImport:
    created: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.errors:
            return f"{len(self.errors)} 处错误，未导入任何记录"
        text = f"已导入 {self.created} 件"
        return text + (f"，{self.skipped} 件此前已导入，未重复登记" if self.skipped else "")


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


def _save_dispute(*, unit, actor, row):
    parties = [
        {"name": n, "side": "applicant" if i == 0 else "respondent"}
        for i, n in enumerate(_names(row["parties"]))
    ]
    data = {k: v for k, v in row.items() if k not in ("_row", "parties")}
    data.update(village=_village_id(unit, row.get("village")), amount=row.get("amount") or 0)
    return ds.register_dispute(actor=actor, unit=unit, parties=parties, data=data)


def _save_petition(*, unit, actor, row):
    people = [{"name": n} for n in _names(row["petitioners"])]
    data = {k: v for k, v in row.items() if k not in ("_row", "petitioners")}
    data.update(
        first_petition=row.get("first_petition") is not False,
        is_group=len(people) > 1 and row["channel"] == "visit",
    )
    return ps.register_petition(actor=actor, unit=unit, petitioners=people, data=data)


NOTE = "多名当事人/信访人用“、”分隔；文件中任何一行有误，整份文件都不导入，并逐行列出错误。"


def _importer(columns, save, date_field: str, text_field: str) -> Importer:
    """A file of records of the unit chosen (the 村(社区) column names a village in it),
    one already there being a record of its area on the same day with the same text."""
    return Importer(
        columns=columns,
        save=save,
        key=lambda unit, row: {
            "unit__path__startswith": unit.path,  # a village's record is registered there
            date_field: row.get(date_field),
            text_field: str(row.get(text_field) or "").strip(),
        },
        unit_column=False,
        note=NOTE,
    )


DISPUTE_IMPORTER = _importer(DISPUTE_COLUMNS, _save_dispute, "registered_on", "title")
PETITION_IMPORTER = _importer(PETITION_COLUMNS, _save_petition, "received_on", "matter")


def _run(importer, model, name, *, actor, unit: Unit, data: bytes, filename: str):
    """The older entry (the import page and ``fazhi disputes import``): the unit checked
    with the registration's own message, then the ledger's importer."""
    check_can_create(actor, unit)
    result = importing.import_file(
        importer, model, name=name, root=unit, actor=actor, data=data, filename=filename
    )
    return LedgerImport(
        created=result.created, skipped=result.skipped, errors=[str(e) for e in result.errors]
    )


def import_disputes(*, actor, unit: Unit, data: bytes, filename: str) -> LedgerImport:
    return _run(
        DISPUTE_IMPORTER, Dispute, "dispute", actor=actor, unit=unit, data=data, filename=filename
    )


def import_petitions(*, actor, unit: Unit, data: bytes, filename: str) -> LedgerImport:
    return _run(
        PETITION_IMPORTER,
        Petition,
        "petition",
        actor=actor,
        unit=unit,
        data=data,
        filename=filename,
    )


IMPORTERS = {
    "dispute": (import_disputes, DISPUTE_COLUMNS),
    "petition": (import_petitions, PETITION_COLUMNS),
}
