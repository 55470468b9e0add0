"""Linkage tier 3: probabilistic matching with Splink for registry rows without a usable ID.

Pure module (no Django). The model is a Fellegi–Sunter model over four comparisons:

============  ==================================================================================
name          exact ``name_norm`` (term-frequency adjusted, so 张伟 weighs less than 滕翠珊) /
              same pinyin under any reading of heteronyms and surname readings (``name_py_all``
              intersect; term-frequency adjusted on the first reading ``name_py``) / ≥ 2 Hanzi in
              common / Jaro-Winkler ≥ 0.92 on the first reading — pinyin only, never Hanzi,
              because DuckDB's string functions count UTF-8 bytes / other
birth date   exact / day and month swapped / one digit of YYYYMMDD wrong (Levenshtein 1 on the
              8-digit string) / same year / other
sex          same / different
region       same village (12 digits) / same township (first 9) / same county (first 6) / other
============  ==================================================================================

**Parameters, and why they are reproducible.** There are no labelled pairs, so m (how often a
true match shows each level) is *fixed* from what registry data look like — :data:`M_PROBABILITIES`,
documented below; EM would re-estimate them from whatever the run happens to contain and drift
between months. u (how often two unrelated records agree by chance) depends on the data —
a county's people share a county code, a province's do not — so it is *estimated* from each run
by Splink's random sampling with a **fixed seed** (:attr:`LinkSettings.u_seed`): Splink picks the
sample as a hash of the unique ids and the seed, so the same tables always give the same u.
The prior (probability that a random pair matches) is the number of registry rows that agree
with some person on name and birth date, divided by an assumed recall of that rule
(``deterministic_recall``), over the number of pairs; it is clamped so that tiny inputs cannot
drive it to 0 or 1. Every run returns the full trained model (:func:`run` → ``model``), which
can be stored with the run and re-used as is.

**Portability.** The settings are built from Splink's dialect-aware comparison creators and
custom SQL written in the DuckDB dialect with ``base_dialect_str`` so that Splink (sqlglot)
translates it; ``settings_dict(lam, dialect="spark")`` gives the same model for Spark.

The inputs are two DuckDB tables with :data:`INPUT_COLUMNS`, built by :func:`prepare_input`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

__all__ = [
    "BLOCKING_RULES",
    "INPUT_COLUMNS",
    "M_PROBABILITIES",
    "ProbabilisticResult",
    "blocking_rules",
    "comparisons",
    "estimate_prior",
    "prepare_input",
    "run",
    "settings_creator",
    "settings_dict",
]

#: Columns of both Splink input tables.
INPUT_COLUMNS: dict[str, str] = {
    "unique_id": "BIGINT",        # person_id on our side, row_no on the registry side
    "name_norm": "VARCHAR",
    "name_py": "VARCHAR",         # first reading, 'zhang wei'
    "name_py_all": "VARCHAR[]",   # every reading
    "name_chars": "VARCHAR[]",    # distinct Hanzi
    "bd": "VARCHAR",              # birth date as YYYYMMDD
    "birth_year": "VARCHAR",      # birth year (blocking)
    "birth_md": "VARCHAR",        # birth month and day MMDD (blocking)
    "sex": "VARCHAR",
    "region_code": "VARCHAR",     # 12-digit village code
    "county": "VARCHAR",          # first 6 digits (blocking)
}

#: Fixed m probabilities: the share of true matches at each level, given the field is present.
#: They come from the error rates seen in registry data entry: most fields agree; a name is
#: misheard as a homophone in a few per cent of hand-typed rows; day and month are swapped or one
#: digit is mistyped in a few per cent; registries record where the person was registered,
#: which for roughly one in five is another village (moves, marriages, township mergers).
M_PROBABILITIES: dict[str, dict[str, float]] = {
    "name": {"exact": 0.88, "homophone": 0.06, "overlap": 0.015, "pinyin_close": 0.02,
             "other": 0.025},
    "birth_date": {"exact": 0.89, "swapped": 0.03, "one_digit": 0.05, "same_year": 0.01,
                   "other": 0.02},
    "sex": {"same": 0.98, "other": 0.02},
    "region": {"village": 0.80, "township": 0.09, "county": 0.06, "other": 0.05},
}

_JW_THRESHOLD = 0.92


def comparisons() -> list:
    m = M_PROBABILITIES
    name = cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name_norm"),
            cll.ExactMatchLevel("name_norm", term_frequency_adjustments=True)
            .configure(m_probability=m["name"]["exact"], label_for_charts="姓名一致"),
            cll.ArrayIntersectLevel("name_py_all", min_intersection=1)
            .configure(m_probability=m["name"]["homophone"], label_for_charts="姓名同音",
                       tf_adjustment_column="name_py", tf_adjustment_weight=1.0,
                       disable_tf_exact_match_detection=True),
            cll.ArrayIntersectLevel("name_chars", min_intersection=2)
            .configure(m_probability=m["name"]["overlap"], label_for_charts="姓名两字以上相同"),
            cll.JaroWinklerLevel("name_py", _JW_THRESHOLD)
            .configure(m_probability=m["name"]["pinyin_close"], label_for_charts="姓名拼音相近"),
            cll.ElseLevel().configure(m_probability=m["name"]["other"], label_for_charts="姓名不同"),
        ],
    )
    bd = m["birth_date"]
    birth = cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            cll.NullLevel("bd"),
            cll.ExactMatchLevel("bd").configure(m_probability=bd["exact"],
                                                label_for_charts="出生日期一致"),
            cll.CustomLevel(
                "substr(bd_l, 1, 4) = substr(bd_r, 1, 4) AND substr(bd_l, 5, 2) = substr(bd_r, 7, 2)"
                " AND substr(bd_l, 7, 2) = substr(bd_r, 5, 2)",
                base_dialect_str="duckdb",
            ).configure(m_probability=bd["swapped"], label_for_charts="出生日期日月颠倒"),
            cll.LevenshteinLevel("bd", 1).configure(m_probability=bd["one_digit"],
                                                    label_for_charts="出生日期一位数字不同"),
            cll.ExactMatchLevel("birth_year").configure(m_probability=bd["same_year"],
                                                label_for_charts="出生年份相同"),
            cll.ElseLevel().configure(m_probability=bd["other"], label_for_charts="出生日期不同"),
        ],
    )
    sex = cl.CustomComparison(
        output_column_name="sex",
        comparison_levels=[
            cll.NullLevel("sex"),
            cll.ExactMatchLevel("sex").configure(m_probability=m["sex"]["same"],
                                                 label_for_charts="性别一致"),
            cll.ElseLevel().configure(m_probability=m["sex"]["other"], label_for_charts="性别不同"),
        ],
    )
    rg = m["region"]
    region = cl.CustomComparison(
        output_column_name="region",
        comparison_levels=[
            cll.NullLevel("region_code"),
            cll.ExactMatchLevel("region_code").configure(m_probability=rg["village"],
                                                         label_for_charts="同村（社区）"),
            cll.CustomLevel("substr(region_code_l, 1, 9) = substr(region_code_r, 1, 9)",
                            base_dialect_str="duckdb")
            .configure(m_probability=rg["township"], label_for_charts="同乡镇（街道）"),
            cll.ExactMatchLevel("county").configure(m_probability=rg["county"],
                                                    label_for_charts="同县（区）"),
            cll.ElseLevel().configure(m_probability=rg["other"], label_for_charts="不同县（区）"),
        ],
    )
    return [name, birth, sex, region]


#: Blocking rules as column lists (each rule: equal on all of its columns). Sized for
#: 1M × 1M: pinyin + birth year catches exact names, homophones, swapped or mistyped day/month;
#: name + month-day catches a mistyped year; birth date + sex + county catches any other name
#: error; name + village catches rows without a birth date.
BLOCKING_RULES: tuple[tuple[str, ...], ...] = (
    ("name_py", "birth_year"),
    ("name_norm", "birth_md"),
    ("bd", "sex", "county"),
    ("name_norm", "region_code"),
)


def blocking_rules() -> list:
    return [block_on(*cols) for cols in BLOCKING_RULES]


def settings_creator(probability_two_random_records_match: float) -> SettingsCreator:
    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=blocking_rules(),
        probability_two_random_records_match=probability_two_random_records_match,
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=False,
    )


def settings_dict(probability_two_random_records_match: float = 1e-6, *,
                  dialect: str = "duckdb") -> dict:
    """The untrained settings as a JSON-serialisable dict for ``dialect`` ('duckdb', 'spark')."""
    return settings_creator(probability_two_random_records_match).create_settings_dict(dialect)


# --- input tables --------------------------------------------------------------------------

def prepare_input(con, *, source: str, id_column: str, where: str | None, keys: str,
                  out: str) -> int:
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


def estimate_prior(con, *, left: str, right: str, n_left: int, n_right: int,
                   deterministic_recall: float) -> float:
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
    comparisons: int                 # pairs produced by the blocking rules and scored
    prior: float                     # probability_two_random_records_match
    model: dict                      # the trained Splink model (JSON-serialisable)
    seconds: dict[str, float] = field(default_factory=dict)


_NAME_DETAIL = """CASE gamma_name
    WHEN 4 THEN '姓名一致'
    WHEN 3 THEN '姓名同音（' || coalesce(list_intersect(name_py_all_l, name_py_all_r)[1], name_py_l) || '）'
    WHEN 2 THEN '姓名两字以上相同（' || name_norm_r || ' / ' || name_norm_l || '）'
    WHEN 1 THEN '姓名拼音相近（' || name_py_r || ' / ' || name_py_l || '）'
    WHEN 0 THEN '姓名不同（' || name_norm_r || ' / ' || name_norm_l || '）'
    ELSE '姓名缺失' END"""
_BIRTH_DETAIL = """CASE gamma_birth_date
    WHEN 4 THEN '出生日期一致' WHEN 3 THEN '出生日期日月颠倒' WHEN 2 THEN '出生日期一位数字不同'
    WHEN 1 THEN '出生年份相同、月日不同' WHEN 0 THEN '出生日期不同' ELSE '出生日期缺失' END"""
_SEX_DETAIL = """CASE gamma_sex WHEN 1 THEN '性别一致' WHEN 0 THEN '性别不同' ELSE '性别缺失' END"""
_REGION_DETAIL = """CASE gamma_region
    WHEN 3 THEN '同村（社区）' WHEN 2 THEN '同乡镇（街道）' WHEN 1 THEN '同县（区）'
    WHEN 0 THEN '不同县（区）' ELSE '地区缺失' END"""


def run(con, *, left: str, right: str, out: str, match_threshold: float,
        review_threshold: float, u_seed: int, u_max_pairs: float,
        deterministic_recall: float, log_level: int = logging.WARNING) -> ProbabilisticResult:
    """Score ``left`` (people) × ``right`` (registry rows) and create ``out``.

    ``out`` has one row per registry row whose best candidate scores at least
    ``review_threshold``: row_no, person_id, tier ('probable' or 'review'), score, detail.
    A row becomes 'probable' only when its best candidate reaches ``match_threshold``, is the
    only one that does, and is corroborated by both name (at least similar pinyin or two Hanzi
    in common) and birth date (exact, day and month swapped, or one digit off). Otherwise a
    score at or above ``review_threshold`` goes to review: a rare name in the same village with
    a wholly different birth date scores high under the independence assumption of the model,
    but namesakes cluster in villages, and without an ID only a person should decide.
    """
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    n_left = con.execute(f"SELECT count(*) FROM {left}").fetchall()[0][0]
    n_right = con.execute(f"SELECT count(*) FROM {right}").fetchall()[0][0]
    prior = estimate_prior(con, left=left, right=right, n_left=n_left, n_right=n_right,
                           deterministic_recall=deterministic_recall)

    db_api = DuckDBAPI(connection=con)
    sdf_left = db_api.register(left, dataset_display_name="a_people")
    sdf_right = db_api.register(right, dataset_display_name="b_refs")
    linker = Linker([sdf_left, sdf_right], settings_creator(prior), log_level=log_level)
    try:
        linker.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=u_seed)
        seconds["u_estimation"] = time.perf_counter() - t0

        t1 = time.perf_counter()
        blocked = linker.inference.compute_blocked_pairs_for_predict()
        n_pairs = con.execute(f"SELECT count(*) FROM {blocked.physical_name}").fetchall()[0][0]
        seconds["blocking"] = time.perf_counter() - t1

        t2 = time.perf_counter()
        predictions = linker.inference.predict(threshold_match_probability=review_threshold,
                                               warning_mode="never")
        seconds["scoring"] = time.perf_counter() - t2

        t3 = time.perf_counter()
        _best_links(con, predictions.physical_name, out, match_threshold)
        seconds["best_link"] = time.perf_counter() - t3
        model = linker.misc.save_model_to_json()
    finally:
        linker.table_management.delete_tables_created_by_splink_from_db()
    return ProbabilisticResult(comparisons=n_pairs, prior=prior, model=model, seconds=seconds)


def _best_links(con, predictions: str, out: str, match_threshold: float) -> None:
    # Splink puts the datasets in name order (a_people left), but do not rely on it.
    swapped = con.execute(
        f"SELECT count(*) FROM {predictions} WHERE source_dataset_l <> 'a_people'"
    ).fetchall()[0][0]
    if swapped:
        raise RuntimeError("Splink returned registry rows on the left side")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {out} AS
        WITH ranked AS (
            SELECT unique_id_r AS row_no, unique_id_l AS person_id,
                   match_probability AS score,
                   concat_ws('；', {_NAME_DETAIL}, {_BIRTH_DETAIL}, {_SEX_DETAIL},
                             {_REGION_DETAIL}) AS detail,
                   gamma_name, gamma_birth_date,
                   row_number() OVER (PARTITION BY unique_id_r
                                      ORDER BY match_probability DESC, unique_id_l) AS rank,
                   count(*) FILTER (WHERE match_probability >= {match_threshold})
                       OVER (PARTITION BY unique_id_r) AS n_matching
            FROM {predictions}
        )
        SELECT CAST(row_no AS INTEGER) AS row_no, person_id,
               CASE WHEN score >= {match_threshold} AND n_matching = 1
                         AND gamma_name >= 1 AND gamma_birth_date >= 2 THEN 'probable'
                    ELSE 'review' END AS tier,
               score,
               detail || CASE WHEN n_matching > 1
                              THEN '；另有' || (n_matching - 1) || '名对象同样吻合，须人工判断'
                              ELSE '' END
                      || '；匹配概率' || printf('%.4f', score) AS detail
        FROM ranked WHERE rank = 1
    """)
