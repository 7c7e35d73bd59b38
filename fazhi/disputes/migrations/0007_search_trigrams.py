"""Trigram indexes for the ledgers' free-text search (PostgreSQL only).

The search (``fazhi.disputes.ledgers.search_q``) filters with ``icontains``, which Django
writes on PostgreSQL as ``UPPER("col"::text) LIKE UPPER('%term%')``: no B-tree index can
serve it, so at county scale every search read every row of the ledger. A GIN index with
``gin_trgm_ops`` over the same expression can, for terms of three characters or more
(pg_trgm finds no whole trigram in one or two characters; PostgreSQL then scans, as before).

``pg_trgm`` ships with PostgreSQL (Debian's postgresql-15 package) and is a *trusted*
extension: the database's owner may create it. If the migration's role may not, the
indexes are skipped with a warning and search still works, unindexed (docs/DEPLOY.md).
SQLite has no such index; its scans stay as they are.
"""

from __future__ import annotations

import sys

from django.db import DatabaseError, migrations, models, transaction

COLUMNS = (
    ("disputes_dispute", "number"),
    ("disputes_dispute", "title"),
    ("disputes_disputeparty", "name"),
    ("disputes_petition", "number"),
    ("disputes_petition", "matter"),
    ("disputes_petitioner", "name"),
    ("disputes_hotlineappeal", "number"),
    ("disputes_hotlineappeal", "caller"),
    ("disputes_hotlineappeal", "content"),
    ("disputes_gridcase", "number"),
    ("disputes_gridcase", "summary"),
    ("disputes_gridcase", "person_name"),
)


def _name(table: str, column: str) -> str:
    return f"{table}_{column}_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as exc:
        print(
            f"  警告：无法启用 pg_trgm（{str(exc).strip().splitlines()[0]}），"
            "台账全文检索不建索引；请数据库管理员执行 CREATE EXTENSION pg_trgm 后重新迁移",
            file=sys.stderr,
        )
        return
    for table, column in COLUMNS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{_name(table, column)}" ON "{table}" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in COLUMNS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{_name(table, column)}"')


class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0006_due_order_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="gridcase",
            index=models.Index(fields=["grid"], name="grid_grid_name"),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
