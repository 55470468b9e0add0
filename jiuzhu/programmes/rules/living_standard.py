"""Extreme-poverty basic living standard (R11, seed 000): 就高不就低.

max(share × previous year's per-capita consumption expenditure ÷ 12, factor × dibao standard),
monthly. The share (60%) and factor (1.3) are arguments with the seed's values as defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ._common import money_arg, percent, rate_arg, to_cents, yuan

__all__ = ["BasicLivingStandard", "basic_living_standard"]


@dataclass(frozen=True)
class BasicLivingStandard:
    monthly: Decimal
    from_consumption: Decimal
    from_dibao: Decimal
    basis: str  # "consumption" or "dibao": which input set the standard
    lines: tuple[str, ...]


def basic_living_standard(
    prev_year_consumption_per_capita_yearly: Decimal,
    dibao_standard_monthly: Decimal,
    *,
    share: Decimal = Decimal("0.60"),
    factor: Decimal = Decimal("1.3"),
) -> BasicLivingStandard:
    """R11: the higher of the two figures, per person per month."""
    consumption = money_arg(prev_year_consumption_per_capita_yearly, "上年人均消费支出")
    dibao = money_arg(dibao_standard_monthly, "月低保标准")
    share = rate_arg(share, "消费支出比例")
    factor = rate_arg(factor, "低保标准倍数")

    from_consumption = to_cents(consumption * share / 12)
    from_dibao = to_cents(dibao * factor)
    basis = "consumption" if from_consumption >= from_dibao else "dibao"
    monthly = max(from_consumption, from_dibao)
    factor_text = format(factor.normalize(), "f")
    lines = (
        f"按消费支出：上年人均消费支出{yuan(consumption)} × {percent(share)} ÷ 12"
        f" = 每月{yuan(from_consumption)}",
        f"按低保标准：月低保标准{yuan(dibao)} × {factor_text} = 每月{yuan(from_dibao)}",
        f"就高不就低：取{'消费支出' if basis == 'consumption' else '低保标准'}口径，"
        f"基本生活标准为每月{yuan(monthly)}",
    )
    return BasicLivingStandard(monthly, from_consumption, from_dibao, basis, lines)
