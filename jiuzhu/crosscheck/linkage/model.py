"""The Splink model of linkage tier 3: comparisons, blocking rules, fixed m, default u.

Pure module (no Django). A Fellegi–Sunter model over four comparisons (level keys in brackets):

============  ==================================================================================
name          [exact] ``name_norm`` equal, term-frequency adjusted so that 张伟 weighs less than
              滕翠珊 / [homophone] the sets of readings intersect — any reading of a heteronym,
              surname readings (单 shan, 曾 zeng …) — adjusted on the frequency of the first
              reading ``name_py`` / [overlap] two or more Hanzi in common / [pinyin_close]
              Jaro-Winkler ≥ 0.92 on the first reading — pinyin only, never Hanzi: DuckDB's
              string functions count UTF-8 bytes / [other]
birth date    [exact] / [swapped] day and month swapped / [one_digit] Levenshtein 1 on YYYYMMDD /
              [same_year] / [other]
sex           [same] / [other]
region        [village] same 12-digit code / [township] first 9 / [county] first 6 / [other]
============  ==================================================================================

**Why these parameters, and why they are reproducible.** There are no labelled pairs, so m (how
often a true match shows each level) is *fixed* (:data:`M_PROBABILITIES`) from what registry
data entry looks like; EM would re-estimate m from whatever a month's data happen to contain
and drift from run to run. u (how often two unrelated records agree by chance) depends on the
data — all of a county's people share its county code, a province's do not — so it is
*estimated on every run* by Splink's random sampling with a **fixed seed**: Splink chooses the
sample by hashing the unique ids with the seed, so the same tables always give the same u.
A level the sample never saw (tiny inputs) takes its value from :data:`DEFAULT_U`, the u
estimated on the benchmark's generated province (1,000,000 people, ~16,000 villages).
The prior is set per run (``probabilistic.estimate_prior``). The trained model is returned by
every run and can be stored with it and re-used as is (``Linker(tables, model)``).

**Portability.** Levels are Splink's dialect-aware creators or SQL in the DuckDB dialect with
``base_dialect_str``, which Splink translates with sqlglot: :func:`settings_dict` and
:func:`model_for_dialect` give the same model for ``"spark"``.
"""

from __future__ import annotations

import copy

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

__all__ = [
    "BLOCKING_RULES",
    "DEFAULT_U",
    "LEVEL_KEYS",
    "M_PROBABILITIES",
    "blocking_rules",
    "comparisons",
    "fill_missing_u",
    "gamma",
    "labels",
    "model_for_dialect",
    "model_u",
    "settings_creator",
    "settings_dict",
]

#: Fixed m probabilities: the share of true matches at each level, given the field is present.
#: Most fields agree. A hand-typed name is a homophone in a few per cent of rows (the clerk heard
#: it); day and month are swapped or one digit mistyped in a few per cent, and a lunar birthday
#: recorded as solar gives the same year with another day; a registry records where the person
#: was registered, which for about one in five is another village (moves, marriages, township
#: mergers). Sex is wrong in about 2 %.
M_PROBABILITIES: dict[str, dict[str, float]] = {
    "name": {
        "exact": 0.88,
        "homophone": 0.06,
        "overlap": 0.015,
        "pinyin_close": 0.02,
        "other": 0.025,
    },
    "birth_date": {
        "exact": 0.89,
        "swapped": 0.03,
        "one_digit": 0.05,
        "same_year": 0.01,
        "other": 0.02,
    },
    "sex": {"same": 0.98, "other": 0.02},
    "region": {"village": 0.80, "township": 0.09, "county": 0.06, "other": 0.05},
}

#: u used where the run's sample saw no pair at a level: estimated on the benchmark province
#: (benchmarks/bench_linkage.py, 1M × 1M, seed 20261122), rounded.
DEFAULT_U: dict[str, dict[str, float]] = {
    "name": {
        "exact": 1.2e-4,
        "homophone": 6.0e-5,
        "overlap": 1.0e-3,
        "pinyin_close": 1.4e-3,
        "other": 0.9973,
    },
    "birth_date": {
        "exact": 3.5e-5,
        "swapped": 1.3e-5,
        "one_digit": 9.2e-4,
        "same_year": 1.1e-2,
        "other": 0.988,
    },
    "sex": {"same": 0.5, "other": 0.5},
    "region": {"village": 6.4e-5, "township": 1.1e-3, "county": 1.5e-2, "other": 0.984},
}

#: Comparison → level keys, in Splink's order (best first; the null level is not listed).
LEVEL_KEYS: dict[str, tuple[str, ...]] = {c: tuple(levels) for c, levels in M_PROBABILITIES.items()}

_JW_THRESHOLD = 0.92


def _levels() -> dict[str, list[tuple[str | None, object, str]]]:
    """Comparison → [(level key or None for the null level, level creator, chart label)]."""
    return {
        "name": [
            (None, cll.NullLevel("name_norm"), "姓名缺失"),
            (
                "exact",
                cll.ExactMatchLevel("name_norm", term_frequency_adjustments=True),
                "姓名一致",
            ),
            (
                "homophone",
                cll.ArrayIntersectLevel("name_py_all", min_intersection=1).configure(
                    tf_adjustment_column="name_py",
                    tf_adjustment_weight=1.0,
                    disable_tf_exact_match_detection=True,
                ),
                "姓名同音",
            ),
            (
                "overlap",
                cll.ArrayIntersectLevel("name_chars", min_intersection=2),
                "姓名两字以上相同",
            ),
            ("pinyin_close", cll.JaroWinklerLevel("name_py", _JW_THRESHOLD), "姓名拼音相近"),
            ("other", cll.ElseLevel(), "姓名不同"),
        ],
        "birth_date": [
            (None, cll.NullLevel("bd"), "出生日期缺失"),
            ("exact", cll.ExactMatchLevel("bd"), "出生日期一致"),
            (
                "swapped",
                cll.CustomLevel(
                    "substr(bd_l, 1, 4) = substr(bd_r, 1, 4) AND substr(bd_l, 5, 2) = substr(bd_r, 7, 2)"
                    " AND substr(bd_l, 7, 2) = substr(bd_r, 5, 2)",
                    base_dialect_str="duckdb",
                ),
                "出生日期日月颠倒",
            ),
            ("one_digit", cll.LevenshteinLevel("bd", 1), "出生日期一位数字不同"),
            ("same_year", cll.ExactMatchLevel("birth_year"), "出生年份相同、月日不同"),
            ("other", cll.ElseLevel(), "出生日期不同"),
        ],
        "sex": [
            (None, cll.NullLevel("sex"), "性别缺失"),
            ("same", cll.ExactMatchLevel("sex"), "性别一致"),
            ("other", cll.ElseLevel(), "性别不同"),
        ],
        "region": [
            (None, cll.NullLevel("region_code"), "地区缺失"),
            ("village", cll.ExactMatchLevel("region_code"), "同村（社区）"),
            (
                "township",
                cll.CustomLevel(
                    "substr(region_code_l, 1, 9) = substr(region_code_r, 1, 9)",
                    base_dialect_str="duckdb",
                ),
                "同乡镇（街道）",
            ),
            ("county", cll.ExactMatchLevel("county"), "同县（区）"),
            ("other", cll.ElseLevel(), "不同县（区）"),
        ],
    }


def labels() -> dict[str, dict[str | None, str]]:
    """Comparison → level key (None: the null level) → Chinese label, as shown in evidence."""
    return {name: {key: label for key, _, label in levels} for name, levels in _levels().items()}


def gamma(comparison: str, key: str) -> int:
    """Splink's comparison-vector value of a level: the else level is 0, the best the highest."""
    keys = LEVEL_KEYS[comparison]
    return len(keys) - 1 - keys.index(key)


def comparisons(u: dict[str, dict[str, float]] | None = None) -> list:
    """The four comparisons with fixed m and, when given, starting u values."""
    result = []
    for name, levels in _levels().items():
        configured = []
        for key, level, label in levels:
            options: dict = {"label_for_charts": label}
            if key is not None:
                options["m_probability"] = M_PROBABILITIES[name][key]
                if u is not None:
                    options["u_probability"] = u[name][key]
            configured.append(level.configure(**options))
        result.append(cl.CustomComparison(output_column_name=name, comparison_levels=configured))
    return result


#: Blocking rules (each: equal on all its columns), sized for 1M × 1M. Pinyin + birth year
#: catches exact names, homophones, a swapped or mistyped day or month; name + month and day a
#: mistyped year; birth date + sex + county any other name error; name + village rows without
#: a birth date.
BLOCKING_RULES: tuple[tuple[str, ...], ...] = (
    ("name_py", "birth_year"),
    ("name_norm", "birth_md"),
    ("bd", "sex", "county"),
    ("name_norm", "region_code"),
)


def blocking_rules() -> list:
    return [block_on(*cols) for cols in BLOCKING_RULES]


def settings_creator(
    probability_two_random_records_match: float, u: dict[str, dict[str, float]] | None = None
) -> SettingsCreator:
    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(u),
        blocking_rules_to_generate_predictions=blocking_rules(),
        probability_two_random_records_match=probability_two_random_records_match,
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=False,
    )


def settings_dict(
    probability_two_random_records_match: float = 1e-6,
    *,
    dialect: str = "duckdb",
    u: dict[str, dict[str, float]] | None = DEFAULT_U,
) -> dict:
    """The settings as a JSON-serialisable dict for ``dialect`` ('duckdb', 'spark')."""
    return settings_creator(probability_two_random_records_match, u).create_settings_dict(dialect)


def _model_levels(model: dict):
    """(comparison, level key, level dict) for every non-null level of a settings/model dict."""
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        if len(levels) != len(LEVEL_KEYS[name]):
            raise ValueError(f"comparison {name!r} does not have the levels of this model")
        for key, level in zip(LEVEL_KEYS[name], levels, strict=True):
            yield name, key, level


def model_u(model: dict) -> dict[str, dict[str, float | None]]:
    """The u values of a trained model, by comparison and level key."""
    u: dict[str, dict[str, float | None]] = {c: {} for c in LEVEL_KEYS}
    for name, key, level in _model_levels(model):
        u[name][key] = level.get("u_probability")
    return u


def fill_missing_u(model: dict) -> tuple[dict, list[str]]:
    """A copy of ``model`` whose untrained u values come from DEFAULT_U, and the levels filled."""
    model = copy.deepcopy(model)
    filled = []
    for name, key, level in _model_levels(model):
        if not level.get("u_probability"):
            level["u_probability"] = DEFAULT_U[name][key]
            filled.append(f"{name}.{key}")
    return model, filled


def model_for_dialect(model: dict, dialect: str) -> dict:
    """The trained ``model`` (from a DuckDB run) rebuilt for another Splink dialect."""
    u = {
        c: {k: (v if v else DEFAULT_U[c][k]) for k, v in levels.items()}
        for c, levels in model_u(model).items()
    }
    return settings_dict(model["probability_two_random_records_match"], dialect=dialect, u=u)
