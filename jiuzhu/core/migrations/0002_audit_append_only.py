"""PostgreSQL only: refuse UPDATE and DELETE on the audit table at the database too, so even a
bug or a stray script cannot change history through the application's account. (A superuser can
still disable the trigger, or TRUNCATE the table, which row triggers do not see and which the test
runner needs; the hash chain and its head are what detect those.)"""

from django.db import migrations

from jiuzhu.core.pg_migrations import postgres_sql

FORWARD = """
CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '审计记录只能追加，不能修改或删除';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditentry_no_change BEFORE UPDATE OR DELETE ON core_auditentry
  FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS core_auditentry_no_change ON core_auditentry;
DROP FUNCTION IF EXISTS core_auditentry_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [postgres_sql(FORWARD, BACKWARD)]
