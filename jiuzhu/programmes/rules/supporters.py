"""Legal supporters of an extreme-poverty applicant and whether they are unable to support (S3).

A supporter (赡养、抚养、扶养义务人) is unable when they are themselves in extreme poverty, a
dibao recipient aged 60 or over, aged 70 or over with income below the local threshold, severely
disabled, declared missing, or in prison. Ages and the threshold are arguments; S3 also asks for
property within dibao limits in several cases, which the caller checks before setting the flags.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from jiuzhu.core.money import ZERO

from ._common import Check, count_arg, money_arg, yuan

__all__ = ["Supporter", "supporter_unable", "supporters_unable"]


@dataclass(frozen=True)
class Supporter:
    relation: str
    age: int
    is_extreme_poverty: bool = False
    is_dibao: bool = False
    monthly_income: Decimal = ZERO
    severely_disabled: bool = False
    missing: bool = False
    in_prison: bool = False
    name: str = ""

    def __post_init__(self) -> None:
        count_arg(self.age, "义务人年龄")
        object.__setattr__(self, "monthly_income", money_arg(self.monthly_income, "义务人月收入"))

    @property
    def title(self) -> str:
        relation = self.relation or "义务人"
        return f"{relation}{self.name}" if self.name else relation


def _inability(s: Supporter, threshold: Decimal, dibao_age: int, elderly_age: int) -> str | None:
    if s.is_extreme_poverty:
        return "本人为特困人员"
    if s.is_dibao and s.age >= dibao_age:
        return f"为{dibao_age}周岁以上低保对象（{s.age}岁）"
    if s.age >= elderly_age and s.monthly_income < threshold:
        return (
            f"{elderly_age}周岁以上（{s.age}岁）且月收入{yuan(s.monthly_income)}"
            f"低于{yuan(threshold)}"
        )
    if s.severely_disabled:
        return "为重度残疾人"
    if s.missing:
        return "被宣告失踪"
    if s.in_prison:
        return "在监狱服刑"
    return None


def supporter_unable(
    supporter: Supporter,
    *,
    low_income_threshold_monthly: Decimal,
    dibao_age: int = 60,
    elderly_age: int = 70,
) -> Check:
    """S3: is this one supporter unable to fulfil the duty of support?"""
    threshold = money_arg(low_income_threshold_monthly, "义务人低收入标准")
    reason = _inability(supporter, threshold, dibao_age, elderly_age)
    if reason:
        return Check(True, (f"{supporter.title}{reason}，无履行义务能力",))
    return Check(False, (f"{supporter.title}（{supporter.age}岁）具有履行义务能力",))


def supporters_unable(
    supporters: Sequence[Supporter],
    *,
    low_income_threshold_monthly: Decimal,
    dibao_age: int = 60,
    elderly_age: int = 70,
) -> Check:
    """S3: met when there is no legal supporter, or every supporter is unable."""
    if not supporters:
        return Check(True, ("无法定赡养、抚养、扶养义务人（《特困人员认定办法》）",))
    lines: list[str] = []
    all_unable = True
    for supporter in supporters:
        check = supporter_unable(
            supporter,
            low_income_threshold_monthly=low_income_threshold_monthly,
            dibao_age=dibao_age,
            elderly_age=elderly_age,
        )
        all_unable = all_unable and check.met
        lines.extend(check.lines)
    lines.append(
        "法定义务人均无履行义务能力（《特困人员认定办法》）"
        if all_unable
        else "有法定义务人具有履行义务能力（《特困人员认定办法》）"
    )
    return Check(all_unable, tuple(lines))
