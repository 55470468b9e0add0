"""Builders for the payment-cycle tests: a decided application with its enrolment, and a
generated regular payroll with one line, made directly with the ORM."""

from __future__ import annotations

import itertools
from decimal import Decimal

from django.utils import timezone

from jiuzhu.cases.models import Application
from jiuzhu.payments.models import Adjustment, Enrolment, EnrolmentChange, Payroll, PayrollLine
from jiuzhu.programmes.models import Programme

_serial = itertools.count(1)


def enrolment(
    household,
    *,
    created_by,
    programme="dibao_rural",
    amount="300.00",
    start_month="2026-01",
    payroll_from="2026-01",
    members=2,
) -> Enrolment:
    n = next(_serial)
    app = Application.objects.create(
        number=f"SQ-P-{n:06d}",
        household=household,
        programme=Programme.objects.get(code=programme),
        county=household.county,
        township=household.township,
        village=household.village,
        status="enrolled",
        reason="生活困难",
        created_by=created_by,
        decided_by=created_by,
        decided_on=timezone.localdate(),
        decided_at=timezone.now(),
        decision_reason="测试",
        monthly_amount=Decimal(amount),
    )
    return Enrolment.objects.create(
        household=household,
        programme=app.programme,
        application=app,
        county=household.county,
        township=household.township,
        village=household.village,
        members=members,
        monthly_amount=Decimal(amount),
        start_month=start_month,
        payroll_from=payroll_from,
        created_by=created_by,
    )


def payroll_with_line(e: Enrolment, *, month: str, amount: str, generated_by) -> Payroll:
    """A generated regular payroll for the enrolment's county, programme and `month`, paying the
    enrolment `amount` (no line when amount is None)."""
    n = next(_serial)
    payroll = Payroll.objects.create(
        county=e.county,
        programme=e.programme,
        month=month,
        number=f"FF-T-{n:06d}",
        generated_by=generated_by,
    )
    if amount is not None:
        PayrollLine.objects.create(
            payroll=payroll,
            seq=1,
            kind=PayrollLine.Kind.REGULAR,
            for_month=month,
            enrolment=e,
            household=e.household,
            township=e.township,
            village=e.village,
            members=e.members,
            payee_name=e.household.head_name,
            amount=Decimal(amount),
            line_hash="0" * 64,
        )
    return payroll


def submitted_change(e: Enrolment, *, created_by, kind="suspend") -> EnrolmentChange:
    """A change awaiting the county's approval, as a township would have submitted it."""
    return EnrolmentChange.objects.create(
        enrolment=e,
        kind=kind,
        status=EnrolmentChange.Status.SUBMITTED,
        effective_month="2027-01",
        payroll_month="2027-01",
        old_amount=e.monthly_amount,
        new_amount=e.monthly_amount,
        reason="外出务工",
        created_by=created_by,
    )


def computed_adjustment(county, *, created_by) -> Adjustment:
    """A computed re-pricing of the county's rural dibao with no differences, awaiting
    application."""
    return Adjustment.objects.create(
        county=county,
        programme=Programme.objects.get(code="dibao_rural"),
        from_month="2026-10",
        reason="提高农村低保标准",
        created_by=created_by,
    )
