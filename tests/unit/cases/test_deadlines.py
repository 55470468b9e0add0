from datetime import date

import pytest

from jiuzhu.cases.deadlines import (
    DeadlineItem,
    TimeLimits,
    case_deadlines,
    days_left,
    overdue,
    programme_kind_of,
)
from jiuzhu.core.workdays import WorkdayCalendar, overrides_from_chinese_calendar

CAL = WorkdayCalendar(overrides_from_chinese_calendar([2026]), known_years={2026})
LIMITS = TimeLimits()
WARNING_2027 = "2027年节假日安排未录入，期限按周一至周五计算"


def deadlines(**overrides):
    kwargs = dict(
        accepted_on=date(2026, 9, 28),
        calendar=CAL,
        limits=LIMITS,
        delegated=False,
        extended=False,
        county_received_on=None,
        refused_on=None,
        paid_first_on=None,
        programme_kind="dibao_rural",
    )
    kwargs.update(overrides)
    return {item.code: item for item in case_deadlines(**kwargs)}


def test_default_limits():
    assert (LIMITS.investigation_start, LIMITS.verification_start, LIMITS.notice_days) == (3, 3, 7)
    assert (LIMITS.county_decision, LIMITS.refusal_letter) == (10, 3)
    assert (LIMITS.whole_case, LIMITS.whole_case_delegated, LIMITS.whole_case_extended) == (
        30,
        20,
        45,
    )
    assert (LIMITS.extreme_poverty_investigation, LIMITS.extreme_poverty_decision) == (15, 15)
    assert LIMITS.emergency_filing == 5


def test_investigation_start_skips_national_day_week():
    # Mon 28 Sep 2026: Tue 29 and Wed 30 count, 1–7 Oct are off, Thu 8 Oct is the third day.
    items = deadlines()
    assert items["investigation_start"].due == date(2026, 10, 8)
    assert items["verification_start"].due == date(2026, 10, 8)
    assert items["investigation_start"].warnings == ()
    assert items["investigation_start"].label == "启动入户调查"


def test_whole_case_into_2027_carries_the_warning():
    # 22 working days left in December 2026, then 8 Monday–Friday days of January 2027.
    item = deadlines(accepted_on=date(2026, 12, 1))["whole_case"]
    assert item.due == date(2027, 1, 12)
    assert item.warnings == (WARNING_2027,)


def test_whole_case_delegated_and_extended():
    accepted = date(2026, 3, 2)
    assert deadlines(accepted_on=accepted)["whole_case"].due == CAL.add_workdays(accepted, 30).day
    delegated = deadlines(accepted_on=accepted, delegated=True)["whole_case"]
    assert delegated.due == CAL.add_workdays(accepted, 20).day
    extended = deadlines(accepted_on=accepted, delegated=True, extended=True)["whole_case"]
    assert extended.due == CAL.add_workdays(accepted, 45).day


def test_optional_items_appear_once_their_start_is_known():
    assert set(deadlines()) == {"investigation_start", "verification_start", "whole_case"}
    items = deadlines(
        county_received_on=date(2026, 10, 9),
        refused_on=date(2026, 10, 30),
        paid_first_on=date(2026, 9, 29),
        notice_started_on=date(2026, 10, 12),
    )
    # Sat 10 Oct is an adjusted working day, so 10 working days from Fri 9 Oct end Thu 22 Oct.
    assert items["county_decision"].due == date(2026, 10, 22)
    assert items["refusal_letter"].due == date(2026, 11, 4)
    assert items["emergency_filing"].due == date(2026, 10, 12)
    assert items["notice_end"].due == date(2026, 10, 19)  # 7 calendar days


def test_extreme_poverty_uses_s3_limits():
    items = deadlines(
        programme_kind="extreme_poverty_dispersed", county_received_on=date(2026, 11, 2)
    )
    assert set(items) == {"investigation_done", "county_decision_extreme_poverty"}
    assert items["investigation_done"].due == CAL.add_workdays(date(2026, 9, 28), 15).day
    assert items["county_decision_extreme_poverty"].due == date(2026, 11, 23)


def test_items_are_sorted_by_due_date():
    items = case_deadlines(
        accepted_on=date(2026, 9, 28),
        calendar=CAL,
        limits=LIMITS,
        delegated=True,
        extended=False,
        county_received_on=date(2026, 10, 20),
        refused_on=None,
        paid_first_on=None,
        programme_kind="dibao",
    )
    assert [i.due for i in items] == sorted(i.due for i in items)


def test_custom_limits_are_data():
    items = deadlines(paid_first_on=date(2026, 9, 29), limits=TimeLimits(emergency_filing=1))
    assert items["emergency_filing"].due == date(2026, 9, 30)


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("dibao_urban", "dibao"),
        ("dibao", "dibao"),
        ("extreme_poverty_centralised", "extreme_poverty"),
        ("temporary", "temporary"),
    ],
)
def test_programme_kind_of(code, kind):
    assert programme_kind_of(code) == kind


def test_overdue_skips_done_items_and_the_due_day_itself():
    items = tuple(deadlines().values())
    assert overdue(items, date(2026, 10, 8), set()) == ()
    late = overdue(items, date(2026, 10, 9), set())
    assert {i.code for i in late} == {"investigation_start", "verification_start"}
    assert {i.code for i in overdue(items, date(2026, 10, 9), {"investigation_start"})} == {
        "verification_start"
    }


def test_days_left_counts_working_days():
    item = DeadlineItem("investigation_start", "启动入户调查", date(2026, 10, 8))
    assert days_left(item, date(2026, 9, 28), CAL) == 3
    assert days_left(item, date(2026, 9, 30), CAL) == 1  # the holiday week does not count
    assert days_left(item, date(2026, 10, 8), CAL) == 0
    assert days_left(item, date(2026, 10, 9), CAL) == -1
    assert days_left(item, date(2026, 10, 10), CAL) == -2  # adjusted working Saturday
    assert days_left(item, date(2026, 10, 12), CAL) == -3


def test_days_left_is_negative_on_a_weekend_after_the_due_day():
    item = DeadlineItem("x", "x", date(2026, 10, 16))  # a Friday
    assert days_left(item, date(2026, 10, 17), CAL) == -1
    assert days_left(item, date(2026, 10, 18), CAL) == -1
