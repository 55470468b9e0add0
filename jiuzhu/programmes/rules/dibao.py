"""Dibao monthly amount (S1 art. 12, S2 art. 23, R12), add-ons (S2 art. 27) and 单人保 (S2 art. 8).

Standards, tiers, add-on rates and the edge-household factor are arguments: the caller reads
the values in force for the month being paid (R12: standards change mid-year).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from jiuzhu.core.money import ZERO

from ._common import (
    DISABILITY_LABELS,
    count_arg,
    disability_arg,
    money_arg,
    percent,
    rate_arg,
    to_cents,
    yuan,
)

__all__ = [
    "AddOn",
    "DibaoResult",
    "SinglePersonResult",
    "Tier",
    "dibao_amount",
    "is_severely_disabled",
    "single_person_inclusion",
    "yearly_to_monthly",
]

_MODES = ("gap", "tiered")
_SINGLE_BASES = ("household_gap", "own_income", "full_standard")


@dataclass(frozen=True)
class Tier:
    """分档: households whose per-capita income is at most ``max_per_capita_income``."""

    max_per_capita_income: Decimal
    amount_per_person: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "max_per_capita_income", money_arg(self.max_per_capita_income, "分档收入上限")
        )
        object.__setattr__(
            self, "amount_per_person", money_arg(self.amount_per_person, "分档每人保障金")
        )


@dataclass(frozen=True)
class AddOn:
    """分类施保 (S2 art. 27): ``rate`` × standard or a ``fixed`` sum, per qualifying person."""

    kind: str
    label: str
    rate: Decimal | None = None
    fixed: Decimal | None = None
    persons: int = 1

    def __post_init__(self) -> None:
        if (self.rate is None) == (self.fixed is None):
            raise ValueError(f"分类施保“{self.label}”须且只能设置比例或固定金额之一")
        if self.rate is not None:
            object.__setattr__(self, "rate", rate_arg(self.rate, f"分类施保“{self.label}”比例"))
        else:
            object.__setattr__(self, "fixed", money_arg(self.fixed, f"分类施保“{self.label}”金额"))
        count_arg(self.persons, f"分类施保“{self.label}”人数")

    def per_person(self, standard: Decimal) -> Decimal:
        if self.rate is not None:
            return to_cents(self.rate * standard)
        return self.fixed  # type: ignore[return-value]

    def describe(self, standard: Decimal) -> str:
        each = self.per_person(standard)
        total = to_cents(each * self.persons)
        how = (
            f"标准{yuan(standard)} × {percent(self.rate)} = {yuan(each)}"
            if self.rate is not None
            else f"每人{yuan(each)}"
        )
        return f"  {self.label}：{how}，× {self.persons}人 = {yuan(total)}"


@dataclass(frozen=True)
class DibaoResult:
    eligible: bool
    monthly_amount: Decimal
    per_capita_income: Decimal
    base_amount: Decimal
    add_on_amount: Decimal
    lines: tuple[str, ...]


@dataclass(frozen=True)
class SinglePersonResult:
    eligible: bool
    monthly_amount: Decimal
    per_capita_income: Decimal
    lines: tuple[str, ...]


def yearly_to_monthly(standard_yearly: Decimal) -> Decimal:
    """R12: a yearly standard as a monthly one, e.g. 4,770 → 397.50 (half-up to cents)."""
    return to_cents(money_arg(standard_yearly, "年保障标准") / 12)


def is_severely_disabled(disability_type: str, grade: int | None) -> bool:
    """S2 art. 8, R7: grade 1–2 of any type, or grade 3 intellectual or mental disability."""
    disability_type, grade = disability_arg(disability_type, grade)
    if not disability_type or grade is None:
        return False
    return grade <= 2 or (grade == 3 and disability_type in ("intellectual", "mental"))


def _per_capita(income: Decimal, members: int) -> tuple[Decimal, str]:
    per_capita = to_cents(income / members)
    return per_capita, f"家庭月计入收入{yuan(income)} ÷ {members}人 = 人均月收入{yuan(per_capita)}"


def _choose_tier(tiers: Sequence[Tier], per_capita: Decimal) -> tuple[int, Tier]:
    if not tiers:
        raise ValueError("分档计发须提供分档设置")
    maxima = [t.max_per_capita_income for t in tiers]
    if any(a >= b for a, b in zip(maxima, maxima[1:], strict=False)):
        raise ValueError("分档设置须按收入上限从低到高排列，且上限不得重复")
    for index, tier in enumerate(tiers, start=1):
        if tier.max_per_capita_income >= per_capita:
            return index, tier
    raise ValueError(f"分档设置未覆盖人均月收入{yuan(per_capita)}（最高档上限{yuan(maxima[-1])}）")


def _base_amount(
    mode: str,
    standard: Decimal,
    income: Decimal,
    per_capita: Decimal,
    members: int,
    tiers: Sequence[Tier],
) -> tuple[Decimal, str]:
    if mode == "gap":
        # standard × members − household income, rounded once at the end (to_cents): rounding
        # the per-capita income first would turn (450 − 1,000/3) × 3 into 350.01, not 350.00.
        base = to_cents(standard * members - income)
        return base, (
            f"按差额计发（《社会救助暂行办法》第12条、《最低生活保障审核确认办法》第23条）：{yuan(standard)} × {members}人"
            f" − 家庭月计入收入{yuan(income)} = {yuan(base)}"
        )
    index, tier = _choose_tier(tiers, per_capita)
    base = to_cents(tier.amount_per_person * members)
    return base, (
        f"按分档计发（《最低生活保障审核确认办法》第23条）：人均月收入{yuan(per_capita)}属第{index}档"
        f"（上限{yuan(tier.max_per_capita_income)}），"
        f"每人{yuan(tier.amount_per_person)} × {members}人 = {yuan(base)}"
    )


def _refused(per_capita: Decimal, lines: list[str]) -> DibaoResult:
    return DibaoResult(False, ZERO, per_capita, ZERO, ZERO, tuple(lines))


def dibao_amount(
    *,
    standard_monthly: Decimal,
    counted_income_monthly: Decimal,
    members: int,
    mode: str = "gap",
    tiers: Sequence[Tier] | None = None,
    add_ons: Sequence[AddOn] = (),
    property_ok: bool = True,
    property_reasons: Sequence[str] = (),
) -> DibaoResult:
    """The household's monthly dibao: eligibility, base amount by gap or tier, then add-ons.

    Eligible only when property is within limits and per-capita income is below the standard;
    a household at or above the standard gets nothing, with the reason.
    """
    standard = money_arg(standard_monthly, "月保障标准")
    income = money_arg(counted_income_monthly, "家庭月计入收入")
    count_arg(members, "家庭人数", minimum=1)
    if mode not in _MODES:
        raise ValueError(f"未知的计发方式：{mode}（应为gap差额或tiered分档）")
    for add_on in add_ons:
        if add_on.persons > members:
            raise ValueError(f"分类施保“{add_on.label}”人数{add_on.persons}超过家庭人数{members}")

    per_capita, per_capita_line = _per_capita(income, members)
    lines = [per_capita_line, f"月保障标准：{yuan(standard)}"]
    if not property_ok:
        lines.append("家庭财产状况不符合规定（《最低生活保障审核确认办法》第14条），不符合低保条件")
        lines.extend(f"  {reason}" for reason in property_reasons)
        return _refused(per_capita, lines)
    if income >= standard * members:  # per-capita income at or above the standard, unrounded
        lines.append(
            f"人均月收入{yuan(per_capita)}不低于保障标准{yuan(standard)}，不符合低保条件（《最低生活保障审核确认办法》第23条）"
        )
        return _refused(per_capita, lines)

    base, base_line = _base_amount(mode, standard, income, per_capita, members, tiers or ())
    lines.append(base_line)
    extra = ZERO
    if add_ons:
        lines.append("分类施保加发（《最低生活保障审核确认办法》第27条）：")
        for add_on in add_ons:
            extra += to_cents(add_on.per_person(standard) * add_on.persons)
            lines.append(add_on.describe(standard))
    total = base + extra
    lines.append(f"每月低保金合计：{yuan(total)}")
    return DibaoResult(True, total, per_capita, base, extra, tuple(lines))


def _single_amount(
    basis: str, standard: Decimal, per_capita: Decimal, own_income: Decimal
) -> tuple[Decimal, str]:
    if basis == "full_standard":
        return standard, f"按保障标准全额计发：{yuan(standard)}"
    if basis == "own_income":
        amount = max(ZERO, standard - own_income)
        return amount, f"按本人收入计发：{yuan(standard)} − {yuan(own_income)} = {yuan(amount)}"
    amount = max(ZERO, standard - per_capita)
    line = (
        f"按家庭人均收入差额计发：{yuan(standard)} − {yuan(per_capita)}，不低于零，= {yuan(amount)}"
    )
    if amount == ZERO:
        line += "（按此计发方式金额为零，请核对县级单人保计发办法）"
    return amount, line


def single_person_inclusion(
    *,
    standard_monthly: Decimal,
    counted_income_monthly: Decimal,
    members: int,
    disability_type: str = "",
    disability_grade: int | None = None,
    gravely_ill: bool = False,
    property_ok: bool = True,
    property_reasons: Sequence[str] = (),
    edge_factor: Decimal = Decimal("1.5"),
    basis: str = "own_income",
    own_income_monthly: Decimal = ZERO,
    person_name: str = "",
) -> SinglePersonResult:
    """单人保 (S2 art. 8): enrol one severely disabled or gravely ill member of an edge household.

    Edge household (低保边缘家庭): not itself eligible (per-capita income ≥ standard), per-capita
    income below ``edge_factor`` × standard, property within limits. An eligible household is
    enrolled whole instead (S6: no enrolling only some members).

    The amount rule is a county setting candidate, chosen by ``basis``:
    - "own_income" (default): the person counted as a one-person household (按单人户计发):
      standard − the person's own counted income (``own_income_monthly``), floored at zero.
    - "household_gap": standard − household per-capita income, floored at zero. An edge
      household's per-capita income is at or above the standard by definition, so this basis
      always yields ¥0.00; kept only so a county can see why it is not used.
    - "full_standard": the full monthly standard.
    """
    standard = money_arg(standard_monthly, "月保障标准")
    income = money_arg(counted_income_monthly, "家庭月计入收入")
    own_income = money_arg(own_income_monthly, "本人月计入收入")
    count_arg(members, "家庭人数", minimum=1)
    factor = rate_arg(edge_factor, "低保边缘家庭收入倍数")
    if basis not in _SINGLE_BASES:
        raise ValueError(f"未知的单人保计发方式：{basis}")
    who = person_name or "该成员"
    per_capita, per_capita_line = _per_capita(income, members)
    lines = [per_capita_line, f"月保障标准：{yuan(standard)}"]

    def refuse(reason: str) -> SinglePersonResult:
        return SinglePersonResult(False, ZERO, per_capita, (*lines, reason))

    if is_severely_disabled(disability_type, disability_grade):
        label = DISABILITY_LABELS[disability_type]
        lines.append(
            f"{who}为{label}{disability_grade}级，属重度残疾人（《最低生活保障审核确认办法》第8条）"
        )
    elif gravely_ill:
        lines.append(f"{who}患重病（《最低生活保障审核确认办法》第8条）")
    else:
        return refuse(
            f"{who}不属于重度残疾人或重病患者，不适用单人保（《最低生活保障审核确认办法》第8条）"
        )
    if not property_ok:
        lines.extend(f"  {reason}" for reason in property_reasons)
        return refuse("家庭财产状况不符合规定，不属于低保边缘家庭，不适用单人保")
    if per_capita < standard:
        return refuse(
            "家庭人均收入低于保障标准，应整户纳入低保，不得只纳入部分成员（2022年民政部等部门关于做好最低生活保障等社会救助兜底保障工作的通知）"
        )
    edge_limit = to_cents(factor * standard)
    if per_capita >= edge_limit:
        return refuse(
            f"人均月收入{yuan(per_capita)}不低于{format(factor.normalize(), 'f')}倍保障标准"
            f"{yuan(edge_limit)}，不属于低保边缘家庭，不适用单人保"
        )
    lines.append(
        f"人均月收入低于{format(factor.normalize(), 'f')}倍保障标准{yuan(edge_limit)}，"
        "财产符合规定，属低保边缘家庭"
    )
    amount, amount_line = _single_amount(basis, standard, per_capita, own_income)
    lines.append(f"{who}单独纳入低保（单人保），{amount_line}")
    return SinglePersonResult(True, amount, per_capita, tuple(lines))
