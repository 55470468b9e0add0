from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.core.month import Month, format_date_cn


def test_parse_and_str():
    m = Month.parse("2026-11")
    assert m == Month(2026, 11)
    assert str(m) == "2026-11"
    assert str(Month(2026, 1)) == "2026-01"
    assert Month.parse(" 2026-01 ") == Month(2026, 1)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026/11", "2026-1", "202611", "abc", ""])
def test_parse_rejects(text):
    with pytest.raises(ValueError) as info:
        Month.parse(text)
    assert str(info.value).startswith(f"月份格式应为YYYY-MM：{text}")


@pytest.mark.parametrize("args", [(2026, 0), (2026, 13), (0, 5), (2026.0, 5), (True, 5)])
def test_constructor_validates(args):
    with pytest.raises(ValueError):
        Month(*args)


def test_of():
    assert Month.of(date(2026, 11, 22)) == Month(2026, 11)


def test_year_boundaries():
    assert Month(2026, 12).next() == Month(2027, 1)
    assert Month(2027, 1).prev() == Month(2026, 12)
    assert Month(2026, 11).add(2) == Month(2027, 1)
    assert Month(2026, 1).add(-13) == Month(2024, 12)
    assert Month(2026, 11).add(25) == Month(2028, 12)
    assert Month(2026, 11).add(0) == Month(2026, 11)


def test_ordering():
    assert Month(2026, 12) < Month(2027, 1) < Month(2027, 2)
    assert sorted([Month(2027, 1), Month(2026, 12)]) == [Month(2026, 12), Month(2027, 1)]


def test_first_and_last_day():
    assert Month(2026, 11).first_day == date(2026, 11, 1)
    assert Month(2026, 11).last_day == date(2026, 11, 30)
    assert Month(2026, 12).last_day == date(2026, 12, 31)
    assert Month(2024, 2).last_day == date(2024, 2, 29)
    assert Month(2026, 2).last_day == date(2026, 2, 28)


def test_label():
    assert Month(2026, 11).label == "2026年11月"
    assert Month(2027, 1).label == "2027年1月"


def test_format_date_cn():
    assert format_date_cn(date(2026, 11, 22)) == "2026年11月22日"
    assert format_date_cn(date(2026, 1, 5)) == "2026年1月5日"


def test_frozen():
    m = Month(2026, 11)
    with pytest.raises(AttributeError):
        m.month = 12  # type: ignore[misc]


months = st.builds(
    Month, st.integers(min_value=1900, max_value=2200), st.integers(min_value=1, max_value=12)
)


@given(months, st.integers(min_value=-1000, max_value=1000))
def test_add_is_reversible(m, n):
    assert m.add(n).add(-n) == m
    assert (m.add(n) > m) == (n > 0)


@given(months, st.integers(min_value=0, max_value=30))
def test_add_equals_repeated_next(m, n):
    stepped = m
    for _ in range(n):
        stepped = stepped.next()
    assert m.add(n) == stepped


@given(months)
def test_days_belong_to_month(m):
    assert Month.of(m.first_day) == m
    assert Month.of(m.last_day) == m
    assert Month.of(m.last_day + timedelta(days=1)) == m.next()
    assert Month.of(m.first_day - timedelta(days=1)) == m.prev()
    assert Month.parse(str(m)) == m
