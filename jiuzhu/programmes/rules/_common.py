"""Helpers shared by the pure rules: argument checks, rounding, and the ``Check`` result.

Pure module: no Django import. Money is ``Decimal`` yuan rounded half-up to cents, never float.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from jiuzhu.core.money import CENT, ZERO, MoneyError, format_yuan, parse_money

__all__ = [
    "DISABILITY_LABELS",
    "Check",
    "count_arg",
    "disability_arg",
    "money_arg",
    "percent",
    "rate_arg",
    "to_cents",
    "yuan",
]

# The same codes as jiuzhu.registry.choices.DisabilityType (not imported: it needs Django).
DISABILITY_LABELS: dict[str, str] = {
    "": "无残疾",
    "visual": "视力残疾",
    "hearing": "听力残疾",
    "speech": "言语残疾",
    "physical": "肢体残疾",
    "intellectual": "智力残疾",
    "mental": "精神残疾",
    "multiple": "多重残疾",
}


@dataclass(frozen=True)
class Check:
    """One yes/no finding with its explanation; truthy when ``met``."""

    met: bool
    lines: tuple[str, ...]

    def __bool__(self) -> bool:
        return self.met


def yuan(amount: Decimal) -> str:
    return format_yuan(amount)


def to_cents(value: Decimal) -> Decimal:
    """Round half-up to cents; never return "-0.00"."""
    result = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return ZERO if result.is_zero() else result


def _require_number(value: object, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{what}应为Decimal或整数，不能使用{type(value).__name__}类型")


def money_arg(value: object, what: str) -> Decimal:
    """A non-negative amount in yuan, rounded to cents; float and negatives are refused."""
    _require_number(value, what)
    try:
        return parse_money(value)
    except MoneyError as error:
        raise ValueError(f"{what}：{error}") from None


def rate_arg(value: object, what: str) -> Decimal:
    """A non-negative multiplier (rate, share, factor) kept at full precision."""
    _require_number(value, what)
    rate = Decimal(value)  # type: ignore[arg-type]
    if not rate.is_finite() or rate < 0:
        raise ValueError(f"{what}应为非负数：{value}")
    return rate


def count_arg(value: object, what: str, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what}应为整数，不能使用{type(value).__name__}类型")
    if value < minimum:
        raise ValueError(f"{what}不能小于{minimum}：{value}")
    return value


def disability_arg(disability_type: str, grade: int | None) -> tuple[str, int | None]:
    """Validate a disability type code and grade (1–4, or None when there is no disability)."""
    if disability_type not in DISABILITY_LABELS:
        raise ValueError(f"未知的残疾类别：{disability_type}")
    if grade is not None:
        count_arg(grade, "残疾等级", minimum=1)
        if grade > 4:
            raise ValueError(f"残疾等级应为1至4级：{grade}")
    if disability_type and grade is None:
        raise ValueError(f"{DISABILITY_LABELS[disability_type]}须填写残疾等级")
    return disability_type, (grade if disability_type else None)


def percent(rate: Decimal) -> str:
    """0.6 → "60%", 0.125 → "12.5%"."""
    text = format((rate * 100).normalize(), "f")
    return f"{text}%"
