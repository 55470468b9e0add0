from decimal import Decimal

import pytest

from jiuzhu.programmes.rules.extreme_poverty import (
    Supporter,
    extreme_poverty_eligible,
    labour_incapable,
    minor_coverage_continues,
    no_means_of_living,
    supporter_unable,
    supporters_unable,
)

from ._helpers import assert_chinese_lines

D = Decimal
THRESHOLD = D("2000")  # local low-income line for supporters aged 70+, per month


@pytest.mark.parametrize(
    "age, disability_type, grade, expected",
    [
        (60, "", None, True),
        (59, "", None, False),
        (15, "", None, True),
        (16, "", None, False),
        (40, "intellectual", 3, True),
        (40, "mental", 3, True),
        (40, "mental", 4, False),
        (40, "physical", 2, True),
        (40, "physical", 3, False),
        (40, "visual", 1, True),
        (40, "visual", 2, False),
        (40, "hearing", 1, False),
    ],
)
def test_labour_incapable(age, disability_type, grade, expected):
    result = labour_incapable(age, disability_type, grade)
    assert result.met is expected and bool(result) is expected
    assert_chinese_lines(result)


def test_labour_ages_are_arguments():
    assert labour_incapable(55, elderly_age=55).met


def test_minor_coverage_continues():
    assert minor_coverage_continues(17).met
    assert not minor_coverage_continues(18).met
    assert minor_coverage_continues(19, in_school=True).met


def test_no_means_of_living_mentions_pension_exclusion():
    result = no_means_of_living(D("300"), D("397.50"), True)
    assert result.met
    assert "基础养老金、高龄津贴不计入收入" in result.lines[0]
    assert not no_means_of_living(D("397.50"), D("397.50"), True).met
    refused = no_means_of_living(D("0"), D("397.50"), False, ("拥有房产2套",))
    assert not refused.met and any("房产2套" in line for line in refused.lines)
    assert_chinese_lines(refused)


@pytest.mark.parametrize(
    "supporter, unable",
    [
        (Supporter("儿子", 40, is_extreme_poverty=True), True),
        (Supporter("儿子", 60, is_dibao=True), True),
        (Supporter("儿子", 59, is_dibao=True), False),
        (Supporter("配偶", 70, monthly_income=D("1999.99")), True),
        (Supporter("配偶", 70, monthly_income=D("2000")), False),
        (Supporter("配偶", 69, monthly_income=D("0")), False),
        (Supporter("女儿", 35, severely_disabled=True), True),
        (Supporter("女儿", 35, missing=True), True),
        (Supporter("女儿", 35, in_prison=True), True),
        (Supporter("女儿", 35, monthly_income=D("3000")), False),
    ],
)
def test_supporter_unable(supporter, unable):
    result = supporter_unable(supporter, low_income_threshold_monthly=THRESHOLD)
    assert result.met is unable
    assert_chinese_lines(result)


def test_supporters_none_or_all_unable():
    assert supporters_unable([], low_income_threshold_monthly=THRESHOLD).met
    both = [Supporter("儿子", 40, in_prison=True), Supporter("女儿", 38, missing=True)]
    assert supporters_unable(both, low_income_threshold_monthly=THRESHOLD).met
    one_able = [*both, Supporter("儿子", 45, name="王五")]
    result = supporters_unable(one_able, low_income_threshold_monthly=THRESHOLD)
    assert not result.met
    assert any("儿子王五" in line for line in result.lines)


def eligible(**overrides):
    kwargs = dict(
        age=72,
        per_capita_income_monthly=D("150"),
        dibao_standard_monthly=D("397.50"),
        low_income_threshold_monthly=THRESHOLD,
    )
    kwargs.update(overrides)
    return extreme_poverty_eligible(**kwargs)


def test_extreme_poverty_eligible_when_all_three_hold():
    result = eligible()
    assert result.eligible and result.labour.met and result.means.met and result.support.met
    assert result.lines[-1] == "结论：符合特困人员认定条件（《特困人员认定办法》）"
    assert_chinese_lines(result)


def test_extreme_poverty_refused_names_the_failed_conditions():
    result = eligible(age=45, supporters=[Supporter("儿子", 20)])
    assert not result.eligible
    assert "无劳动能力" in result.lines[-1] and "义务人" in result.lines[-1]
    assert "无生活来源" not in result.lines[-1]
    assert_chinese_lines(result)


def test_minor_already_supported_continues_to_18_and_in_school():
    assert not eligible(age=17).eligible
    assert eligible(age=17, enrolled_as_minor=True).eligible
    assert not eligible(age=18, enrolled_as_minor=True).eligible
    assert eligible(age=19, enrolled_as_minor=True, in_school=True).eligible
