"""Reads of recoveries, reviews due and referrals, each from the user's jurisdiction; and the
lines paid after a death, for the cross-check (R9)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from jiuzhu.accounts.jurisdiction import region_q
from jiuzhu.accounts.roles import Perm

from .models import Enrolment, Payroll, PayrollLine, Recovery, Referral, Review
from .recoveries import MONTHLY_LINE_KINDS, line_share

ZERO = Decimal("0.00")


def can_read_recoveries(user) -> bool:
    return user.can(Perm.VIEW_PAYROLL) or user.can(Perm.MANAGE_RECOVERIES)


def recoveries_for(user) -> QuerySet:
    if not can_read_recoveries(user):
        return Recovery.objects.none()
    return Recovery.objects.filter(region_q(user)).select_related(
        "household", "township", "village", "person", "created_by", "written_off_by"
    )


def recovery_ledger(
    *, user, status: str = "", cause: str = "", township_id: int | None = None
) -> tuple[QuerySet, dict]:
    """The ledger, filtered, with its totals (amount, recovered, written off, outstanding)."""
    qs = recoveries_for(user)
    if status:
        qs = qs.filter(status=status)
    if cause:
        qs = qs.filter(cause=cause)
    if township_id:
        qs = qs.filter(township_id=township_id)
    sums = qs.aggregate(amount=Sum("amount"), recovered=Sum("recovered_amount"))
    off = qs.filter(status=Recovery.Status.WRITTEN_OFF).aggregate(
        amount=Sum("amount"), recovered=Sum("recovered_amount")
    )
    amount, recovered = sums["amount"] or ZERO, sums["recovered"] or ZERO
    written_off = (off["amount"] or ZERO) - (off["recovered"] or ZERO)
    totals = {
        "count": qs.count(),
        "amount": amount,
        "recovered": recovered,
        "written_off": written_off,
        "outstanding": amount - recovered - written_off,
    }
    return qs.order_by("-id"), totals


def recovery_get(*, user, pk: int) -> Recovery:
    recovery = recoveries_for(user).filter(pk=pk).first()
    if recovery is None:
        raise Http404("没有找到该追回记录")
    return recovery


def recovery_lines(recovery: Recovery) -> list[tuple[PayrollLine, Decimal]]:
    """The recovery's lines with the part of each that is owed back."""
    lines = recovery.lines.select_related("payroll", "enrolment").order_by("for_month", "id")
    return [(line, line_share(line, recovery.person_id)) for line in lines]


# --- reviews and referrals -------------------------------------------------------------------


@dataclass
class DueReview:
    enrolment: Enrolment
    due_on: date
    reasons: list[str]
    overdue: bool


def reviews_due(*, user, within_days: int = 30, today: date | None = None) -> list[DueReview]:
    """Enrolments in force whose next review date falls within `within_days`, and every open
    Review row (a death review, a scheduled one), one entry per enrolment at its earliest
    deadline."""
    if not user.can(Perm.HANDLE_REVIEWS) and not user.can(Perm.VIEW_PAYROLL):
        return []
    today = today or timezone.localdate()
    limit = today + timedelta(days=within_days)
    entries: dict[int, DueReview] = {}
    in_force = Enrolment.objects.filter(region_q(user)).exclude(status=Enrolment.Status.STOPPED)
    related = ("household", "programme", "township", "village")
    for e in in_force.filter(next_review_on__lte=limit).select_related(*related):
        entries[e.pk] = DueReview(e, e.next_review_on, ["定期复核"], e.next_review_on < today)
    reviews = Review.objects.filter(
        region_q(user, prefix="enrolment__"), done_on__isnull=True
    ).select_related(*(f"enrolment__{r}" for r in related))
    for r in reviews:
        entry = entries.get(r.enrolment_id)
        if entry is None:
            entry = entries[r.enrolment_id] = DueReview(r.enrolment, r.due_on, [], False)
        label = r.get_reason_display()
        if label not in entry.reasons:
            entry.reasons.append(label)
        entry.due_on = min(entry.due_on, r.due_on)
        entry.overdue = entry.due_on < today
    return sorted(entries.values(), key=lambda d: (d.due_on, d.enrolment.pk))


def referrals_open(*, user) -> QuerySet:
    if not user.can(Perm.HANDLE_REVIEWS) and not user.can(Perm.VIEW_PAYROLL):
        return Referral.objects.none()
    return (
        Referral.objects.filter(region_q(user, prefix="household__"), status=Referral.Status.OPEN)
        .select_related("household", "township", "enrolment__programme", "created_by")
        .order_by("id")
    )


# --- the death check (R9) --------------------------------------------------------------------


@dataclass(frozen=True)
class PaidMonths:
    """What payroll says about an enrolment: the months a regular payroll of its programme was
    generated for its county, and the amount paid on its lines per month (outcome paid)."""

    payroll_months: frozenset[str]
    paid: dict[str, Decimal]  # month → amount paid on the enrolment's monthly lines


def paid_months_for(
    enrolment_ids: Iterable[int], *, after_month: str = ""
) -> dict[int, PaidMonths]:
    """For the cross-check: per enrolment, the months covered by a payroll and what was paid.
    One query for the lines of all the enrolments, one for the payroll months of their
    counties and programmes."""
    ids = sorted(set(enrolment_ids))
    if not ids:
        return {}
    places = dict(
        (pk, (county, programme))
        for pk, county, programme in Enrolment.objects.filter(pk__in=ids).values_list(
            "pk", "county_id", "programme_id"
        )
    )
    months: dict[tuple[int, int], set[str]] = defaultdict(set)
    payrolls = Payroll.objects.filter(
        kind=Payroll.Kind.REGULAR,
        county_id__in={c for c, _ in places.values()},
        programme_id__in={p for _, p in places.values()},
        month__gt=after_month,
    )
    for county, programme, month in payrolls.values_list("county_id", "programme_id", "month"):
        months[(county, programme)].add(month)
    paid: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    lines = PayrollLine.objects.filter(
        enrolment_id__in=ids,
        outcome=PayrollLine.Outcome.PAID,
        kind__in=MONTHLY_LINE_KINDS,
        for_month__gt=after_month,
    )
    for pk, month, amount in lines.values_list("enrolment_id", "for_month", "paid_amount"):
        paid[pk][month] += amount
    return {
        pk: PaidMonths(frozenset(months[place]), dict(paid[pk])) for pk, place in places.items()
    }
