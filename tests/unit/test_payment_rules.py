"""The payment cycle's pure rules: the change window (R17), gradual exit (R13, S2 art. 33), the
review interval (S2 art. 31) and the amount due for a month (R12)."""

from datetime import date
from decimal import Decimal

import pytest

from jiuzhu.core.month import Month
from jiuzhu.payments import rules


def window(d: date, generated=()):
    return rules.payroll_month_for(d, window_start=10, window_end=20, generated=generated)


def test_submitted_on_the_20th_counts_this_month():
    got = window(date(2026, 11, 20))
    assert str(got.month) == "2026-11" and not got.late
    assert got.note == "计入2026年11月发放"


def test_submitted_on_the_21st_rolls_to_next_month_and_says_so():
    got = window(date(2026, 11, 21))
    assert str(got.month) == "2026-12" and got.late
    assert "已过本月异动申报期" in got.note and "顺延至2026年12月发放" in got.note


def test_late_in_december_rolls_to_january():
    got = window(date(2026, 12, 28))
    assert str(got.month) == "2027-01" and got.late


def test_a_generated_month_rolls_on_to_the_first_month_not_generated():
    got = window(date(2026, 11, 15), generated=["2026-11", "2026-12"])
    assert str(got.month) == "2027-01" and got.late
    assert "名册已生成" in got.note


def test_an_invalid_window_is_refused():
    with pytest.raises(ValueError, match="异动申报期设置无效"):
        rules.payroll_month_for(date(2026, 11, 1), window_start=21, window_end=20)


def test_gradual_exit_with_the_national_default_ends_in_august():
    months = rules.gradual_exit_months(
        national_default=6, poverty_registry=False, poverty_months=24
    )
    assert months == 6
    assert str(rules.gradual_exit_last_month(Month(2026, 3), months)) == "2026-08"


def test_gradual_exit_of_a_poverty_registry_household_with_the_countys_24_months():
    months = rules.gradual_exit_months(national_default=6, poverty_registry=True, poverty_months=24)
    assert months == 24
    assert str(rules.gradual_exit_last_month(Month(2026, 3), months)) == "2028-02"


def test_gradual_exit_is_capped_at_24_months_and_needs_one():
    assert (
        rules.gradual_exit_months(national_default=6, poverty_registry=True, poverty_months=36)
        == 24
    )
    with pytest.raises(ValueError):
        rules.gradual_exit_last_month(Month(2026, 3), 0)


@pytest.mark.parametrize(
    ("code", "unstable", "able", "expected"),
    [
        ("dibao_rural", False, 0, 12),
        ("dibao_rural", True, 0, 6),
        ("dibao_urban", False, 2, 6),
        ("extreme_poverty_dispersed", True, 1, 12),
    ],
)
def test_review_interval(code, unstable, able, expected):
    got = rules.review_interval_months(
        programme_code=code,
        unstable_income=unstable,
        able_to_work=able,
        stable_months=12,
        unstable_months=6,
    )
    assert got == expected


def _change(id_, kind, month, old="0", new="0"):
    return rules.ChangeFact(id_, kind, month, Decimal(old), Decimal(new))


def test_due_for_month_reads_the_dated_changes():
    changes = [
        _change(1, "amount", "2026-05", "300.00", "350.00"),
        _change(2, "suspend", "2026-07"),
        _change(3, "resume", "2026-09"),
    ]

    def due(month):
        return rules.due_for_month(
            month=month,
            payroll_from="2026-02",
            start_month="2026-02",
            end_month="2026-12",
            current_amount=Decimal("350.00"),
            changes=changes,
        )

    assert not due("2026-01").paid
    assert due("2026-03").amount == Decimal("300.00")
    assert due("2026-05").amount == Decimal("350.00") and due("2026-05").change_id == 1
    assert not due("2026-08").paid
    assert due("2026-09").paid
    assert not due("2027-01").paid
