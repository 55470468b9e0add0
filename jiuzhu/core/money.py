"""Money as ``Decimal`` yuan with two decimal places; never ``float``.

Pure module: no Django import (enforced by an import-linter contract).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = ["CENT", "ZERO", "MoneyError", "format_yuan", "parse_money"]

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# Full-width digits and punctuation typed with a Chinese input method, and the other minus signs.
_FOLD_TABLE = {0xFF10 + i: str(i) for i in range(10)}
_FOLD_TABLE.update(
    {
        ord("，"): ",",
        ord("．"): ".",
        ord("。"): ".",
        ord("－"): "-",
        ord("−"): "-",
        ord("＋"): "+",
        ord("￥"): "¥",
    }
)
# Digits with optional correctly grouped thousands separators and an optional fraction.
_AMOUNT_RE = re.compile(r"(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]+)?|\.[0-9]+")


class MoneyError(ValueError):
    """An amount could not be accepted; ``str(error)`` is a Chinese message for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def _take_sign(text: str) -> tuple[str, str]:
    if text[:1] in ("+", "-"):
        return text[0], text[1:].strip()
    return "", text


def _decimal_from_text(raw: str) -> Decimal:
    text = raw.translate(_FOLD_TABLE).strip()
    sign, text = _take_sign(text)
    if text.startswith("¥"):
        text = text[1:].strip()
    if not sign:
        # "¥-12" as well as "-¥12"
        sign, text = _take_sign(text)
    if text.endswith("元"):
        text = text[:-1].strip()
    if not _AMOUNT_RE.fullmatch(text):
        raise MoneyError(f"金额格式错误：{raw.strip()}")
    return Decimal(("-" if sign == "-" else "") + text.replace(",", ""))


def parse_money(value: object, *, allow_negative: bool = False) -> Decimal:
    """Read an amount in yuan from int, Decimal or text; return it rounded half-up to cents.

    Text may carry thousands separators, "¥"/"￥", a trailing "元", full-width digits and
    surrounding spaces. ``float`` (and ``bool``) raise TypeError: money is never a float.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"金额不能使用{type(value).__name__}类型，请使用Decimal、int或字符串")
    if value is None or (isinstance(value, str) and not value.strip()):
        raise MoneyError("金额不能为空")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str):
        amount = _decimal_from_text(value)
    else:
        raise TypeError(f"金额不能使用{type(value).__name__}类型，请使用Decimal、int或字符串")

    if not amount.is_finite():
        raise MoneyError(f"金额格式错误：{value}")
    try:
        amount = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than the decimal context can hold
        raise MoneyError(f"金额格式错误：{value}") from None
    if amount.is_zero():
        return ZERO  # never "-0.00"
    if amount < 0 and not allow_negative:
        raise MoneyError(f"金额不能为负数：{value.strip() if isinstance(value, str) else value}")
    return amount


def format_yuan(d: Decimal | int) -> str:
    """ "¥1,234.50"; negative amounts as "-¥1,234.50"."""
    if isinstance(d, bool) or not isinstance(d, Decimal | int):
        raise TypeError(f"金额不能使用{type(d).__name__}类型，请使用Decimal或int")
    if isinstance(d, Decimal) and not d.is_finite():
        raise MoneyError(f"金额格式错误：{d}")
    amount = Decimal(d).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"
