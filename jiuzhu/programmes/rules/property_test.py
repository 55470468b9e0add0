"""Household property test for dibao (S2 art. 14).

There are no national numbers: every limit is a county setting passed in as ``PropertyLimits``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from jiuzhu.core.money import ZERO

from ._common import count_arg, money_arg, to_cents, yuan

__all__ = [
    "ASSET_LABELS",
    "FINANCIAL_KINDS",
    "AssetItem",
    "PropertyLimits",
    "PropertyResult",
    "assess_property",
]

# The same codes as jiuzhu.registry.choices.AssetKind (not imported: it needs Django).
ASSET_LABELS: dict[str, str] = {
    "deposit": "银行存款",
    "securities": "有价证券",
    "insurance": "商业保险",
    "receivable": "债权",
    "online_finance": "互联网金融资产",
    "vehicle": "机动车辆",
    "real_estate": "房产",
    "business": "工商登记（经营实体）",
    "farm_machinery": "大型农机具",
}
# S2 art. 14: financial assets, limited together in months of the standard per person.
FINANCIAL_KINDS: frozenset[str] = frozenset(
    {"deposit", "securities", "insurance", "receivable", "online_finance"}
)


@dataclass(frozen=True)
class PropertyLimits:
    """County settings for S2 art. 14 (e.g. 24 months; no car except a disabled person's)."""

    financial_months_per_person: int
    max_vehicles: int = 0
    allow_disability_vehicle: bool = True
    max_homes: int = 1
    allow_business: bool = False
    allow_farm_machinery: bool = False

    def __post_init__(self) -> None:
        count_arg(self.financial_months_per_person, "金融资产限额月数")
        count_arg(self.max_vehicles, "机动车辆限额")
        count_arg(self.max_homes, "房产套数限额")


@dataclass(frozen=True)
class AssetItem:
    """One asset fact; ``value`` is required for financial assets, optional otherwise."""

    kind: str
    value: Decimal | None = None
    quantity: int = 1
    is_disability_vehicle: bool = False

    def __post_init__(self) -> None:
        if self.kind not in ASSET_LABELS:
            raise ValueError(f"未知的财产类别：{self.kind}")
        if self.value is not None:
            object.__setattr__(self, "value", money_arg(self.value, ASSET_LABELS[self.kind]))
        elif self.kind in FINANCIAL_KINDS:
            raise ValueError(f"{ASSET_LABELS[self.kind]}须填写金额")
        count_arg(self.quantity, f"{ASSET_LABELS[self.kind]}数量")
        if self.is_disability_vehicle and self.kind != "vehicle":
            raise ValueError(f"只有机动车辆可以标记为残疾人功能性补偿代步机动车：{self.kind}")


@dataclass(frozen=True)
class PropertyResult:
    passed: bool
    reasons: tuple[str, ...]
    lines: tuple[str, ...]
    financial_total: Decimal = ZERO
    financial_limit: Decimal = ZERO


def _quantity(assets: list[AssetItem], kind: str) -> int:
    return sum(a.quantity for a in assets if a.kind == kind)


def _financial(
    assets: list[AssetItem], members: int, standard: Decimal, limits: PropertyLimits
) -> tuple[Decimal, Decimal, list[str], str | None]:
    lines: list[str] = []
    for kind in sorted(FINANCIAL_KINDS & {a.kind for a in assets}):
        subtotal = sum((a.value or ZERO for a in assets if a.kind == kind), ZERO)
        lines.append(f"  {ASSET_LABELS[kind]}：{yuan(subtotal)}")
    total = sum((a.value or ZERO for a in assets if a.kind in FINANCIAL_KINDS), ZERO)
    months = limits.financial_months_per_person
    limit = to_cents(standard * months * members)
    formula = f"{months}个月 × 保障标准{yuan(standard)} × {members}人 = {yuan(limit)}"
    if total > limit:
        reason = f"金融资产合计{yuan(total)}超过限额{yuan(limit)}（{formula}）"
        lines.append(f"金融资产合计{yuan(total)}，限额{formula}，不符合")
        return total, limit, lines, reason
    lines.append(f"金融资产合计{yuan(total)}，限额{formula}，符合")
    return total, limit, lines, None


def _vehicles(assets: list[AssetItem], limits: PropertyLimits) -> tuple[list[str], str | None]:
    vehicles = [a for a in assets if a.kind == "vehicle"]
    disability = sum(a.quantity for a in vehicles if a.is_disability_vehicle)
    counted = sum(a.quantity for a in vehicles)
    lines: list[str] = []
    if disability and limits.allow_disability_vehicle:
        counted -= disability
        lines.append(f"残疾人功能性补偿代步机动车{disability}辆，不计入车辆限额")
    if counted > limits.max_vehicles:
        reason = f"拥有机动车辆{counted}辆，超过县级规定的{limits.max_vehicles}辆"
        lines.append(f"机动车辆{counted}辆，限额{limits.max_vehicles}辆，不符合")
        return lines, reason
    lines.append(f"机动车辆{counted}辆，限额{limits.max_vehicles}辆，符合")
    return lines, None


def _homes(assets: list[AssetItem], limits: PropertyLimits) -> tuple[list[str], str | None]:
    homes = _quantity(assets, "real_estate")
    if homes > limits.max_homes:
        reason = f"拥有房产{homes}套，超过县级规定的{limits.max_homes}套"
        return [f"房产{homes}套，限额{limits.max_homes}套，不符合"], reason
    return [f"房产{homes}套，限额{limits.max_homes}套，符合"], None


def _forbidden(assets: list[AssetItem], kind: str, allowed: bool) -> tuple[list[str], str | None]:
    label = ASSET_LABELS[kind]
    held = _quantity(assets, kind)
    if not held:
        return [f"{label}：无，符合"], None
    if allowed:
        return [f"{label}{held}项，县级规定允许，符合"], None
    return [f"{label}{held}项，县级规定不允许，不符合"], f"拥有{label}{held}项"


def assess_property(
    *,
    assets: Iterable[AssetItem],
    members: int,
    standard_monthly: Decimal,
    limits: PropertyLimits,
) -> PropertyResult:
    """S2 art. 14: does the household's property stay within the county's limits?"""
    count_arg(members, "家庭人数", minimum=1)
    standard = money_arg(standard_monthly, "月保障标准")
    items = list(assets)
    for item in items:
        if not isinstance(item, AssetItem):
            raise TypeError(f"财产记录应为AssetItem，不能使用{type(item).__name__}类型")

    lines = ["家庭财产状况（《最低生活保障审核确认办法》第14条，限额为县级设定）："]
    reasons: list[str] = []
    total, limit, fin_lines, fin_reason = _financial(items, members, standard, limits)
    checks = [
        (fin_lines, fin_reason),
        _vehicles(items, limits),
        _homes(items, limits),
        _forbidden(items, "business", limits.allow_business),
        _forbidden(items, "farm_machinery", limits.allow_farm_machinery),
    ]
    for check_lines, reason in checks:
        lines.extend(check_lines)
        if reason:
            reasons.append(reason)
    passed = not reasons
    lines.append("财产状况符合规定" if passed else "财产状况不符合规定：" + "；".join(reasons))
    return PropertyResult(
        passed=passed,
        reasons=tuple(reasons),
        lines=tuple(lines),
        financial_total=total,
        financial_limit=limit,
    )
