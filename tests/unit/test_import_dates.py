"""Birth dates in a household file: the forms offices type are read, and anything else is a
problem to report — never a crash (a partial date once recursed without end)."""

from datetime import date

import pytest

from jiuzhu.registry.import_check import _parse_date


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1990-01-02", date(1990, 1, 2)),
        ("1990/1/2", date(1990, 1, 2)),
        ("1990.01.02", date(1990, 1, 2)),
        ("19900102", date(1990, 1, 2)),
        ("1990年1月2日", date(1990, 1, 2)),
        ("1990-1", None),
        ("1990年1月", None),
        ("-1+1", None),
        ("=1-1-1", None),
        ("1990-02-30", None),
        ("--", None),
    ],
)
def test_dates_as_typed(text, expected):
    assert _parse_date(text) == expected
