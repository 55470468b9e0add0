"""The demo county's enrolments in payroll: an approved "new" change each, a next review date,
a few in gradual exit and suspended, and the roster reading them."""

import pytest
from django.utils import timezone

from jiuzhu.core.models import AuditEntry
from jiuzhu.core.month import Month
from jiuzhu.demo.cases_demo import create_demo_cases
from jiuzhu.demo.crosscheck import create_demo_crosscheck, demo_accounts
from jiuzhu.demo.generator import generate_demo
from jiuzhu.demo.payments_demo import create_demo_payments
from jiuzhu.demo.users import create_demo_users
from jiuzhu.payments.models import Enrolment, EnrolmentChange
from jiuzhu.payments.roster import RosterFilter, roster_for
from jiuzhu.programmes.seed import seed_county_defaults
from jiuzhu.regions.models import Region

pytestmark = pytest.mark.django_db


def test_demo_enrolments_enter_payroll_with_examples(tmp_path, settings):
    settings.JIUZHU_SNAPSHOT_DIR = tmp_path / "snapshots"
    today = timezone.localdate()
    generate_demo(households=1500, seed=7)
    seed_county_defaults(county=Region.objects.get(code="433123000000"))
    create_demo_users()
    create_demo_cases()
    create_demo_crosscheck(users=demo_accounts(), today=today, seed=7)
    waiting = set(EnrolmentChange.objects.filter(kind="new").values_list("enrolment_id", flat=True))
    result = create_demo_payments(today=today, seed=7)
    assert result is not None and result.in_payroll > 80
    entered = Enrolment.objects.exclude(pk__in=waiting)
    assert entered.count() == result.in_payroll
    assert not entered.filter(payroll_from="").exists()
    new = EnrolmentChange.objects.filter(kind="new", status="approved").exclude(
        enrolment_id__in=waiting
    )
    assert new.count() == result.in_payroll
    assert all(c.created_by_id != c.reviewed_by_id for c in new)
    assert all(
        c.effective_month == c.enrolment.start_month for c in new.select_related("enrolment")
    )
    live = entered.filter(status="active", programme__payment="monthly")
    assert not live.filter(next_review_on__isnull=True).exists()
    assert live.filter(next_review_on__gte=today).count() > live.count() * 0.9
    assert result.gradual >= 1 and result.suspended >= 1
    gradual = Enrolment.objects.exclude(gradual_exit_from="")
    assert gradual.count() == result.gradual
    assert (
        EnrolmentChange.objects.filter(kind="gradual_exit", status="approved").count()
        == result.gradual
    )
    suspended = Enrolment.objects.filter(status="suspended")
    assert suspended.count() == result.suspended
    assert AuditEntry.objects.filter(action="demo.generate", new__part="payments").count() == 1

    admin = demo_accounts()["county-admin"]
    month = str(Month.of(today))
    everyone = roster_for(user=admin, filters=RosterFilter(month=month))
    assert not set(everyone.ids) & set(suspended.values_list("pk", flat=True))
    assert set(gradual.values_list("pk", flat=True)) <= set(everyone.ids)
    paused = roster_for(user=admin, filters=RosterFilter(month=month, status="suspended"))
    assert set(paused.ids) == set(suspended.values_list("pk", flat=True))
    row = roster_for(user=admin, filters=RosterFilter(month=month, status="gradual"))
    label = row.rows(row.ids[:1])[0].status_label
    assert label.startswith("渐退中，至") and label.endswith("止")
    # only once
    assert create_demo_payments(today=today, seed=7) is None

    # last month paid through the services: generated, approved, released, the bank's result in
    from jiuzhu.demo.payroll_demo import run_demo_month
    from jiuzhu.payments.models import Payroll, PayrollLine

    ran = run_demo_month(today=today, seed=7)
    assert ran is not None and not ran.problems, ran.problems
    last = str(Month.of(today).prev())
    payrolls = Payroll.objects.filter(month=last)
    assert payrolls.count() == len(ran.payrolls) >= 2  # rural and urban dibao at least
    assert set(payrolls.values_list("status", flat=True)) == {"closed"}
    assert all(p.generated_by_id != p.approved_by_id != p.released_by_id for p in payrolls)
    lines = PayrollLine.objects.filter(payroll__month=last)
    assert lines.count() == ran.lines and not lines.filter(outcome="pending").exists()
    assert lines.filter(outcome="returned").count() == ran.returned
    assert run_demo_month(today=today, seed=7) is None


def test_review_dates_keep_the_day_of_the_decision_within_each_month():
    from datetime import date

    from jiuzhu.demo.payments_demo import _months_after, _next_review

    assert _months_after(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert _months_after(date(2024, 1, 31), 1) == date(2024, 2, 29)
    # counted from the decision, not from the previous (shortened) date
    assert _next_review(date(2023, 10, 31), 6, date(2026, 12, 6)) == date(2027, 4, 30)
    assert _next_review(date(2025, 8, 31), 12, date(2026, 12, 6)) == date(2027, 8, 31)
    assert _next_review(date(2025, 12, 20), 12, date(2026, 12, 6)) == date(2026, 12, 20)
