"""The rows of one staff member in a staff or cadre file: the member, then each declared
relative (self-report of 003 attachment 4)."""

from __future__ import annotations

from collections.abc import Iterable

from .planting import Stranger

Relative = tuple[str, str, str]  # what the relative is to the staff member, name, resident ID


def staff_rows(staff: Stranger, unit: str, post: str, relatives: Iterable[Relative]) -> list[dict]:
    name, number, _, _ = staff
    base = {"staff_name": name, "staff_id_number": number, "unit": unit, "post": post}
    rows = [{**base, "kin": "本人"}]
    rows += [
        {**base, "kin": kin, "name": rel_name, "id_number": rel_id}
        for kin, rel_name, rel_id in relatives
    ]
    return rows


def committee(township: str, village: str) -> str:
    """The village (村民委员会) or community (居民委员会) committee's name."""
    return f"{township}{village}" + ("居民委员会" if village.endswith("社区") else "村民委员会")
