"""Counted household income for dibao (S2 art. 13).

Each recorded item covers ``months`` months; its monthly figure is amount ÷ months, rounded
half-up to cents. Counted categories are added, categories the law excludes are listed by name
(不计入), and the two allowed deductions are subtracted — never below zero in total.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from jiuzhu.core.money import ZERO

from ._common import count_arg, money_arg, to_cents, yuan

__all__ = [
    "COUNTED_CATEGORIES",
    "DEDUCTION_CATEGORIES",
    "EXCLUDED_CATEGORIES",
    "CountedIncome",
    "IncomeItem",
    "IncomeLine",
    "counted_income",
]

# The same codes as jiuzhu.registry.choices.IncomeCategory (not imported: it needs Django).
# S2 art. 13: wages (after employment costs), net business, net property, net transfer income.
COUNTED_CATEGORIES: dict[str, str] = {
    "wages": "工资性收入",
    "business": "经营净收入",
    "property": "财产净收入",
    "transfer": "转移净收入",
}
# S2 art. 13: not counted as household income.
EXCLUDED_CATEGORIES: dict[str, str] = {
    "special_care": "优待抚恤金",
    "family_planning": "计划生育奖励与扶助金",
    "scholarship": "奖学金、助学金",
    "bravery": "见义勇为奖励",
    "assistance": "社会救助金",
    "basic_pension": "城乡居民基本养老金",
    "unsupported_child": "事实无人抚养儿童生活补贴",
}
# S2 art. 13: may be deducted from counted income.
DEDUCTION_CATEGORIES: dict[str, str] = {
    "rigid_spending": "因残因病刚性支出",
    "employment_cost": "必要就业成本",
}

_ALL_LABELS = {**COUNTED_CATEGORIES, **EXCLUDED_CATEGORIES, **DEDUCTION_CATEGORIES}


@dataclass(frozen=True)
class IncomeItem:
    """One recorded income (or deduction): ``amount`` yuan received over ``months`` months."""

    category: str
    amount: Decimal
    months: int
    person_name: str = ""

    def __post_init__(self) -> None:
        if self.category not in _ALL_LABELS:
            raise ValueError(f"未知的收入类别：{self.category}")
        object.__setattr__(self, "amount", money_arg(self.amount, "收入金额"))
        count_arg(self.months, "收入所属月数", minimum=1)


@dataclass(frozen=True)
class IncomeLine:
    """An item as counted: its monthly figure and label."""

    category: str
    label: str
    person_name: str
    amount: Decimal
    months: int
    monthly: Decimal

    def describe(self) -> str:
        who = f"{self.person_name} " if self.person_name else ""
        if self.months == 1:
            return f"{who}{self.label}：每月{yuan(self.monthly)}"
        return (
            f"{who}{self.label}：{yuan(self.amount)} ÷ {self.months}个月 = 每月{yuan(self.monthly)}"
        )


@dataclass(frozen=True)
class CountedIncome:
    monthly_total: Decimal
    counted: tuple[IncomeLine, ...]
    excluded: tuple[IncomeLine, ...]
    deductions: tuple[IncomeLine, ...]
    lines: tuple[str, ...]


def _to_line(item: IncomeItem) -> IncomeLine:
    return IncomeLine(
        category=item.category,
        label=_ALL_LABELS[item.category],
        person_name=item.person_name,
        amount=item.amount,
        months=item.months,
        monthly=to_cents(item.amount / item.months),
    )


def counted_income(items: Iterable[IncomeItem]) -> CountedIncome:
    """S2 art. 13: the household's counted monthly income, with the officer's explanation."""
    counted: list[IncomeLine] = []
    excluded: list[IncomeLine] = []
    deductions: list[IncomeLine] = []
    for item in items:
        if not isinstance(item, IncomeItem):
            raise TypeError(f"收入记录应为IncomeItem，不能使用{type(item).__name__}类型")
        line = _to_line(item)
        if item.category in COUNTED_CATEGORIES:
            counted.append(line)
        elif item.category in EXCLUDED_CATEGORIES:
            excluded.append(line)
        else:
            deductions.append(line)

    gross = sum((line.monthly for line in counted), ZERO)
    deducted = sum((line.monthly for line in deductions), ZERO)
    total = max(ZERO, to_cents(gross - deducted))

    lines: list[str] = []
    if not (counted or excluded or deductions):
        lines.append("无收入记录，计入收入为每月¥0.00")
    if counted:
        lines.append("计入收入（《最低生活保障审核确认办法》第13条）：")
        lines.extend(f"  {line.describe()}" for line in counted)
        lines.append(f"计入收入小计：每月{yuan(gross)}")
    if excluded:
        lines.append("不计入收入（《最低生活保障审核确认办法》第13条）：")
        lines.extend(f"  {line.describe()}（不计入）" for line in excluded)
    if deductions:
        lines.append("可扣减支出（《最低生活保障审核确认办法》第13条）：")
        lines.extend(f"  {line.describe()}" for line in deductions)
        lines.append(f"扣减后：{yuan(gross)} − {yuan(deducted)} = 每月{yuan(gross - deducted)}")
        if gross - deducted < 0:
            lines.append("扣减额超过计入收入，计入收入按¥0.00计算")
    if counted or excluded or deductions:
        lines.append(f"家庭月计入收入合计：{yuan(total)}")
    return CountedIncome(
        monthly_total=total,
        counted=tuple(counted),
        excluded=tuple(excluded),
        deductions=tuple(deductions),
        lines=tuple(lines),
    )
