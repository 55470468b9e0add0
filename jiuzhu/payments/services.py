"""Enrolments: created only from a confirmed application (ARCHITECTURE: the cases service calls
this), paid from the month after the decision (S2 art. 21). Each service checks the actor's
permission and jurisdiction itself: the page, the finding or the command that calls it is a
convenience, not the guard."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from jiuzhu.accounts.guards import require
from jiuzhu.accounts.jurisdiction import region_q
from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit
from jiuzhu.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiuzhu.core.month import Month

from . import changes
from .models import Enrolment, EnrolmentChange


@transaction.atomic
def enrolment_create_from(
    *,
    application,
    actor,
    monthly_amount: Decimal,
    decided_on: date,
    care_amount: Decimal = Decimal("0.00"),
) -> Enrolment:
    """Enrol a decided application: by one who may decide cases, within their jurisdiction,
    once per application. It enters payroll when the county approves its "new" change (R17),
    submitted here for the payroll month of the decision's date; a one-off grant (temporary
    assistance) is paid in its start month only."""
    require(actor, Perm.DECIDE_CASES, message="只有审核确认人员可以纳入保障")
    if not type(application).objects.filter(region_q(actor), pk=application.pk).exists():
        raise PermissionDenied("该申请不在您的管辖范围内")
    if application.decided_on is None:
        raise Conflict("该申请尚未审核确认，不能纳入保障")
    if Enrolment.objects.filter(application_id=application.pk).exists():
        raise Conflict("该申请已经纳入保障")
    members = 1 if application.applicant_id else application.household.members.count()
    start_month = str(Month.of(decided_on).next())
    once = application.programme.payment == "once"
    enrolment = Enrolment.objects.create(
        household=application.household,
        person=application.applicant,
        programme=application.programme,
        application=application,
        county_id=application.county_id,
        township_id=application.township_id,
        village_id=application.village_id,
        members=members,
        monthly_amount=monthly_amount,
        care_amount=care_amount,
        start_month=start_month,
        end_month=start_month if once else "",
        created_by=actor,
    )
    windowed = changes.payroll_month(enrolment, decided_on)
    new_change = EnrolmentChange.objects.create(
        enrolment=enrolment,
        kind=EnrolmentChange.Kind.NEW,
        status=EnrolmentChange.Status.SUBMITTED,
        effective_month=start_month,
        payroll_month=str(windowed.month),
        submitted_late=windowed.late,
        old_amount=Decimal("0.00"),
        new_amount=monthly_amount,
        reason=f"审核确认纳入保障（申请{application.number}）",
        created_by=actor,
    )
    audit.record(
        action="enrolment.create",
        actor=actor,
        obj=enrolment,
        household_id=application.household_id,
        new={
            "programme": application.programme.code,
            "monthly_amount": monthly_amount,
            "start_month": enrolment.start_month,
            "end_month": enrolment.end_month,
            "care_amount": care_amount,
            "members": members,
            "application": application.number,
            "new_change": new_change.pk,
            "payroll_month": new_change.payroll_month,
        },
    )
    return enrolment


def _locked_enrolment(actor, enrolment_id: int) -> Enrolment:
    """The enrolment, row-locked, after checking the permission; 404 outside the jurisdiction."""
    require(actor, Perm.CHANGE_ENROLMENTS, message="您没有办理停发、减发的权限")
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .filter(region_q(actor), pk=enrolment_id)
        .first()
    )
    if enrolment is None:
        raise Http404("没有找到该保障对象")
    return enrolment


def _counted_in(enrolment: Enrolment) -> str:
    """The payroll month an immediate stop or reduction (a finding acted on, a death) is counted
    in: the first month whose payroll is not generated yet (R17)."""
    return str(changes.payroll_month(enrolment, timezone.localdate()).month)


@transaction.atomic
def enrolment_stop(
    *, actor, enrolment_id: int, effective_month: str, reason: str, source: str = ""
) -> Enrolment:
    """Stop paying from `effective_month` (the last month paid is the one before)."""
    enrolment = _locked_enrolment(actor, enrolment_id)
    first_unpaid = Month.parse(effective_month)
    if enrolment.status == Enrolment.Status.STOPPED:
        raise ValidationFailed("该保障对象已停保")
    if not reason.strip():
        raise ValidationFailed("请填写停发理由")
    last_paid = first_unpaid.prev()
    start = Month.parse(enrolment.start_month)
    end_month = str(max(last_paid, start.prev()))
    old = {"status": enrolment.status, "end_month": enrolment.end_month}
    enrolment.status, enrolment.end_month = Enrolment.Status.STOPPED, end_month
    enrolment.save(update_fields=["status", "end_month"])
    EnrolmentChange.objects.create(
        enrolment=enrolment,
        kind=EnrolmentChange.Kind.STOP,
        effective_month=str(first_unpaid),
        payroll_month=_counted_in(enrolment),
        old_amount=enrolment.monthly_amount,
        new_amount=Decimal("0"),
        reason=reason,
        source=source,
        created_by=actor,
    )
    audit.record(
        action="enrolment.stop",
        actor=actor,
        obj=enrolment,
        household_id=enrolment.household_id,
        old=old,
        new={
            "status": enrolment.status,
            "end_month": end_month,
            "effective_month": str(first_unpaid),
            "source": source,
        },
        reason=reason,
    )
    return enrolment


@transaction.atomic
def enrolment_reduce(
    *,
    actor,
    enrolment_id: int,
    effective_month: str,
    new_amount: Decimal,
    reason: str,
    source: str = "",
) -> Enrolment:
    """Pay `new_amount` a month from `effective_month` on (recorded as a dated change)."""
    enrolment = _locked_enrolment(actor, enrolment_id)
    Month.parse(effective_month)
    if enrolment.status == Enrolment.Status.STOPPED:
        raise ValidationFailed("该保障对象已停保")
    if not reason.strip():
        raise ValidationFailed("请填写减发理由")
    if new_amount < 0 or new_amount >= enrolment.monthly_amount:
        raise ValidationFailed(f"减发后的金额应在0与原金额{enrolment.monthly_amount}元之间")
    old_amount = enrolment.monthly_amount
    EnrolmentChange.objects.create(
        enrolment=enrolment,
        kind=EnrolmentChange.Kind.REDUCE,
        effective_month=effective_month,
        payroll_month=_counted_in(enrolment),
        old_amount=old_amount,
        new_amount=new_amount,
        reason=reason,
        source=source,
        created_by=actor,
    )
    enrolment.monthly_amount = new_amount
    enrolment.save(update_fields=["monthly_amount"])
    audit.record(
        action="enrolment.reduce",
        actor=actor,
        obj=enrolment,
        household_id=enrolment.household_id,
        old={"monthly_amount": old_amount},
        new={"monthly_amount": new_amount, "effective_month": effective_month, "source": source},
        reason=reason,
    )
    return enrolment
