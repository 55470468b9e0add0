"""Hypothesis properties of the rules: non-negative, monotone, exclusions have no effect."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.programmes.rules.dibao import AddOn, Tier, dibao_amount
from jiuzhu.programmes.rules.extreme_poverty import basic_living_standard, self_care_level
from jiuzhu.programmes.rules.heating import heating_amount
from jiuzhu.programmes.rules.income import EXCLUDED_CATEGORIES, IncomeItem, counted_income
from jiuzhu.programmes.rules.temporary import TempTier, temporary_amount

from ._helpers import assert_chinese_lines

money = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False)
standards = st.decimals(min_value=1, max_value=5_000, places=2)
members = st.integers(min_value=1, max_value=12)
months = st.integers(min_value=1, max_value=12)
counted_items = st.builds(
    IncomeItem,
    category=st.sampled_from(["wages", "business", "property", "transfer"]),
    amount=money,
    months=months,
)
deduction_items = st.builds(
    IncomeItem,
    category=st.sampled_from(["rigid_spending", "employment_cost"]),
    amount=money,
    months=months,
)
excluded_items = st.builds(
    IncomeItem, category=st.sampled_from(sorted(EXCLUDED_CATEGORIES)), amount=money, months=months
)
add_ons = st.lists(
    st.one_of(
        st.builds(
            AddOn,
            kind=st.just("elderly"),
            label=st.just("老年人"),
            rate=st.decimals(min_value=0, max_value=1, places=2),
            persons=st.just(1),
        ),
        st.builds(
            AddOn,
            kind=st.just("disabled"),
            label=st.just("重度残疾人"),
            fixed=st.decimals(min_value=0, max_value=500, places=2),
            persons=st.just(1),
        ),
    ),
    max_size=3,
)


@given(standard=standards, income=money, n=members, extras=add_ons)
def test_gap_amount_never_negative_and_explained(standard, income, n, extras):
    result = dibao_amount(
        standard_monthly=standard, counted_income_monthly=income, members=n, add_ons=extras
    )
    assert result.monthly_amount >= 0
    assert result.monthly_amount == result.base_amount + result.add_on_amount
    assert result.monthly_amount.as_tuple().exponent == -2
    assert_chinese_lines(result)


@given(
    standard=standards,
    income=money,
    n=members,
    amounts=st.lists(st.decimals(min_value=0, max_value=1_000, places=2), min_size=1, max_size=4),
)
def test_tiered_amount_never_negative(standard, income, n, amounts):
    step = (standard / len(amounts)).quantize(Decimal("0.01"))
    bounds = [step * (i + 1) for i in range(len(amounts) - 1)] + [standard]
    if len(set(bounds)) != len(bounds) or any(b <= 0 for b in bounds):
        return
    tiers = tuple(Tier(b, a) for b, a in zip(bounds, amounts, strict=True))
    result = dibao_amount(
        standard_monthly=standard,
        counted_income_monthly=income,
        members=n,
        mode="tiered",
        tiers=tiers,
    )
    assert result.monthly_amount >= 0
    assert_chinese_lines(result)


@given(standard=standards, n=members, surplus=money, extras=add_ons)
def test_household_at_or_above_standard_never_gets_dibao(standard, n, surplus, extras):
    income = standard * n + surplus
    result = dibao_amount(
        standard_monthly=standard, counted_income_monthly=income, members=n, add_ons=extras
    )
    assert not result.eligible
    assert result.monthly_amount == 0
    assert_chinese_lines(result)


@given(
    standard=standards,
    n=members,
    counted=st.lists(counted_items, max_size=4),
    deductions=st.lists(deduction_items, max_size=2),
    before=st.lists(excluded_items, max_size=3),
    after=st.lists(excluded_items, max_size=3),
)
def test_excluded_income_never_changes_counted_income_or_amount(
    standard, n, counted, deductions, before, after
):
    first = counted_income(counted + deductions + before)
    second = counted_income(after + counted + deductions)
    assert first.monthly_total == second.monthly_total
    assert first.monthly_total >= 0
    assert_chinese_lines(first)
    a = dibao_amount(
        standard_monthly=standard, counted_income_monthly=first.monthly_total, members=n
    )
    b = dibao_amount(
        standard_monthly=standard, counted_income_monthly=second.monthly_total, members=n
    )
    assert a.monthly_amount == b.monthly_amount


@given(standard=standards, n=members, low=money, extra=money)
def test_more_counted_income_never_increases_gap_amount(standard, n, low, extra):
    less = dibao_amount(standard_monthly=standard, counted_income_monthly=low, members=n)
    more = dibao_amount(standard_monthly=standard, counted_income_monthly=low + extra, members=n)
    assert more.monthly_amount <= less.monthly_amount


@given(
    consumption=money,
    dibao=standards,
    share=st.decimals(min_value=0, max_value=1, places=2),
    factor=st.decimals(min_value=0, max_value=3, places=2),
)
def test_r11_is_at_least_both_inputs(consumption, dibao, share, factor):
    result = basic_living_standard(consumption, dibao, share=share, factor=factor)
    assert result.monthly >= result.from_consumption
    assert result.monthly >= result.from_dibao
    assert result.monthly in (result.from_consumption, result.from_dibao)
    assert_chinese_lines(result)


def test_self_care_level_covers_0_to_6_and_is_monotone():
    order = {"self_care": 0, "partial": 1, "full_loss": 2}
    ranks = [order[self_care_level(n)] for n in range(7)]
    assert ranks == sorted(ranks)
    assert set(ranks) == {0, 1, 2}


@given(a=st.integers(min_value=0, max_value=6), b=st.integers(min_value=0, max_value=6))
def test_self_care_level_monotone_pairs(a, b):
    order = {"self_care": 0, "partial": 1, "full_loss": 2}
    if a <= b:
        assert order[self_care_level(a)] <= order[self_care_level(b)]


@given(
    standard=standards,
    multiple=st.decimals(min_value=0, max_value=12, places=1),
    cap=st.one_of(st.none(), money),
    size=members,
    per_person=st.booleans(),
)
def test_temporary_amount_non_negative_and_capped(standard, multiple, cap, size, per_person):
    tier = TempTier("t", "测试档", "emergency", multiple, max_amount=cap)
    result = temporary_amount(tier, standard, household_size=size, per_person=per_person)
    assert result.amount >= 0
    if cap is not None:
        assert result.amount <= cap
    assert_chinese_lines(result)


@given(configured=money, floor=money, kind=st.sampled_from(["dispersed", "centralised"]))
def test_heating_never_below_floor(configured, floor, kind):
    if kind == "dispersed":
        result = heating_amount(kind, configured, dispersed_minimum=floor)
    else:
        result = heating_amount(kind, configured, floor)
    assert result.amount_yearly >= floor
    assert result.amount_yearly == max(configured, floor)
    assert result.raised == (configured < floor)
    assert_chinese_lines(result)
