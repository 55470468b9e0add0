"""The working-day calendar from the holiday table (data, editable by the county administrator)."""

from django.db import transaction

from .models import HolidayDay, HolidayYear
from .workdays import DayOverride, WorkdayCalendar, overrides_from_chinese_calendar


def calendar() -> WorkdayCalendar:
    days = [DayOverride(h.day, h.is_workday, h.name) for h in HolidayDay.objects.all()]
    return WorkdayCalendar(
        days, known_years=set(HolidayYear.objects.values_list("year", flat=True))
    )


@transaction.atomic
def seed_holidays(years) -> list[int]:
    """Load the years the chinese-calendar package knows; returns the years loaded."""
    overrides = overrides_from_chinese_calendar(years)
    loaded = sorted({o.day.year for o in overrides})
    for o in overrides:
        HolidayDay.objects.update_or_create(
            day=o.day, defaults={"is_workday": o.is_workday, "name": o.name}
        )
    for year in loaded:
        HolidayYear.objects.get_or_create(year=year, defaults={"source": "chinese-calendar 1.11.0"})
    return loaded
