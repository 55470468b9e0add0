"""R11 living standard, self-care and care subsidy, temporary assistance (R15, R1), heating (R14)."""

from decimal import Decimal

import pytest

from jiuzhu.programmes.rules.extreme_poverty import (
    basic_living_standard,
    care_subsidy,
    self_care_assessment,
    self_care_level,
)
from jiuzhu.programmes.rules.heating import heating_amount
from jiuzhu.programmes.rules.temporary import (
    TempTier,
    needs_one_case_decision,
    temporary_amount,
    township_may_confirm,
)

from ._helpers import assert_chinese_lines

D = Decimal


def test_r11_worked_example():
    result = basic_living_standard(D("12000"), D("397.50"))
    assert result.from_consumption == D("600.00")
    assert result.from_dibao == D("516.75")
    assert result.monthly == D("600.00") and result.basis == "consumption"
    assert "就高不就低" in result.lines[-1]
    assert_chinese_lines(result)


def test_r11_dibao_side_wins_and_parameters_are_arguments():
    result = basic_living_standard(D("8000"), D("397.50"))
    assert result.monthly == D("516.75") and result.basis == "dibao"
    assert basic_living_standard(D("12000"), D("397.50"), share=D("0.5")).monthly == D("516.75")
    assert basic_living_standard(D("12000"), D("397.50"), factor=D("2")).monthly == D("795.00")


@pytest.mark.parametrize(
    "failed, level",
    [(0, "self_care"), (1, "partial"), (3, "partial"), (4, "full_loss"), (6, "full_loss")],
)
def test_self_care_level(failed, level):
    assert self_care_level(failed) == level


def test_self_care_level_rejects_out_of_range():
    for bad in (-1, 7):
        with pytest.raises(ValueError):
            self_care_level(bad)


def test_self_care_assessment_from_items():
    result = self_care_assessment(["eating", "bathing", "toilet", "bed_transfer"])
    assert result.level == "full_loss"
    assert "自主吃饭" in result.lines[0]
    assert result.lines[-1] == "评估结果（《特困人员认定办法》）：完全丧失生活自理能力"
    assert_chinese_lines(result)
    assert self_care_assessment([]).level == "self_care"
    assert self_care_assessment(["eating", "eating"]).level == "partial"  # duplicates count once
    with pytest.raises(ValueError, match="未知的生活自理评估项目"):
        self_care_assessment(["flying"])


def test_care_subsidy():
    rates = {"partial": D("200"), "full_loss": D("600")}
    result = care_subsidy("full_loss", rates)
    assert result.monthly_amount == D("600.00")
    assert_chinese_lines(result)
    assert care_subsidy("self_care", rates).monthly_amount == D("0.00")
    assert care_subsidy("self_care", {"self_care": D("50")}).monthly_amount == D("50.00")
    with pytest.raises(ValueError, match="未设置"):
        care_subsidy("partial", {})
    with pytest.raises(ValueError, match="未知的生活自理能力等级"):
        care_subsidy("none", rates)


FIRE = TempTier("fire", "火灾", "emergency", D("3"))


def test_temporary_tier_three_times_the_standard():
    result = temporary_amount(FIRE, D("397.50"))
    assert result.amount == D("1192.50") and not result.capped
    assert "¥397.50 × 3倍 = ¥1,192.50" in result.lines[0]
    assert_chinese_lines(result)


def test_temporary_per_person_and_cap():
    medical = TempTier("medical", "大病支出", "expenditure", D("2"), max_amount=D("2000"))
    per_person = temporary_amount(medical, D("397.50"), household_size=2, per_person=True)
    assert per_person.amount == D("1590.00") and not per_person.capped
    capped = temporary_amount(medical, D("397.50"), household_size=3, per_person=True)
    assert capped.amount == D("2000.00") and capped.capped
    assert any("按上限计发" in line for line in capped.lines)
    with pytest.raises(ValueError, match="家庭人数"):
        temporary_amount(medical, D("397.50"), per_person=True)
    with pytest.raises(ValueError, match="临时救助类型"):
        TempTier("x", "其他", "other", D("1"))


def test_r1_township_cap_is_inclusive():
    assert township_may_confirm(D("2000")).met
    later = township_may_confirm(D("2000.01"))
    assert not later.met and "县级" in later.lines[0]
    assert township_may_confirm(D("3000"), cap=D("3000")).met
    assert_chinese_lines(later)


def test_one_case_decision_threshold():
    assert needs_one_case_decision(D("10000.01"), D("10000")).met
    result = needs_one_case_decision(D("10000"), D("10000"))
    assert not result.met
    assert_chinese_lines(result)


def test_heating_dispersed_floor():
    raised = heating_amount("dispersed", D("150"))
    assert raised.amount_yearly == D("200.00") and raised.raised
    assert any("提高至¥200.00" in line for line in raised.lines)
    assert_chinese_lines(raised)
    kept = heating_amount("dispersed", D("260"))
    assert kept.amount_yearly == D("260.00") and not kept.raised
    assert heating_amount("dispersed", D("150"), dispersed_minimum=D("100")).amount_yearly == D(
        "150.00"
    )


def test_heating_centralised_floor():
    result = heating_amount("centralised", D("800"), D("1000"))
    assert result.amount_yearly == D("1000.00") and result.raised
    assert heating_amount("centralised", D("1200"), D("1000")).amount_yearly == D("1200.00")
    with pytest.raises(ValueError, match="城市低保"):
        heating_amount("centralised", D("800"))
    with pytest.raises(ValueError, match="取暖方式"):
        heating_amount("stove", D("800"))
