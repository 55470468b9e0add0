"""Migration operations that run SQL on SQLite only (the demo's database), the counterpart of
jiuzhu.core.pg_migrations: on PostgreSQL they do nothing. SQLite runs one statement per call,
so the SQL is given as a list of statements."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import migrations


def sqlite_sql(forward: Sequence[str], backward: Sequence[str]) -> migrations.RunPython:
    """Run the statements of `forward` on SQLite when migrating, `backward` when reversing."""

    def run(statements: Sequence[str]):
        def operation(apps, schema_editor):
            if schema_editor.connection.vendor == "sqlite":
                for statement in statements:
                    schema_editor.execute(statement)

        return operation

    return migrations.RunPython(run(forward), run(backward))
