"""A recorded death (R9, S6): the person's own enrolment stops from the month after death, the
lines paid for them after the death month become a recovery (the share of a household line),
the household's other enrolments get a review due in 3 months; recording twice doubles nothing.
And the cross-check's death finding reads the lines actually paid."""

from datetime import date
from decimal import Decimal

import pytest
from django.http import Http404

from jiuzhu.core.errors import ValidationFailed
from jiuzhu.payments.deaths import death_record
from jiuzhu.payments.models import Enrolment, EnrolmentChange, Recovery, Review
from jiuzhu.payments.recovery_selectors import paid_months_for
from tests.conftest import TOWNSHIP_B

from .recovery_world import enrolment, paid_line

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)


def _world(users, make_household):
    officer = users["officer_a"]
    h = make_household(size=3)
    people = list(h.members.order_by("id"))
    dead = people[1]
    household_e = enrolment(h, officer, members=3, amount="900.00")
    own_e = enrolment(
        h, officer, programme="extreme_poverty_dispersed", person=dead, amount="700.00"
    )
    for month in ("2026-06", "2026-07", "2026-08"):
        paid_line(household_e, month, officer, amount="1000.00")
        paid_line(own_e, month, officer)
    paid_line(household_e, "2026-09", officer, outcome="returned")
    return officer, h, dead, household_e, own_e


def test_death_stops_recovers_and_schedules_a_review(users, make_household):
    officer, h, dead, household_e, own_e = _world(users, make_household)
    done = death_record(
        actor=officer,
        person_id=dead.pk,
        died_on=date(2026, 6, 15),
        source="公安户籍注销",
        today=TODAY,
    )
    own_e.refresh_from_db()
    dead.refresh_from_db()
    assert dead.died_on == date(2026, 6, 15)
    assert done["stopped"] == [own_e.pk]
    assert (own_e.status, own_e.end_month) == ("stopped", "2026-06")
    stop = EnrolmentChange.objects.get(enrolment=own_e, kind="stop")
    assert stop.effective_month == "2026-07" and stop.status == "approved"
    recovery = Recovery.objects.get(pk=done["recovery"])
    # own enrolment: July, August whole (2 × 700); household line: 1000 ÷ 3 = 333.33 × 2
    assert recovery.amount == Decimal("2066.66")
    assert recovery.cause == "death" and recovery.person_id == dead.pk
    assert recovery.lines.count() == 4
    assert recovery.months == "2026年7月、2026年8月"
    household_e.refresh_from_db()
    assert household_e.status == "active"
    review = Review.objects.get(enrolment=household_e)
    assert review.reason == "death" and review.due_on == date(2027, 2, 20)
    assert not Review.objects.filter(enrolment=own_e).exists()


def test_recording_twice_changes_nothing(users, make_household):
    officer, h, dead, household_e, own_e = _world(users, make_household)
    kwargs = {"person_id": dead.pk, "died_on": date(2026, 6, 15), "source": "公安", "today": TODAY}
    death_record(actor=officer, **kwargs)
    again = death_record(actor=officer, **kwargs)
    assert again == {"stopped": [], "recovery": None, "reviews": []}
    assert Recovery.objects.count() == 1
    assert Review.objects.count() == 1
    assert EnrolmentChange.objects.filter(kind="stop").count() == 1
    with pytest.raises(ValidationFailed, match="已登记死亡日期"):
        death_record(actor=officer, **{**kwargs, "died_on": date(2026, 5, 1)})


def test_one_member_household_is_stopped(users, make_household):
    officer = users["officer_a"]
    h = make_household(size=1)
    e = enrolment(h, officer, members=1)
    paid_line(e, "2026-10", officer)
    head = h.members.get()
    done = death_record(
        actor=officer, person_id=head.pk, died_on=date(2026, 9, 30), source="火化记录", today=TODAY
    )
    e.refresh_from_db()
    assert e.status == Enrolment.Status.STOPPED and e.end_month == "2026-09"
    assert Recovery.objects.get(pk=done["recovery"]).amount == Decimal("600.00")


def test_death_checks(users, make_household):
    officer = users["officer_a"]
    h = make_household()
    person = h.members.first()
    with pytest.raises(ValidationFailed, match="晚于今天"):
        death_record(
            actor=officer, person_id=person.pk, died_on=date(2026, 12, 1), source="x", today=TODAY
        )
    other = make_household(TOWNSHIP_B).members.first()
    with pytest.raises(Http404):
        death_record(
            actor=officer, person_id=other.pk, died_on=date(2026, 9, 1), source="x", today=TODAY
        )


def test_paid_months_for_the_death_check(users, make_household):
    officer, h, dead, household_e, own_e = _world(users, make_household)
    found = paid_months_for([household_e.pk, own_e.pk])
    assert found[household_e.pk].payroll_months == {"2026-06", "2026-07", "2026-08", "2026-09"}
    assert found[household_e.pk].paid == {
        "2026-06": Decimal("1000.00"),
        "2026-07": Decimal("1000.00"),
        "2026-08": Decimal("1000.00"),
    }
    assert found[own_e.pk].paid["2026-08"] == Decimal("700.00")
    assert found[own_e.pk].payroll_months == {"2026-06", "2026-07", "2026-08"}


def test_death_check_amount_from_lines_and_estimate(users, make_household):
    from jiuzhu.crosscheck.checks.death import amount_after_death

    officer, h, dead, household_e, own_e = _world(users, make_household)
    paid = paid_months_for([household_e.pk])[household_e.pk]
    row = {
        "monthly_amount": Decimal("900.00"),
        "members": 3,
        "single_person": False,
        "death_date": date(2026, 6, 15),
        "start_month": "2026-01",
    }
    # July, August: lines paid 1000 → 333.33 each; September: payroll, returned → 0;
    # October, November: no payroll → 900 ÷ 3 = 300 each (estimate)
    amount, basis = amount_after_death(row, 5, paid)
    assert amount == Decimal("1266.66")
    assert "按发放明细实发金额计3个月¥666.66" in basis
    assert "无发放名册的2个月按月保障金额估算¥600.00" in basis
    assert amount_after_death(row, 5, None)[0] == Decimal("1500.00")
