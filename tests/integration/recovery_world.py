"""Builders for the recoveries, deaths and reviews tests: an enrolment of a household (or of
one person) and paid payroll lines, made directly with the ORM."""

from __future__ import annotations

import itertools
from decimal import Decimal

from jiuzhu.cases.models import Application
from jiuzhu.payments.models import Enrolment, Payroll, PayrollLine
from jiuzhu.programmes.models import Programme

_serial = itertools.count(1)


def enrolment(
    household,
    user,
    *,
    programme: str = "dibao_rural",
    person=None,
    members: int | None = None,
    amount: str = "600.00",
    start: str = "2026-01",
) -> Enrolment:
    n = next(_serial)
    app = Application.objects.create(
        number=f"SQ-R-{n:06d}",
        household=household,
        applicant=person,
        programme=Programme.objects.get(code=programme),
        county_id=household.county_id,
        township_id=household.township_id,
        village_id=household.village_id,
        status="enrolled",
        reason="生活困难",
        created_by=user,
    )
    return Enrolment.objects.create(
        household=household,
        person=person,
        programme=app.programme,
        application=app,
        county_id=household.county_id,
        township_id=household.township_id,
        village_id=household.village_id,
        members=members if members is not None else (1 if person else household.members.count()),
        monthly_amount=Decimal(amount),
        start_month=start,
        payroll_from=start,
        created_by=user,
    )


def paid_line(
    e: Enrolment, month: str, user, *, amount: str | None = None, outcome: str = "paid"
) -> PayrollLine:
    payroll, _ = Payroll.objects.get_or_create(
        county_id=e.county_id,
        programme_id=e.programme_id,
        month=month,
        kind="regular",
        batch=1,
        defaults={"number": f"FF-{next(_serial):06d}", "generated_by": user},
    )
    value = Decimal(amount) if amount else e.monthly_amount
    seq = payroll.lines.count() + 1
    return PayrollLine.objects.create(
        payroll=payroll,
        seq=seq,
        kind="regular",
        for_month=month,
        enrolment=e,
        household_id=e.household_id,
        township_id=e.township_id,
        village_id=e.village_id,
        members=e.members,
        payee_name="户主",
        amount=value,
        line_hash="x" * 64,
        outcome=outcome,
        paid_amount=value if outcome == "paid" else Decimal("0"),
        returned_amount=value if outcome == "returned" else Decimal("0"),
    )
