"""Small seeded draws shared by the demo planner's parts (pure: no Django).

Every draw goes through the ``random.Random`` passed in, so a seed fixes the whole sequence.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

YEAR = 365.2425  # days

Table = tuple[tuple, list[float]]  # items and their cumulative weights, for random.choices


def cumulative(pairs: Sequence[tuple[object, float]]) -> Table:
    """(item, weight) pairs as a table for ``pick``: cumulative weights are summed only once."""
    total, cum = 0.0, []
    for _, weight in pairs:
        total += weight
        cum.append(total)
    return tuple(item for item, _ in pairs), cum


def pick(rng: random.Random, table: Table):
    items, cum = table
    return rng.choices(items, cum_weights=cum)[0]


def years(n: float) -> int:
    """n years as a whole number of days."""
    return int(n * YEAR)


def age_in_years(today: int, born: int) -> int:
    """Age in whole years on ``today``; both are date ordinals."""
    return int((today - born) / YEAR)
