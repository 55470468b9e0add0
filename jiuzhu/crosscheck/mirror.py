"""The run's copy of the large operational tables, kept between runs and refreshed incrementally.

A county's run reads millions of persons, households and enrolments from PostgreSQL, and most
of them have not changed since last month. Each of those tables carries ``row_xid``, the
transaction that last wrote the row (set by a trigger: migration core.0003), so the copy is
kept in a DuckDB file per county (``JIUZHU_CROSSCHECK_MIRROR_DIR``) and each run fetches only:

- the rows written by a transaction not older than the *watermark*: the oldest transaction
  still running when the previous refresh took its snapshot (every older one had finished, so
  its rows were in that snapshot; a newer one may not have been);
- the count and the sum of the keys of the whole set, to see rows that left it (deleted, or no
  longer of this county); when they differ, the keys, to drop those rows. If the copy still
  differs, the table is fetched whole.

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
FORMAT = 1   # raise when the file's layout changes: every table is then fetched whole


def path_for(county_id: int) -> Path:
    folder = Path(settings.JIUZHU_CROSSCHECK_MIRROR_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"county-{county_id}.duckdb"


@dataclass(frozen=True)
class Server:
    """What the database says about itself before a refresh."""
    identity: str       # cluster identifier / database oid / FORMAT
    next_xid: int       # the transaction counter (xmax of a snapshot)


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
    except Exception:   # noqa: BLE001 — a refused function: the oid still tells databases apart
        identity, xmax = source.rows(SERVER_SQL_NO_CONTROL)[0]
    return Server(identity=f"{identity}/{FORMAT}", next_xid=int(xmax))


@dataclass(frozen=True)
class State:
    watermark: int
    identity: str
    columns: str
    rows: int
    rewritten: int      # rows fetched since the last whole fetch
    version: str = ""   # when it was last refreshed: changes with every refresh


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
    con.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.refreshes (tbl VARCHAR, refreshed_at TIMESTAMP, "
                "watermark BIGINT, identity VARCHAR, columns VARCHAR, rows BIGINT, "
                "rewritten BIGINT, whole BOOLEAN)").fetchall()


def columns_key(types: dict[str, str]) -> str:
    return json.dumps(types)   # in column order: a reordering is a change too


def state_of(con, table: str) -> State | None:
    row = con.execute(f"""SELECT watermark, identity, columns, rows, rewritten,
                                 refreshed_at::VARCHAR
                          FROM {SCHEMA}.refreshes WHERE tbl = ? ORDER BY refreshed_at DESC LIMIT 1""",
                      [table]).fetchall()
    if not row or not _has_table(con, table):
        return None
    return State(*row[0])


def _has_table(con, table: str) -> bool:
    return bool(con.execute("SELECT 1 FROM duckdb_tables() WHERE database_name = ? AND "
                            "table_name = ?", [SCHEMA, table]).fetchall())


def watermark_for(state: State | None, server: Server, types: dict[str, str]) -> int | None:
    """The transaction id to fetch from, or None to fetch the whole table."""
    if state is None or state.identity != server.identity or state.columns != columns_key(types):
        return None
    if state.watermark > server.next_xid:     # the counter went back: another database
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
    changed_sql: str | None     # None: fetch the whole table
    identity: str
    rewritten: int = 0          # rows fetched since the last whole fetch, as the state says
    before: str = ""            # the copy's version before this refresh (State.version)


def refresh(cur, source, job: Job, fetch) -> dict:
    """Bring mirror.<table> up to date through `source` (an ADBC connection) on the DuckDB
    cursor `cur`; `fetch(cur, table, sql, types, source)` creates a table from a query.
    Returns what was fetched."""
    started = time.perf_counter()
    source.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    try:
        # the first statement takes the snapshot every later one reads
        watermark = int(source.rows("SELECT pg_snapshot_xmin(pg_current_snapshot())::text")[0][0])
        done = None if job.changed_sql is None else _apply_changes(cur, source, job, watermark, fetch)
        if done is None:
            done = _fetch_whole(cur, source, job, watermark, fetch)
        source.execute("COMMIT")
    except BaseException:
        source.execute("ROLLBACK")
        raise
    return {**done, "before": job.before, "seconds": round(time.perf_counter() - started, 3)}


def versions(con) -> dict[str, str]:
    """Each table's State.version now."""
    return dict(con.execute(f"SELECT tbl, max(refreshed_at)::VARCHAR FROM {SCHEMA}.refreshes "
                            "GROUP BY tbl").fetchall())


def _fetch_whole(cur, source, job: Job, watermark: int, fetch) -> dict:
    fetch(cur, f"_whole_{job.table}", job.all_sql, job.types, source)
    n = cur.execute(f"SELECT count(*) FROM _whole_{job.table}").fetchall()[0][0]
    with _transaction(cur):
        cur.execute(f"CREATE OR REPLACE TABLE {SCHEMA}.{job.table} AS "
                    f"SELECT * FROM _whole_{job.table}")
        _record(cur, job, watermark, rows=n, rewritten=0, whole=True)
    cur.execute(f"DROP TABLE _whole_{job.table}")
    return {"whole": True, "rows": n}


def _apply_changes(cur, source, job: Job, watermark: int, fetch) -> dict | None:
    """Fetch the changed rows and fold them in; None when the table must be fetched whole."""
    t, key, chg = job.table, job.key, f"_changed_{job.table}"
    fetch(cur, chg, job.changed_sql, job.types, source)
    n_server, sum_server = source.rows(
        f"SELECT count(*)::text, coalesce(sum({key}), 0)::text FROM ({job.all_sql}) AS a")[0]
    kept = f"SELECT {key} FROM {SCHEMA}.{t} WHERE {key} NOT IN (SELECT {key} FROM {chg})"
    after = f"{kept} UNION ALL SELECT {key} FROM {chg}"
    gone = ""
    if _count_sum(cur, after) != (int(n_server), int(sum_server)):
        keys = f"_keys_{t}"
        fetch(cur, keys, f"SELECT {key} FROM ({job.all_sql}) AS a", {key: job.types[key]}, source)
        gone = f" OR {key} NOT IN (SELECT {key} FROM {keys})"
        after = f"SELECT {key} FROM ({after}) WHERE {key} IN (SELECT {key} FROM {keys})"
        if _count_sum(cur, after) != (int(n_server), int(sum_server)):
            logger.warning("crosscheck mirror %s: rows joined the set unchanged; fetching it whole", t)
            cur.execute(f"DROP TABLE {chg}; DROP TABLE {keys}")
            return None
    changed = cur.execute(f"SELECT count(*) FROM {chg}").fetchall()[0][0]
    # the keys written or gone, for the tables derived from this one (mirror_derived)
    cur.execute(f"CREATE OR REPLACE TABLE {delta_of(t)} AS SELECT {key} AS key FROM {chg}"
                + (f" UNION SELECT {key} FROM {SCHEMA}.{t} WHERE {key} NOT IN "
                   f"(SELECT {key} FROM _keys_{t})" if gone else ""))
    with _transaction(cur):
        removed = cur.execute(f"DELETE FROM {SCHEMA}.{t} WHERE {key} IN (SELECT {key} FROM {chg})"
                              f"{gone}").fetchall()[0][0]
        cur.execute(f"INSERT INTO {SCHEMA}.{t} SELECT * FROM {chg}")
        _record(cur, job, watermark, rows=int(n_server),
                rewritten=job.rewritten + max(changed, removed), whole=False)
    cur.execute(f"DROP TABLE {chg}" + (f"; DROP TABLE _keys_{t}" if gone else ""))
    return {"whole": False, "changed": changed, "removed": removed, "rows": int(n_server),
            "delta": delta_of(t)}


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


def _count_sum(cur, keys_sql: str) -> tuple[int, int]:
    n, total = cur.execute(f"SELECT count(*), coalesce(sum(k), 0)::VARCHAR "
                           f"FROM ({keys_sql}) AS s(k)").fetchall()[0]
    return int(n), int(total)


def _record(cur, job: Job, watermark: int, *, rows: int, rewritten: int, whole: bool) -> None:
    cur.execute(f"DELETE FROM {SCHEMA}.refreshes WHERE tbl = ?", [job.table])
    cur.execute(f"INSERT INTO {SCHEMA}.refreshes VALUES (?, now()::TIMESTAMP, ?, ?, ?, ?, ?, ?)",
                [job.table, watermark, job.identity, columns_key(job.types), rows, rewritten, whole])
