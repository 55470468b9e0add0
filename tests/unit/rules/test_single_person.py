from decimal import Decimal

import pytest

from jiuzhu.programmes.rules.dibao import single_person_inclusion

from ._helpers import assert_chinese_lines

D = Decimal
STANDARD = D("400.00")


def single(**overrides):
    kwargs = dict(
        standard_monthly=STANDARD,
        counted_income_monthly=D("1500"),  # 3 members → 500.00 per capita: an edge household
        members=3,
        disability_type="intellectual",
        disability_grade=3,
    )
    kwargs.update(overrides)
    return single_person_inclusion(**kwargs)


def test_edge_household_member_is_enrolled_alone():
    result = single(basis="full_standard", person_name="李四")
    assert result.eligible and result.monthly_amount == D("400.00")
    assert result.per_capita_income == D("500.00")
    assert any("李四为智力残疾3级" in line for line in result.lines)
    assert any("低保边缘家庭" in line for line in result.lines)
    assert_chinese_lines(result)


def test_default_basis_counts_the_person_as_a_one_person_household():
    result = single()  # no own income: the full gap of a one-person household
    assert result.eligible and result.monthly_amount == D("400.00")
    assert "按本人收入计发" in result.lines[-1]
    assert_chinese_lines(result)


def test_household_gap_basis_is_floored_at_zero():
    result = single(basis="household_gap")
    assert result.eligible and result.monthly_amount == D("0.00")
    assert "请核对县级单人保计发办法" in result.lines[-1]
    assert_chinese_lines(result)


def test_own_income_basis():
    result = single(basis="own_income", own_income_monthly=D("120"))
    assert result.monthly_amount == D("280.00")


def test_gravely_ill_qualifies():
    assert single(disability_type="", disability_grade=None, gravely_ill=True).eligible


def test_person_must_be_severely_disabled_or_ill():
    result = single(disability_type="physical", disability_grade=3)
    assert not result.eligible and "不适用单人保" in result.lines[-1]
    assert_chinese_lines(result)


def test_eligible_household_is_enrolled_whole():
    result = single(counted_income_monthly=D("1199.97"))  # 399.99 per capita
    assert not result.eligible and "整户纳入" in result.lines[-1]


def test_edge_limit_is_strict_and_factor_is_an_argument():
    assert not single(counted_income_monthly=D("1800")).eligible  # 600.00 = 1.5 × 400
    assert single(counted_income_monthly=D("1799.97")).eligible
    assert single(counted_income_monthly=D("1800"), edge_factor=D("2")).eligible


def test_property_must_be_within_limits():
    result = single(property_ok=False, property_reasons=("拥有工商登记（经营实体）1项",))
    assert not result.eligible
    assert any("工商登记" in line for line in result.lines)


def test_unknown_basis():
    with pytest.raises(ValueError, match="单人保计发方式"):
        single(basis="half")
