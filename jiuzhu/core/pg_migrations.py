"""Migration operations that run SQL on PostgreSQL only (triggers, storage settings): on
SQLite, the demo's database, they do nothing."""

from __future__ import annotations

from django.db import migrations


def postgres_sql(forward: str, backward: str) -> migrations.RunPython:
    """Run `forward` on PostgreSQL when migrating, `backward` when reversing."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(forward)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(backward)

    return migrations.RunPython(forwards, backwards)
