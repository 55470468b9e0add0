"""The application state machine: a pure transition table with guards (ARCHITECTURE rule 3).

Procedure from S2 (民发〔2021〕57号) arts. 15–22 and seed 001/003 (R2: 100% investigation,
verification and notice): register → accept (or tell once what is missing) → household
investigation → economic-situation verification → public notice (7 days) → township opinion →
confirm or refuse → enrol. Design choices worth knowing:

* ``register`` creates a case: it is not a move between statuses, so it is not in the table;
  use :func:`initial_status`.
* The notice step is a flag, ``CaseFacts.needs_notice`` (False for unsupported children, 2019
  opinion). Recording the verification, the appraisal or the emergency filing leads to
  ``awaiting_notice`` (待公示) when a notice is needed and straight to ``township_reviewed``
  when it is not, so the no-notice path is explicit and ``publish_notice`` is refused there.
* 先行救助: ``emergency_pay`` from ``accepted`` when ``CaseFacts.emergency_allowed``; the filing
  that follows (``complete_filing``) goes through the notice like any case that needs one (R2).
* Some moves have several possible targets (a tuple in the table). Guards narrow them from the
  facts; ``notice_objection`` also needs the caller's ``choice`` (re-investigate or appraise).

Pure module: no Django import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "ACTION_LABELS",
    "DECIDED_STATUSES",
    "FINAL_STATUSES",
    "STATUS_LABELS",
    "TRANSITIONS",
    "Action",
    "CaseFacts",
    "IllegalTransition",
    "Status",
    "allowed_actions",
    "initial_status",
    "is_terminal",
    "next_status",
    "possible_targets",
]


class Status(StrEnum):
    DRAFT = "draft"
    INCOMPLETE = "incomplete"
    ACCEPTED = "accepted"
    PAID_FIRST = "paid_first"
    INVESTIGATING = "investigating"
    VERIFYING = "verifying"
    AWAITING_NOTICE = "awaiting_notice"
    NOTICED = "noticed"
    APPRAISAL = "appraisal"
    TOWNSHIP_REVIEWED = "township_reviewed"
    CONFIRMED = "confirmed"
    REFUSED = "refused"
    ENROLLED = "enrolled"
    REOPENED = "reopened"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS: dict[Status, str] = {
    Status.DRAFT: "登记",
    Status.INCOMPLETE: "材料不全，已一次性告知",
    Status.ACCEPTED: "已受理",
    Status.PAID_FIRST: "先行救助已发放",
    Status.INVESTIGATING: "入户调查中",
    Status.VERIFYING: "经济状况核对中",
    Status.AWAITING_NOTICE: "待公示",
    Status.NOTICED: "公示中",
    Status.APPRAISAL: "民主评议",
    Status.TOWNSHIP_REVIEWED: "乡镇审核",
    Status.CONFIRMED: "已确认",
    Status.REFUSED: "不予确认",
    Status.ENROLLED: "已纳入保障",
    Status.REOPENED: "抽查未通过，重新办理",
    Status.WITHDRAWN: "已撤回",
}


class Action(StrEnum):
    REGISTER = "register"
    MARK_INCOMPLETE = "mark_incomplete"
    SUPPLEMENT = "supplement"
    ACCEPT = "accept"
    EMERGENCY_PAY = "emergency_pay"
    COMPLETE_FILING = "complete_filing"
    START_INVESTIGATION = "start_investigation"
    RECORD_INVESTIGATION = "record_investigation"
    RECORD_VERIFICATION = "record_verification"
    VERIFICATION_OBJECTION = "verification_objection"
    PUBLISH_NOTICE = "publish_notice"
    NOTICE_OBJECTION = "notice_objection"
    RECORD_APPRAISAL = "record_appraisal"
    CLOSE_NOTICE = "close_notice"
    TOWNSHIP_OPINION = "township_opinion"
    CONFIRM = "confirm"
    REFUSE = "refuse"
    ENROL = "enrol"
    WITHDRAW = "withdraw"
    REOPEN = "reopen"
    RESTART = "restart"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS: dict[Action, str] = {
    Action.REGISTER: "登记",
    Action.MARK_INCOMPLETE: "一次性告知补齐材料",
    Action.SUPPLEMENT: "补齐材料",
    Action.ACCEPT: "受理",
    Action.EMERGENCY_PAY: "先行救助",
    Action.COMPLETE_FILING: "补办审核手续",
    Action.START_INVESTIGATION: "开始入户调查",
    Action.RECORD_INVESTIGATION: "录入入户调查结果",
    Action.RECORD_VERIFICATION: "录入经济状况核对结果",
    Action.VERIFICATION_OBJECTION: "对核对结果提出异议",
    Action.PUBLISH_NOTICE: "发布公示",
    Action.NOTICE_OBJECTION: "公示有异议",
    Action.RECORD_APPRAISAL: "录入民主评议结果",
    Action.CLOSE_NOTICE: "公示期满",
    Action.TOWNSHIP_OPINION: "乡镇提出审核意见",
    Action.CONFIRM: "确认",
    Action.REFUSE: "不予确认",
    Action.ENROL: "纳入保障",
    Action.WITHDRAW: "撤回",
    Action.REOPEN: "抽查未通过，重新办理",
    Action.RESTART: "重新入户调查",
}


@dataclass(frozen=True)
class CaseFacts:
    """What the guards need to know about a case, supplied by the caller.

    The defaults fail closed: without facts the notice cannot be closed and no emergency
    payment is allowed.
    """

    needs_notice: bool = True  # False for unsupported children (no notice step, 2019 opinion)
    emergency_allowed: bool = False  # 先行救助 applies (temporary assistance, emergency type)
    notice_days_elapsed: int = 0  # calendar days since the notice was posted
    notice_days_required: int = 7  # S2 art. 19
    unresolved_objections: int = 0  # objections raised during the notice, not yet handled


class IllegalTransition(ValueError):
    """The action is not allowed from the current status, or a guard refused it."""


Target = Status | tuple[Status, ...]

_BEFORE_DECISION = (
    Status.DRAFT,
    Status.INCOMPLETE,
    Status.ACCEPTED,
    Status.INVESTIGATING,
    Status.VERIFYING,
    Status.AWAITING_NOTICE,
    Status.NOTICED,
    Status.APPRAISAL,
    Status.TOWNSHIP_REVIEWED,
)

# The first status of a tuple is the default when the guards leave more than one.
TRANSITIONS: dict[tuple[Status, Action], Target] = {
    (Status.DRAFT, Action.MARK_INCOMPLETE): Status.INCOMPLETE,
    (Status.DRAFT, Action.ACCEPT): Status.ACCEPTED,
    (Status.INCOMPLETE, Action.SUPPLEMENT): Status.DRAFT,
    (Status.ACCEPTED, Action.START_INVESTIGATION): Status.INVESTIGATING,
    (Status.ACCEPTED, Action.EMERGENCY_PAY): Status.PAID_FIRST,
    (Status.PAID_FIRST, Action.COMPLETE_FILING): (Status.AWAITING_NOTICE, Status.TOWNSHIP_REVIEWED),
    (Status.INVESTIGATING, Action.RECORD_INVESTIGATION): Status.VERIFYING,
    (Status.VERIFYING, Action.RECORD_VERIFICATION): (
        Status.AWAITING_NOTICE,
        Status.TOWNSHIP_REVIEWED,
        Status.APPRAISAL,  # the case needs a village appraisal before going further
    ),
    # S2 art. 17: an objection to the verification result means verifying again.
    (Status.VERIFYING, Action.VERIFICATION_OBJECTION): Status.VERIFYING,
    (Status.AWAITING_NOTICE, Action.VERIFICATION_OBJECTION): Status.VERIFYING,
    (Status.AWAITING_NOTICE, Action.PUBLISH_NOTICE): Status.NOTICED,
    (Status.NOTICED, Action.NOTICE_OBJECTION): (Status.INVESTIGATING, Status.APPRAISAL),
    (Status.NOTICED, Action.CLOSE_NOTICE): Status.TOWNSHIP_REVIEWED,
    (Status.APPRAISAL, Action.RECORD_APPRAISAL): (Status.AWAITING_NOTICE, Status.TOWNSHIP_REVIEWED),
    # The township records or revises its written opinion (and, where the county decides,
    # sends the file); a self-loop so that the service audits it.
    (Status.TOWNSHIP_REVIEWED, Action.TOWNSHIP_OPINION): Status.TOWNSHIP_REVIEWED,
    (Status.TOWNSHIP_REVIEWED, Action.CONFIRM): Status.CONFIRMED,
    (Status.TOWNSHIP_REVIEWED, Action.REFUSE): Status.REFUSED,
    (Status.CONFIRMED, Action.ENROL): Status.ENROLLED,
    (Status.CONFIRMED, Action.REOPEN): Status.REOPENED,
    (Status.ENROLLED, Action.REOPEN): Status.REOPENED,
    (Status.REOPENED, Action.RESTART): Status.INVESTIGATING,
    **{(status, Action.WITHDRAW): Status.WITHDRAWN for status in _BEFORE_DECISION},
}

# Statuses where the handling of the application has ended. ``enrolled`` may still be
# reopened after a failed spot check (R3), as the table says.
FINAL_STATUSES: frozenset[Status] = frozenset({Status.ENROLLED, Status.REFUSED, Status.WITHDRAWN})

# A decision has been taken (or the applicant withdrew): no more case handling, no recalculation.
DECIDED_STATUSES: frozenset[Status] = frozenset(
    {Status.CONFIRMED, Status.ENROLLED, Status.REFUSED, Status.WITHDRAWN}
)

# Actions whose target the caller must choose when several remain.
_CHOICE_REQUIRED = frozenset({Action.NOTICE_OBJECTION})

_NOTICE_ROUTED = frozenset(
    {Action.RECORD_VERIFICATION, Action.RECORD_APPRAISAL, Action.COMPLETE_FILING}
)


def _refuse_message(current: Status, action: Action) -> str:
    return f"当前状态“{current.label}”不能执行“{action.label}”"


def _guard_publish(facts: CaseFacts) -> str | None:
    if not facts.needs_notice:
        return "本项目不设公示环节（如事实无人抚养儿童），不能执行“发布公示”"
    return None


def _guard_close_notice(facts: CaseFacts) -> str | None:
    if facts.notice_days_elapsed < facts.notice_days_required:
        return (
            f"公示期未满{facts.notice_days_required}天（已公示{facts.notice_days_elapsed}天），"
            "不能执行“公示期满”"
        )
    if facts.unresolved_objections > 0:
        return f"公示期间尚有{facts.unresolved_objections}件异议未处理，不能执行“公示期满”"
    return None


def _guard_emergency(facts: CaseFacts) -> str | None:
    if not facts.emergency_allowed:
        return "本案不适用先行救助，不能执行“先行救助”"
    return None


_GUARDS: dict[Action, Callable[[CaseFacts], str | None]] = {
    Action.PUBLISH_NOTICE: _guard_publish,
    Action.CLOSE_NOTICE: _guard_close_notice,
    Action.EMERGENCY_PAY: _guard_emergency,
}


def _route_by_notice(candidates: tuple[Status, ...], facts: CaseFacts) -> tuple[Status, ...]:
    skipped = Status.TOWNSHIP_REVIEWED if facts.needs_notice else Status.AWAITING_NOTICE
    return tuple(s for s in candidates if s != skipped)


def _candidates(current: Status, action: Action, facts: CaseFacts) -> tuple[Status, ...]:
    """The targets left after the table and the guards; raises with the reason when none."""
    if action == Action.REGISTER:
        raise IllegalTransition("“登记”用于新建申请，不能用于已有申请")
    target = TRANSITIONS.get((current, action))
    if target is None:
        raise IllegalTransition(_refuse_message(current, action))
    guard = _GUARDS.get(action)
    reason = guard(facts) if guard else None
    if reason:
        raise IllegalTransition(f"{_refuse_message(current, action)}：{reason}")
    candidates = target if isinstance(target, tuple) else (target,)
    if action in _NOTICE_ROUTED:
        candidates = _route_by_notice(candidates, facts)
    return candidates


def initial_status() -> Status:
    """The status a case has once registered (action ``register``)."""
    return Status.DRAFT


def possible_targets(
    current: Status, action: Action, facts: CaseFacts | None = None
) -> tuple[Status, ...]:
    """Statuses the action may lead to from ``current``; empty when it is not allowed."""
    try:
        return _candidates(Status(current), Action(action), facts or CaseFacts())
    except IllegalTransition:
        return ()


def next_status(
    current: Status,
    action: Action,
    facts: CaseFacts | None = None,
    *,
    choice: Status | None = None,
) -> Status:
    """The status after ``action``; raises :class:`IllegalTransition` with a Chinese message."""
    current, action = Status(current), Action(action)
    candidates = _candidates(current, action, facts or CaseFacts())
    if choice is not None:
        choice = Status(choice)
        if choice not in candidates:
            options = "、".join(s.label for s in candidates)
            raise IllegalTransition(
                f"执行“{action.label}”后不能转入“{choice.label}”，只能转入：{options}"
            )
        return choice
    if len(candidates) > 1 and action in _CHOICE_REQUIRED:
        options = "、".join(s.label for s in candidates)
        raise IllegalTransition(f"执行“{action.label}”须选择去向：{options}")
    return candidates[0]


def allowed_actions(current: Status, facts: CaseFacts | None = None) -> tuple[Action, ...]:
    """Actions that :func:`next_status` accepts from ``current`` (for some choice), in order."""
    facts = facts or CaseFacts()
    current = Status(current)
    return tuple(
        action
        for (status, action) in TRANSITIONS
        if status == current and possible_targets(current, action, facts)
    )


def is_terminal(status: Status) -> bool:
    """True when the application's handling has ended (see :data:`FINAL_STATUSES`)."""
    return Status(status) in FINAL_STATUSES
