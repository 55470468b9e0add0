"""Re-issue of returned lines (payments.bank_services.payroll_line_reissue): only after an
approved bank-account change made after the return, once per line, never for a stopped
enrolment; a REISSUE line of the month's open supplementary payroll, the original untouched."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from jiuzhu.core import crypto
from jiuzhu.core.errors import ValidationFailed
from jiuzhu.core.models import AuditEntry
from jiuzhu.core.month import Month
from jiuzhu.payments import bank_services
from jiuzhu.payments.models import Enrolment, EnrolmentChange, Payroll, PayrollLine
from jiuzhu.payments.payroll import payroll_verify
from tests.integration.test_bank_result import ref, released_payroll, result_csv

NEW_ACCOUNT = "6217000011112222333"


@pytest.fixture(autouse=True)
def _parse_in_process(settings):
    settings.JIUZHU_UPLOAD_PARSE_IN_PROCESS = True


@pytest.fixture
def returned(users, make_household):
    """A released payroll whose line 1 was paid and lines 2 and 3 returned by the bank."""
    payroll = released_payroll(users, make_household)
    bank_services.bank_result_import(
        actor=users["finance"],
        payroll_id=payroll.pk,
        file_name="反馈.csv",
        data=result_csv(
            [
                [ref(payroll, 1), "成功", "350.00", ""],
                [ref(payroll, 2), "退回", "", "账户已销户"],
                [ref(payroll, 3), "退回", "", "户名不符"],
            ]
        ),
    )
    return payroll


def bank_change(line: PayrollLine, user, *, approved=True, account=NEW_ACCOUNT):
    """What the approved bank-account change leaves behind: the change and the new account."""
    change = EnrolmentChange.objects.create(
        enrolment=line.enrolment,
        kind=EnrolmentChange.Kind.BANK,
        status=EnrolmentChange.Status.APPROVED if approved else EnrolmentChange.Status.SUBMITTED,
        effective_month="2026-12",
        old_amount=line.amount,
        new_amount=line.amount,
        reason="",
        new_bank_name="中国农业银行",
        new_bank_account_cipher=crypto.encrypt(account),
        created_by=user,
    )
    if approved:
        household = line.household
        household.bank_name = "中国农业银行"
        household.bank_account_cipher = crypto.encrypt(account)
        household.bank_account_masked = account[:4] + "***" + account[-4:]
        household.save()
    return change


def line(payroll, seq):
    return PayrollLine.objects.get(payroll=payroll, seq=seq)


def test_reissue_after_the_approved_account_change(users, returned):
    original = line(returned, 2)
    frozen = PayrollLine.objects.filter(pk=original.pk).values().get()
    with pytest.raises(ValidationFailed, match="尚未经审批变更"):
        bank_services.payroll_line_reissue(actor=users["finance"], line_id=original.pk)
    bank_change(original, users["officer_a"], approved=False)
    with pytest.raises(ValidationFailed, match="尚未经审批变更"):
        bank_services.payroll_line_reissue(actor=users["finance"], line_id=original.pk)
    bank_change(original, users["officer_a"])

    new = bank_services.payroll_line_reissue(actor=users["finance"], line_id=original.pk)

    supplementary = new.payroll
    assert supplementary.kind == Payroll.Kind.SUPPLEMENTARY
    assert supplementary.status == Payroll.Status.GENERATED and supplementary.batch == 1
    assert supplementary.month == str(Month.of(timezone.localdate()))
    assert supplementary.county_id == returned.county_id
    assert supplementary.programme_id == returned.programme_id
    assert new.kind == PayrollLine.Kind.REISSUE and new.reissue_of_id == original.pk
    assert new.amount == Decimal("500.00") and new.for_month == "2026-11"
    assert crypto.decrypt(new.bank_account_cipher) == NEW_ACCOUNT
    assert new.bank_name == "中国农业银行" and new.outcome == PayrollLine.Outcome.PENDING
    assert PayrollLine.objects.filter(pk=original.pk).values().get() == frozen  # untouched
    supplementary.refresh_from_db()
    assert supplementary.line_count == 1 and supplementary.total_amount == Decimal("500.00")
    assert payroll_verify(supplementary).ok  # the new line and the digest are signed
    assert AuditEntry.objects.filter(action="bank.reissue", actor=users["finance"]).count() == 1

    with pytest.raises(ValidationFailed, match="已经重发过"):
        bank_services.payroll_line_reissue(actor=users["finance"], line_id=original.pk)

    # another returned line joins the same open supplementary payroll
    third = line(returned, 3)
    bank_change(third, users["officer_b"], account="6217000011114444555")
    other = bank_services.payroll_line_reissue(actor=users["finance"], line_id=third.pk)
    assert other.payroll_id == supplementary.pk and other.seq == 2
    supplementary.refresh_from_db()
    assert supplementary.line_count == 2 and payroll_verify(supplementary).ok


def test_an_approved_supplementary_payroll_takes_no_more_lines(users, returned):
    second, third = line(returned, 2), line(returned, 3)
    bank_change(second, users["officer_a"])
    bank_change(third, users["officer_b"], account="6217000011114444555")
    first = bank_services.payroll_line_reissue(actor=users["finance"], line_id=second.pk)
    Payroll.objects.filter(pk=first.payroll_id).update(status=Payroll.Status.APPROVED)
    later = bank_services.payroll_line_reissue(actor=users["finance"], line_id=third.pk)
    assert later.payroll_id != first.payroll_id
    assert later.payroll.batch == 2 and later.payroll.number.endswith("BC2")


def test_not_for_a_paid_line_nor_a_stopped_enrolment(users, returned):
    with pytest.raises(ValidationFailed, match="只有银行退回"):
        bank_services.payroll_line_reissue(actor=users["finance"], line_id=line(returned, 1).pk)
    stopped = line(returned, 2)
    bank_change(stopped, users["officer_a"])
    Enrolment.objects.filter(pk=stopped.enrolment_id).update(status=Enrolment.Status.STOPPED)
    with pytest.raises(ValidationFailed, match="已停保"):
        bank_services.payroll_line_reissue(actor=users["finance"], line_id=stopped.pk)
    assert not PayrollLine.objects.filter(kind=PayrollLine.Kind.REISSUE).exists()


def test_a_bank_change_before_the_return_does_not_count(users, make_household):
    payroll = released_payroll(users, make_household, amounts=("350.00",))
    early = line(payroll, 1)
    bank_change(early, users["officer_a"])  # approved before the bank returned the line
    bank_services.bank_result_import(
        actor=users["finance"],
        payroll_id=payroll.pk,
        file_name="r.csv",
        data=result_csv([[ref(payroll, 1), "退回", "", "账户冻结"]]),
    )
    with pytest.raises(ValidationFailed, match="尚未经审批变更"):
        bank_services.payroll_line_reissue(actor=users["finance"], line_id=early.pk)


def test_only_finance_and_only_in_its_county(users, returned):
    original = line(returned, 2)
    bank_change(original, users["officer_a"])
    with pytest.raises(Exception, match="财务"):
        bank_services.payroll_line_reissue(actor=users["county"], line_id=original.pk)
    assert not PayrollLine.objects.filter(reissue_of=original).exists()
