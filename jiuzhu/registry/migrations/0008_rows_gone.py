"""PostgreSQL only: persons and households deleted or moved to another county are logged in
core.RowGone (jiuzhu.core.rowxid). A household that changes county takes its members with it:
they are logged too, and rewritten (row_xid) so that the county it joined fetches them."""

from django.db import migrations

from jiuzhu.core.pg_migrations import postgres_sql
from jiuzhu.core.rowxid import gone_trigger_operations

FORWARD = """
CREATE OR REPLACE FUNCTION jiuzhu_household_moved() RETURNS trigger AS $$
DECLARE
  tx bigint := pg_current_xact_id()::text::bigint;
BEGIN
  INSERT INTO core_rowgone (table_name, row_id, xid)
    SELECT 'registry_person', id, tx FROM registry_person WHERE household_id = OLD.id
    UNION ALL SELECT TG_TABLE_NAME, OLD.id, tx;
  UPDATE registry_person SET household_id = household_id WHERE household_id = NEW.id;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""
BACKWARD = "DROP FUNCTION IF EXISTS jiuzhu_household_moved();"


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_rowgone"),
        ("registry", "0007_row_xid_index"),
    ]
    operations = [
        postgres_sql(FORWARD, BACKWARD),
        *gone_trigger_operations("registry_person", "household_id"),
        *gone_trigger_operations("registry_household", "county_id", "jiuzhu_household_moved"),
    ]
