"""Export the operational columns the checks need into DuckDB, once per run.

On PostgreSQL each query is fetched through ADBC (adbc-driver-postgresql: PostgreSQL's binary
COPY decoded to Arrow in C++) and streamed straight into DuckDB, the persons on one connection
while the other tables follow on a second, in parallel (``export_tables``). When ADBC cannot
connect, or the run is inside a transaction (a second connection would not see its uncommitted
rows), each query streams out with ``COPY … TO STDOUT (FORMAT csv)`` through Django's connection
into a temporary file that DuckDB reads in parallel. On SQLite (the demo) the rows are fetched through
the cursor. The querysets come from the apps that own the tables.

Through ADBC the large tables (persons, households, enrolments) are not fetched whole each run:
a copy kept between runs is refreshed from the rows written since the previous one
(``mirror``), and the run's tables are made from it.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import adbc_driver_manager
import adbc_driver_postgresql
import psycopg
import pyarrow as pa
from django.db import connection

from jiuzhu.cases.selectors_export import APPLICATION_EXPORT_COLUMNS, applications_for_export
from jiuzhu.core.month import Month
from jiuzhu.payments.selectors import (
    ENROLMENT_EXPORT_COLUMNS,
    enrolments_for_export,
    enrolments_gone_since,
)
from jiuzhu.regions.selectors import VILLAGE_EXPORT_COLUMNS, villages_for_export
from jiuzhu.registry.selectors import (
    HOUSEHOLD_EXPORT_COLUMNS,
    PEOPLE_EXPORT_COLUMNS,
    households_for_export,
    households_gone_since,
    people_for_export,
    people_gone_since,
)

from . import mirror, mirror_derived
from .engine import sql_literal

logger = logging.getLogger(__name__)

# Names in our registry are entered in simplified Chinese; strip spaces and middle dots only.
NAME_NORM_SQL = "regexp_replace(name, '[[:space:]·•‧・]', '', 'g')"

# libpq connection parameters that may stand in the database settings' OPTIONS
_LIBPQ_OPTIONS = (
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "sslpassword",
    "connect_timeout",
    "application_name",
    "options",
    "target_session_attrs",
    "passfile",
    "service",
)


# A column type of the export: an amount sent as whole fen (a BIGINT), kept in yuan.
FEN = "FEN"
_YUAN = "DECIMAL(12,2)"


def _types(columns: dict[str, tuple[str, str]]) -> dict[str, str]:
    return {name: duck for name, (_, duck) in columns.items()}


def _casts(columns: dict[str, str], *, empty_is_null: bool = False) -> str:
    """Each column cast to its DuckDB type (fen to yuan); with `empty_is_null` an empty string
    becomes NULL, as the COPY path's CSV reads it (so ADBC and COPY give the same values)."""

    def cast(name: str, duck: str) -> str:
        if duck == FEN:
            return f"CAST(CAST({name} AS DECIMAL(18,0)) * 0.01 AS {_YUAN}) AS {name}"
        value = f"nullif({name}, '')" if empty_is_null and duck == "VARCHAR" else name
        return f"CAST({value} AS {duck}) AS {name}"

    return ", ".join(cast(name, duck) for name, duck in columns.items())


def _transport(columns: dict[str, str]) -> dict[str, str]:
    """The types the rows arrive in (fen as BIGINT), before _casts."""
    return {name: "BIGINT" if duck == FEN else duck for name, duck in columns.items()}


def _adbc_uri(settings_dict: dict) -> str:
    """A libpq URI for the database Django uses; the host goes in the query string, where it may
    be a Unix socket directory."""
    query = {"host": settings_dict.get("HOST") or None, "port": settings_dict.get("PORT") or None}
    options = settings_dict.get("OPTIONS") or {}
    query.update({k: options[k] for k in _LIBPQ_OPTIONS if options.get(k) not in (None, "")})
    query = urlencode({k: v for k, v in query.items() if v is not None}, quote_via=quote)
    user, password = settings_dict.get("USER") or "", settings_dict.get("PASSWORD") or ""
    credentials = quote(user, safe="") + (":" + quote(password, safe="") if password else "")
    return (
        f"postgresql://{credentials}{'@' if credentials else ''}/"
        f"{quote(settings_dict.get('NAME') or '', safe='')}{'?' if query else ''}{query}"
    )


class AdbcSource:
    """A connection to Django's PostgreSQL database through ADBC, for fetching queries as Arrow.
    The driver manager's low-level API: its DB-API module imports pyarrow.dataset and with it
    pandas, over a second per process, for nothing the export uses."""

    def __init__(self, uri: str):
        self._database = adbc_driver_postgresql.connect(uri)
        try:
            self._connection = adbc_driver_manager.AdbcConnection(self._database)
        except BaseException:
            self._database.close()
            raise
        self.closed = False

    @contextmanager
    def query(self, sql: str) -> Iterator[pa.RecordBatchReader]:
        """The result of `sql` as a stream of Arrow batches, to be read within the block."""
        statement = adbc_driver_manager.AdbcStatement(self._connection)
        try:
            statement.set_sql_query(sql)
            stream, _ = statement.execute_query()
            yield pa.RecordBatchReader.from_stream(stream)
        finally:
            statement.close()

    def rows(self, sql: str) -> list[tuple]:
        """A small result as tuples."""
        with self.query(sql) as reader:
            table = reader.read_all()
        return list(zip(*(column.to_pylist() for column in table.columns), strict=True))

    def execute(self, sql: str) -> None:
        """A statement without a result (BEGIN, COMMIT)."""
        statement = adbc_driver_manager.AdbcStatement(self._connection)
        try:
            statement.set_sql_query(sql)
            statement.execute_update()
        finally:
            statement.close()

    def close(self) -> None:
        if not self.closed:
            self._connection.close()
            self._database.close()
            self.closed = True


def _adbc_connect() -> AdbcSource | None:
    try:
        return AdbcSource(_adbc_uri(connection.settings_dict))
    except adbc_driver_manager.Error as exc:
        logger.warning("ADBC cannot connect, exporting with COPY instead: %s", exc)
        return None


@contextmanager
def adbc_connection() -> Iterator[AdbcSource | None]:
    """An ADBC connection to Django's PostgreSQL database for the export, closed afterwards; or
    None (then the COPY or cursor path): on SQLite, inside a transaction (a second connection
    would not see its uncommitted rows), or when ADBC cannot connect."""
    source = None
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        source = _adbc_connect()
    try:
        yield source
    finally:
        if source is not None:
            source.close()


def _adbc_sql(queryset, columns: dict[str, str]) -> str:
    """The queryset's SQL with its parameters bound client-side (by psycopg, with the adapters
    of Django's connection), its columns named as in `columns`: what ADBC runs."""
    sql, params = queryset.query.sql_with_params()
    connection.ensure_connection()
    with psycopg.ClientCursor(connection.connection) as client:
        text = client.mogrify(sql, params)
    names = ", ".join(connection.ops.quote_name(name) for name in columns)
    return f"SELECT * FROM ({text}) AS q ({names})"


def _fetch_adbc(con, table: str, sql: str, columns: dict[str, str], source: AdbcSource) -> None:
    with source.query(sql) as reader:
        con.register(f"_{table}_arrow", reader)  # streamed into DuckDB batch by batch
        try:
            con.execute(
                f"CREATE OR REPLACE TABLE {table} AS SELECT "
                f"{_casts(columns, empty_is_null=True)} FROM _{table}_arrow"
            ).fetchall()
        finally:
            con.unregister(f"_{table}_arrow")


def _copy_pg(con, table: str, queryset, columns: dict[str, str], tmp: Path) -> None:
    sql, params = queryset.query.sql_with_params()
    path = tmp / f"{table}.csv"
    with connection.cursor() as cursor, open(path, "wb") as out:
        raw = cursor.cursor  # psycopg 3 cursor: binds the parameters client-side for COPY
        with raw.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy:
            for chunk in copy:
                out.write(chunk)
    if path.stat().st_size == 0:  # no rows: DuckDB cannot sniff an empty file
        cols = ", ".join(
            f"{name} {_YUAN if duck == FEN else duck}" for name, duck in columns.items()
        )
        con.execute(f"CREATE OR REPLACE TABLE {table} ({cols})")
    else:
        con.execute(
            f"CREATE OR REPLACE TABLE {table} AS SELECT {_casts(columns)} FROM read_csv("
            f"{sql_literal(path)}, header=false, columns={_struct(_transport(columns))}, "
            "nullstr='', quote='\"', escape='\"')"
        )
    path.unlink()


def _struct(columns: dict[str, str]) -> str:
    return "{" + ", ".join(f"'{name}': '{duck}'" for name, duck in columns.items()) + "}"


def _copy_cursor(con, table: str, queryset, columns: dict[str, str]) -> None:
    names = list(columns)
    rows = list(queryset)
    data = {name: [row[i] for row in rows] for i, name in enumerate(names)}
    arrow = pa.table(
        {
            name: pa.array(values) if values else pa.array([], type=pa.null())
            for name, values in data.items()
        }
    )
    con.register(f"_{table}_arrow", arrow)
    con.execute(
        f"CREATE OR REPLACE TABLE {table} AS SELECT {_casts(columns)} FROM _{table}_arrow"
    ).fetchall()
    con.unregister(f"_{table}_arrow")


def export_table(
    con,
    table: str,
    queryset,
    columns: dict[str, tuple[str, str]],
    *,
    adbc: AdbcSource | None = None,
) -> int:
    """Create `table` in DuckDB from `queryset` (values_list in the order of `columns`); with an
    ADBC connection (``adbc_connection()``) through it. Returns the row count."""
    types = _types(columns)
    if adbc is not None:
        _fetch_adbc(con, table, _adbc_sql(queryset, types), types, adbc)
    elif connection.vendor == "postgresql":
        with tempfile.TemporaryDirectory(prefix="jiuzhu-export-") as tmp:
            _copy_pg(con, table, queryset, types, Path(tmp))
    else:
        _copy_cursor(con, table, queryset, types)
    return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


@dataclass(frozen=True)
class ExportTable:
    """A table of the run: `queryset` gives every row (values_list in the order of `columns`,
    the key first); a table with `written_since` and `gone_since` (functions of a transaction
    id giving the rows written, and the keys logged gone, from it on) is kept in the mirror
    between runs."""

    name: str
    queryset: object
    columns: dict[str, tuple[str, str]]
    written_since: Callable[[int], object] | None = None
    gone_since: Callable[[int], object] | None = None


def _export_lane(con, lane: list, source: AdbcSource, results: dict) -> None:
    """Export each item of `lane` in turn through `source`, on a DuckDB cursor of its own (a
    second connection to the same in-memory database): a (table, sql, types) is fetched, a
    mirror.Job refreshed."""
    cursor = con.cursor()
    try:
        for item in lane:
            if isinstance(item, mirror.Job):
                results[item.table] = mirror.refresh(cursor, source, item, _fetch_adbc)
            else:
                _fetch_adbc(cursor, *item, source)
    finally:
        cursor.close()
        source.close()


def _work(con, tables: list[ExportTable], source: AdbcSource, mirror_path: Path | None) -> list:
    """What each table needs, its SQL rendered here, with this thread's Django connection."""
    server = None
    if mirror_path is not None and any(t.written_since for t in tables):
        mirror.attach(con, mirror_path)
        server = mirror.server_of(source)
    work = []
    for t in tables:
        types = _types(t.columns)
        all_sql = _adbc_sql(t.queryset, types)
        if server is None or t.written_since is None or t.gone_since is None:
            work.append((t.name, all_sql, types))
            continue
        state = mirror.state_of(con, t.name)
        since = mirror.watermark_for(state, server, types)
        work.append(
            mirror.Job(
                table=t.name,
                key=next(iter(types)),
                types=types,
                all_sql=all_sql,
                changed_sql=None if since is None else _adbc_sql(t.written_since(since), types),
                gone_sql=None
                if since is None
                else _adbc_sql(t.gone_since(since), {"key": "BIGINT"}),
                identity=server.identity,
                rewritten=state.rewritten if since is not None else 0,
                before=state.version if state is not None else "",
            )
        )
    return work


def export_tables(con, tables: list[ExportTable], *, mirror_path: Path | None = None) -> dict:
    """Create each table in DuckDB. Through ADBC the first table (the largest: the persons) is
    fetched on one connection while the others follow one another on a second, in two threads:
    decoding PostgreSQL's rows is the client's work, a core's worth for millions of persons,
    and the second core would otherwise wait. With `mirror_path` the tables with
    `written_since` are refreshed in that file (schema ``mirror``), where the run reads them.
    Without ADBC (SQLite, inside a transaction, no connection) one after another through
    Django's connection, whole. Returns how each mirrored table was refreshed."""
    with adbc_connection() as first:
        if first is None or (second := _adbc_connect()) is None:
            for t in tables:  # through `first` when there is one
                export_table(con, t.name, t.queryset, t.columns, adbc=first)
            return {}
        work = _work(con, tables, first, mirror_path)
        refreshed: dict[str, dict] = {}
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="jiuzhu-export") as pool:
            lanes = [
                pool.submit(_export_lane, con, work[:1], first, refreshed),
                pool.submit(_export_lane, con, work[1:], second, refreshed),
            ]
            for lane in lanes:
                lane.result()  # the first failure is raised here
    return refreshed


def export_county(con, *, county, month: str, refused_since) -> dict:
    """Create the tables people, enrolments, applications (refused since `refused_since`: the
    only ones a check reads), villages and the derived recipients (persons covered by an
    enrolment in force in `month` or later) in `con`. Returns their row counts, and under
    "refresh" the rows each mirrored table fetched and the seconds of each step.

    With the runs' copy, people and every person's coverage are kept in it too
    (``mirror_derived``) and read from it for the rest of the run; the copy stays attached
    until `con` is closed."""

    def since(select):
        return lambda xid: select(county_id=county.pk, written_since=xid)

    def gone(select):
        return lambda xid: select(xid=xid)

    seconds, started = {}, time.perf_counter()

    def step(name: str) -> None:
        nonlocal started
        seconds[name] = round(time.perf_counter() - started, 3)
        started = time.perf_counter()

    mirrored = export_tables(
        con,
        [
            ExportTable(
                "_people_own",
                people_for_export(county_id=county.pk),
                PEOPLE_EXPORT_COLUMNS,
                since(people_for_export),
                gone(people_gone_since),
            ),
            ExportTable(
                "_household_places",
                households_for_export(county_id=county.pk),
                HOUSEHOLD_EXPORT_COLUMNS,
                since(households_for_export),
                gone(households_gone_since),
            ),
            ExportTable(
                "enrolments",
                enrolments_for_export(county_id=county.pk),
                ENROLMENT_EXPORT_COLUMNS,
                since(enrolments_for_export),
                gone(enrolments_gone_since),
            ),
            ExportTable(
                "applications",
                applications_for_export(county_id=county.pk, refused_since=refused_since),
                APPLICATION_EXPORT_COLUMNS,
            ),
            ExportTable("villages", villages_for_export(county=county), VILLAGE_EXPORT_COLUMNS),
        ],
        mirror_path=mirror.path_for(county.pk),
    )
    step("fetch")
    derived = None
    if mirrored:
        derived = mirror_derived.refresh(
            con,
            mirrored,
            people_sql=people_sql,
            covered_sql=covered_sql,
            covered_columns=RECIPIENT_PERSON_COLUMNS,
        )
        con.execute(f"CREATE VIEW people AS SELECT * FROM {mirror.SCHEMA}.{mirror_derived.PEOPLE}")
        con.execute(
            f"CREATE TABLE enrolments AS SELECT * FROM {mirror.SCHEMA}.{mirror_derived.ENROLMENTS}"
        )
        covered = f"{mirror.SCHEMA}.{mirror_derived.COVERED}"
    else:
        con.execute(
            "CREATE OR REPLACE TABLE people AS "
            + people_sql("_people_own", "_household_places", "villages")
        )
        con.execute("DROP TABLE _people_own; DROP TABLE _household_places")
        covered = f"({covered_sql('people', 'enrolments')})"
    step("people")
    build_recipients(con, month=month, covered=covered, view=bool(mirrored))
    step("recipients")
    counts = {
        table: con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        for table in ("people", "enrolments", "applications", "villages", "recipients")
    }
    counts["refresh"] = {
        "rows": {t: r.get("changed", r["rows"]) for t, r in mirrored.items()},
        "whole": sorted(t for t, r in mirrored.items() if r["whole"]),
        "seconds": {**seconds, **{f"fetch_{t}": r["seconds"] for t, r in mirrored.items()}},
        "derived": derived,
    }
    return counts


def people_sql(persons: str, places: str, villages: str) -> str:
    """Every person of `persons` with their household's place columns (household_id once) from
    `places`, the village's code and the normalised name."""
    return f"""
        SELECT p.*, v.village_code AS region_code, h.* EXCLUDE (household_id),
               {NAME_NORM_SQL} AS name_norm
        FROM {persons} p JOIN {places} h ON h.household_id = p.household_id
        LEFT JOIN {villages} v ON v.village_id = h.village_id"""


# The persons' columns a check reads from recipients (the rest it reads from people).
RECIPIENT_PERSON_COLUMNS = (
    "person_id",
    "household_id",
    "name",
    "id_masked",
    "relation",
    "township_id",
    "village_id",
)


def covered_sql(people: str, enrolments: str) -> str:
    """One row per covered person and monthly enrolment, in any month: a household enrolment
    covers every member, a single-person enrolment (单人保) only that person."""
    person = ", ".join(f"p.{name}" for name in RECIPIENT_PERSON_COLUMNS)
    enrolment = (
        "e.enrolment_id, e.application_id, e.programme_code, e.monthly_amount, "
        "e.members, e.start_month, e.end_month, e.status AS enrolment_status"
    )
    monthly = "e.programme_code NOT IN ('temporary', 'heating')"  # one-off and yearly payments
    return f"""
        SELECT {person}, {enrolment}, false AS single_person
        FROM {enrolments} e JOIN {people} p ON p.household_id = e.household_id
        WHERE e.person_id IS NULL AND {monthly}
        UNION ALL
        SELECT {person}, {enrolment}, true AS single_person
        FROM {enrolments} e JOIN {people} p ON p.person_id = e.person_id
        WHERE {monthly}"""


def build_recipients(con, *, month: str, covered: str = "", view: bool = False) -> None:
    """The rows of `covered` (a table or subquery of covered_sql's rows; by default those of
    people and enrolments) whose enrolment is in force in `month` or later: a table, or with
    `view` a view (read where it is kept)."""
    covered = covered or f"({covered_sql('people', 'enrolments')})"
    month = str(Month.parse(month))  # a view takes no parameters: the month is checked here
    con.execute(f"""
        CREATE OR REPLACE {"VIEW" if view else "TABLE"} recipients AS
        SELECT * FROM {covered} c
        WHERE enrolment_status <> 'stopped'
           OR coalesce(nullif(end_month, ''), '9999-12') >= {sql_literal(month)}
    """)
