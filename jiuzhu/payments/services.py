"""Enrolments: created only from a confirmed application (ARCHITECTURE: the cases service calls
this), paid from the month after the decision (S2 art. 21)."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from jiuzhu.core import audit
from jiuzhu.core.month import Month

from .models import Enrolment


@transaction.atomic
def enrolment_create_from(*, application, actor, monthly_amount: Decimal, decided_on: date) -> Enrolment:
    members = 1 if application.applicant_id else application.household.members.count()
    enrolment = Enrolment.objects.create(
        household=application.household, person=application.applicant,
        programme=application.programme, application=application, county_id=application.county_id,
        township_id=application.township_id, village_id=application.village_id, members=members,
        monthly_amount=monthly_amount, start_month=str(Month.of(decided_on).next()), created_by=actor)
    audit.record(action="enrolment.create", actor=actor, obj=enrolment,
                 household_id=application.household_id,
                 new={"programme": application.programme.code, "monthly_amount": monthly_amount,
                      "start_month": enrolment.start_month, "members": members,
                      "application": application.number})
    return enrolment
