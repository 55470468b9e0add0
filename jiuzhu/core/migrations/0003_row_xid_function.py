"""PostgreSQL only: the trigger function that stamps a row with the transaction that last wrote
it (``row_xid``: PostgreSQL's 64-bit transaction id, which never wraps around). The cross-check
run keeps a copy of the columns it reads and refreshes it from the rows whose ``row_xid`` is
not older than the oldest transaction still running at its previous refresh
(``jiuzhu.crosscheck.mirror``). A trigger, not the application, sets it, so bulk imports,
``QuerySet.update()`` and scripts are all seen."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION jiuzhu_row_xid() RETURNS trigger AS $$
BEGIN
  NEW.row_xid := pg_current_xact_id()::text::bigint;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""
BACKWARD = "DROP FUNCTION IF EXISTS jiuzhu_row_xid();"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
