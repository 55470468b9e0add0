"""Linkage tier 3: Splink on the registry rows without a usable ID.

Pure module (no Django). :func:`prepare_input` builds the two Splink input tables
(:data:`INPUT_COLUMNS`), :func:`estimate_prior` the prior, and :func:`run` trains u (fixed seed),
scores the blocked pairs and keeps each row's best candidate. The model itself — comparisons,
blocking rules, fixed m values and why — is in :mod:`.model`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from splink import DuckDBAPI, Linker

from .model import LEVEL_KEYS, fill_missing_u, gamma, labels, settings_creator

__all__ = [
    "INPUT_COLUMNS",
    "MIN_PAIRS_FOR_U",
    "ProbabilisticResult",
    "estimate_prior",
    "prepare_input",
    "run",
]

#: Columns of both Splink input tables.
INPUT_COLUMNS: dict[str, str] = {
    "unique_id": "BIGINT",  # person_id on our side, row_no on the registry side
    "name_norm": "VARCHAR",
    "name_py": "VARCHAR",  # first reading, 'zhang wei'
    "name_py_all": "VARCHAR[]",  # every reading
    "name_chars": "VARCHAR[]",  # distinct Hanzi
    "bd": "VARCHAR",  # birth date as YYYYMMDD
    "birth_year": "VARCHAR",  # YYYY (blocking, same-year level)
    "birth_md": "VARCHAR",  # MMDD (blocking)
    "sex": "VARCHAR",
    "region_code": "VARCHAR",  # 12-digit village code
    "county": "VARCHAR",  # first 6 digits
}

#: Below this many possible pairs u is not sampled: the model's DEFAULT_U is used as is.
MIN_PAIRS_FOR_U = 10_000


# --- input tables --------------------------------------------------------------------------


def prepare_input(
    con, *, source: str, id_column: str, where: str | None, keys: str, out: str
) -> int:
    """Create the Splink input table ``out`` (INPUT_COLUMNS) from a people or refs table."""
    filter_sql = f"WHERE {where}" if where else ""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {out} AS
        WITH s AS (
            SELECT CAST({id_column} AS BIGINT) AS unique_id,
                   nullif(name_norm, '') AS name_norm,
                   strftime(birth_date, '%Y%m%d') AS bd,
                   nullif(sex, '') AS sex,
                   nullif(region_code, '') AS region_code
            FROM {source} {filter_sql}
        )
        SELECT s.unique_id, s.name_norm, k.name_py, k.name_py_all, k.name_chars,
               s.bd, substr(s.bd, 1, 4) AS birth_year, substr(s.bd, 5, 4) AS birth_md,
               s.sex, s.region_code, substr(s.region_code, 1, 6) AS county
        FROM s LEFT JOIN {keys} k ON k.name_norm = s.name_norm
    """)
    return con.execute(f"SELECT count(*) FROM {out}").fetchall()[0][0]


def estimate_prior(
    con, *, left: str, right: str, n_left: int, n_right: int, deterministic_recall: float
) -> float:
    """Probability that a random (person, row) pair is a match.

    Rows that agree with some person on name and birth date, divided by the share of true
    matches expected to agree on both (``deterministic_recall``), over all pairs; the expected
    number of matches is clamped to [max(1, 1% of rows), all rows].
    """
    agreeing = con.execute(f"""
        SELECT count(DISTINCT r.unique_id) FROM {right} r
        JOIN {left} l ON l.name_norm = r.name_norm AND l.bd = r.bd
    """).fetchall()[0][0]
    expected = agreeing / deterministic_recall
    expected = min(max(expected, 1.0, 0.01 * n_right), float(n_right))
    return min(expected / (n_left * n_right), 0.5)


# --- run -----------------------------------------------------------------------------------


@dataclass
class ProbabilisticResult:
    comparisons: int  # pairs produced by the blocking rules and scored
    prior: float  # probability_two_random_records_match
    model: dict  # the trained Splink model (JSON-serialisable)
    defaulted_u: list[str] = field(default_factory=list)  # levels whose u is DEFAULT_U
    seconds: dict[str, float] = field(default_factory=dict)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _detail_sql(comparison: str, special: dict[str, str] | None = None) -> str:
    """CASE over Splink's gamma column giving each level's Chinese label (or a richer text)."""
    label = labels()[comparison]
    whens = " ".join(
        f"WHEN {gamma(comparison, key)} THEN {(special or {}).get(key, _literal(label[key]))}"
        for key in LEVEL_KEYS[comparison]
    )
    return f"CASE gamma_{comparison} {whens} ELSE {_literal(label[None])} END"


def _detail() -> str:
    both_names = "（' || name_norm_r || ' / ' || name_norm_l || '）'"
    name = _detail_sql(
        "name",
        {
            "homophone": "'姓名同音（' || coalesce(list_intersect(name_py_all_l, name_py_all_r)[1], "
            "name_py_l) || '）'",
            "overlap": "'姓名两字以上相同" + both_names,
            "pinyin_close": "'姓名拼音相近（' || name_py_r || ' / ' || name_py_l || '）'",
            "other": "'姓名不同" + both_names,
        },
    )
    parts = [name, *(_detail_sql(c) for c in ("birth_date", "sex", "region"))]
    return "concat_ws('；', " + ", ".join(parts) + ")"


def run(
    con,
    *,
    left: str,
    right: str,
    out: str,
    match_threshold: float,
    review_threshold: float,
    u_seed: int,
    u_max_pairs: float,
    deterministic_recall: float,
    exclude: str | None = None,
    log_level: int = logging.WARNING,
) -> ProbabilisticResult:
    """Score ``left`` (people) × ``right`` (registry rows) and create ``out``.

    ``out`` has one row per registry row whose best candidate scores at least
    ``review_threshold``: row_no, person_id, tier ('probable' or 'review'), score, detail.
    A row becomes 'probable' only when its best candidate reaches ``match_threshold``, is the
    only one that does, and is corroborated by both name (at least similar pinyin or two Hanzi
    in common) and birth date (exact, day and month swapped, or one digit off). Otherwise a
    score at or above ``review_threshold`` goes to review: a rare name in the same village with
    a wholly different birth date scores high under the independence assumption of the model,
    but namesakes cluster in villages, and without an ID only a person should decide.
    Pairs listed in ``exclude`` (row_no, person_id: tier 2 revealed both numbers and they
    differ in more than one character) are never candidates.
    """
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    n_left = con.execute(f"SELECT count(*) FROM {left}").fetchall()[0][0]
    n_right = con.execute(f"SELECT count(*) FROM {right}").fetchall()[0][0]
    prior = estimate_prior(
        con,
        left=left,
        right=right,
        n_left=n_left,
        n_right=n_right,
        deterministic_recall=deterministic_recall,
    )
    model, defaulted = _train(
        con,
        left=left,
        right=right,
        prior=prior,
        sample=n_left * n_right >= MIN_PAIRS_FOR_U,
        u_seed=u_seed,
        u_max_pairs=u_max_pairs,
        log_level=log_level,
    )
    seconds["u_estimation"] = time.perf_counter() - t0

    linker = _linker(con, left, right, model, log_level)
    try:
        t1 = time.perf_counter()
        blocked = linker.inference.compute_blocked_pairs_for_predict()
        n_pairs = con.execute(f"SELECT count(*) FROM {blocked.physical_name}").fetchall()[0][0]
        seconds["blocking"] = time.perf_counter() - t1

        t2 = time.perf_counter()
        predictions = linker.inference.predict(
            threshold_match_probability=review_threshold, warning_mode="never"
        )
        seconds["scoring"] = time.perf_counter() - t2

        t3 = time.perf_counter()
        _best_links(con, predictions.physical_name, out, match_threshold, exclude)
        seconds["best_link"] = time.perf_counter() - t3
    finally:
        linker.table_management.delete_tables_created_by_splink_from_db()
    return ProbabilisticResult(
        comparisons=n_pairs, prior=prior, model=model, defaulted_u=defaulted, seconds=seconds
    )


def _db_api(con):
    """Splink's backend for the run's engine: DuckDB's, or Spark's for a connection over a
    SparkSession (crosscheck.spark; imported only then, pyspark being an optional extra). The
    same settings serve both: Splink writes each level's SQL in the backend's dialect."""
    spark = getattr(con, "spark", None)
    if spark is None:
        return DuckDBAPI(connection=con)
    from splink.backends.spark import SparkAPI

    # Splink's intermediate tables kept in the executors' memory: nothing written to a
    # checkpoint directory that every executor would have to reach
    return SparkAPI(spark_session=spark, break_lineage_method="persist")


def _linker(con, left: str, right: str, settings, log_level: int) -> Linker:
    db_api = _db_api(con)
    tables = [
        db_api.register(left, dataset_display_name="a_people"),
        db_api.register(right, dataset_display_name="b_refs"),
    ]
    return Linker(tables, settings, log_level=log_level)


def _train(
    con,
    *,
    left: str,
    right: str,
    prior: float,
    sample: bool,
    u_seed: int,
    u_max_pairs: float,
    log_level: int,
) -> tuple[dict, list[str]]:
    """The model with u sampled from these tables (fixed seed), gaps filled from DEFAULT_U."""
    linker = _linker(con, left, right, settings_creator(prior), log_level)
    try:
        if sample:
            linker.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=u_seed)
        model = linker.misc.save_model_to_json()
    finally:
        linker.table_management.delete_tables_created_by_splink_from_db()
    return fill_missing_u(model)


def _best_links(
    con, predictions: str, out: str, match_threshold: float, exclude: str | None
) -> None:
    # Splink puts the datasets in name order (a_people left), but do not rely on it.
    swapped = con.execute(
        f"SELECT count(*) FROM {predictions} WHERE source_dataset_l <> 'a_people'"
    ).fetchall()[0][0]
    if swapped:
        raise RuntimeError("Splink returned registry rows on the left side")
    exclude_sql = (
        (
            f"WHERE NOT EXISTS (SELECT 1 FROM {exclude} x WHERE x.row_no = pr.unique_id_r"
            " AND x.person_id = pr.unique_id_l)"
        )
        if exclude
        else ""
    )
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {out} AS
        WITH ranked AS (
            SELECT unique_id_r AS row_no, unique_id_l AS person_id,
                   match_probability AS score,
                   {_detail()} AS detail,
                   gamma_name, gamma_birth_date,
                   row_number() OVER (PARTITION BY unique_id_r
                                      ORDER BY match_probability DESC, unique_id_l) AS rank,
                   count(*) FILTER (WHERE match_probability >= {match_threshold})
                       OVER (PARTITION BY unique_id_r) AS n_matching
            FROM {predictions} pr
            {exclude_sql}
        )
        SELECT CAST(row_no AS INTEGER) AS row_no, person_id,
               CASE WHEN score >= {match_threshold} AND n_matching = 1
                         AND gamma_name >= {gamma("name", "pinyin_close")}
                         AND gamma_birth_date >= {gamma("birth_date", "one_digit")}
                    THEN 'probable'
                    ELSE 'review' END AS tier,
               score,
               detail || CASE WHEN n_matching > 1
                              THEN '；另有' || (n_matching - 1) || '名对象同样吻合，须人工判断'
                              ELSE '' END
                      || '；匹配概率' || printf('%.4f', score) AS detail
        FROM ranked WHERE rank = 1
    """)
