"""What every part of the cross-check demo shares: one seeded ``random.Random``, the county's
households and people, who already has a role, and the notes of what was planted where."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property

from jiuzhu.cases.models import Application
from jiuzhu.core.crypto import decrypt
from jiuzhu.core.idnumber import make_resident_id
from jiuzhu.core.month import Month
from jiuzhu.demo.names import NameGenerator
from jiuzhu.payments.models import Enrolment
from jiuzhu.registry.models import Person
from jiuzhu.registry.sensitive import id_lookup_hash

from .county import CountyHousehold, CountyPerson, load_county, spread

LOCAL_REGION = "433123"


@dataclass
class PlannedEnrolment:
    """A recipient the county already has (and the application behind it)."""

    household: CountyHousehold
    programme: str
    amount: Decimal
    decided_on: date
    person: CountyPerson | None = None  # the one member enrolled (extreme poverty)
    end_month: str = ""  # set when the enrolment was stopped
    stop_reason: str = ""

    @property
    def start_month(self) -> str:
        return str(Month.of(self.decided_on).next())


Stranger = tuple[str, str, date, str]  # name, resident ID, birth date, sex


class Planting:
    """The state the recipients and every registry file draw from, in a fixed order."""

    def __init__(self, *, county, users: dict, today: date, seed: int):
        self.county, self.today = county, today
        self.admin = users["county-admin"]
        self.head = users.get("township-head") or self.admin
        self.month = f"{today:%Y-%m}"
        self.rng = random.Random(seed)
        self.seed = seed
        self.names = NameGenerator(self.rng)
        self.households, self.people = load_county(county)
        self.taken_ids = set(Person.objects.values_list("id_hash", flat=True))
        busy = set(Application.objects.values_list("household_id", flat=True))
        busy |= set(Enrolment.objects.values_list("household_id", flat=True))
        self.busy: set[int] = busy  # households with a role already (demo cases too)
        self.planted: set[int] = set()  # recipient households given a planted case
        self.enrolments: list[PlannedEnrolment] = []
        self.recipients: list[CountyHousehold] = []
        self.covered: set[int] = set()  # person ids covered by a live enrolment
        self.notes: dict[str, list[int]] = defaultdict(list)  # planted case -> person/household ids

    @cached_property
    def live(self) -> list[CountyHousehold]:
        """Dibao recipient households (live), in a fixed order."""
        stopped = {e.household.pk for e in self.enrolments if e.end_month}
        return [h for h in self.recipients if h.pk not in stopped]

    def day(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, max((last - first).days, 0)))

    def take(
        self,
        n: int,
        home: int,
        ok: Callable[[CountyHousehold], bool] | None = None,
        person: Callable[[CountyPerson], bool] | None = None,
    ) -> list[tuple[CountyHousehold, CountyPerson]]:
        """`n` recipient households not planted yet (about `home` of them in 沱江镇), each with
        one member that satisfies `person` (the head by default)."""
        pool = []
        for h in self.live:
            if h.pk in self.planted or (ok and not ok(h)):
                continue
            members = [m for m in h.members if person(m)] if person else [h.head]
            if members:
                pool.append((h, members[0]))
        chosen = spread(pool, n, self.rng, home=home, key=lambda x: x[0])
        self.planted.update(h.pk for h, _ in chosen)
        return chosen

    def others(self, n: int, adult: bool = True) -> list[CountyPerson]:
        """`n` people of the county with no role in the demo (not covered, household unused)."""
        pool = [
            p
            for p in self.people.values()
            if p.pk not in self.covered
            and p.household_id not in self.busy
            and (not adult or p.age(self.today) >= 18)
        ]
        return self.rng.sample(pool, min(n, len(pool)))

    def id_number(self, p: CountyPerson) -> str:
        return decrypt(p.cipher)

    def row(self, p: CountyPerson, **extra) -> dict:
        return {"name": p.name, "id_number": self.id_number(p), **extra}

    def household_of(self, p: CountyPerson) -> CountyHousehold:
        return self.households[p.household_id]

    def stranger(
        self, *, born_from: int, born_to: int, region: str = LOCAL_REGION, sex: str | None = None
    ) -> Stranger:
        """Someone who is not in the county's registry."""
        sex = sex or self.rng.choice("MF")
        for _ in range(200):
            born = date(
                self.rng.randint(born_from, born_to),
                self.rng.randint(1, 12),
                self.rng.randint(1, 28),
            )
            number = make_resident_id(
                region_code=region, birth_date=born, sequence=self.rng.randrange(100), sex=sex
            )
            digest = id_lookup_hash(number)
            if digest not in self.taken_ids:
                self.taken_ids.add(digest)
                return self.names.person_name(sex), number, born, sex
        raise RuntimeError("演示：无法生成不重复的身份证号码")

    def free_id(self, born: date, sex: str, region: str = LOCAL_REGION) -> str:
        """A resident ID for this birth day and sex that nobody in the registry has."""
        for seq in self.rng.sample(range(100), 100):
            number = make_resident_id(region_code=region, birth_date=born, sequence=seq, sex=sex)
            if id_lookup_hash(number) not in self.taken_ids:
                self.taken_ids.add(id_lookup_hash(number))
                return number
        raise RuntimeError("演示：无法生成不重复的身份证号码")
