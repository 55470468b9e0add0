"""The step-date rule (cases.step_dates): a step's date never precedes the step before it nor lies
in the future, a late entry (补录) needs a reason, and the notice cannot end before 7 days after
the verification — checked case by case and, with Hypothesis, over arbitrary sequences."""

from datetime import date, timedelta

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from jiuzhu.cases import workflow
from jiuzhu.cases.step_dates import (
    ACTION_STEPS,
    MAIN_PATH,
    StepKind,
    bound_of,
    check_step_date,
    entry_problem,
    notice_days_elapsed,
    notice_end_on,
)
from jiuzhu.cases.workflow import Action, CaseFacts, Status

TODAY = date(2026, 11, 22)
D = timedelta


def check(kind, entered, recorded, today=TODAY, allowance=3):
    return check_step_date(
        kind=kind, entered=entered, today=today, recorded=recorded, late_allowance_days=allowance
    )


def test_a_date_before_the_registration_is_refused_with_both_dates():
    result = check(StepKind.ACCEPTANCE, TODAY - D(2), {StepKind.REGISTRATION: TODAY - D(1)})
    assert not result.allowed
    assert entry_problem(result, "任何理由") == (
        "受理日期2026年11月20日早于申请日期2026年11月21日，受理日期不能早于申请日期"
    )


def test_a_future_date_is_refused_even_with_a_reason():
    result = check(StepKind.INVESTIGATION, TODAY + D(1), {StepKind.REGISTRATION: TODAY})
    assert not result.allowed
    assert "晚于今天（2026年11月22日），不能填写将来的日期" in entry_problem(result, "补录")


def test_the_notice_cannot_start_before_the_verification():
    recorded = {
        StepKind.REGISTRATION: TODAY - D(10),
        StepKind.ACCEPTANCE: TODAY - D(9),
        StepKind.INVESTIGATION: TODAY - D(5),
        StepKind.VERIFICATION: TODAY - D(2),
    }
    result = check(StepKind.NOTICE_START, TODAY - D(3), recorded)
    assert not result.allowed
    assert "公示开始日期不能早于经济状况核对日期" in result.problems[0]
    assert check(StepKind.NOTICE_START, TODAY - D(2), recorded).allowed


def test_within_the_allowance_is_not_late_beyond_it_needs_a_reason():
    recorded = {StepKind.REGISTRATION: TODAY - D(30)}
    on_time = check(StepKind.ACCEPTANCE, TODAY - D(3), recorded)
    assert on_time.allowed and not on_time.late and entry_problem(on_time, "") is None
    late = check(StepKind.ACCEPTANCE, TODAY - D(4), recorded)
    assert late.allowed and late.late and late.days_late == 4
    assert entry_problem(late, "  ") == (
        "受理日期2026年11月18日距今已4天，超过本县允许的3天，属于补录，须填写补录理由"
    )
    assert entry_problem(late, "纸质材料，系统故障后补录") is None
    assert late.late_note == "补录：受理日期2026年11月18日，晚4天录入（超过本县允许的3天）"
    # the county may allow more days, or none
    assert not check(StepKind.ACCEPTANCE, TODAY - D(4), recorded, allowance=5).late
    assert check(StepKind.ACCEPTANCE, TODAY - D(1), recorded, allowance=0).late


def test_a_reinvestigation_is_bounded_by_the_objection_that_caused_it():
    recorded = {
        StepKind.REGISTRATION: TODAY - D(20),
        StepKind.ACCEPTANCE: TODAY - D(19),
        StepKind.INVESTIGATION: TODAY - D(18),
        StepKind.VERIFICATION: TODAY - D(16),
        StepKind.NOTICE_START: None,  # cleared by the objection
        StepKind.NOTICE_OBJECTION: TODAY - D(6),
    }
    assert bound_of(StepKind.INVESTIGATION, recorded) == (
        StepKind.NOTICE_OBJECTION,
        TODAY - D(6),
    )
    assert not check(StepKind.INVESTIGATION, TODAY - D(7), recorded).allowed


def test_steps_beside_the_main_path_are_bounded_by_their_anchor_only():
    recorded = {
        StepKind.REGISTRATION: TODAY - D(10),
        StepKind.ACCEPTANCE: TODAY - D(8),
        StepKind.VERIFICATION: TODAY - D(2),
        StepKind.DECISION: TODAY - D(1),
    }
    # a complaint may come in before the investigation, not before the application
    assert check(StepKind.COMPLAINT, TODAY - D(9), recorded).allowed
    assert not check(StepKind.COMPLAINT, TODAY - D(11), recorded).allowed
    assert bound_of(StepKind.SELF_CARE, recorded) == (StepKind.ACCEPTANCE, TODAY - D(8))
    assert bound_of(StepKind.ONE_CASE, {StepKind.REGISTRATION: TODAY}) == (
        StepKind.REGISTRATION,
        TODAY,
    )
    assert not check(StepKind.REFUSAL_DELIVERY, TODAY - D(2), recorded).allowed
    visit = {**recorded, StepKind.SPOT_CHECK_DRAW: TODAY}
    assert bound_of(StepKind.SPOT_CHECK_VISIT, visit) == (StepKind.SPOT_CHECK_DRAW, TODAY)
    assert bound_of(StepKind.REGISTRATION, recorded) is None


def test_notice_days_elapsed_does_not_count_the_day_of_posting():
    start = date(2026, 11, 1)
    assert notice_days_elapsed(None, TODAY) == 0
    assert notice_days_elapsed(start, start) == 0
    assert notice_days_elapsed(start, start - D(3)) == 0
    assert notice_days_elapsed(start, date(2026, 11, 8)) == 7
    assert notice_end_on(start) == date(2026, 11, 8)
    with pytest.raises(workflow.IllegalTransition, match="公示期未满7天（已公示6天）"):
        workflow.next_status(
            Status.NOTICED,
            Action.CLOSE_NOTICE,
            CaseFacts(notice_days_elapsed=notice_days_elapsed(start, date(2026, 11, 7))),
        )


def test_every_dated_workflow_action_is_a_main_path_step():
    assert set(ACTION_STEPS.values()) <= set(MAIN_PATH)
    with pytest.raises(ValueError):
        check(StepKind.ACCEPTANCE, TODAY, {}, allowance=-1)


# ---- Hypothesis: arbitrary entries, arbitrary "today"s moving forward ------------------------

FIRST_ROUND = (
    StepKind.ACCEPTANCE,
    StepKind.INVESTIGATION,
    StepKind.VERIFICATION,
    StepKind.NOTICE_START,
)
# an objection during the notice sends the case back to a new investigation (S2 art. 19)
ANOTHER_ROUND = (
    StepKind.NOTICE_OBJECTION,
    StepKind.INVESTIGATION,
    StepKind.VERIFICATION,
    StepKind.NOTICE_START,
)

attempt = st.tuples(
    st.integers(0, 12),  # days "today" moves forward before this attempt
    st.integers(-20, 3),  # the entered date, relative to that today
    st.booleans(),  # whether the officer gives a 补录 reason
)


def _path(appraisal: bool, rounds: int) -> list[StepKind]:
    path = list(FIRST_ROUND)
    if appraisal:
        path.insert(3, StepKind.APPRAISAL)
    return path + list(ANOTHER_ROUND) * rounds


@settings(max_examples=400, deadline=None)
@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    registered_offset=st.integers(-30, 3),
    registered_reason=st.booleans(),
    allowance=st.integers(0, 10),
    appraisal=st.booleans(),
    rounds=st.integers(0, 2),
    attempts=st.lists(st.lists(attempt, min_size=1, max_size=4), min_size=13, max_size=13),
    closing=st.lists(st.integers(0, 5), min_size=1, max_size=12),
)
def test_no_accepted_sequence_breaks_the_order_or_ends_the_notice_early(
    start, registered_offset, registered_reason, allowance, appraisal, rounds, attempts, closing
):
    today = start
    recorded: dict[StepKind, date | None] = {}
    history: list[tuple[StepKind, date]] = []

    def enter(kind: StepKind, moved: int, offset: int, with_reason: bool) -> bool:
        nonlocal today
        today += timedelta(days=moved)
        entered = today + timedelta(days=offset)
        result = check_step_date(
            kind=kind,
            entered=entered,
            today=today,
            recorded=recorded,
            late_allowance_days=allowance,
        )
        reason = "纸质材料补录" if with_reason else ""
        if entry_problem(result, reason) is not None:
            return False
        # what the rule accepted
        assert entered <= today, "a step dated in the future"
        assert all(entered >= earlier for _, earlier in history), "a step before an earlier one"
        assert result.late == ((today - entered).days > allowance)
        assert not result.late or reason, "a late entry without a reason"
        history.append((kind, entered))
        recorded[kind] = entered
        if kind == StepKind.NOTICE_OBJECTION:
            recorded[StepKind.NOTICE_START] = None  # as notice_objection_record does
        return True

    if not enter(StepKind.REGISTRATION, 0, registered_offset, registered_reason):
        return
    for kind, tries in zip(_path(appraisal, rounds), attempts, strict=False):
        if not any(enter(kind, *one) for one in tries):
            return  # the case stays at this step
    if recorded.get(StepKind.NOTICE_START) is None or history[-1][0] != StepKind.NOTICE_START:
        return
    event("the notice was published")
    notice_start = recorded[StepKind.NOTICE_START]
    verified = recorded[StepKind.VERIFICATION]
    assert notice_start >= verified >= recorded[StepKind.REGISTRATION]
    for moved in closing:
        today += timedelta(days=moved)
        facts = CaseFacts(notice_days_elapsed=notice_days_elapsed(notice_start, today))
        try:
            workflow.next_status(Status.NOTICED, Action.CLOSE_NOTICE, facts)
        except workflow.IllegalTransition:
            assert today < notice_start + timedelta(days=7)
            continue
        event("公示期满 was allowed")
        assert today >= verified + timedelta(days=7), "公示期满 before 7 days after verification"
        assert today >= notice_start + timedelta(days=7)
