"""The audit table refuses changes on SQLite too (the demo's database), as it does on
PostgreSQL (core.0002), and PostgreSQL also refuses TRUNCATE, which row triggers do not see.

Someone who owns the database can still drop a trigger; the keyed chain and the anchors outside
the database are what detect what such a person does (docs/operations.md, section 6). The test
suite empties its database between browser tests with the triggers off (tests/conftest.py)."""

from django.db import migrations

from jiuzhu.core.pg_migrations import postgres_sql
from jiuzhu.core.sqlite_migrations import sqlite_sql

SQLITE_FORWARD = [
    "CREATE TRIGGER IF NOT EXISTS core_auditentry_no_update BEFORE UPDATE ON core_auditentry "
    "BEGIN SELECT RAISE(ABORT, '审计记录只能追加'); END",
    "CREATE TRIGGER IF NOT EXISTS core_auditentry_no_delete BEFORE DELETE ON core_auditentry "
    "BEGIN SELECT RAISE(ABORT, '审计记录只能追加'); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_update",
    "DROP TRIGGER IF EXISTS core_auditentry_no_delete",
]
# core_auditentry_append_only() raises whatever fired it (core.0002)
POSTGRES_FORWARD = """
CREATE TRIGGER core_auditentry_no_truncate BEFORE TRUNCATE ON core_auditentry
  FOR EACH STATEMENT EXECUTE FUNCTION core_auditentry_append_only();
"""
POSTGRES_BACKWARD = "DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry;"


class Migration(migrations.Migration):
    dependencies = [("core", "0006_audit_keyed_chain")]
    operations = [
        sqlite_sql(SQLITE_FORWARD, SQLITE_BACKWARD),
        postgres_sql(POSTGRES_FORWARD, POSTGRES_BACKWARD),
    ]
