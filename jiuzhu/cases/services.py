"""Application workflow services (R1–R5, S2 arts. 15–24). Each checks permission, jurisdiction
and the actor's authority, locks the case, moves it by the pure transition table, and writes
the case event and the audit record in one transaction."""

from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from jiuzhu.accounts.roles import INVESTIGATOR_ROLES, Perm
from jiuzhu.core import audit
from jiuzhu.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiuzhu.core.money import MoneyError, format_yuan, parse_money
from jiuzhu.payments.services import enrolment_create_from
from jiuzhu.programmes.models import Programme
from jiuzhu.programmes.selectors import delegated_programmes, setting_value
from jiuzhu.registry.selectors import household_for_update

from . import authority, step_dates, workflow
from .access import actor_level, locked_application, require
from .benefit import calculate, stop_reason
from .kin import household_kin_matches, recused_user_ids
from .models import (
    Application,
    Appraisal,
    CaseComplaint,
    CaseEvent,
    Investigation,
    NoticeObjection,
    Verification,
)
from .queues import REFUSAL_DELIVERED as REFUSAL_DELIVERED_EVENTS
from .step_checks import EnteredDate, checked_date
from .step_dates import StepKind
from .workflow import DECIDED_STATUSES, FINAL_STATUSES, Action, Status


def facts_of(app: Application, today: date | None = None) -> workflow.CaseFacts:
    today = today or timezone.localdate()
    return workflow.CaseFacts(
        needs_notice=app.programme.needs_notice,
        emergency_allowed=app.programme.code == "temporary",
        notice_days_elapsed=step_dates.notice_days_elapsed(app.notice_started_on, today),
        unresolved_objections=app.objections.filter(resolved=False).count(),
    )


def _check_authority(app: Application, actor, action: Action) -> None:
    """Recusal (R5) for every action; separation of duties and R1 level for decisions."""
    investigated = set()
    for inv in app.investigations.all():
        investigated |= {inv.investigator_1_id, inv.investigator_2_id}
    try:
        authority.check_actor(
            action=action.value,
            actor_id=actor.pk,
            actor_level=actor_level(actor),
            created_by=app.created_by_id,
            investigated_by=frozenset(investigated),
            recused=recused_user_ids(household_kin_matches(app.household)),
            required_level=app.confirming_level or "township",
        )
    except authority.AuthorityError as exc:
        raise PermissionDenied(str(exc)) from exc


def transition(
    app: Application,
    *,
    actor,
    action: Action,
    reason: str = "",
    choice: Status | None = None,
    data: dict | None = None,
    **changes,
) -> Application:
    """Move the (locked) case by one step; compare-and-set on status and version."""
    _check_authority(app, actor, action)
    old = Status(app.status)
    try:
        new = workflow.next_status(old, action, facts_of(app), choice=choice)
    except workflow.IllegalTransition as exc:
        raise Conflict(f"{exc}（申请{app.number}）") from exc
    updated = Application.objects.filter(pk=app.pk, status=old, version=app.version).update(
        status=new, version=F("version") + 1, **changes
    )
    if updated != 1:
        raise Conflict(f"申请{app.number}已被他人处理，本次操作未执行，请刷新后查看")
    app.refresh_from_db()
    CaseEvent.objects.create(
        application=app,
        action=action.value,
        from_status=old,
        to_status=new,
        actor=actor,
        reason=reason,
        data=audit.json_safe(data or {}),
    )
    audit.record(
        action=f"case.{action.value}",
        actor=actor,
        obj=app,
        household_id=app.household_id,
        old={"status": old.value},
        new={"status": new.value, **(data or {})},
        reason=reason,
    )
    return app


def _require_legal(app: Application, action: Action, choice: Status | None = None) -> None:
    """Refuse an illegal step before its inputs are checked, as ``transition`` would."""
    try:
        workflow.next_status(Status(app.status), action, facts_of(app), choice=choice)
    except workflow.IllegalTransition as exc:
        raise Conflict(f"{exc}（申请{app.number}）") from exc


def _late_reasons(app: Application, field: str, entered: EnteredDate) -> dict:
    """The application's 补录 reasons with the one of `field` set (or cleared)."""
    reasons = {k: v for k, v in (app.late_reasons or {}).items() if k != field}
    if entered.late:
        reasons[field] = entered.late_reason
    return reasons


def _next_number(township_code: str) -> str:
    year = timezone.localdate().year
    # separators keep the number from looking like an 18-digit ID number
    prefix = f"SQ{year}-{township_code[:9]}-"
    last = (
        Application.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return f"{prefix}{(int(last[len(prefix) :]) + 1) if last else 1:05d}"


@transaction.atomic
def application_register(
    *,
    actor,
    household_id: int,
    programme_code: str,
    reason: str,
    applicant_id: int | None = None,
    requested_amount: Decimal | None = None,
    temporary_tier: str = "",
    supporter_incapable_claim: bool = False,
    applied_on: date | None = None,
    late_reason: str = "",
) -> Application:
    """登记: the application date is today unless an earlier one is entered with its 补录
    reason (a paper application registered later)."""
    require(actor, Perm.REGISTER_CASES)
    household = household_for_update(user=actor, pk=household_id)
    applied = checked_date(
        None,
        StepKind.REGISTRATION,
        applied_on or timezone.localdate(),
        late_reason,
        county=household.county,
    )
    programme = Programme.objects.filter(code=programme_code).first()
    if programme is None:
        raise ValidationFailed(f"救助项目不存在：{programme_code}")
    applicant = household.members.filter(pk=applicant_id).first() if applicant_id else None
    if applicant_id and applicant is None:
        raise ValidationFailed("申请人不是该家庭的成员")
    if (
        Application.objects.filter(household=household, programme=programme)
        .exclude(status__in=FINAL_STATUSES)
        .exists()
    ):
        raise ValidationFailed(f"该家庭已有一件正在办理的“{programme.name}”申请")
    matches = household_kin_matches(household)
    app = Application.objects.create(
        number=_next_number(household.township.code),
        household=household,
        applicant=applicant,
        programme=programme,
        county_id=household.county_id,
        township_id=household.township_id,
        village_id=household.village_id,
        reason=reason,
        requested_amount=requested_amount,
        temporary_tier=temporary_tier,
        created_by=actor,
        kin_registered=bool(matches),
        supporter_incapable_claim=supporter_incapable_claim,
        applied_on=applied.check.entered,
        late_reasons={"applied_on": applied.late_reason} if applied.late else {},
    )
    CaseEvent.objects.create(
        application=app,
        action=Action.REGISTER.value,
        from_status="",
        to_status=app.status,
        actor=actor,
        reason=reason,
        data=audit.json_safe({"kin": [m.reason for m in matches], **applied.event_data()}),
    )
    audit.record(
        action="case.register",
        actor=actor,
        obj=app,
        household_id=household.pk,
        new={
            "programme": programme.code,
            "kin_registered": app.kin_registered,
            "requested_amount": requested_amount,
            **applied.event_data(),
        },
    )
    return app


@transaction.atomic
def application_mark_incomplete(*, actor, application_id: int, missing: list[str]) -> Application:
    """一次性告知: everything missing, listed at once."""
    items = [m.strip() for m in missing if m.strip()]
    if not items:
        raise ValidationFailed("请列出所缺的全部材料（一次性告知）")
    app = locked_application(actor, application_id, Perm.HANDLE_CASES)
    return transition(
        app,
        actor=actor,
        action=Action.MARK_INCOMPLETE,
        data={"missing": items},
        missing_materials=items,
    )


@transaction.atomic
def application_supplement(*, actor, application_id: int, note: str) -> Application:
    app = locked_application(actor, application_id, Perm.REGISTER_CASES)
    return transition(app, actor=actor, action=Action.SUPPLEMENT, reason=note, missing_materials=[])


@transaction.atomic
def application_accept(
    *, actor, application_id: int, accepted_on: date | None = None, late_reason: str = ""
) -> Application:
    """Accept the case; fix who confirms it (R1) from the county's delegation in force. The
    acceptance date starts the time limits (S2 art. 15): not before the application, not in
    the future, a 补录 with its reason."""
    app = locked_application(actor, application_id, Perm.HANDLE_CASES)
    _require_legal(app, Action.ACCEPT)
    entered = checked_date(
        app, StepKind.ACCEPTANCE, accepted_on or timezone.localdate(), late_reason
    )
    accepted_on = entered.check.entered
    delegated = delegated_programmes(county=app.county, on=accepted_on)
    cap = setting_value(county=app.county, key="temporary_cap", on=accepted_on)
    amount = app.requested_amount
    if app.programme.code == "temporary" and amount is None:
        amount = calculate(app, accepted_on).amount
        if not amount:
            raise ValidationFailed("临时救助须先填写申请金额或选择救助档次，才能确定由谁审核确认")
    decision = authority.decide_level(
        app.programme.code,
        amount,
        authority.DelegationSettings(delegated_programmes=delegated, temporary_cap=cap),
    )
    return transition(
        app,
        actor=actor,
        action=Action.ACCEPT,
        data={"level": decision.level, **entered.event_data()},
        reason=decision.reason,
        accepted_on=accepted_on,
        late_reasons=_late_reasons(app, "accepted_on", entered),
        confirming_level=decision.level,
        confirming_reason=decision.reason,
        delegated=decision.level == "township",
    )


@transaction.atomic
def investigation_record(
    *,
    actor,
    application_id: int,
    visited_on: date,
    investigator_1,
    investigator_2,
    living_conditions: str,
    income_findings: str,
    asset_findings: str,
    family_signed: bool,
    late_reason: str = "",
) -> Investigation:
    """S2 art. 16: two investigators, the form signed by both and by the family; the visit is
    dated on or after the step before it (acceptance, or the objection that sent it back)."""
    app = locked_application(actor, application_id, Perm.HANDLE_CASES)
    if investigator_1.pk == investigator_2.pk:
        raise ValidationFailed("入户调查须由两名工作人员进行")
    if not family_signed:
        raise ValidationFailed("调查表须经申请人（家庭成员）签字确认")
    for person in (investigator_1, investigator_2):
        local = person.region_id in (app.township_id, app.county_id)
        if person.role not in INVESTIGATOR_ROLES or not person.is_active or not local:
            raise ValidationFailed(
                f"{person.display_name}（{person.role_label}）不能担任入户调查人，"
                "应由本乡镇（街道）或县级民政经办、审核人员入户调查"
            )
    recused = recused_user_ids(household_kin_matches(app.household))
    for person in (investigator_1, investigator_2):
        if person.pk in recused:
            raise PermissionDenied(f"{person.display_name}与申请家庭有近亲属关系，应当回避")
    entered = checked_date(app, StepKind.INVESTIGATION, visited_on, late_reason)
    if app.status == Status.ACCEPTED:
        app = transition(app, actor=actor, action=Action.START_INVESTIGATION)
    investigation = Investigation.objects.create(
        application=app,
        visited_on=visited_on,
        late_reason=entered.late_reason,
        investigator_1=investigator_1,
        investigator_2=investigator_2,
        living_conditions=living_conditions,
        income_findings=income_findings,
        asset_findings=asset_findings,
        family_signed=family_signed,
        recorded_by=actor,
    )
    transition(
        app,
        actor=actor,
        action=Action.RECORD_INVESTIGATION,
        data={
            "investigators": [investigator_1.username, investigator_2.username],
            "visited_on": visited_on,
            **entered.event_data(),
        },
    )
    return investigation


@transaction.atomic
def verification_record(
    *,
    actor,
    application_id: int,
    checked_on: date,
    result: str,
    details: str,
    objection: str = "",
    needs_appraisal: bool = False,
    late_reason: str = "",
) -> Verification:
    """S2 art. 17: record the check; an objection by the applicant means checking again. A
    result without objection is priced at once with the parameters in force, so the amount (or
    the reason it is ineligible) is known before the notice."""
    app = locked_application(actor, application_id, Perm.HANDLE_CASES)
    if result not in Verification.Result.values:
        raise ValidationFailed(f"核对结果无效：{result}")
    entered = checked_date(app, StepKind.VERIFICATION, checked_on, late_reason)
    verification = Verification.objects.create(
        application=app,
        checked_on=checked_on,
        result=result,
        details=details,
        objection=objection,
        late_reason=entered.late_reason,
        recorded_by=actor,
    )
    if objection.strip():
        transition(
            app,
            actor=actor,
            action=Action.VERIFICATION_OBJECTION,
            reason=objection,
            data=entered.event_data(),
        )
        return verification
    benefit, priced = _benefit_fields(app)
    transition(
        app,
        actor=actor,
        action=Action.RECORD_VERIFICATION,
        choice=Status.APPRAISAL if needs_appraisal else None,
        data={"result": result, **entered.event_data(), **benefit},
        **priced,
    )
    return verification


def _benefit_fields(app: Application) -> tuple[dict, dict]:
    """The benefit with the parameters in force today, as (what the event records, the fields
    to store); a county whose parameters cannot price the case yet (e.g. no tier table) is told
    so when the notice is published, not when the verification is recorded."""
    try:
        result = calculate(app, timezone.localdate())
    except ValidationFailed as exc:
        return {"calculation_error": exc.message}, {}
    return (
        {"amount": result.amount, "eligible": result.eligible},
        {"monthly_amount": result.amount, "calculation": list(result.lines)},
    )


@transaction.atomic
def notice_publish(
    *,
    actor,
    application_id: int,
    start_on: date | None = None,
    late_reason: str = "",
    continue_reason: str = "",
) -> Application:
    """公示 (S2 art. 19, R2): 7 days from a start date no earlier than the verification (nor any
    step before it), with the amount calculated with the parameters in force (R18). A case the
    calculation finds ineligible, or worth nothing, stops here unless the officer records why
    it goes on (``continue_reason``)."""
    app = locked_application(actor, application_id, Perm.HANDLE_CASES)
    _require_legal(app, Action.PUBLISH_NOTICE)
    entered = checked_date(
        app, StepKind.NOTICE_START, start_on or timezone.localdate(), late_reason
    )
    result = calculate(app, timezone.localdate())
    stop = stop_reason(result)
    if stop and not continue_reason.strip():
        raise ValidationFailed(
            f"按现行标准计算，{stop}，不能发布公示；如核实情况有误，请先更正家庭信息并重新计算，"
            "确需继续办理的，请填写继续办理的理由"
        )
    going_on = continue_reason.strip() if stop else ""
    data = {"amount": result.amount, "eligible": result.eligible, **entered.event_data()}
    if going_on:
        data |= {"stop_reason": stop, "continue_reason": going_on}
    return transition(
        app,
        actor=actor,
        action=Action.PUBLISH_NOTICE,
        reason=going_on,
        data={"start_on": entered.check.entered, **data},
        notice_started_on=entered.check.entered,
        monthly_amount=result.amount,
        calculation=list(result.lines),
        continue_reason=going_on,
        late_reasons=_late_reasons(app, "notice_started_on", entered),
    )


@transaction.atomic
def notice_objection_record(
    *,
    actor,
    application_id: int,
    received_on: date,
    content: str,
    route: Status,
    late_reason: str = "",
) -> Application:
    """An objection during the notice: investigate again or hold a village appraisal."""
    app = locked_application(actor, application_id, Perm.HANDLE_CASES)
    _require_legal(app, Action.NOTICE_OBJECTION, choice=route)
    entered = checked_date(app, StepKind.NOTICE_OBJECTION, received_on, late_reason)
    NoticeObjection.objects.create(
        application=app,
        received_on=received_on,
        content=content,
        late_reason=entered.late_reason,
        recorded_by=actor,
        resolved=True,
        resolution=f"转入{workflow.STATUS_LABELS[route]}",
    )
    return transition(
        app,
        actor=actor,
        action=Action.NOTICE_OBJECTION,
        reason=content,
        choice=route,
        data=entered.event_data(),
        notice_started_on=None,
    )


@transaction.atomic
def notice_close(*, actor, application_id: int) -> Application:
    app = locked_application(actor, application_id, Perm.HANDLE_CASES)
    return transition(app, actor=actor, action=Action.CLOSE_NOTICE)


@transaction.atomic
def appraisal_record(
    *,
    actor,
    application_id: int,
    held_on: date,
    attendees: int,
    votes_for: int,
    votes_against: int,
    record: str,
    late_reason: str = "",
) -> Appraisal:
    app = locked_application(actor, application_id, Perm.HANDLE_CASES)
    if votes_for + votes_against > attendees:
        raise ValidationFailed("票数之和不能超过参加人数")
    entered = checked_date(app, StepKind.APPRAISAL, held_on, late_reason)
    appraisal = Appraisal.objects.create(
        application=app,
        held_on=held_on,
        late_reason=entered.late_reason,
        attendees=attendees,
        votes_for=votes_for,
        votes_against=votes_against,
        record=record,
        recorded_by=actor,
    )
    transition(
        app,
        actor=actor,
        action=Action.RECORD_APPRAISAL,
        data={"votes_for": votes_for, "votes_against": votes_against, **entered.event_data()},
    )
    return appraisal


@transaction.atomic
def township_opinion_record(*, actor, application_id: int, opinion: str) -> Application:
    """The township's written opinion; where the county decides, this sends it the file."""
    if not opinion.strip():
        raise ValidationFailed("请填写乡镇审核意见")
    app = locked_application(actor, application_id, Perm.HANDLE_CASES)
    changes = {"township_opinion": opinion}
    if app.confirming_level == "county" and app.county_received_on is None:
        changes["county_received_on"] = timezone.localdate()
    return transition(app, actor=actor, action=Action.TOWNSHIP_OPINION, reason=opinion, **changes)


@transaction.atomic
def application_calculate(*, actor, application_id: int, on: date | None = None) -> Application:
    """Compute and store the benefit with its explanation (no status change)."""
    app = locked_application(actor, application_id, Perm.HANDLE_CASES, Perm.DECIDE_CASES)
    if app.status in DECIDED_STATUSES:
        raise Conflict("该申请已作出决定，核定金额不能再重新计算")
    result = calculate(app, on or timezone.localdate())
    Application.objects.filter(pk=app.pk).update(
        monthly_amount=result.amount, calculation=list(result.lines)
    )
    audit.record(
        action="case.calculate",
        actor=actor,
        obj=app,
        household_id=app.household_id,
        old={"amount": app.monthly_amount},
        new={"amount": result.amount, "eligible": result.eligible},
    )
    app.refresh_from_db()
    return app


@transaction.atomic
def application_confirm(*, actor, application_id: int, reason: str) -> Application:
    """审核确认 (R1, R4): by the level holding the power; the case is enrolled, paid from the
    next month (S2 art. 21) once the county approves its "new" change (R17)."""
    app = locked_application(actor, application_id, Perm.DECIDE_CASES)
    today = timezone.localdate()
    result = calculate(app, today)
    if not result.eligible or result.amount <= 0:
        raise ValidationFailed(
            "按现有收入、财产情况计算，该申请不符合条件或金额为零，不能确认；"
            "如核实情况有误，请先更正家庭信息，否则应作不予确认处理"
        )
    app = transition(
        app,
        actor=actor,
        action=Action.CONFIRM,
        reason=reason,
        data={"amount": result.amount},
        monthly_amount=result.amount,
        calculation=list(result.lines),
        decided_by=actor,
        decided_at=timezone.now(),
        decided_on=today,
        decision_reason=reason,
    )
    # Every confirmed case is enrolled (R17): monthly programmes, one-off temporary grants and
    # yearly heating alike reach a payroll through the enrolment's "new" change.
    enrolment_create_from(
        application=app,
        actor=actor,
        monthly_amount=result.amount,
        decided_on=today,
        care_amount=result.care_amount,
    )
    return transition(app, actor=actor, action=Action.ENROL)


@transaction.atomic
def application_refuse(*, actor, application_id: int, reason: str) -> Application:
    """不予确认: in writing, with reasons (R2, S2 art. 21); the letter is printable."""
    if len(reason.strip()) < 5:
        raise ValidationFailed("不予确认须书面说明理由")
    app = locked_application(actor, application_id, Perm.DECIDE_CASES)
    return transition(
        app,
        actor=actor,
        action=Action.REFUSE,
        reason=reason,
        decided_by=actor,
        decided_at=timezone.now(),
        decided_on=timezone.localdate(),
        decision_reason=reason,
    )


@transaction.atomic
def application_withdraw(*, actor, application_id: int, reason: str) -> Application:
    app = locked_application(actor, application_id, Perm.HANDLE_CASES)
    return transition(app, actor=actor, action=Action.WITHDRAW, reason=reason)


@transaction.atomic
def application_extend(*, actor, application_id: int, reason: str) -> Application:
    """Extend the whole-case limit from 30 to 45 working days (S2 art. 22), with a reason."""
    if not reason.strip():
        raise ValidationFailed("延期须说明理由")
    app = locked_application(actor, application_id, Perm.HANDLE_CASES)
    if app.extended:
        raise Conflict("该申请已经延期")
    if app.accepted_on is None or app.status in DECIDED_STATUSES:
        raise Conflict("只有已受理、尚未作出决定的申请才能延期")
    Application.objects.filter(pk=app.pk).update(extended=True, extension_reason=reason)
    audit.record(
        action="case.extend",
        actor=actor,
        obj=app,
        household_id=app.household_id,
        new={"extended": True},
        reason=reason,
    )
    app.refresh_from_db()
    return app


@transaction.atomic
def emergency_pay(*, actor, application_id: int, amount: Decimal, reason: str) -> Application:
    """先行救助 (R15, S8): pay first, file the paperwork within the county's limit afterwards."""
    app = locked_application(actor, application_id, Perm.HANDLE_CASES)
    try:
        value = parse_money(amount)
    except (ValueError, TypeError) as exc:
        raise ValidationFailed(str(exc)) from exc
    cap = setting_value(county=app.county, key="temporary_cap", on=timezone.localdate())
    if value > cap:
        raise ValidationFailed(
            f"先行救助金额不能超过乡镇审核确认上限{format_yuan(cap)}，"
            "更大金额请按一般程序或一事一议办理"
        )
    return transition(
        app,
        actor=actor,
        action=Action.EMERGENCY_PAY,
        reason=reason,
        data={"amount": value},
        monthly_amount=value,
    )


@transaction.atomic
def filing_complete(*, actor, application_id: int, note: str) -> Application:
    app = locked_application(actor, application_id, Perm.HANDLE_CASES)
    return transition(app, actor=actor, action=Action.COMPLETE_FILING, reason=note)


@transaction.atomic
def complaint_record(
    *,
    actor,
    application_id: int,
    received_on: date,
    channel: str,
    content: str,
    late_reason: str = "",
):
    """A complaint about a case: kept on the case and forces a county visit (R3)."""
    app = locked_application(actor, application_id, Perm.RECORD_COMPLAINTS)
    if not content.strip():
        raise ValidationFailed("请填写投诉举报内容")
    entered = checked_date(app, StepKind.COMPLAINT, received_on, late_reason)
    complaint = CaseComplaint.objects.create(
        application=app,
        received_on=received_on,
        late_reason=entered.late_reason,
        channel=channel,
        content=content,
        recorded_by=actor,
    )
    Application.objects.filter(pk=app.pk).update(has_complaint=True)
    audit.record(
        action="case.complaint",
        actor=actor,
        obj=app,
        household_id=app.household_id,
        new={"channel": channel, "received_on": received_on, **entered.event_data()},
    )
    return complaint


@transaction.atomic
def refusal_letter_delivered(
    *, actor, application_id: int, delivered_on: date | None = None, late_reason: str = ""
) -> CaseEvent:
    """书面告知已送达: the written refusal with its reasons was handed over (R2, S2 art. 21);
    recorded once, it closes that deadline. Printing the letter records nothing."""
    app = locked_application(actor, application_id, Perm.HANDLE_CASES, Perm.DECIDE_CASES)
    if app.status != Status.REFUSED:
        raise Conflict("只有不予确认的申请才有不予确认告知书")
    if app.events.filter(action__in=REFUSAL_DELIVERED_EVENTS).exists():
        raise Conflict("该申请的不予确认告知书已登记送达")
    entered = checked_date(
        app, StepKind.REFUSAL_DELIVERY, delivered_on or timezone.localdate(), late_reason
    )
    event = CaseEvent.objects.create(
        application=app,
        action="refusal_delivered",
        from_status=app.status,
        to_status=app.status,
        actor=actor,
        data=audit.json_safe(entered.event_data()),
    )
    audit.record(
        action="case.refusal_delivered",
        actor=actor,
        obj=app,
        household_id=app.household_id,
        new=entered.event_data(),
        reason=entered.late_reason,
    )
    return event


@transaction.atomic
def one_case_decision_record(
    *, actor, application_id: int, held_on: date, record: str, amount, late_reason: str = ""
) -> Application:
    """一事一议 (R15): a major hardship above the county's threshold is decided case by case at a
    meeting; the record is attached and the county confirms the agreed amount."""
    app = locked_application(actor, application_id, Perm.HANDLE_CASES)
    if app.programme.code != "temporary":
        raise ValidationFailed("一事一议只适用于临时救助")
    if app.status in DECIDED_STATUSES or app.accepted_on is None:
        raise Conflict("只有已受理、尚未作出决定的临时救助才能一事一议")
    try:
        value = parse_money(amount)
    except (MoneyError, TypeError) as exc:
        raise ValidationFailed(str(exc)) from exc
    threshold = setting_value(county=app.county, key="one_case_threshold", on=held_on)
    if value <= threshold:
        raise ValidationFailed(f"金额未超过一事一议起点{format_yuan(threshold)}，按档次办理即可")
    if len(record.strip()) < 10:
        raise ValidationFailed("请附上会议记录（参会人员、议定事项和金额）")
    entered = checked_date(app, StepKind.ONE_CASE, held_on, late_reason)
    Application.objects.filter(pk=app.pk).update(
        one_case_held_on=held_on,
        late_reasons=_late_reasons(app, "one_case_held_on", entered),
        one_case_record=record,
        one_case_amount=value,
        confirming_level="county",
        delegated=False,
        confirming_reason=f"一事一议确定救助金额{value}元，由县级审核确认",
    )
    audit.record(
        action="case.one_case_decision",
        actor=actor,
        obj=app,
        household_id=app.household_id,
        old={"level": app.confirming_level},
        new={"amount": value, "held_on": held_on, "level": "county", **entered.event_data()},
        reason=record[:500],
    )
    app.refresh_from_db()
    return app


@transaction.atomic
def applications_kin_register(*, actor, application_ids: list[int], reason: str) -> int:
    """Mark cases 单独登记备案 because a cross-check found a close relative of staff (R5),
    whatever their stage (an enrolled case too); returns how many changed. Only the county
    that runs the checks marks, and only its own cases."""
    require(actor, Perm.RUN_CHECKS)
    if actor.region is None or actor.region.level != "county":
        raise PermissionDenied("比对由县级民政部门统一执行")
    # thousands in a province's first run: plain values, not model instances
    marked = _kin_mark(list(application_ids), county_id=actor.region_id)
    programmes = dict(
        Programme.objects.filter(pk__in={p for *_, p in marked}).values_list("pk", "name")
    )
    audit.record_many(
        audit.AuditEvent(
            action="case.kin_registered",
            actor=actor,
            obj=audit.ObjectRef(
                Application, pk, f"{number}（{programmes[programme_id]}）"
            ),  # str()
            household_id=household_id,
            new={"kin_registered": True},
            reason=reason,
        )
        for pk, household_id, number, programme_id in marked
    )
    return len(marked)


def _kin_mark(application_ids: list[int], *, county_id: int) -> list[tuple[int, int, str, int]]:
    """Set kin_registered on those of the county's cases not marked yet; (pk, household, number,
    programme) of each one changed. On PostgreSQL one compare-and-set UPDATE … RETURNING with
    the ids as an array: no separate locking read, no IN list of thousands of placeholders."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Application._meta.db_table} SET kin_registered = TRUE "
                "WHERE id = ANY(%s) AND county_id = %s AND NOT kin_registered "
                "RETURNING id, household_id, number, programme_id",
                [application_ids, county_id],
            )
            return sorted(cursor.fetchall())
    apps = list(
        Application.objects.select_for_update(of=("self",))
        .filter(pk__in=application_ids, county_id=county_id, kin_registered=False)
        .values_list("pk", "household_id", "number", "programme_id")
    )
    Application.objects.filter(pk__in=[pk for pk, *_ in apps]).update(kin_registered=True)
    return sorted(apps)
