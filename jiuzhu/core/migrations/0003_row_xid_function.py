"""PostgreSQL only: the trigger function that stamps a row with the transaction that last wrote
it (``row_xid``: PostgreSQL's 64-bit transaction id, which never wraps around). The cross-check
run keeps a copy of the columns it reads and refreshes it from the rows whose ``row_xid`` is
not older than the oldest transaction still running at its previous refresh
(``jiuzhu.crosscheck.mirror``). A trigger, not the application, sets it, so bulk imports,
``QuerySet.update()`` and scripts are all seen."""

from django.db import migrations

from jiuzhu.core.pg_migrations import postgres_sql

FORWARD = """
CREATE OR REPLACE FUNCTION jiuzhu_row_xid() RETURNS trigger AS $$
BEGIN
  NEW.row_xid := pg_current_xact_id()::text::bigint;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""
BACKWARD = "DROP FUNCTION IF EXISTS jiuzhu_row_xid();"


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]
    operations = [postgres_sql(FORWARD, BACKWARD)]
