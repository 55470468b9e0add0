"""Export the operational columns the checks need into DuckDB, once per run.

On PostgreSQL each query is fetched through ADBC (adbc-driver-postgresql: PostgreSQL's binary
COPY decoded to Arrow in C++) and streamed straight into DuckDB, the persons on one connection
while the other tables follow on a second, in parallel (``export_tables``). When ADBC cannot
connect, or the run is inside a transaction (a second connection would not see its uncommitted
rows), each query streams out with ``COPY … TO STDOUT (FORMAT csv)`` through Django's connection
into a temporary file that DuckDB reads in parallel. On SQLite (the demo) the rows are fetched through
the cursor. The querysets come from the apps that own the tables.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlencode

import adbc_driver_manager
import adbc_driver_postgresql
import psycopg
import pyarrow as pa
from django.db import connection

from jiuzhu.cases.selectors_export import APPLICATION_EXPORT_COLUMNS, applications_for_export
from jiuzhu.payments.selectors import ENROLMENT_EXPORT_COLUMNS, enrolments_for_export
from jiuzhu.regions.selectors import VILLAGE_EXPORT_COLUMNS, villages_for_export
from jiuzhu.registry.selectors import (
    CONDITION_EXPORT_COLUMNS,
    HEALTHY,
    HOUSEHOLD_EXPORT_COLUMNS,
    PEOPLE_EXPORT_COLUMNS,
    households_for_export,
    people_conditions_for_export,
    people_for_export,
)

from .engine import sql_literal

logger = logging.getLogger(__name__)

# Names in our registry are entered in simplified Chinese; strip spaces and middle dots only.
NAME_NORM_SQL = "regexp_replace(name, '[[:space:]·•‧・]', '', 'g')"

# libpq connection parameters that may stand in the database settings' OPTIONS
_LIBPQ_OPTIONS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword", "connect_timeout",
                  "application_name", "options", "target_session_attrs", "passfile", "service")


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
    return (f"postgresql://{credentials}{'@' if credentials else ''}/"
            f"{quote(settings_dict.get('NAME') or '', safe='')}{'?' if query else ''}{query}")


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
        con.register(f"_{table}_arrow", reader)   # streamed into DuckDB batch by batch
        try:
            con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT "
                        f"{_casts(columns, empty_is_null=True)} FROM _{table}_arrow").fetchall()
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
    if path.stat().st_size == 0:   # no rows: DuckDB cannot sniff an empty file
        cols = ", ".join(f"{name} {_YUAN if duck == FEN else duck}"
                         for name, duck in columns.items())
        con.execute(f"CREATE OR REPLACE TABLE {table} ({cols})")
    else:
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT {_casts(columns)} FROM read_csv("
                    f"{sql_literal(path)}, header=false, columns={_struct(_transport(columns))}, "
                    "nullstr='', quote='\"', escape='\"')")
    path.unlink()


def _struct(columns: dict[str, str]) -> str:
    return "{" + ", ".join(f"'{name}': '{duck}'" for name, duck in columns.items()) + "}"


def _copy_cursor(con, table: str, queryset, columns: dict[str, str]) -> None:
    names = list(columns)
    rows = list(queryset)
    data = {name: [row[i] for row in rows] for i, name in enumerate(names)}
    arrow = pa.table({name: pa.array(values) if values else pa.array([], type=pa.null())
                      for name, values in data.items()})
    con.register(f"_{table}_arrow", arrow)
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT {_casts(columns)} "
                f"FROM _{table}_arrow").fetchall()
    con.unregister(f"_{table}_arrow")


def export_table(con, table: str, queryset, columns: dict[str, tuple[str, str]], *,
                 adbc: AdbcSource | None = None) -> int:
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


def _export_lane(con, lane: list[tuple[str, str, dict[str, str]]], source: AdbcSource) -> None:
    """Export each (table, sql, types) of `lane` in turn through `source`, on a DuckDB cursor of
    its own (a second connection to the same in-memory database)."""
    cursor = con.cursor()
    try:
        for table, sql, types in lane:
            _fetch_adbc(cursor, table, sql, types, source)
    finally:
        cursor.close()
        source.close()


def export_tables(con, tables: list[tuple[str, object, dict[str, tuple[str, str]]]]) -> None:
    """Create each (table, queryset, columns) in DuckDB. Through ADBC the first table (the
    largest: the persons) is fetched on one connection while the others follow one another on
    a second, in two threads: decoding PostgreSQL's rows is the client's work, a core's worth
    for millions of persons, and the second core would otherwise wait. Without ADBC (SQLite,
    inside a transaction, no connection) one after another through Django's connection."""
    with adbc_connection() as first:
        if first is None or (second := _adbc_connect()) is None:
            for table, queryset, columns in tables:   # through `first` when there is one
                export_table(con, table, queryset, columns, adbc=first)
            return
        # the SQL is rendered here, with this thread's Django connection
        work = [(table, _adbc_sql(queryset, types), types)
                for table, queryset, columns in tables for types in [_types(columns)]]
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="jiuzhu-export") as pool:
            lanes = [pool.submit(_export_lane, con, work[:1], first),
                     pool.submit(_export_lane, con, work[1:], second)]
            for lane in lanes:
                lane.result()   # the first failure is raised here


def export_county(con, *, county, month: str, refused_since) -> dict[str, int]:
    """Create the tables people, enrolments, applications (refused since `refused_since`: the
    only ones a check reads), villages and the derived recipients (persons covered by an
    enrolment in force in `month` or later) in `con`."""
    export_tables(con, [
        ("_people_own", people_for_export(county_id=county.pk), PEOPLE_EXPORT_COLUMNS),
        ("_household_places", households_for_export(county_id=county.pk), HOUSEHOLD_EXPORT_COLUMNS),
        ("_conditions", people_conditions_for_export(county_id=county.pk),
         CONDITION_EXPORT_COLUMNS),
        ("enrolments", enrolments_for_export(county_id=county.pk), ENROLMENT_EXPORT_COLUMNS),
        ("applications", applications_for_export(county_id=county.pk, refused_since=refused_since),
         APPLICATION_EXPORT_COLUMNS),
        ("villages", villages_for_export(county=county), VILLAGE_EXPORT_COLUMNS)])
    counts = {table: con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
              for table in ("enrolments", "applications", "villages")}
    # the persons' columns, their conditions (healthy, no disability when none is exported),
    # then their household's place columns (household_id once)
    con.execute(f"""
        CREATE OR REPLACE TABLE people AS
        SELECT p.*, c.disability_type, c.disability_grade,
               coalesce(c.health_status, {sql_literal(HEALTHY)}) AS health_status,
               h.* EXCLUDE (household_id), {NAME_NORM_SQL} AS name_norm
        FROM _people_own p JOIN _household_places h ON h.household_id = p.household_id
        LEFT JOIN _conditions c ON c.person_id = p.person_id""")
    con.execute("DROP TABLE _people_own; DROP TABLE _household_places; DROP TABLE _conditions")
    counts = {"people": con.execute("SELECT count(*) FROM people").fetchall()[0][0], **counts}
    build_recipients(con, month=month)
    counts["recipients"] = con.execute("SELECT count(*) FROM recipients").fetchall()[0][0]
    return counts


# The persons' columns a check reads from recipients (the rest it reads from people).
RECIPIENT_PERSON_COLUMNS = ("person_id", "household_id", "name", "id_masked", "relation",
                            "township_id", "village_id")


def build_recipients(con, *, month: str) -> None:
    """One row per covered person and monthly enrolment in force in `month` or later: a household
    enrolment covers every member, a single-person enrolment (单人保) only that person."""
    person = ", ".join(f"p.{name}" for name in RECIPIENT_PERSON_COLUMNS)
    enrolment = ("e.enrolment_id, e.application_id, e.programme_code, e.monthly_amount, "
                 "e.members, e.start_month, e.end_month, e.status AS enrolment_status")
    con.execute(f"""
        CREATE OR REPLACE TABLE recipients AS
        WITH live AS (
            SELECT * FROM enrolments
            WHERE programme_code NOT IN ('temporary', 'heating')   -- one-off and yearly payments
              AND (status <> 'stopped' OR coalesce(nullif(end_month, ''), '9999-12') >= $month)
        )
        SELECT {person}, {enrolment}, false AS single_person
        FROM live e JOIN people p ON p.household_id = e.household_id
        WHERE e.person_id IS NULL
        UNION ALL
        SELECT {person}, {enrolment}, true AS single_person
        FROM live e JOIN people p ON p.person_id = e.person_id
    """, {"month": month})
