"""Who lives in a demo household: its shape, and each member's relation, sex and birth day.

Pure (no Django). Members are ``Draft`` values, before names and resident IDs; the ages keep
every relation plausible (children 20–40 years younger than their parents, spouses close in age).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from jiuzhu.demo.codes import Relation
from jiuzhu.demo.draws import YEAR, cumulative, pick, years
from jiuzhu.demo.names import NameGenerator

# Household shapes and their shares; the mix averages about 2.5 people.
SHAPES = (
    ("elderly_alone", 15),
    ("single", 10),
    ("couple", 22),
    ("nuclear", 27),
    ("single_parent", 6),
    ("three_generation", 10),
    ("skip_generation", 5),
    ("siblings", 5),
)


@dataclass(slots=True)
class Draft:
    """A member before names and IDs: who they are to the head, sex, birth day, surname."""

    relation: str
    sex: str
    born: int  # date ordinal
    surname: str | None
    origin: str = "child"  # where the resident ID comes from: "head", "spouse" or "child"


class FamilyDrafter:
    """Draws one household's members; shares the planner's ``random.Random`` and names."""

    def __init__(self, rng: random.Random, names: NameGenerator, today: int) -> None:
        self.rng = rng
        self.names = names
        self._t = today  # date ordinal
        self._shapes = cumulative(SHAPES)
        self._by_shape = {
            "elderly_alone": self._elderly_alone,
            "single": self._single,
            "couple": self._couple_only,
            "nuclear": self._nuclear,
            "single_parent": self._single_parent,
            "three_generation": self._three_generations,
            "skip_generation": self._skip_generation,
            "siblings": self._siblings,
        }

    def draw(self) -> list[Draft]:
        """A household shape drawn by its share, then its members; the head comes first."""
        return self._by_shape[pick(self.rng, self._shapes)]()

    # --- small draws ---------------------------------------------------------------------

    def _chance(self, p: float) -> bool:
        return self.rng.random() < p

    def _born_at_age(self, lo: float, hi: float, mode: float | None = None) -> int:
        age = self.rng.triangular(lo, hi, mode) if mode is not None else self.rng.uniform(lo, hi)
        return self._t - int(min(age, 99.5) * YEAR)

    def _born_between(self, first: int, last: int) -> int | None:
        """A birth ordinal in [first, last] (clipped to today), or None if the range is empty."""
        last = min(last, self._t)
        return self.rng.randint(first, last) if first <= last else None

    # --- members -------------------------------------------------------------------------

    def _head(self, sex_male_share: float, lo: float, hi: float, mode=None) -> Draft:
        sex = "M" if self._chance(sex_male_share) else "F"
        return Draft(Relation.SELF, sex, self._born_at_age(lo, hi, mode), None, "head")

    def _spouse(self, head: Draft) -> Draft:
        # Husbands are usually a few years older than their wives; never more than 15 apart.
        older = self.rng.randint(-2 * 365, 6 * 365)
        born = head.born + older if head.sex == "M" else head.born - older
        born = min(born, self._t - years(19))
        return Draft(Relation.SPOUSE, "F" if head.sex == "M" else "M", born, None, "spouse")

    def _children(
        self,
        head: Draft,
        spouse: Draft | None,
        n: int,
        surname: str | None,
        *,
        oldest: float = 30,
        youngest: float = 0,
        relation: str | None = None,
        gap=(20, 40),
    ) -> list[Draft]:
        """Up to n children 20–40 years younger than the head (and the spouse, if any)."""
        first, last = head.born + years(gap[0]), head.born + years(gap[1])
        if spouse is not None:
            first = max(first, spouse.born + years(19))
            last = min(last, spouse.born + years(42))
        first = max(first, self._t - years(oldest))
        last = min(last, self._t - years(youngest))
        kids = []
        for _ in range(n):
            born = self._born_between(first, last)
            if born is None:
                break
            sex = "M" if self._chance(0.52) else "F"
            rel = relation or (Relation.SON if sex == "M" else Relation.DAUGHTER)
            kids.append(Draft(rel, sex, born, surname))
        return kids

    def _parents_of(self, child: Draft, relation: str, surname: str | None, n: int) -> list[Draft]:
        first = max(child.born - years(40), self._t - years(96))
        last = child.born - years(21)
        out = []
        for sex in ("M", "F") if n == 2 else (self.rng.choice("MF"),):
            born = self._born_between(first, last)
            if born is not None:
                out.append(Draft(relation, sex, born, surname if sex == "M" else None, "spouse"))
        return out

    def _couple(self, male_share: float, lo, hi, mode=None) -> tuple[Draft, Draft, str]:
        """A head and spouse with their surnames, and the surname their children carry."""
        head = self._head(male_share, lo, hi, mode)
        head.surname = self.names.surname()
        spouse = self._spouse(head)
        spouse.surname = self.names.surname()
        father = head if head.sex == "M" else spouse
        return head, spouse, father.surname

    # --- shapes --------------------------------------------------------------------------

    def _elderly_alone(self) -> list[Draft]:
        return [self._head(0.4, 60, 96, 72)]

    def _single(self) -> list[Draft]:
        return [self._head(0.68, 19, 60, 40)]

    def _couple_only(self) -> list[Draft]:
        young = self._chance(0.3)
        head, spouse, _ = self._couple(0.9, *((22, 45) if young else (48, 90, 66)))
        return [head, spouse]

    def _nuclear(self) -> list[Draft]:
        head, spouse, surname = self._couple(0.9, 26, 56, 38)
        n = self.rng.choices((1, 2, 3), (50, 40, 10))[0]
        return [head, spouse, *self._children(head, spouse, n, surname)]

    def _single_parent(self) -> list[Draft]:
        head = self._head(0.35, 27, 56)
        head.surname = self.names.surname()
        # A mother heading the household: the children mostly carry their father's surname.
        fathers = head.sex == "F" and self._chance(0.6)
        surname = self.names.surname() if fathers else head.surname
        return [head, *self._children(head, None, self.rng.choice((1, 1, 2)), surname)]

    def _three_generations(self) -> list[Draft]:
        if self._chance(0.6):
            return self._couple_with_parents()
        return self._elder_with_sons_family()

    def _couple_with_parents(self) -> list[Draft]:
        """A working-age couple with children and one or two old parents."""
        rng = self.rng
        head, spouse, surname = self._couple(0.9, 30, 56, 40)
        kids = self._children(head, spouse, rng.choices((1, 2), (55, 45))[0], surname)
        elder, rel = (
            (head, Relation.PARENT) if self._chance(0.85) else (spouse, Relation.PARENT_IN_LAW)
        )
        parents = self._parents_of(elder, rel, elder.surname, rng.choice((1, 2)))
        return [head, spouse, *kids, *parents]

    def _elder_with_sons_family(self) -> list[Draft]:
        """An old head (and spouse), their son, his wife and their children."""
        rng = self.rng
        head = self._head(0.8, 58, 84, 66)
        members = [head]
        if self._chance(0.7):
            members.append(self._spouse(head))
        head_surname = self.names.surname()
        son_surname = head_surname if head.sex == "M" else self.names.surname()
        head.surname = head_surname
        sons = self._children(head, None, 1, son_surname, youngest=24, oldest=50, gap=(21, 38))
        if not sons:
            return members
        son = sons[0]
        son.sex, son.relation = "M", Relation.SON
        wife = Draft(
            Relation.CHILD_IN_LAW, "F", son.born + rng.randint(-2 * 365, 5 * 365), None, "spouse"
        )
        wife.born = min(wife.born, self._t - years(20))
        n = rng.choices((1, 2), (50, 50))[0]
        grandkids = self._children(
            son, wife, n, son.surname, oldest=25, relation=Relation.GRANDCHILD
        )
        return [*members, son, wife, *grandkids]

    def _skip_generation(self) -> list[Draft]:
        """Left-behind grandchildren (留守儿童) living with grandparents."""
        head = self._head(0.5, 55, 82)
        head.surname = self.names.surname()
        members = [head] + ([self._spouse(head)] if self._chance(0.5) else [])
        surname = head.surname if head.sex == "M" else self.names.surname()
        n = self.rng.choice((1, 2))
        grandkids = self._children(
            head,
            None,
            n,
            surname,
            oldest=16,
            youngest=1,
            relation=Relation.GRANDCHILD,
            gap=(40, 70),
        )
        return members + grandkids

    def _siblings(self) -> list[Draft]:
        head = self._head(0.6, 24, 72)
        head.surname = self.names.surname()
        born = head.born + self.rng.randint(-8 * 365, 8 * 365)
        born = min(born, self._t - years(16))
        return [head, Draft(Relation.SIBLING, self.rng.choice("MF"), born, head.surname)]
