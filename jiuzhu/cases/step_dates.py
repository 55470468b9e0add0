"""Dates that people enter for the steps of a case: the rule that keeps them true (ARCHITECTURE
rule 11, issue 13 item 6).

R2 (the four 100%: household investigation, verification, appraisal, public notice) and the time
limits of S2 arts. 15–22 only mean something when the dates on record are the dates the steps
happened. A step's date therefore

* may not precede the step before it in the workflow (``bound_of``);
* may not lie in the future;
* may lie in the past, but a date more than the county's allowance (a county setting, 3 days by
  default) before the day it is entered is a late entry, 补录: it needs a reason, which is kept
  with the step and shown wherever the date is shown.

Which step comes before which follows the workflow (``workflow.TRANSITIONS``): the application
is registered (申请日期), accepted (受理, S2 art. 15), investigated at home (S2 art. 16),
its economic situation verified (S2 art. 17), possibly appraised by the village, then publicly
noticed for 7 days (S2 art. 19), during which objections come in. The workflow loops (an
objection to the verification means verifying again; an objection to the notice means
investigating again or an appraisal), but time does not: every step of this main path is
bounded by the latest date already on record on it, so a re-investigation cannot be dated
before the objection that caused it, and the notice cannot start before the verification (nor,
therefore, before the registration). Steps beside the main path are bounded by their anchor
only: a complaint by the registration, a 一事一议 meeting and a self-care assessment by the
acceptance (or the registration before it), the delivery of a refusal letter by the decision,
a county spot-check visit (R3) by the decision and the draw that picked the case.

The notice ends 7 calendar days after the day it starts (the day of posting is not counted, S2
art. 19): ``notice_days_elapsed`` is what the workflow's guard on "公示期满" reads.

Pure module: no Django import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from jiuzhu.core.month import format_date_cn

from .workflow import Action

__all__ = [
    "ACTION_STEPS",
    "DEFAULT_LATE_ALLOWANCE_DAYS",
    "MAIN_PATH",
    "STEP_LABELS",
    "DateCheck",
    "StepKind",
    "bound_of",
    "check_step_date",
    "entry_problem",
    "notice_days_elapsed",
    "notice_end_on",
]

DEFAULT_LATE_ALLOWANCE_DAYS = 3


class StepKind(StrEnum):
    REGISTRATION = "registration"
    ACCEPTANCE = "acceptance"
    INVESTIGATION = "investigation"
    VERIFICATION = "verification"
    APPRAISAL = "appraisal"
    NOTICE_START = "notice_start"
    NOTICE_OBJECTION = "notice_objection"
    COMPLAINT = "complaint"
    ONE_CASE = "one_case"
    SELF_CARE = "self_care"
    DECISION = "decision"
    REFUSAL_DELIVERY = "refusal_delivery"
    SPOT_CHECK_DRAW = "spot_check_draw"
    SPOT_CHECK_VISIT = "spot_check_visit"

    @property
    def label(self) -> str:
        return STEP_LABELS[self]


STEP_LABELS: dict[StepKind, str] = {
    StepKind.REGISTRATION: "申请日期",
    StepKind.ACCEPTANCE: "受理日期",
    StepKind.INVESTIGATION: "入户调查日期",
    StepKind.VERIFICATION: "经济状况核对日期",
    StepKind.APPRAISAL: "民主评议日期",
    StepKind.NOTICE_START: "公示开始日期",
    StepKind.NOTICE_OBJECTION: "公示异议收到日期",
    StepKind.COMPLAINT: "投诉举报收到日期",
    StepKind.ONE_CASE: "一事一议会议日期",
    StepKind.SELF_CARE: "生活自理能力评估日期",
    StepKind.DECISION: "决定日期",
    StepKind.REFUSAL_DELIVERY: "书面告知送达日期",
    StepKind.SPOT_CHECK_DRAW: "抽查抽样日期",
    StepKind.SPOT_CHECK_VISIT: "抽查入户核查日期",
}

# The main path, in the order the workflow first passes it (S2 arts. 15–19).
MAIN_PATH: tuple[StepKind, ...] = (
    StepKind.REGISTRATION,
    StepKind.ACCEPTANCE,
    StepKind.INVESTIGATION,
    StepKind.VERIFICATION,
    StepKind.APPRAISAL,
    StepKind.NOTICE_START,
    StepKind.NOTICE_OBJECTION,
)

# The workflow action that records each dated step of the main path.
ACTION_STEPS: dict[Action, StepKind] = {
    Action.ACCEPT: StepKind.ACCEPTANCE,
    Action.RECORD_INVESTIGATION: StepKind.INVESTIGATION,
    Action.RECORD_VERIFICATION: StepKind.VERIFICATION,
    Action.VERIFICATION_OBJECTION: StepKind.VERIFICATION,
    Action.RECORD_APPRAISAL: StepKind.APPRAISAL,
    Action.PUBLISH_NOTICE: StepKind.NOTICE_START,
    Action.NOTICE_OBJECTION: StepKind.NOTICE_OBJECTION,
}

# Steps beside the main path and the steps that bound them (the latest of those on record).
_ANCHORS: dict[StepKind, tuple[StepKind, ...]] = {
    StepKind.COMPLAINT: (StepKind.REGISTRATION,),
    StepKind.ONE_CASE: (StepKind.REGISTRATION, StepKind.ACCEPTANCE),
    StepKind.SELF_CARE: (StepKind.REGISTRATION, StepKind.ACCEPTANCE),
    StepKind.REFUSAL_DELIVERY: (StepKind.DECISION,),
    StepKind.SPOT_CHECK_VISIT: (StepKind.DECISION, StepKind.SPOT_CHECK_DRAW),  # R3
}


@dataclass(frozen=True)
class DateCheck:
    """What the rule says about one entered date."""

    kind: StepKind
    entered: date
    allowed: bool
    late: bool  # 补录: entered more than the allowance after the date
    days_late: int  # days between the date and the day it was entered (0 when not in the past)
    problems: tuple[str, ...]  # why the date is not allowed, in Chinese
    allowance_days: int = DEFAULT_LATE_ALLOWANCE_DAYS

    @property
    def late_note(self) -> str:
        """The 补录 line shown next to the date, without the reason."""
        if not self.late:
            return ""
        return (
            f"补录：{self.kind.label}{format_date_cn(self.entered)}，"
            f"晚{self.days_late}天录入（超过本县允许的{self.allowance_days}天）"
        )


def bound_of(
    kind: StepKind, recorded: Mapping[StepKind, date | None]
) -> tuple[StepKind, date] | None:
    """The step whose date the entered one may not precede, and that date; None when no
    earlier step is on record (the registration itself)."""
    if kind == StepKind.REGISTRATION:
        return None
    # Every main-path step on record (an earlier round of this one too) happened before this
    # one: the workflow only loops back in time, never the calendar.
    candidates = _ANCHORS.get(kind, MAIN_PATH if kind in MAIN_PATH else ())
    found = [(k, d) for k in candidates if (d := recorded.get(k)) is not None]
    if not found:
        return None
    # the latest date; on a tie, the step furthest along the path names the bound
    return max(found, key=lambda item: (item[1], _order(item[0])))


def _order(kind: StepKind) -> int:
    return MAIN_PATH.index(kind) if kind in MAIN_PATH else len(MAIN_PATH)


def check_step_date(
    *,
    kind: StepKind,
    entered: date,
    today: date,
    recorded: Mapping[StepKind, date | None],
    late_allowance_days: int = DEFAULT_LATE_ALLOWANCE_DAYS,
) -> DateCheck:
    """Is `entered` allowed for step `kind` of a case whose other steps are `recorded`, when it
    is entered on `today`; and is it a late entry (补录)?"""
    if late_allowance_days < 0:
        raise ValueError("补录认定天数不能为负数")
    problems = []
    label = kind.label
    if entered > today:
        problems.append(
            f"{label}{format_date_cn(entered)}晚于今天（{format_date_cn(today)}），不能填写将来的日期"
        )
    bound = bound_of(kind, recorded)
    if bound is not None and entered < bound[1]:
        before, on = bound
        problems.append(
            f"{label}{format_date_cn(entered)}早于{before.label}{format_date_cn(on)}，"
            f"{label}不能早于{before.label}"
        )
    days_late = max(0, (today - entered).days)
    return DateCheck(
        kind=kind,
        entered=entered,
        allowed=not problems,
        late=days_late > late_allowance_days,
        days_late=days_late,
        problems=tuple(problems),
        allowance_days=late_allowance_days,
    )


def entry_problem(check: DateCheck, late_reason: str) -> str | None:
    """Why the entry must be refused (a Chinese message), or None when it may be recorded: the
    date is allowed, and a late entry comes with its reason."""
    if not check.allowed:
        return "；".join(check.problems)
    if check.late and not late_reason.strip():
        return (
            f"{check.kind.label}{format_date_cn(check.entered)}距今已{check.days_late}天，"
            f"超过本县允许的{check.allowance_days}天，属于补录，须填写补录理由"
        )
    return None


def notice_days_elapsed(start_on: date | None, today: date) -> int:
    """Calendar days the notice has been up on `today`; the day of posting is not counted
    (S2 art. 19). 0 before the notice starts or when there is none."""
    if start_on is None:
        return 0
    return max(0, (today - start_on).days)


def notice_end_on(start_on: date, days: int = 7) -> date:
    """The first day on which the notice is over (公示期满 may be recorded)."""
    return start_on + timedelta(days=days)
