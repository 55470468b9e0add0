"""Exits: the written notice (S1 art. 13: with reasons) of an approved stop or gradual exit
(停发告知书) or of a reduction (减发告知书: a 减发, or an amount change that lowers it), and
referrals (转介, R10) of an exiting household with a temporary hardship to temporary or
medical assistance, followed to an outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F, Q
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
REDUCING_KINDS = (EnrolmentChange.Kind.REDUCE, EnrolmentChange.Kind.AMOUNT)
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
    kind: str  # 停发 / 渐退 / 减发 / 金额调整
    title: str  # 停发告知书 / 减发告知书
    reduced: bool  # a reduction: old_amount → new_amount from `effective`
    reasons: str
    effective: str  # "2026年12月"
    last_paid: str  # "2026年11月", or "" when nothing was paid
    township: str
    county: str
    rights: tuple[str, ...]
    authority: str  # who signs and seals the notice
    decided_at: datetime


def stop_notice(*, user, change_id: int) -> StopNotice:
    """The notice of an approved stop, gradual exit or reduction within the user's
    jurisdiction, in the name of the authority that confirmed the case (R1)."""
    change = (
        EnrolmentChange.objects.select_related(
            "enrolment__household",
            "enrolment__programme",
            "enrolment__township",
            "enrolment__county",
            "enrolment__application",
        )
        .filter(
            Q(kind__in=NOTICE_KINDS) | Q(kind__in=REDUCING_KINDS, new_amount__lt=F("old_amount")),
            region_q(user, prefix="enrolment__"),
            pk=change_id,
            status=EnrolmentChange.Status.APPROVED,
        )
        .first()
    )
    if change is None:
        raise Http404("没有找到该停发或减发决定")
    enrolment = change.enrolment
    reduced = change.kind in REDUCING_KINDS
    if reduced:
        last = None
    elif change.kind == EnrolmentChange.Kind.STOP:
        last = Month.parse(change.effective_month).prev()
    else:
        last = Month.parse(enrolment.end_month) if enrolment.end_month else None
    paid = last is not None and enrolment.payroll_from and str(last) >= enrolment.payroll_from
    return StopNotice(
        change=change,
        enrolment=enrolment,
        household=enrolment.household,
        programme=enrolment.programme.name,
        kind="减发" if reduced else change.get_kind_display(),
        title="减发告知书" if reduced else "停发告知书",
        reduced=reduced,
        reasons=change.reason or enrolment.exit_reason,
        effective=Month.parse(change.effective_month).label,
        last_paid=last.label if paid else "",
        township=enrolment.township.name,
        county=enrolment.county.name,
        rights=RIGHTS,
        authority=_authority(enrolment),
        decided_at=change.reviewed_at or change.created_at,
    )


def _authority(enrolment: Enrolment) -> str:
    """The county's civil-affairs bureau where the county confirmed the case, else the
    township's government (a sub-district's office)."""
    if enrolment.application.confirming_level == "county":
        return f"{enrolment.county.name}民政局"
    suffix = "办事处" if enrolment.township.name.endswith("街道") else "人民政府"
    return f"{enrolment.township.name}{suffix}"


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
