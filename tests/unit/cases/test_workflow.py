import pytest

from jiuzhu.cases.workflow import (
    ACTION_LABELS,
    STATUS_LABELS,
    TRANSITIONS,
    Action,
    CaseFacts,
    IllegalTransition,
    Status,
    allowed_actions,
    initial_status,
    is_terminal,
    next_status,
    possible_targets,
)

S, A = Status, Action
NOTICE_DONE = CaseFacts(notice_days_elapsed=7)
NO_NOTICE = CaseFacts(needs_notice=False)
EMERGENCY = CaseFacts(emergency_allowed=True)


def run(actions, facts=None, start=None):
    status = start or initial_status()
    for item in actions:
        action, choice = item if isinstance(item, tuple) else (item, None)
        status = next_status(status, action, facts, choice=choice)
    return status


HAPPY = [
    A.ACCEPT,
    A.START_INVESTIGATION,
    A.RECORD_INVESTIGATION,
    A.RECORD_VERIFICATION,
    A.PUBLISH_NOTICE,
    A.CLOSE_NOTICE,
    A.CONFIRM,
    A.ENROL,
]


def test_labels_cover_every_member():
    assert set(STATUS_LABELS) == set(Status)
    assert set(ACTION_LABELS) == set(Action)
    assert S.NOTICED.label == "公示中" and A.CONFIRM.label == "确认"


def test_every_action_is_used_and_every_target_is_a_status():
    used = {action for _, action in TRANSITIONS} | {A.REGISTER}
    assert used == set(Action)
    for target in TRANSITIONS.values():
        targets = target if isinstance(target, tuple) else (target,)
        assert all(isinstance(t, Status) for t in targets)


def test_register_creates_a_draft_and_is_not_a_move():
    assert initial_status() == S.DRAFT
    with pytest.raises(IllegalTransition, match="新建申请"):
        next_status(S.DRAFT, A.REGISTER)


def test_happy_path_with_notice():
    assert run(HAPPY, NOTICE_DONE) == S.ENROLLED
    assert run(HAPPY[:4], NOTICE_DONE) == S.AWAITING_NOTICE


def test_chinese_message_for_illegal_action():
    with pytest.raises(IllegalTransition) as excinfo:
        next_status(S.NOTICED, A.CONFIRM)
    assert str(excinfo.value) == "当前状态“公示中”不能执行“确认”"
    assert isinstance(excinfo.value, ValueError)


def test_incomplete_materials_go_back_to_registration():
    assert run([A.MARK_INCOMPLETE]) == S.INCOMPLETE
    assert run([A.MARK_INCOMPLETE, A.SUPPLEMENT, A.ACCEPT]) == S.ACCEPTED
    with pytest.raises(IllegalTransition):
        next_status(S.INCOMPLETE, A.ACCEPT)


@pytest.mark.parametrize("status", [s for s in Status if s != S.TOWNSHIP_REVIEWED])
def test_confirm_and_refuse_only_from_township_reviewed(status):
    for action in (A.CONFIRM, A.REFUSE):
        with pytest.raises(IllegalTransition):
            next_status(status, action, NOTICE_DONE)


@pytest.mark.parametrize("status", [s for s in Status if s != S.CONFIRMED])
def test_enrol_only_from_confirmed(status):
    with pytest.raises(IllegalTransition):
        next_status(status, A.ENROL, NOTICE_DONE)


def test_refuse_is_final():
    assert next_status(S.TOWNSHIP_REVIEWED, A.REFUSE) == S.REFUSED
    assert allowed_actions(S.REFUSED, NOTICE_DONE) == ()


# --- the no-notice path (unsupported children) -------------------------------------------------


def test_no_notice_path_goes_from_verification_to_township():
    path = HAPPY[:4]
    assert run(path, NO_NOTICE) == S.TOWNSHIP_REVIEWED
    assert run([*path, A.CONFIRM, A.ENROL], NO_NOTICE) == S.ENROLLED


def test_publish_notice_refused_without_notice_step():
    with pytest.raises(IllegalTransition, match="不设公示环节"):
        next_status(S.AWAITING_NOTICE, A.PUBLISH_NOTICE, NO_NOTICE)
    assert A.PUBLISH_NOTICE not in allowed_actions(S.AWAITING_NOTICE, NO_NOTICE)


def test_record_verification_cannot_skip_notice_when_needed():
    with pytest.raises(IllegalTransition, match="乡镇审核"):
        next_status(S.VERIFYING, A.RECORD_VERIFICATION, choice=S.TOWNSHIP_REVIEWED)
    with pytest.raises(IllegalTransition):
        next_status(S.VERIFYING, A.RECORD_VERIFICATION, NO_NOTICE, choice=S.AWAITING_NOTICE)


def test_appraisal_when_the_case_needs_it():
    for facts, after in ((NOTICE_DONE, S.AWAITING_NOTICE), (NO_NOTICE, S.TOWNSHIP_REVIEWED)):
        status = next_status(S.VERIFYING, A.RECORD_VERIFICATION, facts, choice=S.APPRAISAL)
        assert status == S.APPRAISAL
        assert next_status(status, A.RECORD_APPRAISAL, facts) == after


# --- notice -------------------------------------------------------------------------------------


def test_close_notice_needs_seven_days_and_no_open_objection():
    with pytest.raises(IllegalTransition, match="公示期未满7天（已公示6天）"):
        next_status(S.NOTICED, A.CLOSE_NOTICE, CaseFacts(notice_days_elapsed=6))
    with pytest.raises(IllegalTransition, match="尚有1件异议未处理"):
        next_status(
            S.NOTICED, A.CLOSE_NOTICE, CaseFacts(notice_days_elapsed=9, unresolved_objections=1)
        )
    assert next_status(S.NOTICED, A.CLOSE_NOTICE, NOTICE_DONE) == S.TOWNSHIP_REVIEWED
    # Without facts the guard fails closed.
    assert A.CLOSE_NOTICE not in allowed_actions(S.NOTICED)


def test_notice_objection_needs_the_callers_choice():
    with pytest.raises(IllegalTransition, match="须选择去向：入户调查中、民主评议"):
        next_status(S.NOTICED, A.NOTICE_OBJECTION)
    assert next_status(S.NOTICED, A.NOTICE_OBJECTION, choice=S.INVESTIGATING) == S.INVESTIGATING
    assert next_status(S.NOTICED, A.NOTICE_OBJECTION, choice=S.APPRAISAL) == S.APPRAISAL
    with pytest.raises(IllegalTransition, match="不能转入“已确认”"):
        next_status(S.NOTICED, A.NOTICE_OBJECTION, choice=S.CONFIRMED)


def test_after_appraisal_the_notice_is_posted_again():
    status = next_status(S.NOTICED, A.NOTICE_OBJECTION, choice=S.APPRAISAL)
    status = next_status(status, A.RECORD_APPRAISAL)
    assert status == S.AWAITING_NOTICE
    assert next_status(status, A.PUBLISH_NOTICE) == S.NOTICED


def test_verification_objection_reverifies():
    assert next_status(S.VERIFYING, A.VERIFICATION_OBJECTION) == S.VERIFYING
    assert next_status(S.AWAITING_NOTICE, A.VERIFICATION_OBJECTION) == S.VERIFYING


def test_choice_must_match_a_single_target():
    assert next_status(S.DRAFT, A.ACCEPT, choice=S.ACCEPTED) == S.ACCEPTED
    with pytest.raises(IllegalTransition):
        next_status(S.DRAFT, A.ACCEPT, choice=S.CONFIRMED)


def test_township_opinion_is_recorded_in_place():
    assert next_status(S.TOWNSHIP_REVIEWED, A.TOWNSHIP_OPINION) == S.TOWNSHIP_REVIEWED


# --- emergency path (先行救助) -------------------------------------------------------------------


def test_emergency_payment_then_filing():
    status = run([A.ACCEPT, A.EMERGENCY_PAY], EMERGENCY)
    assert status == S.PAID_FIRST
    assert allowed_actions(status, EMERGENCY) == (A.COMPLETE_FILING,)
    after = next_status(status, A.COMPLETE_FILING, EMERGENCY)
    assert after == S.AWAITING_NOTICE  # R2: the notice still happens
    no_notice = CaseFacts(emergency_allowed=True, needs_notice=False)
    assert next_status(status, A.COMPLETE_FILING, no_notice) == S.TOWNSHIP_REVIEWED


def test_emergency_payment_needs_the_flag():
    with pytest.raises(IllegalTransition, match="不适用先行救助"):
        next_status(S.ACCEPTED, A.EMERGENCY_PAY)
    with pytest.raises(IllegalTransition):
        next_status(S.INVESTIGATING, A.EMERGENCY_PAY, EMERGENCY)


# --- spot check failure, withdrawal, terminal statuses -----------------------------------------


def test_reopen_after_failed_spot_check():
    for status in (S.CONFIRMED, S.ENROLLED):
        reopened = next_status(status, A.REOPEN)
        assert reopened == S.REOPENED
        assert allowed_actions(reopened) == (A.RESTART,)
        assert next_status(reopened, A.RESTART) == S.INVESTIGATING
    for status in (S.REFUSED, S.WITHDRAWN, S.TOWNSHIP_REVIEWED):
        with pytest.raises(IllegalTransition):
            next_status(status, A.REOPEN)


def test_withdraw_before_decision_only():
    assert next_status(S.NOTICED, A.WITHDRAW) == S.WITHDRAWN
    for status in (S.CONFIRMED, S.ENROLLED, S.REFUSED, S.PAID_FIRST, S.REOPENED):
        with pytest.raises(IllegalTransition):
            next_status(status, A.WITHDRAW)


def test_terminal_statuses():
    assert {s for s in Status if is_terminal(s)} == {S.ENROLLED, S.REFUSED, S.WITHDRAWN}
    assert allowed_actions(S.WITHDRAWN, NOTICE_DONE) == ()
    assert allowed_actions(S.ENROLLED, NOTICE_DONE) == (A.REOPEN,)


def test_allowed_actions_and_possible_targets_agree_with_next_status():
    facts_list = (CaseFacts(), NOTICE_DONE, NO_NOTICE, EMERGENCY)
    for facts in facts_list:
        for status in Status:
            allowed = allowed_actions(status, facts)
            for action in Action:
                targets = possible_targets(status, action, facts)
                assert bool(targets) == (action in allowed)
                for target in targets:
                    assert next_status(status, action, facts, choice=target) == target


def test_accepts_plain_strings():
    assert next_status("draft", "accept") == S.ACCEPTED
