"""The working-day calendar from the holiday table: data the county administrator maintains
(each year's State Council holiday notice), seeded from chinese-calendar for the years it knows."""

from datetime import date

from django.db import transaction

from . import audit
from .errors import PermissionDenied, ValidationFailed
from .holiday_lines import LineError, parse_holiday_lines
from .models import HolidayDay, HolidayYear
from .workdays import DayOverride, WorkdayCalendar, overrides_from_chinese_calendar


def calendar() -> WorkdayCalendar:
    days = [DayOverride(h.day, h.is_workday, h.name) for h in HolidayDay.objects.all()]
    return WorkdayCalendar(
        days, known_years=set(HolidayYear.objects.values_list("year", flat=True))
    )


# The permission (accounts.roles.Perm.MANAGE_SETTINGS, by value: core sits below accounts).
MANAGE_SETTINGS = "manage_settings"


def _require(actor) -> None:
    """The county administrator, or the operator's system actor, maintains the calendar."""
    if actor is None or not actor.can(MANAGE_SETTINGS):
        raise PermissionDenied("只有县级管理员可以维护节假日安排")


@transaction.atomic
def seed_holidays(years, *, actor) -> list[int]:
    """Load the years the chinese-calendar package knows; returns the years loaded."""
    _require(actor)
    overrides = overrides_from_chinese_calendar(years)
    loaded = sorted({o.day.year for o in overrides})
    for o in overrides:
        HolidayDay.objects.update_or_create(
            day=o.day, defaults={"is_workday": o.is_workday, "name": o.name}
        )
    for year in loaded:
        HolidayYear.objects.get_or_create(year=year, defaults={"source": "chinese-calendar 1.11.0"})
    if loaded:
        audit.record(action="holidays.seed", actor=actor, new={"years": loaded})
    return loaded


@transaction.atomic
def holiday_set(*, actor, day: date, is_workday: bool, name: str) -> HolidayDay:
    """Enter one day of a holiday notice: a weekday off, or a weekend working day (调休)."""
    _require(actor)
    if is_workday == (day.weekday() < 5):
        raise ValidationFailed(f"{day}本来就是{'工作日' if is_workday else '休息日'}，无需录入")
    old = HolidayDay.objects.filter(day=day).first()
    entry, _ = HolidayDay.objects.update_or_create(
        day=day, defaults={"is_workday": is_workday, "name": name}
    )
    audit.record(
        action="holidays.set",
        actor=actor,
        obj=entry,
        old={"is_workday": old.is_workday, "name": old.name} if old else {},
        new={"day": day, "is_workday": is_workday, "name": name},
    )
    return entry


@transaction.atomic
def holiday_year_confirm(*, actor, year: int, source: str) -> None:
    """Mark a year's notice as fully entered: deadlines in it stop carrying the warning."""
    _require(actor)
    if not HolidayDay.objects.filter(day__year=year).exists():
        raise ValidationFailed(f"{year}年还没有录入任何节假日或调休日期")
    HolidayYear.objects.update_or_create(year=year, defaults={"source": source})
    audit.record(action="holidays.confirm_year", actor=actor, new={"year": year, "source": source})


@transaction.atomic
def holiday_remove(*, actor, day: date) -> None:
    """Take a day entered by mistake out of the table: it counts Monday–Friday again."""
    _require(actor)
    entry = HolidayDay.objects.select_for_update().filter(day=day).first()
    if entry is None:
        raise ValidationFailed(f"{day}没有录入节假日或调休")
    old = {"day": day, "is_workday": entry.is_workday, "name": entry.name}
    entry.delete()
    audit.record(action="holidays.remove", actor=actor, old=old)


class HolidayLinesInvalid(ValidationFailed):
    """A pasted notice with lines that cannot be entered; `errors` names each line."""

    def __init__(self, errors: list[LineError]):
        super().__init__(f"有{len(errors)}行无法录入，全部未保存：" + "；".join(map(str, errors)))
        self.errors = errors


@transaction.atomic
def holidays_enter(*, actor, text: str) -> tuple[list[HolidayDay], int]:
    """Enter a pasted notice (holiday_lines: one date a line), all lines or none. Returns the
    days stored and how many weekend days off needed no entry."""
    _require(actor)
    parsed = parse_holiday_lines(text)
    if parsed.errors:
        raise HolidayLinesInvalid(parsed.errors)
    if not parsed.days and not parsed.weekend_days_off:
        raise ValidationFailed("没有填写任何日期")
    stored = [
        holiday_set(actor=actor, day=o.day, is_workday=o.is_workday, name=o.name)
        for o in parsed.days
    ]
    return stored, len(parsed.weekend_days_off)
