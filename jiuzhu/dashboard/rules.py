"""The dashboard's pure rules (no database): which poverty-registry rows are monitored, which
months are closed, and which villages stand out.

Outliers (R21 dashboard, "exit and inclusion rates per village with outliers highlighted"):
a village's inclusion rate is the households newly paid over the window (the last 12 months)
divided by its average households in payment; its exit rate the households no longer paid over
the same average. A village is an outlier on a rate when that rate exceeds the mean of the
region's villages by more than two standard deviations (population standard deviation over the
villages with at least MIN_HOUSEHOLDS average households; smaller villages are shown but never
flagged: one household moves their rate by 20 points). With fewer than MIN_VILLAGES such
villages nothing is flagged: there is no spread to measure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from jiuzhu.core.month import Month

MIN_HOUSEHOLDS = 5
MIN_VILLAGES = 5
SIGMAS = 2
RATE_WINDOW = 12  # months


def poverty_screened(monitoring_type: str | None, risk_status: str | None) -> bool:
    """The rows of the 防返贫监测 registry that call for screening: every monitored household
    except a lifted-out one (脱贫户) whose risk is removed — the rule of crosscheck.checks.missed
    (its _SCREENED["poverty"]), blanks counted in."""
    return (monitoring_type or "") != "lifted" or (risk_status or "") != "removed"


def months_back(current: Month, n: int) -> list[str]:
    """The `n` months ending with `current`, oldest first."""
    return [str(current.add(-i)) for i in range(n - 1, -1, -1)]


def is_closed(month: str, today: date) -> bool:
    """A month before today's month is closed: its figures are computed once."""
    return Month.parse(month) < Month.of(today)


@dataclass(frozen=True)
class VillageRate:
    village_id: int
    households: float  # average in payment over the window
    new: int
    exited: int
    inclusion: float  # new / average households (0 when none)
    exit: float
    inclusion_outlier: bool = False
    exit_outlier: bool = False


def village_rate(village_id: int, months: list[tuple[int, int, int]]) -> VillageRate:
    """Rates of one village from its (households, new, exited) of each month of the window."""
    average = sum(m[0] for m in months) / len(months) if months else 0.0
    new = sum(m[1] for m in months)
    exited = sum(m[2] for m in months)
    inclusion = new / average if average else 0.0
    exit_rate = exited / average if average else 0.0
    return VillageRate(village_id, round(average, 2), new, exited, inclusion, exit_rate)


def outlier_limit(values: list[float]) -> float | None:
    """mean + SIGMAS × population standard deviation; None with fewer than MIN_VILLAGES."""
    if len(values) < MIN_VILLAGES:
        return None
    mean = sum(values) / len(values)
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    return mean + SIGMAS * sd


def flag_outliers(rates: list[VillageRate]) -> list[VillageRate]:
    """The same rates with the outlier flags set (see the module's docstring)."""
    counted = [r for r in rates if r.households >= MIN_HOUSEHOLDS]
    inclusion = outlier_limit([r.inclusion for r in counted])
    exit_limit = outlier_limit([r.exit for r in counted])
    out = []
    for r in rates:
        big = r.households >= MIN_HOUSEHOLDS
        out.append(
            VillageRate(
                r.village_id,
                r.households,
                r.new,
                r.exited,
                r.inclusion,
                r.exit,
                big and inclusion is not None and r.inclusion > inclusion,
                big and exit_limit is not None and r.exit > exit_limit,
            )
        )
    return out
