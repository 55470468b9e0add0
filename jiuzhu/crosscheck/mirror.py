"""The run's copy of the large operational tables, kept between runs and refreshed incrementally.

A county's run reads millions of persons, households and enrolments from PostgreSQL, and most
of them have not changed since last month. Each of those tables carries ``row_xid``, the
transaction that last wrote the row (set by a trigger: migration core.0003), and triggers log
the rows that left it in ``core.RowGone`` (deleted, moved to another county, or the whole table
emptied: jiuzhu.core.rowxid). So the copy is kept in a DuckDB file per county
(``JIUZHU_CROSSCHECK_MIRROR_DIR``) and each run fetches only, from the *watermark* on — the
oldest transaction still running when the previous refresh took its snapshot (every older one
had finished, so its rows were in that snapshot; a newer one may not have been):

- the rows written;
- the keys logged gone, whose rows are dropped from the copy (a row that came back, say a
  household that moved away and back, was written since: it is among the rows fetched). A
  TRUNCATE means the table is fetched whole.

No step reads every row of a table: a month's refresh costs what the month changed.

Everything of one table is read in one REPEATABLE READ transaction, and the copy and its
state are written in one DuckDB transaction: a failed run leaves the previous copy. The whole
table is fetched again when there is no copy, when the columns changed, when the database is
another one (cluster identifier, database oid) or its transaction counter went back (a restore),
and when the rows rewritten since the last whole fetch reach half the table (the file then has
room to reclaim).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
from django.conf import settings

logger = logging.getLogger(__name__)

SCHEMA = "mirror"
CHECKPOINT_THRESHOLD = "4GB"  # the run's log of changes to the copy, written out at the end
FORMAT = 2  # raise when the file's layout changes: every table is then fetched whole


def path_for(county_id: int) -> Path:
    folder = Path(settings.JIUZHU_CROSSCHECK_MIRROR_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"county-{county_id}.duckdb"


@dataclass(frozen=True)
class Server:
    """What the database says about itself before a refresh."""

    identity: str  # cluster identifier / database oid / FORMAT
    next_xid: int  # the transaction counter (xmax of a snapshot)


SERVER_SQL = """
    SELECT coalesce((SELECT system_identifier::text FROM pg_control_system()), '') || '/'
           || (SELECT oid::text FROM pg_database WHERE datname = current_database()),
           pg_snapshot_xmax(pg_current_snapshot())::text"""
# pg_control_system() may be refused to a role without pg_monitor: then the oid alone
SERVER_SQL_NO_CONTROL = """
    SELECT (SELECT oid::text FROM pg_database WHERE datname = current_database()),
           pg_snapshot_xmax(pg_current_snapshot())::text"""


def server_of(source) -> Server:
    try:
        identity, xmax = source.rows(SERVER_SQL)[0]
    except Exception:  # noqa: BLE001 — a refused function: the oid still tells databases apart
        identity, xmax = source.rows(SERVER_SQL_NO_CONTROL)[0]
    return Server(identity=f"{identity}/{FORMAT}", next_xid=int(xmax))


@dataclass(frozen=True)
class State:
    watermark: int
    identity: str
    columns: str
    rows: int
    rewritten: int  # rows fetched since the last whole fetch
    version: str = ""  # when it was last refreshed: changes with every refresh


def attach(con, path: Path) -> None:
    """Attach the county's copy as schema `mirror`. A file DuckDB cannot open (damaged, or
    written by another version) is only a copy: it is deleted and the run fetches the tables
    whole. A file another process holds is not touched."""
    try:
        con.execute(f"ATTACH '{path}' AS {SCHEMA}").fetchall()
    except duckdb.Error as exc:
        if "lock" in str(exc).lower():
            raise
        logger.warning("crosscheck mirror %s unreadable (%s); starting a new copy", path, exc)
        for stale in (path, path.with_name(path.name + ".wal")):
            stale.unlink(missing_ok=True)
        con.execute(f"ATTACH '{path}' AS {SCHEMA}").fetchall()
    # the copy is written out once, when the run closes it (while the last findings go to
    # PostgreSQL), not by a checkpoint at whichever commit passes DuckDB's 16 MB of log
    con.execute(f"SET checkpoint_threshold = '{CHECKPOINT_THRESHOLD}'").fetchall()
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {SCHEMA}.refreshes (tbl VARCHAR, refreshed_at TIMESTAMP, "
        "watermark BIGINT, identity VARCHAR, columns VARCHAR, rows BIGINT, "
        "rewritten BIGINT, whole BOOLEAN)"
    ).fetchall()


def columns_key(types: dict[str, str]) -> str:
    return json.dumps(types)  # in column order: a reordering is a change too


def state_of(con, table: str) -> State | None:
    row = con.execute(
        f"""SELECT watermark, identity, columns, rows, rewritten,
                                 refreshed_at::VARCHAR
                          FROM {SCHEMA}.refreshes WHERE tbl = ? ORDER BY refreshed_at DESC LIMIT 1""",
        [table],
    ).fetchall()
    if not row or not _has_table(con, table):
        return None
    return State(*row[0])


def _has_table(con, table: str) -> bool:
    return bool(
        con.execute(
            "SELECT 1 FROM duckdb_tables() WHERE database_name = ? AND table_name = ?",
            [SCHEMA, table],
        ).fetchall()
    )


def watermark_for(state: State | None, server: Server, types: dict[str, str]) -> int | None:
    """The transaction id to fetch from, or None to fetch the whole table."""
    if state is None or state.identity != server.identity or state.columns != columns_key(types):
        return None
    if state.watermark > server.next_xid:  # the counter went back: another database
        return None
    if state.rewritten * 2 >= max(state.rows, 1):
        return None
    return state.watermark


@dataclass(frozen=True)
class Job:
    """One table's refresh, its SQL rendered beforehand (in the thread with Django's
    connection)."""

    table: str
    key: str
    types: dict[str, str]
    all_sql: str
    changed_sql: str | None  # None: fetch the whole table
    gone_sql: str | None  # the keys logged gone since then (NULL: emptied); with changed_sql
    identity: str
    rewritten: int = 0  # rows fetched since the last whole fetch, as the state says
    before: str = ""  # the copy's version before this refresh (State.version)


def refresh(cur, source, job: Job, fetch) -> dict:
    """Bring mirror.<table> up to date through `source` (an ADBC connection) on the DuckDB
    cursor `cur`; `fetch(cur, table, sql, types, source)` creates a table from a query.
    Returns what was fetched."""
    started = time.perf_counter()
    source.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    try:
        # the first statement takes the snapshot every later one reads
        watermark = int(source.rows("SELECT pg_snapshot_xmin(pg_current_snapshot())::text")[0][0])
        done = (
            None if job.changed_sql is None else _apply_changes(cur, source, job, watermark, fetch)
        )
        if done is None:
            done = _fetch_whole(cur, source, job, watermark, fetch)
        source.execute("COMMIT")
    except BaseException:
        source.execute("ROLLBACK")
        raise
    return {**done, "before": job.before, "seconds": round(time.perf_counter() - started, 3)}


def versions(con) -> dict[str, str]:
    """Each table's State.version now."""
    return dict(
        con.execute(
            f"SELECT tbl, max(refreshed_at)::VARCHAR FROM {SCHEMA}.refreshes GROUP BY tbl"
        ).fetchall()
    )


def _fetch_whole(cur, source, job: Job, watermark: int, fetch) -> dict:
    fetch(cur, f"_whole_{job.table}", job.all_sql, job.types, source)
    n = cur.execute(f"SELECT count(*) FROM _whole_{job.table}").fetchall()[0][0]
    with _transaction(cur):
        cur.execute(
            f"CREATE OR REPLACE TABLE {SCHEMA}.{job.table} AS SELECT * FROM _whole_{job.table}"
        )
        _record(cur, job, watermark, rows=n, rewritten=0, whole=True)
    cur.execute(f"DROP TABLE _whole_{job.table}")
    return {"whole": True, "rows": n}


def _apply_changes(cur, source, job: Job, watermark: int, fetch) -> dict | None:
    """Fetch the changed rows and the keys gone and fold them in; None when the table must be
    fetched whole (it was emptied)."""
    t, key, chg = job.table, job.key, f"_changed_{job.table}"
    gone_keys = _gone(source, job)
    if gone_keys is None:
        logger.info("crosscheck mirror %s: the table was emptied; fetching it whole", t)
        return None
    fetch(cur, chg, job.changed_sql, job.types, source)
    changed = cur.execute(f"SELECT count(*) FROM {chg}").fetchall()[0][0]
    # the keys written or gone: dropped here, and read by the derived tables (mirror_derived);
    # the gone keys as a parameter, not a registered Arrow table, which would wait for the
    # other lane's fetch
    cur.execute(
        f"CREATE OR REPLACE TABLE {delta_of(t)} AS SELECT {key} AS key FROM {chg} "
        "UNION SELECT unnest(?::BIGINT[])",
        [gone_keys],
    ).fetchall()
    with _transaction(cur):
        removed = cur.execute(
            f"DELETE FROM {SCHEMA}.{t} WHERE {key} IN (SELECT key FROM {delta_of(t)})"
        ).fetchall()[0][0]
        cur.execute(f"INSERT INTO {SCHEMA}.{t} SELECT * FROM {chg}")
        rows = cur.execute(f"SELECT count(*) FROM {SCHEMA}.{t}").fetchall()[0][0]
        _record(
            cur,
            job,
            watermark,
            rows=rows,
            rewritten=job.rewritten + max(changed, removed),
            whole=False,
        )
    cur.execute(f"DROP TABLE {chg}")
    return {
        "whole": False,
        "changed": changed,
        "removed": removed,
        "rows": rows,
        "delta": delta_of(t),
    }


def _gone(source, job: Job) -> list[int] | None:
    """The keys logged gone since the watermark; None when the table was emptied. A key still
    in the table's set (moved away and back) was written since, so it is among the changed
    rows, which replace it."""
    logged = [k for (k,) in source.rows(job.gone_sql)]
    return None if None in logged else logged


def delta_of(table: str) -> str:
    """The in-memory table of the keys a refresh wrote or removed (column ``key``)."""
    return f"_delta_{table}"


@contextmanager
def _transaction(cur) -> Iterator[None]:
    """One DuckDB transaction on the copy: the table and its refresh row together, or neither."""
    cur.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        cur.execute("ROLLBACK")
        raise
    cur.execute("COMMIT")


def _record(cur, job: Job, watermark: int, *, rows: int, rewritten: int, whole: bool) -> None:
    cur.execute(f"DELETE FROM {SCHEMA}.refreshes WHERE tbl = ?", [job.table])
    cur.execute(
        f"INSERT INTO {SCHEMA}.refreshes VALUES (?, now()::TIMESTAMP, ?, ?, ?, ?, ?, ?)",
        [job.table, watermark, job.identity, columns_key(job.types), rows, rewritten, whole],
    )
