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
