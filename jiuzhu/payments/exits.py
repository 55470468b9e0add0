"""Exits: the written stop notice (S1 art. 13, 停发告知书) of an approved stop or gradual exit,
and referrals (转介, R10) of an exiting household with a temporary hardship to temporary or
medical assistance, followed to an outcome."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from jiuzhu.accounts.guards import require
from jiuzhu.accounts.jurisdiction import region_q
from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit
from jiuzhu.core.errors import Conflict, ValidationFailed
from jiuzhu.core.month import Month
from jiuzhu.registry.models import Household

from .models import Enrolment, EnrolmentChange, Referral

NOTICE_KINDS = (EnrolmentChange.Kind.STOP, EnrolmentChange.Kind.GRADUAL_EXIT)
RIGHTS = (
    "如对本决定有异议，可在收到本告知书之日起60日内向上一级民政部门或本级人民政府申请行政复议，"
    "或在6个月内依法向人民法院提起行政诉讼。",
    "如家庭情况发生变化、仍有困难的，可以重新提出申请；遇有临时性困难的，可申请临时救助或医疗救助。",
)


@dataclass(frozen=True)
class StopNotice:
    change: EnrolmentChange
    enrolment: Enrolment
    household: Household
    programme: str
    kind: str  # 停发 / 渐退
    reasons: str
    effective: str  # "2026年12月"
    last_paid: str  # "2026年11月", or "" when nothing was paid
    township: str
    county: str
    rights: tuple[str, ...]


def stop_notice(*, user, change_id: int) -> StopNotice:
    """The notice of an approved stop or gradual-exit change within the user's jurisdiction."""
    change = (
        EnrolmentChange.objects.select_related(
            "enrolment__household",
            "enrolment__programme",
            "enrolment__township",
            "enrolment__county",
        )
        .filter(
            region_q(user, prefix="enrolment__"),
            pk=change_id,
            kind__in=NOTICE_KINDS,
            status=EnrolmentChange.Status.APPROVED,
        )
        .first()
    )
    if change is None:
        raise Http404("没有找到该停发决定")
    enrolment = change.enrolment
    if change.kind == EnrolmentChange.Kind.STOP:
        last = Month.parse(change.effective_month).prev()
    else:
        last = Month.parse(enrolment.end_month) if enrolment.end_month else None
    paid = last is not None and enrolment.payroll_from and str(last) >= enrolment.payroll_from
    return StopNotice(
        change=change,
        enrolment=enrolment,
        household=enrolment.household,
        programme=enrolment.programme.name,
        kind=change.get_kind_display(),
        reasons=change.reason or enrolment.exit_reason,
        effective=Month.parse(change.effective_month).label,
        last_paid=last.label if paid else "",
        township=enrolment.township.name,
        county=enrolment.county.name,
        rights=RIGHTS,
    )


@transaction.atomic
def referral_create(
    *, actor, household_id: int, target: str, hardship: str, enrolment_id: int | None = None
) -> Referral:
    """Refer a household of the actor's jurisdiction to temporary or medical assistance."""
    require(actor, Perm.HANDLE_REVIEWS, message="您没有办理转介的权限")
    household = (
        Household.objects.select_for_update().filter(region_q(actor), pk=household_id).first()
    )
    if household is None:
        raise Http404("没有找到该家庭")
    if target not in Referral.Target.values:
        raise ValidationFailed("请选择转介的救助项目")
    if not hardship.strip():
        raise ValidationFailed("请填写困难情形")
    if enrolment_id is not None and not household.enrolments.filter(pk=enrolment_id).exists():
        raise ValidationFailed("该保障对象不属于该家庭")
    if Referral.objects.filter(
        household=household, target=target, status=Referral.Status.OPEN
    ).exists():
        raise Conflict("该家庭已有待办理的同类转介")
    referral = Referral.objects.create(
        household=household,
        enrolment_id=enrolment_id,
        township_id=household.township_id,
        target=target,
        hardship=hardship.strip()[:200],
        created_by=actor,
    )
    audit.record(
        action="referral.create",
        actor=actor,
        obj=referral,
        household_id=household.pk,
        new={"target": target, "hardship": referral.hardship, "enrolment": enrolment_id},
    )
    return referral


@transaction.atomic
def referral_close(*, actor, referral_id: int, status: str, outcome: str) -> Referral:
    """Record the outcome of a referral: assistance given, or declined after checking."""
    require(actor, Perm.HANDLE_REVIEWS, message="您没有办理转介的权限")
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .filter(region_q(actor, prefix="household__"), pk=referral_id)
        .first()
    )
    if referral is None:
        raise Http404("没有找到该转介")
    if referral.status != Referral.Status.OPEN:
        raise Conflict("该转介已办结")
    if status not in (Referral.Status.ASSISTED, Referral.Status.DECLINED):
        raise ValidationFailed("请选择办理结果")
    if not outcome.strip():
        raise ValidationFailed("请填写办理结果")
    referral.status, referral.outcome = status, outcome.strip()[:200]
    referral.closed_by, referral.closed_at = actor, timezone.now()
    referral.save(update_fields=["status", "outcome", "closed_by", "closed_at"])
    audit.record(
        action="referral.close",
        actor=actor,
        obj=referral,
        household_id=referral.household_id,
        old={"status": Referral.Status.OPEN},
        new={"status": status, "outcome": referral.outcome},
    )
    return referral
