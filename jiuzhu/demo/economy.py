"""Incomes for the last 12 months and assets of one planned demo household (pure: no Django).

A household-wide level (lognormal) scales every earning and asset, so the spread is skewed;
about one household in twenty has a hardship (illness, job loss, disaster) that cuts earnings,
which — with the elderly living on the basic pension — gives 10–15% poor enough for dibao.
Amounts are drawn as floats and stored as ``Decimal`` cents (``money``), never as floats.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from jiuzhu.demo.codes import (
    AssetKind,
    DisabilityType,
    HealthStatus,
    HukouType,
    IncomeCategory,
    LabourCapacity,
    Relation,
)
from jiuzhu.demo.draws import age_in_years
from jiuzhu.demo.records import AssetPlan, HouseholdPlan, IncomePlan, PersonPlan, VillageInfo

HARDSHIP_SHARE = 0.05  # illness, job loss or disaster: earnings cut to 5–35%
PLATE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
SHOPS = ("个体工商户（餐饮）", "个体工商户（零售）", "个体工商户（民宿）", "农民专业合作社")


def money(yuan: float) -> Decimal:
    """Round a drawn amount to cents and build the Decimal from an int (never from a float)."""
    return Decimal(max(0, int(round(yuan * 100)))).scaleb(-2)


def _income(member: int | None, category: str, yuan: float, source: str) -> IncomePlan:
    return IncomePlan(member, category, money(yuan), source)


class Economy:
    """Draws one household's incomes, then its assets, from the planner's ``random.Random``."""

    def __init__(
        self, rng: random.Random, today: date, plan: HouseholdPlan, village: VillageInfo
    ) -> None:
        self.rng, self.today, self.plan, self.village = rng, today, plan, village
        self.urban = village.is_urban
        self.level = rng.lognormvariate(0, 0.4)
        if rng.random() < HARDSHIP_SHARE:
            self.level *= rng.uniform(0.05, 0.35)
        t = today.toordinal()
        self.ages = [age_in_years(t, m.birth_date.toordinal()) for m in plan.members]

    def _logn(self, median: float, sigma: float) -> float:
        return median * self.level * self.rng.lognormvariate(0, sigma)

    # --- incomes -------------------------------------------------------------------------

    def incomes(self) -> list[IncomePlan]:
        out: list[IncomePlan] = []
        for i, (m, age) in enumerate(zip(self.plan.members, self.ages, strict=True)):
            out += self._person_incomes(i, m, age)
        out += self._household_incomes()
        return out

    def _person_incomes(self, i: int, m: PersonPlan, age: int) -> list[IncomePlan]:
        """A student's grant, a working-age member's wages, or an old member's pension."""
        rng = self.rng
        student = 16 <= age <= 22 and m.relation != Relation.SELF and rng.random() < 0.6
        if student and rng.random() < 0.08:
            grant = rng.choice((1000, 2000, 2500, 3000, 4000))
            return [_income(i, IncomeCategory.SCHOLARSHIP, grant, "国家助学金")]
        if 16 <= age < 60 and not student and m.labour_capacity != LabourCapacity.NONE:
            return self._wages(i, m)
        if age >= 60:
            return self._pension(i, m)
        return []

    def _wages(self, i: int, m: PersonPlan) -> list[IncomePlan]:
        rng = self.rng
        partial = m.labour_capacity == LabourCapacity.PARTIAL
        if rng.random() >= (0.5 if partial else 0.92):
            return []
        migrant = not self.urban and rng.random() < 0.55
        median = 40000 if self.urban else 40000 if migrant else 24000
        amount = self._logn(median * (0.35 if partial else 1), 0.4)
        source = "单位工资" if self.urban else "外出务工" if migrant else "本地务工"
        return [_income(i, IncomeCategory.WAGES, amount, source)]

    def _pension(self, i: int, m: PersonPlan) -> list[IncomePlan]:
        rng = self.rng
        if m.hukou_type == HukouType.URBAN and rng.random() < 0.4:  # retired employee: counted
            monthly = rng.randint(2200, 4800)
            return [_income(i, IncomeCategory.TRANSFER, monthly * 12, "城镇职工基本养老金")]
        if rng.random() < 0.92:
            monthly = rng.randint(150, 250)
            return [_income(i, IncomeCategory.BASIC_PENSION, monthly * 12, "城乡居民基本养老保险")]
        return []

    def _household_incomes(self) -> list[IncomePlan]:
        drawn = [
            self._farm_or_shop(),
            self._family_support(),
            self._rent(),
            self._special_care(),
            self._family_planning(),
        ]
        return [f for f in drawn if f is not None] + self._medical_costs()

    def _farm_or_shop(self) -> IncomePlan | None:
        """Net earnings of the household's farm (rural) or small shop (urban)."""
        rng = self.rng
        able = any(
            16 <= a < 70 and m.labour_capacity != LabourCapacity.NONE
            for m, a in zip(self.plan.members, self.ages, strict=True)
        )
        if able and not self.urban and rng.random() < 0.55:
            amount = self._logn(7000, 0.6)
            trade = rng.choice(("种植业", "养殖业", "种养结合", "乡村旅游"))
            return _income(None, IncomeCategory.BUSINESS, amount, trade)
        if able and self.urban and rng.random() < 0.1:
            return _income(None, IncomeCategory.BUSINESS, self._logn(30000, 0.7), "个体经营")
        return None

    def _family_support(self) -> IncomePlan | None:
        """Old people supported by children living elsewhere; left-behind children's remittances."""
        rng = self.rng
        if min(self.ages) >= 55 and rng.random() < 0.9:
            support = 9000 * len(self.ages) * rng.lognormvariate(0, 0.45)
            return _income(None, IncomeCategory.TRANSFER, support, "子女赡养费")
        relations = {m.relation for m in self.plan.members}
        if (
            Relation.GRANDCHILD in relations
            and Relation.SON not in relations
            and rng.random() < 0.85
        ):
            return _income(
                None, IncomeCategory.TRANSFER, self._logn(14000, 0.5), "子女外出务工汇款"
            )
        return None

    def _rent(self) -> IncomePlan | None:
        if self.rng.random() < 0.03:
            return _income(
                None, IncomeCategory.PROPERTY, self.rng.randint(30, 240) * 100, "房屋出租"
            )
        return None

    def _special_care(self) -> IncomePlan | None:
        if self.rng.random() < 0.012:
            amount = self.rng.randint(400, 1500) * 10
            return _income(0, IncomeCategory.SPECIAL_CARE, amount, "优抚对象抚恤补助")
        return None

    def _family_planning(self) -> IncomePlan | None:
        if max(self.ages) >= 60 and self.rng.random() < 0.04:
            return _income(None, IncomeCategory.FAMILY_PLANNING, 960, "计划生育奖励扶助")
        return None

    def _medical_costs(self) -> list[IncomePlan]:
        """Out-of-pocket costs of a serious illness: a deduction (刚性支出), one per patient."""
        return [
            _income(
                i, IncomeCategory.RIGID_SPENDING, self.rng.randint(80, 600) * 100, "自付医疗费用"
            )
            for i, m in enumerate(self.plan.members)
            if m.health_status == HealthStatus.SERIOUS
        ]

    # --- assets --------------------------------------------------------------------------

    def assets(self) -> list[AssetPlan]:
        drawn = [
            self._deposit(),
            self._home(),
            self._second_home(),
            self._vehicle(),
            *self._disability_vehicles(),
            self._business(),
            self._farm_machine(),
            self._insurance(),
            self._securities(),
        ]
        return [a for a in drawn if a is not None]

    def _asset(
        self, member, kind, description, value, *, identifier="", disability=False
    ) -> AssetPlan:
        recorded = self.today - timedelta(days=self.rng.randrange(365))
        return AssetPlan(member, kind, description, money(value), identifier, disability, recorded)

    def _deposit(self) -> AssetPlan | None:
        if self.rng.random() < (0.85 if self.level > 0.4 else 0.5):
            return self._asset(None, AssetKind.DEPOSIT, "活期及定期存款", self._logn(18000, 1.2))
        return None

    def _home(self) -> AssetPlan | None:
        rng = self.rng
        if rng.random() >= 0.9:
            return None
        if self.village.is_community:
            size = rng.randint(55, 140)
            value = size * rng.randint(2800, 4800)
            return self._asset(0, AssetKind.REAL_ESTATE, f"商品房{size}平方米", value)
        size = rng.randint(60, 220)
        value = size * rng.randint(500, 1200)
        return self._asset(0, AssetKind.REAL_ESTATE, f"自建房（砖混结构）{size}平方米", value)

    def _second_home(self) -> AssetPlan | None:
        if self.urban and self.rng.random() < 0.05:
            value = self.rng.randint(20, 60) * 10000
            return self._asset(0, AssetKind.REAL_ESTATE, "商品房（第二套）", value)
        return None

    def _vehicle(self) -> AssetPlan | None:
        """A car, more likely the better off the household; else, in villages, a motorbike."""
        rng = self.rng
        if rng.random() < min(0.6, 0.15 * self.level):
            value = self._logn(70000, 0.5)
            return self._asset(
                0, AssetKind.VEHICLE, "小型普通客车", value, identifier=self._plate()
            )
        if not self.urban and rng.random() < 0.12:
            value = rng.randint(25, 90) * 100
            return self._asset(
                0, AssetKind.VEHICLE, "普通二轮摩托车", value, identifier=self._plate()
            )
        return None

    def _disability_vehicles(self) -> list[AssetPlan]:
        out = []
        for i, m in enumerate(self.plan.members):
            if m.disability_type == DisabilityType.PHYSICAL and self.rng.random() < 0.2:
                value = self.rng.randint(30, 90) * 100
                out.append(
                    self._asset(
                        i,
                        AssetKind.VEHICLE,
                        "残疾人机动轮椅车",
                        value,
                        identifier=self._plate(),
                        disability=True,
                    )
                )
        return out

    def _business(self) -> AssetPlan | None:
        if self.rng.random() < 0.04:
            description = self.rng.choice(SHOPS)
            value = self._logn(80000, 0.8)
            licence = "92433123MA" + self._alnum(8)
            return self._asset(0, AssetKind.BUSINESS, description, value, identifier=licence)
        return None

    def _farm_machine(self) -> AssetPlan | None:
        if not self.urban and self.rng.random() < 0.015:
            description = self.rng.choice(("轮式拖拉机", "联合收割机", "大型旋耕机"))
            value = self.rng.randint(30, 180) * 1000
            return self._asset(0, AssetKind.FARM_MACHINERY, description, value)
        return None

    def _insurance(self) -> AssetPlan | None:
        if self.rng.random() < 0.03:
            value = self._logn(20000, 0.8)
            return self._asset(0, AssetKind.INSURANCE, "商业人寿保险（现金价值）", value)
        return None

    def _securities(self) -> AssetPlan | None:
        if self.rng.random() < 0.015:
            return self._asset(0, AssetKind.SECURITIES, "股票及基金", self._logn(40000, 1.0))
        return None

    def _alnum(self, n: int) -> str:
        return "".join(self.rng.choices(PLATE_CHARS, k=n))

    def _plate(self) -> str:
        return "湘U" + self._alnum(5)
