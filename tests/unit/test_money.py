from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.core.money import CENT, ZERO, MoneyError, format_yuan, parse_money


def test_constants():
    assert CENT == Decimal("0.01")
    assert ZERO == Decimal("0") and str(ZERO) == "0.00"


@pytest.mark.parametrize(
    "value, expected",
    [
        (1234, "1234.00"),
        (Decimal("1234.5"), "1234.50"),
        ("1,234.5", "1234.50"),
        ("¥1234", "1234.00"),
        ("￥1234", "1234.00"),
        ("1234元", "1234.00"),
        ("¥ 1,234.56 元", "1234.56"),
        ("  795 ", "795.00"),
        ("１２３４．５", "1234.50"),
        ("１，２３４", "1234.00"),
        ("0.5", "0.50"),
        (".5", "0.50"),
        ("+12", "12.00"),
        ("1234567.891", "1234567.89"),
    ],
)
def test_parse_accepts(value, expected):
    result = parse_money(value)
    assert isinstance(result, Decimal)
    assert str(result) == expected


@pytest.mark.parametrize("value", [1.5, 0.0, float("nan"), True])
def test_float_and_bool_rejected(value):
    with pytest.raises(TypeError):
        parse_money(value)


def test_other_types_rejected():
    with pytest.raises(TypeError):
        parse_money([1])


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2.675", "2.68"),  # a float would make this 2.67
        ("2.665", "2.67"),
        ("2.664", "2.66"),
        ("0.005", "0.01"),
        ("0.004", "0.00"),
        (Decimal("1.125"), "1.13"),
    ],
)
def test_rounding_half_up(value, expected):
    assert str(parse_money(value)) == expected


def test_negative_rounding_is_away_from_zero():
    assert str(parse_money("-1.005", allow_negative=True)) == "-1.01"


@pytest.mark.parametrize(
    "value",
    ["abc", "NaN", "nan", "inf", "Infinity", "1.2.3", "1,23", "12,3456", "1e5", "--5", "元"],
)
def test_garbage_rejected(value):
    with pytest.raises(MoneyError) as info:
        parse_money(value)
    assert str(info.value) == f"金额格式错误：{value}"
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_non_finite_decimal_rejected(value):
    with pytest.raises(MoneyError, match="金额格式错误"):
        parse_money(value)


def test_too_many_digits_rejected():
    with pytest.raises(MoneyError, match="金额格式错误"):
        parse_money(Decimal("1E+40"))


@pytest.mark.parametrize("value", [None, "", "   "])
def test_empty_rejected(value):
    with pytest.raises(MoneyError, match="金额不能为空"):
        parse_money(value)


@pytest.mark.parametrize("value", ["-5", "-¥5", "¥-5", "－5", -5, Decimal("-0.01")])
def test_negative_rejected_unless_allowed(value):
    with pytest.raises(MoneyError) as info:
        parse_money(value)
    assert str(info.value).startswith("金额不能为负数：")
    assert parse_money(value, allow_negative=True) < 0


def test_negative_zero_is_zero():
    result = parse_money("-0.001")
    assert result == 0
    assert str(result) == "0.00"


@pytest.mark.parametrize(
    "amount, expected",
    [
        (Decimal("1234.5"), "¥1,234.50"),
        (Decimal("1234567.891"), "¥1,234,567.89"),
        (Decimal("0"), "¥0.00"),
        (Decimal("999.995"), "¥1,000.00"),
        (Decimal("-1234.5"), "-¥1,234.50"),
        (Decimal("-0.001"), "¥0.00"),
        (795, "¥795.00"),
    ],
)
def test_format_yuan(amount, expected):
    assert format_yuan(amount) == expected


def test_format_yuan_rejects_float():
    with pytest.raises(TypeError):
        format_yuan(1.5)


def test_format_yuan_rejects_nan():
    with pytest.raises(MoneyError):
        format_yuan(Decimal("NaN"))


cents = st.integers(min_value=-(10**12), max_value=10**12).map(lambda c: Decimal(c) * CENT)


@given(cents)
def test_format_then_parse_round_trip(amount):
    assert parse_money(format_yuan(amount), allow_negative=True) == amount


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**9), max_value=10**9))
def test_parse_result_has_two_places_and_is_close(value):
    result = parse_money(value, allow_negative=True)
    assert result.as_tuple().exponent == -2
    assert abs(result - value) <= Decimal("0.005")
