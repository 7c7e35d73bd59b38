"""Excel (and CSV) into a ledger, the same for the page, the API and the CLI.

A ledger declares an ``Importer``: its columns (``fazhi.core.excel.Column``: the
Chinese header staff use, aliases, a parser per cell), the service that saves one row
(by default the ledger's ``create``, the row as its input) and, optionally, the natural
key that makes a second import of the same file a no-op (``key_columns``, or ``key``).
``run`` reads the file, reports every bad row with its row number as Excel shows it and
the reason, and saves the rows in one transaction: a file with any bad row saves
nothing. One audit row records the outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.db import transaction

from fazhi.core import audit, scoping
from fazhi.core.errors import DomainError
from fazhi.core.excel import Column, RowError, export_xlsx, read_table
from fazhi.core.roles import Perm

UNIT_ALIASES = ("单位", "村(社区)", "村（社区）", "村社区", "乡镇(街道)", "乡镇（街道）")


@dataclass(frozen=True)
class Importer:
    """``save(*, unit, actor, row) -> obj`` saves one row (a service call); left out, the
    ledger's ``create`` saves it, the row's cells as the form's input (``raw``).
    ``key_columns`` names the columns that, with the row's unit, make a record the same
    one (the cells as parsed, a text cell stripped); ``key(unit, row)`` gives that lookup
    (a dict of model fields) where it takes more than the cells."""

    columns: list[Column]
    save: Callable | None = None
    key: Callable | None = None
    key_columns: tuple[str, ...] = ()
    unit_column: bool = True  # a 单位 column names the unit within the chosen one
    note: str = ""  # shown on the import page: what a row is, what is required
    check: Callable | None = None  # (rows) -> list[RowError]: rules across rows of one file

    def lookup(self, unit, row) -> dict | None:
        """The model fields that find ``row`` already imported into ``unit`` (None: no key)."""
        if self.key is not None:
            return self.key(unit, row)
        if not self.key_columns:
            return None
        parsed = {c.key for c in self.columns if c.parse is not None}
        return {
            "unit": unit,
            **{
                name: row.get(name) if name in parsed else text(row, name)
                for name in self.key_columns
            },
        }


def text(row: dict, name: str) -> str:
    """A cell read as text: "" when empty, stripped (a number in a text column as its digits)."""
    return str(row.get(name) or "").strip()


@dataclass
class ImportResult:
    created: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "skipped": self.skipped,
            "errors": [
                {"row": e.row, "column": e.column, "message": e.message} for e in self.errors
            ],
        }


def columns(importer: Importer) -> list[Column]:
    cols = list(importer.columns)
    if importer.unit_column and not any(c.key == "unit" for c in cols):
        cols.append(Column("unit", "单位", aliases=UNIT_ALIASES))
    return cols


def template(ledger) -> bytes:
    """An empty sheet with the ledger's import headers, to fill in."""
    return export_xlsx(f"{ledger.title}导入模板", [c.header for c in columns(ledger.importer)], [])


class _Rollback(Exception):
    pass


def through_create(create: Callable) -> Callable:
    """An ``Importer.save`` that registers a row as the create form would: ``create(unit=,
    actor=, raw=)`` with the row's cells as the input."""

    def save(*, unit, actor, row):
        return create(unit=unit, actor=actor, raw={k: v for k, v in row.items() if k != "_row"})

    return save


def run(ledger, *, root, actor, data: bytes, filename: str) -> ImportResult:
    """Import ``data`` into ``root`` (or the units under it named in the 单位 column)."""
    imp = ledger.importer
    if imp.save is None:
        imp = replace(imp, save=through_create(ledger.create))
    return import_file(
        imp,
        ledger.model,
        name=ledger.key,
        root=root,
        actor=actor,
        data=data,
        filename=filename,
    )


def import_file(
    imp: Importer, model, *, name: str, root, actor, data: bytes, filename: str
) -> ImportResult:
    """``run`` for an importer and its model (``name`` in the audit row), where the caller
    holds no ``Ledger`` (an app's own import page, a module the declarations import)."""
    from fazhi.core.models import Unit

    scoping.require(actor, Perm.CHANGE, root, f"您的角色无权在{root.name}导入")
    rows, errors = read_table(data, filename, columns(imp))
    subtree = list(Unit.objects.subtree(root))
    # The 单位 column names a unit by its code or its name.
    units = {**{u.code: u for u in subtree}, **{u.name: u for u in subtree}}
    result = ImportResult(errors=list(errors))
    if imp.check is not None:
        result.errors.extend(imp.check(rows))
    # Every row whose cells parsed is checked, also when others' did not, so that one pass
    # reports every bad row; any error rolls the whole file back.
    unparsed = {e.row for e in errors}
    try:
        with transaction.atomic():
            for row in rows:
                if row["_row"] not in unparsed:
                    _one(model, imp, row, root, units, actor, result)
            if result.errors:
                raise _Rollback
    except _Rollback:
        result.created = result.skipped = 0
    result.errors.sort(key=lambda e: e.row)
    audit.record(
        audit.E.CREATE if result.ok else audit.E.INPUT_REJECTED,
        unit=root,
        user=actor,
        outcome="ok" if result.ok else "refused",
        detail={
            "import": name,
            "created": result.created,
            "skipped": result.skipped,
            "errors": len(result.errors),
        },
    )
    return result


def _one(model, imp, row, root, units, actor, result) -> None:
    name = str(row.get("unit") or "").strip()
    unit = units.get(name) if name else root
    if unit is None:
        result.errors.append(RowError(row["_row"], "单位", f"“{name}”不是{root.name}或其下属单位"))
        return
    if not scoping.can(actor, Perm.CHANGE, unit):
        result.errors.append(RowError(row["_row"], "单位", f"无权在{unit.name}登记"))
        return
    lookup = imp.lookup(unit, row)
    if lookup and model.objects.filter(**lookup).exists():
        result.skipped += 1
        return
    try:
        with transaction.atomic():
            imp.save(unit=unit, actor=actor, row=row)
    except DomainError as exc:
        result.errors.append(RowError(row["_row"], "", exc.message))
        return
    result.created += 1
