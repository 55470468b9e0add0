"""Bank-stage objects for the service-guard matrix: a released payroll with one line, its
result file, and a returned line whose household's account was since changed by an approved
bank change — built directly with the ORM."""

from __future__ import annotations

from decimal import Decimal

from jiuzhu.core import crypto
from jiuzhu.payments.models import BankResultImport, EnrolmentChange, Payroll, PayrollLine

from .payroll_world import payroll_at


def released_with_line(w, place) -> Payroll:
    e = w.enrolment(place)
    e.payroll_from = e.start_month
    e.save(update_fields=["payroll_from"])
    payroll = payroll_at(place.county, status=Payroll.Status.RELEASED, by=place.county_admin)
    PayrollLine.objects.create(
        payroll=payroll,
        seq=1,
        kind=PayrollLine.Kind.REGULAR,
        for_month=payroll.month,
        enrolment=e,
        household=e.household,
        township=e.township,
        village=e.village,
        members=e.members,
        payee_name=e.household.head_name,
        bank_name="农村商业银行",
        bank_account_cipher=crypto.encrypt("6230901234567890123"),
        bank_account_masked="6230***0123",
        amount=Decimal("300.00"),
        line_hash="0" * 64,
    )
    Payroll.objects.filter(pk=payroll.pk).update(line_count=1, total_amount=Decimal("300.00"))
    return payroll


def result_file(payroll: Payroll) -> bytes:
    return f"业务流水号,结果,实发金额,失败原因\n{payroll.number}-1,成功,300.00,\n".encode()


def returned_line(w, place) -> PayrollLine:
    payroll = released_with_line(w, place)
    record = BankResultImport.objects.create(
        payroll=payroll, file_name="r.csv", file_hash="1" * 64, imported_by=place.county_admin
    )
    line = payroll.lines.get()
    PayrollLine.objects.filter(pk=line.pk).update(
        outcome="returned", returned_amount=line.amount, return_reason="销户", result_import=record
    )
    EnrolmentChange.objects.create(
        enrolment=line.enrolment,
        kind=EnrolmentChange.Kind.BANK,
        status=EnrolmentChange.Status.APPROVED,
        effective_month="2026-12",
        old_amount=line.amount,
        new_amount=line.amount,
        reason="",
        created_by=place.officer,
    )
    household = line.household
    household.bank_account_cipher = crypto.encrypt("6217000011112222333")
    household.bank_account_masked = "6217***2333"
    household.save()
    return line


def released_with_texts(user, texts: list[str]) -> Payroll:
    """The export tests' payroll of hostile texts (payroll_world.payroll_with_texts), released,
    every line returned by the bank with the text as its reason."""
    from .payroll_world import payroll_with_texts

    payroll = payroll_with_texts(user, texts)
    Payroll.objects.filter(pk=payroll.pk).update(status=Payroll.Status.RELEASED)
    for line in payroll.lines.all():
        PayrollLine.objects.filter(pk=line.pk).update(
            outcome="returned", returned_amount=line.amount, return_reason=line.payee_name
        )
    return payroll
