"""Record linkage of registry rows to our people, in tiers (pure: no Django import).

See :mod:`.tiers` for the tiers and :func:`link` for the entry point.
"""

from .tiers import (
    OUT_COLUMNS,
    TIERS,
    LinkSettings,
    LinkStats,
    link,
    link_exact,
    link_exact_all,
    link_near,
)

__all__ = [
    "OUT_COLUMNS",
    "TIERS",
    "LinkSettings",
    "LinkStats",
    "link",
    "link_exact",
    "link_exact_all",
    "link_near",
]
