"""The checks' SQL, written once in DuckDB's dialect, as Spark SQL (sqlglot).

Pure module (no Django, no pyspark): a statement is parsed as DuckDB, its ``$name`` parameters
bound, and it is written out in Spark's dialect. A parameter becomes a literal, typed and quoted
by sqlglot (never pasted into the text); a list parameter used as ``(SELECT unnest($ids))``
becomes a small table the caller registers (``list_table``), so a long list never enters the
SQL text. The few functions sqlglot leaves as they are get their Spark names here; the one
without a Spark built-in (``damerau_levenshtein``) is a UDF the Spark engine registers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

import sqlglot
from sqlglot import exp

__all__ = ["RENAMED", "UnsupportedParameter", "bind", "literal", "to_spark"]

#: DuckDB functions that Spark knows under another name (sqlglot keeps them as written).
RENAMED = {"LIST_INTERSECT": "ARRAY_INTERSECT"}


class UnsupportedParameter(TypeError):
    pass


def literal(value) -> exp.Expression:
    """A SQL literal for a parameter value (NULL, boolean, number, text, date, timestamp)."""
    if value is None:
        return exp.null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | Decimal):
        return exp.Literal.number(str(value))
    if isinstance(value, float):
        return exp.cast(exp.Literal.number(repr(value)), "DOUBLE")
    if isinstance(value, datetime):
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")), "TIMESTAMP")
    if isinstance(value, date):
        return exp.cast(exp.Literal.string(value.isoformat()), "DATE")
    if isinstance(value, str):
        return exp.Literal.string(value)
    raise UnsupportedParameter(f"cannot bind a {type(value).__name__} as a literal")


def _list_select(node: exp.Expression) -> exp.Select | None:
    """The ``SELECT unnest($ids)`` around a list parameter."""
    fn = node.parent
    if isinstance(fn, exp.Unnest | exp.Explode) and isinstance(fn.parent, exp.Select):
        return fn.parent
    return None


def bind(
    statement: exp.Expression, params: dict | None, list_table: Callable[[list], str]
) -> exp.Expression:
    """`statement` with each ``$name`` replaced: a literal, or for a list ``(SELECT unnest($x))``
    a ``SELECT v FROM <list_table(values)>``."""
    params = params or {}
    for node in list(statement.find_all(exp.Placeholder, exp.Parameter)):
        name = node.name
        if name not in params:
            raise KeyError(f"no value for parameter ${name}")
        value = params[name]
        if isinstance(value, list | tuple | set | frozenset):
            select = _list_select(node)
            if select is None:
                raise UnsupportedParameter(f"${name}: a list only as (SELECT unnest(${name}))")
            table = list_table(list(value))
            select.replace(sqlglot.parse_one(f"SELECT v FROM {table}", read="spark"))
        else:
            node.replace(literal(value))
    return statement


def _hamming(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    """DuckDB's hamming(a, b) (strings of one length) with Spark's built-in array functions."""
    x, y = a.sql(dialect="spark"), b.sql(dialect="spark")
    return sqlglot.parse_one(
        f"size(filter(sequence(1, length({x})), i -> substr({x}, i, 1) <> substr({y}, i, 1)))",
        read="spark",
    )


def _rename(node: exp.Expression) -> exp.Expression:
    if not isinstance(node, exp.Anonymous):
        return node
    name = node.name.upper()
    if name in RENAMED:
        return exp.Anonymous(this=RENAMED[name], expressions=node.expressions)
    if name == "HAMMING" and len(node.expressions) == 2:
        return _hamming(*node.expressions)
    return node


def to_spark(statement: exp.Expression) -> str:
    """One parsed (and bound) DuckDB statement as Spark SQL text."""
    return statement.transform(_rename).sql(dialect="spark")


def parse(sql: str) -> list[exp.Expression]:
    """The statements of a DuckDB text (several may be separated by semicolons)."""
    return [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
