"""The benefit of a case or an enrolment, computed from the household's recorded facts by the
pure rules with the parameters in force on a date, with the explanation an officer reads (S2 arts.
13, 14, 23, 27; R11, R12, R14, R15, R16).

It sits with the programmes, below both the application workflow and the payments, so that the
workflow computes a case's amount and the payment cycle re-prices an enrolment with one piece of
code. The caller describes what is to be priced as a ``BenefitCase``."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from jiuzhu.core.errors import ValidationFailed
from jiuzhu.core.money import CENT, format_yuan
from jiuzhu.core.month import format_date_cn

from . import rules
from . import selectors as params
from .catalogue import DIBAO_MODE_TIERED, dibao_code
from .models import Standard

DIBAO = {"dibao_urban", "dibao_rural"}
EXTREME_POVERTY = {"extreme_poverty_centralised", "extreme_poverty_dispersed"}
FINANCIAL = {"deposit", "securities", "insurance", "receivable", "online_finance"}


@dataclass(frozen=True)
class BenefitCase:
    """What is priced: a household (or one member of it, 单人保) under a programme in a county,
    with what the intake recorded beyond the registry (temporary assistance's tier or requested
    sum, a 一事一议 amount, extreme poverty's supporters and self-care assessment)."""

    county: Any  # regions.Region
    programme_code: str
    household: Any  # registry.Household
    applicant: Any = None  # registry.Person for 单人保 / the extreme-poverty applicant
    requested_amount: Decimal | None = None
    temporary_tier: str = ""
    one_case_amount: Decimal | None = None
    one_case_held_on: date | None = None
    supporters: tuple[rules.Supporter, ...] = ()
    self_care_failed_items: tuple[str, ...] | None = None  # None: not assessed yet


@dataclass(frozen=True)
class Benefit:
    eligible: bool
    amount: Decimal  # monthly, or the one-off sum for temporary assistance, yearly for heating
    lines: tuple[str, ...]
    care_amount: Decimal = Decimal("0.00")  # the care subsidy within `amount` (R16)


def monthly_standard(standard: Standard) -> Decimal:
    if standard.period == Standard.Period.YEARLY:
        return rules.yearly_to_monthly(standard.amount)
    return standard.amount


def _dibao_standard(case: BenefitCase, on: date) -> tuple[Decimal, str]:
    code = dibao_code(case.household.area_type)
    standard = params.standard_in_force(
        county=case.county, programme_code=code, area=case.household.area_type, on=on
    )
    monthly = monthly_standard(standard)
    return monthly, (
        f"适用{standard.programme.name}标准{format_yuan(standard.amount)}"
        f"{standard.get_period_display()}（{format_date_cn(standard.effective_from)}起执行），"
        f"折合每人每月{format_yuan(monthly)}"
    )


def _months(start: date, end: date) -> int:
    return max(1, round((end - start).days / 30.44))


def _income(household, person=None) -> rules.CountedIncome:
    """Counted monthly income of the household, or of one member only (单人保)."""
    facts = household.incomes.select_related("person")
    if person is not None:
        facts = facts.filter(person=person)
    return rules.counted_income([_income_item(f) for f in facts])


def _income_item(fact) -> rules.IncomeItem:
    return rules.IncomeItem(
        category=fact.category,
        amount=fact.amount,
        months=_months(fact.period_start, fact.period_end),
        person_name=fact.person.name if fact.person else "",
    )


def _property(case: BenefitCase, members: int, standard: Decimal, on: date) -> rules.PropertyResult:
    limits = rules.PropertyLimits(
        financial_months_per_person=int(
            params.setting_value(county=case.county, key="financial_months_per_person", on=on)
        ),
        max_vehicles=int(params.setting_value(county=case.county, key="max_vehicles", on=on)),
    )
    assets = [
        rules.AssetItem(
            kind=a.kind,
            value=a.value if a.kind not in FINANCIAL else (a.value or Decimal("0")),
            quantity=a.quantity,
            is_disability_vehicle=a.is_disability_vehicle,
        )
        for a in case.household.assets.all()
    ]
    return rules.assess_property(
        assets=assets, members=members, standard_monthly=standard, limits=limits
    )


def _add_ons(case: BenefitCase, people, on: date, standard: Decimal) -> list[rules.AddOn]:
    qualifies = {
        "elderly": lambda p, age: age >= 60,
        "minor": lambda p, age: age < 18,
        "severe_disability": lambda p, age: rules.is_severely_disabled(
            p.disability_type, p.disability_grade
        ),
        "serious_illness": lambda p, age: p.health_status == "serious",
    }
    result = []
    for rate in params.add_ons_in_force(county=case.county, on=on):
        persons = sum(1 for p in people if qualifies[rate.kind](p, p.age_on(on)))
        if persons:
            result.append(
                rules.AddOn(
                    kind=rate.kind,
                    label=rate.get_kind_display(),
                    rate=rate.rate,
                    fixed=rate.fixed,
                    persons=persons,
                )
            )
    return result


def _dibao_mode(case: BenefitCase, on: date) -> tuple[str, list[rules.Tier], tuple[str, ...]]:
    """The county's 低保计发方式 on `on` and, when tiered, the tier table of the household's area
    in force then (S1 art. 12, S2 art. 23), with the lines that say which applied."""
    mode = params.dibao_mode(county=case.county, on=on)
    if mode != DIBAO_MODE_TIERED:
        return mode, [], ()  # the rule's own line says 按差额计发
    area = case.household.area_type
    rows = params.dibao_tiers_in_force(county=case.county, area=area, on=on)
    if not rows:
        area_label = Standard.Area(area).label if area in Standard.Area.values else area
        raise ValidationFailed(
            f"本县低保计发方式为分档计发，但{format_date_cn(on)}没有生效的低保分档设置"
            f"（{area_label}），无法计算金额；请县级管理员在“保障标准与参数”中录入低保分档"
        )
    table = "；".join(
        f"第{r.level}档人均月收入不超过{format_yuan(r.max_per_capita_income)}的"
        f"每人{format_yuan(r.amount_per_person)}"
        for r in rows
    )
    first = rows[0]
    note = f"，依据{first.note}" if first.note else ""
    return (
        mode,
        [rules.Tier(r.max_per_capita_income, r.amount_per_person) for r in rows],
        (
            f"本县低保计发方式：分档计发，适用{first.get_area_display()}低保分档"
            f"（{format_date_cn(first.effective_from)}起执行{note}）：{table}",
        ),
    )


def _single_person(
    case: BenefitCase, on: date, people, standard, standard_line, income, prop
) -> Benefit:
    """单人保 (S2 art. 8): a dibao application naming one member is that member's own inclusion.
    Its amount follows the 单人保 basis, not the county's gap or tier mode."""
    person = case.applicant
    own = _income(case.household, person)
    result = rules.single_person_inclusion(
        standard_monthly=standard,
        counted_income_monthly=income.monthly_total,
        members=len(people),
        disability_type=person.disability_type,
        disability_grade=person.disability_grade,
        gravely_ill=person.health_status == "serious",
        property_ok=prop.passed,
        property_reasons=prop.reasons,
        edge_factor=params.setting_value(county=case.county, key="single_person_factor", on=on),
        own_income_monthly=own.monthly_total,
        person_name=person.name,
    )
    tiered = params.dibao_mode(county=case.county, on=on) == DIBAO_MODE_TIERED
    mode_line = (
        ("本县低保计发方式为分档计发；单人保按单人保计发办法计算金额，不适用分档",)
        if tiered
        else ()
    )
    return Benefit(
        result.eligible,
        result.monthly_amount,
        (standard_line, *mode_line, *income.lines, *prop.lines, *result.lines),
    )


def _dibao(case: BenefitCase, on: date) -> Benefit:
    people = list(case.household.members.all())
    standard, standard_line = _dibao_standard(case, on)
    income = _income(case.household)
    prop = _property(case, len(people), standard, on)
    if case.applicant is not None:
        return _single_person(case, on, people, standard, standard_line, income, prop)
    mode, tiers, mode_lines = _dibao_mode(case, on)
    try:
        result = rules.dibao_amount(
            standard_monthly=standard,
            counted_income_monthly=income.monthly_total,
            members=len(people),
            mode=mode,
            tiers=tiers,
            add_ons=_add_ons(case, people, on, standard),
            property_ok=prop.passed,
            property_reasons=prop.reasons,
        )
    except ValueError as exc:  # e.g. the tier table does not reach this household's income
        if mode != DIBAO_MODE_TIERED:
            raise
        raise ValidationFailed(f"{exc}，无法计算金额；请县级管理员调整低保分档设置") from exc
    return Benefit(
        result.eligible,
        result.monthly_amount,
        (standard_line, *mode_lines, *income.lines, *prop.lines, *result.lines),
    )


def _extreme_poverty(case: BenefitCase, on: date) -> Benefit:
    person = case.applicant or case.household.members.filter(relation="self").first()
    people = case.household.members.count()
    standard, standard_line = _dibao_standard(case, on)
    income = _income(case.household)
    per_capita = (income.monthly_total / people).quantize(CENT)
    prop = _property(case, people, standard, on)
    eligibility = rules.extreme_poverty_eligible(
        age=person.age_on(on),
        per_capita_income_monthly=per_capita,
        dibao_standard_monthly=standard,
        low_income_threshold_monthly=standard,
        disability_type=person.disability_type,
        disability_grade=person.disability_grade,
        property_ok=prop.passed,
        property_reasons=prop.reasons,
        supporters=list(case.supporters),
    )
    living = rules.basic_living_standard(
        params.setting_value(county=case.county, key="prev_year_consumption", on=on),
        standard,
        share=params.setting_value(county=case.county, key="ep_consumption_share", on=on),
        factor=params.setting_value(county=case.county, key="ep_dibao_factor", on=on),
    )
    care_lines, care = _care(case, on)
    amount = (living.monthly + care) if eligibility.eligible else Decimal("0.00")
    total = (
        (
            f"合计每月{format_yuan(amount)}（基本生活标准{format_yuan(living.monthly)}"
            f" + 照料护理补贴{format_yuan(care)}）"
        )
        if eligibility.eligible
        else "不符合特困人员条件"
    )
    return Benefit(
        eligibility.eligible,
        amount,
        (
            standard_line,
            *income.lines,
            *prop.lines,
            *eligibility.lines,
            *living.lines,
            *care_lines,
            total,
        ),
        care if eligibility.eligible else Decimal("0.00"),
    )


def _care(case: BenefitCase, on: date) -> tuple[tuple[str, ...], Decimal]:
    """The care subsidy from the latest six-item assessment (S3), if one was made."""
    if case.self_care_failed_items is None:
        return ("尚未进行生活自理能力评估，照料护理补贴暂不计发",), Decimal("0.00")
    graded = rules.self_care_assessment(list(case.self_care_failed_items))
    rates = {r.level: r.amount for r in params.care_rates_in_force(county=case.county, on=on)}
    subsidy = rules.care_subsidy(graded.level, rates)
    return (*graded.lines, *subsidy.lines), subsidy.monthly_amount


def _temporary(case: BenefitCase, on: date) -> Benefit:
    standard, standard_line = _dibao_standard(case, on)
    if case.one_case_amount:
        return Benefit(
            True,
            case.one_case_amount,
            (
                standard_line,
                f"经{format_date_cn(case.one_case_held_on)}一事一议，确定救助金额"
                f"{format_yuan(case.one_case_amount)}",
            ),
        )
    tiers = {t.code: t for t in params.temporary_tiers_in_force(county=case.county, on=on)}
    tier = tiers.get(case.temporary_tier)
    if tier is None:
        amount = case.requested_amount or Decimal("0.00")
        return Benefit(
            amount > 0,
            amount,
            (standard_line, f"未选择救助档次，按申请金额{format_yuan(amount)}计"),
        )
    result = rules.temporary_amount(
        rules.TempTier(
            code=tier.code,
            label=tier.label,
            category=tier.category,
            multiple_of_monthly_standard=tier.multiple,
            max_amount=tier.max_amount,
        ),
        standard,
    )
    return Benefit(True, result.amount, (standard_line, *result.lines))


def _flat(case: BenefitCase, on: date) -> Benefit:
    standard = params.standard_in_force(
        county=case.county, programme_code=case.programme_code, area=case.household.area_type, on=on
    )
    if case.programme_code == "heating":
        result = rules.heating_amount("dispersed", standard.amount)
        return Benefit(True, result.amount_yearly, result.lines)
    amount = monthly_standard(standard)
    return Benefit(
        True,
        amount,
        (
            f"{standard.programme.name}标准{format_yuan(standard.amount)}"
            f"{standard.get_period_display()}，每月发放{format_yuan(amount)}",
        ),
    )


def calculate(case: BenefitCase, on: date) -> Benefit:
    """The benefit for `case` with the parameters in force on `on` (R12)."""
    code = case.programme_code
    if code in DIBAO:
        return _dibao(case, on)
    if code in EXTREME_POVERTY:
        return _extreme_poverty(case, on)
    if code == "temporary":
        return _temporary(case, on)
    return _flat(case, on)


def counted_income_by_household(household_ids) -> dict[int, rules.CountedIncome]:
    """Counted monthly income (S2 art. 13) of many households in one query (cross-checks R6/R7);
    a household without income facts is absent."""
    from jiuzhu.registry.selectors import household_income_facts

    return {
        hid: rules.counted_income([_income_item(f) for f in facts])
        for hid, facts in household_income_facts(household_ids).items()
    }
