"""DuckDB connections for the cross-checks: embedded, offline, bounded by settings.

No extension is ever installed or loaded at run time (government intranets are offline); only
what the duckdb wheel contains is used.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
from django.conf import settings


def connect(
    *, memory_limit: str | None = None, temp_dir: Path | None = None, threads: int | None = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the memory limit, spill directory and threads from settings."""
    con = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    tmp = Path(temp_dir or settings.JIUZHU_DUCKDB_TEMP_DIR)
    tmp.mkdir(parents=True, exist_ok=True)
    # DuckDB 2 wants every result consumed before a table is registered: fetch each one
    con.execute(
        f"SET memory_limit = '{memory_limit or settings.JIUZHU_DUCKDB_MEMORY_LIMIT}'"
    ).fetchall()
    con.execute("SET temp_directory = ?", [str(tmp)]).fetchall()
    n = settings.JIUZHU_DUCKDB_THREADS if threads is None else threads
    con.execute(f"SET threads = {int(n) or default_threads()}").fetchall()
    con.execute("SET preserve_insertion_order = false").fetchall()
    return con


def default_threads() -> int:
    """DuckDB's threads when JIUZHU_DUCKDB_THREADS is 0: one more than the cores this process
    may use. During a monthly run on PostgreSQL the findings are written on a thread of their
    own (finding_writes) by a PostgreSQL backend on the same machine, and the checks are the
    run's critical path: with a thread more, DuckDB keeps a larger share of the cores while the
    writing goes on. Measured on the province benchmark (2 cores, 2026-12-07, three runs each):
    the monthly run 16.06 s with 3 threads against 16.8–17.4 s with 2; the bare join alone the
    same with either (3.40 s and 3.25–3.57 s)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return cores + 1


def snapshot_dir() -> Path:
    path = Path(settings.JIUZHU_SNAPSHOT_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def sql_literal(text: str) -> str:
    """A string literal for the DuckDB statements that cannot take parameters (views, COPY)."""
    return "'" + str(text).replace("'", "''") + "'"
