"""提标调整 (R12): when a new standard or setting takes effect, every affected enrolment of the
county is re-priced from that month: the differences are computed for review, then applied by a
different county officer as approved re-pricing changes; months already generated become
arrears (补发), never edits of a payroll.

Only programmes whose amount follows from the registry and the county's parameters are
re-priced here (dibao and the flat-standard programmes). Extreme poverty and temporary
assistance depend on intake data (supporters, the self-care assessment, the tier chosen) that
the payment cycle cannot see (payments sits below cases): they are refused with that reason."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from jiuzhu.accounts.guards import require
from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit
from jiuzhu.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiuzhu.core.month import Month
from jiuzhu.programmes.benefit import EXTREME_POVERTY, BenefitCase, calculate
from jiuzhu.programmes.models import Programme

from . import backpay, changes, rules
from .models import Adjustment, Enrolment, EnrolmentChange

NOT_REPRICED = {
    **{
        code: "特困人员供养金额取决于照料护理评估等受理资料，请通过个案异动调整"
        for code in EXTREME_POVERTY
    },
    "temporary": "临时救助为一次性救助，不作提标调整",
}


def _county_of(actor):
    require(actor, Perm.APPROVE_CHANGES, message="只有县级审批人员可以办理提标调整")
    region = getattr(actor, "region", None)
    if getattr(region, "level", "") != "county":
        raise PermissionDenied("提标调整由县级民政部门办理")
    return region


def in_force(county, programme, month: str):
    """Enrolments of the county and programme in payroll and not ended at `month`."""
    return (
        Enrolment.objects.filter(county=county, programme=programme)
        .exclude(payroll_from="")
        .filter(payroll_from__lte=month, start_month__lte=month)
        .exclude(end_month__gt="", end_month__lt=month)
        .select_related("household", "person", "county")
        .order_by("id")
    )


def amount_at(enrolment: Enrolment, month: str) -> Decimal:
    """The amount in force for `month` from the enrolment's approved changes (R12), whether or
    not it is paid that month (a suspension pauses payment, not the amount)."""
    result = rules.due_for_month(
        month=month,
        payroll_from=enrolment.payroll_from,
        start_month=enrolment.start_month,
        end_month="",
        current_amount=enrolment.monthly_amount,
        changes=[f for f in backpay.change_facts(enrolment) if f.kind in rules.AMOUNT_KINDS],
    )
    return result.amount if result.paid else enrolment.monthly_amount


@transaction.atomic
def adjustment_compute(*, actor, programme_code: str, from_month: str, reason: str) -> Adjustment:
    """Re-price every enrolment of the actor's county in the programme still in force at
    `from_month` with the parameters in force on its first day; keep only the differences."""
    county = _county_of(actor)
    programme = Programme.objects.filter(code=programme_code).first()
    if programme is None:
        raise ValidationFailed(f"没有该救助项目：{programme_code}")
    if programme_code in NOT_REPRICED:
        raise ValidationFailed(NOT_REPRICED[programme_code])
    try:
        month = Month.parse(from_month)
    except ValueError as exc:
        raise ValidationFailed(str(exc)) from exc
    if not (reason or "").strip():
        raise ValidationFailed("请填写调整依据（如新标准的文件名称）")
    lines, ineligible = [], 0
    for e in in_force(county, programme, str(month)):
        case = BenefitCase(
            county=county, programme_code=programme_code, household=e.household, applicant=e.person
        )
        benefit = calculate(case, month.first_day)
        if not benefit.eligible or benefit.amount <= 0:
            ineligible += 1  # eligibility is the review's matter (S2 art. 31), not re-pricing
            continue
        old = amount_at(e, str(month))
        if benefit.amount != old:
            lines.append({"enrolment": e.pk, "old": str(old), "new": str(benefit.amount)})
    adjustment = Adjustment.objects.create(
        county=county,
        programme=programme,
        from_month=str(month),
        reason=reason.strip()[:200],
        lines=lines,
        created_by=actor,
    )
    audit.record(
        action="adjustment.compute",
        actor=actor,
        obj=adjustment,
        new={
            "programme": programme_code,
            "from_month": str(month),
            "differences": len(lines),
            "ineligible_skipped": ineligible,
        },
        reason=reason,
    )
    return adjustment


@transaction.atomic
def adjustment_apply(*, actor, adjustment_id: int) -> Adjustment:
    """Apply a computed adjustment (by a county officer other than who computed it): one
    approved re-pricing change per line, effective from its month, and arrears for months
    already generated."""
    county = _county_of(actor)
    adjustment = (
        Adjustment.objects.select_for_update().filter(county=county, pk=adjustment_id).first()
    )
    if adjustment is None:
        raise Http404("没有找到该提标调整")
    if adjustment.created_by_id == actor.pk:
        raise PermissionDenied("提标调整须由计算人以外的县级人员审批执行")
    now = timezone.now()
    done = Adjustment.objects.filter(pk=adjustment.pk, status=Adjustment.Status.COMPUTED).update(
        status=Adjustment.Status.APPLIED, applied_by=actor, applied_at=now
    )
    if done != 1:
        raise Conflict(f"该提标调整当前状态为“{adjustment.get_status_display()}”，不能执行")
    arrears_total, applied = Decimal("0.00"), 0
    for line in adjustment.lines:
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("programme", "county")
            .get(pk=line["enrolment"])
        )
        change = EnrolmentChange.objects.create(
            enrolment=enrolment,
            kind=EnrolmentChange.Kind.REPRICE,
            status=EnrolmentChange.Status.APPROVED,
            effective_month=adjustment.from_month,
            payroll_month=str(changes.payroll_month(enrolment, timezone.localdate()).month),
            old_amount=Decimal(line["old"]),
            new_amount=Decimal(line["new"]),
            reason=adjustment.reason,
            source=f"提标调整#{adjustment.pk}",
            created_by=adjustment.created_by,
            reviewed_by=actor,
            reviewed_at=now,
            adjustment=adjustment,
        )
        changes.apply_change(change, actor)
        arrears_total += sum((a.amount for a in backpay.arrears_for(change)), Decimal("0.00"))
        applied += 1
    audit.record(
        action="adjustment.apply",
        actor=actor,
        obj=adjustment,
        old={"status": Adjustment.Status.COMPUTED},
        new={"status": Adjustment.Status.APPLIED, "changes": applied, "arrears": arrears_total},
        reason=adjustment.reason,
    )
    adjustment.refresh_from_db()
    return adjustment
