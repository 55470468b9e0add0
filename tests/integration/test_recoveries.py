"""Recoveries (追回): opening from paid lines, repayments, write-off by another person, the
ledger and its jurisdiction."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.http import Http404
from django.utils import timezone

from jiuzhu.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiuzhu.core.models import AuditEntry
from jiuzhu.payments import recovery_selectors as selectors
from jiuzhu.payments.recoveries import (
    person_share,
    recovery_open,
    recovery_record_payment,
    recovery_write_off,
)
from tests.conftest import TOWNSHIP_B

from .recovery_world import enrolment, paid_line

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def reviewer(make_user):
    return make_user("reviewer", "county_reviewer", "433123000000")


def test_person_share_rounds_half_up_once():
    assert person_share(Decimal("1000.00"), members=3, whole=False) == Decimal("333.33")
    assert person_share(Decimal("100.01"), members=2, whole=False) == Decimal("50.01")
    assert person_share(Decimal("100.01"), members=2, whole=True) == Decimal("100.01")


def test_lifecycle_partial_then_full(users, make_household):
    officer = users["officer_a"]
    h = make_household()
    e = enrolment(h, officer)
    lines = [paid_line(e, m, officer) for m in ("2026-03", "2026-04")]
    paid_line(e, "2026-05", officer, outcome="returned")
    r = recovery_open(
        actor=officer,
        household_id=h.pk,
        cause="wrongful",
        lines=[line.pk for line in lines],
        enrolment_id=e.pk,
        source="核查发现#1",
    )
    assert r.amount == Decimal("1200.00") and r.status == "pending"
    assert r.months == "2026年3月、2026年4月"
    r = recovery_record_payment(
        actor=officer, recovery_id=r.pk, amount=Decimal("500.00"), paid_on=TODAY, note="首次"
    )
    assert (r.status, r.recovered_amount) == ("partial", Decimal("500.00"))
    with pytest.raises(ValidationFailed, match="超过尚未追回"):
        recovery_record_payment(
            actor=officer, recovery_id=r.pk, amount=Decimal("700.01"), paid_on=TODAY
        )
    r = recovery_record_payment(
        actor=officer, recovery_id=r.pk, amount=Decimal("700.00"), paid_on=TODAY
    )
    assert (r.status, r.recovered_amount) == ("recovered", Decimal("1200.00"))
    assert r.payments.count() == 2
    with pytest.raises(Conflict):
        recovery_record_payment(
            actor=officer, recovery_id=r.pk, amount=Decimal("1.00"), paid_on=TODAY
        )
    assert AuditEntry.objects.filter(action="recovery.payment", object_id=str(r.pk)).count() == 2


def test_returned_line_cannot_be_recovered(users, make_household):
    officer = users["officer_a"]
    h = make_household()
    e = enrolment(h, officer)
    returned = paid_line(e, "2026-05", officer, outcome="returned")
    with pytest.raises(ValidationFailed, match="已发放成功"):
        recovery_open(actor=officer, household_id=h.pk, cause="other", lines=[returned.pk])


def test_write_off_by_another_person_only(users, make_household, reviewer, make_user):
    h = make_household()
    r = recovery_open(
        actor=reviewer,
        household_id=h.pk,
        cause="fraud",
        amount=Decimal("900.00"),
        note="骗取保障金，依决定书追回",
    )
    with pytest.raises(PermissionDenied, match="登记追回以外"):
        recovery_write_off(actor=reviewer, recovery_id=r.pk, reason="无力偿还")
    with pytest.raises(PermissionDenied):  # township officers cannot write off at all
        recovery_write_off(actor=users["officer_a"], recovery_id=r.pk, reason="无力偿还")
    other = make_user("reviewer-2", "county_reviewer", "433123000000")
    recovery_record_payment(
        actor=users["officer_a"], recovery_id=r.pk, amount=Decimal("100.00"), paid_on=TODAY
    )
    r = recovery_write_off(actor=other, recovery_id=r.pk, reason="当事人已故，无遗产")
    assert r.status == "written_off" and r.written_off_by == other
    _, totals = selectors.recovery_ledger(user=users["county"])
    assert totals["amount"] == Decimal("900.00")
    assert totals["recovered"] == Decimal("100.00")
    assert totals["written_off"] == Decimal("800.00")
    assert totals["outstanding"] == Decimal("0.00")


def test_amount_without_lines_needs_a_basis(users, make_household):
    h = make_household()
    with pytest.raises(ValidationFailed, match="说明金额的依据"):
        recovery_open(
            actor=users["officer_a"], household_id=h.pk, cause="other", amount=Decimal("10")
        )


def test_payment_date_checked(users, make_household):
    h = make_household()
    r = recovery_open(
        actor=users["officer_a"],
        household_id=h.pk,
        cause="other",
        amount=Decimal("10"),
        note="多发",
    )
    with pytest.raises(ValidationFailed, match="不能晚于今天"):
        recovery_record_payment(
            actor=users["officer_a"],
            recovery_id=r.pk,
            amount=Decimal("1"),
            paid_on=TODAY + timedelta(days=1),
        )


def test_jurisdiction(users, make_household):
    h_b = make_household(TOWNSHIP_B)
    with pytest.raises(Http404):
        recovery_open(
            actor=users["officer_a"],
            household_id=h_b.pk,
            cause="other",
            amount=Decimal("10"),
            note="多发",
        )
    r = recovery_open(
        actor=users["officer_b"], household_id=h_b.pk, cause="other", amount=Decimal("10"), note="x"
    )
    with pytest.raises(Http404):
        recovery_record_payment(
            actor=users["officer_a"], recovery_id=r.pk, amount=Decimal("1"), paid_on=TODAY
        )
    assert not selectors.recoveries_for(users["officer_a"]).filter(pk=r.pk).exists()
    assert selectors.recoveries_for(users["inspector"]).filter(pk=r.pk).exists()
    assert not selectors.recoveries_for(users["village_a"]).exists()


def test_ledger_page_and_export(client, users, make_household):
    h = make_household()
    r = recovery_open(
        actor=users["officer_a"],
        household_id=h.pk,
        cause="other",
        amount=Decimal("1234.5"),
        note="多发",
    )
    client.force_login(users["inspector"])
    page = client.get("/payments/recoveries/?status=pending")
    assert page.status_code == 200 and "¥1,234.50" in page.content.decode()
    detail = client.get(f"/payments/recoveries/{r.pk}/")
    assert detail.status_code == 200 and "多发" in detail.content.decode()
    export = client.get("/payments/recoveries/?format=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd")
    client.force_login(users["officer_b"])
    assert client.get(f"/payments/recoveries/{r.pk}/").status_code == 404
    client.force_login(users["village_a"])
    assert client.get("/payments/recoveries/").status_code == 404
