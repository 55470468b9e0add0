"""Notices handed to the applicant at the steps of a case: the one-time notice of missing
materials (一次性告知书), the acceptance notice (受理通知书) and the confirmation notice
(确认通知书). The conventions of every printed document are in views_print's docstring."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from jiuzhu.core.month import Month
from jiuzhu.payments.models import Enrolment

from .deadlines import TimeLimits, programme_kind_of
from .queues import case_deadlines
from .views_common import get_case
from .views_print import CONFIRMED, authority_name, not_reached, township_authority
from .workflow import Action


def _addressee(app) -> str:
    return app.applicant.name if app.applicant else app.household.head_name


def _context(app, **extra) -> dict:
    return {
        "app": app,
        "household": app.household,
        "addressee": _addressee(app),
        "county": app.county,
        **extra,
    }


@login_required
def print_incomplete_notice(request, pk: int):
    """一次性告知书: every missing material, listed at once, as the last time they were asked
    for (the case may since have been completed and accepted)."""
    app = get_case(request, pk)
    event = (
        app.events.filter(action=Action.MARK_INCOMPLETE.value)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    if event is None:
        return not_reached(request, app, "本申请未作过材料不全的一次性告知，没有一次性告知书")
    return render(
        request,
        "cases/print_incomplete_notice.html",
        _context(
            app,
            missing=list(event.data.get("missing", [])),
            notified_at=event.at,
            handler=event.actor,
            authority=township_authority(app),
        ),
    )


def _limit_words(app, limits: TimeLimits) -> str:
    """The time limit the acceptance notice promises (S2 arts. 15, 22; S6; S3)."""
    if programme_kind_of(app.programme.code) == "extreme_poverty":
        return (
            f"自受理之日起{limits.extreme_poverty_investigation}个工作日内完成调查核实，"
            "并依规定作出认定决定"
        )
    days = limits.whole_case_delegated if app.delegated else limits.whole_case
    return (
        f"自受理之日起{days}个工作日内作出审核确认决定；"
        f"情况特殊需要延期的，最长不超过{limits.whole_case_extended}个工作日"
    )


def _whole_case_due(app):
    """The due day of the whole case, when the holiday calendar can tell it for sure."""
    item = next(
        (v.item for v in case_deadlines(app, timezone.localdate()) if v.item.code == "whole_case"),
        None,
    )
    return item.due if item is not None and not item.warnings else None


@login_required
def print_acceptance(request, pk: int):
    """受理通知书 (S2 art. 15): the application was complete and is accepted from this date."""
    app = get_case(request, pk)
    if app.accepted_on is None:
        return not_reached(request, app, "本申请尚未受理，没有受理通知书")
    return render(
        request,
        "cases/print_acceptance.html",
        _context(
            app,
            authority=township_authority(app),
            decider=authority_name(app),
            limit=_limit_words(app, TimeLimits()),
            due=_whole_case_due(app),
        ),
    )


@dataclass(frozen=True)
class ConfirmedTerms:
    amount: Decimal
    members: int
    care: Decimal | None  # the care subsidy within the amount, when there is one
    start: str  # "2026年12月"


def confirmed_terms(app) -> ConfirmedTerms:
    """What was confirmed: the amount and the month payment starts (the month after the
    decision, S2 art. 21), as the enrolment made at the decision holds them."""
    enrolment = Enrolment.objects.filter(application_id=app.pk).first()
    if enrolment is not None:
        return ConfirmedTerms(
            enrolment.monthly_amount,
            enrolment.members,
            enrolment.care_amount or None,
            Month.parse(enrolment.start_month).label,
        )
    # confirmed, not enrolled yet: the figures the enrolment will take
    return ConfirmedTerms(
        app.monthly_amount,
        1 if app.applicant_id else app.household.members.count(),
        None,
        Month.of(app.decided_on).next().label,
    )


@login_required
def print_confirmation(request, pk: int):
    """确认通知书 (S2 art. 20): confirmed, with the amount and the month payment starts."""
    app = get_case(request, pk)
    if app.status not in CONFIRMED:
        return not_reached(request, app, "本申请尚未审核确认，没有确认通知书")
    return render(
        request,
        "cases/print_confirmation.html",
        _context(
            app,
            authority=authority_name(app),
            terms=confirmed_terms(app),
            payment=app.programme.payment,
        ),
    )
