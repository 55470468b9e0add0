"""What the demo planner produces and the writer stores: one household's plan (pure: no Django).

Codes are the plain strings of ``jiuzhu.demo.codes``; money is ``Decimal`` with two places.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from jiuzhu.demo.codes import HealthStatus, LabourCapacity


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
