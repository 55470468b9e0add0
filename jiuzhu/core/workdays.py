"""Working days with China's public holidays and adjusted workdays (调休) kept as data.

The State Council publishes each year's holiday arrangement late in the previous year, so the
calendar is built from stored overrides plus the set of years whose notice has been entered.
For any other year, days are counted Monday–Friday and every deadline computed that way carries
a warning.

Pure module: no Django import (enforced by an import-linter contract). The optional
``chinese_calendar`` package is imported lazily, only to seed the data.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

__all__ = [
    "DayOverride",
    "Deadline",
    "WorkdayCalendar",
    "chinese_calendar_known_years",
    "overrides_from_chinese_calendar",
    "unknown_year_warning",
]

_ONE_DAY = timedelta(days=1)

# English names returned by chinese_calendar -> Chinese names shown to users.
_HOLIDAY_NAMES_CN = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}
_ADJUSTED_WORKDAY = "调休上班"
_UNNAMED_HOLIDAY = "节假日"


@dataclass(frozen=True)
class DayOverride:
    day: date
    is_workday: bool
    name: str


@dataclass(frozen=True)
class Deadline:
    day: date
    warnings: tuple[str, ...]


def unknown_year_warning(year: int) -> str:
    return f"{year}年节假日安排未录入，期限按周一至周五计算"


def _is_plain_workday(d: date) -> bool:
    return d.weekday() < 5


class WorkdayCalendar:
    """Answers "is this a working day?" from overrides, falling back to Monday–Friday."""

    def __init__(self, overrides: Iterable[DayOverride] = (), *, known_years: Iterable[int] = ()):
        by_day: dict[date, DayOverride] = {}
        for override in overrides:
            previous = by_day.get(override.day)
            if previous is not None and previous.is_workday != override.is_workday:
                raise ValueError(f"{override.day.isoformat()}的节假日安排前后矛盾")
            by_day[override.day] = override
        self._overrides = by_day
        self._override_days = sorted(by_day)
        self.known_years: frozenset[int] = frozenset(known_years)

    def override_for(self, d: date) -> DayOverride | None:
        return self._overrides.get(d)

    def is_known_year(self, year: int) -> bool:
        return year in self.known_years

    def is_workday(self, d: date) -> bool:
        override = self._overrides.get(d)
        if override is not None:
            return override.is_workday
        return _is_plain_workday(d)

    def add_workdays(self, start: date, n: int) -> Deadline:
        """The ``n``-th working day after ``start`` (``start`` itself is not counted).

        Warns once per year examined whose holiday arrangement is not known.
        """
        if n < 0:
            raise ValueError(f"工作日天数不能为负数：{n}")
        unknown_years: set[int] = set()
        day = start
        counted = 0
        while counted < n:
            day += _ONE_DAY
            if day.year not in self.known_years:
                unknown_years.add(day.year)
            if self.is_workday(day):
                counted += 1
        warnings = tuple(unknown_year_warning(year) for year in sorted(unknown_years))
        return Deadline(day=day, warnings=warnings)

    def workdays_between(self, a: date, b: date) -> int:
        """Number of working days in the half-open interval (a, b]; 0 when b <= a."""
        if b <= a:
            return 0
        full_weeks, remainder = divmod((b - a).days, 7)
        count = full_weeks * 5
        for offset in range(1, remainder + 1):
            if _is_plain_workday(a + timedelta(days=7 * full_weeks + offset)):
                count += 1
        lo = bisect_right(self._override_days, a)
        hi = bisect_right(self._override_days, b)
        for day in self._override_days[lo:hi]:
            count += int(self._overrides[day].is_workday) - int(_is_plain_workday(day))
        return count

    def overrides_in(self, first: date, last: date) -> list[DayOverride]:
        """Overrides with ``first <= day <= last``, in date order."""
        lo = bisect_left(self._override_days, first)
        hi = bisect_right(self._override_days, last)
        return [self._overrides[day] for day in self._override_days[lo:hi]]


def _package_knows(cc: Any, year: int) -> bool:
    try:
        cc.is_workday(date(year, 1, 1))
        cc.is_workday(date(year, 12, 31))
    except NotImplementedError:
        return False
    return True


def chinese_calendar_known_years(years: Iterable[int]) -> set[int]:
    """The subset of ``years`` for which the installed ``chinese_calendar`` has data."""
    import chinese_calendar as cc

    return {year for year in set(years) if _package_knows(cc, year)}


def _override_from_package(cc: Any, day: date) -> DayOverride | None:
    is_workday = cc.is_workday(day)
    if is_workday == _is_plain_workday(day):
        return None
    _, english_name = cc.get_holiday_detail(day)
    if english_name:
        name = _HOLIDAY_NAMES_CN.get(english_name, english_name)
    else:
        name = _ADJUSTED_WORKDAY if is_workday else _UNNAMED_HOLIDAY
    return DayOverride(day=day, is_workday=is_workday, name=name)


def overrides_from_chinese_calendar(years: Iterable[int]) -> list[DayOverride]:
    """Seed data: the days where ``chinese_calendar`` differs from Monday–Friday, in date order.

    Years the package does not know (it stops at 2026 in version 1.11.0) are skipped silently;
    the caller must leave them out of ``known_years``.
    """
    import chinese_calendar as cc

    result: list[DayOverride] = []
    for year in sorted(set(years)):
        if not _package_knows(cc, year):
            continue
        day = date(year, 1, 1)
        while day.year == year:
            override = _override_from_package(cc, day)
            if override is not None:
                result.append(override)
            day += _ONE_DAY
    return result
