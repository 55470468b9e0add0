"""Close relatives of staff and cadres (R5, seed 003 att. 4; S2 arts. 11 and 20).

``kin`` in a declaration says what the relative is to the staff member ("the relative is my
parent"). Which degrees count as close is a county setting; the default follows the 2012 rules
plus parents-in-law. Counties following seed 003 to the letter add ``legal_supporter``.

Pure module: no Django import.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

__all__ = [
    "DEFAULT_CLOSE_RELATIVES",
    "KIN_LABELS",
    "Kin",
    "KinDeclaration",
    "KinMatch",
    "is_close_relative",
    "kin_flags",
    "recused_staff",
]


class Kin(StrEnum):
    SPOUSE = "spouse"
    PARENT = "parent"
    CHILD = "child"
    SIBLING = "sibling"
    GRANDPARENT = "grandparent"
    GRANDCHILD = "grandchild"
    PARENT_IN_LAW = "parent_in_law"
    CHILD_IN_LAW = "child_in_law"
    SIBLING_IN_LAW = "sibling_in_law"
    UNCLE_AUNT = "uncle_aunt"
    NEPHEW_NIECE = "nephew_niece"
    COUSIN = "cousin"
    LEGAL_SUPPORTER = "legal_supporter"

    @property
    def label(self) -> str:
        return KIN_LABELS[self]


# What the relative is to the staff member.
KIN_LABELS: dict[Kin, str] = {
    Kin.SPOUSE: "配偶",
    Kin.PARENT: "父母",
    Kin.CHILD: "子女",
    Kin.SIBLING: "兄弟姐妹",
    Kin.GRANDPARENT: "祖父母、外祖父母",
    Kin.GRANDCHILD: "孙子女、外孙子女",
    Kin.PARENT_IN_LAW: "配偶的父母",
    Kin.CHILD_IN_LAW: "子女的配偶",
    Kin.SIBLING_IN_LAW: "兄弟姐妹的配偶或配偶的兄弟姐妹",
    Kin.UNCLE_AUNT: "伯叔姑舅姨",
    Kin.NEPHEW_NIECE: "侄子女、外甥子女",
    Kin.COUSIN: "堂表兄弟姐妹",
    Kin.LEGAL_SUPPORTER: "其他负有法定赡养、扶养、抚养义务的人",
}

# The relationship as a pair, for "与……为X关系".
_RELATION_LABELS: dict[Kin, str] = {
    Kin.SPOUSE: "配偶",
    Kin.PARENT: "父母子女",
    Kin.CHILD: "父母子女",
    Kin.SIBLING: "兄弟姐妹",
    Kin.GRANDPARENT: "祖孙",
    Kin.GRANDCHILD: "祖孙",
    Kin.PARENT_IN_LAW: "姻亲（配偶的父母）",
    Kin.CHILD_IN_LAW: "姻亲（子女的配偶）",
    Kin.SIBLING_IN_LAW: "姻亲（兄弟姐妹）",
    Kin.UNCLE_AUNT: "叔伯姑舅姨与侄甥",
    Kin.NEPHEW_NIECE: "叔伯姑舅姨与侄甥",
    Kin.COUSIN: "堂表兄弟姐妹",
    Kin.LEGAL_SUPPORTER: "法定赡养、扶养、抚养",
}

DEFAULT_CLOSE_RELATIVES: frozenset[Kin] = frozenset(
    {
        Kin.SPOUSE,
        Kin.PARENT,
        Kin.CHILD,
        Kin.SIBLING,
        Kin.GRANDPARENT,
        Kin.GRANDCHILD,
        Kin.PARENT_IN_LAW,
    }
)


class KinDeclaration(NamedTuple):
    """A staff member's self-report line (003 att. 4); a plain 4-tuple works too."""

    staff_id: int
    staff_role: str
    relative_person_id: int
    kin: Kin | str


@dataclass(frozen=True)
class KinMatch:
    staff_id: int
    staff_role: str
    relative_person_id: int
    kin: Kin
    reason: str


def is_close_relative(kin: Kin | str, configured: frozenset[Kin]) -> bool:
    return Kin(kin) in configured


def _person_name(person_id: int, names: Mapping[int, str] | None) -> str:
    if names and person_id in names:
        return names[person_id]
    return f"（编号{person_id}）"


def kin_flags(
    declarations: Iterable[KinDeclaration | tuple[int, str, int, Kin | str]],
    household_person_ids: Iterable[int],
    configured: frozenset[Kin] = DEFAULT_CLOSE_RELATIVES,
    *,
    person_names: Mapping[int, str] | None = None,
) -> tuple[KinMatch, ...]:
    """Declarations that tie a staff member to a member of the applying household.

    Each match means the case is kin-registered (visited by the county, R3) and the staff
    member must be recused. Ordered by staff, then person.
    """
    members = frozenset(household_person_ids)
    matches = set()
    for staff_id, staff_role, person_id, kin in declarations:
        kin = Kin(kin)
        if person_id not in members or not is_close_relative(kin, configured):
            continue
        name = _person_name(person_id, person_names)
        reason = f"与申请家庭成员{name}为{_RELATION_LABELS[kin]}关系"
        matches.add(KinMatch(staff_id, staff_role, person_id, kin, reason))
    return tuple(sorted(matches, key=lambda m: (m.staff_id, m.relative_person_id, m.kin)))


def recused_staff(matches: Iterable[KinMatch]) -> frozenset[int]:
    """Staff ids to pass as ``recused`` to :func:`jiuzhu.cases.authority.check_actor`."""
    return frozenset(m.staff_id for m in matches)
