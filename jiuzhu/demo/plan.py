"""The pure demo planner: seeded households for 凤凰县 (433123), without the database.

From a seed, a list of villages and a reference day, ``plan_households`` yields ``HouseholdPlan``
values — names, valid and unique resident IDs, relations consistent with ages, incomes and
assets — that ``jiuzhu.demo.generator`` writes. The same inputs always give the same plans:
every draw comes, in a fixed order, from one ``random.Random(seed)``. No Django import here.

Household composition is in ``families``, incomes and assets in ``economy``, the plan values
in ``records`` and the stored choice codes in ``codes``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import date

from jiuzhu.core.idnumber import make_resident_id
from jiuzhu.demo.codes import DisabilityType, HealthStatus, HukouType, LabourCapacity, Relation
from jiuzhu.demo.draws import age_in_years, cumulative, pick
from jiuzhu.demo.economy import Economy
from jiuzhu.demo.families import Draft, FamilyDrafter
from jiuzhu.demo.names import NameGenerator
from jiuzhu.demo.records import AssetPlan, HouseholdPlan, IncomePlan, PersonPlan, VillageInfo

__all__ = [
    "AssetPlan",
    "DemoPlanner",
    "HouseholdPlan",
    "IdAllocator",
    "IncomePlan",
    "PersonPlan",
    "VillageInfo",
    "plan_households",
]

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
# fmt: off
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "156", "157", "158", "159", "173", "177", "180", "181", "182", "183", "185",
    "186", "187", "188", "189", "199",
)
ROADS = (
    "建设路", "人民路", "解放路", "沱江路", "凤凰路", "南华路", "虹桥路", "文化路", "迎宾路",
    "团结路", "胜利路", "新华路", "滨江路", "回龙阁路",
)
CHRONIC_NOTES = (
    "高血压", "2型糖尿病", "慢性阻塞性肺疾病", "类风湿关节炎", "冠心病", "慢性肾炎",
    "慢性乙型肝炎", "腰椎间盘突出症",
)
SERIOUS_NOTES = (
    "恶性肿瘤（术后放化疗）", "尿毒症（规律透析）", "白血病", "脑卒中后遗症", "耐多药肺结核",
    "重度再生障碍性贫血",
)
# fmt: on
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
# Members who mostly share the head's ethnic group; in-laws and spouses are drawn on their own.
KIN_BY_BLOOD = (
    Relation.SELF,
    Relation.SON,
    Relation.DAUGHTER,
    Relation.GRANDCHILD,
    Relation.SIBLING,
    Relation.PARENT,
)


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
        self.families = FamilyDrafter(self.rng, self.names, self._t)
        weights = [(v, 5 if v.is_community else 2 if v.is_urban else 1) for v in villages]
        self._villages = cumulative(weights)
        self._disability_types = cumulative(DISABILITY_TYPES)
        self._disability_grades = cumulative(DISABILITY_GRADES)
        self._banks = cumulative([(b, b[2]) for b in BANKS])

    def households(self, count: int) -> Iterator[HouseholdPlan]:
        for _ in range(count):
            yield self.household()

    def household(self) -> HouseholdPlan:
        village = pick(self.rng, self._villages)
        area = HukouType.URBAN if village.is_urban else HukouType.RURAL
        urban_hukou_share = 0.85 if village.is_community else 0.45 if village.is_urban else 0.04
        hukou = HukouType.URBAN if self._chance(urban_hukou_share) else HukouType.RURAL
        members = self._members(self.families.draw(), hukou)
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
        economy = Economy(self.rng, self.today, plan, village)
        plan.incomes = economy.incomes()
        plan.assets = economy.assets()
        return plan

    def _chance(self, p: float) -> bool:
        return self.rng.random() < p

    # --- people --------------------------------------------------------------------------

    def _members(self, drafts: list[Draft], hukou: str) -> list[PersonPlan]:
        head_ethnicity = self.names.ethnic_group()
        out = []
        for d in drafts:
            if d.relation in KIN_BY_BLOOD and self._chance(0.9):
                ethnicity = head_ethnicity
            else:
                ethnicity = self.names.ethnic_group()
            out.append(self._person(d, hukou, ethnicity))
        return out

    def _person(self, d: Draft, hukou: str, ethnicity: str) -> PersonPlan:
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
        self._condition(p, age_in_years(self._t, d.born))
        return p

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
            p.disability_type = pick(self.rng, self._disability_types)
            p.disability_grade = pick(self.rng, self._disability_grades)
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
        name, prefix, _ = pick(self.rng, self._banks)
        body = prefix + f"{self.rng.randrange(10**14):014d}"
        return name, body + _luhn_digit(body)


def _luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        n = int(ch)
        if i % 2 == 0:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return str((10 - total % 10) % 10)


def plan_households(
    *, villages: Sequence[VillageInfo], count: int, seed: int, today: date | None = None
) -> Iterator[HouseholdPlan]:
    """The households ``generate_demo`` would write for this seed, without the database."""
    planner = DemoPlanner(villages=villages, seed=seed, today=today or date.today())
    return planner.households(count)
