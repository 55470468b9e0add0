"""``row_xid``: the PostgreSQL transaction that last wrote a row, set by the trigger function
of migration core.0003 (see there). Tables that carry it add the field and a trigger with
``trigger_operations``; on SQLite the column stays empty.

Rows that leave such a table, or the county a copy of it is kept for, are logged in
``core.RowGone`` by the triggers of ``gone_trigger_operations`` (functions of migration
core.0005): a deleted row, a row whose county-defining column changed, and for TRUNCATE the
whole table. Together they tell what changed since a transaction without reading every row."""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet

from .pg_migrations import postgres_sql


def field() -> models.BigIntegerField:
    # indexed: a run reads the few rows written since the previous one, not every row
    return models.BigIntegerField(
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text="最后写入本行的数据库事务（比对副本增量刷新用）",
    )


def trigger_operations(table: str) -> list:
    """Migration operations creating (and on reversal dropping) the row_xid trigger of `table`."""
    return [
        postgres_sql(
            f"CREATE TRIGGER {table}_row_xid BEFORE INSERT OR UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION jiuzhu_row_xid()",
            f"DROP TRIGGER IF EXISTS {table}_row_xid ON {table}",
        )
    ]


def gone_trigger_operations(table: str, moved_by: str, moved: str = "jiuzhu_row_gone") -> list:
    """Migration operations creating (and on reversal dropping) the triggers that log in
    core.RowGone the rows of `table` deleted, the rows whose column `moved_by` changed (the
    county a row belongs to, directly or through its household: the trigger function `moved`)
    and a TRUNCATE."""
    triggers = {
        f"{table}_gone": f"AFTER DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION jiuzhu_row_gone()",
        f"{table}_moved": (
            f"AFTER UPDATE OF {moved_by} ON {table} FOR EACH ROW "
            f"WHEN (OLD.{moved_by} IS DISTINCT FROM NEW.{moved_by}) "
            f"EXECUTE FUNCTION {moved}()"
        ),
        f"{table}_emptied": (
            f"AFTER TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION jiuzhu_table_emptied()"
        ),
    }
    return [
        postgres_sql(f"CREATE TRIGGER {name} {body}", f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for name, body in triggers.items()
    ]


def gone_since(model: type[models.Model], xid: int) -> QuerySet:
    """The keys of `model`'s rows logged gone by transaction `xid` or later (each once; None
    when the table was emptied)."""
    from .models import RowGone

    return (
        RowGone.objects.filter(table_name=model._meta.db_table, xid__gte=xid)
        .values_list("row_id")
        .distinct()
        .order_by()
    )
