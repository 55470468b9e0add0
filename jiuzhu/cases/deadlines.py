"""Time limits of a case as data (S2 arts. 15–22, S6, S3; R15 for 先行救助).

Working-day limits are counted with a calendar object that offers ``add_workdays(start, n)``
(returning something with ``.day`` and ``.warnings``) and ``workdays_between(a, b)`` —
normally :class:`jiuzhu.core.workdays.WorkdayCalendar`. The start day itself is not counted.

Which limits apply:

* dibao and, unless a county sets otherwise, every other programme follow S2: investigation
  and verification start within 3 working days of acceptance; the whole case within 30 working
  days, 20 where the power to confirm is delegated to the township (S6), 45 when extended
  (the extension wins over delegation);
* extreme poverty follows S3: investigation finished within 15 working days of acceptance and
  the county decision within 15 working days of receiving the file; S3 sets no whole-case limit;
* the county decision (10 working days, S2 art. 20) only when the county received the file;
* the written refusal (3 working days, S2 art. 21) only once refused;
* the filing after 先行救助 (a county setting, 5 working days by default) only once paid;
* the notice (7 calendar days, S2 art. 19) only when its start date is given; the day of
  posting is not counted.

Pure module: no Django import.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

__all__ = [
    "DeadlineItem",
    "TimeLimits",
    "case_deadlines",
    "days_left",
    "overdue",
    "programme_kind_of",
]


class _Calendar(Protocol):
    def add_workdays(self, start: date, n: int) -> Any: ...

    def workdays_between(self, a: date, b: date) -> int: ...


@dataclass(frozen=True)
class TimeLimits:
    """Days for each limit; all working days except ``notice_days`` (calendar days)."""

    investigation_start: int = 3
    verification_start: int = 3
    notice_days: int = 7
    county_decision: int = 10
    refusal_letter: int = 3
    whole_case: int = 30
    whole_case_delegated: int = 20
    whole_case_extended: int = 45
    extreme_poverty_investigation: int = 15
    extreme_poverty_decision: int = 15
    emergency_filing: int = 5


@dataclass(frozen=True)
class DeadlineItem:
    code: str
    label: str
    due: date
    warnings: tuple[str, ...] = ()


LABELS = {
    "investigation_start": "启动入户调查",
    "verification_start": "启动家庭经济状况核对",
    "investigation_done": "完成调查核实（特困）",
    "notice_end": "公示期满",
    "county_decision": "县级审核确认",
    "county_decision_extreme_poverty": "县级认定（特困）",
    "refusal_letter": "书面告知不予确认理由",
    "whole_case": "全程办结",
    "emergency_filing": "先行救助后补办手续",
}


def programme_kind_of(programme: str) -> str:
    """``dibao_urban`` → ``dibao``, ``extreme_poverty_dispersed`` → ``extreme_poverty``."""
    for kind in ("dibao", "extreme_poverty"):
        if programme == kind or programme.startswith(kind + "_"):
            return kind
    return programme


def _workday_item(calendar: _Calendar, code: str, start: date, days: int) -> DeadlineItem:
    deadline = calendar.add_workdays(start, days)
    return DeadlineItem(code, LABELS[code], deadline.day, tuple(deadline.warnings))


def _whole_case_days(limits: TimeLimits, *, delegated: bool, extended: bool) -> int:
    if extended:
        return limits.whole_case_extended
    return limits.whole_case_delegated if delegated else limits.whole_case


def _procedure_items(
    calendar: _Calendar,
    limits: TimeLimits,
    *,
    kind: str,
    accepted_on: date,
    county_received_on: date | None,
    delegated: bool,
    extended: bool,
) -> list[DeadlineItem]:
    if kind == "extreme_poverty":
        items = [
            _workday_item(
                calendar, "investigation_done", accepted_on, limits.extreme_poverty_investigation
            )
        ]
        if county_received_on is not None:
            items.append(
                _workday_item(
                    calendar,
                    "county_decision_extreme_poverty",
                    county_received_on,
                    limits.extreme_poverty_decision,
                )
            )
        return items
    whole = _whole_case_days(limits, delegated=delegated, extended=extended)
    items = [
        _workday_item(calendar, "investigation_start", accepted_on, limits.investigation_start),
        _workday_item(calendar, "verification_start", accepted_on, limits.verification_start),
        _workday_item(calendar, "whole_case", accepted_on, whole),
    ]
    if county_received_on is not None:
        items.append(
            _workday_item(calendar, "county_decision", county_received_on, limits.county_decision)
        )
    return items


def case_deadlines(
    *,
    accepted_on: date,
    calendar: _Calendar,
    limits: TimeLimits,
    delegated: bool,
    extended: bool,
    county_received_on: date | None,
    refused_on: date | None,
    paid_first_on: date | None,
    programme_kind: str,
    notice_started_on: date | None = None,
) -> tuple[DeadlineItem, ...]:
    """Every time limit that applies to the case so far, ordered by due date."""
    items = _procedure_items(
        calendar,
        limits,
        kind=programme_kind_of(programme_kind),
        accepted_on=accepted_on,
        county_received_on=county_received_on,
        delegated=delegated,
        extended=extended,
    )
    if notice_started_on is not None:
        due = notice_started_on + timedelta(days=limits.notice_days)
        items.append(DeadlineItem("notice_end", LABELS["notice_end"], due))
    if refused_on is not None:
        items.append(_workday_item(calendar, "refusal_letter", refused_on, limits.refusal_letter))
    if paid_first_on is not None:
        items.append(
            _workday_item(calendar, "emergency_filing", paid_first_on, limits.emergency_filing)
        )
    return tuple(sorted(items, key=lambda item: item.due))


def overdue(
    items: Iterable[DeadlineItem], today: date, done_codes: set[str] | frozenset[str]
) -> tuple[DeadlineItem, ...]:
    """Items not done whose due day has passed (the due day itself is still in time)."""
    return tuple(item for item in items if item.code not in done_codes and item.due < today)


def days_left(item: DeadlineItem, today: date, calendar: _Calendar) -> int:
    """Working days from ``today`` to the due day; negative once overdue.

    0 on the due day. Any day after it is at least one day late, even over a weekend.
    """
    if today <= item.due:
        return calendar.workdays_between(today, item.due)
    return -max(1, calendar.workdays_between(item.due, today))
