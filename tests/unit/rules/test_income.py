from decimal import Decimal

import pytest

from jiuzhu.programmes.rules.income import IncomeItem, counted_income

from ._helpers import assert_chinese_lines

D = Decimal


def test_counted_categories_are_averaged_per_month():
    result = counted_income(
        [
            IncomeItem("wages", D("3000"), 3, "张三"),
            IncomeItem("business", D("1200"), 12),
            IncomeItem("property", D("100"), 1),
            IncomeItem("transfer", D("200"), 2),
        ]
    )
    assert result.monthly_total == D("1000.00") + D("100.00") + D("100.00") + D("100.00")
    assert [line.monthly for line in result.counted] == [
        D("1000.00"),
        D("100.00"),
        D("100.00"),
        D("100.00"),
    ]
    assert any(
        "张三 工资性收入：¥3,000.00 ÷ 3个月 = 每月¥1,000.00" in line for line in result.lines
    )
    assert result.lines[-1] == "家庭月计入收入合计：¥1,300.00"
    assert_chinese_lines(result)


def test_monthly_amount_rounds_half_up():
    result = counted_income([IncomeItem("wages", D("1000"), 3)])
    assert result.monthly_total == D("333.33")
    result = counted_income([IncomeItem("wages", D("0.05"), 2)])
    assert result.monthly_total == D("0.03")


@pytest.mark.parametrize(
    "category, label",
    [
        ("special_care", "优待抚恤金"),
        ("family_planning", "计划生育奖励与扶助金"),
        ("scholarship", "奖学金、助学金"),
        ("bravery", "见义勇为奖励"),
        ("assistance", "社会救助金"),
        ("basic_pension", "城乡居民基本养老金"),
        ("unsupported_child", "事实无人抚养儿童生活补贴"),
    ],
)
def test_excluded_categories_are_named_and_not_counted(category, label):
    result = counted_income([IncomeItem("wages", D("500"), 1), IncomeItem(category, D("900"), 1)])
    assert result.monthly_total == D("500.00")
    assert [line.category for line in result.excluded] == [category]
    assert any(label in line and "不计入" in line for line in result.lines)
    assert_chinese_lines(result)


def test_deductions_are_subtracted():
    result = counted_income(
        [
            IncomeItem("wages", D("2000"), 1),
            IncomeItem("rigid_spending", D("1200"), 3),
            IncomeItem("employment_cost", D("100"), 1),
        ]
    )
    assert result.monthly_total == D("1500.00")
    assert len(result.deductions) == 2
    assert any("因残因病刚性支出" in line for line in result.lines)
    assert any("必要就业成本" in line for line in result.lines)


def test_deductions_never_make_income_negative():
    result = counted_income(
        [IncomeItem("wages", D("300"), 1), IncomeItem("rigid_spending", D("1000"), 1)]
    )
    assert result.monthly_total == D("0.00")
    assert str(result.monthly_total) == "0.00"
    assert any("按¥0.00计算" in line for line in result.lines)


def test_no_items():
    result = counted_income([])
    assert result.monthly_total == D("0.00")
    assert_chinese_lines(result)


def test_only_excluded_items_still_states_the_total():
    result = counted_income([IncomeItem("basic_pension", D("150"), 1)])
    assert result.monthly_total == D("0.00")
    assert result.lines[-1] == "家庭月计入收入合计：¥0.00"


def test_unknown_category_is_a_chinese_value_error():
    with pytest.raises(ValueError, match="未知的收入类别：lottery"):
        IncomeItem("lottery", D("100"), 1)


def test_bad_inputs():
    with pytest.raises(TypeError):
        IncomeItem("wages", 100.0, 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="不能为负数"):
        IncomeItem("wages", D("-1"), 1)
    with pytest.raises(ValueError, match="月数"):
        IncomeItem("wages", D("1"), 0)
    with pytest.raises(TypeError):
        counted_income([("wages", D("1"), 1)])  # type: ignore[list-item]


def test_amount_is_normalised_to_cents():
    assert IncomeItem("wages", D("10.005"), 1).amount == D("10.01")
    assert IncomeItem("wages", 7, 1).amount == D("7.00")
