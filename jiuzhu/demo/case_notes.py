"""What a demo case's investigator, verifier and township write, from the household's own data
(pure: no Django).

The notes state the household's members, incomes and assets as the registry holds them, so a
case whose calculation finds a car or a second flat does not say "无机动车". A case the
calculation refuses carries the calculation's reasons and the proposal not to confirm; the other
cases propose inclusion.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from jiuzhu.core.money import format_yuan
from jiuzhu.demo.codes import AssetKind, IncomeCategory, LabourCapacity

FINANCIAL = (AssetKind.DEPOSIT, AssetKind.SECURITIES, AssetKind.INSURANCE)
COUNTED_INCOME = (
    IncomeCategory.WAGES,
    IncomeCategory.BUSINESS,
    IncomeCategory.PROPERTY,
    IncomeCategory.TRANSFER,
)
NOT_COUNTED_INCOME = (
    IncomeCategory.BASIC_PENSION,
    IncomeCategory.SPECIAL_CARE,
    IncomeCategory.FAMILY_PLANNING,
    IncomeCategory.SCHOLARSHIP,
)
PROPOSE_INCLUSION = "经入户调查、核对和公示，情况属实，建议纳入"
PROPOSE_REFUSAL = "不符合条件，建议不予确认"


@dataclass(frozen=True)
class MemberFacts:
    name: str
    labour_capacity: str
    illness: str = ""  # e.g. "慢性病", empty when healthy
    disability: str = ""  # e.g. "肢体残疾2级", empty when none


@dataclass(frozen=True)
class IncomeFacts:
    category: str
    source: str
    yearly_amount: Decimal
    member_name: str = ""  # empty: the household as a whole


@dataclass(frozen=True)
class AssetFacts:
    kind: str
    description: str
    value: Decimal | None
    identifier: str = ""
    is_disability_vehicle: bool = False


@dataclass(frozen=True)
class HouseholdFacts:
    members: tuple[MemberFacts, ...]
    incomes: tuple[IncomeFacts, ...]
    assets: tuple[AssetFacts, ...]


@dataclass(frozen=True)
class CaseNotes:
    """The texts of one case: the investigation form's three findings, the verification's
    details and the township's opinion."""

    living_conditions: str
    income_findings: str
    asset_findings: str
    verification_details: str
    township_opinion: str
    refusal_reasons: tuple[str, ...] = ()

    @property
    def proposes_inclusion(self) -> bool:
        return not self.refusal_reasons


def case_notes(facts: HouseholdFacts, refusal_reasons: Sequence[str] = ()) -> CaseNotes:
    """The notes of a case; `refusal_reasons` (from the calculation) make it a proposal to
    refuse that says why."""
    assets = asset_findings(facts.assets)
    if refusal_reasons:
        why = "；".join(refusal_reasons)
        return CaseNotes(
            living_conditions=living_conditions(facts),
            income_findings=income_findings(facts),
            asset_findings=f"{assets}。经核查，{why}，{PROPOSE_REFUSAL}",
            verification_details=f"经核对，{why}",
            township_opinion=f"经入户调查和核对，{why}，{PROPOSE_REFUSAL}",
            refusal_reasons=tuple(refusal_reasons),
        )
    return CaseNotes(
        living_conditions=living_conditions(facts),
        income_findings=income_findings(facts),
        asset_findings=assets,
        verification_details="经核对，收入、存款、车辆、房产信息与申报一致",
        township_opinion=PROPOSE_INCLUSION,
    )


def living_conditions(facts: HouseholdFacts) -> str:
    homes = [a for a in facts.assets if a.kind == AssetKind.REAL_ESTATE]
    housing = f"居住{homes[0].description}" if homes else "无自有住房，借住亲属房屋"
    parts = [f"家庭{len(facts.members)}人，{housing}"]
    parts += [f"{m.name}患{m.illness}" for m in facts.members if m.illness]
    parts += [f"{m.name}为{m.disability}" for m in facts.members if m.disability]
    return "；".join(parts)


def income_findings(facts: HouseholdFacts) -> str:
    able = sum(1 for m in facts.members if m.labour_capacity == LabourCapacity.FULL)
    parts = [f"有劳动能力{able}人" if able else "家庭成员均无劳动能力或仅有部分劳动能力"]
    counted = [i for i in facts.incomes if i.category in COUNTED_INCOME]
    parts += [f"{_who(i)}{i.source}年收入{format_yuan(i.yearly_amount)}" for i in counted]
    if not counted:
        parts.append("无工资性收入和经营性收入")
    parts += [
        f"{_who(i)}领取{i.source}{format_yuan(i.yearly_amount)}（不计入家庭收入）"
        for i in facts.incomes
        if i.category in NOT_COUNTED_INCOME
    ]
    parts += [
        f"{_who(i)}{i.source}{format_yuan(i.yearly_amount)}（刚性支出）"
        for i in facts.incomes
        if i.category == IncomeCategory.RIGID_SPENDING
    ]
    return "；".join(parts)


def asset_findings(assets: Sequence[AssetFacts]) -> str:
    return "；".join(
        [
            _vehicles(assets),
            _financial(assets),
            _homes(assets),
            *(
                f"有{a.description}"
                for a in assets
                if a.kind in (AssetKind.BUSINESS, AssetKind.FARM_MACHINERY)
            ),
        ]
    )


def _who(income: IncomeFacts) -> str:
    return income.member_name or "家庭"


def _vehicles(assets: Sequence[AssetFacts]) -> str:
    vehicles = [a for a in assets if a.kind == AssetKind.VEHICLE]
    counted = [
        f"{a.description}一辆（{a.identifier}）" for a in vehicles if not a.is_disability_vehicle
    ]
    mobility = [f"{a.description}一辆（残疾人代步车）" for a in vehicles if a.is_disability_vehicle]
    if not vehicles:
        return "无机动车"
    return "有" + "、".join(counted + mobility)


def _financial(assets: Sequence[AssetFacts]) -> str:
    held = [a for a in assets if a.kind in FINANCIAL]
    if not held:
        return "无银行存款及其他金融资产"
    return "、".join(f"{a.description}{format_yuan(a.value or Decimal(0))}" for a in held)


def _homes(assets: Sequence[AssetFacts]) -> str:
    homes = [a.description for a in assets if a.kind == AssetKind.REAL_ESTATE]
    if not homes:
        return "无房产"
    return f"房产{len(homes)}处（{'、'.join(homes)}）"


def refusal_reasons(calculation_lines: Sequence[str]) -> tuple[str, ...]:
    """Why the calculation finds the household ineligible, in its own words: the property
    reasons it lists, or the income line that reaches the standard."""
    reasons: list[str] = []
    for line in calculation_lines:
        text = line.strip()
        if text.startswith("财产状况不符合规定："):
            reasons += text.removeprefix("财产状况不符合规定：").split("；")
        elif "不低于保障标准" in text:
            reasons.append(text.split("，不符合")[0])
    return tuple(reasons)
