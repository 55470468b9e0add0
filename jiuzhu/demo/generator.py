"""Seeded demo county: ~2.5 people per household, incomes and assets, for 凤凰县 (433123).

Two layers. The planner (``DemoPlanner``, ``plan_households``) is pure: from a seed, a list of
villages and a reference day it yields ``HouseholdPlan`` values (names, valid and unique resident
IDs, relations consistent with ages, incomes, assets) without touching the database. The writer
(``generate_demo``) turns plans into rows chunk by chunk, each chunk in its own transaction,
using the registry builders so ciphertext, lookup hashes, masks and pinyin are filled as for any
other household. Memory stays flat: only one chunk of plans and rows is alive at a time.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import islice
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from jiuzhu.core import audit
from jiuzhu.core.idnumber import make_resident_id
from jiuzhu.demo.names import NameGenerator
from jiuzhu.registry.builders import build_household, build_person, household_number
from jiuzhu.registry.choices import (
    AssetKind,
    DisabilityType,
    HealthStatus,
    HukouType,
    IncomeCategory,
    LabourCapacity,
    Relation,
)
from jiuzhu.registry.models import AssetFact, Household, IncomeFact, Person, Source
from jiuzhu.registry.sensitive import protect_id_number

COUNTY_CODE = "433123000000"
REGION_CSV = Path(__file__).resolve().parents[1] / "regions" / "data" / "433123_fenghuang.csv"
CHUNK = 5_000
MAX_SERIAL = 99_999
YEAR = 365.2425

# Region codes (first 6 ID digits): the county, neighbouring counties of 湘西州, other provinces.
LOCAL_CODE = "433123"
NEIGHBOUR_CODES = ("433101", "433122", "433124", "433125", "433126", "433127", "433130")
FAR_CODES = ("522229", "522222", "500241", "431202", "430102", "440305", "441900", "330102")
ALL_CODES = (LOCAL_CODE, *NEIGHBOUR_CODES, *FAR_CODES)
# (local, neighbour, far) shares: married-in spouses come from further away than heads.
ORIGIN_MIX = {"head": (0.88, 0.08, 0.04), "spouse": (0.74, 0.16, 0.10), "child": (0.95, 0.04, 0.01)}

BANKS = (
    ("凤凰县农村商业银行", "6230", 45),
    ("中国农业银行凤凰县支行", "6228", 30),
    ("中国邮政储蓄银行凤凰县支行", "6217", 25),
)
MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "173",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "199",
)
ROADS = (
    "建设路",
    "人民路",
    "解放路",
    "沱江路",
    "凤凰路",
    "南华路",
    "虹桥路",
    "文化路",
    "迎宾路",
    "团结路",
    "胜利路",
    "新华路",
    "滨江路",
    "回龙阁路",
)
CHRONIC_NOTES = (
    "高血压",
    "2型糖尿病",
    "慢性阻塞性肺疾病",
    "类风湿关节炎",
    "冠心病",
    "慢性肾炎",
    "慢性乙型肝炎",
    "腰椎间盘突出症",
)
SERIOUS_NOTES = (
    "恶性肿瘤（术后放化疗）",
    "尿毒症（规律透析）",
    "白血病",
    "脑卒中后遗症",
    "耐多药肺结核",
    "重度再生障碍性贫血",
)
DISABILITY_TYPES = (
    (DisabilityType.PHYSICAL, 36),
    (DisabilityType.HEARING, 18),
    (DisabilityType.VISUAL, 13),
    (DisabilityType.INTELLECTUAL, 9),
    (DisabilityType.MENTAL, 10),
    (DisabilityType.MULTIPLE, 10),
    (DisabilityType.SPEECH, 4),
)
DISABILITY_GRADES = ((1, 11), (2, 18), (3, 30), (4, 41))  # more grade 3–4, as in the population
HARDSHIP_SHARE = 0.05  # illness, job loss or disaster: earnings cut to 5–35%
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
PLATE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


@dataclass(frozen=True)
class DemoSummary:
    households: int
    persons: int
    incomes: int
    assets: int
    seconds: float


@dataclass(frozen=True, slots=True)
class VillageInfo:
    code: str
    name: str
    township_name: str
    is_urban: bool

    @property
    def is_community(self) -> bool:
        return self.name.endswith("社区")


@dataclass(slots=True)
class PersonPlan:
    name: str
    sex: str
    birth_date: date
    id_number: str
    relation: str
    hukou_type: str
    ethnicity: str
    labour_capacity: str = LabourCapacity.FULL
    disability_type: str = ""
    disability_grade: int | None = None
    health_status: str = HealthStatus.HEALTHY
    health_note: str = ""


@dataclass(frozen=True, slots=True)
class IncomePlan:
    member: int | None  # index into HouseholdPlan.members, None for the household as a whole
    category: str
    amount: Decimal
    source: str


@dataclass(frozen=True, slots=True)
class AssetPlan:
    member: int | None
    kind: str
    description: str
    value: Decimal
    identifier: str = ""
    is_disability_vehicle: bool = False
    recorded_on: date | None = None


@dataclass(slots=True)
class HouseholdPlan:
    village_code: str
    address: str
    area_type: str
    phone: str
    bank_name: str
    bank_account: str
    members: list[PersonPlan] = field(default_factory=list)
    incomes: list[IncomePlan] = field(default_factory=list)
    assets: list[AssetPlan] = field(default_factory=list)


@dataclass(slots=True)
class _Draft:
    """A member before names and IDs: who they are to the head, sex, birth day, surname."""

    relation: str
    sex: str
    born: int  # date ordinal
    surname: str | None
    origin: str = "child"


def _money(yuan: float) -> Decimal:
    """Round a drawn amount to cents and build the Decimal from an int (never from a float)."""
    return Decimal(max(0, int(round(yuan * 100)))).scaleb(-2)


def _cum(pairs: Sequence[tuple[object, float]]) -> tuple[tuple, list[float]]:
    total, cum = 0.0, []
    for _, weight in pairs:
        total += weight
        cum.append(total)
    return tuple(item for item, _ in pairs), cum


class IdAllocator:
    """Hands out resident IDs that never repeat within one generator.

    ``make_resident_id`` gives 100 numbers per (region, birth day, sex): a byte counter per such
    slot (a flat bytearray, ~2 MB) takes the next unused one. A full slot moves to another region
    code, so the birth day — and with it every age relation — stays as planned.
    """

    def __init__(self, today: date) -> None:
        self._first = date(1900, 1, 1).toordinal()
        self._span = today.toordinal() - self._first + 1
        self._index = {code: i for i, code in enumerate(ALL_CODES)}
        self._counts = bytearray(len(ALL_CODES) * self._span * 2)

    def take(self, region_code: str, born: date, sex: str) -> str:
        start = self._index[region_code]
        day = born.toordinal() - self._first
        for step in range(len(ALL_CODES)):
            ri = (start + step) % len(ALL_CODES)
            slot = (ri * self._span + day) * 2 + (sex == "M")
            used = self._counts[slot]
            if used < 100:
                self._counts[slot] = used + 1
                sequence = (used * 37 + slot * 11) % 100  # a bijection of `used` within the slot
                return make_resident_id(
                    region_code=ALL_CODES[ri], birth_date=born, sequence=sequence, sex=sex
                )
        raise RuntimeError(f"no resident ID left for {born} {sex}")


class DemoPlanner:
    """Draws households from one ``random.Random(seed)``; the same inputs give the same plans."""

    def __init__(self, *, villages: Sequence[VillageInfo], seed: int, today: date) -> None:
        if not villages:
            raise ValueError("no villages to place households in")
        self.rng = random.Random(seed)
        self.names = NameGenerator(self.rng)
        self.today = today
        self.ids = IdAllocator(today)
        self._t = today.toordinal()
        weights = [(v, 5 if v.is_community else 2 if v.is_urban else 1) for v in villages]
        self._villages = _cum(weights)
        self._shapes = _cum(SHAPES)
        self._disability_types = _cum(DISABILITY_TYPES)
        self._disability_grades = _cum(DISABILITY_GRADES)
        self._banks = _cum([(b, b[2]) for b in BANKS])

    # --- small draws ---------------------------------------------------------------------

    def _pick(self, table):
        items, cum = table
        return self.rng.choices(items, cum_weights=cum)[0]

    def _chance(self, p: float) -> bool:
        return self.rng.random() < p

    def _born_at_age(self, lo: float, hi: float, mode: float | None = None) -> int:
        age = self.rng.triangular(lo, hi, mode) if mode is not None else self.rng.uniform(lo, hi)
        return self._t - int(min(age, 99.5) * YEAR)

    def _born_between(self, first: int, last: int) -> int | None:
        """A birth ordinal in [first, last] (clipped to today), or None if the range is empty."""
        last = min(last, self._t)
        return self.rng.randint(first, last) if first <= last else None

    def _years(self, n: float) -> int:
        return int(n * YEAR)

    def _age(self, born: int) -> int:
        return int((self._t - born) / YEAR)

    # --- household shapes ----------------------------------------------------------------

    def _head(self, sex_male_share: float, lo: float, hi: float, mode=None) -> _Draft:
        sex = "M" if self._chance(sex_male_share) else "F"
        return _Draft(Relation.SELF, sex, self._born_at_age(lo, hi, mode), None, "head")

    def _spouse(self, head: _Draft) -> _Draft:
        # Husbands are usually a few years older than their wives; never more than 15 apart.
        older = self.rng.randint(-2 * 365, 6 * 365)
        born = head.born + older if head.sex == "M" else head.born - older
        born = min(born, self._t - self._years(19))
        return _Draft(Relation.SPOUSE, "F" if head.sex == "M" else "M", born, None, "spouse")

    def _children(
        self,
        head: _Draft,
        spouse: _Draft | None,
        n: int,
        surname: str | None,
        *,
        oldest: float = 30,
        youngest: float = 0,
        relation: str | None = None,
        gap=(20, 40),
    ) -> list[_Draft]:
        """Up to n children 20–40 years younger than the head (and the spouse, if any)."""
        first, last = head.born + self._years(gap[0]), head.born + self._years(gap[1])
        if spouse is not None:
            first = max(first, spouse.born + self._years(19))
            last = min(last, spouse.born + self._years(42))
        first = max(first, self._t - self._years(oldest))
        last = min(last, self._t - self._years(youngest))
        kids = []
        for _ in range(n):
            born = self._born_between(first, last)
            if born is None:
                break
            sex = "M" if self._chance(0.52) else "F"
            rel = relation or (Relation.SON if sex == "M" else Relation.DAUGHTER)
            kids.append(_Draft(rel, sex, born, surname))
        return kids

    def _parents_of(
        self, child: _Draft, relation: str, surname: str | None, n: int
    ) -> list[_Draft]:
        first = max(child.born - self._years(40), self._t - self._years(96))
        last = child.born - self._years(21)
        out = []
        for sex in ("M", "F") if n == 2 else (self.rng.choice("MF"),):
            born = self._born_between(first, last)
            if born is not None:
                out.append(_Draft(relation, sex, born, surname if sex == "M" else None, "spouse"))
        return out

    def _couple(self, male_share: float, lo, hi, mode=None) -> tuple[_Draft, _Draft, str]:
        head = self._head(male_share, lo, hi, mode)
        head.surname = self.names.surname()
        spouse = self._spouse(head)
        spouse.surname = self.names.surname()
        father = head if head.sex == "M" else spouse
        return head, spouse, father.surname

    def _shape_drafts(self, shape: str) -> list[_Draft]:
        rng = self.rng
        if shape == "elderly_alone":
            return [self._head(0.4, 60, 96, 72)]
        if shape == "single":
            return [self._head(0.68, 19, 60, 40)]
        if shape == "couple":
            young = self._chance(0.3)
            head, spouse, _ = self._couple(0.9, *((22, 45) if young else (48, 90, 66)))
            return [head, spouse]
        if shape == "nuclear":
            head, spouse, surname = self._couple(0.9, 26, 56, 38)
            n = rng.choices((1, 2, 3), (50, 40, 10))[0]
            return [head, spouse, *self._children(head, spouse, n, surname)]
        if shape == "single_parent":
            head = self._head(0.35, 27, 56)
            head.surname = self.names.surname()
            # A mother heading the household: the children mostly carry their father's surname.
            fathers = head.sex == "F" and self._chance(0.6)
            surname = self.names.surname() if fathers else head.surname
            return [head, *self._children(head, None, rng.choice((1, 1, 2)), surname)]
        if shape == "three_generation":
            return self._three_generations()
        if shape == "skip_generation":
            return self._skip_generation()
        return self._siblings()

    def _three_generations(self) -> list[_Draft]:
        rng = self.rng
        if self._chance(0.6):  # working-age couple with children and one or two old parents
            head, spouse, surname = self._couple(0.9, 30, 56, 40)
            kids = self._children(head, spouse, rng.choices((1, 2), (55, 45))[0], surname)
            elder, rel = (
                (head, Relation.PARENT) if self._chance(0.85) else (spouse, Relation.PARENT_IN_LAW)
            )
            parents = self._parents_of(elder, rel, elder.surname, rng.choice((1, 2)))
            return [head, spouse, *kids, *parents]
        head = self._head(0.8, 58, 84, 66)  # an old head, the son's family living with them
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
        wife = _Draft(
            Relation.CHILD_IN_LAW, "F", son.born + rng.randint(-2 * 365, 5 * 365), None, "spouse"
        )
        wife.born = min(wife.born, self._t - self._years(20))
        grandkids = self._children(
            son,
            wife,
            rng.choices((1, 2), (50, 50))[0],
            son.surname,
            oldest=25,
            relation=Relation.GRANDCHILD,
        )
        return [*members, son, wife, *grandkids]

    def _skip_generation(self) -> list[_Draft]:
        """Left-behind grandchildren (留守儿童) living with grandparents."""
        head = self._head(0.5, 55, 82)
        head.surname = self.names.surname()
        members = [head] + ([self._spouse(head)] if self._chance(0.5) else [])
        surname = head.surname if head.sex == "M" else self.names.surname()
        grandkids = self._children(
            head,
            None,
            self.rng.choice((1, 2)),
            surname,
            oldest=16,
            youngest=1,
            relation=Relation.GRANDCHILD,
            gap=(40, 70),
        )
        return members + grandkids

    def _siblings(self) -> list[_Draft]:
        head = self._head(0.6, 24, 72)
        head.surname = self.names.surname()
        born = head.born + self.rng.randint(-8 * 365, 8 * 365)
        born = min(born, self._t - self._years(16))
        return [head, _Draft(Relation.SIBLING, self.rng.choice("MF"), born, head.surname)]

    # --- people --------------------------------------------------------------------------

    def _region_code(self, origin: str) -> str:
        local, neighbour, _ = ORIGIN_MIX[origin]
        roll = self.rng.random()
        if roll < local:
            return LOCAL_CODE
        if roll < local + neighbour:
            return self.rng.choice(NEIGHBOUR_CODES)
        return self.rng.choice(FAR_CODES)

    def _condition(self, p: PersonPlan, age: int) -> None:
        """Disability (~6%), chronic and serious illness, then labour capacity from all three."""
        band = 0 if age < 16 else 1 if age < 60 else 2
        if self._chance((0.015, 0.045, 0.13)[band]):
            p.disability_type = self._pick(self._disability_types)
            p.disability_grade = self._pick(self._disability_grades)
        roll = self.rng.random()
        if roll < (0.003, 0.012, 0.03)[band]:
            p.health_status, p.health_note = HealthStatus.SERIOUS, self.rng.choice(SERIOUS_NOTES)
        elif roll < (0.02, 0.09, 0.36)[band]:
            p.health_status, p.health_note = HealthStatus.CHRONIC, self.rng.choice(CHRONIC_NOTES)
        p.labour_capacity = self._labour(p, age)

    def _labour(self, p: PersonPlan, age: int) -> str:
        if age < 16 or (p.disability_grade or 9) <= 2:
            return LabourCapacity.NONE
        if age >= 60:
            none_share = 0.9 if age >= 70 else 0.55
            return LabourCapacity.NONE if self._chance(none_share) else LabourCapacity.PARTIAL
        if p.health_status == HealthStatus.SERIOUS:
            return LabourCapacity.NONE if self._chance(0.6) else LabourCapacity.PARTIAL
        if p.disability_grade == 3 or (p.disability_grade == 4 and self._chance(0.4)):
            return LabourCapacity.PARTIAL
        if p.health_status == HealthStatus.CHRONIC and self._chance(0.25):
            return LabourCapacity.PARTIAL
        return LabourCapacity.PARTIAL if self._chance(0.02) else LabourCapacity.FULL

    def _person(self, d: _Draft, hukou: str, ethnicity: str) -> PersonPlan:
        born = date.fromordinal(d.born)
        name = self.names.person_name(d.sex, surname=d.surname)
        id_number = self.ids.take(self._region_code(d.origin), born, d.sex)
        if self._chance(0.05):
            hukou = HukouType.RURAL if hukou == HukouType.URBAN else HukouType.URBAN
        p = PersonPlan(
            name=name,
            sex=d.sex,
            birth_date=born,
            id_number=id_number,
            relation=d.relation,
            hukou_type=hukou,
            ethnicity=ethnicity,
        )
        self._condition(p, self._age(d.born))
        return p

    def _members(self, drafts: list[_Draft], hukou: str) -> list[PersonPlan]:
        head_ethnicity = self.names.ethnic_group()
        out = []
        for d in drafts:
            if d.relation in (
                Relation.SELF,
                Relation.SON,
                Relation.DAUGHTER,
                Relation.GRANDCHILD,
                Relation.SIBLING,
                Relation.PARENT,
            ) and self._chance(0.9):
                ethnicity = head_ethnicity
            else:
                ethnicity = self.names.ethnic_group()
            out.append(self._person(d, hukou, ethnicity))
        return out

    # --- place and contact ---------------------------------------------------------------

    def _address(self, v: VillageInfo) -> str:
        rng = self.rng
        if v.is_community:
            flat = f"{rng.randint(1, 12)}栋{rng.randint(1, 4)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}室"
            return f"{v.township_name}{v.name}{rng.choice(ROADS)}{rng.randint(1, 320)}号" + (
                flat if self._chance(0.4) else ""
            )
        return f"{v.township_name}{v.name}{rng.randint(1, 12)}组{rng.randint(1, 90)}号"

    def _phone(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def _bank(self) -> tuple[str, str]:
        name, prefix, _ = self._pick(self._banks)
        body = prefix + f"{self.rng.randrange(10**14):014d}"
        return name, body + _luhn_digit(body)

    # --- one household -------------------------------------------------------------------

    def household(self) -> HouseholdPlan:
        village = self._pick(self._villages)
        area = HukouType.URBAN if village.is_urban else HukouType.RURAL
        urban_hukou_share = 0.85 if village.is_community else 0.45 if village.is_urban else 0.04
        hukou = HukouType.URBAN if self._chance(urban_hukou_share) else HukouType.RURAL
        drafts = self._shape_drafts(self._pick(self._shapes))
        members = self._members(drafts, hukou)
        bank_name, account = self._bank() if self._chance(0.92) else ("", "")
        plan = HouseholdPlan(
            village_code=village.code,
            address=self._address(village),
            area_type=area,
            phone=self._phone() if self._chance(0.9) else "",
            bank_name=bank_name,
            bank_account=account,
            members=members,
        )
        economy = _Economy(self, plan, village)
        plan.incomes = economy.incomes()
        plan.assets = economy.assets()
        return plan

    def households(self, count: int) -> Iterator[HouseholdPlan]:
        for _ in range(count):
            yield self.household()


def _luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        n = int(ch)
        if i % 2 == 0:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return str((10 - total % 10) % 10)


class _Economy:
    """Incomes for the last 12 months and assets of one planned household.

    A household-wide level (lognormal) scales every earning and asset, so the spread is skewed;
    about one household in ten has a hardship (illness, job loss, disaster) that cuts earnings,
    which — with the elderly living on the basic pension — gives 10–15% poor enough for dibao.
    """

    def __init__(self, planner: DemoPlanner, plan: HouseholdPlan, village: VillageInfo) -> None:
        self.p, self.rng, self.plan, self.village = planner, planner.rng, plan, village
        self.urban = village.is_urban
        self.level = self.rng.lognormvariate(0, 0.4)
        if self.rng.random() < HARDSHIP_SHARE:
            self.level *= self.rng.uniform(0.05, 0.35)
        self.ages = [planner._age(m.birth_date.toordinal()) for m in plan.members]

    def _logn(self, median: float, sigma: float) -> float:
        return median * self.level * self.rng.lognormvariate(0, sigma)

    def incomes(self) -> list[IncomePlan]:
        out: list[IncomePlan] = []
        for i, (m, age) in enumerate(zip(self.plan.members, self.ages, strict=True)):
            out += self._person_incomes(i, m, age)
        out += self._household_incomes()
        return out

    def _person_incomes(self, i: int, m: PersonPlan, age: int) -> list[IncomePlan]:
        rng, out = self.rng, []
        student = 16 <= age <= 22 and m.relation != Relation.SELF and rng.random() < 0.6
        if student and rng.random() < 0.08:
            out.append(
                IncomePlan(
                    i,
                    IncomeCategory.SCHOLARSHIP,
                    _money(rng.choice((1000, 2000, 2500, 3000, 4000))),
                    "国家助学金",
                )
            )
        elif 16 <= age < 60 and not student and m.labour_capacity != LabourCapacity.NONE:
            partial = m.labour_capacity == LabourCapacity.PARTIAL
            if rng.random() < (0.5 if partial else 0.92):
                migrant = not self.urban and rng.random() < 0.55
                median = 40000 if self.urban else 40000 if migrant else 24000
                amount = self._logn(median * (0.35 if partial else 1), 0.4)
                source = "单位工资" if self.urban else "外出务工" if migrant else "本地务工"
                out.append(IncomePlan(i, IncomeCategory.WAGES, _money(amount), source))
        elif age >= 60:
            out += self._pension(i, m)
        return out

    def _pension(self, i: int, m: PersonPlan) -> list[IncomePlan]:
        rng = self.rng
        if m.hukou_type == HukouType.URBAN and rng.random() < 0.4:  # retired employee: counted
            monthly = rng.randint(2200, 4800)
            return [
                IncomePlan(i, IncomeCategory.TRANSFER, _money(monthly * 12), "城镇职工基本养老金")
            ]
        if rng.random() < 0.92:
            monthly = rng.randint(150, 250)
            return [
                IncomePlan(
                    i, IncomeCategory.BASIC_PENSION, _money(monthly * 12), "城乡居民基本养老保险"
                )
            ]
        return []

    def _household_incomes(self) -> list[IncomePlan]:
        rng, out = self.rng, []
        able = any(
            16 <= a < 70 and m.labour_capacity != LabourCapacity.NONE
            for m, a in zip(self.plan.members, self.ages, strict=True)
        )
        if able and not self.urban and rng.random() < 0.55:
            out.append(
                IncomePlan(
                    None,
                    IncomeCategory.BUSINESS,
                    _money(self._logn(7000, 0.6)),
                    rng.choice(("种植业", "养殖业", "种养结合", "乡村旅游")),
                )
            )
        elif able and self.urban and rng.random() < 0.1:
            out.append(
                IncomePlan(
                    None, IncomeCategory.BUSINESS, _money(self._logn(30000, 0.7)), "个体经营"
                )
            )
        if min(self.ages) >= 55 and rng.random() < 0.9:  # children living elsewhere support them
            support = 9000 * len(self.ages) * rng.lognormvariate(0, 0.45)
            out.append(IncomePlan(None, IncomeCategory.TRANSFER, _money(support), "子女赡养费"))
        elif (
            any(m.relation == Relation.GRANDCHILD for m in self.plan.members)
            and not any(m.relation == Relation.SON for m in self.plan.members)
            and rng.random() < 0.85
        ):
            out.append(
                IncomePlan(
                    None,
                    IncomeCategory.TRANSFER,
                    _money(self._logn(14000, 0.5)),
                    "子女外出务工汇款",
                )
            )
        if rng.random() < 0.03:
            out.append(
                IncomePlan(
                    None, IncomeCategory.PROPERTY, _money(rng.randint(30, 240) * 100), "房屋出租"
                )
            )
        if rng.random() < 0.012:
            out.append(
                IncomePlan(
                    0,
                    IncomeCategory.SPECIAL_CARE,
                    _money(rng.randint(400, 1500) * 10),
                    "优抚对象抚恤补助",
                )
            )
        if max(self.ages) >= 60 and rng.random() < 0.04:
            out.append(
                IncomePlan(None, IncomeCategory.FAMILY_PLANNING, _money(960), "计划生育奖励扶助")
            )
        for i, m in enumerate(self.plan.members):
            if m.health_status == HealthStatus.SERIOUS:
                out.append(
                    IncomePlan(
                        i,
                        IncomeCategory.RIGID_SPENDING,
                        _money(rng.randint(80, 600) * 100),
                        "自付医疗费用",
                    )
                )
        return out

    def assets(self) -> list[AssetPlan]:
        rng = self.rng
        out: list[AssetPlan] = []
        if rng.random() < (0.85 if self.level > 0.4 else 0.5):
            out.append(
                self._asset(None, AssetKind.DEPOSIT, "活期及定期存款", self._logn(18000, 1.2))
            )
        if rng.random() < 0.9:
            out.append(self._home())
        if self.urban and rng.random() < 0.05:
            out.append(
                self._asset(
                    0, AssetKind.REAL_ESTATE, "商品房（第二套）", rng.randint(20, 60) * 10000
                )
            )
        if rng.random() < min(0.6, 0.15 * self.level):
            out.append(
                self._asset(
                    0,
                    AssetKind.VEHICLE,
                    "小型普通客车",
                    self._logn(70000, 0.5),
                    identifier=self._plate(),
                )
            )
        elif not self.urban and rng.random() < 0.12:
            out.append(
                self._asset(
                    0,
                    AssetKind.VEHICLE,
                    "普通二轮摩托车",
                    rng.randint(25, 90) * 100,
                    identifier=self._plate(),
                )
            )
        out += self._disability_vehicles()
        if rng.random() < 0.04:
            out.append(
                self._asset(
                    0,
                    AssetKind.BUSINESS,
                    rng.choice(
                        (
                            "个体工商户（餐饮）",
                            "个体工商户（零售）",
                            "个体工商户（民宿）",
                            "农民专业合作社",
                        )
                    ),
                    self._logn(80000, 0.8),
                    identifier="92433123MA" + self._alnum(8),
                )
            )
        if not self.urban and rng.random() < 0.015:
            out.append(
                self._asset(
                    0,
                    AssetKind.FARM_MACHINERY,
                    rng.choice(("轮式拖拉机", "联合收割机", "大型旋耕机")),
                    rng.randint(30, 180) * 1000,
                )
            )
        if rng.random() < 0.03:
            out.append(
                self._asset(
                    0, AssetKind.INSURANCE, "商业人寿保险（现金价值）", self._logn(20000, 0.8)
                )
            )
        if rng.random() < 0.015:
            out.append(self._asset(0, AssetKind.SECURITIES, "股票及基金", self._logn(40000, 1.0)))
        return out

    def _asset(
        self, member, kind, description, value, *, identifier="", disability=False
    ) -> AssetPlan:
        recorded = self.p.today - timedelta(days=self.rng.randrange(365))
        return AssetPlan(member, kind, description, _money(value), identifier, disability, recorded)

    def _home(self) -> AssetPlan:
        rng = self.rng
        if self.village.is_community:
            size = rng.randint(55, 140)
            return self._asset(
                0, AssetKind.REAL_ESTATE, f"商品房{size}平方米", size * rng.randint(2800, 4800)
            )
        size = rng.randint(60, 220)
        return self._asset(
            0,
            AssetKind.REAL_ESTATE,
            f"自建房（砖混结构）{size}平方米",
            size * rng.randint(500, 1200),
        )

    def _disability_vehicles(self) -> list[AssetPlan]:
        out = []
        for i, m in enumerate(self.plan.members):
            if m.disability_type == DisabilityType.PHYSICAL and self.rng.random() < 0.2:
                out.append(
                    self._asset(
                        i,
                        AssetKind.VEHICLE,
                        "残疾人机动轮椅车",
                        self.rng.randint(30, 90) * 100,
                        identifier=self._plate(),
                        disability=True,
                    )
                )
        return out

    def _alnum(self, n: int) -> str:
        return "".join(self.rng.choices(PLATE_CHARS, k=n))

    def _plate(self) -> str:
        return "湘U" + self._alnum(5)


def plan_households(
    *, villages: Sequence[VillageInfo], count: int, seed: int, today: date | None = None
) -> Iterator[HouseholdPlan]:
    """The households ``generate_demo`` would write for this seed, without the database."""
    planner = DemoPlanner(villages=villages, seed=seed, today=today or date.today())
    return planner.households(count)


# --- writing ------------------------------------------------------------------------------


def ensure_demo_county():
    from jiuzhu.regions.models import Region
    from jiuzhu.regions.services import regions_import_csv

    if not Region.objects.filter(code=COUNTY_CODE).exists():
        regions_import_csv(path=REGION_CSV)
    return Region.objects.get(code=COUNTY_CODE)


def demo_villages() -> list:
    """The county's villages and communities (Region rows with their township), by code."""
    from jiuzhu.regions.models import Region

    county = ensure_demo_county()
    return list(
        Region.objects.filter(level=Region.Level.VILLAGE, parent__parent=county)
        .select_related("parent")
        .order_by("code")
    )


def _village_infos(regions) -> list[VillageInfo]:
    return [VillageInfo(r.code, r.name, r.parent.name, r.is_urban) for r in regions]


def _next_serials(regions) -> dict[str, int]:
    """Last household serial used in each village, so new numbers continue after it."""
    by_id = {r.pk: r.code for r in regions}
    last = {code: 0 for code in by_id.values()}
    rows = (
        Household.objects.filter(village_id__in=by_id)
        .values("village_id")
        .annotate(top=Max("number"))
        .values_list("village_id", "top")
    )
    for village_id, top in rows:
        code = by_id[village_id]
        if top and top.startswith(code) and top[len(code) :].isdigit():
            last[code] = int(top[len(code) :])
    return last


INCOME_COLUMNS = (
    "household_id",
    "person_id",
    "category",
    "amount",
    "period_start",
    "period_end",
    "source",
    "note",
)
ASSET_COLUMNS = (
    "household_id",
    "person_id",
    "kind",
    "description",
    "identifier",
    "quantity",
    "value",
    "is_disability_vehicle",
    "recorded_on",
    "source",
)


class _Writer:
    """Writes one chunk of plans per transaction: ORM bulk_create, or COPY on PostgreSQL."""

    def __init__(self, planner: DemoPlanner, regions) -> None:
        self.planner = planner
        self.village = {r.code: r for r in regions}
        self.serial = _next_serials(regions)
        self.check_existing = Person.objects.exists()
        self.use_copy = connection.vendor == "postgresql"
        self.counts = [0, 0, 0, 0]

    def write(self, plans: list[HouseholdPlan]) -> None:
        with transaction.atomic():
            if self.use_copy:
                n = self._write_copy(plans)
            else:
                n = self._write_orm(plans)
        self.counts = [a + b for a, b in zip(self.counts, n, strict=True)]

    def _write_orm(self, plans: list[HouseholdPlan]) -> tuple[int, int, int, int]:
        households = [self._household(p) for p in plans]
        Household.objects.bulk_create(households, batch_size=CHUNK)
        people = self._people(households, plans)
        flat = [person for group in people for person in group]
        Person.objects.bulk_create(flat, batch_size=CHUNK)  # PKs come back (PostgreSQL, SQLite)
        incomes, assets = self._fact_rows(households, plans, people)
        IncomeFact.objects.bulk_create(
            [IncomeFact(**dict(zip(INCOME_COLUMNS, r, strict=True))) for r in incomes],
            batch_size=CHUNK,
        )
        AssetFact.objects.bulk_create(
            [AssetFact(**dict(zip(ASSET_COLUMNS, r, strict=True))) for r in assets],
            batch_size=CHUNK,
        )
        return len(households), len(flat), len(incomes), len(assets)

    def _write_copy(self, plans: list[HouseholdPlan]) -> tuple[int, int, int, int]:
        """PostgreSQL: primary keys drawn from the sequences up front, rows streamed by COPY."""
        now = timezone.now()
        with connection.cursor() as wrapper:
            cur = wrapper.cursor
            households = [self._household(p) for p in plans]
            for h, pk in zip(
                households, _reserve_ids(cur, Household, len(households)), strict=True
            ):
                h.pk, h.created_at, h.updated_at = pk, now, now
            people = self._people(households, plans)
            flat = [person for group in people for person in group]
            for person, pk in zip(flat, _reserve_ids(cur, Person, len(flat)), strict=True):
                person.pk = pk
            incomes, assets = self._fact_rows(households, plans, people)
            _copy_models(cur, Household, households)
            _copy_models(cur, Person, flat)
            _copy_rows(cur, IncomeFact._meta.db_table, INCOME_COLUMNS, incomes)
            _copy_rows(cur, AssetFact._meta.db_table, ASSET_COLUMNS, assets)
        return len(households), len(flat), len(incomes), len(assets)

    def _household(self, p: HouseholdPlan) -> Household:
        serial = self.serial[p.village_code] + 1
        if serial > MAX_SERIAL:
            raise ValueError(f"村（社区）{p.village_code}的家庭编号已用完")
        self.serial[p.village_code] = serial
        return build_household(
            number=household_number(p.village_code, serial),
            village=self.village[p.village_code],
            address=p.address,
            area_type=p.area_type,
            head_name=p.members[0].name,
            phone=p.phone,
            bank_name=p.bank_name,
            bank_account=p.bank_account,
            source=Source.DEMO,
        )

    def _people(self, households: list[Household], plans: list[HouseholdPlan]) -> list[list]:
        people = [
            [_person(h, m) for m in p.members] for h, p in zip(households, plans, strict=True)
        ]
        if self.check_existing:
            self._avoid_existing_ids(
                [x for g in people for x in g], [m for p in plans for m in p.members]
            )
        return people

    def _avoid_existing_ids(self, flat: list[Person], planned: list[PersonPlan]) -> None:
        """On a database that already holds people, re-draw any ID that is taken there."""
        pending = list(range(len(flat)))
        while pending:
            hashes = {flat[i].id_hash: i for i in pending}
            keys, taken = list(hashes), set()
            for start in range(0, len(keys), 900):
                taken.update(
                    Person.objects.filter(id_hash__in=keys[start : start + 900]).values_list(
                        "id_hash", flat=True
                    )
                )
            pending = [hashes[h] for h in taken]
            for i in pending:
                m = planned[i]
                m.id_number = self.planner.ids.take(m.id_number[:6], m.birth_date, m.sex)
                protected = protect_id_number(m.id_number)
                flat[i].id_cipher, flat[i].id_hash = protected.cipher, protected.hash
                flat[i].id_masked = protected.masked

    def _fact_rows(self, households, plans, people) -> tuple[list[tuple], list[tuple]]:
        """Income and asset rows as tuples in INCOME_COLUMNS / ASSET_COLUMNS order."""
        start, end = self.planner.today - timedelta(days=365), self.planner.today
        incomes, assets = [], []
        for h, p, group in zip(households, plans, people, strict=True):
            for f in p.incomes:
                person_id = group[f.member].pk if f.member is not None else None
                incomes.append(
                    (h.pk, person_id, f.category.value, f.amount, start, end, f.source, "")
                )
            for a in p.assets:
                person_id = group[a.member].pk if a.member is not None else None
                assets.append(
                    (
                        h.pk,
                        person_id,
                        a.kind.value,
                        a.description,
                        a.identifier,
                        1,
                        a.value,
                        a.is_disability_vehicle,
                        a.recorded_on or end,
                        "演示数据",
                    )
                )
        return incomes, assets


def _person(h: Household, m: PersonPlan) -> Person:
    return build_person(
        household=h,
        name=m.name,
        id_number=m.id_number,
        birth_date=m.birth_date,
        sex=m.sex,
        relation=m.relation,
        hukou_type=m.hukou_type,
        ethnicity=m.ethnicity,
        labour_capacity=m.labour_capacity,
        disability_type=m.disability_type,
        disability_grade=m.disability_grade,
        health_status=m.health_status,
        health_note=m.health_note,
    )


def _reserve_ids(cur, model, n: int) -> list[int]:
    table = model._meta.db_table
    cur.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n]
    )
    return [row[0] for row in cur.fetchall()]


def _copy_rows(cur, table: str, columns: Sequence[str], rows) -> None:
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _copy_models(cur, model, objs) -> None:
    """COPY model instances whose every field (the primary key too) is already set."""
    fields = model._meta.concrete_fields
    attnames = [f.attname for f in fields]
    _copy_rows(
        cur,
        model._meta.db_table,
        [f.column for f in fields],
        ([getattr(o, a) for a in attnames] for o in objs),
    )


def generate_demo(
    *,
    households: int = 20000,
    seed: int = 20261122,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Write `households` seeded demo households (about 2.5 people each) into the county."""
    began = time.monotonic()
    regions = demo_villages()
    planner = DemoPlanner(villages=_village_infos(regions), seed=seed, today=date.today())
    writer = _Writer(planner, regions)
    stream = planner.households(households)
    done = 0
    while done < households:
        plans = list(islice(stream, CHUNK))
        writer.write(plans)
        done += len(plans)
        if progress is not None:
            progress(done, households)
    h, p, i, a = writer.counts
    summary = DemoSummary(
        households=h, persons=p, incomes=i, assets=a, seconds=round(time.monotonic() - began, 2)
    )
    audit.record(
        action="demo.generate",
        new={"households": h, "persons": p, "incomes": i, "assets": a, "seed": seed},
    )
    return summary
