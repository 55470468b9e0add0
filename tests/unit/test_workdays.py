import sys
import types
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.core.workdays import (
    DayOverride,
    Deadline,
    WorkdayCalendar,
    chinese_calendar_known_years,
    overrides_from_chinese_calendar,
    unknown_year_warning,
)

WARNING_2027 = "2027年节假日安排未录入，期限按周一至周五计算"

SEEDED = overrides_from_chinese_calendar([2025, 2026, 2027])
CAL = WorkdayCalendar(SEEDED, known_years={2025, 2026})
PLAIN = WorkdayCalendar(known_years=range(2000, 2100))


def by_day(overrides):
    return {o.day: o for o in overrides}


# --- seeding from chinese_calendar -------------------------------------------------------------


def test_unknown_years_are_skipped():
    assert overrides_from_chinese_calendar([2027]) == []
    assert {o.day.year for o in SEEDED} == {2025, 2026}
    assert chinese_calendar_known_years([2003, 2004, 2026, 2027]) == {2004, 2026}


def test_seed_contains_only_differences_from_monday_to_friday():
    assert SEEDED == sorted(SEEDED, key=lambda o: o.day)
    for o in SEEDED:
        assert o.is_workday != (o.day.weekday() < 5)


def test_national_day_2026():
    seeded = by_day(SEEDED)
    # Per chinese_calendar 1.11.0: Oct 1-7 off, Sun Sep 20 and Sat Oct 10 are adjusted workdays.
    for day in range(1, 8):
        assert not CAL.is_workday(date(2026, 10, day)), day
    for day in (1, 2, 5, 6, 7):  # the weekdays among them are overrides
        assert seeded[date(2026, 10, day)] == DayOverride(date(2026, 10, day), False, "国庆节")
    assert CAL.is_workday(date(2026, 10, 8))
    assert CAL.is_workday(date(2026, 10, 9))
    assert CAL.is_workday(date(2026, 10, 10))  # Saturday
    assert seeded[date(2026, 10, 10)].is_workday is True
    assert CAL.is_workday(date(2026, 9, 20))  # Sunday
    assert not CAL.is_workday(date(2026, 10, 11))  # ordinary Sunday
    assert not CAL.is_workday(date(2026, 9, 25))  # Mid-autumn, a Friday
    assert seeded[date(2026, 9, 25)].name == "中秋节"


def test_deadline_across_national_day_2026():
    assert CAL.add_workdays(date(2026, 9, 30), 1) == Deadline(date(2026, 10, 8), ())
    assert CAL.add_workdays(date(2026, 9, 30), 3).day == date(2026, 10, 10)
    assert CAL.add_workdays(date(2026, 9, 30), 4).day == date(2026, 10, 12)
    # the week around the holiday: Sep 30 and Oct 8, 9, 10
    assert CAL.workdays_between(date(2026, 9, 29), date(2026, 10, 11)) == 4


def test_spring_festival_2026_names():
    seeded = by_day(SEEDED)
    assert seeded[date(2026, 2, 16)].name == "春节"
    assert seeded[date(2026, 2, 14)].is_workday is True  # Saturday
    assert seeded[date(2026, 1, 1)].name == "元旦"


def test_all_package_names_are_translated():
    names = {o.name for o in overrides_from_chinese_calendar(range(2004, 2027))}
    assert names <= {
        "元旦",
        "春节",
        "清明节",
        "劳动节",
        "端午节",
        "中秋节",
        "国庆节",
        "抗战胜利70周年纪念日",
        "调休上班",
        "节假日",
    }
    assert {"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"} <= names


def test_fallback_names_when_package_gives_none(monkeypatch):
    # A stand-in for the package: 2030 is "known", Sat 5 Jan a workday, Mon 7 Jan a day off,
    # neither with a holiday name; 2031 is unknown.
    def is_workday(day):
        if day.year != 2030:
            raise NotImplementedError
        if day in (date(2030, 1, 5), date(2030, 1, 7)):
            return day == date(2030, 1, 5)
        return day.weekday() < 5

    fake = types.ModuleType("chinese_calendar")
    fake.is_workday = is_workday
    fake.get_holiday_detail = lambda day: (not is_workday(day), None)
    monkeypatch.setitem(sys.modules, "chinese_calendar", fake)
    assert overrides_from_chinese_calendar([2030, 2031]) == [
        DayOverride(date(2030, 1, 5), True, "调休上班"),
        DayOverride(date(2030, 1, 7), False, "节假日"),
    ]


# --- counting ----------------------------------------------------------------------------------


def test_friday_plus_three_is_wednesday():
    friday = date(2026, 11, 20)
    assert friday.weekday() == 4
    result = PLAIN.add_workdays(friday, 3)
    assert result == Deadline(date(2026, 11, 25), ())
    assert result.day.weekday() == 2


def test_start_day_not_counted():
    monday = date(2026, 11, 23)
    assert PLAIN.add_workdays(monday, 1).day == date(2026, 11, 24)


def test_zero_and_negative():
    assert PLAIN.add_workdays(date(2026, 11, 21), 0).day == date(2026, 11, 21)
    with pytest.raises(ValueError):
        PLAIN.add_workdays(date(2026, 11, 21), -1)


def test_deadline_into_2027_warns():
    result = CAL.add_workdays(date(2026, 12, 1), 30)
    assert result.day.year == 2027
    assert result.warnings == (WARNING_2027,)
    assert unknown_year_warning(2027) == WARNING_2027


def test_new_years_day_2027_counted_as_workday_with_warning():
    # No 2027 data: Friday 1 January 2027 counts as an ordinary weekday.
    result = CAL.add_workdays(date(2026, 12, 31), 1)
    assert result == Deadline(date(2027, 1, 1), (WARNING_2027,))


def test_deadline_within_known_year_has_no_warning():
    assert CAL.add_workdays(date(2026, 3, 2), 30).warnings == ()


def test_warning_once_per_unknown_year_in_order():
    cal = WorkdayCalendar(known_years={2026})
    result = cal.add_workdays(date(2026, 12, 1), 300)
    assert result.warnings == (WARNING_2027, unknown_year_warning(2028))


def test_entering_2027_notice_removes_warning():
    cal = WorkdayCalendar(
        [*SEEDED, DayOverride(date(2027, 1, 1), False, "元旦")], known_years={2025, 2026, 2027}
    )
    assert cal.add_workdays(date(2026, 12, 31), 1) == Deadline(date(2027, 1, 4), ())


def test_conflicting_overrides_rejected():
    with pytest.raises(ValueError):
        WorkdayCalendar(
            [DayOverride(date(2027, 1, 1), False, "元旦"), DayOverride(date(2027, 1, 1), True, "x")]
        )


def test_workdays_between():
    assert PLAIN.workdays_between(date(2026, 11, 20), date(2026, 11, 25)) == 3
    assert PLAIN.workdays_between(date(2026, 11, 20), date(2026, 11, 20)) == 0
    assert PLAIN.workdays_between(date(2026, 11, 25), date(2026, 11, 20)) == 0
    # 2026: 261 Mon-Fri days, minus weekday holidays, plus adjusted weekend workdays
    seeded_2026 = [o for o in SEEDED if o.day.year == 2026]
    expected = (
        261
        - sum(1 for o in seeded_2026 if not o.is_workday)
        + sum(1 for o in seeded_2026 if o.is_workday)
    )
    assert CAL.workdays_between(date(2025, 12, 31), date(2026, 12, 31)) == expected


def test_overrides_in():
    found = CAL.overrides_in(date(2026, 10, 1), date(2026, 10, 10))
    assert [o.day.day for o in found] == [1, 2, 5, 6, 7, 10]
    assert CAL.override_for(date(2026, 10, 10)).is_workday is True
    assert CAL.override_for(date(2026, 11, 23)) is None


# --- properties --------------------------------------------------------------------------------

starts = st.dates(min_value=date(2024, 6, 1), max_value=date(2027, 6, 30))


def brute_force_between(cal, a, b):
    count, day = 0, a
    while day < b:
        day += timedelta(days=1)
        count += cal.is_workday(day)
    return count


@given(starts, st.integers(min_value=1, max_value=80))
def test_add_workdays_property(start, n):
    result = CAL.add_workdays(start, n)
    assert result.day > start
    assert CAL.is_workday(result.day)
    assert CAL.workdays_between(start, result.day) == n
    # one day earlier is one working day short
    assert CAL.workdays_between(start, result.day - timedelta(days=1)) == n - 1
    assert (WARNING_2027 in result.warnings) == (result.day.year >= 2027)


@given(starts, st.integers(min_value=-40, max_value=400))
def test_workdays_between_matches_brute_force(a, length):
    b = a + timedelta(days=length)
    assert CAL.workdays_between(a, b) == brute_force_between(CAL, a, b)
