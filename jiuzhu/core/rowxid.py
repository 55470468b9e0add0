"""``row_xid``: the PostgreSQL transaction that last wrote a row, set by the trigger function
of migration core.0003 (see there). Tables that carry it add the field and a trigger with
``trigger_operations``; on SQLite the column stays empty."""

from __future__ import annotations

from django.db import models

from .pg_migrations import postgres_sql


def field() -> models.BigIntegerField:
    # indexed: a run reads the few rows written since the previous one, not every row
    return models.BigIntegerField(null=True, blank=True, editable=False, db_index=True,
                                  help_text="最后写入本行的数据库事务（比对副本增量刷新用）")


def trigger_operations(table: str) -> list:
    """Migration operations creating (and on reversal dropping) the row_xid trigger of `table`."""
    return [postgres_sql(f"CREATE TRIGGER {table}_row_xid BEFORE INSERT OR UPDATE ON {table} "
                         "FOR EACH ROW EXECUTE FUNCTION jiuzhu_row_xid()",
                         f"DROP TRIGGER IF EXISTS {table}_row_xid ON {table}")]
