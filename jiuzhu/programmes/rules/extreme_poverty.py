"""Extreme-poverty (特困人员) eligibility (S3, 民发〔2021〕43号).

Three conditions, all required: no labour capacity, no means of living, and no legal supporter
or every supporter unable. The living standard (R11), self-care grading and care subsidy live in
their own modules and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ._common import DISABILITY_LABELS, Check, count_arg, disability_arg, money_arg, yuan
from .living_standard import BasicLivingStandard, basic_living_standard
from .self_care import (
    SELF_CARE_ITEMS,
    SELF_CARE_LEVELS,
    CareSubsidy,
    SelfCareResult,
    care_subsidy,
    self_care_assessment,
    self_care_level,
)
from .supporters import Supporter, supporter_unable, supporters_unable

__all__ = [
    "SELF_CARE_ITEMS",
    "SELF_CARE_LEVELS",
    "BasicLivingStandard",
    "CareSubsidy",
    "ExtremePovertyResult",
    "SelfCareResult",
    "Supporter",
    "basic_living_standard",
    "care_subsidy",
    "extreme_poverty_eligible",
    "labour_incapable",
    "minor_coverage_continues",
    "no_means_of_living",
    "self_care_assessment",
    "self_care_level",
    "supporter_unable",
    "supporters_unable",
]

# S3: disability grades that mean no labour capacity, by type (grade ≤ the value).
_INCAPABLE_MAX_GRADE = {"intellectual": 3, "mental": 3, "physical": 2, "visual": 1}


@dataclass(frozen=True)
class ExtremePovertyResult:
    eligible: bool
    labour: Check
    means: Check
    support: Check
    lines: tuple[str, ...]


def labour_incapable(
    age: int,
    disability_type: str = "",
    grade: int | None = None,
    *,
    elderly_age: int = 60,
    child_age: int = 16,
) -> Check:
    """S3: aged 60+, under 16, intellectual/mental grade 1–3, physical 1–2 or visual grade 1.

    Provinces may add further cases (e.g. multiple disability); pass those as a separate check.
    """
    count_arg(age, "年龄")
    disability_type, grade = disability_arg(disability_type, grade)
    if age >= elderly_age:
        return Check(
            True, (f"年满{elderly_age}周岁（{age}岁），认定为无劳动能力（《特困人员认定办法》）",)
        )
    if age < child_age:
        return Check(
            True, (f"未满{child_age}周岁（{age}岁），认定为无劳动能力（《特困人员认定办法》）",)
        )
    label = DISABILITY_LABELS[disability_type]
    limit = _INCAPABLE_MAX_GRADE.get(disability_type)
    if limit is not None and grade is not None and grade <= limit:
        return Check(True, (f"{label}{grade}级，认定为无劳动能力（《特困人员认定办法》）",))
    what = f"{label}{grade}级" if disability_type else "无残疾"
    return Check(False, (f"{age}岁，{what}，不属于S3规定的无劳动能力情形",))


def minor_coverage_continues(age: int, *, in_school: bool = False, adult_age: int = 18) -> Check:
    """S3: a minor already supported keeps benefits until 18, longer in full-time education."""
    count_arg(age, "年龄")
    if age < adult_age:
        return Check(
            True,
            (f"未满{adult_age}周岁（{age}岁），可继续享有救助供养待遇（《特困人员认定办法》）",),
        )
    if in_school:
        return Check(
            True,
            (
                f"年满{adult_age}周岁仍在接受全日制学历教育，可继续享有救助供养待遇（《特困人员认定办法》）",
            ),
        )
    return Check(
        False, (f"已满{adult_age}周岁且不在校，不再按未成年人继续供养（《特困人员认定办法》）",)
    )


def no_means_of_living(
    per_capita_income_monthly: Decimal,
    dibao_standard_monthly: Decimal,
    property_ok: bool,
    property_reasons: Sequence[str] = (),
) -> Check:
    """S3: income below the dibao standard and property within limits.

    The income passed in must already leave out the basic old-age pension and the elderly
    allowance, which S3 does not count.
    """
    income = money_arg(per_capita_income_monthly, "人均月收入")
    standard = money_arg(dibao_standard_monthly, "月低保标准")
    lines = ["城乡居民基本养老保险基础养老金、高龄津贴不计入收入（《特困人员认定办法》）"]
    met = True
    if income < standard:
        lines.append(f"人均月收入{yuan(income)}低于低保标准{yuan(standard)}")
    else:
        met = False
        lines.append(f"人均月收入{yuan(income)}不低于低保标准{yuan(standard)}，不符合")
    if property_ok:
        lines.append("财产状况符合规定")
    else:
        met = False
        lines.append("财产状况不符合规定")
        lines.extend(f"  {reason}" for reason in property_reasons)
    return Check(met, tuple(lines))


def _labour_condition(
    age: int, disability_type: str, grade: int | None, in_school: bool, enrolled_as_minor: bool
) -> Check:
    labour = labour_incapable(age, disability_type, grade)
    if labour.met or not enrolled_as_minor:
        return labour
    minor = minor_coverage_continues(age, in_school=in_school)
    return Check(minor.met, labour.lines + minor.lines)


def extreme_poverty_eligible(
    *,
    age: int,
    per_capita_income_monthly: Decimal,
    dibao_standard_monthly: Decimal,
    low_income_threshold_monthly: Decimal,
    disability_type: str = "",
    disability_grade: int | None = None,
    property_ok: bool = True,
    property_reasons: Sequence[str] = (),
    supporters: Sequence[Supporter] = (),
    in_school: bool = False,
    enrolled_as_minor: bool = False,
) -> ExtremePovertyResult:
    """S3: all three conditions together.

    ``enrolled_as_minor`` marks a person already supported as a minor: they continue to 18,
    or beyond while ``in_school`` (full-time education), even without another labour ground.
    """
    labour = _labour_condition(age, disability_type, disability_grade, in_school, enrolled_as_minor)
    means = no_means_of_living(
        per_capita_income_monthly, dibao_standard_monthly, property_ok, property_reasons
    )
    support = supporters_unable(
        supporters, low_income_threshold_monthly=low_income_threshold_monthly
    )
    sections = (
        ("一、无劳动能力", labour),
        ("二、无生活来源", means),
        ("三、无法定义务人或义务人无履行义务能力", support),
    )
    lines: list[str] = []
    for title, check in sections:
        lines.append(f"{title}：{'符合' if check.met else '不符合'}")
        lines.extend(f"  {line}" for line in check.lines)
    eligible = all(check.met for _, check in sections)
    if eligible:
        lines.append("结论：符合特困人员认定条件（《特困人员认定办法》）")
    else:
        failed = "、".join(title[2:] for title, check in sections if not check.met)
        lines.append(f"结论：不符合特困人员认定条件（《特困人员认定办法》），未满足：{failed}")
    return ExtremePovertyResult(eligible, labour, means, support, tuple(lines))
