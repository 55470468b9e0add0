"""Heating assistance floors (R14, seed 002).

Dispersed heating: at least the minimum (200 yuan a year by default). Centralised heating: not
below the urban dibao heating standard. The configured amount is raised to the floor if lower.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ._common import money_arg, yuan

__all__ = ["HEATING_KINDS", "HeatingAmount", "heating_amount"]

HEATING_KINDS: dict[str, str] = {
    "dispersed": "分散取暖",
    "centralised": "集中供暖",
}


@dataclass(frozen=True)
class HeatingAmount:
    amount_yearly: Decimal
    floor: Decimal
    raised: bool
    lines: tuple[str, ...]


def heating_amount(
    kind: str,
    configured_amount: Decimal,
    urban_heating_standard: Decimal | None = None,
    *,
    dispersed_minimum: Decimal = Decimal("200"),
) -> HeatingAmount:
    """R14: the yearly heating amount, at least the floor for its kind."""
    if kind not in HEATING_KINDS:
        raise ValueError(f"未知的取暖方式：{kind}（应为dispersed或centralised）")
    configured = money_arg(configured_amount, "取暖救助金额")
    if kind == "dispersed":
        floor = money_arg(dispersed_minimum, "分散取暖最低金额")
        floor_text = f"分散取暖每年不低于{yuan(floor)}"
    else:
        if urban_heating_standard is None:
            raise ValueError("集中供暖须提供城市低保对象取暖补贴标准")
        floor = money_arg(urban_heating_standard, "城市低保取暖标准")
        floor_text = f"集中供暖不低于城市低保对象取暖补贴标准{yuan(floor)}"
    lines = [f"{HEATING_KINDS[kind]}：县级设定金额每年{yuan(configured)}", floor_text]
    if configured < floor:
        lines.append(f"设定金额低于下限，提高至{yuan(floor)}")
        return HeatingAmount(floor, floor, True, tuple(lines))
    lines.append(f"取暖救助金额：每年{yuan(configured)}")
    return HeatingAmount(configured, floor, False, tuple(lines))
