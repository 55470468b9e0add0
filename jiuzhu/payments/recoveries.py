"""追回: overpayments owed back (a death found late, R9; a confirmed wrongful inclusion; a fraud
decision, S1 art. 68), with the payroll lines they come from, repayments and write-off.

A recovery for a person (``person_id``) takes that person's share of a household line (the line
amount ÷ its members, to the cent, ROUND_HALF_UP) and the whole of a line of the person's own
enrolment; a recovery for a household takes whole lines. The amount is the sum of the lines when
lines are given. Write-off (核销) is by someone other than the one who opened it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from jiuzhu.accounts.guards import require
from jiuzhu.accounts.jurisdiction import region_q
from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit
from jiuzhu.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiuzhu.core.money import format_yuan
from jiuzhu.core.month import Month
from jiuzhu.registry.models import Household

from .models import Enrolment, PayrollLine, Recovery, RecoveryPayment

CENT = Decimal("0.01")
# Lines that pay a month's benefit (one-off grants and the yearly heating sum are not per month)
MONTHLY_LINE_KINDS = (
    PayrollLine.Kind.REGULAR,
    PayrollLine.Kind.CARE,
    PayrollLine.Kind.ARREARS,
    PayrollLine.Kind.REISSUE,
)


def person_share(amount: Decimal, *, members: int, whole: bool) -> Decimal:
    """The part of a line that was a person's: all of it for the person's own enrolment or a
    one-member line, else an equal share, to the cent (ROUND_HALF_UP)."""
    if whole or members <= 1:
        return Decimal(amount).quantize(CENT)
    return (Decimal(amount) / members).quantize(CENT, rounding=ROUND_HALF_UP)


def line_share(line: PayrollLine, person_id: int | None) -> Decimal:
    """What a recovery for `person_id` (None: the household) takes of a paid line."""
    whole = person_id is None or line.enrolment.person_id == person_id
    return person_share(line.paid_amount, members=line.members, whole=whole)


def months_text(months: Iterable[str]) -> str:
    return "、".join(Month.parse(m).label for m in sorted(set(months)))[:200]


def open_from_lines(
    *,
    opened_by,
    household: Household,
    cause: str,
    lines: Sequence[PayrollLine],
    amount: Decimal | None = None,
    enrolment: Enrolment | None = None,
    person_id: int | None = None,
    source: str = "",
    note: str = "",
) -> Recovery:
    """Write a recovery row (a building block: the calling service has checked `opened_by` and
    the jurisdiction). `lines` are paid lines of the household; their shares make the amount."""
    if cause not in Recovery.Cause.values:
        raise ValidationFailed("请选择追回原因")
    for line in lines:
        if line.household_id != household.pk or line.outcome != PayrollLine.Outcome.PAID:
            raise ValidationFailed("只能追回该户已发放成功的发放明细")
    if lines:
        amount = sum((line_share(line, person_id) for line in lines), Decimal("0.00"))
    if amount is None or amount <= 0:
        raise ValidationFailed("应追回金额应大于0")
    recovery = Recovery.objects.create(
        county_id=household.county_id,
        township_id=household.township_id,
        village_id=household.village_id,
        household=household,
        enrolment=enrolment,
        person_id=person_id,
        cause=cause,
        source=source[:60],
        months=months_text(line.for_month for line in lines),
        amount=Decimal(amount).quantize(CENT),
        note=note,
        created_by=opened_by,
    )
    if lines:
        recovery.lines.set(lines)
    audit.record(
        action="recovery.open",
        actor=opened_by,
        obj=recovery,
        household_id=household.pk,
        new={
            "cause": cause,
            "amount": recovery.amount,
            "lines": [line.pk for line in lines],
            "months": recovery.months,
            "person": person_id,
            "enrolment": enrolment.pk if enrolment else None,
            "source": source,
        },
        reason=note,
    )
    return recovery


def lines_not_recovered(lines, *, person_id: int | None):
    """Paid lines not already in a recovery for the same person (or household): opening twice
    from the same facts takes nothing twice."""
    taken = Recovery.objects.exclude(status=Recovery.Status.WRITTEN_OFF)
    taken = taken.filter(person_id=person_id) if person_id else taken.filter(person__isnull=True)
    return lines.exclude(recoveries__in=taken)


@transaction.atomic
def recovery_open(
    *,
    actor,
    household_id: int,
    cause: str,
    amount: Decimal | None = None,
    lines: Sequence[int] = (),
    enrolment_id: int | None = None,
    person_id: int | None = None,
    source: str = "",
    note: str = "",
) -> Recovery:
    """Open a recovery for a household of the actor's jurisdiction: from its paid lines (the
    amount is theirs) or for a stated amount."""
    require(actor, Perm.MANAGE_RECOVERIES, message="您没有登记追回的权限")
    household = (
        Household.objects.select_for_update().filter(region_q(actor), pk=household_id).first()
    )
    if household is None:
        raise Http404("没有找到该家庭")
    enrolment = None
    if enrolment_id is not None:
        enrolment = Enrolment.objects.filter(pk=enrolment_id, household=household).first()
        if enrolment is None:
            raise ValidationFailed("该保障对象不属于该家庭")
    if person_id is not None and not household.members.filter(pk=person_id).exists():
        raise ValidationFailed("该人员不是该家庭的成员")
    found = list(
        PayrollLine.objects.select_related("enrolment").filter(
            pk__in=list(lines), household=household
        )
    )
    if len(found) != len(set(lines)):
        raise ValidationFailed("发放明细不属于该家庭")
    if not lines and not note.strip():
        raise ValidationFailed("不按发放明细追回时，请说明金额的依据")
    return open_from_lines(
        opened_by=actor,
        household=household,
        cause=cause,
        lines=found,
        amount=amount,
        enrolment=enrolment,
        person_id=person_id,
        source=source,
        note=note,
    )


def _locked(actor, recovery_id: int) -> Recovery:
    recovery = (
        Recovery.objects.select_for_update(of=("self",))
        .filter(region_q(actor), pk=recovery_id)
        .first()
    )
    if recovery is None:
        raise Http404("没有找到该追回记录")
    return recovery


@transaction.atomic
def recovery_record_payment(
    *, actor, recovery_id: int, amount: Decimal, paid_on: date, note: str = ""
) -> Recovery:
    """A repayment: never more than is outstanding; the status follows (部分追回 / 已追回)."""
    require(actor, Perm.MANAGE_RECOVERIES, message="您没有登记追回的权限")
    recovery = _locked(actor, recovery_id)
    if recovery.status in (Recovery.Status.RECOVERED, Recovery.Status.WRITTEN_OFF):
        raise Conflict(f"该追回已{recovery.get_status_display()}，不能再登记追回款")
    amount = Decimal(amount)
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT):
        raise ValidationFailed("追回金额应大于0，最多两位小数")
    outstanding = recovery.amount - recovery.recovered_amount
    if amount > outstanding:
        raise ValidationFailed(
            f"追回金额{format_yuan(amount)}超过尚未追回的{format_yuan(outstanding)}"
        )
    if paid_on > timezone.localdate():
        raise ValidationFailed("追回日期不能晚于今天")
    if paid_on < timezone.localtime(recovery.created_at).date():
        raise ValidationFailed("追回日期不能早于登记追回的日期")
    old = {"status": recovery.status, "recovered_amount": recovery.recovered_amount}
    payment = RecoveryPayment.objects.create(
        recovery=recovery, amount=amount, paid_on=paid_on, note=note[:200], recorded_by=actor
    )
    recovery.recovered_amount += amount
    recovery.status = (
        Recovery.Status.RECOVERED
        if recovery.recovered_amount == recovery.amount
        else Recovery.Status.PARTIAL
    )
    recovery.save(update_fields=["recovered_amount", "status"])
    audit.record(
        action="recovery.payment",
        actor=actor,
        obj=recovery,
        household_id=recovery.household_id,
        old=old,
        new={
            "status": recovery.status,
            "recovered_amount": recovery.recovered_amount,
            "payment": payment.pk,
            "amount": amount,
            "paid_on": paid_on,
        },
        reason=note,
    )
    return recovery


@transaction.atomic
def recovery_write_off(*, actor, recovery_id: int, reason: str) -> Recovery:
    """核销 what cannot be recovered: by one holding WRITE_OFF_RECOVERIES who did not open it."""
    require(actor, Perm.WRITE_OFF_RECOVERIES, message="您没有核销追回款的权限")
    recovery = _locked(actor, recovery_id)
    if recovery.status in (Recovery.Status.RECOVERED, Recovery.Status.WRITTEN_OFF):
        raise Conflict(f"该追回已{recovery.get_status_display()}，不能核销")
    if recovery.created_by_id == actor.pk:
        raise PermissionDenied("核销应由登记追回以外的人员审批")
    if not reason.strip():
        raise ValidationFailed("请填写核销理由")
    old = {"status": recovery.status}
    recovery.status = Recovery.Status.WRITTEN_OFF
    recovery.written_off_by, recovery.written_off_at = actor, timezone.now()
    recovery.write_off_reason = reason.strip()[:200]
    recovery.save(update_fields=["status", "written_off_by", "written_off_at", "write_off_reason"])
    audit.record(
        action="recovery.write_off",
        actor=actor,
        obj=recovery,
        household_id=recovery.household_id,
        old=old,
        new={
            "status": recovery.status,
            "written_off": recovery.amount - recovery.recovered_amount,
        },
        reason=reason,
    )
    return recovery


def paid_lines_for_person(*, person, after_month: str):
    """Paid monthly lines for months after `after_month` that paid for `person`: lines of the
    person's own enrolments, and lines of the household's enrolments that cover its members."""
    own = Q(enrolment__person_id=person.pk)
    household = Q(enrolment__person__isnull=True, enrolment__household_id=person.household_id)
    return (
        PayrollLine.objects.select_related("enrolment", "payroll")
        .filter(own | household)
        .filter(
            outcome=PayrollLine.Outcome.PAID,
            for_month__gt=after_month,
            kind__in=MONTHLY_LINE_KINDS,
        )
        .order_by("for_month", "id")
    )


def recovery_for_finding(
    *,
    actor,
    household_id: int,
    enrolment_id: int,
    person_id: int | None,
    cause: str,
    from_month: str,
    source: str,
    note: str,
) -> Recovery | None:
    """Open the recovery a confirmed finding calls for (R9, and a wrongful inclusion acted on):
    what the enrolment's lines paid from `from_month` on and that no recovery holds yet — for a
    death, the dead person's share of every line that paid for them. None when nothing was
    paid from that month. Runs inside the caller's transaction (the finding's act)."""
    require(actor, Perm.MANAGE_RECOVERIES, message="您没有登记追回的权限")
    try:
        first = Month.parse(from_month)
    except ValueError:
        raise ValidationFailed("请填写追回起始月份（YYYY-MM）") from None
    household = Household.objects.filter(region_q(actor), pk=household_id).first()
    if household is None:
        raise Http404("没有找到该家庭")
    enrolment = Enrolment.objects.filter(pk=enrolment_id, household=household).first()
    if enrolment is None:
        raise ValidationFailed("该保障对象不属于该家庭")
    if cause == Recovery.Cause.DEATH and person_id is not None:
        person = household.members.filter(pk=person_id).first()
        if person is None:
            raise ValidationFailed("该人员不是该家庭的成员")
        paid = paid_lines_for_person(person=person, after_month=str(first.prev()))
    else:
        person_id = None  # the household's whole payment was not due
        paid = PayrollLine.objects.select_related("enrolment").filter(
            enrolment=enrolment,
            outcome=PayrollLine.Outcome.PAID,
            for_month__gte=str(first),
            kind__in=MONTHLY_LINE_KINDS,
        )
    lines = list(lines_not_recovered(paid, person_id=person_id))
    if not lines:
        return None
    return open_from_lines(
        opened_by=actor,
        household=household,
        cause=cause,
        lines=lines,
        enrolment=enrolment,
        person_id=person_id,
        source=source,
        note=note,
    )
