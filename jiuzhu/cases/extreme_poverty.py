"""Extreme-poverty intake (S3): the applicant's legal supporters and the six-item self-care
assessment, recorded on the case and used by the benefit calculation."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit
from jiuzhu.core.errors import Conflict, ValidationFailed
from jiuzhu.programmes import rules

from .access import locked_application
from .models import SelfCareAssessment, SupporterRecord
from .step_checks import checked_date
from .step_dates import StepKind
from .workflow import DECIDED_STATUSES

PROGRAMMES = {"extreme_poverty_centralised", "extreme_poverty_dispersed"}


def _open_extreme_poverty_case(actor, application_id: int):
    app = locked_application(actor, application_id, Perm.HANDLE_CASES)
    if app.programme.code not in PROGRAMMES:
        raise ValidationFailed("只有特困人员救助供养申请需要登记义务人和生活自理能力评估")
    if app.status in DECIDED_STATUSES:
        raise Conflict("该申请已作出决定，不能再修改调查内容")
    return app


@transaction.atomic
def supporter_add(
    *,
    actor,
    application_id: int,
    name: str,
    relation: str,
    age: int,
    monthly_income: Decimal,
    is_extreme_poverty: bool = False,
    is_dibao: bool = False,
    severely_disabled: bool = False,
    missing: bool = False,
    in_prison: bool = False,
) -> SupporterRecord:
    app = _open_extreme_poverty_case(actor, application_id)
    if monthly_income < 0:
        raise ValidationFailed("义务人月收入不能为负数")
    record = SupporterRecord.objects.create(
        application=app,
        name=name,
        relation=relation,
        age=age,
        monthly_income=monthly_income,
        is_extreme_poverty=is_extreme_poverty,
        is_dibao=is_dibao,
        severely_disabled=severely_disabled,
        missing=missing,
        in_prison=in_prison,
        recorded_by=actor,
    )
    audit.record(
        action="case.supporter_add",
        actor=actor,
        obj=app,
        household_id=app.household_id,
        new={"name": name, "relation": relation, "age": age, "monthly_income": monthly_income},
    )
    return record


@transaction.atomic
def self_care_assess(
    *,
    actor,
    application_id: int,
    failed_items: list[str],
    assessed_on: date,
    late_reason: str = "",
) -> SelfCareAssessment:
    app = _open_extreme_poverty_case(actor, application_id)
    try:
        result = rules.self_care_assessment(failed_items)
    except ValueError as exc:
        raise ValidationFailed(str(exc)) from exc
    entered = checked_date(app, StepKind.SELF_CARE, assessed_on, late_reason)
    assessment = SelfCareAssessment.objects.create(
        application=app,
        assessed_on=assessed_on,
        late_reason=entered.late_reason,
        failed_items=list(result.failed_items),
        level=result.level,
        assessed_by=actor,
    )
    audit.record(
        action="case.self_care_assess",
        actor=actor,
        obj=app,
        household_id=app.household_id,
        new={
            "level": result.level,
            "failed_items": list(result.failed_items),
            **entered.event_data(),
        },
    )
    return assessment


def supporters_of(app) -> list[rules.Supporter]:
    return [
        rules.Supporter(
            relation=s.relation,
            age=s.age,
            is_extreme_poverty=s.is_extreme_poverty,
            is_dibao=s.is_dibao,
            monthly_income=s.monthly_income,
            severely_disabled=s.severely_disabled,
            missing=s.missing,
            in_prison=s.in_prison,
            name=s.name,
        )
        for s in app.supporters.all()
    ]
