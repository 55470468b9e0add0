"""Self-care assessment and care subsidy for extreme-poverty recipients (S3, R16).

Six items: eating, dressing, getting in and out of bed, toilet, walking indoors, bathing.
None failed: self-caring; 1–3 failed: partial loss; 4 or more: full loss.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from jiuzhu.core.money import ZERO

from ._common import count_arg, money_arg, yuan

__all__ = [
    "SELF_CARE_ITEMS",
    "SELF_CARE_LEVELS",
    "CareSubsidy",
    "SelfCareResult",
    "care_subsidy",
    "self_care_assessment",
    "self_care_level",
]

SELF_CARE_ITEMS: dict[str, str] = {
    "eating": "自主吃饭",
    "dressing": "自主穿衣",
    "bed_transfer": "自主上下床",
    "toilet": "自主如厕",
    "indoor_walking": "室内自主行走",
    "bathing": "自主洗澡",
}
SELF_CARE_LEVELS: dict[str, str] = {
    "self_care": "生活自理",
    "partial": "部分丧失生活自理能力",
    "full_loss": "完全丧失生活自理能力",
}


@dataclass(frozen=True)
class SelfCareResult:
    level: str
    failed_items: tuple[str, ...]
    lines: tuple[str, ...]


@dataclass(frozen=True)
class CareSubsidy:
    level: str
    monthly_amount: Decimal
    lines: tuple[str, ...]


def self_care_level(failed_items: int) -> str:
    """S3: 0 failed → "self_care", 1–3 → "partial", 4–6 → "full_loss"."""
    count_arg(failed_items, "不能完成的项目数")
    if failed_items > len(SELF_CARE_ITEMS):
        raise ValueError(f"生活自理能力评估只有{len(SELF_CARE_ITEMS)}项：{failed_items}")
    if failed_items == 0:
        return "self_care"
    return "partial" if failed_items <= 3 else "full_loss"


def self_care_assessment(failed: Iterable[str]) -> SelfCareResult:
    """Grade from the item codes the person cannot do alone (codes in ``SELF_CARE_ITEMS``)."""
    items = tuple(dict.fromkeys(failed))
    unknown = [code for code in items if code not in SELF_CARE_ITEMS]
    if unknown:
        raise ValueError(f"未知的生活自理评估项目：{'、'.join(unknown)}")
    level = self_care_level(len(items))
    if items:
        names = "、".join(SELF_CARE_ITEMS[code] for code in items)
        first = f"不能独立完成{len(items)}项：{names}"
    else:
        first = "六项指标均能独立完成"
    return SelfCareResult(
        level, items, (first, f"评估结果（《特困人员认定办法》）：{SELF_CARE_LEVELS[level]}")
    )


def care_subsidy(level: str, rates: Mapping[str, Decimal]) -> CareSubsidy:
    """R16: the monthly care subsidy for a self-care level, from the county's rates.

    A missing rate for "self_care" means none is paid; missing rates for the other levels are
    a configuration error.
    """
    if level not in SELF_CARE_LEVELS:
        raise ValueError(f"未知的生活自理能力等级：{level}")
    label = SELF_CARE_LEVELS[level]
    if level not in rates:
        if level == "self_care":
            return CareSubsidy(level, ZERO, (f"{label}，未设置护理补贴标准，不发放护理补贴",))
        raise ValueError(f"未设置“{label}”的护理补贴标准")
    amount = money_arg(rates[level], f"{label}护理补贴标准")
    return CareSubsidy(level, amount, (f"{label}，护理补贴每月{yuan(amount)}（按月打卡发放）",))
