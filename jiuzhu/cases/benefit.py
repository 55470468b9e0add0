"""A case as the benefit calculation sees it (programmes.benefit): the household, the programme
and what the intake recorded on the case."""

from datetime import date

from jiuzhu.programmes.benefit import Benefit, BenefitCase
from jiuzhu.programmes.benefit import calculate as calculate_benefit

from .extreme_poverty import supporters_of
from .models import Application


def benefit_case(app: Application) -> BenefitCase:
    assessment = app.self_care.order_by("-assessed_on", "-id").first()
    return BenefitCase(
        county=app.county,
        programme_code=app.programme.code,
        household=app.household,
        applicant=app.applicant,
        requested_amount=app.requested_amount,
        temporary_tier=app.temporary_tier,
        one_case_amount=app.one_case_amount,
        one_case_held_on=app.one_case_held_on,
        supporters=tuple(supporters_of(app)),
        self_care_failed_items=tuple(assessment.failed_items) if assessment else None,
    )


def calculate(app: Application, on: date) -> Benefit:
    """The case's benefit with the parameters in force on `on` (R12)."""
    return calculate_benefit(benefit_case(app), on)


# Words with which the rules' lines state why a case is not eligible.
_REFUSAL_WORDS = ("不符合", "不适用", "不属于")


def stop_reason(result: Benefit) -> str | None:
    """Why the case cannot go to the notice as calculated (ineligible, or nothing to pay),
    named from the calculation's own lines; None when it can."""
    if result.eligible and result.amount > 0:
        return None
    stated = [
        line.strip()
        for line in result.lines
        if any(word in line for word in _REFUSAL_WORDS) and not line.startswith(" ")
    ]
    concluded = [line for line in stated if line.startswith("结论")]
    if stated:
        return (concluded or stated)[-1]
    last = result.lines[-1].strip() if result.lines else ""
    return f"计算金额为零（{last}）" if last else "计算金额为零"
