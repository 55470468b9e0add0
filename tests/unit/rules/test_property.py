from decimal import Decimal

import pytest

from jiuzhu.programmes.rules.property_test import (
    AssetItem,
    PropertyLimits,
    assess_property,
)

from ._helpers import assert_chinese_lines

D = Decimal
LIMITS = PropertyLimits(financial_months_per_person=24)
STANDARD = D("397.50")


def check(assets, members=3, limits=LIMITS):
    return assess_property(assets=assets, members=members, standard_monthly=STANDARD, limits=limits)


def test_defaults_match_brief():
    assert LIMITS.max_vehicles == 0 and LIMITS.max_homes == 1
    assert not LIMITS.allow_business and not LIMITS.allow_farm_machinery


def test_no_assets_passes():
    result = check([])
    assert result.passed and result.reasons == ()
    assert result.financial_limit == D("28620.00")  # 24 × 397.50 × 3
    assert_chinese_lines(result)


def test_financial_assets_at_limit_pass_and_above_fail():
    at_limit = [AssetItem("deposit", D("20000")), AssetItem("online_finance", D("8620"))]
    assert check(at_limit).passed
    above = [*at_limit, AssetItem("insurance", D("0.01"))]
    result = check(above)
    assert not result.passed
    assert result.financial_total == D("28620.01")
    assert "金融资产合计¥28,620.01超过限额¥28,620.00" in result.reasons[0]
    assert_chinese_lines(result)


@pytest.mark.parametrize(
    "kind", ["deposit", "securities", "insurance", "receivable", "online_finance"]
)
def test_every_financial_kind_counts(kind):
    assert not check([AssetItem(kind, D("30000"))]).passed


def test_vehicle_rules():
    assert not check([AssetItem("vehicle", D("50000"))]).passed
    mobility = AssetItem("vehicle", D("8000"), is_disability_vehicle=True)
    result = check([mobility])
    assert result.passed
    assert any("残疾人功能性补偿代步机动车1辆" in line for line in result.lines)
    strict = PropertyLimits(financial_months_per_person=24, allow_disability_vehicle=False)
    assert not check([mobility], limits=strict).passed
    one_car = PropertyLimits(financial_months_per_person=24, max_vehicles=1)
    assert check([AssetItem("vehicle")], limits=one_car).passed
    assert not check([AssetItem("vehicle", quantity=2)], limits=one_car).passed


def test_homes_business_and_machinery():
    assert check([AssetItem("real_estate")]).passed
    result = check([AssetItem("real_estate", quantity=2)])
    assert not result.passed and "房产2套" in result.reasons[0]
    assert not check([AssetItem("business")]).passed
    assert not check([AssetItem("farm_machinery")]).passed
    lenient = PropertyLimits(
        financial_months_per_person=24, allow_business=True, allow_farm_machinery=True
    )
    assert check([AssetItem("business"), AssetItem("farm_machinery")], limits=lenient).passed


def test_several_failures_are_all_reported():
    result = check([AssetItem("deposit", D("99999")), AssetItem("vehicle"), AssetItem("business")])
    assert len(result.reasons) == 3
    assert result.lines[-1].startswith("财产状况不符合规定：")
    assert_chinese_lines(result)


def test_bad_assets():
    with pytest.raises(ValueError, match="未知的财产类别"):
        AssetItem("gold")
    with pytest.raises(ValueError, match="须填写金额"):
        AssetItem("deposit")
    with pytest.raises(ValueError, match="只有机动车辆"):
        AssetItem("deposit", D("1"), is_disability_vehicle=True)
    with pytest.raises(ValueError):
        check([], members=0)
