"""Signing off a payroll, maker–checker: a county reviewer approves it (not its generator, and
only with clean checks, run again at approval), then finance releases it (neither its generator
nor its approver). Each step is a compare-and-set on the status, so two concurrent clicks make
one transition, and the separation of duties is held here, not by the page."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from jiuzhu.accounts.guards import require
from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit
from jiuzhu.core.errors import Conflict, PermissionDenied, ValidationFailed

from . import payroll_checks
from .models import Payroll
from .payroll import payroll_verify
from .payroll_selectors import payroll_scope

Status = Payroll.Status
TAKEN = "该发放名册已被他人处理，请刷新后查看"


def _payroll(actor, payroll_id: int) -> Payroll:
    payroll = (
        Payroll.objects.select_for_update(of=("self",))
        .filter(payroll_scope(actor), pk=payroll_id)
        .first()
    )
    if payroll is None:
        raise Http404("没有找到该发放名册")
    return payroll


def payroll_approve(*, actor, payroll_id: int) -> Payroll:
    """审核: by a reviewer who did not generate it, after the checks are run again and found
    clean and every line's signature verified. A refused approval still stores the new check
    result, so the page lists what blocks it."""
    require(actor, Perm.APPROVE_PAYROLL, message="您没有审核发放名册的权限")
    with transaction.atomic():
        payroll = _payroll(actor, payroll_id)
        if payroll.status != Status.GENERATED:
            raise Conflict(TAKEN)
        if payroll.generated_by_id == actor.pk:
            raise PermissionDenied("生成人不能审核自己生成的发放名册")
        result = payroll_checks.check_payroll(payroll)
        verified = payroll_verify(payroll)
        if not verified.ok:
            result["differences"].append(
                {
                    "kind": "signature",
                    "text": f"发放明细签名不符（序号：{_seqs(verified.bad_seqs)}）"
                    if verified.bad_seqs
                    else "名册签名不符：明细被增删或调换顺序",
                }
            )
        Payroll.objects.filter(pk=payroll.pk).update(check_result=result)
    if result["differences"]:
        raise ValidationFailed(
            f"核对发现{len(result['differences'])}处差异，不能审核，请查看核对结果"
        )
    with transaction.atomic():
        payroll = _payroll(actor, payroll_id)
        now = timezone.now()
        if not Payroll.objects.filter(pk=payroll.pk, status=Status.GENERATED).update(
            status=Status.APPROVED, approved_by=actor, approved_at=now
        ):
            raise Conflict(TAKEN)
        audit.record(
            action="payroll.approve",
            actor=actor,
            obj=payroll,
            old={"status": Status.GENERATED},
            new={"status": Status.APPROVED, "digest": payroll.digest},
        )
    payroll.refresh_from_db()
    return payroll


def _seqs(seqs: list[int]) -> str:
    shown = "、".join(str(s) for s in seqs[:20])
    return shown + (f"等{len(seqs)}笔" if len(seqs) > 20 else "")


@transaction.atomic
def payroll_release(*, actor, payroll_id: int) -> Payroll:
    """发放: by finance, who neither generated nor approved it."""
    require(actor, Perm.RELEASE_PAYROLL, message="您没有发放的权限")
    payroll = _payroll(actor, payroll_id)
    if payroll.status != Status.APPROVED:
        raise Conflict(TAKEN if payroll.status != Status.GENERATED else "该发放名册尚未审核")
    if actor.pk in (payroll.generated_by_id, payroll.approved_by_id):
        raise PermissionDenied("同一人不能在同一发放名册中既生成或审核又发放")
    if not Payroll.objects.filter(pk=payroll.pk, status=Status.APPROVED).update(
        status=Status.RELEASED, released_by=actor, released_at=timezone.now()
    ):
        raise Conflict(TAKEN)
    audit.record(
        action="payroll.release",
        actor=actor,
        obj=payroll,
        old={"status": Status.APPROVED},
        new={"status": Status.RELEASED},
    )
    payroll.refresh_from_db()
    return payroll
