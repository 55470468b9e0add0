"""The household page's content: the registry's facts and, beside them, everything the other
apps hold about the family — applications with their stage and next deadline, enrolments and
payments, reviews due, findings, kin marks, complaints and recoveries — each within the
reader's jurisdiction and permissions. Read-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from jiuzhu.accounts.roles import Perm
from jiuzhu.cases.kin import household_kin_matches
from jiuzhu.cases.models import CaseComplaint
from jiuzhu.cases.queues import DeadlineView, case_deadlines
from jiuzhu.cases.selectors import applications_for
from jiuzhu.core.audit_selectors import entries_for_object
from jiuzhu.core.workdays_db import calendar as workday_calendar
from jiuzhu.crosscheck.checks import LABELS as CHECK_LABELS
from jiuzhu.crosscheck.finding_selectors import findings_for
from jiuzhu.payments.history import MonthView, household_payments
from jiuzhu.payments.models import Enrolment, Review
from jiuzhu.payments.recovery_selectors import can_read_recoveries, recoveries_for
from jiuzhu.registry import selectors as registry_selectors
from jiuzhu.supervision.clue_selectors import can_read_clues, clues_for

RECENT_MONTHS = 6


@dataclass(frozen=True)
class MemberView:
    person: object
    age: int
    death_source: str  # where the recorded death came from (audit), "" when alive


@dataclass(frozen=True)
class ApplicationView:
    application: object
    next_due: DeadlineView | None
    overdue: bool


@dataclass(frozen=True)
class ReviewView:
    enrolment: Enrolment
    due_on: date
    reasons: list[str]
    overdue: bool


@dataclass(frozen=True)
class KinView:
    person_name: str
    reason: str


@dataclass
class HouseholdOverview:
    household: object
    members: list[MemberView]
    applications: list[ApplicationView]
    enrolments: list[Enrolment]
    months: list[MonthView]
    reviews: list[ReviewView]
    findings: list
    check_labels: dict[str, str]
    kin: list[KinView]
    complaints: list[CaseComplaint]
    recoveries: list
    clues: list


def _members(household, today: date) -> list[MemberView]:
    views = []
    for person in registry_selectors.members_of(household):
        source = ""
        if person.died_on:
            death = entries_for_object(person).filter(action="person.death").first()
            source = death.reason if death else ""
        views.append(MemberView(person, person.age_on(person.died_on or today), source))
    return views


def _applications(user, household, today: date) -> list[ApplicationView]:
    if not user.can(Perm.VIEW_CASES):
        return []
    cal = workday_calendar()
    views = []
    apps = (
        applications_for(user)
        .filter(household=household)
        .select_related("programme", "created_by")
        .prefetch_related("events")
        .order_by("-created_at")
    )
    for app in apps:
        pending = [v for v in case_deadlines(app, today, cal) if not v.done]
        next_due = min(pending, key=lambda v: v.item.due) if pending else None
        views.append(ApplicationView(app, next_due, any(v.overdue for v in pending)))
    return views


def _reviews(enrolments: list[Enrolment], today: date) -> list[ReviewView]:
    """Each enrolment in force: its next periodic review and any open review (death, finding)."""
    views = []
    open_reviews: dict[int, list[Review]] = {}
    for review in Review.objects.filter(
        enrolment__in=[e.pk for e in enrolments], done_on__isnull=True
    ):
        open_reviews.setdefault(review.enrolment_id, []).append(review)
    for e in enrolments:
        if e.status == Enrolment.Status.STOPPED:
            continue
        dates = [(e.next_review_on, "定期复核")] if e.next_review_on else []
        dates += [(r.due_on, r.get_reason_display()) for r in open_reviews.get(e.pk, [])]
        if dates:
            due_on = min(d for d, _ in dates)
            reasons = list(dict.fromkeys(label for _, label in dates))
            views.append(ReviewView(e, due_on, reasons, due_on < today))
    return views


def _kin(household, members: list[MemberView]) -> list[KinView]:
    names = {m.person.pk: m.person.name for m in members}
    return [
        KinView(names.get(m.relative_person_id, ""), m.reason)
        for m in household_kin_matches(household)
    ]


def household_overview(*, user, household_id: int, today: date) -> HouseholdOverview:
    """Everything the household page shows; 404 outside the user's jurisdiction."""
    payments = household_payments(user=user, household_id=household_id)
    household = payments.household
    members = _members(household, today)
    findings = []
    if user.can(Perm.VIEW_FINDINGS):
        findings = list(
            findings_for(user).filter(household=household).select_related("enrolment__programme")
        )
    can_cases = user.can(Perm.VIEW_CASES)
    return HouseholdOverview(
        household=household,
        members=members,
        applications=_applications(user, household, today),
        enrolments=payments.enrolments,
        months=payments.months[:RECENT_MONTHS],
        reviews=_reviews(payments.enrolments, today),
        findings=findings,
        check_labels=dict(CHECK_LABELS),
        kin=_kin(household, members) if can_cases else [],
        complaints=list(
            CaseComplaint.objects.filter(
                application__in=applications_for(user).filter(household=household)
            ).select_related("application", "recorded_by")
        )
        if can_cases
        else [],
        recoveries=list(recoveries_for(user).filter(household=household))
        if can_read_recoveries(user)
        else [],
        clues=list(clues_for(user).filter(household=household).order_by("-received_on"))
        if can_read_clues(user)
        else [],
    )
