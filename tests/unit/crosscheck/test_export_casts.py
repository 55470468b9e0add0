"""The export's casts from the types rows arrive in to the types the checks read."""

from decimal import Decimal

import duckdb

from jiuzhu.crosscheck.export import FEN, _casts, _transport


def test_amounts_sent_in_fen_arrive_in_yuan_exactly():
    con = duckdb.connect()
    con.execute("CREATE TABLE sent (amount BIGINT, name VARCHAR)")
    con.execute("INSERT INTO sent VALUES (123456, ''), (-5, 'x'), (NULL, NULL), (99999999999, 'y')")
    columns = {"amount": FEN, "name": "VARCHAR"}
    assert _transport(columns) == {"amount": "BIGINT", "name": "VARCHAR"}
    got = con.execute(f"SELECT {_casts(columns, empty_is_null=True)} FROM sent").fetchall()
    assert got == [
        (Decimal("1234.56"), None),
        (Decimal("-0.05"), "x"),
        (None, None),
        (Decimal("999999999.99"), "y"),
    ]
    assert con.execute(
        f"SELECT typeof(amount) FROM (SELECT {_casts(columns)} FROM sent) LIMIT 1"
    ).fetchall() == [("DECIMAL(12,2)",)]
