"""异动 (R17): township officers submit changes to an enrolment in the month's window (a late
one rolls to the next payroll month and says so); the county approves or returns them; an
approved change is applied to the enrolment and, where it raises what is due for a month
already generated, owed as arrears (补发). Name corrections apply at submission; bank-account
changes need county approval but no change form."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from jiuzhu.accounts.guards import require
from jiuzhu.accounts.jurisdiction import region_q
from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit, crypto
from jiuzhu.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiuzhu.core.money import format_yuan
from jiuzhu.core.month import Month
from jiuzhu.programmes.catalogue import SettingKey
from jiuzhu.programmes.selectors import setting_value
from jiuzhu.registry.choices import LabourCapacity
from jiuzhu.registry.sensitive import protect_bank_account

from . import backpay, rules
from .models import Enrolment, EnrolmentChange

Kind = EnrolmentChange.Kind
Status = EnrolmentChange.Status

# Kinds a township submits through the change form (new comes from the decision, reprice from
# an adjustment).
SUBMITTABLE = (
    Kind.AMOUNT,
    Kind.REDUCE,
    Kind.SUSPEND,
    Kind.RESUME,
    Kind.STOP,
    Kind.GRADUAL_EXIT,
    Kind.BANK,
    Kind.NAME,
)
NO_FORM = (Kind.NAME, Kind.BANK)  # R17: no change form, no reason required
# Kinds that lower what is paid: dated into a generated month they would edit a payroll.
LOWERING = (Kind.REDUCE, Kind.STOP, Kind.SUSPEND)
AMOUNT_KINDS = (Kind.AMOUNT, Kind.REDUCE, Kind.REPRICE)
# On a stopped enrolment only these may still be submitted (a returned payment's re-issue
# needs the corrected account; a name is corrected whatever the status).
ON_STOPPED = (Kind.NAME, Kind.BANK)
ACCOUNT_RE = re.compile(r"[0-9]{12,30}")


def window_for(county, on: date) -> tuple[int, int]:
    start = setting_value(county=county, key=SettingKey.CHANGE_WINDOW_START, on=on)
    end = setting_value(county=county, key=SettingKey.CHANGE_WINDOW_END, on=on)
    return int(start), int(end)


def payroll_month(enrolment: Enrolment, on: date) -> rules.WindowedMonth:
    """The payroll month a change submitted on `on` counts in (R17)."""
    start, end = window_for(enrolment.county, on)
    generated = backpay.generated_months(
        county_id=enrolment.county_id, programme_id=enrolment.programme_id
    )
    return rules.payroll_month_for(on, window_start=start, window_end=end, generated=generated)


def refuse_lowering_into_paid(enrolment: Enrolment, kind: str, effective_month: str) -> None:
    """A reduction, stop or suspension dated into a month already generated is an overpayment:
    it is recovered (追回), never taken off a payroll."""
    if kind not in LOWERING:
        return
    generated = backpay.generated_months(
        county_id=enrolment.county_id, programme_id=enrolment.programme_id
    )
    paid = [m for m in generated if m >= effective_month]
    if paid:
        label = Month.parse(paid[-1]).label
        raise ValidationFailed(
            f"{Month.parse(effective_month).label}至{label}的发放名册已生成，不能将"
            f"{Kind(kind).label}的生效月份定在这些月份；请将生效月份定在{Month.parse(paid[-1]).next().label}"
            "或以后，已多发的金额请登记为追回"
        )


def _locked_enrolment(actor, enrolment_id: int) -> Enrolment:
    require(actor, Perm.CHANGE_ENROLMENTS, message="您没有申报异动的权限")
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("programme", "county", "household")
        .filter(region_q(actor), pk=enrolment_id)
        .first()
    )
    if enrolment is None:
        raise Http404("没有找到该保障对象")
    return enrolment


def _month(text: str | None, default: Month) -> str:
    if not text:
        return str(default)
    try:
        return str(Month.parse(text))
    except ValueError as exc:
        raise ValidationFailed(str(exc)) from exc


def _check_amount(kind: str, old: Decimal, new_amount) -> Decimal:
    if new_amount is None:
        raise ValidationFailed("请填写调整后的月保障金额")
    new = Decimal(new_amount).quantize(Decimal("0.01"))
    if new <= 0:
        raise ValidationFailed("调整后的金额应大于0；如不再发放，请申报停发")
    if new == old:
        raise ValidationFailed(f"调整后的金额与原金额{format_yuan(old)}相同")
    if kind == Kind.REDUCE and new > old:
        raise ValidationFailed(f"减发后的金额应低于原金额{format_yuan(old)}")
    return new


def _check_open(enrolment: Enrolment, kind: str) -> None:
    if enrolment.changes.filter(kind=kind, status=Status.SUBMITTED).exists():
        raise Conflict(f"该保障对象已有一项待审批的{Kind(kind).label}，请待县级审批后再申报")


def _check_state(enrolment: Enrolment, kind: str, effective: str) -> None:
    if enrolment.status == Enrolment.Status.STOPPED and kind not in ON_STOPPED:
        raise ValidationFailed("该保障对象已停保，只能申报姓名更正或银行账户变更")
    if kind == Kind.SUSPEND and enrolment.status == Enrolment.Status.SUSPENDED:
        raise ValidationFailed("该保障对象已暂停发放")
    if kind == Kind.RESUME and enrolment.status != Enrolment.Status.SUSPENDED:
        raise ValidationFailed("该保障对象未暂停发放，无需恢复")
    if kind == Kind.GRADUAL_EXIT and enrolment.gradual_exit_from:
        raise ValidationFailed("该保障对象已在渐退期")
    if kind not in NO_FORM and effective < enrolment.start_month:
        raise ValidationFailed(
            f"生效月份不能早于起始月份{Month.parse(enrolment.start_month).label}"
        )


@transaction.atomic
def change_submit(
    *,
    actor,
    enrolment_id: int,
    kind: str,
    reason: str,
    effective_month: str | None = None,
    new_amount: Decimal | None = None,
    person_id: int | None = None,
    new_name: str | None = None,
    new_bank_name: str | None = None,
    new_bank_account: str | None = None,
    gradual_exit_months: int | None = None,
    today: date | None = None,
) -> EnrolmentChange:
    """Submit a change (R17). Returns it; its `.note` says which payroll month it counts in
    (and that it rolled over when late)."""
    enrolment = _locked_enrolment(actor, enrolment_id)
    if kind not in SUBMITTABLE:
        raise ValidationFailed(f"不能申报此类变更：{kind}")
    reason = (reason or "").strip()
    if kind not in NO_FORM and not reason:
        raise ValidationFailed("请填写变更理由（异动审批表）")
    today = today or timezone.localdate()
    windowed = payroll_month(enrolment, today)
    effective = _month(effective_month, windowed.month)
    _check_state(enrolment, kind, effective)
    _check_open(enrolment, kind)
    refuse_lowering_into_paid(enrolment, kind, effective)
    old = enrolment.monthly_amount
    change = EnrolmentChange(
        enrolment=enrolment,
        kind=kind,
        status=Status.SUBMITTED,
        effective_month=effective,
        payroll_month=str(windowed.month),
        submitted_late=windowed.late,
        old_amount=old,
        new_amount=old,
        reason=reason,
        created_by=actor,
    )
    if kind in (Kind.AMOUNT, Kind.REDUCE):
        change.new_amount = _check_amount(kind, old, new_amount)
    elif kind == Kind.STOP:
        change.new_amount = Decimal("0.00")
    elif kind == Kind.GRADUAL_EXIT and gradual_exit_months is not None:
        if not 1 <= int(gradual_exit_months) <= 24:
            raise ValidationFailed("渐退月数应在1至24个月之间")
        change.gradual_exit_months = int(gradual_exit_months)
    elif kind == Kind.BANK:
        _fill_bank(change, enrolment, new_bank_name, new_bank_account)
    elif kind == Kind.NAME:
        _fill_name(change, enrolment, person_id, new_name)
    change.save()
    audit.record(
        action="change.submit",
        actor=actor,
        obj=change,
        household_id=enrolment.household_id,
        new=_summary(change),
        reason=reason,
    )
    if kind == Kind.NAME:
        _apply_name(change, actor)
    change.note = windowed.note
    return change


def _fill_bank(change, enrolment, bank_name, account) -> None:
    account = (account or "").replace(" ", "")
    if not (bank_name or "").strip():
        raise ValidationFailed("请填写新的开户银行")
    if not ACCOUNT_RE.fullmatch(account):
        raise ValidationFailed("银行账号应为12至30位数字")
    protected = protect_bank_account(account)
    if protected.hash == enrolment.household.bank_account_hash:
        raise ValidationFailed("新账号与现有账号相同")
    change.new_bank_name = bank_name.strip()
    change.new_bank_account_cipher = protected.cipher
    change.old_text = enrolment.household.bank_account_masked
    change.new_text = protected.masked


def _fill_name(change, enrolment, person_id, new_name) -> None:
    person = enrolment.household.members.filter(pk=person_id).first() if person_id else None
    if person is None:
        raise ValidationFailed("请选择需要更正姓名的家庭成员")
    new_name = (new_name or "").strip()
    if not new_name or len(new_name) > 40:
        raise ValidationFailed("请填写更正后的姓名（不超过40个字）")
    if new_name == person.name:
        raise ValidationFailed("更正后的姓名与原姓名相同")
    change.person, change.old_text, change.new_text = person, person.name, new_name


def _apply_name(change: EnrolmentChange, actor) -> None:
    """A name correction is applied by the township at submission (R17)."""
    from jiuzhu.registry.services import person_name_correct

    person_name_correct(
        actor=actor,
        person_id=change.person_id,
        new_name=change.new_text,
        reason=change.reason or "姓名更正",
    )
    change.status, change.reviewed_by, change.reviewed_at = Status.APPROVED, actor, timezone.now()
    change.save(update_fields=["status", "reviewed_by", "reviewed_at"])


def _summary(change: EnrolmentChange) -> dict:
    return {
        "kind": change.kind,
        "status": change.status,
        "effective_month": change.effective_month,
        "payroll_month": change.payroll_month,
        "late": change.submitted_late,
        "old_amount": change.old_amount,
        "new_amount": change.new_amount,
        "old_text": change.old_text,
        "new_text": change.new_text,
    }


def _locked_change(actor, change_id: int) -> EnrolmentChange:
    require(actor, Perm.APPROVE_CHANGES, message="只有县级审批人员可以审批异动")
    region = getattr(actor, "region", None)
    if not getattr(actor, "is_system", False) and getattr(region, "level", "") != "county":
        raise PermissionDenied("只有县级审批人员可以审批异动")
    change = (
        EnrolmentChange.objects.select_for_update(of=("self",))
        .select_related("enrolment", "enrolment__programme", "enrolment__county")
        .filter(region_q(actor, prefix="enrolment__"), pk=change_id)
        .first()
    )
    if change is None:
        raise Http404("没有找到该异动")
    if change.status != Status.SUBMITTED:
        raise Conflict(f"该异动当前状态为“{change.get_status_display()}”，不能再审批")
    if change.created_by_id == actor.pk:
        raise PermissionDenied("不能审批本人申报的异动")
    return change


def _decide(change: EnrolmentChange, actor, status: str, note: str) -> None:
    """Compare-and-set: only a submitted change is decided, once."""
    now = timezone.now()
    done = EnrolmentChange.objects.filter(pk=change.pk, status=Status.SUBMITTED).update(
        status=status, reviewed_by=actor, reviewed_at=now, review_note=note[:200]
    )
    if done != 1:
        raise Conflict("该异动已被他人处理，请刷新后查看")
    change.status, change.reviewed_by, change.reviewed_at, change.review_note = (
        status,
        actor,
        now,
        note[:200],
    )


@transaction.atomic
def change_approve(*, actor, change_id: int, note: str = "") -> EnrolmentChange:
    """County approval (R17): applies the change to the enrolment and owes arrears for months
    already generated."""
    change = _locked_change(actor, change_id)
    enrolment = Enrolment.objects.select_for_update(of=("self",)).get(pk=change.enrolment_id)
    change.enrolment = enrolment
    refuse_lowering_into_paid(enrolment, change.kind, change.effective_month)
    _decide(change, actor, Status.APPROVED, note.strip())
    old = _enrolment_state(enrolment)
    apply_change(change, actor)
    arrears = backpay.arrears_for(change)
    audit.record(
        action="change.approve",
        actor=actor,
        obj=change,
        household_id=enrolment.household_id,
        old={"status": Status.SUBMITTED, **old},
        new={
            "status": Status.APPROVED,
            **_enrolment_state(enrolment),
            "arrears": [f"{a.for_month}:{a.amount}" for a in arrears],
        },
        reason=note.strip(),
    )
    return change


@transaction.atomic
def change_return(*, actor, change_id: int, note: str) -> EnrolmentChange:
    """Return a change to the township with the reason (R17); nothing is applied."""
    change = _locked_change(actor, change_id)
    note = (note or "").strip()
    if not note:
        raise ValidationFailed("退回异动须填写退回意见")
    _decide(change, actor, Status.RETURNED, note)
    audit.record(
        action="change.return",
        actor=actor,
        obj=change,
        household_id=change.enrolment.household_id,
        old={"status": Status.SUBMITTED},
        new={"status": Status.RETURNED},
        reason=note,
    )
    return change


def _enrolment_state(e: Enrolment) -> dict:
    return {
        "enrolment_status": e.status,
        "monthly_amount": e.monthly_amount,
        "payroll_from": e.payroll_from,
        "end_month": e.end_month,
        "gradual_exit_from": e.gradual_exit_from,
    }


def apply_change(change: EnrolmentChange, approver) -> None:
    """Apply an approved change to its (locked) enrolment, per kind (design: Changes); called
    by the approving services once they have checked `approver`."""
    enrolment, kind = change.enrolment, change.kind
    fields: list[str] = []
    if kind == Kind.NEW:
        enrolment.payroll_from = enrolment.start_month
        enrolment.review_months = review_months(enrolment)
        enrolment.next_review_on = add_months(timezone.localdate(), enrolment.review_months)
        fields += ["payroll_from", "review_months", "next_review_on"]
    elif kind in AMOUNT_KINDS:
        later = enrolment.changes.filter(
            status=Status.APPROVED,
            kind__in=AMOUNT_KINDS,
            effective_month__gt=change.effective_month,
        ).exists()
        if not later:
            enrolment.monthly_amount = change.new_amount
            fields.append("monthly_amount")
    elif kind == Kind.STOP:
        start = Month.parse(enrolment.start_month)
        enrolment.end_month = str(max(Month.parse(change.effective_month).prev(), start.prev()))
        enrolment.status, enrolment.exit_reason = Enrolment.Status.STOPPED, change.reason[:200]
        fields += ["end_month", "status", "exit_reason"]
    elif kind == Kind.GRADUAL_EXIT:
        months = change.gradual_exit_months or gradual_exit_months_for(enrolment, change)
        last = rules.gradual_exit_last_month(Month.parse(change.effective_month), months)
        enrolment.gradual_exit_from, enrolment.end_month = change.effective_month, str(last)
        enrolment.exit_reason = change.reason[:200]
        fields += ["gradual_exit_from", "end_month", "exit_reason"]
    elif kind == Kind.SUSPEND:
        enrolment.status = Enrolment.Status.SUSPENDED
        fields.append("status")
    elif kind == Kind.RESUME:
        enrolment.status = Enrolment.Status.ACTIVE
        fields.append("status")
    elif kind == Kind.BANK:
        _apply_bank(change, approver)
    if fields:
        enrolment.save(update_fields=fields)


def add_months(d: date, n: int) -> date:
    """The same day `n` months later, clamped to the month's last day."""
    month = Month.of(d).add(n)
    return month.first_day.replace(day=min(d.day, month.last_day.day))


def _apply_bank(change: EnrolmentChange, actor) -> None:
    from jiuzhu.registry.services import household_bank_account_set

    household_bank_account_set(
        actor=actor,
        household_id=change.enrolment.household_id,
        bank_name=change.new_bank_name,
        bank_account=crypto.decrypt(change.new_bank_account_cipher),
        reason=f"银行账户变更异动#{change.pk}审批通过",
    )


def gradual_exit_months_for(enrolment: Enrolment, change: EnrolmentChange) -> int:
    """R13: the county's period; the longer one for a poverty-registry household. The registry
    keeps no poverty-registry marker on a household yet (the poverty list is a cross-check
    snapshot), so the longer period applies only when the officer enters it on the change."""
    on = Month.parse(change.effective_month).first_day
    return rules.gradual_exit_months(
        national_default=int(
            setting_value(county=enrolment.county, key=SettingKey.GRADUAL_EXIT_MONTHS, on=on)
        ),
        poverty_registry=False,
        poverty_months=int(
            setting_value(
                county=enrolment.county, key=SettingKey.GRADUAL_EXIT_MONTHS_POVERTY, on=on
            )
        ),
    )


def review_months(enrolment: Enrolment) -> int:
    """S2 art. 31: the review interval from the household's members able to work. The registry
    records no income stability, so unstable income is not known and counts as stable."""
    on = timezone.localdate()
    able = enrolment.household.members.filter(labour_capacity=LabourCapacity.FULL).count()
    return rules.review_interval_months(
        programme_code=enrolment.programme.code,
        unstable_income=False,
        able_to_work=able,
        stable_months=int(
            setting_value(county=enrolment.county, key=SettingKey.REVIEW_MONTHS_STABLE, on=on)
        ),
        unstable_months=int(
            setting_value(county=enrolment.county, key=SettingKey.REVIEW_MONTHS_UNSTABLE, on=on)
        ),
    )
