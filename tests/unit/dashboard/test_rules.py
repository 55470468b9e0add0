"""The dashboard's pure rules: monitored poverty rows, closed months, village rates and the
outlier rule (mean + 2 standard deviations over villages of at least 5 households)."""

from datetime import date

from jiuzhu.core.month import Month
from jiuzhu.dashboard.rules import (
    flag_outliers,
    is_closed,
    months_back,
    outlier_limit,
    poverty_screened,
    village_rate,
)


def test_a_lifted_household_with_its_risk_removed_is_not_screened_blanks_are():
    assert not poverty_screened("lifted", "removed")
    assert poverty_screened("lifted", "open")
    assert poverty_screened("edge", "removed")
    assert poverty_screened(None, None)
    assert poverty_screened("lifted", "")


def test_window_and_closed_months():
    assert months_back(Month(2026, 2), 3) == ["2025-12", "2026-01", "2026-02"]
    assert len(months_back(Month(2026, 11), 24)) == 24
    assert is_closed("2026-10", date(2026, 11, 1))
    assert not is_closed("2026-11", date(2026, 11, 30))


def test_village_rate_divides_by_the_average_households():
    rate = village_rate(7, [(10, 2, 0), (12, 1, 1), (8, 0, 1)])
    assert rate.households == 10
    assert (rate.new, rate.exited) == (3, 2)
    assert abs(rate.inclusion - 0.3) < 1e-9 and abs(rate.exit - 0.2) < 1e-9
    assert village_rate(8, [(0, 0, 0)]).inclusion == 0.0


def test_outlier_limit_needs_five_villages():
    assert outlier_limit([0.1, 0.2, 0.3, 0.4]) is None
    assert abs(outlier_limit([1, 1, 1, 1, 1]) - 1) < 1e-9  # no spread: the mean itself


def test_one_village_far_above_the_others_is_flagged_small_villages_never():
    rates = [village_rate(i, [(20, 1, 1)]) for i in range(10)]
    rates.append(village_rate(100, [(20, 12, 1)]))  # inclusion 0.6 against 0.05
    rates.append(village_rate(101, [(2, 2, 2)]))  # rate 1.0, but only 2 households
    flagged = {r.village_id: r for r in flag_outliers(rates)}
    assert flagged[100].inclusion_outlier and not flagged[100].exit_outlier
    assert not flagged[101].inclusion_outlier and not flagged[101].exit_outlier
    assert not any(flagged[i].inclusion_outlier for i in range(10))
