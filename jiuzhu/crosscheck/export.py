"""Export the operational columns the checks need into DuckDB, once per run.

On PostgreSQL each query streams out with ``COPY … TO STDOUT (FORMAT csv)`` into a temporary
file that DuckDB reads in parallel (millions of rows in seconds); on SQLite (the demo) the rows
are fetched through the cursor. The querysets come from the apps that own the tables.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pyarrow as pa
from django.db import connection

from jiuzhu.cases.selectors_export import APPLICATION_EXPORT_COLUMNS, applications_for_export
from jiuzhu.payments.selectors import ENROLMENT_EXPORT_COLUMNS, enrolments_for_export
from jiuzhu.regions.selectors import VILLAGE_EXPORT_COLUMNS, villages_for_export
from jiuzhu.registry.selectors import PEOPLE_EXPORT_COLUMNS, people_for_export

from .engine import sql_literal

# Names in our registry are entered in simplified Chinese; strip spaces and middle dots only.
NAME_NORM_SQL = "regexp_replace(name, '[[:space:]·•‧・]', '', 'g')"


def _types(columns: dict[str, tuple[str, str]]) -> dict[str, str]:
    return {name: duck for name, (_, duck) in columns.items()}


def _copy_pg(con, table: str, queryset, columns: dict[str, str], tmp: Path) -> None:
    sql, params = queryset.query.sql_with_params()
    path = tmp / f"{table}.csv"
    with connection.cursor() as cursor, open(path, "wb") as out:
        raw = cursor.cursor  # psycopg 3 cursor: binds the parameters client-side for COPY
        with raw.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy:
            for chunk in copy:
                out.write(chunk)
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_csv({sql_literal(path)}, "
                f"header=false, columns={_struct(columns)}, nullstr='', quote='\"', escape='\"')")
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
    casts = ", ".join(f"CAST({name} AS {duck}) AS {name}" for name, duck in columns.items())
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT {casts} FROM _{table}_arrow").fetchall()
    con.unregister(f"_{table}_arrow")


def export_table(con, table: str, queryset, columns: dict[str, tuple[str, str]]) -> int:
    types = _types(columns)
    if connection.vendor == "postgresql":
        with tempfile.TemporaryDirectory(prefix="jiuzhu-export-") as tmp:
            _copy_pg(con, table, queryset, types, Path(tmp))
    else:
        _copy_cursor(con, table, queryset, types)
    return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def export_county(con, *, county, month: str) -> dict[str, int]:
    """Create the tables people, enrolments, applications, villages and the derived recipients
    (persons covered by an enrolment in force in `month` or later) in `con`."""
    counts = {
        "people": export_table(con, "people_raw", people_for_export(county_id=county.pk),
                               PEOPLE_EXPORT_COLUMNS),
        "enrolments": export_table(con, "enrolments", enrolments_for_export(county_id=county.pk),
                                   ENROLMENT_EXPORT_COLUMNS),
        "applications": export_table(con, "applications",
                                     applications_for_export(county_id=county.pk),
                                     APPLICATION_EXPORT_COLUMNS),
        "villages": export_table(con, "villages", villages_for_export(county=county),
                                 VILLAGE_EXPORT_COLUMNS),
    }
    con.execute(f"CREATE OR REPLACE TABLE people AS SELECT *, {NAME_NORM_SQL} AS name_norm "
                "FROM people_raw")
    con.execute("DROP TABLE people_raw")
    build_recipients(con, month=month)
    counts["recipients"] = con.execute("SELECT count(*) FROM recipients").fetchall()[0][0]
    return counts


def build_recipients(con, *, month: str) -> None:
    """One row per covered person and monthly enrolment in force in `month` or later: a household
    enrolment covers every member, a single-person enrolment (单人保) only that person."""
    con.execute("""
        CREATE OR REPLACE TABLE recipients AS
        WITH live AS (
            SELECT * FROM enrolments
            WHERE programme_code NOT IN ('temporary', 'heating')   -- one-off and yearly payments
              AND (status <> 'stopped' OR coalesce(nullif(end_month, ''), '9999-12') >= $month)
        )
        SELECT p.*, e.enrolment_id, e.application_id, e.programme_code, e.monthly_amount,
               e.members, e.start_month, e.end_month, e.status AS enrolment_status,
               false AS single_person
        FROM live e JOIN people p ON p.household_id = e.household_id
        WHERE e.person_id IS NULL
        UNION ALL
        SELECT p.*, e.enrolment_id, e.application_id, e.programme_code, e.monthly_amount,
               e.members, e.start_month, e.end_month, e.status AS enrolment_status,
               true AS single_person
        FROM live e JOIN people p ON p.person_id = e.person_id
    """, {"month": month})
