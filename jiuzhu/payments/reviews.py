"""复核 (S2 art. 31; S6 after a death): each enrolment has its next review date — yearly for
stable households and extreme poverty, every 6 months (a setting) for households with unstable
income or members able to work. A review ends in no change (the date moves on by the interval),
a change or an exit (the officer goes on to the change form; the change is its own service).

Review rows are written by services (a death, the scheduled job), never by a page."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from jiuzhu.accounts.guards import require
from jiuzhu.accounts.jurisdiction import region_q
from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit
from jiuzhu.core.errors import ValidationFailed
from jiuzhu.programmes.catalogue import SettingKey
from jiuzhu.programmes.selectors import setting_value
from jiuzhu.registry.choices import LabourCapacity

from . import rules
from .models import Enrolment, Review

WORKING_AGES = (16, 59)  # members of these ages with full labour capacity count as able to work


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_interval_for(enrolment: Enrolment, *, on: date) -> int:
    """rules.review_interval_months for an enrolment, with the county's settings in force `on`.
    Members able to work: full labour capacity, aged 16–59, alive. (Income stability is not
    recorded apart from that, so it is not counted.)"""
    members = enrolment.household.members.filter(
        labour_capacity=LabourCapacity.FULL, died_on__isnull=True
    )
    if enrolment.person_id:
        members = members.filter(pk=enrolment.person_id)
    low, high = WORKING_AGES
    able = sum(1 for m in members if low <= m.age_on(on) <= high)
    county = enrolment.county
    return rules.review_interval_months(
        programme_code=enrolment.programme.code,
        unstable_income=False,
        able_to_work=able,
        stable_months=int(setting_value(county=county, key=SettingKey.REVIEW_MONTHS_STABLE, on=on)),
        unstable_months=int(
            setting_value(county=county, key=SettingKey.REVIEW_MONTHS_UNSTABLE, on=on)
        ),
    )


def schedule_review(enrolment: Enrolment, *, reason: str, due_on: date) -> Review | None:
    """An open review of `reason` for the enrolment, unless one is already open (a building
    block for services that have checked their actor)."""
    if enrolment.reviews.filter(reason=reason, done_on__isnull=True).exists():
        return None
    return Review.objects.create(
        enrolment=enrolment,
        township_id=enrolment.township_id,
        village_id=enrolment.village_id,
        reason=reason,
        due_on=due_on,
    )


@transaction.atomic
def reviews_schedule(*, actor, within_days: int = 30, today: date | None = None) -> int:
    """The scheduled job: an open periodic review for every enrolment in force of the actor's
    jurisdiction whose next review date falls within `within_days`. Returns how many were made."""
    require(actor, Perm.HANDLE_REVIEWS, message="您没有办理复核的权限")
    today = today or timezone.localdate()
    due = Enrolment.objects.filter(
        region_q(actor), next_review_on__lte=today + timedelta(within_days)
    ).exclude(status=Enrolment.Status.STOPPED)
    made = 0
    for enrolment in due.select_for_update(of=("self",)).order_by("id"):
        if schedule_review(
            enrolment, reason=Review.Reason.PERIODIC, due_on=enrolment.next_review_on
        ):
            made += 1
    audit.record(action="review.schedule", actor=actor, new={"reviews": made, "on": today})
    return made


CHANGE_FORM_URL = "/payments/changes/new/{}/"


@transaction.atomic
def review_complete(
    *, actor, enrolment_id: int, outcome: str, note: str, today: date | None = None
) -> Review:
    """Record a review of the enrolment (its open reviews end with this outcome). No change:
    the next review date is the review date plus the interval. A change or an exit: the outcome
    is recorded and the officer submits the change (``CHANGE_FORM_URL``)."""
    require(actor, Perm.HANDLE_REVIEWS, message="您没有办理复核的权限")
    today = today or timezone.localdate()
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("household", "programme", "county")
        .filter(region_q(actor), pk=enrolment_id)
        .first()
    )
    if enrolment is None:
        raise Http404("没有找到该保障对象")
    if outcome not in Review.Outcome.values:
        raise ValidationFailed("请选择复核结论")
    if not note.strip():
        raise ValidationFailed("请填写复核情况")
    if enrolment.status == Enrolment.Status.STOPPED:
        raise ValidationFailed("该保障对象已停保，无需复核")
    open_reviews = list(enrolment.reviews.select_for_update().filter(done_on__isnull=True))
    if not open_reviews:
        open_reviews = [
            Review.objects.create(
                enrolment=enrolment,
                township_id=enrolment.township_id,
                village_id=enrolment.village_id,
                reason=Review.Reason.PERIODIC,
                due_on=enrolment.next_review_on or today,
            )
        ]
    for review in open_reviews:
        review.outcome, review.note = outcome, note.strip()
        review.done_by, review.done_on = actor, today
        review.save(update_fields=["outcome", "note", "done_by", "done_on"])
    old = {"next_review_on": enrolment.next_review_on}
    if outcome != Review.Outcome.EXIT:
        interval = review_interval_for(enrolment, on=today)
        enrolment.review_months = interval
        enrolment.next_review_on = add_months(today, interval)
        enrolment.save(update_fields=["review_months", "next_review_on"])
    audit.record(
        action="review.complete",
        actor=actor,
        obj=enrolment,
        household_id=enrolment.household_id,
        old=old,
        new={
            "outcome": outcome,
            "reviews": [r.pk for r in open_reviews],
            "next_review_on": enrolment.next_review_on,
        },
        reason=note,
    )
    return open_reviews[0]
