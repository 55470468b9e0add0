"""PostgreSQL only: prefix search on full pinyin (see 0002)."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE INDEX IF NOT EXISTS registry_person_pinyin_prefix "
                              "ON registry_person (name_pinyin varchar_pattern_ops)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS registry_person_pinyin_prefix")


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_person_pinyin_index")]
    operations = [migrations.RunPython(forwards, backwards)]
