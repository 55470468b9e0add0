"""Working a finding: review a borderline match, assign, verify on the ground, act, close.

Each step checks the permission and the jurisdiction (the township that holds the household),
writes the audit record and runs in one transaction. Acting on a confirmed finding stops or
reduces the enrolment through the payments service, refers the household, or links the new
application that includes it.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from jiuzhu.accounts.guards import require
from jiuzhu.accounts.models import User
from jiuzhu.accounts.roles import Perm
from jiuzhu.cases.models import Application
from jiuzhu.core import audit, crypto, uploads
from jiuzhu.core.errors import ValidationFailed
from jiuzhu.core.month import Month
from jiuzhu.payments.deaths import person_mark_dead
from jiuzhu.payments.models import Recovery
from jiuzhu.payments.recoveries import recovery_for_finding
from jiuzhu.payments.services import enrolment_reduce, enrolment_stop
from jiuzhu.registry.models import Person

from .finding_flow import Step, StepNotAllowed, next_status
from .finding_selectors import death_date_of, finding_for_update, findings_for
from .models import Finding


def _begin(actor, finding_id: int, step: Step) -> tuple[Finding, str, str]:
    require(actor, Perm.HANDLE_FINDINGS, message="您没有办理核查发现的权限")
    finding = finding_for_update(user=actor, pk=finding_id)
    try:
        new = next_status(finding.status, step)
    except StepNotAllowed as exc:
        raise ValidationFailed(f"{exc}（当前状态：{finding.get_status_display()}）") from None
    return finding, finding.status, new


def _finish(
    finding: Finding, actor, step: Step, old: str, fields: list[str], new: dict, reason: str = ""
) -> Finding:
    finding.save(update_fields=["status", *fields])
    audit.record(
        action=f"crosscheck.finding_{step.value}",
        actor=actor,
        obj=finding,
        household_id=finding.household_id,
        old={"status": old},
        new={"status": finding.status, **new},
        reason=reason,
    )
    return finding


@transaction.atomic
def finding_review(*, actor, finding_id: int, same_person: bool, note: str) -> Finding:
    """The review queue: a person decides whether a borderline match is the same person."""
    step = Step.MATCH_CONFIRM if same_person else Step.MATCH_REJECT
    finding, old, finding.status = _begin(actor, finding_id, step)
    if not note.strip():
        raise ValidationFailed("请说明判断依据")
    return _finish(finding, actor, step, old, [], {"same_person": same_person}, note)


@transaction.atomic
def finding_assign(*, actor, finding_id: int, assignee_id: int) -> Finding:
    finding, old, finding.status = _begin(actor, finding_id, Step.ASSIGN)
    assignee = User.objects.filter(pk=assignee_id, is_active=True).first()
    if (
        assignee is None
        or not assignee.can(Perm.HANDLE_FINDINGS)
        or assignee.region_id not in (finding.township_id, finding.county_id)
    ):
        raise ValidationFailed("核实人应为该乡镇（街道）或县级的经办人员")
    finding.assignee = assignee
    return _finish(
        finding, actor, Step.ASSIGN, old, ["assignee"], {"assignee": assignee.display_name}
    )


def _store_attachment(finding: Finding, name: str, data: bytes) -> str:
    """Keep a verification attachment: through the upload guard (size; PDF, JPG, PNG, .xlsx or
    .docx by its first bytes, an .xlsx or .docx without macros or external links), encrypted,
    readable by this account only (0600). It is never opened or parsed beyond the guard."""
    uploads.check_attachment(name, data)
    folder = Path(settings.VAR_DIR) / "attachments" / "findings"
    stamp = f"{timezone.now():%Y%m%d%H%M%S}-{secrets.token_hex(4)}"
    path = folder / f"{finding.pk}-{stamp}.enc"
    uploads.store_private(path, crypto.encrypt_bytes(data))
    return str(path)


@transaction.atomic
def finding_verify(
    *,
    actor,
    finding_id: int,
    is_true: bool,
    note: str,
    attachment_name: str = "",
    attachment: bytes | None = None,
) -> Finding:
    """Record the result of checking on the ground, with the reason and an optional file."""
    step = Step.VERIFY_TRUE if is_true else Step.VERIFY_FALSE
    finding, old, finding.status = _begin(actor, finding_id, step)
    if not note.strip():
        raise ValidationFailed("请填写核实情况" + ("" if is_true else "和不属实的理由"))
    finding.verdict, finding.verification_note = is_true, note.strip()
    finding.verified_by, finding.verified_at = actor, timezone.now()
    fields = ["verdict", "verification_note", "verified_by", "verified_at"]
    if attachment:
        finding.attachment_path = _store_attachment(finding, attachment_name, attachment)
        finding.attachment_name = attachment_name[:200]
        fields += ["attachment_path", "attachment_name"]
    return _finish(
        finding,
        actor,
        step,
        old,
        fields,
        {"verdict": is_true, "attachment": finding.attachment_name},
        note,
    )


@transaction.atomic
def finding_act(
    *,
    actor,
    finding_id: int,
    action: str,
    note: str,
    effective_month: str = "",
    new_amount: Decimal | None = None,
    application_id: int | None = None,
    rectification_ref: str = "",
    recover_from_month: str = "",
) -> Finding:
    """Act on a confirmed finding: stop or reduce the enrolment from a month, refer, include
    through a new application, or keep with a reason. With `recover_from_month`, a stop or
    reduction also opens the recovery of what was paid from that month (R9: for a death, the
    dead person's share; otherwise the enrolment's whole payment)."""
    finding, old, finding.status = _begin(actor, finding_id, Step.ACT)
    if action not in Finding.Action.values or not action:
        raise ValidationFailed("请选择处置方式")
    if not note.strip():
        raise ValidationFailed("请填写处置说明")
    source = f"核查发现#{finding.pk}"
    if action in (Finding.Action.STOP, Finding.Action.REDUCE):
        if finding.enrolment_id is None:
            raise ValidationFailed("该发现没有对应的保障对象，不能停发或减发")
        try:
            Month.parse(effective_month)
        except ValueError:
            raise ValidationFailed("请填写生效月份（YYYY-MM）") from None
        if action == Finding.Action.STOP:
            enrolment_stop(
                actor=actor,
                enrolment_id=finding.enrolment_id,
                effective_month=effective_month,
                reason=note,
                source=source,
            )
        else:
            if new_amount is None:
                raise ValidationFailed("请填写减发后的月保障金额")
            enrolment_reduce(
                actor=actor,
                enrolment_id=finding.enrolment_id,
                effective_month=effective_month,
                new_amount=new_amount,
                reason=note,
                source=source,
            )
        finding.action_month = effective_month
    if action == Finding.Action.STOP and finding.check_code == "death":
        _mark_dead(actor, finding, source)
    recovery = None
    if recover_from_month.strip():
        if action not in (Finding.Action.STOP, Finding.Action.REDUCE):
            raise ValidationFailed("只有停发或减发时才能同时登记追回")
        recovery = recovery_for_finding(
            actor=actor,
            household_id=finding.household_id,
            enrolment_id=finding.enrolment_id,
            person_id=finding.person_id,
            cause=Recovery.Cause.DEATH
            if finding.check_code == "death"
            else Recovery.Cause.WRONGFUL,
            from_month=recover_from_month.strip(),
            source=source,
            note=note.strip(),
        )
    if action == Finding.Action.INCLUDE:
        app = (
            Application.objects.filter(pk=application_id, household_id=finding.household_id).first()
            if application_id and finding.household_id
            else None
        )
        if app is None:
            raise ValidationFailed("请先为该户登记救助申请，再选择该申请")
        finding.new_application = app
    finding.action, finding.action_note, finding.acted_at = action, note.strip(), timezone.now()
    finding.rectification_ref = rectification_ref.strip()[:60]
    return _finish(
        finding,
        actor,
        Step.ACT,
        old,
        [
            "action",
            "action_note",
            "action_month",
            "acted_at",
            "new_application",
            "rectification_ref",
        ],
        {
            "action": action,
            "effective_month": finding.action_month,
            "new_amount": new_amount,
            "application": application_id,
            "rectification_ref": finding.rectification_ref,
            "recovery": recovery.pk if recovery else None,
        },
        note,
    )


def _mark_dead(actor, finding: Finding, source: str) -> None:
    """A death finding verified true and acted on: the person is marked dead on the registry's
    date, so the household page no longer shows them alive (R9)."""
    died_on = death_date_of(finding)
    if finding.person_id is None or died_on is None:
        return
    person = Person.objects.select_for_update(of=("self",)).get(pk=finding.person_id)
    registry = finding.snapshot.source if finding.snapshot_id and finding.snapshot.source else ""
    person_mark_dead(
        actor=actor,
        person=person,
        died_on=died_on,
        source=f"{source}（{registry or '死亡人员数据比对'}）",
        today=timezone.localdate(),
    )


@transaction.atomic
def finding_close(*, actor, finding_id: int, note: str = "") -> Finding:
    finding, old, finding.status = _begin(actor, finding_id, Step.CLOSE)
    finding.closed_at = timezone.now()
    return _finish(finding, actor, Step.CLOSE, old, ["closed_at"], {}, note)


def finding_attachment(*, actor, finding: Finding) -> bytes:
    """The verification attachment, decrypted, for one who may see the finding; every download
    is audited."""
    require(actor, Perm.VIEW_FINDINGS, message="您没有查看核查发现的权限")
    if not findings_for(actor).filter(pk=finding.pk).exists():
        raise Http404("没有找到该核查发现")
    if not finding.attachment_path:
        raise ValidationFailed("没有附件")
    data = crypto.decrypt_bytes(Path(finding.attachment_path).read_bytes())
    audit.record(
        action="crosscheck.attachment_view",
        actor=actor,
        obj=finding,
        household_id=finding.household_id,
        new={"file": finding.attachment_name},
    )
    return data
