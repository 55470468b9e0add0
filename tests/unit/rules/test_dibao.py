from decimal import Decimal

import pytest

from jiuzhu.programmes.rules.dibao import (
    AddOn,
    Tier,
    dibao_amount,
    is_severely_disabled,
    yearly_to_monthly,
)

from ._helpers import assert_chinese_lines

D = Decimal
STANDARD = D("397.50")


def test_r12_yearly_standard_to_monthly():
    assert yearly_to_monthly(D("4770")) == D("397.50")
    assert yearly_to_monthly(D("4350")) == D("362.50")
    assert yearly_to_monthly(D("7086")) == D("590.50")
    assert yearly_to_monthly(D("100")) == D("8.33")
    assert yearly_to_monthly(D("0.06")) == D("0.01")  # 0.005 rounds half up


def test_r12_worked_example_gap_mode():
    result = dibao_amount(standard_monthly=STANDARD, counted_income_monthly=D("600"), members=3)
    assert result.eligible
    assert result.per_capita_income == D("200.00")
    assert result.monthly_amount == result.base_amount == D("592.50")
    assert "¥397.50 × 3人 − 家庭月计入收入¥600.00 = ¥592.50" in result.lines[2]
    assert_chinese_lines(result)


def test_at_or_above_standard_gets_nothing_with_reason():
    result = dibao_amount(standard_monthly=STANDARD, counted_income_monthly=D("1192.50"), members=3)
    assert not result.eligible and result.monthly_amount == D("0.00")
    assert "不低于保障标准¥397.50" in result.lines[-1]
    assert_chinese_lines(result)


def test_one_cent_below_standard_is_eligible():
    result = dibao_amount(standard_monthly=STANDARD, counted_income_monthly=D("397.49"), members=1)
    assert result.eligible and result.monthly_amount == D("0.01")


def test_property_failure_refuses_with_reasons():
    result = dibao_amount(
        standard_monthly=STANDARD,
        counted_income_monthly=D("0"),
        members=2,
        property_ok=False,
        property_reasons=("拥有机动车辆1辆，超过县级规定的0辆",),
    )
    assert not result.eligible and result.monthly_amount == D("0.00")
    assert any("机动车辆" in line for line in result.lines)
    assert_chinese_lines(result)


TIERS = (
    Tier(D("100"), D("350")),
    Tier(D("250"), D("250")),
    Tier(D("397.49"), D("150")),
)


@pytest.mark.parametrize(
    "income, members, expected, tier_no",
    [
        (D("0"), 2, D("700.00"), 1),
        (D("200"), 2, D("700.00"), 1),  # per-capita 100.00: the first tier's bound is inclusive
        (D("200.02"), 2, D("500.00"), 2),
        (D("750"), 3, D("750.00"), 2),  # 250.00 is the second bound
        (D("753"), 3, D("450.00"), 3),
    ],
)
def test_tiered_mode(income, members, expected, tier_no):
    result = dibao_amount(
        standard_monthly=STANDARD,
        counted_income_monthly=income,
        members=members,
        mode="tiered",
        tiers=TIERS,
    )
    assert result.eligible and result.monthly_amount == expected
    assert f"第{tier_no}档" in result.lines[2]
    assert_chinese_lines(result)


def test_tiered_mode_still_requires_income_below_standard():
    result = dibao_amount(
        standard_monthly=STANDARD,
        counted_income_monthly=D("397.50"),
        members=1,
        mode="tiered",
        tiers=TIERS,
    )
    assert not result.eligible


def test_tiered_configuration_errors():
    kwargs = dict(standard_monthly=STANDARD, counted_income_monthly=D("300"), members=1)
    with pytest.raises(ValueError, match="须提供分档设置"):
        dibao_amount(**kwargs, mode="tiered")
    with pytest.raises(ValueError, match="从低到高"):
        dibao_amount(**kwargs, mode="tiered", tiers=tuple(reversed(TIERS)))
    with pytest.raises(ValueError, match="未覆盖"):
        dibao_amount(**kwargs, mode="tiered", tiers=(Tier(D("100"), D("300")),))
    with pytest.raises(ValueError, match="未知的计发方式"):
        dibao_amount(**kwargs, mode="flat")


def test_add_ons_rate_and_fixed():
    add_ons = (
        AddOn("elderly", "70周岁以上老年人", rate=D("0.10"), persons=1),
        AddOn("disabled", "重度残疾人", fixed=D("50"), persons=2),
    )
    result = dibao_amount(
        standard_monthly=STANDARD, counted_income_monthly=D("600"), members=3, add_ons=add_ons
    )
    assert result.base_amount == D("592.50")
    assert result.add_on_amount == D("39.75") + D("100.00")
    assert result.monthly_amount == D("732.25")
    assert any("¥397.50 × 10% = ¥39.75" in line for line in result.lines)
    assert result.lines[-1] == "每月低保金合计：¥732.25"
    assert_chinese_lines(result)


def test_add_ons_not_paid_to_ineligible_household():
    add_on = AddOn("elderly", "老年人", fixed=D("50"))
    result = dibao_amount(
        standard_monthly=STANDARD, counted_income_monthly=D("500"), members=1, add_ons=(add_on,)
    )
    assert not result.eligible and result.monthly_amount == D("0.00")


def test_add_on_validation():
    with pytest.raises(ValueError, match="只能设置比例或固定金额之一"):
        AddOn("x", "老年人")
    with pytest.raises(ValueError, match="只能设置比例或固定金额之一"):
        AddOn("x", "老年人", rate=D("0.1"), fixed=D("1"))
    with pytest.raises(ValueError, match="超过家庭人数"):
        dibao_amount(
            standard_monthly=STANDARD,
            counted_income_monthly=D("0"),
            members=1,
            add_ons=(AddOn("x", "老年人", fixed=D("1"), persons=2),),
        )


def test_input_validation():
    with pytest.raises(TypeError):
        dibao_amount(standard_monthly=397.5, counted_income_monthly=D("0"), members=1)
    with pytest.raises(ValueError):
        dibao_amount(standard_monthly=STANDARD, counted_income_monthly=D("0"), members=0)
    with pytest.raises(ValueError):
        dibao_amount(standard_monthly=STANDARD, counted_income_monthly=D("-1"), members=1)


@pytest.mark.parametrize(
    "disability_type, grade, expected",
    [
        ("", None, False),
        ("physical", 1, True),
        ("visual", 2, True),
        ("hearing", 2, True),
        ("multiple", 1, True),
        ("physical", 3, False),
        ("intellectual", 3, True),
        ("mental", 3, True),
        ("mental", 4, False),
        ("speech", 3, False),
    ],
)
def test_is_severely_disabled(disability_type, grade, expected):
    assert is_severely_disabled(disability_type, grade) is expected


def test_is_severely_disabled_validates():
    with pytest.raises(ValueError, match="未知的残疾类别"):
        is_severely_disabled("blind", 1)
    with pytest.raises(ValueError, match="1至4级"):
        is_severely_disabled("physical", 5)
    with pytest.raises(ValueError, match="须填写残疾等级"):
        is_severely_disabled("physical", None)


def test_gap_is_rounded_once_at_the_end_not_per_capita_first():
    # R12, S2 art. 23: (450 − 1,000/3) × 3 is 350.00; rounding per-capita income first gives 350.01
    result = dibao_amount(
        standard_monthly=Decimal("450"), counted_income_monthly=Decimal("1000"), members=3
    )
    assert result.eligible
    assert result.monthly_amount == Decimal("350.00")
    assert result.per_capita_income == Decimal("333.33")  # shown rounded, never computed with


def test_income_just_below_the_standard_times_members_is_eligible_by_a_cent():
    result = dibao_amount(
        standard_monthly=Decimal("450"), counted_income_monthly=Decimal("1349.99"), members=3
    )
    assert result.eligible and result.monthly_amount == Decimal("0.01")
