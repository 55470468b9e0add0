"""The payment cycle's rules as plain functions over plain values (no Django): the change window
(R17), gradual exit (R13, S2 art. 33), the review interval (S2 art. 31) and what an enrolment
is paid in a month given its approved changes (R12: the month paid decides).

Pure module: no Django import (enforced by an import-linter contract)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jiuzhu.core.month import Month

AMOUNT_KINDS = ("amount", "reduce", "reprice")
PAUSE_KINDS = ("suspend", "resume")


@dataclass(frozen=True)
class WindowedMonth:
    month: Month  # the payroll month the change is counted in
    late: bool  # submitted after the window: rolled to the next month
    note: str  # what the officer is told


def payroll_month_for(
    submitted_on: date, *, window_start: int, window_end: int, generated: Sequence[str] = ()
) -> WindowedMonth:
    """R17: changes submitted up to the window's last day count in this month's payroll; later
    ones roll to the next month. A month whose regular payroll is already generated (`generated`,
    "YYYY-MM") cannot take a change either: it rolls on to the first month not generated."""
    if not 1 <= window_start <= window_end <= 28:
        raise ValueError(f"异动申报期设置无效：{window_start}日至{window_end}日")
    month = Month.of(submitted_on)
    late = submitted_on.day > window_end
    if late:
        month = month.next()
    rolled = False
    while str(month) in generated:
        month, rolled = month.next(), True
    window = f"每月{window_start}日至{window_end}日"
    if late:
        note = f"已过本月异动申报期（{window}），顺延至{month.year}年{month.month}月发放"
    elif rolled:
        note = f"本月发放名册已生成，顺延至{month.year}年{month.month}月发放"
    else:
        note = f"计入{month.year}年{month.month}月发放"
    return WindowedMonth(month, late or rolled, note)


def gradual_exit_last_month(first_month: Month, months: int) -> Month:
    """R13, S2 art. 33: payment continues for `months` months from `first_month` (the month the
    household stopped qualifying) and then stops; the result is the last month paid."""
    if months < 1:
        raise ValueError("渐退期应至少为1个月")
    return first_month.add(months - 1)


def gradual_exit_months(
    *, national_default: int, poverty_registry: bool, poverty_months: int, cap: int = 24
) -> int:
    """The gradual-exit period for a household: the county's general setting, or for a
    poverty-registry household (建档立卡/防返贫监测) the longer period seed 002 allows, never
    beyond 24 months."""
    months = max(national_default, poverty_months) if poverty_registry else national_default
    return max(1, min(months, cap))


def review_interval_months(
    *,
    programme_code: str,
    unstable_income: bool,
    able_to_work: int,
    stable_months: int,
    unstable_months: int,
) -> int:
    """S2 art. 31: yearly for stable households and for extreme poverty; every 6 months (a
    setting) for households with unstable income or members able to work."""
    if programme_code.startswith("extreme_poverty"):
        return stable_months
    if unstable_income or able_to_work > 0:
        return unstable_months
    return stable_months


@dataclass(frozen=True)
class ChangeFact:
    """An approved change as the payroll reads it."""

    id: int
    kind: str
    effective_month: str
    old_amount: Decimal
    new_amount: Decimal


@dataclass(frozen=True)
class MonthDue:
    paid: bool
    amount: Decimal
    change_id: int | None  # the amount change whose amount applies (None: the enrolment's own)
    why: str


def due_for_month(
    *,
    month: str,
    payroll_from: str,
    start_month: str,
    end_month: str,
    current_amount: Decimal,
    changes: Sequence[ChangeFact],
) -> MonthDue:
    """What an enrolment is due for `month`: nothing before it entered payroll or after its
    last month, nothing while suspended, else the amount in force (R12): the latest amount
    change dated on or before the month, else the amount before the first later change, else
    the enrolment's amount. The payroll SQL (payments.inforce) computes the same for a county;
    this is its reference."""
    if not payroll_from or month < payroll_from or month < start_month:
        return MonthDue(False, Decimal("0.00"), None, "未纳入发放")
    if end_month and month > end_month:
        return MonthDue(False, Decimal("0.00"), None, "已停发")
    ordered = sorted(changes, key=lambda c: (c.effective_month, c.id))
    pauses = [c for c in ordered if c.kind in PAUSE_KINDS and c.effective_month <= month]
    if pauses and pauses[-1].kind == "suspend":
        return MonthDue(False, Decimal("0.00"), None, "暂停发放")
    amounts = [c for c in ordered if c.kind in AMOUNT_KINDS]
    before = [c for c in amounts if c.effective_month <= month]
    if before:
        return MonthDue(True, before[-1].new_amount, before[-1].id, "按异动后金额")
    later = [c for c in amounts if c.effective_month > month]
    if later:
        return MonthDue(True, later[0].old_amount, None, "按异动前金额")
    return MonthDue(True, current_amount, None, "按核定金额")
