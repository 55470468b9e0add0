"""Reviews (S2 art. 31) due in the township's queue and their completion; referrals (R10) to an
outcome; the written stop notice (S1 art. 13)."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.http import Http404

from jiuzhu.accounts.system import system_actor
from jiuzhu.core.errors import Conflict, ValidationFailed
from jiuzhu.payments.exits import referral_close, referral_create, stop_notice
from jiuzhu.payments.models import Enrolment, EnrolmentChange, Review
from jiuzhu.payments.recovery_selectors import referrals_open, reviews_due
from jiuzhu.payments.reviews import add_months, review_complete, reviews_schedule
from jiuzhu.payments.services import enrolment_stop
from tests.conftest import TOWNSHIP_B

from .recovery_world import enrolment

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)


def test_add_months_keeps_the_day_or_the_month_end():
    assert add_months(date(2026, 11, 20), 3) == date(2027, 2, 20)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


def _due(users, make_household, township=None, on=date(2026, 12, 5)):
    h = make_household(township) if township else make_household()
    e = enrolment(h, users["officer_a"])
    e.next_review_on = on
    e.save(update_fields=["next_review_on"])
    return e


def test_due_listing_overdue_and_jurisdiction(users, make_household):
    soon = _due(users, make_household)
    late = _due(users, make_household, on=date(2026, 10, 1))
    _due(users, make_household, on=date(2027, 3, 1))  # not within 30 days
    _due(users, make_household, TOWNSHIP_B)
    due = reviews_due(user=users["officer_a"], today=TODAY)
    assert [d.enrolment.pk for d in due] == [late.pk, soon.pk]
    assert [d.overdue for d in due] == [True, False]
    assert len(reviews_due(user=users["county"], today=TODAY)) == 3


def test_no_change_moves_the_date_on(users, make_household):
    e = _due(users, make_household)
    review = review_complete(
        actor=users["officer_a"],
        enrolment_id=e.pk,
        outcome="no_change",
        note="入户核查，情况未变",
        today=TODAY,
    )
    e.refresh_from_db()
    # the household's head (born 1970s) is able to work: the 6-month interval
    assert e.next_review_on == date(2027, 5, 20) and e.review_months == 6
    assert review.outcome == "no_change" and review.done_by == users["officer_a"]
    assert reviews_due(user=users["officer_a"], today=TODAY) == []


def test_scheduled_rows_and_exit(users, make_household):
    e = _due(users, make_household)
    assert reviews_schedule(actor=system_actor("cli"), today=TODAY) == 1
    assert reviews_schedule(actor=system_actor("cli"), today=TODAY) == 0
    review_complete(
        actor=users["officer_a"], enrolment_id=e.pk, outcome="exit", note="收入超标", today=TODAY
    )
    row = Review.objects.get(enrolment=e)
    assert row.outcome == "exit" and row.done_on == TODAY
    e.refresh_from_db()
    assert e.next_review_on == date(2026, 12, 5)  # still due until the stop is submitted


def test_review_refusals(users, make_household):
    e = _due(users, make_household, TOWNSHIP_B)
    with pytest.raises(Http404):
        review_complete(actor=users["officer_a"], enrolment_id=e.pk, outcome="no_change", note="x")
    with pytest.raises(ValidationFailed):
        review_complete(actor=users["officer_b"], enrolment_id=e.pk, outcome="maybe", note="x")


def test_referral_to_an_outcome(users, make_household):
    h = make_household()
    officer = users["officer_a"]
    r = referral_create(actor=officer, household_id=h.pk, target="medical", hardship="大病住院")
    assert list(referrals_open(user=officer)) == [r]
    with pytest.raises(Conflict):
        referral_create(actor=officer, household_id=h.pk, target="medical", hardship="再次")
    with pytest.raises(Http404):
        referral_close(
            actor=users["officer_b"], referral_id=r.pk, status="assisted", outcome="已救助"
        )
    r = referral_close(actor=officer, referral_id=r.pk, status="assisted", outcome="医疗救助3000元")
    assert r.status == "assisted" and list(referrals_open(user=officer)) == []
    with pytest.raises(Http404):
        referral_create(
            actor=officer,
            household_id=make_household(TOWNSHIP_B).pk,
            target="temporary",
            hardship="x",
        )


def test_stop_notice(users, make_household, client):
    e = enrolment(make_household(), users["officer_a"], amount="500.00")
    enrolment_stop(
        actor=users["officer_a"], enrolment_id=e.pk, effective_month="2026-12", reason="收入超标"
    )
    change = EnrolmentChange.objects.get(enrolment=e, kind="stop")
    notice = stop_notice(user=users["officer_a"], change_id=change.pk)
    assert notice.last_paid == "2026年11月" and notice.reasons == "收入超标"
    assert any("60日" in r for r in notice.rights)
    with pytest.raises(Http404):
        stop_notice(user=users["officer_b"], change_id=change.pk)
    client.force_login(users["officer_a"])
    page = client.get(f"/payments/exits/{change.pk}/notice/").content.decode()
    assert "停发告知书" in page and "行政复议" in page and "2026年11月" in page
    assert Decimal(e.monthly_amount) == Decimal("500.00")


def test_reviews_page(users, make_household, client):
    _due(users, make_household, on=date(2020, 1, 1))
    client.force_login(users["officer_a"])
    page = client.get("/payments/reviews/")
    assert page.status_code == 200 and "（已逾期）" in page.content.decode()


def test_the_daily_command_queues_reviews_as_the_scheduler(users, make_household):
    """`jiuzhu payments reviews` puts reviews coming due into the queue, as the scheduler."""
    from django.core.management import call_command

    from jiuzhu.core.models import AuditEntry

    h = make_household()
    e = enrolment(h, users["officer_a"])
    Enrolment.objects.filter(pk=e.pk).update(next_review_on=date.today() + timedelta(days=10))
    call_command("jiuzhu_payments", "reviews", stdout=io.StringIO())
    review = Review.objects.get(enrolment=e)
    assert review.reason == Review.Reason.PERIODIC
    entry = AuditEntry.objects.filter(action="review.schedule").latest("seq")
    assert entry.actor_name == "system-scheduler"
    assert entry.new["reviews"] == 1
    call_command("jiuzhu_payments", "reviews", stdout=io.StringIO())  # again: nothing doubled
    assert Review.objects.filter(enrolment=e).count() == 1
