"""Temporary assistance (S1 art. 47–49, S8, R15) and who may confirm it (R1).

Tiers are county data: a multiple of the monthly dibao standard, optionally per person and
capped. Major hardships above a county threshold go to a one-case decision (一事一议).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ._common import Check, count_arg, money_arg, rate_arg, to_cents, yuan

__all__ = [
    "TEMP_CATEGORIES",
    "TempTier",
    "TemporaryAmount",
    "needs_one_case_decision",
    "temporary_amount",
    "township_may_confirm",
]

TEMP_CATEGORIES: dict[str, str] = {
    "emergency": "急难型",
    "expenditure": "支出型",
}


@dataclass(frozen=True)
class TempTier:
    code: str
    label: str
    category: str
    multiple_of_monthly_standard: Decimal
    max_amount: Decimal | None = None

    def __post_init__(self) -> None:
        if self.category not in TEMP_CATEGORIES:
            raise ValueError(f"未知的临时救助类型：{self.category}（应为emergency或expenditure）")
        object.__setattr__(
            self,
            "multiple_of_monthly_standard",
            rate_arg(self.multiple_of_monthly_standard, f"救助档次“{self.label}”倍数"),
        )
        if self.max_amount is not None:
            object.__setattr__(
                self, "max_amount", money_arg(self.max_amount, f"救助档次“{self.label}”上限")
            )


@dataclass(frozen=True)
class TemporaryAmount:
    amount: Decimal
    capped: bool
    lines: tuple[str, ...]


def temporary_amount(
    tier: TempTier,
    dibao_standard_monthly: Decimal,
    household_size: int | None = None,
    per_person: bool = False,
) -> TemporaryAmount:
    """R15, S8: multiple × monthly standard (× household size when per person), then the cap."""
    standard = money_arg(dibao_standard_monthly, "月低保标准")
    multiple = format(tier.multiple_of_monthly_standard.normalize(), "f")
    head = f"临时救助（{TEMP_CATEGORIES[tier.category]}，{tier.label}）"
    if per_person:
        if household_size is None:
            raise ValueError("按人计算临时救助须提供家庭人数")
        count_arg(household_size, "家庭人数", minimum=1)
        raw = to_cents(tier.multiple_of_monthly_standard * standard * household_size)
        formula = f"月低保标准{yuan(standard)} × {multiple}倍 × {household_size}人 = {yuan(raw)}"
    else:
        raw = to_cents(tier.multiple_of_monthly_standard * standard)
        formula = f"月低保标准{yuan(standard)} × {multiple}倍 = {yuan(raw)}"
    lines = [f"{head}：{formula}"]
    amount, capped = raw, False
    if tier.max_amount is not None and raw > tier.max_amount:
        amount, capped = tier.max_amount, True
        lines.append(f"超过该档上限{yuan(tier.max_amount)}，按上限计发")
    lines.append(f"救助金额：{yuan(amount)}")
    return TemporaryAmount(amount, capped, tuple(lines))


def needs_one_case_decision(amount: Decimal, threshold: Decimal) -> Check:
    """R15: an amount above the county threshold is a major hardship for 一事一议."""
    amount = money_arg(amount, "救助金额")
    threshold = money_arg(threshold, "一事一议金额标准")
    if amount > threshold:
        return Check(True, (f"救助金额{yuan(amount)}超过{yuan(threshold)}，须按一事一议办理",))
    return Check(False, (f"救助金额{yuan(amount)}未超过{yuan(threshold)}，按常规程序办理",))


def township_may_confirm(amount: Decimal, cap: Decimal = Decimal("2000")) -> Check:
    """R1 (seed 001): townships confirm temporary assistance up to the cap, inclusive."""
    amount = money_arg(amount, "救助金额")
    cap = money_arg(cap, "乡镇审核确认限额")
    if amount <= cap:
        return Check(True, (f"救助金额{yuan(amount)}不超过{yuan(cap)}，由乡镇（街道）审核确认",))
    return Check(False, (f"救助金额{yuan(amount)}超过{yuan(cap)}，报县级民政部门审批",))
