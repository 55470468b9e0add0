"""The demo county as the planting sees it: households with their members and recorded income,
loaded once, and the seeded choices among them (pure apart from ``load_county``)."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from jiuzhu.demo.codes import Relation
from jiuzhu.registry.models import Household, IncomeFact, Person

HOME_TOWNSHIP = "433123109000"  # 沱江镇, where the demo township officer works
COUNTED_INCOME = ("wages", "business", "transfer")


@dataclass
class CountyPerson:
    """A person of the demo county, as the planting needs it."""

    pk: int
    household_id: int
    name: str
    birth_date: date
    sex: str
    relation: str
    disability_type: str
    disability_grade: int | None
    health_status: str
    cipher: str  # the encrypted resident ID

    def age(self, on: date) -> int:
        return (
            on.year
            - self.birth_date.year
            - ((on.month, on.day) < (self.birth_date.month, self.birth_date.day))
        )


@dataclass
class CountyHousehold:
    pk: int
    number: str
    area_type: str
    village_id: int
    village_code: str
    village_name: str
    township_id: int
    township_code: str
    township_name: str
    income: Decimal  # recorded counted income (wages, business, transfers)
    members: list[CountyPerson] = field(default_factory=list)

    @property
    def home(self) -> bool:
        return self.township_code == HOME_TOWNSHIP

    @property
    def head(self) -> CountyPerson:
        return next((m for m in self.members if m.relation == Relation.SELF), self.members[0])


def load_county(county) -> tuple[dict[int, CountyHousehold], dict[int, CountyPerson]]:
    """Every household with members, and every person, of the county, by primary key."""
    income = dict(
        IncomeFact.objects.filter(household__county=county, category__in=COUNTED_INCOME)
        .order_by()
        .values("household")
        .annotate(s=Sum("amount"))
        .values_list("household", "s")
    )
    households = {}
    for row in (
        Household.objects.filter(county=county)
        .order_by("number")
        .values_list(
            "pk",
            "number",
            "area_type",
            "village_id",
            "village__code",
            "village__name",
            "township_id",
            "township__code",
            "township__name",
        )
    ):
        households[row[0]] = CountyHousehold(*row, income=income.get(row[0]) or Decimal(0))
    people = {}
    for row in (
        Person.objects.filter(household__county=county)
        .order_by("household_id", "id")
        .values_list(
            "pk",
            "household_id",
            "name",
            "birth_date",
            "sex",
            "relation",
            "disability_type",
            "disability_grade",
            "health_status",
            "id_cipher",
        )
    ):
        person = CountyPerson(*row)
        people[person.pk] = person
        households[person.household_id].members.append(person)
    return {k: h for k, h in households.items() if h.members}, people


def poorest_per_village(
    households: list[CountyHousehold], share: float, minimum: int
) -> list[CountyHousehold]:
    """`share` of the households (at least `minimum`), split over the villages in proportion to
    their size (largest remainders), the poorest recorded income first in each village."""
    by_village: dict[str, list[CountyHousehold]] = defaultdict(list)
    for h in households:
        by_village[h.village_code].append(h)
    total = len(households)
    target = min(total, max(round(total * share), minimum))
    exact = {v: len(hs) * target / total for v, hs in by_village.items()}
    quota = {v: int(x) for v, x in exact.items()}
    rest = sorted(by_village, key=lambda v: (-(exact[v] - quota[v]), v))
    for v in rest[: target - sum(quota.values())]:
        quota[v] += 1
    chosen = []
    for v in sorted(by_village):
        chosen += sorted(by_village[v], key=lambda h: (h.income, h.number))[: quota[v]]
    return chosen


def spread(
    pool: list, n: int, rng: random.Random, *, home: int, key: Callable = lambda x: x
) -> list:
    """`n` items of `pool`: `home` of them in 沱江镇 (when there are), the rest elsewhere, each
    household once."""
    at_home = [x for x in pool if key(x).home]
    away = [x for x in pool if not key(x).home]
    picked = rng.sample(at_home, min(home, n, len(at_home)))
    picked += rng.sample(away, min(n - len(picked), len(away)))
    if len(picked) < n:  # a small demo: fill up from wherever is left
        left = [x for x in pool if x not in picked]
        picked += rng.sample(left, min(n - len(picked), len(left)))
    seen, out = set(), []
    for x in picked:
        if key(x).pk not in seen:
            seen.add(key(x).pk)
            out.append(x)
    return out
