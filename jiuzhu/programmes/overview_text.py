"""How each kind of parameter reads on the standards page (plain text, no database)."""

from decimal import Decimal

from jiuzhu.core.money import format_yuan

from .catalogue import DIBAO_MODE_LABELS, SettingKey, dibao_mode_of
from .models import AddOnRate, DibaoTier, TemporaryTier

# how each county setting reads on the page (its label already names the unit)
_YUAN = {SettingKey.TEMPORARY_CAP, SettingKey.PREV_YEAR_CONSUMPTION, SettingKey.ONE_CASE_THRESHOLD}
_PERCENT = {SettingKey.EP_CONSUMPTION_SHARE}
_SUFFIX = {
    SettingKey.FINANCIAL_MONTHS: "个月",
    SettingKey.MAX_VEHICLES: "辆",
    SettingKey.SINGLE_PERSON_FACTOR: "倍",
    SettingKey.EP_DIBAO_FACTOR: "倍",
    SettingKey.EMERGENCY_FILING_DAYS: "个工作日",
    SettingKey.GRADUAL_EXIT_MONTHS: "个月",
    **{key: "个工作日" for key in SettingKey.LABELS if key.startswith("clue_days_")},
}


def plain(value: Decimal) -> str:
    """3.00 → "3", 0.1500 → "0.15", 2000 → "2000" (never "2E+3")."""
    return format(value.normalize(), "f")


def setting_text(key: str, value: Decimal) -> str:
    if key == SettingKey.DIBAO_MODE:
        return DIBAO_MODE_LABELS[dibao_mode_of(value)]
    if key in _YUAN:
        return format_yuan(value)
    if key in _PERCENT:
        return f"{plain(value * 100)}%"
    return plain(value) + _SUFFIX.get(key, "")


def add_on_text(row: AddOnRate) -> str:
    if row.rate is not None:
        return f"标准的{plain(row.rate * 100)}%"
    return f"{format_yuan(row.fixed)}/月"


def tier_text(row: TemporaryTier) -> str:
    text = f"月低保标准×{plain(row.multiple)}"
    return f"{text}，最高{format_yuan(row.max_amount)}" if row.max_amount is not None else text


def dibao_tier_text(row: DibaoTier) -> str:
    return (
        f"人均月收入不超过{format_yuan(row.max_per_capita_income)}，"
        f"每人{format_yuan(row.amount_per_person)}/月"
    )


def delegation_text(delegated: bool) -> str:
    return "下放乡镇审核确认" if delegated else "县级审核确认"
