"""The checks' DuckDB SQL as Spark SQL (crosscheck.dialect): parameters bound as typed, quoted
literals or as a registered list table, and the functions Spark names otherwise."""

from datetime import date
from decimal import Decimal

import pytest

from jiuzhu.crosscheck import dialect


def spark(sql: str, params=None, lists=None) -> list[str]:
    made = lists if lists is not None else []

    def list_table(values):
        made.append(values)
        return f"__param_list_{len(made) - 1}"

    return [dialect.to_spark(dialect.bind(s, params, list_table)) for s in dialect.parse(sql)]


def test_parameters_become_typed_literals_and_quotes_cannot_break_out():
    [sql] = spark(
        "SELECT * FROM t WHERE d <= $day AND name = $name AND n > $n AND a >= $amount",
        {"day": date(2026, 11, 30), "name": "O'Brien\\'; DROP", "n": 3, "amount": Decimal("1.50")},
    )
    assert "CAST('2026-11-30' AS DATE)" in sql
    assert "n > 3" in sql and "a >= 1.50" in sql
    # Spark reads a backslash as an escape: both the quote and the backslash are escaped
    assert "name = 'O\\'Brien\\\\\\'; DROP'" in sql


def test_a_list_parameter_becomes_a_registered_table_not_sql_text():
    lists = []
    [sql] = spark(
        "SELECT * FROM people WHERE person_id IN (SELECT unnest($ids))",
        {"ids": list(range(100_000))},
        lists,
    )
    assert lists == [list(range(100_000))]
    assert "IN (SELECT v FROM __param_list_0)" in sql and "99999" not in sql


def test_a_list_elsewhere_and_a_missing_value_are_refused():
    with pytest.raises(dialect.UnsupportedParameter):
        spark("SELECT $ids AS x", {"ids": [1, 2]})
    with pytest.raises(KeyError):
        spark("SELECT * FROM t WHERE a = $a", {})


def test_duckdb_functions_get_their_spark_forms():
    [sql] = spark(
        "SELECT any_value(a), string_agg(b, '、'), strftime(d, '%Y%m%d'), "
        "list_intersect(x, y)[1], starts_with(c, 'x'), hamming('abc', 'abd') FROM t "
        "ANTI JOIN u ON u.k = t.k"
    )
    assert "LISTAGG(b, '、')" in sql and "DATE_FORMAT(d, 'yyyyMMdd')" in sql
    assert "ARRAY_INTERSECT(x, y)[0]" in sql and "STARTSWITH(c, 'x')" in sql
    assert "SIZE(FILTER(SEQUENCE(1, LENGTH('abc'))" in sql and "ANTI JOIN u" in sql


def test_several_statements_and_create_table_as_are_kept_apart():
    statements = dialect.parse("DROP TABLE IF EXISTS a; CREATE OR REPLACE TABLE b AS SELECT 1 AS x")
    assert [type(s).__name__ for s in statements] == ["Drop", "Create"]
    assert dialect.to_spark(statements[1].expression) == "SELECT 1 AS x"
