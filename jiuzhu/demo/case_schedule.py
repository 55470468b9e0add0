"""When a demo case's steps took place, and at what time of the office day (pure: no Django).

A case's steps fall on working days in the order and within the time limits of S2: accepted
the working day after the application, visited within 3 working days (art. 15), verified two
working days later (art. 17), posted the next working day, the notice closed once 7 days have
passed (art. 19) and the township's opinion written the working day after. Each step is entered
during office hours, a case's steps on one day at increasing times.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta

ONE_DAY = timedelta(days=1)
NOTICE_DAYS = 7
IsWorkday = Callable[[date], bool]


@dataclass(frozen=True)
class CaseDates:
    applied: date
    incomplete_told: date  # 一次性告知, for a case whose papers were missing
    accepted: date
    visited: date
    verified: date
    notice_start: date
    notice_closed: date
    opinion: date

    def in_order(self) -> tuple[date, ...]:
        return tuple(getattr(self, f.name) for f in fields(self))


def next_workday(day: date, is_workday: IsWorkday, n: int = 1) -> date:
    """The n-th working day after `day`."""
    for _ in range(n):
        day += ONE_DAY
        while not is_workday(day):
            day += ONE_DAY
    return day


def previous_workday(day: date, is_workday: IsWorkday) -> date:
    day -= ONE_DAY
    while not is_workday(day):
        day -= ONE_DAY
    return day


def schedule_from(applied: date, is_workday: IsWorkday) -> CaseDates:
    """Every step's day for a case applied for on `applied`."""
    accepted = next_workday(applied, is_workday)
    visited = next_workday(accepted, is_workday, 2)
    verified = next_workday(visited, is_workday, 2)
    notice_start = next_workday(verified, is_workday)
    closed = notice_start + timedelta(days=NOTICE_DAYS)
    while not is_workday(closed):
        closed += ONE_DAY
    return CaseDates(
        applied=applied,
        incomplete_told=accepted,
        accepted=accepted,
        visited=visited,
        verified=verified,
        notice_start=notice_start,
        notice_closed=closed,
        opinion=next_workday(closed, is_workday),
    )


def latest_schedule(
    *, last_step: str, on_or_before: date, is_workday: IsWorkday, earlier: int = 0
) -> CaseDates:
    """The latest schedule whose `last_step` falls on or before `on_or_before`, moved
    `earlier` more working days back (so that cases at one stage spread over several days)."""
    applied = on_or_before + ONE_DAY
    for _ in range(earlier + 1):
        applied = previous_workday(applied, is_workday)
        while getattr(schedule_from(applied, is_workday), last_step) > on_or_before:
            applied = previous_workday(applied, is_workday)
    return schedule_from(applied, is_workday)


def office_times(days: Sequence[date], rng: random.Random) -> list[datetime]:
    """A naive time of the office day for each of a case's entries, dated `days` (in order):
    the day's first entry in the morning, each later one on the same day 20 minutes to two
    hours after the one before, past the lunch break."""
    out: list[datetime] = []
    for day in days:
        if out and out[-1].date() == day:
            at = out[-1] + timedelta(minutes=rng.randint(20, 120))
            if time(11, 50) <= at.time() < time(14, 30):
                at += timedelta(minutes=160)
        else:
            at = datetime.combine(day, time(8, 30)) + timedelta(minutes=rng.randint(5, 150))
        out.append(at)
    return out


__all__ = [
    "CaseDates",
    "latest_schedule",
    "next_workday",
    "office_times",
    "previous_workday",
    "schedule_from",
]
