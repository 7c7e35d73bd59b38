"""Fast bulk inserts for generated data (``fazhi demo --scale county``) and large imports.

``QuerySet.bulk_create`` compiles SQL for every batch, and on SQLite a batch holds only as
many rows as 999 parameters allow (~25 rows of a ledger table): at a million rows the
compiling costs minutes. ``insert`` prepares each field's value once per row and hands the
rows to the driver in one go: ``executemany`` on SQLite, ``COPY … FROM STDIN`` on
PostgreSQL. Primary keys are assigned here (after the table's current maximum), so callers
can link child rows to the parents they just inserted; on PostgreSQL the identity sequence
is moved past them afterwards.

Like ``bulk_create``: no signals, no history rows, no ``save()``. Only for plain models
(no multi-table inheritance), inside a transaction the caller holds, with no concurrent
writer of the same table (the demo generator, an import under a lock).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import attrgetter

from django.db import connections, models

# Fields whose Python value the driver takes as it is (no per-value preparation needed).
_AS_IS = (
    models.AutoField,
    models.BigAutoField,
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.BooleanField,
)


def _preparer(field: models.Field, connection) -> Callable[[models.Model], object]:
    get = attrgetter(field.attname)
    if type(field) in _AS_IS or isinstance(field, models.ForeignKey):
        return get
    if type(field) is models.DateField:
        adapt = connection.ops.adapt_datefield_value
        return lambda obj: adapt(get(obj))
    if type(field) is models.DateTimeField:
        adapt = connection.ops.adapt_datetimefield_value  # aware values, as generated
        return lambda obj: adapt(get(obj))
    return lambda obj: field.get_db_prep_save(get(obj), connection)


def insert(model: type[models.Model], objs: Sequence[models.Model], *, using: str = "default"):
    """Insert ``objs`` (unsaved instances of ``model``); sets and returns their primary keys."""
    if not objs:
        return objs
    meta = model._meta
    if meta.parents:
        raise ValueError(f"{meta.label}: 多表继承的模型不能用快速插入")
    connection = connections[using]
    pk = meta.pk
    table = meta.db_table
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        # identifiers come from the model's metadata, quoted; values are parameters
        cursor.execute(f"SELECT MAX({qn(pk.column)}) FROM {qn(table)}")  # noqa: S608
        start = (cursor.fetchone()[0] or 0) + 1
    for i, obj in enumerate(objs):
        setattr(obj, pk.attname, start + i)
        obj._state.adding = False
        obj._state.db = using
    fields = list(meta.concrete_fields)
    # pre_save first, as save() does: auto_now stamps, and the encrypted identifiers
    # normalise themselves and fill their blind index
    pre = [f for f in fields if type(f).pre_save is not models.Field.pre_save]
    for obj in objs:
        for f in pre:
            setattr(obj, f.attname, f.pre_save(obj, True))
    prep = [_preparer(f, connection) for f in fields]
    rows = [tuple(p(obj) for p in prep) for obj in objs]
    columns = ", ".join(qn(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg 3 cursor under Django's wrapper
            with raw.copy(f"COPY {qn(table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            top = f"SELECT MAX({qn(pk.column)}) FROM {qn(table)}"  # noqa: S608
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), ({top}))", [table, pk.column]
            )
        else:
            marks = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {qn(table)} ({columns}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(sql, rows)
    return objs
