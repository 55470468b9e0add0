"""补发 (arrears): when an approved change raises what an enrolment is due for a month whose
regular payroll is already generated, the difference is owed as an ``Arrears`` row per month and
paid as an ARREARS line of the next payroll. A generated payroll is never edited.

Called by the services that approve a change (payments.changes, payments.adjustments), inside
their transaction: it checks no actor of its own."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from jiuzhu.core.month import Month
from jiuzhu.programmes.catalogue import SettingKey
from jiuzhu.programmes.selectors import setting_value

from . import rules
from .models import Arrears, Enrolment, EnrolmentChange, Payroll, PayrollLine

# The lines of a regular payroll that pay an enrolment's own amount for the month.
PAID_KINDS = (
    PayrollLine.Kind.REGULAR,
    PayrollLine.Kind.CARE,
    PayrollLine.Kind.GRANT,
    PayrollLine.Kind.YEARLY,
)


def generated_months(*, county_id: int, programme_id: int) -> list[str]:
    """Months whose regular payroll (batch 1) for the county and programme exists."""
    return sorted(
        Payroll.objects.filter(
            county_id=county_id,
            programme_id=programme_id,
            kind=Payroll.Kind.REGULAR,
            batch=1,
        ).values_list("month", flat=True)
    )


def change_facts(enrolment: Enrolment) -> list[rules.ChangeFact]:
    """The enrolment's approved changes as the payroll reads them."""
    return [
        rules.ChangeFact(c.pk, c.kind, c.effective_month, c.old_amount, c.new_amount)
        for c in enrolment.changes.filter(status=EnrolmentChange.Status.APPROVED)
    ]


def pays_in(enrolment: Enrolment, month: str) -> bool:
    """Whether the programme's payment kind pays in `month` at all: once-only grants in their
    start month, yearly grants (R14) in the county's payment month."""
    payment = enrolment.programme.payment
    if payment == "once":
        return month == enrolment.start_month
    if payment == "yearly":
        m = Month.parse(month)
        pay_month = setting_value(
            county=enrolment.county, key=SettingKey.HEATING_PAY_MONTH, on=m.first_day
        )
        return m.month == int(pay_month)
    return True


def due(enrolment: Enrolment, month: str, facts=None) -> Decimal:
    """What the enrolment is due for `month` after its approved changes (R12)."""
    if not pays_in(enrolment, month):
        return Decimal("0.00")
    result = rules.due_for_month(
        month=month,
        payroll_from=enrolment.payroll_from,
        start_month=enrolment.start_month,
        end_month=enrolment.end_month,
        current_amount=enrolment.monthly_amount,
        changes=change_facts(enrolment) if facts is None else facts,
    )
    return result.amount if result.paid else Decimal("0.00")


def already_paid(enrolment: Enrolment, month: str) -> Decimal:
    """What the month's regular payroll paid the enrolment, plus arrears already owed for it."""
    lines = PayrollLine.objects.filter(
        enrolment=enrolment,
        for_month=month,
        kind__in=PAID_KINDS,
        payroll__kind=Payroll.Kind.REGULAR,
        payroll__batch=1,
        payroll__month=month,
    ).aggregate(total=Sum("amount"))["total"] or Decimal("0")
    owed = Arrears.objects.filter(enrolment=enrolment, for_month=month).aggregate(
        total=Sum("amount")
    )["total"] or Decimal("0")
    return lines + owed


def arrears_for(change: EnrolmentChange) -> list[Arrears]:
    """Arrears rows for the months from the change's effective month whose regular payroll is
    generated and paid less than is now due. Returns the rows written."""
    enrolment = change.enrolment
    facts = change_facts(enrolment)
    written = []
    months = generated_months(county_id=enrolment.county_id, programme_id=enrolment.programme_id)
    for month in months:
        if month < change.effective_month:
            continue
        gap = due(enrolment, month, facts) - already_paid(enrolment, month)
        if gap > 0:
            written.append(
                Arrears.objects.create(
                    enrolment=enrolment,
                    for_month=month,
                    amount=gap,
                    reason=f"{change.get_kind_display()}（{change.effective_month}起）补发"
                    f"{Month.parse(month).label}差额",
                    change=change,
                )
            )
    return written
