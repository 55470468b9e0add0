"""The database part of a backup (jiuzhu.core.backup): a dump and its restore, PostgreSQL or
SQLite, with the rows per table and the audit head read in the same snapshot as the dump."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

from django.db import connections, transaction

from .errors import ValidationFailed

PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"

# rows per table, and the audit head row
Counts = tuple[dict[str, int], dict]


# ---- PostgreSQL ------------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """pg_dump or pg_restore: JIUZHU_PG_BIN, else the newest /usr/lib/postgresql/N/bin, else
    PATH. (pg_dump must be at least the server's major version.)"""
    candidates = []
    if os.environ.get("JIUZHU_PG_BIN"):
        candidates.append(Path(os.environ["JIUZHU_PG_BIN"]) / name)
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdecimal() else 0,
        reverse=True,
    )
    candidates += [v / name for v in versions]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if not found:
        raise ValidationFailed(
            f"找不到 {name}：请安装 PostgreSQL 客户端，或用 JIUZHU_PG_BIN 指明其目录"
        )
    return found


def pg_env(db: dict) -> dict[str, str]:
    """The connection of a Django database setting as libpq variables (the password never on
    a command line)."""
    env = dict(os.environ)
    pairs = {
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGDATABASE": db.get("NAME"),
        "PGSSLMODE": (db.get("OPTIONS") or {}).get("sslmode"),
    }
    env.update({k: str(v) for k, v in pairs.items() if v})
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip()[-2000:]
        raise ValidationFailed(f"{Path(command[0]).name} 执行失败：{tail}")


# ---- counting --------------------------------------------------------------------------------


def _table_counts(cursor, tables: list[str], quote: Callable[[str], str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT count(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _audit_head(cursor, quote: Callable[[str], str]) -> dict:
    """The audit head row as stored (whatever its columns), JSON-safe."""
    cursor.execute(f"SELECT * FROM {quote('core_audithead')} WHERE id = 1")
    row = cursor.fetchone()
    if row is None:
        return {}
    names = [c[0] for c in cursor.description]
    return {name: _plain(value) for name, value in zip(names, row, strict=True)}


def _plain(value):
    if isinstance(value, int | str | type(None)):
        return value
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return str(value)


def database_counts(using: str = "default") -> Counts:
    """Rows per table and the audit head of a database as it is now."""
    connection = connections[using]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = _table_counts(cursor, tables, connection.ops.quote_name)
        head = _audit_head(cursor, connection.ops.quote_name) if "core_audithead" in tables else {}
    return counts, head


def _dump_postgresql(target: Path, using: str) -> Counts:
    """pg_dump -Fc of the database, with the row counts and audit head read in the very
    snapshot the dump reads (exported from a repeatable-read transaction kept open meanwhile)."""
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        tables = connection.introspection.table_names(cursor)
        counts = _table_counts(cursor, tables, connection.ops.quote_name)
        head = _audit_head(cursor, connection.ops.quote_name) if "core_audithead" in tables else {}
        command = [pg_tool("pg_dump"), "-Fc", f"--snapshot={snapshot}"]
        _run([*command, "-f", str(target)], pg_env(connection.settings_dict))
    return counts, head


def _dump_sqlite(target: Path, using: str) -> Counts:
    """SQLite's online backup API (a consistent copy while the site runs); counted on the copy."""
    connection = connections[using]
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        cursor = copy.cursor()
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = _table_counts(cursor, tables, connection.ops.quote_name)
        head = _audit_head(cursor, connection.ops.quote_name) if "core_audithead" in tables else {}
    finally:
        copy.close()
    return counts, head


def database_is_empty(using: str) -> bool:
    connection = connections[using]
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _restore_postgresql(source: Path, using: str) -> None:
    connection = connections[using]
    command = [pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
    db = connection.settings_dict
    connection.close()
    _run([*command, "--single-transaction", "-d", str(db["NAME"]), str(source)], pg_env(db))


def _restore_sqlite(source: Path, using: str) -> None:
    connection = connections[using]
    target = connection.settings_dict["NAME"]
    connection.close()
    backup, restored = sqlite3.connect(source), sqlite3.connect(target)
    try:
        backup.backup(restored)
    finally:
        backup.close()
        restored.close()


def dump(target_dir: Path, using: str = "default") -> tuple[str, dict[str, int], dict]:
    """Write the database into `target_dir`; returns the file name, rows per table and the
    audit head as of the dump."""
    vendor = connections[using].vendor
    if vendor == "postgresql":
        return (PG_DUMP_FILE, *_dump_postgresql(target_dir / PG_DUMP_FILE, using))
    if vendor == "sqlite":
        return (SQLITE_FILE, *_dump_sqlite(target_dir / SQLITE_FILE, using))
    raise ValidationFailed(f"不支持备份 {vendor} 数据库")


def restore(source: Path, using: str = "default") -> None:
    """Load a dump made by `dump` into the (empty) database `using`."""
    if connections[using].vendor == "postgresql":
        _restore_postgresql(source, using)
    else:
        _restore_sqlite(source, using)
