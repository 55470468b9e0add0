"""The inspector follows a payroll line back: its frozen fields and signature, the payroll's
signatories, the enrolment and the decision, and every change since; an edited line shows as
such; a township officer (no payroll access) gets nothing."""

import pytest
from django.utils import timezone

from jiuzhu.payments.models import PayrollLine
from jiuzhu.payments.signing import SIGNED_FIELDS, Signer

from .payment_builders import enrolment, payroll_with_line, submitted_change

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_line(users, make_household):
    admin = users["county"]
    admin.full_name = "石县长"
    admin.save()
    e = enrolment(make_household(head_name="吴阿婆"), created_by=admin, amount="455.00")
    payroll = payroll_with_line(e, month="2026-11", amount="455.00", generated_by=admin)
    line = payroll.lines.get()
    line.line_hash = Signer(payroll.number).line_hash([getattr(line, f) for f in SIGNED_FIELDS])
    line.save(update_fields=["line_hash"])
    change = submitted_change(e, created_by=users["officer_a"])
    change.status, change.reviewed_by, change.reviewed_at = "approved", admin, timezone.now()
    change.save()
    return line, change


def test_the_inspector_traces_a_line_to_the_decision_and_its_changes(client, users, signed_line):
    line, change = signed_line
    client.force_login(users["inspector"])
    page = client.get(f"/payments/payroll/line/{line.pk}/").content.decode()
    assert "签名一致" in page and "吴阿婆户" in page and "¥455.00" in page
    assert "石县长" in page  # generated the payroll and decided the application
    assert line.enrolment.application.number in page
    assert f'href="/payments/changes/{change.pk}/"' in page and "外出务工" in page

    # an edit behind the application's back is visible
    PayrollLine.objects.filter(pk=line.pk).update(amount="955.00")
    page = client.get(f"/payments/payroll/line/{line.pk}/").content.decode()
    assert "签名不一致" in page and "¥955.00" in page


def test_no_payroll_access_no_trace(client, users, signed_line):
    line, _ = signed_line
    client.force_login(users["officer_a"])
    assert client.get(f"/payments/payroll/line/{line.pk}/").status_code == 404
    client.force_login(users["inspector"])
    assert client.get("/payments/payroll/line/999999/").status_code == 404
