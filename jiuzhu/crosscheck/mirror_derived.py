"""Tables derived from the runs' copy, kept in it and updated from the keys each refresh wrote.

``people`` (persons with their household's place and village code) and ``covered`` (every
person covered by a monthly enrolment, in any month: the run's ``recipients`` are its rows in
force in the run month) are joins over millions of rows. Most of those rows do not change
between two runs, so the copy keeps both, and each run deletes and re-joins only:

- in ``people``: the persons written or removed, the members of the households written or
  removed, and the members of households in a village whose code changed — joined again, and
  written only where the row differs from the one kept (most rows rewritten in PostgreSQL
  changed no column the checks read);
- in ``covered``: the rows of those persons whose columns in it changed (most re-joined rows
  of people — a new income, a health status — leave it as it was), and the rows of the
  enrolments written or removed.

The derived tables record the version of each input they were last brought up to
(``mirror.versions``). If an input was fetched whole, or is not at the version the derived
tables recorded (a run that failed between the two), they are joined whole again. All of it is
one DuckDB transaction: a failure leaves them as they were, to be joined whole next time.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from . import mirror

SCHEMA = mirror.SCHEMA
PERSONS, PLACES, ENROLMENTS = "_people_own", "_household_places", "enrolments"
INPUTS = (PERSONS, PLACES, ENROLMENTS)
PEOPLE, COVERED, VILLAGES = "people", "covered", "people_villages"


def _state(con) -> dict | None:
    con.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.derived (inputs VARCHAR)").fetchall()
    row = con.execute(f"SELECT inputs FROM {SCHEMA}.derived").fetchall()
    tables = {
        name
        for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [SCHEMA]
        ).fetchall()
    }
    if not row or not {PEOPLE, COVERED, VILLAGES} <= tables:
        return None
    return json.loads(row[0][0])


def refresh(
    con,
    refreshed: dict,
    *,
    people_sql: Callable[..., str],
    covered_sql: Callable[[str, str], str],
    covered_columns: tuple[str, ...],
    villages: str = "villages",
) -> dict:
    """Bring mirror.people and mirror.covered up to date after `refreshed` (export_tables'
    result for INPUTS). `people_sql(persons, places, villages)` and `covered_sql(people,
    enrolments)` give the SELECT of each from the named tables or subqueries; covered holds
    `covered_columns` of people (person_id first). Returns how: {"whole": bool, "persons":
    rows re-joined in people, "covered": rows re-joined}."""
    started = time.perf_counter()
    state = _state(con)
    whole = (
        state is None
        or any(refreshed[t]["whole"] for t in INPUTS)
        or any(state.get(t) != refreshed[t]["before"] for t in INPUTS)
    )
    m = f"{SCHEMA}."
    if not whole:  # the persons to re-join (temporary tables may be written beside the copy)
        _affected(con, villages)
    con.execute("BEGIN TRANSACTION")
    try:
        if whole:
            con.execute(
                f"CREATE OR REPLACE TABLE {m}{PEOPLE} AS "
                + people_sql(m + PERSONS, m + PLACES, villages)
            )
            con.execute(
                f"CREATE OR REPLACE TABLE {m}{COVERED} AS "
                + covered_sql(m + PEOPLE, m + ENROLMENTS)
            )
            done = {"whole": True}
        else:
            done = _apply(con, people_sql, covered_sql, villages, covered_columns)
        con.execute(
            f"CREATE OR REPLACE TABLE {m}{VILLAGES} AS "
            f"SELECT village_id, village_code FROM {villages}"
        )
        con.execute(f"DELETE FROM {m}derived")
        con.execute(f"INSERT INTO {m}derived VALUES (?)", [json.dumps(mirror.versions(con))])
        applied = time.perf_counter()
        con.execute("COMMIT")
        done["seconds"] = {
            "join": round(applied - started, 3),
            "commit": round(time.perf_counter() - applied, 3),
        }
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:  # the refresh's keys are used up here
        for table in (
            "_affected",
            "_people_new",
            "_people_kept",
            "_changed",
            "_covered_before",
            "_recovered",
            "_enrolled",
            *(mirror.delta_of(t) for t in INPUTS),
        ):
            con.execute(f"DROP TABLE IF EXISTS {table}")
    return done


def _affected(con, villages: str) -> None:
    """The temporary table _affected: the persons whose row in people is to be joined again."""
    m = f"{SCHEMA}."
    # the villages whose code is new, changed or gone since people was joined
    recoded = (
        f"SELECT village_id FROM (SELECT village_id, village_code FROM {villages} "
        f"EXCEPT SELECT village_id, village_code FROM {m}{VILLAGES}) "
        f"UNION SELECT village_id FROM (SELECT village_id, village_code FROM {m}{VILLAGES} "
        f"EXCEPT SELECT village_id, village_code FROM {villages})"
    )
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _affected AS
        SELECT key AS person_id FROM {mirror.delta_of(PERSONS)}
        UNION SELECT person_id FROM {m}{PEOPLE}
              WHERE household_id IN (SELECT key FROM {mirror.delta_of(PLACES)})
                 OR village_id IN ({recoded})""")


def _apply(con, people_sql, covered_sql, villages, covered_columns) -> dict:
    n_people, n_changed = _rejoin_people(con, people_sql, villages, covered_columns)
    covered = _rejoin_covered(con, covered_sql)
    return {"whole": False, "persons": n_people, "rewritten": n_changed, "covered": covered}


def _rejoin_people(con, people_sql, villages, covered_columns) -> tuple[int, int]:
    """Update people for the affected persons; leave in _recovered the persons whose columns in
    covered changed. Returns (persons re-joined, rows rewritten)."""
    m = f"{SCHEMA}."
    affected = "(SELECT person_id FROM _affected)"
    # the affected persons' rows joined again, and those that differ from the kept ones (or are
    # new, or gone): a row rewritten in PostgreSQL (a column the checks do not read, a household
    # rewritten with its members) mostly joins to the row kept, and writing rows into the copy
    # costs far more than comparing them
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _people_new AS "
        + people_sql(
            f"(SELECT * FROM {m}{PERSONS} WHERE person_id IN {affected})", m + PLACES, villages
        )
    )
    # the kept rows, read from the copy once: compared here, and their covered columns below
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _people_kept AS SELECT * FROM {m}{PEOPLE} "
        f"WHERE person_id IN {affected}"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _changed AS "
        "SELECT person_id FROM (SELECT * FROM _people_new EXCEPT SELECT * FROM _people_kept) "
        "UNION SELECT person_id FROM (SELECT * FROM _people_kept "
        "EXCEPT SELECT * FROM _people_new)"
    )
    changed = "(SELECT person_id FROM _changed)"
    cols = ", ".join(covered_columns)
    # what covered holds of each changed person, before and after: most changes (a new income,
    # a health status) leave covered as it was
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _covered_before AS SELECT {cols} FROM _people_kept "
        f"WHERE person_id IN {changed}"
    )
    con.execute(f"DELETE FROM {m}{PEOPLE} WHERE person_id IN {changed}")
    con.execute(f"INSERT INTO {m}{PEOPLE} SELECT * FROM _people_new WHERE person_id IN {changed}")
    n_people = con.execute("SELECT count(*) FROM _people_new").fetchall()[0][0]
    n_changed = con.execute("SELECT count(*) FROM _changed").fetchall()[0][0]
    after = f"(SELECT {cols} FROM _people_new WHERE person_id IN {changed})"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _recovered AS "
        f"SELECT person_id FROM ({after} EXCEPT SELECT * FROM _covered_before) "
        f"UNION SELECT person_id FROM (SELECT * FROM _covered_before EXCEPT {after})"
    )
    return n_people, n_changed


def _rejoin_covered(con, covered_sql) -> int:
    """Re-join covered for the persons in _recovered and the enrolments written; returns the
    rows re-joined (or removed, if more)."""
    m = f"{SCHEMA}."
    recovered = "(SELECT person_id FROM _recovered)"
    written = f"(SELECT key FROM {mirror.delta_of(ENROLMENTS)})"
    removed = con.execute(
        f"DELETE FROM {m}{COVERED} WHERE person_id IN {recovered} OR enrolment_id IN {written}"
    ).fetchall()[0][0]
    # the other persons a written enrolment may cover (its household's members, its single
    # person), found by their keys first: joined whole, the written enrolments probed every
    # person's columns
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _enrolled AS
        SELECT person_id FROM {m}{PEOPLE} WHERE household_id IN
            (SELECT household_id FROM {m}{ENROLMENTS} WHERE enrolment_id IN {written})
        UNION SELECT person_id FROM {m}{ENROLMENTS}
              WHERE enrolment_id IN {written} AND person_id IS NOT NULL
        EXCEPT SELECT person_id FROM _recovered""")
    # each pair once: a person whose covered columns changed with any enrolment, or another
    # person with a written enrolment
    added = con.execute(
        f"INSERT INTO {m}{COVERED} "
        + covered_sql(f"(SELECT * FROM {m}{PEOPLE} WHERE person_id IN {recovered})", m + ENROLMENTS)
        + " UNION ALL "
        + covered_sql(
            f"(SELECT * FROM {m}{PEOPLE} WHERE person_id IN (SELECT person_id FROM _enrolled))",
            f"(SELECT * FROM {m}{ENROLMENTS} WHERE enrolment_id IN {written})",
        )
    ).fetchall()[0][0]
    return max(added, removed)
