"""PostgreSQL only: prefix search (name LIKE '张%') needs pattern-ops indexes unless the
database collation is C."""

from django.db import migrations

INDEXES = [
    ("registry_person_name_prefix", "registry_person", "name"),
    ("registry_person_initials_prefix", "registry_person", "name_initials"),
    ("registry_household_head_prefix", "registry_household", "head_name"),
    ("registry_household_number_prefix", "registry_household", "number"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column} varchar_pattern_ops)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
